"""matplotlib renderers: files read back with imageio, balls where their points project, divergence,
determinism, clean failures and interrupted renders."""
import subprocess
import sys
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest
from matplotlib.colors import to_rgb
from mpl_toolkits.mplot3d import proj3d

from optviz import simulate
from optviz.cli.spec import load_spec
from optviz.render.animate import render
from optviz.render.scene2d import Scene2D
from optviz.render.scene3d import Scene3D
from optviz.render.style import Style, optimizer_colors
from optviz.render.timeline import Timeline

SEED = ["sgd:lr=10", "momentum:lr=10,momentum=0.9", "adam:lr=1"]


@pytest.fixture(scope="module")
def seed_exp():
    return simulate("pathological", SEED, [[7, 7]], 30)


def pixel_of(ax, canvas_h, x, y):
    """Display coordinates of data point (x, y) as (row, col) in the rendered array."""
    px, py = ax.transData.transform((x, y))
    return canvas_h - py, px


def colour_near(frame, row, col, color, radius=4, tol=40):
    """How many pixels within `radius` of (row, col) have `color` (to within `tol` per channel)."""
    r0, c0 = int(round(row)), int(round(col))
    patch = frame[max(r0 - radius, 0):r0 + radius + 1, max(c0 - radius, 0):c0 + radius + 1, :3].astype(int)
    target = np.array(to_rgb(color)) * 255
    return int((np.abs(patch - target).max(-1) <= tol).sum())


def test_every_optimizer_colour_can_be_seen_and_its_texts_read_on_both_themes():
    """WCAG's contrast (21 for black on white, 4.48 for #777 on white: the standard's own figures): a
    ball, trail or legend dot of a colour optviz picks for a name it has no colour for is at least 3:1
    against either theme's background; a text in any optimizer's colour, made readable, at least 4.5:1
    and of the same hue."""
    import colorsys

    from optviz.render.style import PALETTE, THEMES, _FALLBACK, contrast, readable
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0) and contrast("#777777", "#ffffff") == pytest.approx(
        4.48, abs=0.01)
    backgrounds = [t.background for t in THEMES.values()]
    assert min(contrast(c, b) for c in _FALLBACK for b in backgrounds) >= 3.0
    for c in [*PALETTE.values(), *_FALLBACK]:
        for b in backgrounds:
            r = readable(c, b)
            assert contrast(r, b) >= 4.5, (c, b, r)
            hue = [colorsys.rgb_to_hls(*to_rgb(x))[0] for x in (c, r)]
            assert min(abs(hue[0] - hue[1]), 1 - abs(hue[0] - hue[1])) < 0.02, (c, r)
            assert r == c or contrast(c, b) < 4.5   # a colour that reads already is left as it is


def test_2d_balls_sit_where_their_points_project(seed_exp):
    scene = Scene2D(seed_exp, Style(), Timeline(hold=0))
    colors = optimizer_colors(seed_exp.names)
    h = scene.size[1]
    for i in (0, 12, 30):
        frame = scene.render(i)
        assert frame.shape == (600, 800, 4)
        for m in range(3):
            x, y = seed_exp.position[m, 0, i]
            row, col = pixel_of(scene.ax, h, x, y)
            # the ball on top (the last drawn) shows its colour at its centre
            if m == 2 or not np.allclose(seed_exp.position[m, 0, i], seed_exp.position[2, 0, i], atol=0.5):
                assert colour_near(frame, row, col, colors[m], radius=3) >= 5, (i, m)


def test_3d_fixed_camera_balls_sit_where_their_points_project(seed_exp):
    # without occlusion: from this camera the ravine's wall hides Adam's ball (tests/test_occlusion.py)
    scene = Scene3D(seed_exp, Style(occlude=False), Timeline(hold=0))
    colors = optimizer_colors(seed_exp.names)
    h = scene.size[1]
    for i in (5, 30):
        frame = scene.render(i)
        for m in range(3):
            x, y, z = scene.rows[m][0, i]
            xs, ys, _ = proj3d.proj_transform(x, y, z, scene.ax.get_proj())
            row, col = pixel_of(scene.ax, h, xs, ys)
            assert colour_near(frame, row, col, colors[m], radius=3) >= 5, (i, m)


