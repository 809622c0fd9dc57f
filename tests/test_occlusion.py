"""3-D occlusion in the matplotlib scene: a ball that passes behind a ridge is hidden pixel for pixel
at the frames where the ridge is in the way and shown where it is not. The reference is independent
of the renderer's depth buffer: the line of sight from the camera's eye (the centre of projection of
matplotlib's own matrix) is marched against the analytic surface."""
import numpy as np
import pytest
from matplotlib.colors import to_rgb

from optviz import simulate
from optviz.render.occlusion import Occluder, mesh_triangles, rasterize_depth
from optviz.render.scene3d import Scene3D
from optviz.render.style import Style, optimizer_colors
from optviz.render.timeline import Timeline

RIDGE = "3*exp(-y**2/0.3 - x**2/1.5) - 0.2*y"


def ridge(x, y):
    return 3 * np.exp(-y ** 2 / 0.3 - x ** 2 / 1.5) - 0.2 * y


@pytest.fixture(scope="module")
def behind_ridge():
    """One ball crossing the view from x=-4 to x=4 along y=1.2, behind the ridge along y=0 as the
    camera (azim -90: on the -y side) sees it."""
    exp = simulate(RIDGE, "sgd:lr=1e-9", [[-4.0, 1.2]], 40, dtype="float64", box=((-4, 4), (-3, 3)))
    T = exp.position.shape[2]
    x = np.linspace(-4, 4, T)
    exp.position[0, 0] = np.column_stack([x, np.full(T, 1.2)])
    exp.loss[0, 0] = ridge(x, 1.2)
    return exp


def eye_of(ax):
    """The camera's eye in data coordinates: the point matplotlib's projection sends to x = y = w = 0."""
    _, _, vt = np.linalg.svd(ax.get_proj()[[0, 1, 3]])
    return vt[-1][:3] / vt[-1][3]


def clearance(eye, p, zf, n=3000):
    """Smallest height of the line of sight above the analytic surface (drawn height: zf(loss))
    between the eye and p (within the box, and outside the ball's own footprint: 0.6 around p);
    negative when the surface blocks it."""
    t = np.linspace(0, 1, n)
    q = eye + t[:, None] * (p - eye)
    inside = (np.abs(q[:, 0]) <= 4) & (np.abs(q[:, 1]) <= 3) & (np.hypot(*(q[:, :2] - p[:2]).T) > 0.6)
    if not inside.any():   # the line of sight never crosses the box: nothing can block it
        return np.inf
    return float(np.min(q[inside, 2] - zf(ridge(q[inside, 0], q[inside, 1]))))


def colour_count(frame, row, col, color, radius, tol=40):
    r0, c0 = int(round(row)), int(round(col))
    patch = frame[r0 - radius:r0 + radius + 1, c0 - radius:c0 + radius + 1, :3].astype(int)
    return int((np.abs(patch - np.array(to_rgb(color)) * 255).max(-1) <= tol).sum())


def scene(exp, **style):
    return Scene3D(exp, Style(elev=35, azim=-90, show_minima=False, **style), Timeline(hold=0))


@pytest.mark.parametrize("camera", ["fixed", "orbit"])
def test_ball_behind_a_ridge_is_hidden_exactly_where_the_ridge_is_in_the_way(behind_ridge, camera):
    exp = behind_ridge
    color = optimizer_colors(exp.names)[0]
    sc = scene(exp, camera=camera, orbit=8.0)
    plain = scene(exp, camera=camera, orbit=8.0, occlude=False)
    hidden_frames = shown_frames = 0
    for i in range(0, exp.steps + 1, 2):
        frame, bare = sc.render(i), plain.render(i)
        p = sc.rows[0][0, i]
        col, row, _ = sc.occluder.project(p[None])
        gap = clearance(eye_of(sc.ax), p, sc.zf)
        # a ball is ~10 px across: hidden must cover all of it, shown must show its centre
        if gap < -0.2:
            hidden_frames += 1
            assert colour_count(frame, row[0], col[0], color, 7) == 0, (i, gap)
            assert colour_count(bare, row[0], col[0], color, 7) > 20, i   # matplotlib alone shows it
        elif gap > 0.2:
            shown_frames += 1
            assert colour_count(frame, row[0], col[0], color, 3) >= 20, (i, gap)
    assert hidden_frames >= 4 and shown_frames >= 8


def test_trail_is_cut_where_it_goes_behind_the_ridge(behind_ridge):
    """At the last frame the whole path is drawn (its older parts faded): where the ridge is in the
    way the picture is the bare surface, elsewhere the trail changes it."""
    exp = behind_ridge
    sc = scene(exp, trail=0)
    frame = sc.render(exp.steps).astype(int)
    bare = sc.background_rgba.astype(int)
    eye = eye_of(sc.ax)
    path = sc.dense[0][0]
    col, row, _ = sc.occluder.project(path)
    checked = {"hidden": 0, "shown": 0}
    for p, c, r in zip(path[:-12], col, row):    # the ball sits on the last few points
        gap = clearance(eye, p, sc.zf)
        r0, c0 = int(r), int(c)
        changed = np.abs(frame[r0 - 1:r0 + 2, c0 - 1:c0 + 2] - bare[r0 - 1:r0 + 2, c0 - 1:c0 + 2]).max()
        if gap < -0.2:
            checked["hidden"] += 1
            assert changed == 0, p
        elif gap > 0.2:
            checked["shown"] += 1
            assert changed > 30, p
    assert checked["hidden"] >= 20 and checked["shown"] >= 40


