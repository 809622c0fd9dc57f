"""Fit a GIF into a size budget (`--max-size 2MB`): lower the frame rate (fewer frames over the same
duration), then the colours, then the scale, in that order, until the file fits, and say what was chosen.

Frame rate goes first because a blog GIF at 10 fps still reads as motion, and every dropped frame
saves its whole cost; fewer colours cost little on flat-shaded plots; scale goes last because it
shrinks the text. Each rung of the ladder is a full render, written to a temp file; only a fitting
one is renamed onto the target.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..data.files import atomic_path
from ..errors import OptvizError
from ..parsing import parse_bytes

# (fps cap, colours, scale): tried in order until the GIF fits
LADDER = [(None, 255, 1.0), (15, 255, 1.0), (12, 255, 1.0), (10, 255, 1.0), (10, 128, 1.0), (10, 64, 1.0),
          (8, 64, 0.85), (8, 48, 0.75), (6, 32, 0.65), (6, 32, 0.55), (5, 24, 0.45), (4, 16, 0.4)]


def parse_size(text) -> int:
    """"2MB", "500kB", "1.5MiB" or a number of bytes."""
    value = parse_bytes(text)
    if value < 10_000:
        raise OptvizError(f"a size budget under 10 kB cannot hold an animation, got {text!r}")
    return value


class _TooBig(Exception):
    pass


@dataclass
class Fit:
    fps: int
    colors: int
    scale: float
    size: int
    attempts: int

    def describe(self, budget: int) -> str:
        return (f"fits {budget / 1e6:.2f} MB at {self.fps} fps, {self.colors} colours, "
                f"{self.scale:.0%} scale: {self.size / 1e6:.2f} MB after {self.attempts} render(s)")


def fit_gif(path, make_scene, style, timeline, budget: int, *, workers=None, progress=None) -> Fit:
    """Render GIFs down the ladder until one is at most `budget` bytes; write it to `path`.
    `make_scene(style, timeline)` builds the scene (once for the first rung, which most GIFs fit). One-
    frame-per-step timelines are first given the duration they had, so a lower fps means fewer frames,
    not slower motion."""
    from .encode import write_gif

    first = make_scene(style, timeline)   # drawn on the first rung, which keeps style and timeline
    steps_shown = first.frame_steps
    hold_frames = int(round(timeline.hold * timeline.fps))
    motion = max(len(steps_shown) - hold_frames, 2) / timeline.fps
    w, h = style.size
    path = Path(path)
    for attempt, (fps_cap, colors, scale) in enumerate(LADDER, 1):
        fps = min(timeline.fps, fps_cap or timeline.fps)
        tl = timeline if fps == timeline.fps else replace(timeline, fps=fps, duration=timeline.duration or motion)
        st = style if scale == 1.0 else replace(style, width=int(w * scale), height=int(h * scale))
        scene = first if st is style and tl is timeline else make_scene(st, tl)
        try:
            with atomic_path(path) as tmp:
                write_gif(tmp, scene, fps, tl.loop, progress, workers, colors)
                size = tmp.stat().st_size
                if size > budget:
                    raise _TooBig  # the temp file is removed, the target untouched
        except _TooBig:
            continue
        return Fit(fps, colors, scale, size, attempt)
    raise OptvizError(f"could not fit {path.name} into {budget / 1e6:.2f} MB (smallest try {size / 1e6:.2f} MB); "
                      "shorten it with --duration, or write an MP4")