def test_3d_balls_rest_on_the_surface(seed_exp):
    """At its loss, or on the drawn mesh where the mesh is higher (a narrow ravine it cannot resolve),
    lifted: never under the surface that is drawn."""
    scene = Scene3D(seed_exp, Style(), Timeline(hold=0))
    gx, gy, gz = scene.mesh
    assert scene.lift > 0
    for m in range(3):
        x, y, z_ball = scene.rows[m][0].T
        loss = seed_exp.loss[m, 0].astype(np.float64)
        # the mesh is the grid's own samples, linear on two triangles per cell
        i, j = np.searchsorted(gx, x) - 1, np.searchsorted(gy, y) - 1
        tx, ty = (x - gx[i]) / (gx[i + 1] - gx[i]), (y - gy[j]) / (gy[j + 1] - gy[j])
        z00, z01, z10, z11 = gz[j, i], gz[j, i + 1], gz[j + 1, i], gz[j + 1, i + 1]
        mesh = np.where(tx >= ty, z00 + tx * (z01 - z00) + ty * (z11 - z01), z00 + ty * (z10 - z00) + tx * (z11 - z10))
        np.testing.assert_allclose(z_ball - scene.lift, np.maximum(loss, mesh))
        assert (z_ball - scene.lift >= loss).all()


def test_gif_frames_size_and_duration(seed_exp, tmp_path):
    timeline = Timeline(fps=20, hold=1.0)
    path = render(seed_exp, tmp_path / "a.gif", view="2d", timeline=timeline)
    frames = iio.imread(path, index=None)
    steps = seed_exp.steps
    # the held frames equal the last step's frame, so Pillow stores them as that frame, lasting longer
    assert frames.shape[0] == steps + 1
    assert frames.shape[1:3] == (600, 800)
    durations = [iio.immeta(path, index=i)["duration"] for i in range(frames.shape[0])]
    assert durations[:steps] == [50] * steps and durations[-1] == 50 + 1000
    assert sum(durations) == pytest.approx(1000 * (steps + 1 + 20) / 20)
    assert iio.immeta(path, index=0).get("loop") == 0


def test_mp4_frames_fps_and_pixel_format(seed_exp, tmp_path):
    path = render(seed_exp, tmp_path / "a.mp4", view="3d", style=Style(preset="square"),
                  timeline=Timeline(fps=25, hold=0.4))
    meta = iio.immeta(path, plugin="pyav")
    frames = iio.imread(path, plugin="pyav")
    assert frames.shape == (31 + 10, 1080, 1080, 3)
    assert meta["fps"] == 25
    import av
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264" and stream.codec_context.pix_fmt == "yuv420p"


def test_gif_palette_mapping_of_changed_pixels_equals_whole_frame_mapping(seed_exp):
    from optviz.render.encode import PaletteMapper, shared_palette
    scene = Scene2D(seed_exp, Style(arrows=("gradient",)), Timeline(hold=0))
    mapper = PaletteMapper(shared_palette(scene), scene.background_rgba)
    whole = PaletteMapper(shared_palette(scene), None)
    for i in (0, 7, 30):
        frame = scene.render(i)
        a, b = mapper.indices(mapper(frame), scene.size), whole.indices(whole(frame), scene.size)
        assert (a == b).all()


def test_resampled_timeline_with_easing():
    t = Timeline(fps=10, duration=3, easing="ease-in", hold=0.5)
    s = t.frame_steps(1000)
    assert len(s) == 30 + 5 and s[0] == 0 and s[29] == 1000 and (s[30:] == 1000).all()
    assert np.all(np.diff(s[:30]) > 0) and s[15] < 500  # ease-in: the early steps get more frames


