"""wilson-linear: the least-squares problem on which adaptive methods generalize worse (Wilson et al.
2017, "The Marginal Value of Adaptive Gradient Methods in Machine Learning", section 3.3).

n training points, each labelled y = +1 with probability p (> 1/2), else -1. Features 1..3 of every
point are (y, 1, 1); training point i also has a block of 5 features of its own: its first feature
is 1, and all 5 are 1 when y = -1. The model is linear without a bias, starting from zero; the loss
is the mean squared error against y, and a point's class is the sign of its output. With d = 6n
features there are many more weights than points, so every method that converges reaches zero
training loss, at different solutions:

  gradient descent  stays in the span of the training points: the minimum-norm solution X^+ y, which
                    classifies every unseen point by its first feature (test error 0)
  AdaGrad, RMSprop, Adam  (from zero, full batch) move along sign(X^T y) at every step, since
                    X sign(X^T y) = 4y: a solution proportional to sign(X^T y) that calls every
                    unseen point positive (test error: the share of negatives, about 1 - p)

An unseen point has a block of its own too, in features no training point touches: their gradient
is always zero, so every method starting from zero leaves their weights at zero, and the test
inputs carry them as zeros (the first three features decide). Each run seed draws its own labels
(train and test); the draw for seed s is `wilson_data(n, p, test, s)`.
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ...errors import OptvizError
from .tasks import Task, register_task

BLOCK = 5


def wilson_data(n: int = 100, p: float = 0.6, test: int = 1000, seed: int = 0):
    """(X [n, 6n], y [n], X_test [test, 6n], y_test [test]) in float64, labels +-1, as the paper builds them."""
    rng = np.random.default_rng([20170523, int(seed)])   # the paper's arXiv date: its own stream per seed
    y = np.where(rng.random(n) < p, 1.0, -1.0)
    y_test = np.where(rng.random(test) < p, 1.0, -1.0)
    d = 6 * n
    X = np.zeros((n, d))
    X[:, 0], X[:, 1:3] = y, 1.0
    for i in range(n):
        start = 3 + BLOCK * i
        X[i, start:start + (1 if y[i] > 0 else BLOCK)] = 1.0
    X_test = np.zeros((test, d))
    X_test[:, 0], X_test[:, 1:3] = y_test, 1.0
    return X, y, X_test, y_test


def _linear(d: int) -> nn.Module:
    model = nn.Linear(d, 1, bias=False)
    nn.init.zeros_(model.weight)   # the construction starts from zero (and keeps unseen blocks there)
    return model


@register_task("wilson-linear")
def wilson_linear(n: int = 100, p: float = 0.6, test: int = 1000) -> Task:
    """Wilson et al. 2017's least squares (n points, 6n features, labels +1 with probability p), a linear
    model from zero: gradient descent generalizes, adaptive methods call every unseen point positive."""
    if not (isinstance(n, int) and n >= 3):
        raise OptvizError(f"wilson-linear needs n, the training points, a whole number >= 3, got {n!r}")
    if not (isinstance(p, (int, float)) and 0.5 < p < 1):
        raise OptvizError(f"wilson-linear needs p, the chance of a positive label, between 0.5 and 1, got {p!r}")
    if not (isinstance(test, int) and test >= 1):
        raise OptvizError(f"wilson-linear needs test, the unseen points, a whole number >= 1, got {test!r}")
    return _drawn(n, p, test, 0)


def _drawn(n: int, p: float, test: int, seed: int) -> Task:
    X, y, Xt, yt = (torch.tensor(a, dtype=torch.float32) for a in wilson_data(n, p, test, seed))
    name = f"wilson-linear:n={n},p={p:g},test={test}"
    task = Task(name, f"Wilson et al.'s least squares (n = {n}, p = {p:g})", lambda: _linear(6 * n),
                X, y[:, None], Xt, yt[:, None], loss="mse", signs=True,
                description=(f"Wilson et al. 2017, section 3.3: {n} points, {6 * n} features, labels +1 with "
                             f"probability {p:g}; a linear model from zero, mean squared error, class = sign"))
    task.draw = lambda s: _drawn(n, p, test, s) if s != seed else task
    return task
