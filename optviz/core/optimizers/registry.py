"""The optimizer registry: short names -> constructors with documented defaults and update rules
(OptimizerInfo), filled by the `register_optimizer` decorator; a user's class is reached by import
path, `pkg.mod:Class`. `state_of` reads an optimizer's per-coordinate state under optviz's names.
"""
from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass
from typing import Any, Callable

import torch

from ...errors import OptvizError, unknown


@dataclass(frozen=True)
class OptimizerInfo:
    """A registered optimizer: how to build it on a parameter list, and how it behaves."""
    name: str
    title: str
    build: Callable[..., Any]          # build(params, **hyperparameters) -> optimizer
    defaults: dict
    rule: str
    coordinatewise: bool = True        # each coordinate updates independently, so starts can be batched
    needs_closure: bool = False
    torch_class: str | None = None
    keys: frozenset = frozenset()      # accepted hyperparameter names


OPTIMIZERS: dict[str, OptimizerInfo] = {}

# torch's per-parameter state keys, under the names optviz records (see Experiment.state).
STATE_NAMES = {"momentum_buffer": "velocity", "exp_avg": "exp_avg", "exp_avg_sq": "exp_avg_sq",
               "square_avg": "square_avg", "sum": "sum", "acc_delta": "acc_delta", "exp_inf": "exp_inf",
               "max_exp_avg_sq": "max_exp_avg_sq", "grad_avg": "grad_avg", "ax": "ax"}


# torch's implementation switches (and `betas`, which a "k=v" string cannot hold: use beta1/beta2)
_INTERNAL = {"differentiable", "foreach", "fused", "capturable", "betas"}


def register_optimizer(name: str, *, title: str, defaults: dict, coordinatewise: bool = True,
                       needs_closure: bool = False, torch_class: str | None = None, fixed: dict | None = None):
    """Decorator registering a builder `fn(params, **hp)`; its docstring is the update rule.
    A torch-backed entry accepts its class's keyword arguments (less the `fixed` ones, plus beta1/beta2
    for `betas`); the others accept exactly the keys of their defaults."""
    keys = set(defaults)
    if torch_class:
        keys |= set(inspect.signature(getattr(torch.optim, torch_class)).parameters) - {"params"}
        keys -= set(fixed or {}) | _INTERNAL
        if "betas" in getattr(torch.optim, torch_class).__init__.__code__.co_varnames:
            keys |= {"beta1", "beta2"}

    def wrap(fn):
        OPTIMIZERS[name] = OptimizerInfo(name=name, title=title, build=fn, defaults=dict(defaults),
                                         rule=inspect.cleandoc(fn.__doc__ or ""),
                                         coordinatewise=coordinatewise, needs_closure=needs_closure,
                                         torch_class=torch_class, keys=frozenset(keys))
        return fn
    return wrap


def get_optimizer(name: str) -> OptimizerInfo:
    """A registered optimizer, or a user class given as "pkg.mod:Class"."""
    if name in OPTIMIZERS:
        return OPTIMIZERS[name]
    if ":" in name:
        return _import_optimizer(name)
    raise unknown("optimizer", name, OPTIMIZERS)


def _import_optimizer(path: str) -> OptimizerInfo:
    module, _, attr = path.partition(":")
    try:
        cls = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as exc:
        raise OptvizError(f"cannot import optimizer {path!r}: {exc}") from None
    sig = inspect.signature(cls)
    defaults = {k: p.default for k, p in sig.parameters.items()
                if k != "params" and p.default is not inspect.Parameter.empty}
    step = inspect.signature(getattr(cls, "step"))
    closure = step.parameters.get("closure")
    needs = closure is not None and closure.default is inspect.Parameter.empty
    return OptimizerInfo(name=path, title=attr, build=cls, defaults=defaults,
                         rule=inspect.cleandoc(cls.__doc__ or f"user optimizer {path}"),
                         coordinatewise=bool(getattr(cls, "optviz_coordinatewise", False)),
                         needs_closure=needs, keys=frozenset(sig.parameters) - {"params"})


def state_of(optimizer, param) -> dict[str, torch.Tensor]:
    """The per-coordinate state of `optimizer` for `param`, under optviz's names."""
    if hasattr(optimizer, "state_of"):
        return optimizer.state_of(param)
    state = getattr(optimizer, "state", {}).get(param, {})
    return {STATE_NAMES.get(k, k): v for k, v in state.items()
            if isinstance(v, torch.Tensor) and v.shape == param.shape}
