"""Issue 6 (part): GIF size budgets are met and every ball still shows; MP4 beside the GIF."""
import numpy as np
import pytest
from PIL import Image

from optviz import OptvizError, simulate
from optviz.cli import main
from optviz.render.animate import make_scene, render
from optviz.render.budget import fit_gif, parse_size
from optviz.render.style import Style
from optviz.render.timeline import Timeline


@pytest.fixture(scope="module")
def seed_run():
    return simulate("pathological", ["sgd:lr=10", "momentum:lr=10,momentum=0.9", "adam:lr=1"], [(7, 7)], 50)


@pytest.mark.parametrize("budget", ["600kB", "200kB", "90kB"])
def test_each_budget_is_met_and_every_ball_still_shows(seed_run, tmp_path, budget):
    path = tmp_path / "b.gif"
    style, timeline = Style(), Timeline(fps=20, hold=1.0)
    fit = fit_gif(path, lambda st, tl: make_scene(seed_run, "2d", st, tl), style, timeline, parse_size(budget))
    assert path.stat().st_size == fit.size <= parse_size(budget)
    im = Image.open(path)
    assert im.size == (int(800 * fit.scale) // 2 * 2, int(600 * fit.scale) // 2 * 2)
    im.seek(im.n_frames - 1)
    last = np.asarray(im.convert("RGB")).astype(int)
    # where each ball must be, from a scene built with the chosen settings
    scene = make_scene(seed_run, "2d", Style(width=int(800 * fit.scale), height=int(600 * fit.scale)), timeline)
    h = last.shape[0]
    for m in range(3):
        x, y = scene.ax.transData.transform(seed_run.position[m, 0, -1].astype(float))
        r, c = h - int(round(y)), int(round(x))
        patch = last[max(r - 3, 0):r + 4, max(c - 3, 0):c + 4].reshape(-1, 3)
        colour = np.array([int(scene.colors[m][i:i + 2], 16) for i in (1, 3, 5)])
        assert np.abs(patch - colour).sum(1).min() < 90, (budget, m)


def test_budgets_are_tried_smallest_change_first(seed_run, tmp_path):
    """A generous budget keeps the original, its scene built once (it gives the frame count too); a tight
    one lowers fps before colours before scale."""
    built = []

    def make(st, tl):
        built.append((st, tl))
        return make_scene(seed_run, "2d", st, tl)
    roomy = fit_gif(tmp_path / "a.gif", make, Style(), Timeline(fps=20), parse_size("5MB"))
    assert (roomy.fps, roomy.colors, roomy.scale, roomy.attempts) == (20, 255, 1.0, 1) and len(built) == 1
    whole = tmp_path / "whole.gif"
    render(seed_run, whole, view="2d", timeline=Timeline(fps=20))
    assert (tmp_path / "a.gif").read_bytes() == whole.read_bytes()   # the same GIF as without a budget
    tight = fit_gif(tmp_path / "b.gif", make, Style(), Timeline(fps=20), parse_size("90kB"))
    assert tight.fps < 20 and tight.attempts > 1


def test_cli_writes_the_mp4_beside_and_refuses_bad_sizes(tmp_path, capsys):
    out = tmp_path / "run.gif"
    assert main(["render", "--steps", "30", "--optimizer", "adam:lr=1", "--max-size", "150kB", "--mp4",
                 "-o", str(out)]) == 0
    assert out.stat().st_size <= 150_000 and (tmp_path / "run.mp4").stat().st_size > 0
    assert "fits 0.15 MB at" in capsys.readouterr().err
    assert main(["render", "--steps", "5", "--max-size", "2 parsecs", "-o", str(tmp_path / "x.gif")]) == 2
    assert "bad size '2 parsecs'" in capsys.readouterr().err and not (tmp_path / "x.gif").exists()
    with pytest.raises(OptvizError, match="under 10 kB"):
        parse_size("5kB")


# ---- fair races -------------------------------------------------------------------------------------------

def test_tuned_sgd_lr_is_the_closed_form_best_on_a_quadratic():
    """On the ravine (curvatures 1 and 20) GD contracts by max|1 - lr*lam| per step, smallest at
    lr = 2/21; below it the contraction is 1 - lr. So the best grid lr is the largest one below 2/21."""
    import numpy as np

    from optviz.studies.race import candidates, tune
    (spec, score, n), = \
        tune("ravine", ["sgd"], steps=300, budget=40)
    grid = [c["lr"] for c in candidates("sgd", 40, "grid", np.random.default_rng(0))]
    assert n == 40
    assert spec.hyperparameters["lr"] == max(lr for lr in grid if lr < 2 / 21)


def test_random_search_is_seeded_and_scores_by_steps_to_a_loss():
    from optviz.studies.race import tune
    a = tune("ravine", ["momentum", "adam"], steps=100, budget=12, search="random", score="steps-to:1e-3", seed=4)
    b = tune("ravine", ["momentum", "adam"], steps=100, budget=12, search="random", score="steps-to:1e-3", seed=4)
    assert [s.hyperparameters for s, _, _ in a] == [s.hyperparameters for s, _, _ in b]
    assert set(a[0][0].hyperparameters) == {"lr", "momentum"} and set(a[1][0].hyperparameters) == {"lr", "beta1"}
    reached = 0
    for spec, steps_needed, _ in a:   # the winner reaches the loss in that many steps (101: never)
        hit = simulate("ravine", [spec], None, 100).loss[0, 0] <= 1e-3
        assert (int(np.argmax(hit)) if hit.any() else 101) == steps_needed
        reached += hit.any()
    assert reached >= 1


def test_race_modes_state_their_settings(tmp_path, capsys):
    assert main(["experiment", "race", "--surface", "ravine", "--mode", "shared", "--lr", "0.05", "--steps", "20",
                 "--duration", "1", "-o", str(tmp_path / "r.gif")]) == 0
    assert main(["experiment", "race", "--surface", "ravine", "--budget", "6", "--steps", "20", "--duration", "1",
                 "-o", str(tmp_path / "t.gif")]) == 0
    assert "best of 6 (grid, final-loss)" in capsys.readouterr().out
    assert main(["experiment", "race", "--mode", "fastest", "-o", str(tmp_path / "x.gif")]) == 2
    assert "unknown mode 'fastest'; choose from: shared, tuned" in capsys.readouterr().err


def test_a_scene_already_built_is_drawn_not_built_again(seed_run, tmp_path, monkeypatch):
    """The article hands render the 3-D scene its camera was chosen with: drawn, with or without a
    budget, never built again."""
    import optviz.render.animate as animate
    style, timeline = Style(), Timeline(fps=20)
    scene = make_scene(seed_run, "2d", style, timeline)
    monkeypatch.setattr(animate, "make_scene", lambda *a: pytest.fail("the scene was built again"))
    render(seed_run, tmp_path / "a.gif", view="2d", style=style, timeline=timeline, max_size="5MB", scene=scene)
    render(seed_run, tmp_path / "b.gif", view="2d", style=style, timeline=timeline, scene=scene)
    assert (tmp_path / "a.gif").read_bytes() == (tmp_path / "b.gif").read_bytes()
