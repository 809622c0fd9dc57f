"""3-D lines that project with plain arrays: the same pixels as matplotlib's Line3D, sooner.

matplotlib's Line3D.draw projects its points into masked arrays (a point outside the view cube
masked) and hands them to Line2D, whose unit check then walks the masked array element by element:
about a third of the time a 3-D frame takes with its trails and balls. `fast(line)` makes a line
project the same way, with the same matrix and the same cube, into plain arrays where a masked point
is NaN: what Line2D turns a masked point into anyway, so the path drawn is the same.

A plain line (no marker, solid or dashed, no effects) then skips Line2D.draw too, whose caching of
the data it is handed, units and transformed path cost more than Agg drawing the trail: it hands Agg
the same path, transform and graphics context Line2D would (the steps below are Line2D.draw's own).
Markers without a line (the balls, the exit markers) likewise skip to Line2D's marker steps.
"""
from __future__ import annotations

from numbers import Real

import numpy as np
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D
from matplotlib.path import Path
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
        x, y = np.where(inside, tx, np.nan), np.where(inside, ty, np.nan)
        if self._plain():
            self._draw_path(renderer, np.column_stack([x, y]))
        elif self._markers_only():
            self._draw_markers(renderer, np.column_stack([x, y]))
        else:
            self.set_data(x, y)
            Line2D.draw(self, renderer)
        self.stale = False

    def _plain(self) -> bool:
        return (self.get_visible() and not (self._marker and self._markersize > 0) and self._drawstyle == "default"
                and not self.get_path_effects() and self.get_sketch_params() is None and self._gapcolor is None
                and self._lineStyles[self._linestyle] != "_draw_nothing")

    def _markers_only(self) -> bool:
        """Markers and no line (a ball, an exit marker), drawn in the plainest way Line2D has."""
        m = self._marker
        return (self.get_visible() and bool(m) and self._markersize > 0
                and self._lineStyles[self._linestyle] == "_draw_nothing" and self._drawstyle == "default"
                and not self.get_path_effects() and self.get_sketch_params() is None and self._markevery is None
                and not m.get_alt_path() and m.get_marker() != ",")

    def _draw_markers(self, renderer, xy: np.ndarray) -> None:
        """Line2D.draw's marker steps, for markers only: the same graphics context, marker path and
        transforms handed to Agg, without recaching the line's data and its transformed path."""
        gc = renderer.new_gc()
        self._set_gc_clip(gc)
        gc.set_url(self.get_url())
        gc.set_linewidth(self._markeredgewidth)
        gc.set_antialiased(self._antialiased)
        ec_rgba = to_rgba(self.get_markeredgecolor(), self._alpha)
        fc_rgba = to_rgba(self._get_markerfacecolor(), self._alpha)
        # an "auto" edge takes the face's alpha (as Line2D has it)
        if isinstance(self._markeredgecolor, str) and self._markeredgecolor == "auto" \
                and not (isinstance(self.get_markerfacecolor(), str) and self.get_markerfacecolor().lower() == "none"):
            ec_rgba = ec_rgba[:3] + (fc_rgba[3],)
        gc.set_foreground(ec_rgba, isRGBA=True)
        marker = self._marker
        snap = marker.get_snap_threshold()
        if isinstance(snap, Real):
            snap = renderer.points_to_pixels(self._markersize) >= snap
        gc.set_snap(snap)
        gc.set_joinstyle(marker.get_joinstyle())
        gc.set_capstyle(marker.get_capstyle())
        w = renderer.points_to_pixels(self._markersize)
        renderer.draw_markers(gc, marker.get_path(), marker.get_transform().scale(w), Path(xy),
                              self.get_transform().get_affine().frozen(), fc_rgba)
        gc.restore()

    def _draw_path(self, renderer, xy: np.ndarray) -> None:
        if not len(xy):
            return
        gc = renderer.new_gc()
        self._set_gc_clip(gc)
        gc.set_url(self.get_url())
        gc.set_antialiased(self._antialiased)
        gc.set_linewidth(self._linewidth)
        dashed = self.is_dashed()
        gc.set_joinstyle(self._dashjoinstyle if dashed else self._solidjoinstyle)
        gc.set_capstyle(self._dashcapstyle if dashed else self._solidcapstyle)
        gc.set_snap(self.get_snap())
        gc.set_foreground(to_rgba(self._color, self._alpha), isRGBA=True)
        if self._linewidth > 0:
            gc.set_dashes(*self._dash_pattern)
        else:
            gc.set_dashes(0, None)
        # the line's transform is the axes' affine one, applied by Agg as Line2D has it applied
        renderer.draw_path(gc, Path(xy), self.get_transform().get_affine().frozen())
        gc.restore()


def fast(line: Line3D) -> Line3D:
    """`line`, drawn from now on by ProjectedLine.draw."""
    line.__class__ = ProjectedLine
    return line