def test_depth_buffer_matches_ray_casting_on_the_mesh(behind_ridge):
    """Every covered pixel's depth is the distance to the first mesh point on its line of sight."""
    sc = scene(behind_ridge)
    occ = sc.occluder
    eye = eye_of(sc.ax)
    rng = np.random.default_rng(0)
    rows, cols = np.nonzero(np.isfinite(occ.depth))
    pick = rng.choice(len(rows), 60, replace=False)
    gx, gy, gz = sc.mesh
    from optviz.render.geometry import mesh_z
    for r, c in zip(rows[pick], cols[pick]):
        d = occ.depth[r, c]
        # the point at depth d on this pixel's ray lies on the mesh, and nothing nearer does
        lo, hi = occ.unproject(c + 0.5, r + 0.5, d - 0.02), occ.unproject(c + 0.5, r + 0.5, d + 0.02)
        assert lo[2] > mesh_z(gx, gy, gz, lo[:1], lo[1:2])[0] - 1e-6 or not (abs(lo[:2]) <= [4, 3]).all()
        # just beyond it the ray is under the surface, except on the silhouette (a neighbour sees the
        # sky), where a ray grazing the crest leaves it again within that distance
        if np.isfinite(occ.depth[r - 1:r + 2, c - 1:c + 2]).all():
            assert hi[2] < mesh_z(gx, gy, gz, hi[:1], hi[1:2])[0] + 1e-6
        t = np.linspace(0, 1, 400)[:, None]
        q = eye + t * (lo - eye)
        inside = (np.abs(q[:, 0]) <= 4) & (np.abs(q[:, 1]) <= 3)
        assert (q[inside, 2] >= mesh_z(gx, gy, gz, q[inside, 0], q[inside, 1]) - 1e-6).all()


def test_rasterizer_covers_pixel_centres_inside_a_triangle():
    col = np.array([2.2, 17.9, 5.1])
    row = np.array([1.4, 6.6, 13.8])
    w = np.array([2.0, 4.0, 8.0])
    depth = rasterize_depth(col, row, w, np.array([[0, 1, 2]]), (16, 20))
    r, c = np.mgrid[0:16, 0:20] + 0.5
    # inside test by edge signs, and 1/w interpolated linearly (perspective-correct depth)
    a = np.array([[col[1] - col[0], col[2] - col[0]], [row[1] - row[0], row[2] - row[0]]])
    l1, l2 = np.linalg.solve(a, np.stack([c.ravel() - col[0], r.ravel() - row[0]]))
    inside = ((l1 >= 0) & (l2 >= 0) & (l1 + l2 <= 1)).reshape(16, 20)
    assert (np.isfinite(depth) == inside).all()
    inv = (1 - l1 - l2) / w[0] + l1 / w[1] + l2 / w[2]
    np.testing.assert_allclose(depth[inside], (1 / inv).reshape(16, 20)[inside])
    assert mesh_triangles(3, 4).shape == (12, 3)


def test_spec_and_flag_switch_occlusion_off(behind_ridge):
    assert Scene3D(behind_ridge, Style(occlude=False), Timeline(hold=0)).occluder is None
    assert isinstance(Scene3D(behind_ridge, Style(), Timeline(hold=0)).occluder, Occluder)


def walk_runs(pts, hid, cross, t):
    """The visible pieces as the definition walks them, point by point (the reference for runs_of)."""
    runs, run = [], []

    def close():
        if len(run) >= 2:
            runs.append(np.array(run))
        return []

    for k in range(len(pts)):
        crosses = k + 1 < len(pts) and np.isfinite(t[k])
        if not np.isfinite(pts[k]).all():
            run = close()
        elif hid[k]:
            run = close()
            if crosses:
                run = [cross[k]]
        else:
            run.append(pts[k])
            if crosses:
                run.append(cross[k])
                run = close()
    close()
    return runs


def test_visible_runs_are_the_pieces_a_point_by_point_walk_finds():
    """runs_of (every point at once, as a trail asks on every frame) gives exactly the pieces, in order,
    of walking the points: hidden stretches, crossings in and out, missing (NaN) points, ends."""
    from optviz.render.occlusion import runs_of
    rng = np.random.default_rng(7)
    for trial in range(300):
        n = int(rng.integers(0, 40))
        pts = rng.normal(size=(n, 3))
        pts[rng.random(n) < 0.08] = np.nan
        hid = rng.random(n) < rng.random()
        t = np.where(rng.random(max(n - 1, 0)) < 0.3, rng.random(max(n - 1, 0)), np.nan)
        cross = rng.normal(size=(max(n - 1, 0), 3))
        want, got = walk_runs(pts, hid, cross, t), runs_of(pts, hid, cross, t)
        assert len(want) == len(got), trial
        for a, b in zip(want, got):
            assert np.array_equal(a, b), trial
