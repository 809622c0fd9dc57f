"""Hidden-surface removal for the matplotlib 3-D scene.

matplotlib paints 3-D artists in a fixed order, so a ball behind a ridge shows through it. Here the
drawn surface mesh is rasterised into a per-pixel depth buffer for the current camera (eye distance,
interpolated perspective-correctly), and whatever moves is tested against it:

- lines (trails) lose the parts whose points lie behind the surface, cut at the exact crossing;
- point markers (balls, exit markers, minima) lose exactly the pixels where the surface is nearer
  than the front of the ball: they are drawn, then those pixels are put back from the picture
  underneath.

Depth is the eye-space distance along the view axis in matplotlib's world units (the data box scaled
to the axes' box aspect), which is what its perspective matrix divides by.
"""
from __future__ import annotations

import numpy as np

from .geometry import mesh_z


def mesh_triangles(ny: int, nx: int) -> np.ndarray:
    """[2*(ny-1)*(nx-1), 3] vertex indices of a row-major ny x nx grid, each cell split along its
    (0,0)-(1,1) diagonal, the split `geometry.mesh_z` interpolates with."""
    i = (np.arange(ny - 1)[:, None] * nx + np.arange(nx - 1)[None, :]).ravel()
    return np.concatenate([np.stack([i, i + 1, i + nx + 1], 1), np.stack([i, i + nx + 1, i + nx], 1)])


def rasterize_depth(col, row, w, tris, shape) -> np.ndarray:
    """Nearest depth per pixel [H, W] (inf where no triangle covers the pixel centre) of triangles
    with vertices at pixel coordinates (col, row) and eye depth w. 1/w is affine in screen space, so
    it is what gets interpolated; all triangles are processed at once."""
    H, W = shape
    x, y, q = col[tris], row[tris], 1.0 / w[tris]
    ok = np.isfinite(x).all(1) & np.isfinite(y).all(1) & (w[tris] > 0).all(1)
    x, y, q = x[ok], y[ok], q[ok]
    x0 = np.clip(np.ceil(x.min(1) - 0.5), 0, W).astype(np.int64)
    x1 = np.clip(np.floor(x.max(1) - 0.5), -1, W - 1).astype(np.int64)
    y0 = np.clip(np.ceil(y.min(1) - 0.5), 0, H).astype(np.int64)
    y1 = np.clip(np.floor(y.max(1) - 0.5), -1, H - 1).astype(np.int64)
    nx, ny = np.maximum(x1 - x0 + 1, 0), np.maximum(y1 - y0 + 1, 0)
    count = nx * ny
    t = np.repeat(np.arange(len(x)), count)
    local = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    px = x0[t] + local % nx[t]
    py = y0[t] + local // nx[t]
    cx, cy = px + 0.5, py + 0.5
    (ax_, bx, cx_), (ay, by, cy_) = x[t].T, y[t].T
    area = (bx - ax_) * (cy_ - ay) - (cx_ - ax_) * (by - ay)
    with np.errstate(divide="ignore", invalid="ignore"):
        l1 = ((cx - ax_) * (cy_ - ay) - (cx_ - ax_) * (cy - ay)) / area
        l2 = ((bx - ax_) * (cy - ay) - (cx - ax_) * (by - ay)) / area
    l0 = 1.0 - l1 - l2
    inside = (l0 >= -1e-9) & (l1 >= -1e-9) & (l2 >= -1e-9) & (area != 0)
    qa = q[t]
    inv = l0 * qa[:, 0] + l1 * qa[:, 1] + l2 * qa[:, 2]
    best = np.zeros(H * W)
    np.maximum.at(best, (py * W + px)[inside], inv[inside])
    with np.errstate(divide="ignore"):
        return (1.0 / best).reshape(H, W)


def visibility(pts: np.ndarray, hidden, iterations: int = 10):
    """For polylines pts [..., L, 3] and a test `hidden([K, 3]) -> [K] bool`: which points are hidden
    [..., L], and where each segment k -> k+1 that crosses the surface's silhouette crosses it: the
    point [..., L-1, 3] and its parameter t in [0, 1] along the segment [..., L-1], NaN for segments that
    do not cross (found by bisection; the crossing point lies on the visible side). NaN points count
    as not hidden. Shared by the matplotlib and manim renderers."""
    pts = np.asarray(pts, dtype=np.float64)
    flat = pts.reshape(-1, 3)
    hid = np.zeros(len(flat), bool)
    finite = np.isfinite(flat).all(1)
    if finite.any():
        hid[finite] = hidden(flat[finite])
    hid = hid.reshape(pts.shape[:-1])
    fin = finite.reshape(pts.shape[:-1])
    seg = fin[..., :-1] & fin[..., 1:] & (hid[..., :-1] != hid[..., 1:])
    t_out = np.full(seg.shape, np.nan)
    cross = np.full(seg.shape + (3,), np.nan)
    if seg.any():
        a, b, ha = pts[..., :-1, :][seg], pts[..., 1:, :][seg], hid[..., :-1][seg]
        lo, hi = np.zeros(len(a)), np.ones(len(a))   # lo: on a's side
        for _ in range(iterations):
            mid = (lo + hi) / 2
            same = hidden(a + mid[:, None] * (b - a)) == ha
            lo, hi = np.where(same, mid, lo), np.where(same, hi, mid)
        t = np.where(ha, hi, lo)
        t_out[seg] = t
        cross[seg] = a + t[:, None] * (b - a)
    return hid, cross, t_out


