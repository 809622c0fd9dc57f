"""The views and the output formats each can write, checked without importing matplotlib (a spec is
checked before its runs are computed, and a first render imports the renderers while they are)."""
from __future__ import annotations

from pathlib import Path

from ..errors import OptvizError

VIDEO_FORMATS = ("gif", "mp4", "webm", "html", "png")
FIGURE_FORMATS = ("png", "svg", "pdf")
VIEWS = {"2d": "animated map", "3d": "animated surface", "grid": "animated small multiples, a panel per optimizer",
         "map": "static map with trajectories", "surface": "static 3-D surface",
         "line": "static 1-D loss profile between two points (a network's landscape with a line)"}
STATIC = ("map", "surface", "line")


def check_output(path, view: str) -> str:
    """The output format of `path` for `view`, or an OptvizError naming the valid choices."""
    if view not in VIEWS:
        raise OptvizError(f"unknown view {view!r}; choose from: {', '.join(VIEWS)}")
    fmt = Path(path).suffix.lstrip(".").lower()
    valid = (*(FIGURE_FORMATS if view in STATIC else VIDEO_FORMATS), "npz")   # npz: the experiment itself
    if fmt not in valid:
        raise OptvizError(f"unknown format {fmt!r} for the {view} view ({str(path)!r}); choose from: {', '.join(valid)}")
    return fmt
