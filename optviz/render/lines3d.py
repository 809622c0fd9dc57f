"""3-D lines that project with plain arrays: the same pixels as matplotlib's Line3D, sooner.

matplotlib's Line3D.draw projects its points into masked arrays (a point outside the view cube
masked) and hands them to Line2D, whose unit check then walks the masked array element by element:
about a third of the time a 3-D frame takes with its trails and balls. `fast(line)` makes a line
project the same way, with the same matrix and the same cube, into plain arrays where a masked point
is NaN: what Line2D turns a masked point into anyway, so the path drawn is the same.
"""
from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D
from mpl_toolkits.mplot3d.art3d import Line3D


class ProjectedLine(Line3D):
    def draw(self, renderer):
        ax = self.axes
        if self._axlim_clip or any(s != "linear" for s in (ax.get_xscale(), ax.get_yscale(), ax.get_zscale())):
            return super().draw(renderer)   # matplotlib's own masks: clipping, log axes
        xs, ys, zs = (np.asarray(v, dtype=float).ravel() for v in self._verts3d)
        w = ax.M @ np.array([xs, ys, zs, np.ones_like(xs)])
        tx, ty, tz = w[:3] / w[3]
        with np.errstate(invalid="ignore"):
            inside = (np.ones(tx.shape, bool) if np.isinf(ax._focal_length) else
                      (-1 <= tx) & (tx <= 1) & (-1 <= ty) & (ty <= 1) & (tz <= 0))
        self.set_data(np.where(inside, tx, np.nan), np.where(inside, ty, np.nan))
        Line2D.draw(self, renderer)
        self.stale = False


def fast(line: Line3D) -> Line3D:
    """`line`, drawn from now on by ProjectedLine.draw."""
    line.__class__ = ProjectedLine
    return line
