"""The seed blog post's API, kept as users know it: OptimizerTemplate, SGD, SGDMomentum, Adam,
pathological_curve_loss and train_curve.

The update rules follow the post's code operation for operation (so its runs give its numbers), with
its typos fixed and hyperparameters validated. Conventions worth knowing:

* SGDMomentum is the exponential-moving-average form `v = beta*v + (1-beta)*g`, `w = w - lr*v`, with
  `v0 = 0`. This is *not* torch's default: `torch.optim.SGD(momentum=mu)` uses `v = mu*v + g`, starting
  at `v1 = g1`. From the second step on, the seed's form equals torch's with `dampening=beta`.
* Adam is `w = w - lr * m_hat / (sqrt(v_hat) + eps)`, as in the post's code and `torch.optim.Adam`
  (the post's prose puts eps outside the fraction; that formula is a typo).
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from .surfaces import pathological_curve_loss


def check_lr(lr) -> None:
    if not lr > 0:
        raise ValueError(f"Invalid learning rate: {lr!r} (must be > 0)")


def check_fraction(name: str, value) -> None:
    if not 0.0 <= value < 1.0:
        raise ValueError(f"Invalid {name} value: {value!r} (must be in [0, 1))")


class OptimizerTemplate:
    """Base class from the seed: holds the parameters and the learning rate; subclasses implement
    `update_param(p)`, which `step()` calls for every parameter that has a gradient."""

    def __init__(self, params, lr):
        check_lr(lr)
        self.params = list(params)
        self.lr = lr

    def zero_grad(self):
        for p in self.params:
            if p.grad is not None:
                p.grad.detach_()  # the seed's comment: detach the gradient from the graph first
                p.grad.zero_()

    @torch.no_grad()
    def step(self):
        for p in self.params:
            if p.grad is None:
                continue
            self.update_param(p)

    def update_param(self, p):
        raise NotImplementedError

    def state_of(self, p) -> dict[str, torch.Tensor]:
        """Optimizer state worth drawing for parameter `p` (optviz extension; empty for SGD)."""
        return {}


class SGD(OptimizerTemplate):
    """w = w - lr * g"""

    def __init__(self, params, lr):
        super().__init__(params, lr)

    def update_param(self, p):
        p_update = -self.lr * p.grad
        p.add_(p_update)


class SGDMomentum(OptimizerTemplate):
    """v = beta*v + (1-beta)*g (v0 = 0);  w = w - lr*v   (the seed's EMA form, not torch's)"""

    def __init__(self, params, lr, momentum=0.0):
        super().__init__(params, lr)
        check_fraction("momentum", momentum)
        self.momentum = momentum
        self.param_momentum = {p: torch.zeros_like(p.data) for p in self.params}

    def update_param(self, p):
        self.param_momentum[p] = (1 - self.momentum) * p.grad + self.momentum * self.param_momentum[p]
        p_update = -self.lr * self.param_momentum[p]
        p.add_(p_update)

    def state_of(self, p):
        return {"velocity": self.param_momentum[p]}


class Adam(OptimizerTemplate):
    """m = b1*m + (1-b1)*g;  v = b2*v + (1-b2)*g^2;  m_hat = m/(1-b1^t);  v_hat = v/(1-b2^t);
    w = w - lr * m_hat / (sqrt(v_hat) + eps)"""

    def __init__(self, params, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(params, lr)
        check_fraction("beta1", beta1)
        check_fraction("beta2", beta2)
        if not eps > 0:
            raise ValueError(f"Invalid epsilon value: {eps!r} (must be > 0)")
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.param_step = {p: 0 for p in self.params}  # t for each parameter, for bias correction
        self.param_momentum = {p: torch.zeros_like(p.data) for p in self.params}
        self.param_2nd_momentum = {p: torch.zeros_like(p.data) for p in self.params}

    def update_param(self, p):
        self.param_step[p] += 1
        self.param_momentum[p] = (1 - self.beta1) * p.grad + self.beta1 * self.param_momentum[p]
        self.param_2nd_momentum[p] = (1 - self.beta2) * (p.grad) ** 2 + self.beta2 * self.param_2nd_momentum[p]
        bias_correction_1 = 1 - self.beta1 ** self.param_step[p]
        bias_correction_2 = 1 - self.beta2 ** self.param_step[p]
        p_2nd_mom = self.param_2nd_momentum[p] / bias_correction_2
        p_mom = self.param_momentum[p] / bias_correction_1
        p_lr = self.lr / (torch.sqrt(p_2nd_mom) + self.eps)
        p_update = -p_lr * p_mom
        p.add_(p_update)

    def state_of(self, p):
        return {"exp_avg": self.param_momentum[p], "exp_avg_sq": self.param_2nd_momentum[p]}


def train_curve(optimizer_func, curve_func=pathological_curve_loss, num_updates=1000, init=[7, 7]):
    """Run one optimizer from `init` for `num_updates` updates, as in the seed.

    Inputs:
        optimizer_func - constructor of the optimizer; takes only a parameter list
        curve_func - loss function of (w1, w2), e.g. pathological_curve_loss
        num_updates - number of updates to take
        init - the two initial parameter values
    Outputs:
        float32 numpy array [num_updates, 3]; row t holds [w1, w2, loss] *before* update t+1.
    """
    if len(init) != 2:
        raise ValueError(f"init must hold two values (w1, w2), got {init!r}")
    weights = nn.Parameter(torch.tensor([float(v) for v in init], dtype=torch.float32), requires_grad=True)
    optimizer = optimizer_func([weights])
    list_points = []
    for _ in range(num_updates):
        loss = curve_func(weights[0], weights[1])
        list_points.append(torch.cat([weights.data.detach(), loss.unsqueeze(dim=0).detach()], dim=0))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    if not list_points:
        return np.zeros((0, 3), dtype=np.float32)
    return torch.stack(list_points, dim=0).numpy()
