"""The optimizer registry: short names -> constructors with documented defaults and update rules
(OptimizerInfo), filled by the `register_optimizer` decorator. `state_of` reads an optimizer's
per-coordinate state under optviz's names. (`lookup.get_optimizer` also finds torch.optim classes by
name and user classes by import path.)
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, Callable

import torch


@dataclass(frozen=True)
class OptimizerInfo:
    """A registered optimizer: how to build it on a parameter list, and how it behaves."""
    name: str
    title: str
    build: Callable[..., Any]          # build(params, **hyperparameters) -> optimizer
    defaults: dict
    rule: str
    coordinatewise: bool = True        # starts can be batched as the rows of one [N, 2] parameter
    needs_closure: bool = False        # step(closure): the closure re-evaluates loss and gradient
    torch_class: str | None = None
    keys: frozenset | None = frozenset()   # accepted hyperparameter names (None: the builder checks them)
    create_graph: bool = False         # the gradient must keep its graph (Hessian-vector products)
    rows_flag: str | None = None       # build keyword set True when starts are batched as rows


OPTIMIZERS: dict[str, OptimizerInfo] = {}

# torch's per-parameter state keys, under the names optviz records (see Experiment.state).
STATE_NAMES = {"momentum_buffer": "velocity", "exp_avg": "exp_avg", "exp_avg_sq": "exp_avg_sq",
               "square_avg": "square_avg", "sum": "sum", "acc_delta": "acc_delta", "exp_inf": "exp_inf",
               "max_exp_avg_sq": "max_exp_avg_sq", "grad_avg": "grad_avg", "ax": "ax"}


# torch's implementation switches (and `betas`, which a "k=v" string cannot hold: use beta1/beta2)
_INTERNAL = {"differentiable", "foreach", "fused", "capturable", "betas"}


def register_optimizer(name: str, *, title: str, defaults: dict, coordinatewise: bool = True,
                       needs_closure: bool = False, torch_class: str | None = None, fixed: dict | None = None,
                       keys=(), rows_flag: str | None = None):
    """Decorator registering a builder `fn(params, **hp)`; its docstring is the update rule.
    A torch-backed entry accepts its class's keyword arguments (less the `fixed` ones, plus beta1/beta2
    for `betas`); the others accept the keys of their defaults and `keys` (None: the builder checks them)."""
    accepted = None if keys is None else frozenset(
        set(defaults) | set(keys) | (torch_keys(getattr(torch.optim, torch_class), fixed or {}) if torch_class else set()))

    def wrap(fn):
        OPTIMIZERS[name] = OptimizerInfo(name=name, title=title, build=fn, defaults=dict(defaults),
                                         rule=inspect.cleandoc(fn.__doc__ or ""),
                                         coordinatewise=coordinatewise, needs_closure=needs_closure,
                                         torch_class=torch_class, keys=accepted, rows_flag=rows_flag)
        return fn
    return wrap


def torch_keys(cls, fixed=()) -> set[str]:
    """The hyperparameters a torch.optim class accepts, by the names optviz uses: its keyword
    arguments less the implementation switches, with `betas` as beta1 and beta2."""
    params = inspect.signature(cls).parameters
    keys = set(params) - {"params"} - set(fixed) - _INTERNAL
    return keys | ({"beta1", "beta2"} if "betas" in params else set())


def torch_builder(cls, **fixed):
    """A builder for a torch.optim class; beta1/beta2 are folded into torch's `betas` tuple."""
    def build(params, **hp):
        if "beta1" in hp or "beta2" in hp:
            b1, b2 = inspect.signature(cls).parameters["betas"].default
            hp["betas"] = (hp.pop("beta1", b1), hp.pop("beta2", b2))
        return cls(params, **fixed, **hp)
    build.fixed = dict(fixed)
    return build


def state_of(optimizer, param) -> dict[str, torch.Tensor]:
    """The per-coordinate state of `optimizer` for `param`, under optviz's names."""
    if hasattr(optimizer, "state_of"):
        return optimizer.state_of(param)
    state = getattr(optimizer, "state", {}).get(param, {})
    return {STATE_NAMES.get(k, k): v for k, v in state.items()
            if isinstance(v, torch.Tensor) and v.shape == param.shape}
