"""The optimizer registry: short names -> constructors with documented defaults and update rules.

`sgd`, `momentum` and `adam` are the seed's own classes (so `simulate` reproduces `train_curve`); the
rest are `torch.optim` optimizers. A user's class is reached by import path, `pkg.mod:Class`.
Each entry's docstring states its update rule and convention (g is the gradient, t the step count).
"""
from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass, field
from typing import Any, Callable

import torch

from . import seed
from .errors import OptvizError, unknown


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


def _torch(cls_name: str, **fixed):
    """A builder for torch.optim.<cls_name>; beta1/beta2 are folded into torch's `betas` tuple."""
    cls = getattr(torch.optim, cls_name)

    def build(params, **hp):
        if "beta1" in hp or "beta2" in hp:
            b1, b2 = cls(params=[torch.zeros(1, requires_grad=True)]).defaults["betas"]
            hp["betas"] = (hp.pop("beta1", b1), hp.pop("beta2", b2))
        return cls(params, **fixed, **hp)
    return build


@register_optimizer("sgd", title="SGD", defaults={"lr": 1e-3})
def _sgd(params, **hp):
    """w = w - lr*g  (the seed's SGD; identical to torch.optim.SGD without momentum)"""
    return seed.SGD(params, **hp)


@register_optimizer("momentum", title="Momentum", defaults={"lr": 1e-3, "momentum": 0.9})
def _momentum(params, **hp):
    """v = momentum*v + (1-momentum)*g with v0 = 0;  w = w - lr*v
    The seed's exponential-moving-average form. torch's SGD uses v = mu*v + g instead (see
    `torch-momentum`); from step 2 on this equals torch's with dampening = momentum."""
    return seed.SGDMomentum(params, **hp)


