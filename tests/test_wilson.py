"""Issue 25: the wilson-linear task against closed forms (Wilson et al. 2017, section 3.3), in float64.

Gradient descent from zero ends at the minimum-norm solution X^+ y (numpy's pseudo-inverse); AdaGrad,
RMSprop and Adam from zero move along sign(X^T y) at every step, on the features training points
touch; the first classifies unseen points by their label, the others call them all positive."""
import numpy as np
import pytest
import torch

from optviz.core.networks import get_task, train_network
from optviz.core.networks.wilson import wilson_data
from optviz.core.optimizers import resolve_optimizers
from optviz.core.optimizers.spec import build
from optviz.errors import OptvizError

N, P = 30, 0.6


def descend(spec: str, X, y, steps: int) -> list[np.ndarray]:
    """Full-batch training of w (from zero) on mean squared error with an optviz optimizer, in float64;
    the weights after every step."""
    w = torch.zeros(X.shape[1], dtype=torch.float64, requires_grad=True)
    Xt, yt = torch.tensor(X), torch.tensor(y)
    opt = build(resolve_optimizers(spec)[0], [w])
    path = []
    for _ in range(steps):
        opt.zero_grad()
        torch.mean((Xt @ w - yt) ** 2).backward()
        opt.step()
        path.append(w.detach().numpy().copy())
    return path


def test_the_data_are_the_papers_construction():
    X, y, Xt, yt = wilson_data(N, P, 500, seed=3)
    assert X.shape == (N, 6 * N) and Xt.shape == (500, 6 * N)
    assert np.array_equal(X[:, 0], y) and (X[:, 1:3] == 1).all()
    blocks = X[:, 3:3 + 5 * N].reshape(N, N, 5)   # point i, block j, feature k
    for i in range(N):
        own = blocks[i, i]
        assert own[0] == 1 and own.sum() == (1 if y[i] > 0 else 5)
        assert blocks[i].sum() == own.sum()   # no other point's block
    assert (X[:, 3 + 5 * N:] == 0).all() and (Xt[:, 3:] == 0).all()
    assert abs((yt > 0).mean() - P) < 0.06   # 500 draws: 2.6 standard deviations


def test_gradient_descent_ends_at_the_minimum_norm_solution_within_1e_9():
    X, y, Xt, yt = wilson_data(N, P, 500, seed=1)
    w_star = np.linalg.pinv(X) @ y
    w = descend("sgd:lr=0.3", X, y, 3000)[-1]
    assert np.abs(X @ w - y).max() < 1e-9
    assert np.abs(w - w_star).max() < 1e-9
    assert (np.sign(Xt @ w_star) == yt).all()   # the minimum-norm solution classifies every unseen point


# the lemma is for eps = 0: eps adds eps/sqrt(v) to each coordinate's step (1.4e-6 for RMSprop's
# default 1e-8 here), so the direction is checked with a negligible eps; the defaults are the next test's
@pytest.mark.parametrize("spec", ["adagrad:lr=0.1,eps=1e-15", "rmsprop:lr=0.001,eps=1e-15", "adam:lr=0.01,eps=1e-15"])
def test_adaptive_methods_move_along_sign_of_Xty_within_1e_9(spec):
    X, y, Xt, yt = wilson_data(N, P, 500, seed=1)
    direction = np.sign(X.T @ y)
    touched = np.abs(X).sum(0) > 0
    assert np.array_equal(X @ direction, 4 * y)   # the paper's condition, which makes the lemma hold
    path = descend(spec, X, y, 1500)
    for w in path[::50] + path[-1:]:
        scale = w[0]
        assert scale > 0
        assert np.abs(w[touched] / scale - direction[touched]).max() < 1e-9
        assert (w[~touched] == 0).all()
    w = path[-1]
    assert np.abs(X @ w - y).max() < 1e-3                      # it fits the training set, too
    assert (Xt @ w > 0).all()                                   # and calls every unseen point positive
    assert (np.sign(Xt @ w) == yt).mean() == pytest.approx((yt > 0).mean())


def test_train_network_on_the_task_shows_the_gap_and_draws_anew_per_seed():
    task = get_task(f"wilson-linear:n={N},p={P},test=400")
    run = train_network(task, ["sgd:lr=0.3", "adagrad:lr=0.1"], 1500, record_every=1500, seed=2)
    X, y, Xt, yt = wilson_data(N, P, 400, seed=2)
    assert np.abs(run.final(0) - np.linalg.pinv(X) @ y).max() < 1e-4   # float32 here
    assert run.test_acc[0, -1] == 1.0
    assert run.test_acc[1, -1] == pytest.approx((yt > 0).mean())
    assert np.array_equal(task.at(2).y_test.numpy().ravel(), yt.astype(np.float32))
    assert not np.array_equal(task.at(0).y_train.numpy(), task.at(2).y_train.numpy())


@pytest.mark.parametrize("name, message", [
    ("wilson-linear:q=3", "bad option 'q=3' for task 'wilson-linear'; it takes: n, p, test"),
    ("wilson-linear:n=2", "n, the training points, a whole number >= 3, got 2"),
    ("wilson-linear:p=0.4", "p, the chance of a positive label, between 0.5 and 1, got 0.4"),
    ("wilson-linear:test=0", "test, the unseen points, a whole number >= 1, got 0"),
])
def test_bad_options_name_the_value_and_the_choices(name, message):
    with pytest.raises(OptvizError, match=message.replace("(", r"\(").replace(")", r"\)")):
        get_task(name)
