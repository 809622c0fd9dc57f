"""Issue 12: real networks, checked against independent references: a hand-written training loop, the
loss computed with the model's own forward, PCA by numpy's SVD, the definition of filter normalization,
the per-point load_state_dict loop, and exact Hessians (autograd's full Hessian, a closed form)."""
import math
import subprocess
import sys

import numpy as np
import pytest
import torch
from torch import nn
from torch.nn.utils import parameters_to_vector, vector_to_parameters

from optviz import OptvizError
from optviz.cli import main
from optviz.core.networks import get_task, landscape, train_network
from optviz.core.networks.grid import fast_path, loop_losses, plane_losses
from optviz.core.networks.planes import pca_plane, points_plane, random_plane
from optviz.core.networks.sharpness import HessianVectorProduct, top_eigenvalue, trace
from optviz.data import Experiment


@pytest.fixture(autouse=True)
def user_tasks(monkeypatch):
    monkeypatch.syspath_prepend(__import__("os").path.dirname(__file__))


@pytest.fixture(scope="module")
def digits_run():
    return train_network("digits-mlp", ["momentum:lr=0.5,momentum=0.9", "adam:lr=0.01", "sgd:lr=0.5"], 120,
                         batch_size=64, record_every=4, seed=3)


# ---- training -------------------------------------------------------------------------------------

def test_training_equals_a_hand_written_loop():
    """The post's SGD, full batch, and torch's Adam on mini-batches, against loops written here: the
    same initial weights, the same batches (an epoch-wise shuffle of a generator seeded with the seed)."""
    task = get_task("moons-mlp")
    run = train_network(task, ["sgd:lr=0.3", "Adam:lr=0.02"], 30, batch_size=None, record_every=3, seed=7)
    for m, make in enumerate([lambda ps: None, lambda ps: torch.optim.Adam(ps, lr=0.02)]):
        model = task.model(7)
        opt = make(list(model.parameters()))
        rows = [parameters_to_vector(model.parameters()).detach().numpy().copy()]
        for t in range(30):
            model.zero_grad()
            nn.functional.cross_entropy(model(task.X_train), task.y_train).backward()
            if opt is None:
                with torch.no_grad():
                    for p in model.parameters():
                        p.add_(-0.3 * p.grad)
            else:
                opt.step()
            rows.append(parameters_to_vector(model.parameters()).detach().numpy().copy())
        np.testing.assert_allclose(run.params[m], np.array(rows)[::3], rtol=1e-6, atol=1e-7)

    run = train_network(task, ["Adam:lr=0.02"], 25, batch_size=100, record_every=5, seed=2)
    model = task.model(2)
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    gen = torch.Generator().manual_seed(2)
    batches = []
    while len(batches) < 25:
        perm = torch.randperm(len(task.X_train), generator=gen)
        batches += [perm[i:i + 100] for i in range(0, len(perm) - 99, 100)]
    rows = [parameters_to_vector(model.parameters()).detach().numpy().copy()]
    for idx in batches[:25]:
        opt.zero_grad()
        nn.functional.cross_entropy(model(task.X_train[idx]), task.y_train[idx]).backward()
        opt.step()
        rows.append(parameters_to_vector(model.parameters()).detach().numpy().copy())
    np.testing.assert_allclose(run.params[0], np.array(rows)[::5], rtol=1e-6, atol=1e-7)


def test_records_hold_the_loss_and_accuracy_of_their_weights(digits_run):
    task = get_task("digits-mlp")
    model = task.model(0)
    for m, r in [(0, 0), (1, 10), (2, -1)]:
        vector_to_parameters(torch.tensor(digits_run.params[m, r]), model.parameters())
        with torch.no_grad():
            out, test = model(task.X_train), model(task.X_test)
        assert math.isclose(digits_run.train_loss[m, r], float(nn.functional.cross_entropy(out, task.y_train)),
                            rel_tol=1e-5)
        assert math.isclose(digits_run.test_acc[m, r], (test.argmax(1) == task.y_test).numpy().mean(),
                            rel_tol=1e-9)
    np.testing.assert_array_equal(digits_run.record_steps, np.arange(0, 121, 4))
    assert (digits_run.params[:, 0] == digits_run.params[0, 0]).all()   # one initial point for all


