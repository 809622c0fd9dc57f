"""How sharp a minimum is: the loss's Hessian at given weights, seen through Hessian-vector products
(two backward passes, never the D x D matrix).

top_eigenvalue  power iteration: v <- H v / |H v| until the Rayleigh quotient v.Hv settles; it converges
                to the eigenvalue of largest magnitude (at a minimum, the largest: the sharpest direction)
trace           Hutchinson's estimator: the mean of z.Hz over Rademacher vectors z (E[z.Hz] = tr H),
                with its standard error
"""
from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from .grid import _criterion


class HessianVectorProduct:
    """v -> H v for the mean loss of `model` on (X, y) at the flat weights `w` [D]."""

    def __init__(self, model: nn.Module, w, X, y, loss: str = "cross_entropy", device="cpu",
                 dtype=torch.float32):
        from torch.func import functional_call
        dev = torch.device(device)
        model = model.to(dev, dtype).eval()
        names = [n for n, _ in model.named_parameters()]
        shapes = [p.shape for _, p in model.named_parameters()]
        sizes = [int(np.prod(s)) for s in shapes]
        self.w = torch.as_tensor(np.asarray(w), dtype=dtype, device=dev).clone().requires_grad_(True)
        params = {n: t.view(s) for n, t, s in zip(names, torch.split(self.w, sizes), shapes)}
        y = y.to(dev, dtype) if y.is_floating_point() else y.to(dev)
        loss_value = _criterion(loss)(functional_call(model, params, (X.to(dev, dtype),)), y)
        self.grad, = torch.autograd.grad(loss_value, self.w, create_graph=True)
        self.dim = self.w.numel()

    def __call__(self, v: torch.Tensor) -> torch.Tensor:
        hv, = torch.autograd.grad(self.grad, self.w, grad_outputs=v, retain_graph=True)
        return hv


def top_eigenvalue(hvp: HessianVectorProduct, iterations: int = 200, tol: float = 1e-6, seed: int = 0) -> float:
    """The Hessian's eigenvalue of largest magnitude, by power iteration from a seeded random vector."""
    gen = torch.Generator().manual_seed(seed)
    v = torch.randn(hvp.dim, generator=gen).to(hvp.w)
    v /= v.norm()
    value = math.nan
    for _ in range(iterations):
        hv = hvp(v)
        new = float(v @ hv)
        norm = hv.norm()
        if norm == 0:
            return 0.0
        v = hv / norm
        if abs(new - value) <= tol * abs(new):
            return new
        value = new
    return value


def trace(hvp: HessianVectorProduct, samples: int = 100, seed: int = 0) -> tuple[float, float]:
    """(estimate of tr H, its standard error) from `samples` Rademacher vectors."""
    gen = torch.Generator().manual_seed(seed)
    values = []
    for _ in range(samples):
        z = (torch.randint(0, 2, (hvp.dim,), generator=gen) * 2 - 1).to(hvp.w)
        values.append(float(z @ hvp(z)))
    values = np.array(values)
    return float(values.mean()), float(values.std(ddof=1) / math.sqrt(samples)) if samples > 1 else math.nan


def sharpness(model: nn.Module, w, X, y, loss: str = "cross_entropy", *, device="cpu", iterations: int = 200,
              samples: int = 100, seed: int = 0, dtype=torch.float32) -> dict:
    """{"top_eigenvalue", "trace", "trace_stderr"} of the loss's Hessian at weights w."""
    hvp = HessianVectorProduct(model, w, X, y, loss, device, dtype)
    t, se = trace(hvp, samples, seed)
    return {"top_eigenvalue": top_eigenvalue(hvp, iterations, seed=seed), "trace": t, "trace_stderr": se}