def test_other_formats(seed_exp, tmp_path):
    for name, view in (("a.webm", "2d"), ("a.html", "2d"), ("poster.png", "3d"), ("map.png", "map"),
                       ("map.svg", "map"), ("map.pdf", "map"), ("surface.png", "surface")):
        path = render(seed_exp, tmp_path / name, view=view, timeline=Timeline(hold=0))
        assert path.stat().st_size > 1000, name
    assert "data:video/mp4;base64," in (tmp_path / "a.html").read_text()
    assert iio.imread(tmp_path / "poster.png").shape == (600, 800, 3)
    assert (tmp_path / "map.svg").read_text().lstrip().startswith("<?xml")
    again = render(seed_exp, tmp_path / "again.svg", view="map", timeline=Timeline(hold=0))
    assert again.read_bytes() == (tmp_path / "map.svg").read_bytes()   # the same map, the same file
    assert (tmp_path / "map.pdf").read_bytes()[:4] == b"%PDF"
    assert not list(tmp_path.glob(".*"))


def test_diverged_run_renders_with_exit_marker(tmp_path):
    exp = simulate("ravine", ["sgd:lr=0.2", "sgd:lr=0.05"], [[-4.5, 1.5]], 30)
    assert exp.diverged_at[0, 0] > 0
    scene = Scene2D(exp, Style(), Timeline(hold=0))
    frame = scene.render(scene.n_frames - 1)
    ex = scene.exits[0, 0]
    (x0, x1), (y0, y1) = exp.box
    assert x0 - 1e-9 <= ex[0] <= x1 + 1e-9 and y0 - 1e-9 <= ex[1] <= y1 + 1e-9
    row, col = pixel_of(scene.ax, scene.size[1], *ex)
    assert colour_near(frame, row, col, scene.colors[0], radius=6) >= 5
    for view in ("2d", "3d"):
        assert render(exp, tmp_path / f"d{view}.gif", view=view, timeline=Timeline(hold=0)).exists()
    assert "diverged at step" in scene.label(0)


def test_a_3d_trail_that_leaves_the_box_ends_at_its_exit_marker():
    """RAdam at lr=0.05 on Beale steps far out of the box one step before its loss is NaN: the 3-D
    view's trail ends on the box's edge where its exit marker stands (matplotlib draws a 3-D line past
    the axes' limits), and the run that stays inside keeps its whole trail."""
    exp = simulate("beale", ["radam:lr=0.05", "adadelta:lr=5"], [[1, 1.5]], 12)
    (x0, x1), (y0, y1) = exp.box
    xy = exp.position[0, 0][np.isfinite(exp.position[0, 0]).all(1)]
    assert exp.diverged_at[0, 0] > 0 and (xy[:, 0] > x1).any()   # it leaves, while still finite
    scene = Scene3D(exp, Style(), Timeline(hold=0))
    trail = scene.dense[0][0]
    drawn = trail[np.isfinite(trail).all(1)]
    assert ((drawn[:, 0] >= x0) & (drawn[:, 0] <= x1 + 1e-9) & (drawn[:, 1] >= y0) & (drawn[:, 1] <= y1)).all()
    np.testing.assert_allclose(drawn[-1], [*scene.exits[0, 0], scene.exit_z[0, 0]])
    assert np.isfinite(scene.dense[1]).all()