def test_schedules_drive_network_training_too():
    """sgd with a step schedule (lr halved every 5 steps) against the hand-written loop."""
    task = get_task("moons-mlp")
    run = train_network(task, ["sgd:lr=0.4@step:step_size=5,gamma=0.5"], 20, record_every=20, seed=0)
    model = task.model(0)
    for t in range(20):
        model.zero_grad()
        nn.functional.cross_entropy(model(task.X_train), task.y_train).backward()
        with torch.no_grad():
            for p in model.parameters():
                p.add_(-0.4 * 0.5 ** (t // 5) * p.grad)
    np.testing.assert_allclose(run.params[0, -1], parameters_to_vector(model.parameters()).detach().numpy(),
                               rtol=1e-6, atol=1e-7)


def test_records_that_would_not_fit_are_refused_up_front():
    with pytest.raises(OptvizError, match=r"about 5\.38 GiB \(1 optimizers x 300001 records x 4,810 weights\)"):
        train_network("digits-mlp", ["sgd:lr=0.1"], 300_000, record_every=1)


def test_training_is_deterministic_and_a_diverging_run_is_marked():
    a = train_network("digits-mlp", ["sgd:lr=0.5", "sgd:lr=100"], 40, batch_size=50, record_every=5, seed=1)
    b = train_network("digits-mlp", ["sgd:lr=0.5", "sgd:lr=100"], 40, batch_size=50, record_every=5, seed=1)
    np.testing.assert_array_equal(a.params, b.params)
    assert a.diverged_at[0] == -1 and a.diverged_at[1] > 0
    assert np.isnan(a.train_loss[1, a.diverged_at[1]:]).all() and np.isnan(a.params[1, a.diverged_at[1]:]).all()


# ---- planes ---------------------------------------------------------------------------------------

def test_pca_plane_is_numpys_svd_of_the_centred_records(digits_run):
    plane = pca_plane(digits_run, "2")
    centre = digits_run.final(1).astype(np.float64)
    rows = digits_run.params.reshape(-1, digits_run.params.shape[-1]).astype(np.float64) - centre
    _, s, vt = np.linalg.svd(rows, full_matrices=False)
    for k in range(2):
        assert abs(abs(plane.directions[k] @ vt[k]) - 1) < 1e-9
    np.testing.assert_allclose(plane.explained, (s[:2] ** 2 / (s ** 2).sum()), rtol=1e-9)
    np.testing.assert_allclose(plane.directions @ plane.directions.T, np.eye(2), atol=1e-9)
    init = plane.project(digits_run.params[0, 0])[0]
    assert (init <= 0).all()   # the paths run from negative coordinates to the centre at (0, 0)


def test_random_directions_are_filter_normalized(digits_run):
    plane = random_plane(digits_run, "1", seed=4)
    centre = digits_run.final(0).astype(np.float64)
    i = 0
    for name, shape in digits_run.meta["parameters"]:
        size = int(np.prod(shape))
        for d in plane.directions:
            part = d[i:i + size]
            if len(shape) == 1:
                assert (part == 0).all(), name        # biases are not moved
            else:
                np.testing.assert_allclose(np.linalg.norm(part.reshape(shape[0], -1), axis=1),
                                           np.linalg.norm(centre[i:i + size].reshape(shape[0], -1), axis=1), rtol=1e-9)
        i += size
    assert not np.allclose(plane.directions, random_plane(digits_run, "1", seed=5).directions)


def test_a_plane_through_three_points_holds_them(digits_run):
    plane = points_plane(digits_run, ["init", "momentum", "adam"])
    for token, where in (("init", (0.0, 0.0)), ("momentum", None), ("adam", None)):
        p = digits_run.params[0, 0] if token == "init" else digits_run.final(0 if token == "momentum" else 1)
        coords, dist = plane.project(p)
        assert dist < 1e-6 * np.linalg.norm(p)
        if where:
            np.testing.assert_allclose(coords, where, atol=1e-9)
    u = digits_run.final(0).astype(np.float64) - digits_run.params[0, 0]
    np.testing.assert_allclose(plane.project(digits_run.final(0))[0], [np.linalg.norm(u), 0], rtol=1e-6, atol=1e-6)


def test_planes_that_cannot_be_built_say_why(digits_run):
    with pytest.raises(OptvizError, match="lie on one line"):
        run = train_network("moons-mlp", ["sgd:lr=0.1", "sgd:lr=0.2"], 1, seed=0)   # one step: a line of ends
        points_plane(run, ["init", "1", "2"])
    with pytest.raises(OptvizError, match="not three different points"):
        points_plane(digits_run, ["init", "init", "adam"])
    with pytest.raises(OptvizError, match="fewer than two directions"):
        pca_plane(train_network("moons-mlp", ["sgd:lr=0.1"], 1, seed=0))
    with pytest.raises(OptvizError, match="unknown point 'rmsprop'; choose from: init, momentum, adam, sgd"):
        points_plane(digits_run, ["init", "rmsprop", "adam"])


# ---- the grid -------------------------------------------------------------------------------------

@pytest.mark.parametrize("task", ["digits-mlp", "digits-cnn", "moons-mlp", "user_task:residual"])
def test_grid_equals_the_per_point_loop(task):
    """The plane-batched evaluation (and the vmap fallback, for a model that is not a Sequential) against
    loading each point's weights into the model and running its own forward."""
    t = get_task(task)
    model = t.model(0)
    o = parameters_to_vector(model.parameters()).detach().double().numpy()
    gen = np.random.default_rng(1)
    d = gen.normal(size=(2, len(o))) * 0.3
    coords = gen.uniform(-1.5, 1.5, size=(37, 2))
    assert fast_path(model) == (task != "user_task:residual")
    for X, y in ((t.X_train, t.y_train), (t.X_test, t.y_test)):
        fast = plane_losses(model, o, d, coords, X, y, t.loss)
        slow = loop_losses(t.model(0), o, d, coords, X, y, t.loss)
        np.testing.assert_allclose(fast, slow, rtol=2e-5, atol=1e-6)


# ---- the landscape --------------------------------------------------------------------------------

def test_landscape_tells_the_truth_about_the_projection(digits_run, tmp_path):
    exp = landscape(digits_run, "pca", resolution=9, line="momentum,adam", both_grids=True)
    plane = pca_plane(digits_run)
    coords, dist = plane.project(digits_run.params)
    np.testing.assert_allclose(exp.position[:, 0], coords)
    np.testing.assert_array_equal(exp.loss[:, 0], digits_run.train_loss)   # heights: the real loss
    np.testing.assert_allclose(exp.extra["plane_distance"], dist)
    assert exp.meta["off_surface"] and exp.meta["record_every"] == 4 and exp.meta["training_steps"] == 120
    e1, e2 = plane.explained
    assert f"{100 * e1:.0f}% + {100 * e2:.0f}% of the paths' variance" in exp.meta["caption"]
    assert exp.extra["grid_z_test"].shape == (9, 9) and exp.extra["line_train_loss"].shape == (101,)
    # the surface is the loss at the grid's points
    t = get_task("digits-mlp")
    corner = plane.origin + exp.grid_x[0] * plane.directions[0] + exp.grid_y[-1] * plane.directions[1]
    assert math.isclose(exp.grid_z[-1, 0], loop_losses(t.model(0), corner, np.zeros((1, len(corner))), [[0.0]],
                                                       t.X_train, t.y_train)[0], rel_tol=1e-5)
    exp.save(tmp_path / "l.npz")
    back = Experiment.load(tmp_path / "l.npz")
    np.testing.assert_array_equal(back.extra["plane_distance"], exp.extra["plane_distance"])
    assert back.meta["caption"] == exp.meta["caption"]


def test_landscapes_render_with_every_view(digits_run, tmp_path):
    from optviz.render.animate import render
    from optviz.render.style import Style
    from optviz.render.timeline import Timeline
    exp = landscape(digits_run, "random", resolution=7, line="1,2", gradient=False)
    for view, name in (("2d", "a.gif"), ("3d", "b.png"), ("map", "c.png"), ("line", "d.png")):
        assert render(exp, tmp_path / name, view=view, style=Style(), timeline=Timeline(duration=0.5)).stat().st_size


# ---- sharpness ------------------------------------------------------------------------------------

def test_sharpness_matches_the_exact_hessian_of_a_tiny_network():
    from torch.func import functional_call
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 2)).double()
    X, y = torch.randn(20, 2, dtype=torch.float64), torch.randint(0, 2, (20,))
    w = parameters_to_vector(model.parameters()).detach()
    names = [n for n, _ in model.named_parameters()]
    shapes = [p.shape for _, p in model.named_parameters()]

    def loss(flat):
        params = {n: t.view(s) for n, t, s in zip(names, torch.split(flat, [s.numel() for s in shapes]), shapes)}
        return nn.functional.cross_entropy(functional_call(model, params, (X,)), y)
    H = torch.autograd.functional.hessian(loss, w).numpy()
    eig = np.linalg.eigvalsh(H)
    hvp = HessianVectorProduct(model, w.numpy(), X, y, dtype=torch.float64)
    v = torch.randn(len(w), dtype=torch.float64)
    np.testing.assert_allclose(hvp(v).numpy(), H @ v.numpy(), rtol=1e-10, atol=1e-12)
    top = eig[np.argmax(np.abs(eig))]
    assert math.isclose(top_eigenvalue(hvp, iterations=2000, tol=1e-12), top, rel_tol=1e-6)
    estimate, stderr = trace(hvp, samples=4000)
    assert abs(estimate - np.trace(H)) < 4 * stderr and stderr < 0.1 * abs(np.trace(H))


