"""The trajectory engine: batching, recorded state, convergence, divergence, noise, determinism."""
import warnings

import numpy as np
import pytest
import torch

from optviz import OptvizError, simulate
from optviz.core.optimizers import OPTIMIZERS

CONVERGE = {"sgd": "lr=0.05", "momentum": "lr=0.05", "adam": "lr=0.05", "torch-momentum": "lr=0.01",
            "nesterov": "lr=0.01", "torch-adam": "lr=0.05", "adamw": "lr=0.05", "rmsprop": "lr=0.01",
            "adagrad": "lr=1", "adadelta": "lr=2", "adamax": "lr=0.1", "nadam": "lr=0.05", "radam": "lr=0.05",
            "lbfgs": "lr=1", "sam": "base=sgd,lr=0.05,rho=0.01"}
STARTS = [[-4.5, 1.5], [3.0, -1.0], [0.5, 1.8], [-2.0, -0.3]]


def test_every_registered_optimizer_is_covered():
    assert set(CONVERGE) == set(OPTIMIZERS)


@pytest.mark.parametrize("name", sorted(CONVERGE))
def test_each_optimizer_converges_on_a_convex_quadratic(name):
    exp = simulate("ravine", [f"{name}:{CONVERGE[name]}"], STARTS, 1500, dtype="float64")
    first, last = exp.loss[0, :, 0], exp.loss[0, :, -1]
    assert (exp.diverged_at == -1).all()
    if name in ("adadelta", "rmsprop", "sam"):
        # Their normalised steps (g / sqrt(running g^2), with no averaging of g itself) do not shrink
        # to zero at the minimum: they settle into a small cycle around it instead of converging exactly.
        # SAM's ascent step has length rho whatever the gradient, so it cycles at distance ~rho.
        assert (exp.loss[0].min(axis=1) < 1e-3 * first).all() and (last < 1e-2 * first).all()
    else:
        assert (last < 1e-6 * first).all(), last


