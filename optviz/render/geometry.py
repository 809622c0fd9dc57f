"""Geometry shared by every renderer (matplotlib and manim), numpy only: how loss maps to drawn
height, where a diverging path leaves the view, which minimum a start lands in, and surface lookups."""
from __future__ import annotations

import numpy as np

from ..data.experiment import Experiment


def display_scale(exp: Experiment) -> dict:
    """How loss maps to drawn height/colour, as data (the interactive page applies it in JavaScript):
    {"kind": "log-floor", "floor"} log10 of the loss, floored, for a surface that asks for it (meta
    surface zscale "log": a network's loss, which spans decades); {"kind": "log-shift", "zmin", "delta"}
    log10(loss - zmin + delta) for surfaces whose range is dominated by steep walls (Rosenbrock,
    Beale, Booth); {"kind": "linear"} otherwise."""
    z = exp.grid_z[np.isfinite(exp.grid_z)]
    zmin, zmax, zmed = float(z.min()), float(z.max()), float(np.median(z))
    if exp.meta["surface"].get("zscale") == "log" and zmin > 0:
        # a path can fit its training set exactly (loss 0 in float32, where log10 is -inf): it is drawn at
        # the lowest positive loss of the grid and the paths
        seen = np.concatenate([z, exp.loss[np.isfinite(exp.loss)].ravel()]).astype(np.float64)
        return {"kind": "log-floor", "floor": float(seen[seen > 0].min())}
    if zmed - zmin > 0 and (zmax - zmin) > 20 * (zmed - zmin):
        return {"kind": "log-shift", "zmin": zmin, "delta": 0.01 * (zmed - zmin)}
    return {"kind": "linear"}


def display_z(exp: Experiment):
    """A function mapping loss to drawn height/colour (see display_scale), and whether it is logarithmic."""
    s = display_scale(exp)
    if s["kind"] == "log-floor":
        return (lambda v: np.log10(np.maximum(np.asarray(v, dtype=np.float64), s["floor"]))), True
    if s["kind"] == "log-shift":
        return (lambda v: np.log10(np.maximum(np.asarray(v, dtype=np.float64) - s["zmin"], 0) + s["delta"])), True
    return (lambda v: np.asarray(v, dtype=np.float64)), False


def exit_points(exp: Experiment) -> np.ndarray:
    """[M, N, 2]: for each diverged start, where its path last is inside the view box (the crossing
    of the box edge if it leaves before it diverges); NaN for starts that never diverged."""
    (x0, x1), (y0, y1) = exp.box
    out = np.full(exp.diverged_at.shape + (2,), np.nan)
    for m, n in zip(*np.nonzero(exp.diverged_at >= 0)):
        d = int(exp.diverged_at[m, n])
        path = exp.position[m, n, :max(d, 1)].astype(np.float64)
        inside = (path[:, 0] >= x0) & (path[:, 0] <= x1) & (path[:, 1] >= y0) & (path[:, 1] <= y1)
        last = int(np.nonzero(inside)[0][-1]) if inside.any() else 0
        p = path[last]
        if last + 1 < len(path):  # clip the segment leaving the box to its edge
            p = box_crossing(p, path[last + 1], exp.box)
        out[m, n] = p
    return out


def box_crossing(p: np.ndarray, q: np.ndarray, box) -> np.ndarray:
    """Where the segment from p (inside `box`) to q meets the box's edge: q itself when it is inside.
    Points may carry more coordinates than x and y (a height): all are interpolated alike."""
    (x0, x1), (y0, y1) = box
    t = 1.0
    for lo, hi, a, b in ((x0, x1, p[0], q[0]), (y0, y1, p[1], q[1])):
        if b > hi:
            t = min(t, (hi - a) / (b - a))
        elif b < lo:
            t = min(t, (lo - a) / (b - a))
    return p + max(t, 0.0) * (q - p)


BOX_ITERATIONS = 24   # a box's edge, cheap to test, is found to 2**-24 of the segment that crosses it


def beyond_box(box):
    """fn(points [..., >=2]) -> [...] bool: beyond `box` ((x0, x1), (y0, y1)) in x or y, by more than a
    millionth of its size (a point on its edge, as `box_crossing` puts it, is within); NaN: False."""
    (x0, x1), (y0, y1) = box
    tol = 1e-6 * max(x1 - x0, y1 - y0)

    def beyond(p):
        p = np.asarray(p, dtype=np.float64)
        with np.errstate(invalid="ignore"):
            return (p[..., 0] < x0 - tol) | (p[..., 0] > x1 + tol) | (p[..., 1] < y0 - tol) | (p[..., 1] > y1 + tol)
    return beyond


def cut_at_exit(path: np.ndarray, box):
    """(points, end): a diverged start's path [K, k] drawn only to where `exit_points` puts its marker:
    its last point inside the box, then the crossing of the box's edge towards the next point (index
    `end`), NaN after. A path that does not leave the box before it ends (or has no point inside) is
    returned as it is, with end None."""
    path = np.array(path, dtype=np.float64)
    (x0, x1), (y0, y1) = box
    finite = np.isfinite(path).all(axis=1)
    inside = finite & (path[:, 0] >= x0) & (path[:, 0] <= x1) & (path[:, 1] >= y0) & (path[:, 1] <= y1)
    if not inside.any():
        return path, None
    last = int(np.flatnonzero(inside)[-1])
    if last + 1 >= len(path) or not finite[last + 1]:
        return path, None
    path[last + 1] = box_crossing(path[last], path[last + 1], box)
    path[last + 2:] = np.nan
    return path, last + 1


