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


def _project(ax, xs, ys, zs) -> np.ndarray:
    """[K, 2] projected points of the axes' camera, NaN where matplotlib would mask them (outside
    the view cube)."""
    w = ax.M @ np.array([xs, ys, zs, np.ones_like(xs)])
    tx, ty, tz = w[:3] / w[3]
    with np.errstate(invalid="ignore"):
        inside = (np.ones(tx.shape, bool) if np.isinf(ax._focal_length) else
                  (-1 <= tx) & (tx <= 1) & (-1 <= ty) & (ty <= 1) & (tz <= 0))
    return np.column_stack([np.where(inside, tx, np.nan), np.where(inside, ty, np.nan)])


def _own_masks(ax, line) -> bool:
    """Whether the line needs matplotlib's own masks: clipping to the axes' limits, log axes."""
    return line._axlim_clip or any(s != "linear" for s in (ax.get_xscale(), ax.get_yscale(), ax.get_zscale()))


class ProjectedLine(Line3D):
    def draw(self, renderer):
        ax = self.axes
        if _own_masks(ax, self):
            return super().draw(renderer)
        xy = _project(ax, *(np.asarray(v, dtype=float).ravel() for v in self._verts3d))
        if self._plain():
            self._draw_path(renderer, xy)
        elif self._markers_only():
            self._draw_markers(renderer, xy)
        else:
            self.set_data(xy[:, 0], xy[:, 1])
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

    def _draw_path(self, renderer, xy: np.ndarray, affine=None) -> None:
        """Line2D.draw's steps for a plain line; `affine`: the axes' frozen data affine, when known."""
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
        if affine is None:
            affine = self.get_transform().get_affine().frozen()
        renderer.draw_path(gc, Path(xy), affine)
        gc.restore()


def draw_lines(renderer, lines) -> None:
    """Draw lines of one 3-D axes in order: the plain ProjectedLines' points projected in one product
    (the per-point arithmetic is the same), each handed to Agg as `ProjectedLine.draw` would; any
    other line drawn by itself."""
    lines = [line for line in lines if len(line._verts3d[0])]
    if not lines:
        return
    ax = lines[0].axes
    plain = [isinstance(line, ProjectedLine) and line.axes is ax and line.get_transform() is ax.transData
             and not _own_masks(ax, line) and line._plain() for line in lines]
    batch = [line for line, p in zip(lines, plain) if p]
    if batch:
        coords = [np.concatenate([np.asarray(line._verts3d[k], dtype=float).ravel() for line in batch])
                  for k in range(3)]
        xy = _project(ax, *coords)
        bounds = np.cumsum([0] + [np.size(line._verts3d[0]) for line in batch])
        affine = ax.transData.get_affine().frozen()
    k = 0
    for line, p in zip(lines, plain):
        if p:
            line._draw_path(renderer, xy[bounds[k]:bounds[k + 1]], affine)
            line.stale = False
            k += 1
        else:
            line.draw(renderer)


def fast(line: Line3D) -> Line3D:
    """`line`, drawn from now on by ProjectedLine.draw."""
    line.__class__ = ProjectedLine
    return line