def test_a_3d_path_that_leaves_a_given_box_and_comes_back_is_drawn_only_inside_it():
    """A box given to the run frames the view: L-BFGS on Himmelblau's function jumps to (21, 19) and
    comes back, without diverging. The 3-D view draws its trail to the box's edge and again from where
    it comes back (matplotlib draws a 3-D line past the axes' limits, into the air beside the
    surface), hides its ball while it is out, and shows only the minima inside the box (one of four)."""
    box = ((-1.0, 5.0), (-1.0, 4.0))
    exp = simulate("himmelblau", ["adam:lr=0.1", "lbfgs:lr=0.5"], [[0.5, 0.5]], 40, box=box)
    (x0, x1), (y0, y1) = box
    xy = exp.position[1, 0].astype(float)
    out = (xy[:, 0] < x0) | (xy[:, 0] > x1) | (xy[:, 1] < y0) | (xy[:, 1] > y1)
    assert exp.diverged_at[1, 0] < 0 and out[2] and not out[-1] and len(exp.minima) == 4
    for occlude in (True, False):
        scene = Scene3D(exp, Style(occlude=occlude), Timeline(hold=0))
        scene.update(2.0)   # the second step: out
        assert np.isnan(scene.ball_xyz[1]).all() and np.isfinite(scene.ball_xyz[0]).all()
        scene.update(float(exp.steps))
        assert np.isfinite(scene.ball_xyz[1]).all()
        line = np.concatenate([np.column_stack(band.get_data_3d()) for band in scene.trails[1]])   # every age
        drawn = line[np.isfinite(line).all(1)]
        assert len(drawn) and (drawn[:, 0] >= x0 - 1e-5).all() and (drawn[:, 0] <= x1 + 1e-5).all()
        assert (drawn[:, 1] >= y0 - 1e-5).all() and (drawn[:, 1] <= y1 + 1e-5).all()
        edge = (np.abs(drawn[:, 0] - x1) < 1e-5) | (np.abs(drawn[:, 1] - y1) < 1e-5)
        assert edge.sum() >= (1 if occlude else 2)   # where it leaves and comes back (unless the surface hides it)
        stars = np.concatenate([xyz for _, xyz, _ in scene.stars])
        np.testing.assert_allclose(stars[:, :2], [[3.0, 2.0]], atol=1e-3)
        if occlude:
            assert 0 <= max(scene.hidden_share()) < 1   # of what is in the view


def test_swarm_coloured_by_minimum(tmp_path):
    exp = simulate("himmelblau", ["adam:lr=0.1"], 60, 150, seed=4)
    scene = Scene2D(exp, Style(color_by="minimum"), Timeline(hold=0))
    assert set(np.unique(scene.landing)) <= {-1, 0, 1, 2, 3} and (scene.landing >= 0).mean() > 0.8
    assert render(exp, tmp_path / "s.gif", style=Style(color_by="minimum"), timeline=Timeline(duration=2)).exists()


def test_same_spec_gives_byte_identical_files(tmp_path):
    a = simulate("pathological", SEED, [[7, 7]], 20)
    b = simulate("pathological", SEED, [[7, 7]], 20)
    for ext in ("gif", "mp4"):
        pa = render(a, tmp_path / f"a.{ext}", timeline=Timeline(hold=0.2))
        pb = render(b, tmp_path / f"b.{ext}", timeline=Timeline(hold=0.2), workers=1)
        assert pa.read_bytes() == pb.read_bytes(), ext


def test_orbit_renders_in_parallel_deterministically(tmp_path):
    exp = simulate("saddle", ["sgd:lr=0.05", "adam:lr=0.05"], None, 40)
    style = Style(camera="orbit", orbit=60)
    a = render(exp, tmp_path / "a.gif", view="3d", style=style, timeline=Timeline(hold=0), workers=2)
    b = render(exp, tmp_path / "b.gif", view="3d", style=style, timeline=Timeline(hold=0), workers=1)
    assert a.read_bytes() == b.read_bytes()
    frames = iio.imread(a, index=None)
    assert frames.shape[0] == 41 and not np.array_equal(frames[0], frames[-1])


def test_interrupted_render_leaves_no_file(seed_exp, tmp_path, monkeypatch):
    calls = {"n": 0}
    original = Scene2D.render

    def flaky(self, i):
        calls["n"] += 1
        if calls["n"] > 10:
            raise KeyboardInterrupt
        return original(self, i)
    monkeypatch.setattr(Scene2D, "render", flaky)
    for name in ("x.gif", "x.mp4"):
        calls["n"] = 0
        with pytest.raises(KeyboardInterrupt):
            render(seed_exp, tmp_path / name, timeline=Timeline(hold=0), workers=1)
    assert list(tmp_path.iterdir()) == []