def nearest_minimum(exp: Experiment) -> np.ndarray:
    """[M, N] index of the listed minimum nearest each start's final position (-1: none within 10%
    of the view's diagonal, or diverged)."""
    minima = np.array([[m["x"], m["y"]] for m in exp.minima]) if exp.minima else np.zeros((0, 2))
    M, N, T, _ = exp.position.shape
    out = np.full((M, N), -1)
    if not len(minima):
        return out
    (x0, x1), (y0, y1) = exp.box
    radius = 0.1 * np.hypot(x1 - x0, y1 - y0)
    final = exp.position[:, :, -1].astype(np.float64)
    d = np.linalg.norm(final[:, :, None, :] - minima[None, None], axis=-1)
    best = np.nanargmin(np.where(np.isnan(d), np.inf, d), axis=-1)
    ok = np.take_along_axis(d, best[..., None], -1)[..., 0] < radius
    out[ok] = best[ok]
    return out


def _cell_corners(gx, gy, gz, x, y):
    """Where (x, y) falls in the grid gz [Gy, Gx] (clamped): NaN mask, the fractions tx, ty within its
    cell, and the cell's corner heights z00, z01 (along x), z10, z11 (one row up in y)."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    missing = np.isnan(x) | np.isnan(y)
    x, y = np.where(missing, gx[0], x), np.where(missing, gy[0], y)
    fx = np.clip(np.interp(x, gx, np.arange(len(gx))), 0, len(gx) - 1.000001)
    fy = np.clip(np.interp(y, gy, np.arange(len(gy))), 0, len(gy) - 1.000001)
    ix, iy = np.floor(fx).astype(int), np.floor(fy).astype(int)
    return missing, fx - ix, fy - iy, gz[iy, ix], gz[iy, ix + 1], gz[iy + 1, ix], gz[iy + 1, ix + 1]


def bilinear(gx: np.ndarray, gy: np.ndarray, gz: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The grid surface gz [Gy, Gx] interpolated at points (x, y) (clamped to the grid)."""
    missing, tx, ty, z00, z01, z10, z11 = _cell_corners(gx, gy, gz, x, y)
    out = (1 - ty) * ((1 - tx) * z00 + tx * z01) + ty * ((1 - tx) * z10 + tx * z11)
    return np.where(missing, np.nan, out)


def dense_path(exp: Experiment, m: int, dense: int, zf, starts=slice(None), grid: Experiment | None = None):
    """[n, (T-1)*dense+1, 3] points (x, y, drawn height) of optimizer m's paths, each step subdivided
    `dense` times so a trail hugs the surface: heights between steps come from the surface grid of
    `grid` (default `exp`), at the steps themselves from the recorded loss (on a slice of a landscape,
    meta["off_surface"], the recorded loss throughout). `zf` maps loss to drawn height (see display_z).
    NaN after divergence."""
    grid = grid if grid is not None else exp
    pos = exp.position[m, starts].astype(np.float64)
    T = pos.shape[1]
    u = np.arange((T - 1) * dense + 1) / dense
    i = np.minimum(np.floor(u).astype(int), max(T - 2, 0))
    t = (u - i)[None, :, None]
    xy = pos[:, i] * (1 - t) + pos[:, np.minimum(i + 1, T - 1)] * t
    loss = zf(exp.loss[m, starts].astype(np.float64))
    if exp.meta.get("off_surface"):   # a slice: between records the path's own loss, not the slice's
        z = loss[:, i] * (1 - t[..., 0]) + loss[:, np.minimum(i + 1, T - 1)] * t[..., 0]
    else:
        z = zf(bilinear(grid.grid_x, grid.grid_y, grid.grid_z, xy[..., 0], xy[..., 1]))
    z[:, ::dense] = loss
    return np.concatenate([xy, z[..., None]], axis=-1)


def surface_mesh(exp: Experiment, zf, n: int = 70):
    """(gx [nx], gy [ny], gz [ny, nx]): the experiment's grid sampled to at most n x n points, ends
    included, heights mapped by `zf`: the mesh a 3-D renderer draws (and occludes with)."""
    ix = np.unique(np.linspace(0, len(exp.grid_x) - 1, min(n, len(exp.grid_x))).round().astype(int))
    iy = np.unique(np.linspace(0, len(exp.grid_y) - 1, min(n, len(exp.grid_y))).round().astype(int))
    return exp.grid_x[ix].astype(np.float64), exp.grid_y[iy].astype(np.float64), zf(exp.grid_z[np.ix_(iy, ix)])


def mesh_z(gx: np.ndarray, gy: np.ndarray, gz: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Height of the drawn mesh at (x, y): linear on the two triangles of each cell, split along the
    cell's (x0, y0)-(x1, y1) diagonal (clamped to the mesh; NaN where x or y is NaN)."""
    missing, tx, ty, z00, z01, z10, z11 = _cell_corners(gx, gy, gz, x, y)
    lower = tx >= ty   # the triangle (0,0), (1,0), (1,1)
    out = np.where(lower, z00 + tx * (z01 - z00) + ty * (z11 - z01), z00 + ty * (z10 - z00) + tx * (z11 - z10))
    return np.where(missing, np.nan, out)
