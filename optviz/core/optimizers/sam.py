"""Sharpness-aware minimization (Foret et al., 2021, "Sharpness-Aware Minimization for Efficiently
Improving Generalization"), around any optviz optimizer:

    g = grad L(w);   e = rho * g / ||g||;   w <- base update of w with grad L(w + e)

The base steps with the gradient taken at the worst nearby point in a ball of radius rho, so it is
pulled toward minima whose neighbourhood is flat too. ||g|| is the norm over all parameters (a
network's whole weight vector); when optviz batches starts as the rows of one [N, 2] parameter
(`rows=True`), each row is its own run with its own norm. A zero gradient gives e = 0 (the norm is
offset by 1e-12, as in the reference implementations).
"""
from __future__ import annotations

import torch

from .registry import state_of
from .schedules import set_lr
from .spec import OptimizerSpec, build, validate_spec


class SAM:
    """`SAM(params, base=<optimizer spec string or name>, rho=0.05, **base hyperparameters)`; `step(closure)`."""

    def __init__(self, params, base: str = "sgd", rho: float = 0.05, rows: bool = False, **hyperparameters):
        if not rho >= 0:
            raise ValueError(f"Invalid rho: {rho!r} (must be >= 0)")
        if base == "sam":
            raise ValueError("SAM's base cannot be SAM itself")
        self.params = list(params)
        self.rho, self.rows = float(rho), rows
        spec = OptimizerSpec(str(base), hyperparameters)
        validate_spec(spec)
        self.base = build(spec, self.params)

    def zero_grad(self):
        self.base.zero_grad()

    @torch.no_grad()
    def step(self, closure):
        """The gradients at w must be in .grad; `closure()` recomputes them (and returns the loss)."""
        grads = [p.grad for p in self.params]
        if self.rows:   # one norm per start (row)
            norm = torch.sqrt(sum((g * g).sum(-1, keepdim=True) for g in grads))
        else:
            norm = torch.sqrt(sum((g * g).sum() for g in grads))
        scale = self.rho / (norm + 1e-12)
        steps = [g * scale for g in grads]
        for p, e in zip(self.params, steps):
            p.add_(e)
        with torch.enable_grad():
            loss = closure()      # the gradient at w + e, the worst point nearby
        for p, e in zip(self.params, steps):
            p.sub_(e)
        self.base.step()
        return loss

    @property
    def lr(self):
        groups = getattr(self.base, "param_groups", None)
        return groups[0]["lr"] if groups else self.base.lr

    @lr.setter
    def lr(self, value):
        set_lr(self.base, value)

    def state_of(self, p) -> dict[str, torch.Tensor]:
        return state_of(self.base, p)
