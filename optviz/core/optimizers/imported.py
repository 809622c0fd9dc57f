"""Optimizers reached by import path, `pkg.mod:Class` (for example `pytorch_optimizer:Lion`).

Before anything of the class is called, it must be a class that is a torch.optim.Optimizer, or has the
documented duck type: built as `Class(params, **hyperparameters)`, with `step()` and `zero_grad()`.
(Importing the module runs its import code: use specs whose import paths you trust.)

What such a class may need, found from its signature and source or declared on the class:
- a closure: `step(closure)` is passed one whenever it takes one; it re-evaluates the loss and the
  gradient at the current point, on the same mini-batch and noise as the step's own gradient;
- a gradient with its graph (Hessian-vector products, e.g. AdaHessian, SophiaH): when its `step`
  uses Hutchinson's estimator or `create_graph`, or it sets `optviz_create_graph = True`;
- a base optimizer (SAM, LookSAM, Lookahead, TRAC, ...): a constructor argument `base_optimizer` or
  `optimizer`, filled from `base=NAME` (a torch-backed optimizer name, e.g.
  `pytorch_optimizer:SAM:base=sgd,lr=0.1,rho=0.05`); the wrapper's own arguments go to it, the rest
  to the base;
- train mode (schedule-free optimizers): `train()` is called once after building, when the class has it;
- a model (AdamMini, WSAM): given a torch.nn.Module that holds the parameters.
The pytorch-optimizer classes in UNSUITED cannot make sense on two parameters; they are refused in one
line that says why.
"""
from __future__ import annotations

import inspect

import torch

from ...errors import OptvizError, unknown
from ...parsing import import_object
from . import torch_classes
from .registry import OPTIMIZERS, OptimizerInfo, torch_builder, torch_keys

BASE_ARGUMENTS = ("base_optimizer", "optimizer")
_MATRICES = "orthogonalizes weight matrices; a loss surface's parameters are one vector of two"
# pytorch-optimizer classes that cannot make sense on a vector of two parameters, and why
UNSUITED = {
    "Muon": _MATRICES, "AdaMuon": _MATRICES, "NorMuon": _MATRICES, "MuonClip": _MATRICES,
    "DistributedMuon": _MATRICES, "AdaGO": _MATRICES,
    "SpectralSphere": "works on 2-D weight matrices only; a loss surface's parameters are one vector of two",
    "PCGrad": "projects the gradients of several losses (tasks) against each other; a surface has one loss",
    "SafeFP16Optimizer": "is float16 loss-scaling bookkeeping around an optimizer, not an update rule",
    "LOMO": "updates the weights inside backward (fused_backward), not in step()",
    "AdaLOMO": "updates the weights inside backward (fused_backward), not in step()",
    "GSAM": "needs a rho_scheduler object (a ProportionScheduler over a learning-rate scheduler), which a "
            "spec cannot express",
}
# torch optimizers a wrapper can take as its base, by the names optviz gives them (the blog post's sgd
# and adam are the same updates as torch's SGD and Adam; its EMA momentum has no torch class)
BASE_NAMES = {"sgd": ("SGD", {}), "adam": ("Adam", {})}


def load(path: str) -> OptimizerInfo:
    obj, attr = import_object(path, "optimizer"), path.partition(":")[2]
    check_class(path, obj)
    if obj.__module__.startswith("pytorch_optimizer") and attr in UNSUITED:
        raise OptvizError(f"optimizer {path!r} {UNSUITED[attr]}")
    params = inspect.signature(obj).parameters
    base_arg = next((a for a in BASE_ARGUMENTS if a in params), None)
    defaults = {k: p.default for k, p in params.items()
                if k not in ("params", "model", base_arg) and p.default is not inspect.Parameter.empty
                and p.kind is not inspect.Parameter.VAR_KEYWORD}
    closure = "closure" in inspect.signature(obj.step).parameters
    common = dict(name=path, title=attr, defaults=defaults, needs_closure=closure,
                  rule=inspect.cleandoc(obj.__doc__ or f"user optimizer {path}").split("\n\n")[0],
                  coordinatewise=bool(getattr(obj, "optviz_coordinatewise", False)),
                  create_graph=needs_graph(obj))
    make = constructor(obj, params)
    if base_arg is None:
        return OptimizerInfo(build=ready(make), keys=frozenset(params) - {"params", "model"}, **common)
    own = frozenset(params) - {"params", "model", base_arg, "kwargs"}
    return OptimizerInfo(build=ready(wrapper_builder(path, make, params[base_arg], own)), keys=None, **common)


