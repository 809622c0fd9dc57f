"""The registered optimizers. `sgd`, `momentum` and `adam` are the blog post's own classes (so `simulate`
reproduces `train_curve`); the rest are `torch.optim` optimizers. Each entry's docstring states its
update rule and convention (g is the gradient, t the step count); `optviz list` prints them.

A new optimizer is a builder `fn(params, **hyperparameters)` under `@register_optimizer(...)` here.
"""
from __future__ import annotations

import torch

from .. import seed
from .registry import register_optimizer, torch_builder
from .sam import SAM


def _torch(cls_name: str, **fixed):
    return torch_builder(getattr(torch.optim, cls_name), **fixed)


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
     "m = b1*m + (1-b1)*g;  v = b2*v + (1-b2)*g^2;  v_max = max(v_max, v) with amsgrad=True, else v;  "
     "w = w - lr/(1-b1^t) * m / (sqrt(v_max/(1-b2^t)) + eps)  (torch.optim.Adam; as `adam` without amsgrad)"),
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
    """w = w - lr * H g, with H built from the last history_size (s, y) pairs  (quasi-Newton; torch.optim.LBFGS)
    line_search_fn="strong_wolfe" adds a line search. optviz's default max_iter=1 (torch's is 20), so
    that one recorded step is one L-BFGS iteration. Not coordinate-wise: each start runs on its own."""
    return torch.optim.LBFGS(params, **hp)


@register_optimizer("sam", title="SAM", defaults={"base": "sgd", "rho": 0.05}, keys=None, needs_closure=True,
                    rows_flag="rows")
def _sam(params, **hp):
    """e = rho * g/||g||;  w = base update of w with the gradient at w + e   (sharpness-aware
    minimization, Foret et al. 2021; base = any optviz optimizer, its settings beside rho:
    sam:base=momentum,lr=0.1,momentum=0.9,rho=0.05)"""
    return SAM(params, **hp)
