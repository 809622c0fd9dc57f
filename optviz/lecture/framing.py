"""Paths lost in their view: a `race` or `rule` shot without `box=` is shown in the surface's box (grown
to hold its paths), which suits a run that crosses the surface; one that moves a little, as RMSprop at
a small learning rate does on Rosenbrock's valley, is a dot that barely moves in it. Not an error (the
teacher may want the whole surface in view): once its runs exist, the shot is advised the box that
frames its paths, to paste into its line.
"""
from __future__ import annotations

import math

import numpy as np

# paths spanning less of the view than this, across and up, move by a tenth of the frame or less: a
# map or a stage is about 40% of the frame's width beside the texts
FRAMED = 0.25
MARGIN = 0.1    # the advised box's room around the paths on each side, as a share of their larger span


def framing(options: dict, data: dict) -> list[str]:
    """What to tell the teacher about a race's or rule's view: [] when it has a box= or its paths fill
    it; otherwise how little they span and the box that frames them."""
    if options.get("box"):
        return []
    run = data["run"]
    kept = run.diverged_at < 0   # a diverged run leaves the view whatever its box
    if not kept.any():
        return []
    path = run.position[kept].reshape(-1, 2).astype(np.float64)
    path = path[np.isfinite(path).all(1)]
    lo, hi = path.min(0), path.max(0)
    view = np.array(run.box, dtype=np.float64)
    fill = (hi - lo) / (view[:, 1] - view[:, 0])
    if fill.max() >= FRAMED:
        return []
    big = float((hi - lo).max()) or float(np.abs(lo).max()) or 1.0
    # square: a map keeps the plane's proportions, and its room beside the texts is about as high as wide
    # (a path along one direction drawn in a sliver of a map would be as small as before)
    half = big / 2 + MARGIN * big
    centre = (lo + hi) / 2
    step = 10.0 ** math.floor(math.log10(big / 5))   # two significant digits of the span
    x0, y0 = np.floor((centre - half) / step) * step
    x1, y1 = np.ceil((centre + half) / step) * step
    box = f"{nice(x0, step)},{nice(x1, step)};{nice(y0, step)},{nice(y1, step)}"
    one = len(run.position) == 1
    across, up = (math.floor(f * 100) for f in fill)
    return [f"the {'path spans' if one else 'paths span'} {across}% of the view across and {up}% up, and may be "
            f"hard to see: box={box} frames {'it' if one else 'them'}"]


def nice(v: float, step: float) -> str:
    """v, a multiple of `step`, without float noise (0.30000000000000004 -> 0.3) or a sign on zero."""
    digits = max(0, -math.floor(math.log10(step)))
    text = f"{v:.{digits}f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if float(text) == 0 else text
