"""Write a scene's frames to GIF, MP4, WebM, HTML or PNG.

A scene has `size`, `n_frames`, `fps`-free `render(i)` -> uint8 RGBA [H, W, 4] and `frame_keys()`.
GIFs use one palette shared by all frames (median cut over a few sample frames), frames mapped to it
in the worker processes (only the pixels that differ from the static background) and written as they
arrive (`gif.GifStream`: only the changed rectangle of each frame, repeated frames merged), so the
file is being written while frames are still drawn and memory stays bounded however long the GIF.
MP4/WebM stream raw frames to ffmpeg. Output goes to a temp file beside the target and is renamed
only on success; an error or Ctrl-C leaves nothing at the target.
"""
from __future__ import annotations

import base64
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

from ..data.files import atomic_path
from ..errors import OptvizError
from .gif import GifStream, changed_box, gif_seconds
from .outputs import VIDEO_FORMATS
from .parallel import iter_frames, sample_rgb


def media_seconds(path) -> float | None:
    """How long a video or GIF file plays, in seconds (None for other files)."""
    suffix = Path(path).suffix.lower()
    if suffix not in (".mp4", ".webm", ".mov", ".gif"):
        return None
    if suffix == ".gif":   # its delays, read without importing PyAV (a tenth of a re-render's start)
        try:
            return gif_seconds(Path(path).read_bytes()) or None
        except (IndexError, struct.error, OSError):
            return None
    import av
    try:
        with av.open(str(path)) as container:
            return container.duration / 1e6 if container.duration else None
    except (av.error.FFmpegError, OSError):
        return None


def clock(seconds: float) -> str:
    """A length or a time in a video as minutes:seconds, to a tenth: 5:50.0 (59.96 s is 1:00.0)."""
    tenths = round(seconds * 10)
    return f"{tenths // 600}:{tenths % 600 / 10:04.1f}"


def ffmpeg_exe() -> str:
    """The system ffmpeg, else the one imageio-ffmpeg ships; checked when first needed."""
    exe = shutil.which("ffmpeg")
    if exe:
        return exe
    try:
        import imageio_ffmpeg
        return imageio_ffmpeg.get_ffmpeg_exe()
    except Exception:  # noqa: BLE001 - any failure means "not available"
        raise OptvizError("ffmpeg is needed for GIF/MP4/WebM output and was not found; "
                          "install it (apt-get install ffmpeg) or `pip install imageio-ffmpeg`") from None


def _raw_input(size, fps) -> list[str]:
    w, h = size
    return ["-f", "rawvideo", "-pix_fmt", "rgba", "-s", f"{w}x{h}", "-r", str(fps), "-i", "-"]


