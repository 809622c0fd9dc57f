"""manim scenes: they import without rendering, bad requests fail cleanly, and short low-quality
renders of every scene produce videos of the right length whose frames show the balls where their
recorded points project through manim's camera. Renders are marked slow (they run in CI)."""
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from optviz import simulate
from optviz.render.style import optimizer_colors

ROOT = Path(__file__).resolve().parents[1]
SCENES = ROOT / "scenes"
SEED = ["sgd:lr=10", "momentum:lr=10,momentum=0.9", "adam:lr=1"]


@pytest.fixture(scope="module")
def seed_npz(tmp_path_factory):
    path = tmp_path_factory.mktemp("exp") / "seed.npz"
    simulate("pathological", SEED, [[7, 7]], 30).save(path)
    return path


def test_scenes_import_without_rendering_or_torch():
    code = (f"import sys; sys.path.insert(0, {str(SCENES)!r}); import rolling, rules, lecture, lecture_shots; "
            "assert 'torch' not in sys.modules; "
            "print(rolling.RollingBalls.__name__, rolling.RollingTopDown.__name__, rolling.Swarm.__name__, "
            "rules.UpdateRules.__name__, lecture.Lecture.__name__, lecture.LectureChapter.__name__, "
            "*sorted(k or 'card' for k in lecture_shots.PLAYERS))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    from optviz.lecture.shots import SHOTS
    assert out.stdout.split() == ["RollingBalls", "RollingTopDown", "Swarm", "UpdateRules", "Lecture", "LectureChapter",
                                  *sorted(["card", *SHOTS])]   # a drawing for every shot kind


@pytest.mark.parametrize("args,message", [
    (["--scene", "movie", "-o", "a.mp4"], "unknown manim scene 'movie'; choose from: lecture, rolling"),
    (["--quality", "8k", "-o", "a.mp4"], "unknown manim quality '8k'; choose from: 1080p30"),
    (["-o", "a.avi"], "unknown format 'avi' for a manim video"),
    (["--transparent", "-o", "a.mp4"], "a transparent video needs .mov or .webm"),
])
def test_bad_manim_requests_fail_cleanly(tmp_path, args, message):
    out = subprocess.run([sys.executable, "-m", "optviz", "render", "--engine", "manim", *args],
                         capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 2 and message in out.stderr and len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_race_draws_its_own_experiment_on_a_shared_stage(tmp_path):
    """The lecture reuses one stage for the 50- and 1000-step races: the balls must follow the run
    they are given, not the stage's."""
    from manim import ThreeDScene, ValueTracker, tempconfig
    sys.path.insert(0, str(SCENES))
    from common import Stage
    from rolling import add_race

    short = simulate("pathological", SEED, [[7, 7]], 50)
    long = simulate("pathological", SEED, [[7, 7]], 1000)
    with tempconfig({"media_dir": str(tmp_path), "verbosity": "WARNING"}):
        scene = ThreeDScene()
        stage = Stage(short, theme="dark")
        clock = ValueTracker(0)
        mobs = add_race(scene, stage, long, clock, lambda t: long.steps * t, "dark", title=False)
        clock.set_value(1.0)
        spheres = [m for m in mobs if m.__class__.__name__ == "Sphere"]
        for m, ball in enumerate(spheres):
            ball.update()
            end = stage.points(stage.rest(np.array([[*long.position[m, 0, -1].astype(float),
                                                     stage.zf(float(long.loss[m, 0, -1]))]])))[0]
            np.testing.assert_allclose(ball.get_center(), end, atol=1e-9)


def video_frames(path):
    import imageio.v3 as iio
    return iio.imread(path, plugin="pyav"), iio.immeta(path, plugin="pyav")


@pytest.mark.slow
def test_rolling_balls_sit_where_their_points_project(seed_npz, tmp_path, monkeypatch):
    """Render in-process, then project each ball's recorded final point through manim's own camera
    and look for the ball's colour there in the last frame."""
    from manim import tempconfig
    sys.path.insert(0, str(SCENES))
    import rolling
    from common import Stage

    from optviz.data import Experiment

    monkeypatch.setenv("OPTVIZ_EXPERIMENT", str(seed_npz))
    monkeypatch.setenv("OPTVIZ_MANIM", json.dumps({"duration": 1, "orbit": 0, "theme": "dark"}))
    with tempconfig({"quality": "low_quality", "media_dir": str(tmp_path), "disable_caching": True,
                     "progress_bar": "none", "verbosity": "WARNING"}):
        scene = rolling.RollingBalls()
        scene.render()
        frame = scene.renderer.get_frame()
        camera = scene.renderer.camera
        exp = Experiment.load(seed_npz)
        stage = Stage(exp, theme="dark")
        colors = optimizer_colors(exp.names)
        spheres = [mob for mob in scene.mobjects if mob.__class__.__name__ == "Ball"]
        # manim's last frame shows the end of the 1-s shot: the final recorded step, 30
        for m, color in enumerate(colors):
            end = stage.points(stage.rest(np.array([[*exp.position[m, 0, 30].astype(float),
                                                     stage.zf(float(exp.loss[m, 0, 30]))]])))[0]
            ball = next(b for b in spheres if np.allclose(b.get_center(), end, atol=1e-6))
            px = camera.points_to_pixel_coords(ball, np.array([end]))[0]
            col, row = int(px[0]), int(px[1])
            patch = frame[row - 4:row + 5, col - 4:col + 5, :3].astype(int)
            target = np.array([int(color[i:i + 2], 16) for i in (1, 3, 5)])
            # shading darkens or lightens a sphere, but its hue stays: nearest palette colour wins
            others = [np.array([int(c[i:i + 2], 16) for i in (1, 3, 5)]) for c in colors if c != color]
            d_own = np.abs(patch - target).sum(-1)
            d_other = np.min([np.abs(patch - o).sum(-1) for o in others], axis=0)
            assert ((d_own < d_other) & (d_own < 150)).sum() >= 10, (m, color)
        video = Path(scene.renderer.file_writer.movie_file_path)
    frames, meta = video_frames(video)
    assert frames.shape[0] == 15 and meta["fps"] == 15


@pytest.mark.slow
@pytest.mark.parametrize("scene,options,expected", [
    ("rolling", {"duration": 2}, 30),
    ("topdown", {"duration": 1}, 15),
    ("swarm", {"duration": 1}, 15),
    ("rules", {"rule_steps": 2, "step_time": 1.0}, 30),
])
def test_each_scene_renders_its_frames(seed_npz, tmp_path, scene, options, expected):
    from optviz.data import Experiment
    from optviz.render.manim_video import render_manim
    exp = None if scene == "swarm" else Experiment.load(seed_npz)
    heard = []
    out, = render_manim(exp, tmp_path / f"{scene}.mp4", scene=scene, quality="preview", options=options, workers=2,
                        progress=lambda done, total: heard.append((done, total)))
    frames, meta = video_frames(out)
    assert frames.shape == (expected, 480, 854, 3) and meta["fps"] == 15
    done = [d for d, _ in heard]
    assert done == sorted(done) and all(t in (None, expected) for _, t in heard)
    if scene != "rules":   # a shot of known length: the bar ends full
        assert heard[-1] == (expected, expected)
    assert frames[-1].std() > 10  # not a blank frame
    assert not list(tmp_path.glob(".*"))


@pytest.mark.slow
def test_transparent_webm(seed_npz, tmp_path):
    from optviz.render.manim_video import render_manim
    out, = render_manim(str(seed_npz), tmp_path / "clip.webm", scene="rolling", quality="preview",
                       transparent=True, options={"duration": 1}, workers=1)
    import av
    with av.open(str(out)) as c:
        assert c.streams.video[0].codec_context.name in ("vp9", "libvpx-vp9")
        meta = {k.lower(): v for k, v in c.streams.video[0].metadata.items()}
        assert meta.get("alpha_mode") == "1"  # VP9 keeps alpha as a side channel


RIDGE = "3*exp(-y**2/0.3 - x**2/1.5) - 0.2*y"


def ridge(x, y):
    return 3 * np.exp(-y ** 2 / 0.3 - x ** 2 / 1.5) - 0.2 * y


@pytest.mark.slow
def test_manim_ball_behind_a_ridge_is_hidden_where_the_ridge_is_in_the_way(tmp_path, monkeypatch):
    """One ball crosses the view behind a ridge (as in tests/test_occlusion.py). Each video frame is
    checked where the ball's centre projects through manim's camera: no ball colour where the line of
    sight from the camera's eye passes under the analytic surface, the ball's colour where it clears it."""
    from manim import tempconfig
    sys.path.insert(0, str(SCENES))
    import rolling
    from common import Stage

    from optviz.data import Experiment

    exp = simulate(RIDGE, "sgd:lr=1e-9", [[-4.0, 1.2]], 40, dtype="float64", box=((-4, 4), (-3, 3)))
    x = np.linspace(-4, 4, exp.position.shape[2])
    exp.position[0, 0] = np.column_stack([x, np.full_like(x, 1.2)])
    exp.loss[0, 0] = ridge(x, 1.2)
    npz = tmp_path / "ridge.npz"
    exp.save(npz)
    exp = Experiment.load(npz)

    class Ridge(rolling.RollingBalls):
        phi, theta = 55, -90

    duration = 2.0
    monkeypatch.setenv("OPTVIZ_EXPERIMENT", str(npz))
    monkeypatch.setenv("OPTVIZ_MANIM", json.dumps({"duration": duration, "orbit": 0, "theme": "dark"}))
    with tempconfig({"quality": "low_quality", "media_dir": str(tmp_path), "disable_caching": True,
                     "progress_bar": "none", "verbosity": "WARNING"}):
        scene = Ridge()
        scene.render()
        camera, fps = scene.renderer.camera, scene.renderer.camera.frame_rate
        stage = Stage(exp, theme="dark")
        ball = next(mob for mob in scene.mobjects if mob.__class__.__name__ == "Ball")
        path = stage.path(0, 0, rolling.DENSE)
        rot = camera.generate_rotation_matrix()
        eye = np.asarray(camera.frame_center) + rot.T @ np.array([0, 0, camera.get_focal_distance()])
        video = Path(scene.renderer.file_writer.movie_file_path)
        frames, _ = video_frames(video)

        def clearance(p):
            """Least height of the line of sight above the analytic surface, outside the ball's foot."""
            t = np.linspace(0, 1, 4000)[:, None]
            q = stage.to_data(eye + t * (p - eye))
            foot = np.linalg.norm((eye + t * (p - eye)) - p, axis=1) > 0.3
            inside = foot & (np.abs(q[:, 0]) <= 4) & (np.abs(q[:, 1]) <= 3)
            if not inside.any():
                return np.inf
            return float(np.min(q[inside, 2] - stage.zf(ridge(q[inside, 0], q[inside, 1]))))

        target = np.array([int(optimizer_colors(exp.names)[0][i:i + 2], 16) for i in (1, 3, 5)])
        hidden_frames = shown_frames = 0
        for f, frame in enumerate(frames):
            # the frame shows the clock at f/fps or (f+1)/fps: classify only if both agree clearly
            gaps, pixels = [], []
            for t in (f / fps, (f + 1) / fps):
                k = min(exp.steps * t / duration, exp.steps) * rolling.DENSE
                i = min(int(k), len(path) - 2)
                p = path[i] + (k - i) * (path[i + 1] - path[i])
                gaps.append(clearance(p))
                pixels.append(camera.points_to_pixel_coords(ball, p[None])[0])
            col, row = np.mean(pixels, axis=0).astype(int)
            patch = frame[row - 6:row + 7, col - 6:col + 7, :3].astype(int)
            near = (np.abs(patch - target).max(-1) < 60).sum()
            if max(gaps) < -0.2:
                hidden_frames += 1
                assert near == 0, (f, gaps)
            elif min(gaps) > 0.2:
                shown_frames += 1
                assert near >= 15, (f, gaps)
        assert hidden_frames >= 3 and shown_frames >= 6, (hidden_frames, shown_frames)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed; `make install` as root installs it")
def test_a_terminal_shows_the_frames_bar_then_the_file_written(tmp_path, seed_npz):
    """In a real terminal (tmux), a manim render shows a bar of frames done out of the shot's frames with
    the time left while the manim processes work, then one line naming the file, its length and size."""
    from terminal import watch
    screen, bars = watch(f"{sys.executable} -m optviz render --experiment {seed_npz} --engine manim --scene rolling "
                         "--quality preview --duration 6 --workers 2 -o r.mp4", tmp_path,
                         r"rendering r\.mp4: +\d+%\|.*\| (\d+)/(\d+) \[\d\d:\d\d<\d\d:\d\d", 180, every=0.3)
    assert "EXIT=0" in screen, screen
    assert bars and {int(t) for _, t in bars} == {90}            # 6 s at 15 fps
    assert any(0 < int(d) < 90 for d, _ in bars)                 # seen moving, not only at the end
    assert re.search(r"^wrote r\.mp4 \(0:06\.0, [\d.]+ kB\)$", screen, re.M), screen
    assert "rendering" not in screen.split("wrote r.mp4")[-1]  # the bar is gone once the file is written


def test_shapes_and_dots_are_drawn_where_the_camera_projects_them_wherever_it_aims(tmp_path):
    """A vector dot and a point cloud's dot at 3-D points, the camera aimed away from the origin: each
    is drawn where the camera projects its point (manim shifted both by the aim once more, vector
    shapes by the aim the drawing context was first made with, point clouds by the aim now; the swarm
    drifted off the surface when a scene moved its aim, and a part of a chapter starting after such a
    move drew its texts elsewhere). Checked after the aim moves, too."""
    from manim import DEGREES, Dot3D, PMobject, ThreeDScene, tempconfig
    sys.path.insert(0, str(SCENES))
    import common  # noqa: F401  (installs the fix)

    red_at, green_at = np.array([1.5, -0.8, 0.6]), np.array([-1.0, 1.2, -0.3])
    shots = []

    class Both(ThreeDScene):
        def construct(self):
            self.set_camera_orientation(phi=60 * DEGREES, theta=-40 * DEGREES, zoom=1.3,
                                        frame_center=np.array([1.2, 0.9, 0.4]))
            self.add(Dot3D(red_at, radius=0.12, color="#ff0000", resolution=(8, 8)))
            cloud = PMobject(stroke_width=20)
            cloud.add_points([green_at], color="#00ff00")
            self.add(cloud)
            self.wait(0.1)
            shots.append(self.renderer.camera.get_image().convert("RGB"))
            self.move_camera(frame_center=np.array([-0.7, 0.3, 0.0]), run_time=0.2)
            self.wait(0.1)
            shots.append(self.renderer.camera.get_image().convert("RGB"))

    def centroid(image, channel):
        image = np.asarray(image).astype(int)
        others = [c for c in range(3) if c != channel]
        ys, xs = np.nonzero((image[..., channel] > 150) & (image[..., others].max(-1) < 90))
        return np.array([xs.mean(), ys.mean()]), len(xs)

    with tempconfig({"quality": "low_quality", "media_dir": str(tmp_path), "disable_caching": True,
                     "progress_bar": "none", "verbosity": "WARNING"}):
        scene = Both()
        scene.render()
        camera = scene.renderer.camera
        aims = [np.array([1.2, 0.9, 0.4]), np.array([-0.7, 0.3, 0.0])]
        for shot, aim in zip(shots, aims):
            camera.frame_center = aim
            camera.reset_rotation_matrix()
            for at, channel in ((red_at, 0), (green_at, 1)):
                x, y = camera.project_point(at)[:2]   # the camera's own projection, in frame units
                want = np.array([x * camera.pixel_width / camera.frame_width + camera.pixel_width / 2,
                                 -y * camera.pixel_height / camera.frame_height + camera.pixel_height / 2])
                got, n = centroid(shot, channel)
                assert n > 20 and np.abs(got - want).max() < 3, (channel, aim, got, want)


def test_a_map_is_one_image_of_the_surface_s_heights_with_unbroken_contours():
    """Issue 34: the rule chapters' map is an image a pixel per screen pixel, not tiles. Away from its
    contour lines each pixel is the lecture's height colour of the surface's height at that pixel's
    centre (its stored grid interpolated by scipy, within 2 % of the seed's closed form tanh(x)^2 +
    0.01|x| + sigmoid(y), as display_z draws it); the lowest and highest pixels are the colour scale's ends; and wherever two neighbouring
    pixels fall in different bands a line is drawn beside them (it never breaks, however steep)."""
    sys.path.insert(0, str(SCENES))
    from common import HEIGHT_COLORS
    from manim import ManimColor
    from rules import height_image

    from optviz.render.geometry import display_z
    exp = simulate("pathological", ["sgd:lr=10"], [[7, 7]], 5, dtype="float64")
    rows, cols, levels = 300, 360, 12
    rgba = height_image(exp, rows, cols, levels)
    assert rgba.shape == (rows, cols, 4) and (rgba[..., 3] == 255).all()
    (x0, x1), (y0, y1) = exp.box
    X, Y = np.meshgrid(x0 + (np.arange(cols) + 0.5) / cols * (x1 - x0), y1 - (np.arange(rows) + 0.5) / rows * (y1 - y0))
    from scipy.interpolate import RegularGridInterpolator
    f = display_z(exp)[0]
    grid = RegularGridInterpolator((exp.grid_y, exp.grid_x), exp.grid_z, method="linear")
    z = f(grid(np.stack([Y, X], -1)))   # the image shows the stored grid, bilinearly interpolated ...
    u = (z - z.min()) / (z.max() - z.min())
    closed = f(np.tanh(X) ** 2 + 0.01 * np.abs(X) + 1 / (1 + np.exp(-Y)))   # ... which is the seed's surface
    assert np.abs(u - (closed - closed.min()) / (closed.max() - closed.min())).max() < 0.02
    stops = np.array([ManimColor(c).to_rgb() for c in HEIGHT_COLORS]) * 255
    k = u * (len(stops) - 1)
    i = np.minimum(k.astype(int), len(stops) - 2)
    want = stops[i] + (stops[i + 1] - stops[i]) * (k - i)[..., None]
    band = np.floor(u * levels).clip(0, levels - 1)
    across, down = np.diff(band, axis=1) != 0, np.diff(band, axis=0) != 0
    near = np.zeros(u.shape, bool)   # within 3 px of a band change
    for shift in range(-3, 4):
        near |= np.roll(np.pad(across, ((0, 0), (0, 1))), shift, axis=1)
        near |= np.roll(np.pad(down, ((0, 1), (0, 0))), shift, axis=0)
    got = rgba[..., :3].astype(float)
    assert (~near).mean() > 0.5
    assert np.abs(got[~near] - want[~near]).max() <= 1   # rounding to whole levels
    assert np.abs(got[np.unravel_index(u.argmin(), u.shape)] - stops[0]).max() <= 1
    assert np.abs(got[np.unravel_index(u.argmax(), u.shape)] - stops[-1]).max() <= 1
    # a band change has ink beside it
    inked = np.abs(got - want).max(-1) > 8
    ink_across = inked[:, :-1] | inked[:, 1:] | np.pad(inked, ((0, 0), (1, 0)))[:, :-2] | np.pad(inked, ((0, 0), (0, 1)))[:, 2:]
    assert ink_across[across].all()
    ink_down = inked[:-1] | inked[1:]
    assert ink_down[down].all()


def test_round_dots_are_discs_of_their_size_in_their_colour(tmp_path):
    """Issue 34: a swarm's balls are round dots `diameter` pixels across at 1080p (manim drew squares a
    fixed number of pixels wide), in the colour asked for (cairo reads the pixels as BGRA)."""
    from manim import ThreeDCamera, tempconfig
    sys.path.insert(0, str(SCENES))
    import common  # noqa: F401  (the 3-D camera's fixes)
    from dots import RoundDots

    with tempconfig({"quality": "low_quality", "media_dir": str(tmp_path), "verbosity": "WARNING"}):
        camera = ThreeDCamera()
        dots = RoundDots(diameter=60, ring="#000000")
        dots.add_points(np.array([[-2.0, 0.0, 0.0], [2.0, 0.0, 0.0]]), color="#e4572e")
        camera.capture_mobjects([dots])
        rgb = camera.pixel_array[..., :3].astype(int)
        height = camera.pixel_height
        # and a FadeOut's end fades them away (manim's point clouds ignored it: a swarm outlived its shot)
        from manim import FadeOut
        fade = FadeOut(dots)
        fade.begin()
        fade.interpolate(1.0)
        camera.reset()
        camera.capture_mobjects([dots])
        assert np.array_equal(camera.pixel_array, camera.background)
    inside = (np.abs(rgb - [0xe4, 0x57, 0x2e]).max(2) < 8)
    rows, cols = np.nonzero(inside)
    left = cols < rgb.shape[1] / 2
    r = 60 / 2 * height / 1080
    for side in (left, ~left):
        # a disc: its area, its height equal to its width (a square of the same width has 4/pi the area)
        assert abs(side.sum() - np.pi * (0.82 * r) ** 2) / (np.pi * r * r) < 0.25
        assert abs(np.ptp(rows[side]) - np.ptp(cols[side])) <= 1
        assert 1.4 * r < np.ptp(cols[side]) + 1 <= 2 * r + 1


def test_a_seamless_stage_zoomed_in_shows_no_face_edge(seed_npz, tmp_path):
    """Issue 34: zoomed in, manim's faces show as tiles (each one colour, lit by its own flat normal,
    edged in a thin line). A seamless stage seen 8x closer: all but one in a thousand neighbouring pixels
    (where the surface folds over itself) differ by at most 3 levels; a plain stage's differ by 6 and
    more at 1% of its pixels, its faces' edges."""
    from manim import ManimColor, ThreeDScene, tempconfig

    from optviz.render.style import THEMES
    sys.path.insert(0, str(SCENES))
    from common import Stage

    from optviz.data import Experiment
    exp = Experiment.load(seed_npz)
    steps = {}
    with tempconfig({"quality": "low_quality", "media_dir": str(tmp_path), "verbosity": "WARNING"}):
        for seamless in (False, True):
            scene = ThreeDScene()
            stage = Stage(exp, theme="dark", seamless=seamless)
            scene.set_camera_orientation(phi=55 * np.pi / 180, theta=-105 * np.pi / 180, zoom=8,
                                         frame_center=stage.point(3.0, 3.0))
            camera = scene.renderer.camera
            camera.capture_mobjects(stage.surface.family_members_with_points())
            rgb = camera.pixel_array[..., :3].astype(int)
            background = np.abs(rgb - np.array(ManimColor(THEMES["dark"].background).to_int_rgb())).max(2) < 3
            assert not background.any()   # the surface fills the frame
            jump = np.maximum(np.abs(np.diff(rgb, axis=0))[:, :-1].max(2), np.abs(np.diff(rgb, axis=1))[:-1].max(2))
            steps[seamless] = np.percentile(jump, 99), np.percentile(jump, 99.9)
    print(steps)
    assert steps[False][0] >= 6 and steps[True][1] <= 3


def test_a_ball_is_drawn_as_the_sphere_it_stands_for(tmp_path):
    """A ball is a flat disc facing the camera (one shape, where manim's sphere was 64 faces to path
    and paint each frame): seen through a perspective camera, from two directions (it turns to face the
    camera when placed again), it covers the pixels a finely divided sphere of its radius covers."""
    from manim import DEGREES, Sphere, ThreeDCamera, tempconfig
    sys.path.insert(0, str(SCENES))
    from common import Ball

    at = np.array([1.1, -0.6, 0.8])
    with tempconfig({"quality": "low_quality", "media_dir": str(tmp_path), "verbosity": "WARNING"}):
        camera = ThreeDCamera()
        camera.frame_center = np.array([0.3, 0.2, 0.1])
        covered = []
        for phi, theta in ((55, -110), (20, 30)):
            camera.set_phi(phi * DEGREES)
            camera.set_theta(theta * DEGREES)
            camera.set_zoom(1.6)
            camera.reset_rotation_matrix()
            sphere = Sphere(at, radius=0.3, resolution=(48, 24)).set_fill("#ff0000", opacity=1).set_stroke(width=0)
            sphere.set_shade_in_3d(False)
            ball = Ball("#ff0000", camera, radius=0.3).place(at)
            for mob in (sphere, ball):
                camera.reset()
                camera.capture_mobjects([mob])
                covered.append(camera.pixel_array[..., 0] > 128)
    for sphere, ball in (covered[:2], covered[2:]):
        assert sphere.sum() > 300   # big enough to compare
        overlap = (sphere & ball).sum() / (sphere | ball).sum()
        assert overlap > 0.95, overlap
        ys, xs = np.nonzero(ball)
        sy, sx = np.nonzero(sphere)
        assert abs(xs.mean() - sx.mean()) < 0.5 and abs(ys.mean() - sy.mean()) < 0.5


def test_what_is_faded_out_is_not_painted_and_the_frame_is_the_same(tmp_path):
    """A shape whose fill and strokes are fully transparent (faded out, while a clock runs on) is
    skipped rather than pathed and painted on every frame: the frame equals the one manim paints."""
    from manim import Square, Surface, ThreeDCamera, tempconfig
    sys.path.insert(0, str(SCENES))
    import unseen

    manims = unseen._display_vectorized
    painted = []

    def spy(self, vmobject, ctx):
        painted.append(vmobject)
        return manims(self, vmobject, ctx)

    with tempconfig({"quality": "low_quality", "media_dir": str(tmp_path), "verbosity": "WARNING"}):
        camera = ThreeDCamera()
        camera.set_phi(60 * np.pi / 180)
        camera.reset_rotation_matrix()
        gone = Surface(lambda u, v: np.array([u, v, 0.3 * np.sin(u) * v]), u_range=[-2, 2], v_range=[-2, 2],
                       resolution=(6, 6)).set_opacity(0)
        seen = Surface(lambda u, v: np.array([u, v, -0.5 + 0.2 * u]), u_range=[-3, 1], v_range=[-1, 2],
                       resolution=(5, 5), fill_opacity=0.6)
        square = Square(2).set_fill("#33aa55", opacity=0.5).set_stroke(width=0)   # only a stroke of width 0
        hidden = Square(1).set_fill(opacity=0).set_stroke("#ffffff", width=6, opacity=0)
        shapes = [seen, gone, square, hidden]
        unseen._display_vectorized = spy
        try:
            camera.capture_mobjects(shapes)   # through unseen.display_vectorized, installed on import
        finally:
            unseen._display_vectorized = manims
        skipping = camera.pixel_array.copy()
        camera.display_vectorized = manims.__get__(camera)   # manim's own, every shape painted
        camera.reset()
        camera.capture_mobjects(shapes)
        painting = camera.pixel_array.copy()
    assert np.array_equal(skipping, painting) and skipping.any()
    ids = {id(v) for v in painted}
    assert not ids & ({id(f) for f in gone.family_members_with_points()} | {id(hidden)})
    assert {id(f) for f in seen.family_members_with_points()} | {id(square)} <= ids


def test_a_text_fades_as_manim_s_fades_draw_it_without_copying_it(tmp_path):
    """fades.Fade (no copy of the family) against manim's FadeIn and FadeOut of the same text, shifted
    as the lecture's texts enter: the same points, colours and frame at every point of the fade;
    afterwards the text's own points and colours, and in the scene (in) or not (out) as manim leaves
    it. What is not all plain shapes (a point cloud), or updates itself, gets manim's own fade."""
    from manim import UP, Camera, FadeIn, FadeOut, Group, PMobject, Scene, Square, Text, VGroup, tempconfig
    sys.path.insert(0, str(SCENES))
    import fades

    with tempconfig({"quality": "low_quality", "media_dir": str(tmp_path), "verbosity": "WARNING"}):
        def frame(mobject):
            camera = Camera()
            camera.capture_mobjects([mobject])
            return camera.pixel_array.copy()

        shape = VGroup(Text("a step against the gradient", font_size=40),
                       Square(1.5).set_fill("#3366cc", opacity=0.6).set_stroke("#ffcc00", width=6, opacity=0.8))
        before = [fades._state(m) for m in shape.get_family()]
        shift = 0.4 * UP
        for ours, manims in ((fades.Fade(shape, True, shift=shift), FadeIn(shape.copy(), shift=shift)),
                             (fades.Fade(shape, False, shift=shift), FadeOut(shape.copy(), shift=shift))):
            ours.begin()
            manims.begin()
            for alpha in (0.0, 0.13, 0.3, 0.75, 1.0):
                ours.interpolate(alpha)
                manims.interpolate(alpha)
                assert np.array_equal(frame(ours.mobject), frame(manims.mobject)), (type(manims).__name__, alpha)
                # the same numbers, the groups' and Text's own too (a Text reports its own opacity)
                for a, b in zip(ours.mobject.get_family(), manims.mobject.get_family()):
                    assert all(np.array_equal(getattr(a, k), getattr(b, k)) for k in fades.STATE)
            ours.finish()
            scene = Scene()
            scene.add(shape)
            ours.clean_up_from_scene(scene)
            assert (shape in scene.mobjects) == (type(manims) is FadeIn)
            after = [fades._state(m) for m in shape.get_family()]
            assert all(np.array_equal(getattr(x, k), getattr(y, k)) for x, y in zip(before, after) for k in fades.STATE)
            assert shape[0].get_fill_opacity() == 1.0
        assert frame(shape).any()
        cloud = PMobject().add_points(np.zeros((3, 3)))
        assert type(fades.fade_in(cloud)) is FadeIn and type(fades.fade_out(Group(shape, cloud))) is FadeOut
        assert type(fades.fade_in(shape)) is fades.Fade
        counting = Text("0").add_updater(lambda m: None)   # a counter: manim's fade's copy goes on updating
        assert type(fades.fade_out(VGroup(shape, counting))) is FadeOut


def test_a_fading_face_is_shaded_once_as_manim_shades_it():
    """The 3-D camera's shading is kept per face by its points and colours, not its opacity: through a
    fade (the opacity changing every frame) every value equals manim's own, computed once."""
    from manim import Surface, ThreeDCamera, tempconfig
    sys.path.insert(0, str(SCENES))
    import shade_cache

    calls, original = [], shade_cache._modified_rgbas

    def manims(self, vmobject, rgbas):
        calls.append(vmobject)
        return original(self, vmobject, rgbas)

    with tempconfig({"quality": "low_quality", "verbosity": "WARNING"}):
        camera = ThreeDCamera()
        face = Surface(lambda u, v: np.array([u, v, 0.4 * u * v]), u_range=[0, 1], v_range=[0, 1],
                       resolution=(1, 1), checkerboard_colors=["#3366cc"]).submobjects[0]
        for rows in (1, 2):
            calls.clear()
            for alpha in np.linspace(0.0, 1.0, 7):
                rgbas = np.array([[0.2, 0.4, 0.8, alpha], [0.9, 0.3, 0.1, alpha / 2]][:rows])
                want = original(camera, face, rgbas.copy())
                shade_cache._modified_rgbas = manims
                try:
                    got = shade_cache.modified_rgbas(camera, face, rgbas.copy())
                finally:
                    shade_cache._modified_rgbas = original
                assert np.array_equal(got, want), (rows, alpha)
            assert len(calls) == 1   # shaded at the first frame of the fade only


def test_a_stage_fades_as_one_picture_drawn_once(tmp_path):
    """A 3-D stage's surface fades in or out as one layer: drawn once, at full opacity, then each frame
    is that picture blended with the fade's opacity over what is behind it (the closed form of a group's
    opacity, to rounding), under what is in front (a ball); the fade's rate applies; afterwards the
    surface itself is in the scene (in) or gone (out)."""
    from manim import Dot, Surface, ThreeDCamera, ThreeDScene, tempconfig
    sys.path.insert(0, str(SCENES))
    import common  # noqa: F401  (the 3-D camera's fixes: its sorting puts the layer first)
    import layer_fade

    def stage():
        s = Surface(lambda u, v: np.array([u, v, 0.3 * np.sin(2 * u) * v]), u_range=[-2, 2], v_range=[-1.5, 1.5],
                    resolution=(8, 8), fill_opacity=0.9)
        s.optviz_stage = True
        return s

    with tempconfig({"quality": "low_quality", "media_dir": str(tmp_path), "verbosity": "WARNING",
                     "disable_caching": True, "progress_bar": "none"}):
        camera = ThreeDCamera()
        camera.set_phi(55 * np.pi / 180)
        camera.reset_rotation_matrix()
        surface, ball = stage(), Dot(color="#ff0000", radius=0.3)
        camera.capture_mobjects([surface])
        full = camera.pixel_array.astype(float)
        camera.reset()
        empty = camera.pixel_array.astype(float)
        camera.capture_mobjects([ball])
        alone = camera.pixel_array.copy()
        under = (alone != empty).any(-1)   # the ball's pixels, its soft edge included
        colours, counts = np.unique(alone[under].reshape(-1, 4), axis=0, return_counts=True)
        inside = (alone == colours[counts.argmax()]).all(-1)   # where it is its own colour, whole
        camera.reset()
        faces = {id(f) for f in surface.family_members_with_points()}
        painted = []
        manims = layer_fade._display_vectorized

        def spy(self, vmobject, ctx):
            painted.append(id(vmobject))
            return manims(self, vmobject, ctx)

        layer = layer_fade.Layer(surface, camera)
        layer_fade._display_vectorized = spy
        try:
            for opacity in (0.25, 0.6):
                layer.opacity = opacity
                camera.reset()
                camera.capture_mobjects([ball, layer])   # the layer first, wherever it is listed
                got = camera.pixel_array.astype(float)
                want = opacity * full + (1 - opacity) * empty
                assert np.abs(got - want)[~under].max() <= 2
                assert inside.sum() > 0.6 * under.sum() > 50
                assert np.array_equal(got[inside], alone[inside].astype(float))   # the ball, over the layer
        finally:
            layer_fade._display_vectorized = manims
        assert sum(f in faces for f in painted) == len(faces)   # the faces painted once, for the picture

        shown = []

        class Fades(ThreeDScene):
            def construct(self):
                s = stage()
                self.play(layer_fade.FadeStage(s, self.camera, appear=True), rate_func=lambda t: min(1.0, 2 * t), run_time=0.4)
                shown.append((s in self.mobjects, any(getattr(m, "optviz_layer", False) for m in self.mobjects)))
                fade = layer_fade.fade_out(s, self.camera)
                fade.rate_func = lambda t: min(1.0, 2 * t)
                fade.interpolate(0.5)
                shown.append(fade.mobject.opacity)
                self.play(fade, run_time=0.4)
                shown.append((s in self.mobjects, any(getattr(m, "optviz_layer", False) for m in self.mobjects)))

        Fades().render()
    assert shown == [(True, False), 0.0, (False, False)]


def test_a_shot_s_closing_fade_is_one_picture_drawn_once(tmp_path):
    """A shot's closing beat fades out all it showed as one layer (layer_fade.FadeAway): each frame of
    the fade is the picture of them all blended with the fade's opacity over the background (the
    closed form, to rounding); the surface's faces and the text's glyphs are painted once for the
    whole fade, not on every frame; what stays (the title) is drawn as it was; afterwards they are
    gone from the scene and the frame is the background with the title."""
    from manim import DEGREES, DR, UL, Dot, Surface, Text, ThreeDScene, config, linear, tempconfig
    sys.path.insert(0, str(SCENES))
    import common  # noqa: F401  (the 3-D camera's fixes: its sorting puts the layer first)
    import layer_fade

    frames, painted, state = [], [], {}
    manims = layer_fade._display_vectorized

    def spy(self, vmobject, ctx):
        painted.append(id(vmobject))
        return manims(self, vmobject, ctx)

    class Closing(ThreeDScene):
        def construct(self):
            self.set_camera_orientation(phi=55 * DEGREES)
            surface = Surface(lambda u, v: np.array([u, v, 0.3 * np.sin(2 * u) * v]), u_range=[-2, 2],
                              v_range=[-1.5, 1.5], resolution=(8, 8), fill_opacity=0.9)
            words, title = Text("Going", font_size=36).to_corner(DR), Text("Title", font_size=30).to_corner(UL)
            self.add_fixed_in_frame_mobjects(words, title)
            gone = [surface, Dot(color="#ff0000", radius=0.3), words]
            self.add(*gone)
            self.wait(1 / config.frame_rate)
            state["full"] = self.camera.pixel_array.astype(float)
            self.remove(*gone)
            self.wait(1 / config.frame_rate)
            state["title"] = self.camera.pixel_array.astype(float)
            self.add(*gone)
            state["ids"] = {id(m) for g in gone for m in g.family_members_with_points()}
            add_frame = self.renderer.add_frame
            self.renderer.add_frame = lambda frame, num_frames=1: (frames.append(frame.astype(float)),
                                                                   add_frame(frame, num_frames))
            layer_fade._display_vectorized = spy
            try:
                self.play(layer_fade.FadeAway(gone, self.camera), rate_func=linear, run_time=0.5)
            finally:
                layer_fade._display_vectorized = manims
            state["left"] = [m for m in self.mobjects if m.family_members_with_points()]   # not the camera's trackers
            state["fps"] = config.frame_rate

    with tempconfig({"quality": "low_quality", "media_dir": str(tmp_path), "verbosity": "WARNING",
                     "disable_caching": True, "progress_bar": "none"}):
        Closing().render()
    full, title = state["full"], state["title"]
    assert len(frames) >= 5
    for k, frame in enumerate(frames):
        opacity = 1 - linear(k / (state["fps"] * 0.5))   # manim's frames at t = k / fps
        want = opacity * full + (1 - opacity) * title
        assert np.abs(frame - want).max() <= 3, (k, np.abs(frame - want).max())
    assert sum(p in state["ids"] for p in painted) <= len(state["ids"])   # painted once, for the picture
    assert len(state["left"]) == 1 and state["left"][0].original_text == "Title", state["left"]


def test_plays_are_encoded_while_the_next_draws_only_where_manim_can():
    """The flag that lets manim draw a play while the last is encoded goes only to a manim that has it
    (0.22 on); every manim render in these tests runs the installed manim with it. So do a preview's
    x264 draft options, and only for x264 (WebM is VP9, a transparent MOV is QuickTime RLE)."""
    from optviz.render.manim_video import manim_flags
    assert "--max-inflight-encoders" not in manim_flags("preview", "mp4", manim_version="0.18.1")
    assert manim_flags("1080p30", "mp4", manim_version="0.22.0")[-2:] == ["--max-inflight-encoders", "2"]
    assert manim_flags("1080p30", "mp4", manim_version="0.22.0rc1")[-2:] == ["--max-inflight-encoders", "2"]
    # a preview's H.264 encoded as a draft: veryfast, in one thread (its parts fill the cores)
    draft = ["--encoder-option", "preset=veryfast", "--encoder-option", "threads=1"]
    assert manim_flags("preview", "mp4", manim_version="0.22.0")[-6:] == ["--max-inflight-encoders", "2", *draft]
    assert not set(draft[1::2]) & set(manim_flags("preview", "webm", manim_version="0.22.0") +
                                      manim_flags("preview", "mov", True, manim_version="0.22.0") +
                                      manim_flags("preview", "mp4", manim_version="0.18.1"))


def test_a_frame_s_smooth_faces_are_one_mesh_painted_once(seed_npz, tmp_path, monkeypatch):
    """A seamless stage's faces in a frame are the patches of one cairo mesh pattern, painted once (each
    face's points from the frame's one projection, its corners' colours), and a face wholly outside the
    frame (zoomed in, many) is left out: drawn alone, the faces left out leave the frame empty. The
    picture is manim's own drawing of the faces (each face's path filled with its patch, then edged in
    its colours to hide the seams, at twice the cost) to within a level at 99.9% of its pixels, more
    than 8 levels apart at fewer than one in ten thousand."""
    from manim import ThreeDScene, tempconfig
    sys.path.insert(0, str(SCENES))
    from common import Stage   # first, as the scenes import it: smooth's camera patches go over its own
    import smooth

    from optviz.data import Experiment
    patched, paints, colours, paint = [], [], smooth.corner_colours, smooth._paint_faces

    def counted(camera, face):
        patched.append(id(face))
        return colours(camera, face)

    monkeypatch.setattr(smooth, "corner_colours", counted)
    monkeypatch.setattr(smooth, "_paint_faces", lambda camera, ctx, faces: (paints.append(len(faces)),
                                                                             paint(camera, ctx, faces))[1])
    with tempconfig({"quality": "low_quality", "media_dir": str(tmp_path), "verbosity": "WARNING"}):
        scene = ThreeDScene()
        stage = Stage(Experiment.load(seed_npz), theme="dark", seamless=True)
        scene.set_camera_orientation(phi=55 * np.pi / 180, theta=-105 * np.pi / 180, zoom=3,
                                     frame_center=stage.point(3.0, 3.0))
        camera = scene.renderer.camera
        faces = stage.surface.family_members_with_points()
        camera.capture_mobjects(faces)
        fast = camera.pixel_array[..., :3].astype(int)
        assert set(camera.optviz_projected) == {id(f) for f in faces}   # one projection for the frame
        assert paints == [len(faces)]   # one mesh for all of them
        once = list(patched)
        skipped = [f for f in faces if id(f) not in once]
        assert len(once) == len(set(once)) and len(skipped) > 50 and len(once) > 100
        # manim's own drawing: every face filled with its patch, then edged
        with monkeypatch.context() as m:
            m.setattr(type(camera), "display_multiple_non_background_colored_vmobjects", smooth._display_many)
            m.setattr(type(camera), "display_vectorized", smooth._display)
            camera.reset()
            camera.capture_mobjects(faces)
            manims = camera.pixel_array[..., :3].astype(int)
        differ = np.abs(fast - manims).max(-1)
        assert np.percentile(differ, 99.9) <= 1 and (differ > 8).mean() < 1e-4
        camera.reset()
        empty = camera.pixel_array.copy()
        camera.capture_mobjects(skipped)
        assert np.array_equal(camera.pixel_array, empty)


def test_a_play_s_static_picture_is_drawn_once_for_the_same_state(tmp_path):
    """A play whose static mobjects and camera are in the very state a play before drew them takes that
    picture again (scenes/static_frames.py) and draws the same frames as drawing it anew; a change to
    any static mobject (a colour) or to the camera (its angle) draws it anew."""
    from manim import DEGREES, Dot, Square, ThreeDScene, tempconfig
    sys.path.insert(0, str(SCENES))
    import common  # noqa: F401  (the scenes' patches, static_frames among them)
    import static_frames
    from manim.renderer.cairo_renderer import CairoRenderer

    drawn, frames = [], {}

    class Plays(ThreeDScene):
        def construct(self):
            self.set_camera_orientation(phi=60 * DEGREES, theta=-45 * DEGREES)
            square, dot = Square(2, fill_opacity=0.8, color="#3366cc"), Dot(color="#ff0000")
            self.add(square, dot)
            add_frame = self.renderer.add_frame
            self.renderer.add_frame = lambda frame, num_frames=1: (frames.setdefault(self.key, []).append(frame.copy()),
                                                                   add_frame(frame, num_frames))
            changes = (("first", None), ("same", None), ("colour", lambda: square.set_fill("#33cc66")),
                       ("again", None), ("camera", lambda: self.set_camera_orientation(phi=50 * DEGREES)))
            for self.key, change in changes:
                if change:
                    change()
                dot.move_to([-1, 0, 0])
                self.play(dot.animate.move_to([1, 0, 0]), run_time=0.3)

    real = static_frames._save
    static_frames._save = lambda self, scene, mobjects: (drawn.append(1), real(self, scene, mobjects))[1]
    try:
        with tempconfig({"quality": "low_quality", "media_dir": str(tmp_path), "verbosity": "WARNING",
                         "disable_caching": True, "progress_bar": "none"}):
            Plays().render()
            kept = dict(frames)
            frames.clear()
            CairoRenderer.save_static_frame_data = real   # every static picture drawn anew
            try:
                Plays().render()
            finally:
                CairoRenderer.save_static_frame_data = static_frames.save_static_frame_data
    finally:
        static_frames._save = real
    assert len(drawn) == 3   # drawn: first, colour, camera; "same" took the first's, "again" the colour's
    for key, made in frames.items():
        assert len(made) == len(kept[key]) and all(np.array_equal(a, b) for a, b in zip(made, kept[key])), key
    assert not np.array_equal(kept["colour"][0], kept["first"][0]) and not np.array_equal(kept["camera"][0],
                                                                                          kept["again"][0])


def test_a_stage_is_coloured_as_manim_colours_a_surface_by_height(seed_npz):
    """A stage's faces are coloured by height as manim's Surface.set_fill_by_value colours them (every
    face's fill and edge, exactly), their midpoints measured for all faces at once (common.midpoints:
    exactly each face's get_midpoint())."""
    import copy
    sys.path.insert(0, str(SCENES))
    from common import HEIGHT_COLORS, Stage, fill_by_height, midpoints

    from optviz import simulate
    from optviz.data import Experiment
    for exp in (Experiment.load(seed_npz), simulate("rosenbrock", ["adam:lr=0.1"], [[-1.5, 2]], 10)):
        stage = Stage(exp, theme="dark")
        faces = stage.surface.family_members_with_points()
        assert np.array_equal(midpoints(faces), np.array([f.get_midpoint() for f in faces]))
        ours, manims = copy.deepcopy(stage.surface), copy.deepcopy(stage.surface)
        for f in (*ours.family_members_with_points(), *manims.family_members_with_points()):
            f.set_color("#000000")
        fill_by_height(ours, stage.axes, HEIGHT_COLORS)
        manims.set_fill_by_value(axes=stage.axes, colorscale=HEIGHT_COLORS, axis=2)
        pairs = list(zip(ours.family_members_with_points(), manims.family_members_with_points()))
        assert all(np.array_equal(a.fill_rgbas, b.fill_rgbas) and np.array_equal(a.stroke_rgbas, b.stroke_rgbas)
                   for a, b in pairs)
        assert len({tuple(a.fill_rgbas[0]) for a, _ in pairs}) > 20   # a scale of colours, not one


def test_a_label_facing_the_camera_finds_its_centre_once_a_frame(tmp_path, monkeypatch):
    """A text added with add_fixed_orientation_mobjects (an axis's name) is turned to the camera glyph by
    glyph about the text's centre; within one frame that centre is computed once, not once a glyph, and
    the frame is the one manim draws computing it for every glyph."""
    from manim import Text, ThreeDScene, tempconfig
    sys.path.insert(0, str(SCENES))
    import common  # noqa: F401  (the scenes' camera patches, facing's among them)
    import facing

    with tempconfig({"quality": "low_quality", "media_dir": str(tmp_path), "verbosity": "WARNING"}):
        scene = ThreeDScene()
        scene.set_camera_orientation(phi=60 * np.pi / 180, theta=-60 * np.pi / 180, zoom=1.5)
        label = Text("PC 1 (74% of the variance)", font_size=30).shift([1.0, 0.5, 0.8])
        scene.add_fixed_orientation_mobjects(label)
        camera = scene.renderer.camera
        glyphs = label.family_members_with_points()
        calls = []
        centre = label.get_center
        monkeypatch.setattr(label, "get_center", lambda: (calls.append(1), centre())[1])
        for submob in label.get_family():   # registered again: the counting one
            camera.fixed_orientation_mobjects[submob] = label.get_center
        camera.capture_mobjects([label])
        once = camera.pixel_array.copy()
        assert len(calls) == 1 and len(glyphs) > 20
        calls.clear()
        with monkeypatch.context() as m:   # manim's own: the centre for every glyph
            m.setattr(type(camera), "capture_mobjects", facing._capture)
            m.setattr(type(camera), "transform_points_pre_display", facing._transform)
            camera.reset()
            camera.capture_mobjects([label])
        assert len(calls) >= len(glyphs)
        np.testing.assert_array_equal(camera.pixel_array, once)
        assert once[..., :3].max() > 200   # the label was drawn


def test_a_run_that_leaves_the_box_is_drawn_to_its_exit_marker_on_the_stage_and_the_map(tmp_path):
    """RAdam at lr=0.05 on Beale steps out of the box, far, one step before its loss is NaN. The 3-D
    stage's trail and the map's ball and trail end where its exit marker stands (the box's edge, as
    exit_points puts it), instead of running off the stage or the map into the frame; a run that stays
    inside is drawn whole."""
    from manim import ThreeDScene, ValueTracker, tempconfig
    sys.path.insert(0, str(SCENES))
    from common import Stage
    from rules import map_ball, map_positions

    from optviz.render.geometry import exit_points
    exp = simulate("beale", ["radam:lr=0.05", "adadelta:lr=5"], [[1, 1.5]], 12)
    (x0, x1), (y0, y1) = exp.box
    inside = lambda xy: (xy[:, 0] >= x0 - 1e-9) & (xy[:, 0] <= x1 + 1e-9) & (xy[:, 1] >= y0 - 1e-9) & \
        (xy[:, 1] <= y1 + 1e-9)   # noqa: E731
    recorded = exp.position[0, 0].astype(float)
    finite = np.isfinite(recorded).all(1)
    assert exp.diverged_at[0, 0] > 0 and (~inside(recorded[finite])).any()   # it does leave, finite, first
    exit_at = exit_points(exp)[0, 0]
    # the map: its positions end at the exit, NaN after; the ball stops there however long the clock runs
    xy = map_positions(exp, 0)
    kept = xy[np.isfinite(xy).all(1)]
    assert inside(kept).all() and np.allclose(kept[-1], exit_at)
    np.testing.assert_array_equal(map_positions(exp, 1), exp.position[1, 0])   # stays inside: whole
    pts = np.column_stack([xy, np.zeros(len(xy))])
    clock = ValueTracker(len(xy) - 1)
    dot, trail = map_ball(pts, clock, "#ff0000")
    dot.update()
    assert np.allclose(dot.get_center()[:2], exit_at) and np.isfinite(trail.points).all()
    # the stage: the trail's points all on the box, the last where the marker stands
    with tempconfig({"quality": "low_quality", "media_dir": str(tmp_path), "verbosity": "WARNING"}):
        ThreeDScene()
        stage = Stage(exp, theme="dark")
        path = stage.path(0, 0, 4)
        drawn = path[np.isfinite(path).all(1)]
        assert inside(stage.to_data(drawn)).all()
        marker = stage.points(stage.rest(np.array([[*exit_at, stage.z_at(*exit_at)]])))[0]
        assert np.allclose(drawn[-1], marker)
        whole = stage.path(1, 0, 4)
        assert np.isfinite(whole).all() and len(whole) == len(path)


def test_a_rule_shot_shows_the_live_state_of_every_registered_optimizer():
    """A rule shot's values beside its rule, for any optimizer the registry has: Adamax keeps exp_avg
    beside exp_inf and no exp_avg_sq, where the rows took every exp_avg for Adam's (a KeyError that
    stopped the lecture). Each state shown by its name, at its value after the step."""
    pytest.importorskip("manim")
    sys.path.insert(0, str(SCENES))
    from lecture_rules import STATE, fmt, value_rows

    from optviz.core.optimizers import parse_optimizer
    from optviz.core.optimizers.registry import OPTIMIZERS
    for name in sorted(OPTIMIZERS):
        exp = simulate("beale", [parse_optimizer("sam:base=adam" if name == "sam" else name)], [[1.0, 1.5]], 3)
        rows = value_rows(exp, 1)
        assert rows[0] == "step 2" and rows[-1].startswith("w  = "), (name, rows)
        if exp.has_adam_moments:
            hats = exp.bias_corrected(0)
            assert rows[2:4] == [f"m̂  = {fmt(hats['m_hat'][0, 2])}", f"v̂  = {fmt(hats['v_hat'][0, 2])}"], name
            continue
        for key, value in exp.state.items():
            if key in STATE:
                assert f"{STATE[key]}  = {fmt(value[0, 0, 2])}" in rows, (name, key, rows)


def test_a_run_that_leaves_a_given_box_and_comes_back_is_drawn_only_inside_it(tmp_path):
    """A shot's box= frames the view: L-BFGS on Himmelblau's function jumps to (21, 19) at its second
    step and comes back by its ninth, without diverging. On the map and the 3-D stage its trail is
    drawn to the box's edge and again from where it comes back, never past it (into the frame, or in
    the air beside the stage), and its ball is hidden while it is out and shown again when it is back."""
    from manim import ThreeDScene, ValueTracker, tempconfig
    sys.path.insert(0, str(SCENES))
    from common import Stage, set_trail
    from rules import map_ball, map_positions
    box = ((-1.0, 5.0), (-1.0, 4.0))
    exp = simulate("himmelblau", ["adam:lr=0.1", "lbfgs:lr=0.5"], [[0.5, 0.5]], 40, box=box)
    (x0, x1), (y0, y1) = box
    xy = exp.position[1, 0].astype(float)
    out = (xy[:, 0] < x0) | (xy[:, 0] > x1) | (xy[:, 1] < y0) | (xy[:, 1] > y1)
    assert exp.diverged_at[1, 0] < 0 and out[2] and not out[0] and not out[-1]   # leaves, comes back
    back = int(np.flatnonzero(out)[-1]) + 1
    near = lambda a, b: np.abs(a - b) < 1e-4   # noqa: E731 - the edge, found by bisection to 2**-24 of a step
    on_box = lambda p: near(p[:, 0], x0) | near(p[:, 0], x1) | near(p[:, 1], y0) | near(p[:, 1], y1)  # noqa: E731
    # the map: frame units are the data here (a unit map), its edge the box's
    pts = np.column_stack([map_positions(exp, 1), np.zeros(len(xy))])
    beyond = lambda p: (p[:, 0] < x0 - 1e-5) | (p[:, 0] > x1 + 1e-5) | (p[:, 1] < y0 - 1e-5) | \
        (p[:, 1] > y1 + 1e-5)   # noqa: E731 - the stage's own tolerance is a millionth of the box
    clock = ValueTracker(2)
    dot, trail = map_ball(pts, clock, "#ff0000", outside=beyond)
    dot.update()
    assert dot.get_fill_opacity() == 0 and not beyond(trail.points).any() and on_box(trail.points[-1:]).all()
    clock.set_value(len(xy) - 1)
    dot.update()
    assert dot.get_fill_opacity() == 1 and not beyond(trail.points).any()
    assert len(trail.get_subpaths()) >= 2 and on_box(trail.points).sum() >= 2   # out at the edge, back in at it
    # the stage: what the camera is told is hidden, and the trail drawn with it
    with tempconfig({"quality": "low_quality", "media_dir": str(tmp_path), "verbosity": "WARNING"}):
        scene = ThreeDScene()
        stage = Stage(exp, theme="dark")
        path = stage.path(1, 0, 4)
        data = stage.to_data(path)
        far = (data[:, 0] < x0 - 1e-6) | (data[:, 0] > x1 + 1e-6) | (data[:, 1] < y0 - 1e-6) | (data[:, 1] > y1 + 1e-6)
        assert far.any() and (stage.outside(path) == far).all()
        assert stage.hidden(path[far], scene.camera).all()
        set_trail(trail, path, len(path) - 1, hidden=stage.outside, iterations=24)
        drawn = stage.to_data(trail.points)
        assert not beyond(drawn).any() and len(trail.get_subpaths()) >= 2
    assert back < len(xy)