def constructor(cls, params):
    """make(parameter list, **keywords) -> cls(...): the parameters as `params`, and as a Module that
    holds them where the class wants a `model`."""
    def make(ps, /, **kw):   # positional-only: a hyperparameter may be called anything (VSGD has `ps`)
        ps = list(ps)
        if "model" in params:
            model = torch.nn.Module()
            for i, p in enumerate(ps):
                model.register_parameter(f"w{i}", p)
            kw["model"] = model
        return cls(params=ps, **kw) if "params" in params else cls(**kw)
    return make


def ready(make):
    """`make`, then `train()` on what it made, where that exists (schedule-free optimizers need it)."""
    def build(params, /, **hp):
        opt = make(params, **hp)
        if callable(getattr(opt, "train", None)):
            opt.train()
        return opt
    return build


def check_class(path: str, obj) -> None:
    """An optimizer class, or a one-line error saying what `obj` is instead."""
    if isinstance(obj, type) and (issubclass(obj, torch.optim.Optimizer)
                                  or (callable(getattr(obj, "step", None)) and callable(getattr(obj, "zero_grad", None)))):
        return
    if isinstance(obj, type):
        what = "a class without step() and zero_grad()"
    elif inspect.isroutine(obj):
        what = "a function"
    else:
        what = f"a {type(obj).__name__} object"
    raise OptvizError(f"{path!r} is not an optimizer class but {what}; an import path must name a "
                      "torch.optim.Optimizer subclass, or a class built as Class(params, **hyperparameters) "
                      "with step() and zero_grad()")


def needs_graph(cls) -> bool:
    """Whether `cls.step` takes Hessian-vector products of the gradient (so backward keeps its graph)."""
    if hasattr(cls, "optviz_create_graph"):
        return bool(cls.optviz_create_graph)
    try:
        source = inspect.getsource(cls.step)
    except (OSError, TypeError):
        return False
    return "hutchinson" in source or "create_graph" in source


def base_optimizer(name: str):
    """(torch class, fixed keyword arguments) of a torch-backed optimizer name, for a wrapper's base."""
    if name in BASE_NAMES:
        cls_name, fixed = BASE_NAMES[name]
    elif name in OPTIMIZERS and OPTIMIZERS[name].torch_class and name != "lbfgs":
        info = OPTIMIZERS[name]
        cls_name, fixed = info.torch_class, dict(getattr(info.build, "fixed", {}))
    elif torch_classes.find(name):
        cls_name, fixed = torch_classes.find(name), {}
    elif name == "momentum":
        raise OptvizError("base optimizer 'momentum' (the blog post's EMA form) has no torch.optim class for a "
                          "wrapper to build; use torch-momentum (torch's SGD with momentum) or nesterov")
    else:
        choices = {*BASE_NAMES, *(n for n, i in OPTIMIZERS.items() if i.torch_class and n != "lbfgs")}
        raise unknown("base optimizer", name, choices, also="or a torch.optim class name such as RMSprop")
    return getattr(torch.optim, cls_name), fixed


def wrapper_builder(path: str, make, base_param: inspect.Parameter, own: frozenset):
    """build(params, base=NAME, **hp): the wrapper's own hyperparameters go to it, the rest to the base
    (which the wrapper builds itself from the class, or is given built)."""
    base_arg = base_param.name
    takes_class = base_arg == "base_optimizer" and "type[" in str(base_param.annotation)

    def build(params, /, base=None, **hp):
        if base is None:
            raise OptvizError(f"optimizer {path!r} wraps another optimizer: name it with base=NAME, e.g. "
                              f"{path}:base=sgd,lr=0.1")
        cls, fixed = base_optimizer(str(base))
        mine = {k: v for k, v in hp.items() if k in own}
        theirs = {k: v for k, v in hp.items() if k not in own}
        allowed = torch_keys(cls, fixed)
        for key in theirs:
            if key not in allowed:
                raise OptvizError(f"unknown hyperparameter {key!r} for {path} with base {base}; choose from: "
                                  f"{', '.join(sorted(allowed | own | {'base'}))}")
        params = list(params)
        if takes_class:
            if "beta1" in theirs or "beta2" in theirs:
                b1, b2 = inspect.signature(cls).parameters["betas"].default
                theirs["betas"] = (theirs.pop("beta1", b1), theirs.pop("beta2", b2))
            return make(params, **{base_arg: cls}, **mine, **fixed, **theirs)
        return make(params, **{base_arg: torch_builder(cls, **fixed)(params, **theirs)}, **mine)
    return build