def test_sharpness_of_least_squares_is_its_closed_form():
    """Mean squared error of a linear model: the Hessian is 2/n A^T A with A = [X 1], exactly."""
    torch.manual_seed(1)
    X, y = torch.randn(50, 3, dtype=torch.float64), torch.randn(50, 1, dtype=torch.float64)
    model = nn.Sequential(nn.Linear(3, 1)).double()
    A = np.column_stack([X.numpy(), np.ones(50)])
    H = 2 / 50 * A.T @ A
    hvp = HessianVectorProduct(model, parameters_to_vector(model.parameters()).detach().numpy(), X, y, "mse",
                               dtype=torch.float64)
    assert math.isclose(top_eigenvalue(hvp, iterations=2000, tol=1e-13), np.linalg.eigvalsh(H).max(), rel_tol=1e-9)
    # Rademacher probes of a diagonal-dominant H: the estimate is near tr H = 2/n * |A|_F^2
    estimate, stderr = trace(hvp, samples=3000)
    assert abs(estimate - np.trace(H)) < 4 * stderr


# ---- bad input ------------------------------------------------------------------------------------

@pytest.mark.parametrize("argv,message", [
    (["--task", "mnist"], "unknown task 'mnist'; choose from: digits-cnn, digits-mlp, moons-mlp"),
    (["--task", "user_task:wrong_output"], r"the model's output \[4, 1\] does not fit labels of 2 classes"),
    (["--task", "user_task:wrong_input"], r"the model does not take the inputs of shape \[3\]"),
    (["--task", "user_task:nothing"], "cannot import task 'user_task:nothing'"),
    (["--task", "moons-mlp", "--plane", "points:init,1,1"], "not three different points"),
    (["--task", "moons-mlp", "--plane", "cube"], "unknown plane 'cube'"),
    (["--task", "moons-mlp", "--noise", "0.1"], "noise does not apply to a network task"),
    (["--plane", "pca"], "plane applies to a network task"),
    (["--task", "moons-mlp", "--batch-size", "5000"], "batch_size must be a whole number from 1 to 450"),
    (["--task", "moons-mlp", "--loss", "val"], "unknown loss 'val'"),
])
def test_bad_network_input_is_one_line(tmp_path, monkeypatch, capsys, argv, message):
    monkeypatch.chdir(tmp_path)
    assert main(["trajectory", "--steps", "5", *argv, "-o", "x.npz"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and __import__("re").search(message, err), err
    assert list(tmp_path.iterdir()) == []


def test_a_users_task_by_import_path_trains_and_draws(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["render", "--task", "user_task:blobs", "--optimizer", "sgd:lr=0.2", "--optimizer", "adam:lr=0.05",
                 "--steps", "40", "--resolution", "9", "--view", "map", "-o", "blobs.png"]) == 0
    assert (tmp_path / "blobs.png").stat().st_size > 0


# ---- the generalization study ----------------------------------------------------------------------

def test_generalization_study_tunes_then_measures_every_seed(tmp_path, capsys):
    from scipy import stats

    from optviz.core.networks.sharpness import sharpness
    from optviz.studies.generalization import run_generalization
    result, first = run_generalization("moons-mlp", ["sgd", "adam:lr=0.02"], seeds=3, steps=60, batch_size=50,
                                       budget=3, lr_range=(0.01, 1.0))
    tuning = result.meta["tuning"]
    assert [t["optimizer"] for t in tuning] == ["sgd"]   # adam's lr was given
    lrs = [0.01, 0.1, 1.0]
    finals = np.mean([train_network("moons-mlp", [f"sgd:lr={lr}" for lr in lrs], 60, batch_size=50, record_every=60,
                                    seed=s).train_loss[:, -1] for s in range(3)], axis=0)
    assert tuning[0]["chosen"] == lrs[int(np.argmin(finals))]
    chosen = tuning[0]["chosen"]
    assert result.labels == [f"SGD lr={chosen:g}", "Adam lr=0.02"]
    task = get_task("moons-mlp")
    for s in range(3):
        run = train_network(task, [f"sgd:lr={chosen}", "adam:lr=0.02"], 60, batch_size=50, record_every=1, seed=s)
        sharp = sharpness(task.model(s), run.final(1), task.X_train, task.y_train, seed=s)
        # the common footing: the seed's highest final train loss, and where Adam first got down to it
        common = max(run.train_loss[:, -1])
        r = next(i for i, v in enumerate(run.train_loss[1]) if v <= common)
        there = sharpness(task.model(s), run.params[1, r], task.X_train, task.y_train, seed=s)
        np.testing.assert_allclose(result.values[s, 1], [run.train_loss[1, -1], run.test_loss[1, -1],
                                                          run.test_acc[1, -1], common, sharp["top_eigenvalue"],
                                                          sharp["trace"], there["top_eigenvalue"],
                                                          there["trace"]], rtol=1e-6)
        if s == 0:   # the spectrum's largest node is the power iteration's eigenvalue (both estimates)
            assert result.spectrum.nodes[1].max() == pytest.approx(sharp["top_eigenvalue"], rel=1e-3)
            assert result.spectrum.power[1][np.isfinite(result.spectrum.power[1])][-1] == pytest.approx(
                sharp["top_eigenvalue"], rel=1e-6)
    mean, lo, hi = result.summary(0.9)
    ref = stats.t.interval(0.9, 2, loc=result.values[:, 0, 1].mean(), scale=stats.sem(result.values[:, 0, 1]))
    np.testing.assert_allclose([lo[0, 1], hi[0, 1]], ref, rtol=1e-10)


def test_generalization_command_writes_its_table_csv_chart_and_landscape(tmp_path, capsys):
    prefix = tmp_path / "gen"
    assert main(["experiment", "generalization", "--task", "moons-mlp", "--seeds", "2", "--steps", "40",
                 "--budget", "2", "--resolution", "7", "--fps", "4", "-o", str(prefix)]) == 0
    out = capsys.readouterr().out
    assert "test_acc" in out and "SAM (momentum)" in out
    rows = (tmp_path / "gen.csv").read_text().splitlines()
    assert rows[0].startswith("optimizer,metric,mean,ci_low,ci_high") and len(rows) == 1 + 3 * 8
    for name in ("gen.png", "gen-landscape.png", "gen-landscape.gif", "gen-spectrum.png"):
        assert (tmp_path / name).stat().st_size > 0


# ---- the batch-size study (issue 25) -----------------------------------------------------------------

def test_batch_size_study_tunes_each_size_and_measures_its_seeds():
    from optviz.core.networks.sharpness import sharpness
    from optviz.studies.batch_size import run_batch_size
    result = run_batch_size("moons-mlp", "momentum:momentum=0.9", [8, 150], seeds=2, steps=40, budget=2,
                            lr_range=(0.01, 1.0))
    assert result.meta["batch_sizes"] == [8, 150] and result.values.shape == (2, 2, 5)
    assert "common_loss" not in result.metrics
    task = get_task("moons-mlp")
    for b, size in enumerate((8, 150)):
        lrs = [0.01, 1.0]
        finals = np.mean([train_network(task, [f"momentum:momentum=0.9,lr={lr}" for lr in lrs], 40, batch_size=size,
                                        record_every=40, seed=s).train_loss[:, -1] for s in range(2)], axis=0)
        chosen = lrs[int(np.argmin(finals))]
        assert result.meta["tuning"][b]["chosen"] == chosen
        run = train_network(task, f"momentum:momentum=0.9,lr={chosen}", 40, batch_size=size, record_every=1, seed=1)
        sharp = sharpness(task.model(1), run.final(0), task.X_train, task.y_train, seed=1)
        k = {name: i for i, name in enumerate(result.metrics)}
        np.testing.assert_allclose(result.values[1, b, [k["test_acc"], k["top_eigenvalue"]]],
                                   [run.test_acc[0, -1], sharp["top_eigenvalue"]], rtol=1e-6)


@pytest.mark.parametrize("sizes, message", [
    ("8,900", "batch size 900 is larger than the 450 training points of moons-mlp; choose sizes from 1 to 450"),
    ("8,x", "bad batch sizes '8,x'; write whole numbers, e.g. 16,64,256,1024"),
    ("8,8", "batch sizes must be different whole numbers >= 1, got '8,8'"),
])
def test_batch_size_study_bad_sizes_are_one_line_and_write_nothing(tmp_path, sizes, message):
    done = subprocess.run([sys.executable, "-m", "optviz", "experiment", "batch-size", "--task", "moons-mlp",
                           "--batch-sizes", sizes, "-o", str(tmp_path / "bs")], capture_output=True, text=True)
    assert done.returncode == 2 and done.stderr.strip() == f"optviz: error: {message}"
    assert list(tmp_path.iterdir()) == []


def test_batch_size_command_writes_its_table_csv_and_chart(tmp_path, capsys):
    assert main(["experiment", "batch-size", "--task", "moons-mlp", "--batch-sizes", "16,64", "--seeds", "2",
                 "--steps", "30", "--budget", "2", "-o", str(tmp_path / "bs")]) == 0
    assert "batch 16: Momentum" in capsys.readouterr().out
    rows = (tmp_path / "bs.csv").read_text().splitlines()
    assert len(rows) == 1 + 2 * 5
    from matplotlib.image import imread
    assert imread(tmp_path / "bs.png").shape[:2] == (600, 800)


@pytest.mark.parametrize("plane, message", [
    ("points:init,sgd,rmsprp", "unknown point 'rmsprp'; choose from: init, sgd, adam, 1, 2"),
    ("flat", "unknown plane 'flat'; choose from: pca[:CENTRE], random[:CENTRE], points:A,B,C"),
])
def test_generalization_bad_plane_is_one_line_and_writes_nothing(tmp_path, plane, message):
    done = subprocess.run([sys.executable, "-m", "optviz", "experiment", "generalization", "--task",
                           "wilson-linear:n=20,test=50", "--optimizer", "sgd:lr=0.1", "--optimizer", "adam:lr=0.01",
                           "--seeds", "1", "--steps", "10", "--batch-size", "10", "--plane", plane,
                           "-o", str(tmp_path / "g")], capture_output=True, text=True)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1 and lines[0].startswith(f"optviz: error: {message}"), done.stderr
    assert list(tmp_path.iterdir()) == []