@pytest.mark.parametrize("name", sorted(n for n, o in OPTIMIZERS.items() if o.coordinatewise))
def test_batched_runs_equal_per_start_runs(name):
    spec = f"{name}:{CONVERGE[name]}"
    batched = simulate("himmelblau", [spec], STARTS, 200, dtype="float64")
    for n, start in enumerate(STARTS):
        single = simulate("himmelblau", [spec], [start], 200, dtype="float64")
        np.testing.assert_allclose(batched.position[0, n], single.position[0, 0], rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(batched.grad[0, n], single.grad[0, 0], rtol=1e-12, atol=1e-12)


def test_lbfgs_runs_each_start_alone_and_matches_torch():
    exp = simulate("rosenbrock", ["lbfgs:lr=0.5,history_size=5"], [[-1.5, 2.5], [0.0, 0.0]], 30, dtype="float64")
    for n, start in enumerate([[-1.5, 2.5], [0.0, 0.0]]):
        w = torch.nn.Parameter(torch.tensor(start, dtype=torch.float64))
        opt = torch.optim.LBFGS([w], lr=0.5, max_iter=1, history_size=5)
        f = lambda: (1 - w[0]) ** 2 + 100 * (w[1] - w[0] ** 2) ** 2

        def closure():
            opt.zero_grad()
            loss = f()
            loss.backward()
            return loss
        for t in range(30):
            np.testing.assert_allclose(exp.position[0, n, t], w.detach().numpy(), rtol=1e-12, atol=1e-12)
            opt.step(closure)


def test_recorded_state_follows_the_update_rules():
    exp = simulate("rosenbrock", ["momentum:lr=0.001,momentum=0.8", "torch-momentum:lr=0.001,momentum=0.8",
                                  "adam:lr=0.01"], [[-1.5, 2.5]], 60, dtype="float64")
    g = exp.grad
    v = exp.state["velocity"]
    for t in range(1, 61):  # row t holds the state after update t, made from the gradient at row t-1
        np.testing.assert_allclose(v[0, 0, t], 0.8 * v[0, 0, t - 1] + 0.2 * g[0, 0, t - 1], rtol=1e-12)
        expected = g[1, 0, 0] if t == 1 else 0.8 * v[1, 0, t - 1] + g[1, 0, t - 1]
        np.testing.assert_allclose(v[1, 0, t], expected, rtol=1e-12)
        np.testing.assert_allclose(exp.state["exp_avg"][2, 0, t],
                                   0.9 * exp.state["exp_avg"][2, 0, t - 1] + 0.1 * g[2, 0, t - 1], rtol=1e-12)
    assert np.isnan(exp.state["velocity"][2]).all() and np.isnan(exp.state["exp_avg"][:2]).all()
    # step is a difference of two rounded positions near 1: exact to about 1e-16 absolute
    np.testing.assert_allclose(exp.step[0, 0, 1:], -0.001 * v[0, 0, 1:], rtol=1e-12, atol=1e-15)
    hats = exp.bias_corrected(2)
    np.testing.assert_allclose(hats["m_hat"][0, 1], g[2, 0, 0], rtol=1e-12)  # first m_hat is g1 exactly


def test_divergence_is_marked_and_later_rows_are_nan():
    # on the ravine (Hessian diag(1, 20)) gradient descent diverges for lr > 2/20
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        exp = simulate("ravine", ["sgd:lr=0.2", "sgd:lr=0.05"], [[-4.5, 1.5], [1.0, 0.0]], 400)
    first = exp.diverged_at[0, 0]
    assert first > 0 and exp.diverged_at[1].tolist() == [-1, -1]
    assert exp.diverged_at[0, 1] == -1  # y = 0 exactly: the unstable axis is never excited
    assert np.isfinite(exp.position[0, 0, :first]).all()
    assert np.isnan(exp.position[0, 0, first:]).all() and np.isnan(exp.loss[0, 0, first:]).all()
    # |y| grows by |1 - 0.2*20| = 3 per step; it is marked when it leaves the bound
    assert abs(exp.position[0, 0, first - 1, 1]) <= exp.meta["bound"] < abs(1.5 * 3.0 ** first)


def test_non_finite_values_mark_divergence():
    exp = simulate("log(x) + y**2", ["sgd:lr=1"], [[0.5, 1.0]], 10)
    assert exp.diverged_at[0, 0] >= 1


def test_noise_is_seeded_gaussian_on_the_gradient():
    clean = simulate("ravine", ["sgd:lr=0.01"], [[1.0, 1.0]] * 2000, 1, dtype="float64")
    noisy = simulate("ravine", ["sgd:lr=0.01"], [[1.0, 1.0]] * 2000, 1, dtype="float64", noise=0.5, seed=3)
    diff = noisy.grad[0, :, 0] - clean.grad[0, :, 0]
    assert abs(diff.mean()) < 0.05 and abs(diff.std() - 0.5) < 0.03
    again = simulate("ravine", ["sgd:lr=0.01"], [[1.0, 1.0]] * 2000, 1, dtype="float64", noise=0.5, seed=3)
    other = simulate("ravine", ["sgd:lr=0.01"], [[1.0, 1.0]] * 2000, 1, dtype="float64", noise=0.5, seed=4)
    np.testing.assert_array_equal(noisy.position, again.position)
    assert not np.array_equal(noisy.position, other.position)


def test_same_spec_same_arrays():
    specs = ["sgd:lr=10", "momentum:lr=10,momentum=0.9", "adam:lr=1", "lbfgs:lr=0.1"]
    a = simulate("pathological", specs, 16, 80, seed=5)
    b = simulate("pathological", specs, 16, 80, seed=5)
    for key in ("position", "loss", "grad", "diverged_at", "starts", "grid_z"):
        np.testing.assert_array_equal(getattr(a, key), getattr(b, key))
    assert a.meta == b.meta


def test_the_same_optimizer_twice_gets_distinct_labels():
    exp = simulate("ravine", ["adam:lr=0.1", "adam:lr=0.01", "adam:lr=0.1"], None, 5)
    assert exp.labels == ["Adam lr=0.1", "Adam lr=0.01", "Adam lr=0.1 #2"]
    assert exp.meta["optimizers"][1]["hyperparameters"]["lr"] == 0.01
    mapping = simulate("ravine", {"adam": {"lr": 0.1}, "adam#slow": {"lr": 0.01}}, None, 5)
    assert mapping.names == ["adam", "adam"]


def test_user_optimizer_by_import_path():
    exp = simulate("ravine", ["user_optim:SignSGD:lr=0.1"], [[-4.5, 1.5], [3.0, -1.0]], 20, dtype="float64")
    np.testing.assert_allclose(exp.step[0, 0, 1], [0.1, -0.1])  # -lr * sign(g)
    with pytest.raises(OptvizError, match="cannot import optimizer 'nowhere.mod:Opt'"):
        simulate("ravine", ["nowhere.mod:Opt"], None, 5)


def test_state_that_appears_late_is_nan_before():
    exp = simulate("ravine", ["user_optim:LateMomentum:lr=0.01"], [[1.0, 1.0]], 6, dtype="float64")
    v = exp.state["velocity"][0, 0]
    assert np.isnan(v[:3]).all() and np.isfinite(v[3:]).all()
    np.testing.assert_allclose(v[3], exp.grad[0, 0, 2])  # first buffer: 0.5 * 0 + g at update 3


def test_starts_and_grid():
    exp = simulate("himmelblau", "adam:lr=0.1", 7, 3, seed=2)
    assert exp.starts.shape == (7, 2)
    (x0, x1), (y0, y1) = exp.box
    assert exp.grid_z.shape == (len(exp.grid_y), len(exp.grid_x))
    assert exp.grid_x[0] == x0 and exp.grid_x[-1] == x1
    z = (exp.grid_x[None, :] ** 2 + exp.grid_y[:, None] - 11) ** 2 + (exp.grid_x[None, :] + exp.grid_y[:, None] ** 2 - 7) ** 2
    np.testing.assert_allclose(exp.grid_z, z, rtol=1e-12)


@pytest.mark.parametrize("kwargs,match", [
    (dict(starts=[[1, 2, 3]]), r"starts must have shape \[N, 2\]"),
    (dict(starts=0), "number of starts must be >= 1"),
    (dict(steps=-1), "steps must be a whole number"),
    (dict(dtype="float16"), "unknown dtype 'float16'; choose from: float32, float64"),
    (dict(noise=-1.0), "noise must be a finite number >= 0"),
    (dict(optimizers="adma"), "unknown optimizer 'adma'; choose from: .*adam"),
    (dict(optimizers="adam:lr=-1"), "Invalid learning rate: -1"),
    (dict(optimizers="adam:lrr=1"), "unknown hyperparameter 'lrr' for optimizer 'adam'; choose from: beta1"),
    (dict(starts=100_000, steps=100_000), r"about .* GiB .* over the limit of 4.00 GiB"),
])
def test_bad_arguments_raise_clear_errors(kwargs, match):
    args = {"surface": "ravine", "optimizers": "adam", "starts": None, "steps": 5, **kwargs}
    with pytest.raises(OptvizError, match=match):
        simulate(args.pop("surface"), args.pop("optimizers"), args.pop("starts"), args.pop("steps"), **args)