def visible_runs(pts: np.ndarray, hidden, iterations: int = 10) -> list[np.ndarray]:
    """The visible pieces of one polyline [L, 3] (NaN rows break it), each ending exactly at the
    silhouette where it goes behind the surface (to 2**-iterations of its segment)."""
    return runs_of(pts, *visibility(pts, hidden, iterations))


def runs_of(pts: np.ndarray, hid: np.ndarray, cross: np.ndarray, t: np.ndarray) -> list[np.ndarray]:
    """visible_runs from a polyline's `visibility` (hidden flags, crossings, their parameters).

    Walking the points: a visible point joins the run, and where its segment goes behind the surface
    the crossing ends the run; a hidden or missing point ends the run, and where a hidden point's
    segment comes out the crossing starts the next one. Runs of fewer than two points are dropped.
    Done for every point at once (a trail asks on every frame, a path has thousands of points): each
    point gives up to four tokens in that order (a break, itself, its crossing, a break), the breaks
    number the runs."""
    n = len(pts)
    if n == 0:
        return []
    finite = np.isfinite(pts).all(1)
    hidden = np.asarray(hid[:n], bool)
    crosses = np.zeros(n, bool)
    crosses[:-1] = np.isfinite(np.asarray(t[:n - 1], float))
    seen = finite & ~hidden
    # tokens [n, 4]: break before, the point, its crossing, break after
    breaks = np.column_stack([~seen, np.zeros(n, bool), np.zeros(n, bool), seen & crosses]).ravel()
    points = np.column_stack([np.zeros(n, bool), seen, finite & crosses, np.zeros(n, bool)]).ravel()
    run = np.cumsum(breaks)[points]
    xyz = np.empty((n, 4, pts.shape[1]))
    xyz[:, 1] = pts
    xyz[:-1, 2] = cross[:n - 1]
    xyz = xyz.reshape(-1, pts.shape[1])[points]
    if len(run) == 0:
        return []
    cuts = np.flatnonzero(np.diff(run)) + 1
    return [r for r in np.split(xyz, cuts) if len(r) >= 2]


def prefix_runs(pts: np.ndarray, vis, k: float) -> list[np.ndarray]:
    """The visible pieces of polyline `pts` [L, 3] up to fractional index k, from the `visibility` of the
    whole of it (computed once while the camera stays still): the head point between rows i and i + 1
    is hidden as the segment is at that fraction, and crosses the silhouette where the segment does."""
    hid, cross, t = vis
    i = int(np.floor(k))
    f = k - i
    if f <= 0 or i + 1 >= len(pts):
        i = min(i, len(pts) - 1)
        return runs_of(pts[: i + 1], hid[: i + 1], cross[:i], t[:i])
    head = pts[i] + f * (pts[i + 1] - pts[i])
    inside = np.isfinite(t[i]) and t[i] <= f            # the segment's crossing lies before the head
    head_hid = bool(hid[i]) != bool(inside)
    t_last = t[i] / f if inside else np.nan
    return runs_of(np.vstack([pts[: i + 1], head]), np.append(hid[: i + 1], head_hid),
                   np.vstack([cross[:i], cross[i:i + 1]]), np.append(t[:i], t_last))


