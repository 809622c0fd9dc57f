"""torch.optim's own classes by their names, in any case: `SGD:lr=0.1,momentum=0.9,nesterov=True`,
`asgd`, `Rprop`, `Adafactor`, with torch's defaults and keyword arguments (betas as beta1, beta2).

A registered name wins where both exist: `adam` is the blog post's Adam, `Adam` torch's (the two
are the same update); `lbfgs` is optviz's one-iteration L-BFGS, `LBFGS` torch's (max_iter=20).
"""
from __future__ import annotations

import inspect
from functools import lru_cache

import torch

from .registry import OPTIMIZERS, OptimizerInfo, torch_builder, torch_keys

CLASSES = {name.lower(): name for name in dir(torch.optim)
           if isinstance(getattr(torch.optim, name), type) and issubclass(getattr(torch.optim, name), torch.optim.Optimizer)
           and name != "Optimizer"}
# these update every coordinate on its own, so starts can be batched as the rows of one parameter;
# the others (Adafactor factors a matrix by rows and columns, L-BFGS and Muon treat the tensor as a
# whole, SparseAdam wants sparse gradients) run each start on a parameter of shape [2]
ELEMENTWISE = {"ASGD", "Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "NAdam", "RAdam", "RMSprop", "Rprop", "SGD"}
_SWITCHES = {"differentiable", "foreach", "fused", "capturable", "maximize"}


def find(name: str) -> str | None:
    """The torch.optim class name `name` spells in any case, or None."""
    return CLASSES.get(name.lower())


@lru_cache(maxsize=None)
def info(name: str) -> OptimizerInfo:
    """The OptimizerInfo of torch.optim.<name> (a name `find` returned)."""
    cls = getattr(torch.optim, name)
    params = inspect.signature(cls).parameters
    defaults = {k: p.default for k, p in params.items()
                if k != "params" and p.default is not inspect.Parameter.empty and k not in _SWITCHES | {"betas"}}
    if "betas" in params:
        defaults["beta1"], defaults["beta2"] = params["betas"].default
    defaults = {k: v for k, v in defaults.items() if isinstance(v, (int, float, bool, str, type(None)))}
    taken = {o.title for o in OPTIMIZERS.values()}   # "SGD" is the blog post's; torch's is "SGD (torch)"
    return OptimizerInfo(name=name, title=f"{name} (torch)" if name in taken else name, build=torch_builder(cls), defaults=defaults,
                         rule=stated_rule(name, {}), coordinatewise=name in ELEMENTWISE,
                         needs_closure=name == "LBFGS", torch_class=name, keys=frozenset(torch_keys(cls)))


def twin(name: str, settings: dict) -> str | None:
    """The registered optimizer that is torch.optim.<name>'s update with these settings, or None: SGD
    is the post's sgd, with momentum torch-momentum, with nesterov=True nesterov; Adam the post's adam
    (amsgrad=True: torch-adam); a class registered once under its own settings (RMSprop, LBFGS) that one."""
    if name == "SGD":
        return "nesterov" if settings.get("nesterov") else "torch-momentum" if settings.get("momentum") else "sgd"
    if name == "Adam":
        return "torch-adam" if settings.get("amsgrad") else "adam"
    same = [n for n, o in OPTIMIZERS.items() if o.torch_class == name]
    return same[0] if len(same) == 1 else None


def stated_rule(name: str, settings: dict) -> str:
    """torch.optim.<name>'s update rule with these settings, as its registered twin states it (what a
    lecture's rule shot shows for `RMSprop:lr=0.01`); a class without one is named, not described."""
    other = twin(name, settings)
    return OPTIMIZERS[other].rule if other else f"torch.optim.{name}, as torch implements it"