@register_optimizer("adam", title="Adam", defaults={"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8})
def _adam(params, **hp):
    """m = b1*m + (1-b1)*g;  v = b2*v + (1-b2)*g^2;  m_hat = m/(1-b1^t);  v_hat = v/(1-b2^t)
    w = w - lr * m_hat / (sqrt(v_hat) + eps)   (the seed's Adam; equals torch.optim.Adam)"""
    return seed.Adam(params, **hp)


_TORCH = [
    ("torch-momentum", "Momentum (torch)", "SGD", {"lr": 1e-3, "momentum": 0.9, "dampening": 0.0}, {},
     "v = momentum*v + (1-dampening)*g, with v1 = g1 (torch.optim.SGD);  w = w - lr*v"),
    ("nesterov", "Nesterov", "SGD", {"lr": 1e-3, "momentum": 0.9}, {"nesterov": True},
     "v = momentum*v + g (v1 = g1);  w = w - lr*(g + momentum*v)  (torch.optim.SGD, nesterov=True)"),
    ("torch-adam", "Adam (torch)", "Adam", {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8,
                                            "amsgrad": False}, {},
     "torch.optim.Adam: as `adam`; amsgrad=True keeps v_hat = max over time"),
    ("adamw", "AdamW", "AdamW", {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8,
                                 "weight_decay": 1e-2}, {},
     "w = w - lr*weight_decay*w, then the Adam step (decoupled weight decay; torch.optim.AdamW)"),
    ("rmsprop", "RMSprop", "RMSprop", {"lr": 1e-2, "alpha": 0.99, "eps": 1e-8, "momentum": 0.0,
                                       "centered": False}, {},
     "s = alpha*s + (1-alpha)*g^2;  w = w - lr*g/(sqrt(s) + eps)  (torch.optim.RMSprop)"),
    ("adagrad", "Adagrad", "Adagrad", {"lr": 1e-2, "lr_decay": 0.0, "initial_accumulator_value": 0.0,
                                       "eps": 1e-10}, {},
     "s = s + g^2;  w = w - lr*g/(sqrt(s) + eps)  (torch.optim.Adagrad)"),
    ("adadelta", "Adadelta", "Adadelta", {"lr": 1.0, "rho": 0.9, "eps": 1e-6}, {},
     "s = rho*s + (1-rho)*g^2;  d = sqrt(u + eps)/sqrt(s + eps)*g;  u = rho*u + (1-rho)*d^2;  "
     "w = w - lr*d  (torch.optim.Adadelta)"),
    ("adamax", "Adamax", "Adamax", {"lr": 2e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}, {},
     "m = b1*m + (1-b1)*g;  u = max(b2*u, |g| + eps);  w = w - lr/(1-b1^t) * m/u  (torch.optim.Adamax)"),
    ("nadam", "NAdam", "NAdam", {"lr": 2e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8,
                                 "momentum_decay": 4e-3}, {},
     "Adam with a Nesterov look-ahead on m (Dozat 2016; torch.optim.NAdam)"),
    ("radam", "RAdam", "RAdam", {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}, {},
     "Adam whose adaptive step is switched on only once the variance of v_hat is tractable (rho_t > 5); "
     "before that w = w - lr*m_hat  (torch.optim.RAdam)"),
]

for _name, _title, _cls, _defaults, _fixed, _rule in _TORCH:
    _builder = _torch(_cls, **_fixed)
    _builder.__doc__ = _rule
    register_optimizer(_name, title=_title, defaults=_defaults, torch_class=_cls, fixed=_fixed)(_builder)


@register_optimizer("lbfgs", title="L-BFGS", defaults={"lr": 1.0, "max_iter": 1, "history_size": 10,
                                                       "line_search_fn": None},
                    coordinatewise=False, needs_closure=True, torch_class="LBFGS")
def _lbfgs(params, **hp):
    """Quasi-Newton: the step is -lr * H g, with H built from the last history_size (s, y) pairs;
    line_search_fn="strong_wolfe" adds a line search (torch.optim.LBFGS). optviz's default
    max_iter=1 (torch's is 20) so that one recorded step is one L-BFGS iteration. Not coordinate-wise:
    each start runs on its own."""
    return torch.optim.LBFGS(params, **hp)


# ---- specs: "name:k=v,k=v" ----------------------------------------------------------------------

@dataclass(frozen=True)
class OptimizerSpec:
    """One optimizer of an experiment: a registry name (or import path), its hyperparameters and label."""
    name: str
    hyperparameters: dict = field(default_factory=dict)
    label: str = ""
    schedule: str | None = None      # a learning-rate schedule, see optviz.schedules

    def info(self) -> OptimizerInfo:
        return get_optimizer(self.name)

    def resolved(self) -> dict:
        """Defaults overlaid with the given hyperparameters."""
        return {**self.info().defaults, **self.hyperparameters}


def _parse_value(text: str):
    low = text.strip().lower()
    if low in ("true", "false"):
        return low == "true"
    if low in ("none", "null"):
        return None
    try:
        return int(text) if low.lstrip("+-").isdigit() else float(text)
    except ValueError:
        return text.strip()


def parse_optimizer(text: str) -> OptimizerSpec:
    """Parse "adam:lr=1,beta1=0.8" (or just "adam") into an OptimizerSpec; "...@cosine" adds a
    learning-rate schedule (see optviz.schedules)."""
    text, at, sched = text.partition("@")
    name, _, rest = text.strip().partition(":")
    # an import path "pkg.mod:Class" keeps its colon; its hyperparameters follow a second colon
    head, _, tail = rest.partition(":")
    if name.strip() not in OPTIMIZERS and head.strip().isidentifier():
        name, rest = f"{name}:{head.strip()}", tail
    hp = {}
    for item in filter(None, (s.strip() for s in rest.split(","))):
        key, eq, value = item.partition("=")
        if not eq or not key.strip():
            raise OptvizError(f"bad hyperparameter {item!r} in optimizer {text!r}; write name:key=value,key=value")
        hp[key.strip()] = _parse_value(value)
    spec = OptimizerSpec(name=name.strip(), hyperparameters=hp, schedule=sched.strip() if at else None)
    validate_spec(spec)
    return spec


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


def validate_spec(spec: OptimizerSpec) -> None:
    """Check names and values without running: unknown keys and bad values raise OptvizError."""
    info = spec.info()
    keys = info.keys
    for key in spec.hyperparameters:
        if key not in keys:
            raise OptvizError(f"unknown hyperparameter {key!r} for optimizer {spec.name!r}; "
                              f"choose from: {', '.join(sorted(keys))}")
    try:
        build(spec, [torch.zeros(2, requires_grad=True)])
    except (ValueError, TypeError) as exc:
        raise OptvizError(f"optimizer {spec.name!r}: {exc}") from None
    if spec.schedule is not None:
        from .schedules import learning_rates
        if "lr" not in spec.resolved():
            raise OptvizError(f"optimizer {spec.name!r} has no lr to schedule")
        learning_rates(spec.schedule, float(spec.resolved()["lr"]), 2)


def build(spec: OptimizerSpec, params):
    """Construct the optimizer of `spec` over `params`."""
    return spec.info().build(params, **spec.resolved())


def state_of(optimizer, param) -> dict[str, torch.Tensor]:
    """The per-coordinate state of `optimizer` for `param`, under optviz's names."""
    if hasattr(optimizer, "state_of"):
        return optimizer.state_of(param)
    state = getattr(optimizer, "state", {}).get(param, {})
    return {STATE_NAMES.get(k, k): v for k, v in state.items()
            if isinstance(v, torch.Tensor) and v.shape == param.shape}
