"""Data surfaces: the loss of a two-parameter model on a small fixed dataset, so mini-batch noise is real.

The full-data loss is the surface that is drawn; a run with `batch_size=B` steps on the gradient of the
loss over B points drawn with replacement (per run and per step, seeded), which is what SGD on a
dataset does. The datasets are generated once from a fixed seed, so every machine sees the same data.
"""
from __future__ import annotations

import numpy as np
import torch

from .registry import register_surface

_rng = np.random.default_rng(20241124)

# ---- least squares: y = w1 * x + w2 ---------------------------------------------------------------
_LS_X = _rng.uniform(-1.0, 3.0, 64)
_LS_Y = 1.5 * _LS_X - 1.0 + _rng.normal(0.0, 0.8, 64)
_LS_MIN = np.linalg.lstsq(np.column_stack([_LS_X, np.ones(64)]), _LS_Y, rcond=None)[0]
_LS = torch.tensor(np.stack([_LS_X, _LS_Y]))


def _ls_loss(w1, w2, x, y):
    return ((w1[..., None] * x + w2[..., None] - y) ** 2).mean(-1)


def _ls_batch(w1, w2, idx):
    x, y = _LS.to(w1)
    return _ls_loss(w1, w2, x[idx], y[idx])


@register_surface("least-squares",
                  formula="(" + " + ".join(f"(x*{float(a)!r} + y - {float(b)!r})**2" for a, b in zip(_LS_X, _LS_Y))
                  + ")/64",
                  box=((-2.0, 5.0), (-4.0, 3.0)), zrange=(0.0, 60.0), start=(-1.5, 2.5),
                  minima=[(*map(float, _LS_MIN), "global")], title="Least squares (64 points)", batch=_ls_batch,
                  n_data=64)
def least_squares(w1, w2):
    """mean_i (w1 x_i + w2 - y_i)^2 over 64 noisy points of y = 1.5x - 1: a tilted quadratic bowl whose
    minimum is the least-squares fit. With batch_size B, each step sees B of the 64 points."""
    x, y = _LS.to(w1)
    return _ls_loss(w1, w2, x, y)


# ---- logistic regression: p = sigmoid(w1 a + w2 b), with a small L2 penalty ---------------------------
_LG_A = _rng.normal(0.0, 1.0, (96, 2))
_LG_T = (_LG_A @ np.array([2.0, -1.0]) + _rng.normal(0.0, 1.0, 96) > 0).astype(np.float64)
_LG = torch.tensor(np.column_stack([_LG_A, _LG_T]).T.copy())
L2 = 0.05


def _lg_loss(w1, w2, a, b, t):
    z = w1[..., None] * a + w2[..., None] * b
    # log(1 + e^z) - t z, computed stably
    return (torch.nn.functional.softplus(z) - t * z).mean(-1) + L2 * (w1 ** 2 + w2 ** 2)


def _lg_batch(w1, w2, idx):
    a, b, t = _LG.to(w1)
    return _lg_loss(w1, w2, a[idx], b[idx], t[idx])


def _lg_minimum() -> tuple[float, float]:
    """Newton's method in float64 on the full loss (strictly convex thanks to the L2 term)."""
    w = np.zeros(2)
    for _ in range(50):
        p = 1 / (1 + np.exp(-_LG_A @ w))
        g = _LG_A.T @ (p - _LG_T) / 96 + 2 * L2 * w
        h = (_LG_A * (p * (1 - p))[:, None]).T @ _LG_A / 96 + 2 * L2 * np.eye(2)
        w = w - np.linalg.solve(h, g)
    return float(w[0]), float(w[1])


@register_surface("logistic", formula="(" + " + ".join(
                      f"(softplus(x*{float(a)!r} + y*{float(b)!r}) - {float(t)!r}*(x*{float(a)!r} + y*{float(b)!r}))"
                      for (a, b), t in zip(_LG_A, _LG_T))
                  + f")/96 + {L2!r}*(x**2 + y**2)",
                  box=((-3.0, 5.0), (-5.0, 3.0)), zrange=(0.0, 3.5), start=(-2.5, 2.5),
                  minima=[(*_lg_minimum(), "global")], title="Logistic regression (96 points)",
                  batch=_lg_batch, n_data=96)
def logistic(w1, w2):
    """mean_i log(1 + e^{z_i}) - t_i z_i + 0.05 |w|^2 with z_i = w1 a_i + w2 b_i: logistic regression on 96
    noisy labels of a linear rule in two features. With batch_size B, each step sees B of the 96 points."""
    a, b, t = _LG.to(w1)
    return _lg_loss(w1, w2, a, b, t)
