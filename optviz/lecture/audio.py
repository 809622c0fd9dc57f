"""The narration's sound: decoding recordings, trimming and resampling lines, loudness (EBU R128),
the chapter tracks, and muxing a track into a video as AAC (Opus for WebM).

Loudness is normalized in two passes, as ffmpeg's loudnorm does: the first measures the integrated
loudness and true peak (BS.1770-4, in numpy: `loudness`; a test holds it to ffmpeg's ebur128), the
second applies the gain to TARGET with a look-ahead limiter keeping the true peak under PEAK (speech
peaks high above its loudness), then the result is measured again. A line keeps its exact length
(ffmpeg's loudnorm resamples to 192 kHz and back, and costs a process per pass).
"""
from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import numpy as np

from ..errors import OptvizError
from ..render.encode import ffmpeg_exe

TARGET = -16.0   # LUFS, integrated
PEAK = -2.0      # dBTP, the most a line may reach (at most -1 is asked for: AAC's encoding adds some)
SILENCE = -45.0  # dB below a line's peak: where trimming stops
LOOK = 0.005     # seconds the limiter looks ahead (and its gain takes to recover)
CODECS = {"mp4": ("aac", "160k"), "mov": ("aac", "160k"), "webm": ("libopus", "128k")}


def decode(path) -> tuple[np.ndarray, int]:
    """A sound file (wav, flac, mp3, m4a, ogg, ...) as float32 mono samples and its sample rate."""
    import av
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                raise OptvizError(f"{path}: holds no sound")
            stream = container.streams.audio[0]
            rate = stream.rate or stream.codec_context.sample_rate
            resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
            chunks = []
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray().reshape(-1))
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1))
    except OptvizError:
        raise
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise OptvizError(f"{path}: cannot be read as sound ({str(exc).strip() or type(exc).__name__})") from None
    samples = np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)
    return samples, int(rate)


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    """float32 mono at `target` Hz (PyAV's resampler; nothing done when the rates agree)."""
    if rate == target or len(samples) == 0:
        return samples.astype(np.float32)
    import av
    resampler = av.AudioResampler(format="flt", layout="mono", rate=target)
    frame = av.AudioFrame.from_ndarray(samples.astype(np.float32).reshape(1, -1), format="flt", layout="mono")
    frame.sample_rate = rate
    out = [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
    out += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
    return np.concatenate(out).astype(np.float32) if out else np.zeros(0, np.float32)


def trim(samples: np.ndarray, rate: int, keep: float = 0.02) -> tuple[np.ndarray, int]:
    """The samples without leading and trailing silence (SILENCE dB below the peak, in 10 ms windows),
    keeping `keep` seconds either side; and how many samples were cut from the start."""
    if len(samples) == 0:
        return samples, 0
    win = max(1, rate // 100)
    n = len(samples) // win
    if n == 0:
        return samples, 0
    rms = np.sqrt((samples[:n * win].reshape(n, win).astype(np.float64) ** 2).mean(1) + 1e-20)
    loud = np.flatnonzero(20 * np.log10(rms / (np.abs(samples).max() + 1e-20)) > SILENCE)
    if not loud.size:
        return samples[:0], 0
    pad = int(keep * rate)
    a = max(0, loud[0] * win - pad)
    b = min(len(samples), (loud[-1] + 1) * win + pad)
    return samples[a:b], a


def limit(samples: np.ndarray, ceiling_db: float, rate: int) -> np.ndarray:
    """A look-ahead peak limiter: the gain drops ahead of every peak that would pass `ceiling_db`
    (peaks read 4x oversampled, as true peak is) and recovers over LOOK seconds. The gain at a sample
    is an average of minima over windows that all contain it, so it is never above what that sample
    needs; the length is unchanged."""
    from scipy.ndimage import minimum_filter1d, uniform_filter1d
    from scipy.signal import resample_poly
    ceiling = 10 ** (ceiling_db / 20)
    over = np.abs(resample_poly(samples.astype(np.float64), 4, 1))
    peak = np.maximum(np.abs(samples), over[:4 * len(samples)].reshape(-1, 4).max(1))
    need = np.minimum(1.0, ceiling / np.maximum(peak, 1e-12))
    width = max(3, int(LOOK * rate) | 1)
    gain = uniform_filter1d(minimum_filter1d(need, 2 * width + 1, mode="nearest"), width, mode="nearest")
    return (samples * gain).astype(np.float32)


# ITU-R BS.1770-4's K-weighting at 48 kHz: a high shelf, then the RLB high-pass
K_SHELF = ([1.53512485958697, -2.69169618940638, 1.19839281085285], [1.0, -1.69065929318241, 0.73248077421585])
K_HIGHPASS = ([1.0, -2.0, 1.0], [1.0, -1.99004745483398, 0.99007225036621])


def loudness(samples: np.ndarray, rate: int = 48000) -> tuple[float, float]:
    """(integrated loudness in LUFS, true peak in dBTP) of mono samples at 48 kHz, by BS.1770-4: the
    K-weighted mean square over 400 ms blocks every 100 ms, gated at -70 LUFS and 10 LU below the
    ungated mean; the true peak 4x oversampled. (A test holds it to ffmpeg's ebur128 filter.)"""
    from scipy.signal import lfilter, resample_poly
    if rate != 48000:
        raise ValueError("loudness is measured at 48 kHz")
    x = samples.astype(np.float64)
    y = lfilter(*K_HIGHPASS, lfilter(*K_SHELF, x))
    block, step = rate * 4 // 10, rate // 10
    if len(y) < block:
        y = np.concatenate([y, np.zeros(block - len(y))])
    sq = np.concatenate([[0.0], np.cumsum(y * y)])
    starts = np.arange(0, len(y) - block + 1, step)
    z = (sq[starts + block] - sq[starts]) / block
    lk = -0.691 + 10 * np.log10(np.maximum(z, 1e-20))
    gated = z[lk > -70]
    if not gated.size:
        return -np.inf, -np.inf
    relative = -0.691 + 10 * np.log10(gated.mean()) - 10
    kept = z[(lk > -70) & (lk > relative)]
    integrated = -0.691 + 10 * np.log10(kept.mean())
    peak = max(np.abs(x).max(), np.abs(resample_poly(x, 4, 1)).max())
    return float(integrated), float(20 * np.log10(max(peak, 1e-20)))


def loudnorm(samples: np.ndarray, rate: int = 48000) -> np.ndarray:
    """The samples at TARGET LUFS, their true peak at most PEAK dBTP: the gain to TARGET, and where
    speech's peaks would pass PEAK, a look-ahead limiter (so the loudness target is met, as ffmpeg's
    loudnorm does); measured again after limiting and corrected, up to three times."""
    if len(samples) == 0:
        return samples
    level, _ = loudness(samples, rate)
    if not np.isfinite(level) or level < -70:
        return samples   # silence: nothing to normalize (recordings are checked before they get here)
    out = samples * 10 ** ((TARGET - level) / 20)
    for _ in range(3):
        out = limit(out, PEAK - 0.5, rate)   # meters read true peak a few tenths apart: keep clear of it
        level, peak = loudness(out, rate)
        if abs(level - TARGET) <= 0.2 and peak <= PEAK:
            break
        out = out * 10 ** ((TARGET - level) / 20)
    return out.astype(np.float32)


def chapter_track(n_samples: int, placed, rate: int) -> np.ndarray:
    """A chapter's narration: silence with each line's samples at its start ((start s, samples) pairs)."""
    track = np.zeros(n_samples, np.float32)
    for start, samples in placed:
        if samples is None:
            continue
        a = int(round(start * rate))
        b = min(n_samples, a + len(samples))
        track[a:b] += samples[:b - a]
    return track


def mux(video: Path, track: np.ndarray, rate: int, target: Path, fmt: str, metadata: str | None = None) -> None:
    """The video (copied, not re-encoded) with `track` as its sound, index first; `metadata` (ffmpeg's
    format) adds chapter markers."""
    codec, bitrate = CODECS.get(fmt, CODECS["mp4"])
    with tempfile.TemporaryDirectory(prefix="optviz-mux-") as tmp:
        raw = Path(tmp) / "track.f32"
        track.astype(np.float32).tofile(raw)
        extra = []
        if metadata is not None:
            meta = Path(tmp) / "chapters.txt"
            meta.write_text(metadata)
            extra = ["-i", str(meta), "-map_metadata", "2", "-map_chapters", "2"]
        start = ["-movflags", "+faststart"] if fmt in ("mp4", "mov") else []
        done = subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-i", str(video),
                               "-f", "f32le", "-ar", str(rate), "-ac", "1", "-i", str(raw), *extra,
                               "-map", "0:v", "-map", "1:a", "-c:v", "copy", "-c:a", codec, "-b:a", bitrate,
                               *start, "-f", {"mov": "mov"}.get(fmt, fmt), str(target)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise OptvizError(f"ffmpeg could not add the narration to {target.name}: {done.stderr.strip()[-200:]}")