class Occluder:
    """The surface's depth per pixel for the camera of a drawn 3-D axes, and visibility tests.

    `ax` must have been drawn once, or placed as drawing places it (its projection is computed at draw
    time; `SceneBase.restore_static`); `depth`: the buffer rasterized before for this camera. `mesh` is the
    (gx [nx], gy [ny], gz [ny, nx]) grid the surface was drawn from, in display heights.
    """

    def __init__(self, ax, mesh, shape: tuple[int, int], depth: np.ndarray | None = None):
        self.M = ax.get_proj()
        self.trans = ax.transData
        self.affine = self.trans.get_affine().get_matrix()   # the 2-D part is affine: skip its Python layers
        self.H, self.W = shape
        self.mesh = mesh
        focal = getattr(ax, "_focal_length", 1.0)
        if not np.isfinite(focal):
            raise ValueError("occlusion needs a perspective camera")
        # screen pixels per world unit across the view at eye depth w is focal * S / w
        (a, b), (c, d) = self.trans.transform([[0.0, 0.0], [1.0, 1.0]])
        self.k = focal * np.sqrt(abs((c - a) * (d - b)))
        if depth is not None:   # rasterized for this very camera and mesh before (render.static_cache)
            self.depth = depth
            return
        gx, gy, gz = mesh
        X, Y = np.meshgrid(gx, gy)
        col, row, w = self.project(np.column_stack([X.ravel(), Y.ravel(), np.asarray(gz, float).ravel()]))
        self.depth = rasterize_depth(col, row, w, mesh_triangles(len(gy), len(gx)), shape)

    def project(self, xyz: np.ndarray):
        """Pixel column, row (of the rendered array) and eye depth of [K, 3] data points."""
        xyz = np.asarray(xyz, dtype=np.float64)
        v = xyz @ self.M[:, :3].T + self.M[:, 3]
        A = self.affine
        with np.errstate(divide="ignore", invalid="ignore"):
            xs, ys = v[:, 0] / v[:, 3], v[:, 1] / v[:, 3]
        return A[0, 0] * xs + A[0, 1] * ys + A[0, 2], self.H - (A[1, 0] * xs + A[1, 1] * ys + A[1, 2]), v[:, 3]

    def unproject(self, col: float, row: float, w: float) -> np.ndarray:
        """The data point [3] at pixel coordinates (col, row) and eye depth w (inverse of `project`)."""
        xs, ys = self.trans.inverted().transform([[col, self.H - row]])[0]
        rows = self.M[[0, 1, 3]]
        return np.linalg.solve(rows[:, :3], np.array([xs * w, ys * w, w]) - rows[:, 3])

    def surface_depth(self, col, row) -> np.ndarray:
        """Depth of the surface at pixel coordinates (inf outside the surface or the image)."""
        c, r = np.floor(col), np.floor(row)
        ok = np.isfinite(c) & np.isfinite(r) & (c >= 0) & (c < self.W) & (r >= 0) & (r < self.H)
        out = np.full(np.shape(col), np.inf)
        out[ok] = self.depth[r[ok].astype(int), c[ok].astype(int)]
        return out

    def hidden(self, xyz: np.ndarray, slack_px: float = 1.0) -> np.ndarray:
        """[K] True where the surface is nearer the camera than the point by more than `slack_px`
        pixels' worth of depth (a line of that half-width lying on the surface stays visible)."""
        col, row, w = self.project(xyz)
        return self.surface_depth(col, row) < w - slack_px * w / self.k

    def visibility(self, pts: np.ndarray, slack_px: float = 1.0):
        """`visibility(pts, hidden)` against this depth buffer (a line of half-width `slack_px` lying on
        the surface stays visible)."""
        return visibility(pts, lambda q: self.hidden(q, slack_px))

    def sprite_pixels(self, xyz: np.ndarray, radius_px: float, depth_px: float | None = None):
        """Pixels of round markers centred on [K, 3] points, `radius_px` in radius, as flat indices into
        the [H, W] image: (hidden, shown). A marker pixel is hidden where the surface is nearer than
        the front of the ball it stands for (its centre's depth less `depth_px` pixels' worth, default
        its radius)."""
        xyz = np.asarray(xyz, dtype=np.float64).reshape(-1, 3)
        xyz = xyz[np.isfinite(xyz).all(1)]
        if not len(xyz):
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        col, row, w = self.project(xyz)
        r = int(np.ceil(radius_px))
        dy, dx = np.mgrid[-r:r + 1, -r:r + 1]
        disk = dx ** 2 + dy ** 2 <= (radius_px + 0.5) ** 2
        pc = np.floor(col).astype(np.int64)[:, None] + dx[disk][None]
        pr = np.floor(row).astype(np.int64)[:, None] + dy[disk][None]
        front = np.broadcast_to((w - (radius_px if depth_px is None else depth_px) * w / self.k)[:, None], pc.shape)
        ok = (pc >= 0) & (pc < self.W) & (pr >= 0) & (pr < self.H)
        flat = pr[ok] * self.W + pc[ok]
        behind = self.depth.ravel()[flat] < front[ok]
        return flat[behind], flat[~behind]


__all__ = ["Occluder", "rasterize_depth", "mesh_triangles", "mesh_z", "visibility", "visible_runs"]
