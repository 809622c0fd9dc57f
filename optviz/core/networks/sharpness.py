"""How sharp a minimum is: the loss's Hessian at given weights, seen through Hessian-vector products
(two backward passes, never the D x D matrix).

top_eigenvalue  power iteration: v <- H v / |H v| until the Rayleigh quotient v.Hv settles; it converges
                to the eigenvalue of largest magnitude (at a minimum, the largest: the sharpest direction)
trace           Hutchinson's estimator: the mean of z.Hz over Rademacher vectors z (E[z.Hz] = tr H),
                with its standard error
spectrum        stochastic Lanczos quadrature (Ghorbani et al. 2019; PyHessian's `density()`): Lanczos
                from random unit vectors gives, for each, nodes (the tridiagonal's eigenvalues) and
                weights (their eigenvectors' first components squared) of a quadrature of the
                eigenvalue density; their mean is an estimate of the whole spectrum
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


def top_eigenvalue(hvp: HessianVectorProduct, iterations: int = 200, tol: float = 1e-6, seed: int = 0,
                   history: list | None = None) -> float:
    """The Hessian's eigenvalue of largest magnitude, by power iteration from a seeded random vector
    (`history`, if given, receives the Rayleigh quotient of every iteration: how it converged)."""
    gen = torch.Generator().manual_seed(seed)
    v = torch.randn(hvp.dim, generator=gen).to(hvp.w)
    v /= v.norm()
    value = math.nan
    for _ in range(iterations):
        hv = hvp(v)
        new = float(v @ hv)
        if history is not None:
            history.append(new)
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


def spectrum(hvp: HessianVectorProduct, steps: int = 60, runs: int = 8, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(nodes [runs, K], weights [runs, K]) of stochastic Lanczos quadrature, K = min(steps, D): each row's
    weights sum to 1, and sum(weights * f(nodes)) estimates v.f(H)v for its random unit vector v, so
    the rows' mean estimates the eigenvalue density (trace = D * mean of sum(weights * nodes)).
    Lanczos with full reorthogonalization, in float64 outside the Hessian-vector products."""
    gen = torch.Generator().manual_seed(seed)
    k = min(steps, hvp.dim)
    nodes, weights = np.zeros((runs, k)), np.zeros((runs, k))
    for r in range(runs):
        v = (torch.randint(0, 2, (hvp.dim,), generator=gen) * 2 - 1).double()
        basis = [v / v.norm()]
        alpha, beta = [], []
        for j in range(k):
            w = hvp(basis[j].to(hvp.w)).double()
            alpha.append(float(w @ basis[j]))
            for q in basis:   # full reorthogonalization: without it Lanczos repeats the extreme eigenvalues
                w = w - (w @ q) * q
            b = float(w.norm())
            if j == k - 1 or b < 1e-10 * max(abs(alpha[-1]), 1e-30):
                break
            beta.append(b)
            basis.append(w / b)
        m = len(alpha)
        T = np.diag(alpha) + np.diag(beta[:m - 1], 1) + np.diag(beta[:m - 1], -1)
        theta, vec = np.linalg.eigh(T)
        nodes[r, :m], weights[r, :m] = theta, vec[0] ** 2
        nodes[r, m:] = theta[-1]   # an invariant subspace found early: the rest weigh nothing
    return nodes, weights


def sharpness(model: nn.Module, w, X, y, loss: str = "cross_entropy", *, device="cpu", iterations: int = 200,
              samples: int = 100, seed: int = 0, dtype=torch.float32, history: list | None = None) -> dict:
    """{"top_eigenvalue", "trace", "trace_stderr"} of the loss's Hessian at weights w (`history`: as for
    top_eigenvalue)."""
    hvp = HessianVectorProduct(model, w, X, y, loss, device, dtype)
    t, se = trace(hvp, samples, seed)
    return {"top_eigenvalue": top_eigenvalue(hvp, iterations, seed=seed, history=history), "trace": t,
            "trace_stderr": se}
