"""manim scenes: they import without rendering, bad requests fail cleanly, and short low-quality
renders of every scene produce videos of the right length whose frames show the balls where their
recorded points project through manim's camera. Renders are marked slow (they run in CI)."""
import json
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
    code = (f"import sys; sys.path.insert(0, {str(SCENES)!r}); import rolling, rules, lecture; "
            "assert 'torch' not in sys.modules; "
            "print(rolling.RollingBalls.__name__, rolling.RollingTopDown.__name__, rolling.Swarm.__name__, "
            "rules.UpdateRules.__name__, lecture.Lecture.__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["RollingBalls", "RollingTopDown", "Swarm", "UpdateRules", "Lecture"]


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
            end = stage.points(np.array([[*long.position[m, 0, -1].astype(float),
                                          stage.zf(float(long.loss[m, 0, -1])) + stage.lift]]))[0]
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
    from optviz.experiment import Experiment

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
        spheres = [mob for mob in scene.mobjects if mob.__class__.__name__ == "Sphere"]
        # manim's last frame shows the end of the 1-s shot: the final recorded step, 30
        for m, color in enumerate(colors):
            end = stage.points(np.array([[*exp.position[m, 0, 30].astype(float),
                                          stage.zf(float(exp.loss[m, 0, 30])) + stage.lift]]))[0]
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
    from optviz.experiment import Experiment
    from optviz.render.manim_video import render_manim
    exp = None if scene == "swarm" else Experiment.load(seed_npz)
    out = render_manim(exp, tmp_path / f"{scene}.mp4", scene=scene, quality="preview", options=options, workers=2)
    frames, meta = video_frames(out)
    assert frames.shape == (expected, 480, 854, 3) and meta["fps"] == 15
    assert frames[-1].std() > 10  # not a blank frame
    assert not list(tmp_path.glob(".*"))


@pytest.mark.slow
def test_lecture_has_sections_and_subtitles(tmp_path):
    from optviz.render.manim_video import render_manim
    out = render_manim(None, tmp_path / "lecture.mp4", scene="lecture", quality="preview", options={"pace": 0.15},
                       timeout=900)
    srt = (tmp_path / "lecture.srt").read_text()
    assert "Why not always Adam?" not in srt and "Adam's scaled steps" in srt and srt.count("-->") >= 8
    sections = sorted(p.name for p in (tmp_path / "lecture_sections").glob("*.mp4"))
    assert [s.split("_", 2)[2] for s in sections] == ["1-surface.mp4", "2-update-rules.mp4", "3-race-50-steps.mp4",
                                                     "4-race-1000-steps.mp4", "5-why-not-always-adam.mp4"]
    frames, meta = video_frames(out)
    assert frames.shape[0] > 60


@pytest.mark.slow
def test_transparent_webm(seed_npz, tmp_path):
    from optviz.render.manim_video import render_manim
    out = render_manim(str(seed_npz), tmp_path / "clip.webm", scene="rolling", quality="preview",
                       transparent=True, options={"duration": 1}, workers=1)
    import av
    with av.open(str(out)) as c:
        assert c.streams.video[0].codec_context.name in ("vp9", "libvpx-vp9")
        meta = {k.lower(): v for k, v in c.streams.video[0].metadata.items()}
        assert meta.get("alpha_mode") == "1"  # VP9 keeps alpha as a side channel
