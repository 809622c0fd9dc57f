"""The rendered chapters cut at their beats into a clip a slide, without drawing anything again.

manim writes every animation to its own partial file and joins them, so each animation, and with it
each beat, starts on a keyframe: the video is cut there by copying its packets (exact and lossless).
A beat that does not start on one (a chapter from another encoder) is re-encoded from its exact first
frame instead, and counted. The sound is the chapter's narration cut at the same sample (AAC frames are
too coarse to copy), encoded again.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from ...errors import OptvizError
from ...render.encode import ffmpeg_exe
from ..audio import decode, mux
from .rendered import RenderedChapter, Slide


def keyframes(video: Path, fps: int) -> set[int]:
    """The frame numbers of the video's keyframes (read from its packets, nothing decoded)."""
    import av
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        start = stream.start_time or 0
        return {round(float((pkt.pts - start) * stream.time_base) * fps)
                for pkt in container.demux(stream) if pkt.is_keyframe and pkt.pts is not None}


def _ffmpeg(args: list[str], what: str) -> None:
    done = subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise OptvizError(f"ffmpeg could not cut {what}: {done.stderr.strip()[-200:]}")


def cut_clip(chapter: RenderedChapter, slide: Slide, target: Path, sound, exact: bool) -> Path:
    """One slide's clip: its frames of the chapter's video (copied when `exact`), its span of `sound`
    ((samples, rate) or None)."""
    start = slide.first / chapter.fps
    silent = target.with_name(f".{target.stem}.video.mp4")
    if exact:
        video = ["-ss", f"{start:.6f}", "-i", str(chapter.video), "-map", "0:v:0", "-c:v", "copy"]
    else:   # accurate seeking: decode up to the beat, start the clip with a keyframe of its own
        video = ["-i", str(chapter.video), "-ss", f"{start:.6f}", "-map", "0:v:0", "-c:v", "libx264", "-crf", "16",
                 "-pix_fmt", "yuv420p"]
    _ffmpeg([*video, "-frames:v", str(slide.frames), "-an", "-avoid_negative_ts", "make_zero",
             "-movflags", "+faststart", "-f", "mp4", str(silent)], f"slide {slide.name}")
    try:
        if sound is None:
            silent.replace(target)
        else:
            samples, rate = sound
            a = round(slide.first * rate / chapter.fps)
            b = round((slide.first + slide.frames) * rate / chapter.fps)
            track = np.zeros(b - a, np.float32)
            piece = samples[a:b]
            track[:len(piece)] = piece
            mux(silent, track, rate, target, "mp4")
    finally:
        silent.unlink(missing_ok=True)
    return target


def has_sound(video: Path) -> bool:
    import av
    with av.open(str(video)) as container:
        return bool(container.streams.audio)


def cut(chapters, folder: Path, workers: int | None = None, progress=None) -> tuple[dict, int]:
    """Every slide of `chapters` cut into folder/<chapter>-<beat>.mp4; `progress(done, total)` hears
    each clip. Returns ({Slide: clip}, the number of clips that had to be re-encoded)."""
    folder.mkdir(parents=True, exist_ok=True)
    workers = workers or min(os.cpu_count() or 1, 4)
    jobs, inexact = [], 0
    for c in chapters:
        keys = keyframes(c.video, c.fps)
        sound = decode(c.video) if has_sound(c.video) else None
        for s in c.slides:
            exact = s.first in keys
            inexact += not exact
            jobs.append((c, s, folder / f"{s.name}.mp4", sound, exact))
    clips = {}
    with ThreadPoolExecutor(workers) as pool:
        for job, clip in zip(jobs, pool.map(lambda j: cut_clip(*j), jobs)):
            clips[job[1]] = clip
            if progress:
                progress(len(clips), len(jobs))
    return clips, inexact


def frame_at(clip: Path, which: str) -> np.ndarray:
    """The clip's first or last frame as RGB uint8 [height, width, 3]. The last is decoded from the
    keyframe before the clip's final second, not from its start (a deck asks for one a slide)."""
    import av
    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        if which == "last" and container.duration and container.duration > 2 * av.time_base:
            container.seek(container.duration - av.time_base, backward=True, any_frame=False)
        frame = None
        for frame in container.decode(stream):
            if which == "first":
                break
        if frame is None:
            raise OptvizError(f"{clip} holds no frames")
        return frame.to_ndarray(format="rgb24")


def save_png(rgb: np.ndarray, path: Path) -> Path:
    from PIL import Image
    Image.fromarray(rgb).save(path, optimize=False)
    return path


def save_jpeg(rgb: np.ndarray, path: Path) -> Path:
    """A poster: JPEG at a quality whose artefacts do not show on the lecture's flat backgrounds, about
    a tenth of the PNG (the one-file deck carries one a slide)."""
    from PIL import Image
    Image.fromarray(rgb).save(path, quality=88)
    return path


def copy_tree(source: Path, target: Path) -> None:
    shutil.copytree(source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