def run_cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "optviz", *args], capture_output=True, text=True, cwd=cwd)


def test_cli_render_with_flags(tmp_path):
    out = run_cli("render", "--surface", "pathological", "--optimizer", "sgd:lr=10", "--optimizer",
                  "momentum:lr=10,momentum=0.9", "--optimizer", "adam:lr=1", "--start", "7,7", "--steps", "20",
                  "--view", "3d", "--theme", "dark", "--hold", "0", "-o", "out.gif", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert iio.imread(tmp_path / "out.gif", index=None).shape[0] == 21  # steps 0..20, no hold


SPEC = """
surface = "pathological"
steps = 12
starts = [[7, 7]]

[[optimizer]]
name = "sgd"
lr = 10

[[optimizer]]
name = "adam"
lr = 1

[style]
preset = "blog"
loss_panel = true
arrows = ["gradient", "velocity"]

[time]
fps = 10
hold = 0.5

[[output]]
view = "2d"
path = "spec.gif"

[[output]]
view = "map"
path = "spec.svg"
"""


def test_cli_render_spec(tmp_path):
    (tmp_path / "s.toml").write_text(SPEC)
    out = run_cli("render", "s.toml", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "spec.gif").exists() and (tmp_path / "spec.svg").exists()


@pytest.mark.parametrize("edit,message", [
    (("preset = \"blog\"", "colour = \"red\""), "unknown key 'style.colour'; choose from: style.arrows"),
    (("fps = 10", "fps = \"fast\""), "time.fps must be an integer, got 'fast'"),
    (("fps = 10", "fps = 0"), "fps must be a whole number from 1 to 120, got 0"),
    (("steps = 12", "steps = -4"), "steps must be >= 0, got -4"),
    (("preset = \"blog\"", "preset = \"poster\""), "unknown preset 'poster'; choose from: blog, slide, square"),
    (("view = \"2d\"", "view = \"4d\""), "unknown view '4d'; choose from: 2d, 3d, grid, map, surface"),
    (("path = \"spec.gif\"", "path = \"spec.avi\""), "unknown format 'avi' for the 2d view"),
    (("arrows = [\"gradient\", \"velocity\"]", "arrows = [\"wind\"]"), "unknown arrow 'wind'"),
    (("surface = \"pathological\"", "surfac = \"pathological\""), "unknown key 'surfac'"),
    (("lr = 10", "lr = -10"), "Invalid learning rate: -10"),
    (("surface = \"pathological\"", "surface = \"rosenbrok\""), "unknown surface 'rosenbrok'"),
    (("steps = 12", "steps = [12"), "not valid TOML"),
])
def test_bad_specs_fail_cleanly_with_nothing_written(tmp_path, edit, message):
    (tmp_path / "s.toml").write_text(SPEC.replace(*edit, 1))
    out = run_cli("render", "s.toml", cwd=tmp_path)
    assert out.returncode == 2, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in out.stderr, out.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.toml"]


def test_bad_render_flags(tmp_path):
    for args, message in ((["--theme", "neon", "-o", "a.gif"], "unknown theme 'neon'; choose from: dark, light"),
                          (["-o", "a.docx"], "unknown format 'docx'"),
                          ([], "no output"),
                          (["--camera", "drone", "-o", "a.gif"], "unknown camera 'drone'")):
        out = run_cli("render", *args, cwd=tmp_path)
        assert out.returncode == 2 and message in out.stderr and len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert list(tmp_path.iterdir()) == []


def test_renderers_do_not_import_torch():
    code = ("import sys; import optviz.render.animate, optviz.render.scene3d, optviz.render.figures, optviz.cli.spec; "
            "assert 'torch' not in sys.modules; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0 and "ok" in out.stdout, out.stderr


def test_core_does_not_import_matplotlib():
    code = ("import sys; import optviz, optviz.core.engine, optviz.core.surfaces, optviz.core.optimizers; "
            "optviz.simulate('ravine', 'adam', None, 3); "
            "assert not any(m.startswith(('matplotlib', 'manim')) for m in sys.modules); print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0 and "ok" in out.stdout, out.stderr


def test_plot_curve_has_the_seed_signature():
    import matplotlib
    matplotlib.use("Agg")
    import optviz
    ax = optviz.plot_curve(optviz.pathological_curve_loss, x_range=(-5, 5), y_range=(-5, 5), plot_3d=False)
    assert ax.get_title() == "Pathological curvature" and len(ax.images) == 1
    assert ax.images[0].get_array().shape == (100, 100)
    ax3 = optviz.plot_curve(optviz.pathological_curve_loss, plot_3d=True, title="3-D")
    assert ax3.name == "3d" and ax3.get_zlabel() == "loss"


def test_example_spec_is_valid():
    spec = load_spec(Path(__file__).resolve().parents[1] / "examples" / "seed-race.toml")
    assert [v for v, _ in spec.outputs] == ["2d", "3d"] and len(spec.run["optimizers"]) == 3


# ---- issue 25: the landscape pictures keep every axis name inside the frame ----------------------------

def _label_boxes(scene, axes):
    scene.fig.canvas.draw()
    renderer = scene.fig.canvas.get_renderer()
    return [(a.label.get_text(), a.label.get_window_extent(renderer)) for a in axes if a.label.get_text()]


def test_3d_axis_names_stay_inside_the_frame_at_a_steep_camera():
    """The gallery's digits-landscape-3d.gif (elev 50, azim -60) cut "PC 1 (64% of the variance)" at the
    bottom edge; each axis name now lies inside the figure and below the header."""
    from optviz.data.experiment import Experiment
    exp = Experiment.load(Path(__file__).parents[1] / "examples" / "digits-landscape.npz")
    scene = Scene3D(exp, Style(elev=50, azim=-60, loss_panel=True), Timeline(fps=10, duration=1))
    W, H = scene.fig.bbox.width, scene.fig.bbox.height
    boxes = _label_boxes(scene, (scene.ax.xaxis, scene.ax.yaxis, scene.ax.zaxis))
    assert [t for t, _ in boxes] == ["PC 1 (64% of the variance)", "PC 2 (28%)", r"$\log_{10}$ loss"]
    for text, b in boxes:
        assert b.x0 >= 0 and b.y0 >= 0 and b.x1 <= W and b.y1 <= 0.86 * H, (text, b)
    # and the stage is still most of the frame: the axes (a square box, 0.86 of the height at first)
    # shrank only as far as they had to
    x0, y0, w, h = scene.ax.get_position().bounds
    assert 0.7 <= h < 0.86


def test_3d_tick_labels_stay_inside_the_frame_at_a_steep_camera():
    """The post's 3-D race seen from elev 55, azim 110 (a camera the article picks) drew the near axis's
    numbers below the bottom edge; every tick label an axis draws now lies inside the figure."""
    exp = simulate("pathological", ["sgd:lr=10", "adam:lr=1"], [[7.0, 7.0]], 50)
    scene = Scene3D(exp, Style(elev=55, azim=110), Timeline(fps=10, duration=1))
    scene.fig.canvas.draw()
    renderer, W, H = scene.fig.canvas.get_renderer(), scene.fig.bbox.width, scene.fig.bbox.height
    drawn = 0
    for axis in (scene.ax.xaxis, scene.ax.yaxis, scene.ax.zaxis):
        lo, hi = sorted(axis.get_view_interval())
        for tick in axis.get_major_ticks():
            if lo <= tick.get_loc() <= hi and tick.label1.get_text():   # the ticks a 3-D axis draws
                b = tick.label1.get_window_extent(renderer)
                assert b.x0 >= 0 and b.y0 >= 0 and b.x1 <= W and b.y1 <= H, (tick.label1.get_text(), b)
                drawn += 1
    assert drawn >= 12


def test_a_long_axis_name_is_wrapped_inside_the_map():
    """A slice's direction named after an optimizer and its settings (points planes) is longer than the
    map is high: it is broken into lines, each inside the figure."""
    from optviz.data.experiment import Experiment
    exp = Experiment.load(Path(__file__).parents[1] / "examples" / "digits-landscape.npz")
    long = "toward the Adam lr=0.0144 end (orthogonalized), a name longer than the axes"
    exp.meta["surface"]["axes"] = ["toward the SGD lr=0.208 end", long]
    scene = Scene2D(exp, Style(), Timeline(fps=10, duration=1))
    (_, bx), (text, by) = _label_boxes(scene, (scene.ax.xaxis, scene.ax.yaxis))
    assert text.replace("\n", " ") == long and "\n" in text
    W, H = scene.fig.bbox.width, scene.fig.bbox.height
    for b in (bx, by):
        assert b.x0 >= 0 and b.y0 >= 0 and b.x1 <= W and b.y1 <= H, b


def test_a_landscape_path_that_fits_exactly_is_drawn_at_the_lowest_loss_not_minus_infinity():
    """On a log-scaled landscape a path whose loss reaches 0 (wilson-linear's adaptive runs do, in float32)
    crashed the 3-D view ("Axis limits -inf"); it is drawn at the lowest positive loss of grid and paths."""
    from optviz.data.experiment import Experiment
    from optviz.render.geometry import display_z
    exp = Experiment.load(Path(__file__).parents[1] / "examples" / "digits-landscape.npz")
    exp.loss[0, 0, -5:] = 0.0
    lowest = min(exp.grid_z.min(), exp.loss[exp.loss > 0].min())
    f, log = display_z(exp)
    assert log and f(0.0) == pytest.approx(np.log10(lowest)) and np.isfinite(f(exp.loss)).all()
    scene = Scene3D(exp, Style(), Timeline(hold=0))
    assert np.isfinite(scene.ax.get_zlim()).all()
    frame = scene.render(exp.steps)   # the last frame: the ball where the loss is 0
    assert frame.shape[2] == 4 and frame.any()


@pytest.mark.parametrize("case", ["fixed", "orbit", "diverged", "ghost", "swarm"])
def test_3d_lines_projected_as_plain_arrays_draw_matplotlib_s_pixels(seed_exp, case):
    """Issue 32: ProjectedLine (render/lines3d.py) skips matplotlib's masked arrays and draws trails and
    markers without Line2D's caching; every frame drawn with it equals the frame drawn by matplotlib's
    own Line3D, on a fixed camera, an orbit (points leave the view), a run that diverges (NaN balls,
    exit markers), ghosted hidden paths and a swarm (small balls without an edge)."""
    from mpl_toolkits.mplot3d.art3d import Line3D
    exp = {"diverged": lambda: simulate("pathological", ["sgd:lr=30", "adam:lr=1"], [[7, 7]], 30),
           "swarm": lambda: simulate("pathological", ["sgd:lr=10", "adam:lr=1"], 16, 30)}.get(case, lambda: seed_exp)()
    style = Style(width=320, height=240, camera="orbit" if case == "orbit" else "fixed",
                  behind="ghost" if case == "ghost" else "auto")
    scene = Scene3D(exp, style, Timeline(fps=10, hold=0))
    frames = range(0, scene.n_frames, max(1, scene.n_frames // 8))
    fast = [scene.render(i) for i in frames]
    drawn = [a for a in scene.animated if isinstance(a, Line3D)]
    assert drawn and all(type(a).__name__ == "ProjectedLine" for a in drawn)
    for a in drawn:
        a.__class__ = Line3D
    for i, frame in zip(frames, fast):
        np.testing.assert_array_equal(scene.render(i), frame, err_msg=f"frame {i}")