def _pipe(args: list[str], frames, progress=None) -> None:
    """Run ffmpeg with `args`, writing every frame to its stdin."""
    proc = subprocess.Popen([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args],
                            stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        try:
            for frame in frames:
                proc.stdin.write(np.ascontiguousarray(frame).data)
                if progress:
                    progress(1)
            proc.stdin.close()
        except BrokenPipeError:   # ffmpeg stopped reading: it says why on stderr
            pass
        err = proc.stderr.read().decode(errors="replace").strip()
        if proc.wait() != 0:
            raise OptvizError(f"ffmpeg failed: {err.splitlines()[-1] if err else 'unknown error'}")
    except BaseException:
        proc.kill()
        proc.wait()
        raise


def shared_palette(scene, colors: int = 255) -> Image.Image:
    """A palette of `colors` entries: median cut over sample frames, plus the scene's key colours (its
    optimizers') exactly, so a small ball keeps its colour even when few colours are left. It holds
    exactly `colors` entries (no padding: Pillow would map dark pixels to padded black entries), so
    with 255 one index is left for the GIF's transparent pixels."""
    sample = sample_rgb(scene)[::2, ::2]  # every other pixel: 4x less to sort, same colours
    keys = [tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in dict.fromkeys(getattr(scene, "colors", []))
            if isinstance(c, str) and c.startswith("#") and len(c) == 7][:colors // 2]
    cut = Image.fromarray(np.ascontiguousarray(sample)).quantize(colors=colors - len(keys),
                                                                 method=Image.Quantize.MEDIANCUT,
                                                                 dither=Image.Dither.NONE)
    entries = cut.getpalette()[:3 * (colors - len(keys))] + [v for rgb in keys for v in rgb]
    palette = Image.new("P", (1, 1))
    palette.putpalette(entries)
    return palette


class PaletteMapper:
    """Maps RGBA frames to indices of a shared palette with Pillow. Only the bounding box of the pixels
    that differ from the scene's static background is mapped; the rest reuses the background's
    indices (Pillow maps a colour to the same index every time, so the result is the same)."""

    def __init__(self, palette: Image.Image, background: np.ndarray | None):
        self.palette = palette
        self.background = None
        if background is not None:
            self.background = np.ascontiguousarray(background).view(np.uint32)[..., 0]  # one word per pixel
            self.background_index = self.map(background)

    def map(self, rgba: np.ndarray) -> np.ndarray:
        h, w = rgba.shape[:2]
        rgb = Image.frombuffer("RGBA", (w, h), np.ascontiguousarray(rgba), "raw", "RGBA", 0, 1).convert("RGB")
        return np.asarray(rgb.quantize(palette=self.palette, dither=Image.Dither.NONE))

    def __call__(self, frame: np.ndarray):
        """(box, indices): the changed box (r0, r1, c0, c1) and its palette indices; small to send
        back from a worker. `indices()` turns it into the full frame's."""
        if self.background is None:
            h, w = frame.shape[:2]
            return (0, h, 0, w), self.map(frame)
        changed = np.ascontiguousarray(frame).view(np.uint32)[..., 0] != self.background
        box = changed_box(changed)
        if box is None:
            return (0, 0, 0, 0), np.zeros((0, 0), np.uint8)
        r0, r1, c0, c1 = box
        # only the pixels that changed are mapped (in a trail's box most did not): a row of them
        where = np.flatnonzero(changed[r0:r1, c0:c1])
        crop = self.background_index[r0:r1, c0:c1].copy()
        crop.flat[where] = self.map(frame[r0:r1, c0:c1].reshape(-1, 4)[where][None])[0]
        return (r0, r1, c0, c1), crop

    def indices(self, mapped, size) -> np.ndarray:
        """The whole frame's palette indices [H, W] from what `__call__` returned."""
        (r0, r1, c0, c1), crop = mapped
        index = np.zeros(size[::-1], np.uint8) if self.background is None else self.background_index.copy()
        index[r0:r1, c0:c1] = crop
        return index


def scene_palette(scene, colors: int = 255) -> Image.Image:
    """`shared_palette`, kept with the scene's static picture when it has one in the cache."""
    key = getattr(scene, "static_key", None)
    if key is None:
        return shared_palette(scene, colors)
    from . import static_cache
    kept = static_cache.load(key, f"palette{colors}")
    if kept is not None:
        palette = Image.new("P", (1, 1))
        palette.putpalette(kept["entries"].tolist())
        return palette
    palette = shared_palette(scene, colors)
    static_cache.store(key, f"palette{colors}", {"entries": np.array(palette.getpalette(), np.uint8)})
    return palette


def write_gif(path: Path, scene, fps: int, loop: bool = True, progress=None, workers=None,
              colors: int = 255) -> None:
    palette = scene_palette(scene, colors)
    mapper = PaletteMapper(palette, scene.background_rgba)
    with open(path, "wb") as fp:
        gif = GifStream(fp, palette.getpalette(), scene.size, fps, loop)
        before = None
        for mapped in iter_frames(scene, mapper, workers):
            # outside their boxes two frames are the background: they differ only inside the two boxes
            box = mapped[0]
            gif.add(mapper.indices(mapped, scene.size),
                    None if before is None or mapper.background is None else span(before, box))
            before = box
            if progress:
                progress(1)
        gif.close()


def span(a, b):
    """The smallest box (r0, r1, c0, c1) holding boxes a and b; an empty box holds nothing."""
    boxes = [box for box in (a, b) if box[0] < box[1] and box[2] < box[3]]
    if not boxes:
        return (0, 0, 0, 0)
    return (min(x[0] for x in boxes), max(x[1] for x in boxes), min(x[2] for x in boxes), max(x[3] for x in boxes))


def write_mp4(path: Path, scene, fps: int, progress=None, workers=None, crf: int = 20) -> None:
    # yuv420p: what browsers, PowerPoint and Keynote play; bitexact: same frames, same bytes
    _pipe([*_raw_input(scene.size, fps), "-c:v", "libx264", "-preset", "medium", "-crf", str(crf),
           "-pix_fmt", "yuv420p", "-movflags", "+faststart", "-map_metadata", "-1",
           "-fflags", "+bitexact", "-flags:v", "+bitexact", "-f", "mp4", str(path)],
          iter_frames(scene, None, workers), progress)


def write_webm(path: Path, scene, fps: int, progress=None, workers=None) -> None:
    _pipe([*_raw_input(scene.size, fps), "-c:v", "libvpx-vp9", "-b:v", "0", "-crf", "34", "-row-mt", "1",
           "-pix_fmt", "yuv420p", "-map_metadata", "-1", "-fflags", "+bitexact", "-f", "webm", str(path)],
          iter_frames(scene, None, workers), progress)


def write_html(path: Path, scene, fps: int, progress=None, workers=None) -> None:
    """A self-contained page: the MP4 embedded as base64 in a looping <video>."""
    with tempfile.TemporaryDirectory() as tmp:
        mp4 = Path(tmp) / "v.mp4"
        write_mp4(mp4, scene, fps, progress, workers)
        data = base64.b64encode(mp4.read_bytes()).decode()
    path.write_text(html_page(scene.title, data, *scene.size))


def html_page(title: str, mp4_base64: str, width: int, height: int) -> str:
    title = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title></head>\n"
            f"<body style=\"margin:0\">\n<video width=\"{width}\" height=\"{height}\" autoplay loop muted "
            f"playsinline controls src=\"data:video/mp4;base64,{mp4_base64}\"></video>\n</body></html>\n")


def save_figure(fig, path) -> Path:
    """A drawn matplotlib figure as a PNG file, written atomically (through write_png: the same bytes
    for the same picture)."""
    fig.canvas.draw()
    with atomic_path(path, ".png") as tmp:
        write_png(tmp, np.array(fig.canvas.buffer_rgba()))
    return path


def write_png(path: Path, frame: np.ndarray) -> None:
    Image.fromarray(np.ascontiguousarray(frame)).convert("RGB").save(path, format="PNG", optimize=True)


def write_animation(path, scene, fps: int, *, loop: bool = True, progress=None, workers=None,
                    colors: int = 255) -> Path:
    """Write `scene` to `path` in the format its extension names, atomically. PNG is the poster:
    the last frame."""
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower()
    if fmt not in VIDEO_FORMATS:
        raise OptvizError(f"unknown animation format {fmt!r} for {str(path)!r}; "
                          f"choose from: {', '.join(VIDEO_FORMATS)}")
    if fmt != "png":
        ffmpeg_exe()
    with atomic_path(path) as tmp:
        if fmt == "gif":
            write_gif(tmp, scene, fps, loop, progress, workers, colors)
        elif fmt == "mp4":
            write_mp4(tmp, scene, fps, progress, workers)
        elif fmt == "webm":
            write_webm(tmp, scene, fps, progress, workers)
        elif fmt == "html":
            write_html(tmp, scene, fps, progress, workers)
        else:
            write_png(tmp, scene.render(scene.n_frames - 1))
    return path
