"""Per-pixel optimizer updates for trainability maps: optimizers as pure functions of tensors whose
hyperparameters may differ per element (optax style).

A trainability map runs one optimizer with a different (lr, momentum) or (lr, beta) at every pixel, so
the hyperparameters are tensors broadcasting against the parameters, which torch.optim cannot take.
Each kernel is `init(w) -> state` and `update(g, state, t, **hp) -> delta` with w <- w + delta and t the
1-based step; the state tensors are updated in place (fresh tensors every step made maps 1.5x slower).
Each follows the registered optimizer of the same name exactly (tests run both).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch

from ..errors import OptvizError, unknown


@dataclass(frozen=True)
class Kernel:
    name: str
    init: Callable
    update: Callable
    hyper: tuple[str, ...]       # hyperparameters that may vary per pixel
    defaults: dict


KERNELS: dict[str, Kernel] = {}


def kernel(name: str, **defaults):
    """Register `update(g, state, t, **hp)`; `init` gives zeros for the state names in `state`."""
    def wrap(fn):
        names = fn.__code__.co_varnames[:fn.__code__.co_argcount]
        hyper = tuple(n for n in names if n not in ("g", "state", "t"))
        init_names = getattr(fn, "state_names", ())
        KERNELS[name] = Kernel(name, lambda w: {k: torch.zeros_like(w) for k in init_names}, fn, hyper,
                               {**defaults})
        return fn
    return wrap


def _state(*names):
    def mark(fn):
        fn.state_names = names
        return fn
    return mark


@kernel("sgd", lr=1e-3)
def sgd(g, state, t, lr):
    return -lr * g


@kernel("momentum", lr=1e-3, momentum=0.9)
@_state("velocity")
def momentum(g, state, t, lr, momentum):
    """The seed's EMA form: v = m*v + (1-m)*g, v0 = 0."""
    v = state["velocity"].mul_(momentum).add_((1 - momentum) * g)
    return -lr * v


@kernel("torch-momentum", lr=1e-3, momentum=0.9)
@_state("velocity")
def heavy_ball(g, state, t, lr, momentum):
    """torch.optim.SGD's heavy ball (dampening 0): v = m*v + g; with v0 = 0 this gives v1 = g1 as torch."""
    v = state["velocity"].mul_(momentum).add_(g)
    return -lr * v


@kernel("nesterov", lr=1e-3, momentum=0.9)
@_state("velocity")
def nesterov(g, state, t, lr, momentum):
    v = state["velocity"].mul_(momentum).add_(g)
    return -lr * (g + momentum * v)


@kernel("adam", lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8)
@_state("exp_avg", "exp_avg_sq")
def adam(g, state, t, lr, beta1, beta2, eps):
    m = state["exp_avg"].mul_(beta1).add_((1 - beta1) * g)
    v = state["exp_avg_sq"].mul_(beta2).add_((1 - beta2) * g * g)
    # beta**t per element: the betas may differ per pixel
    denom = (v / (1 - beta2 ** t)).sqrt_().add_(eps)
    return (-lr / (1 - beta1 ** t)) * m / denom


KERNELS["torch-adam"] = KERNELS["adam"]


def get_kernel(name: str) -> Kernel:
    if name not in KERNELS:
        raise unknown("optimizer for maps", name, KERNELS)
    return KERNELS[name]


def check_axis(k: Kernel, axis: str) -> None:
    """Map axes are a kernel's hyperparameters, or lr_x / lr_y (a separate lr for each coordinate)."""
    valid = (*k.hyper, "lr_x", "lr_y")
    if axis not in valid:
        raise OptvizError(f"{k.name} has no hyperparameter {axis!r} to map; choose from: {', '.join(valid)}")
