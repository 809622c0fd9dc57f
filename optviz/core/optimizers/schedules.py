"""Learning-rate schedules per optimizer, from `torch.optim.lr_scheduler`.

A schedule is written after the optimizer with "@": `sgd:lr=1@cosine`, `adam:lr=0.1@step:step_size=20`,
or any scheduler class by name, `sgd:lr=1@ExponentialLR:gamma=0.97`. The short names fill in
arguments from the run's length (see SCHEDULES). The learning rates are computed once, by stepping the
torch scheduler on a stand-in torch optimizer with the same base lr, and then set on the real optimizer
before each update, so the seed's own classes (which are not torch optimizers) follow schedules too.
`lrs[t]` is the learning rate of update t+1. Schedulers that change momentum too (OneCycleLR's
cycle_momentum) change only the learning rate here.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import torch

from ...errors import OptvizError, unknown
from ...parsing import parse_value

SCHEDULES: dict[str, Callable] = {}


def schedule(name: str):
    """Register `fn(optimizer, steps, **kw) -> scheduler`; its docstring is the description."""
    def wrap(fn):
        SCHEDULES[name] = fn
        return fn
    return wrap


S = torch.optim.lr_scheduler


@schedule("step")
def _step(opt, steps, step_size=None, gamma=0.5):
    """StepLR: lr x gamma (0.5) every step_size steps (a quarter of the run)."""
    return S.StepLR(opt, step_size=int(step_size or max(1, steps // 4)), gamma=gamma)


@schedule("cosine")
def _cosine(opt, steps, T_max=None, eta_min=0.0):
    """CosineAnnealingLR: from lr down to eta_min (0) over the run."""
    return S.CosineAnnealingLR(opt, T_max=int(T_max or max(1, steps)), eta_min=eta_min)


@schedule("linear")
def _linear(opt, steps, start_factor=1.0, end_factor=0.0, total_iters=None):
    """LinearLR: straight down from lr to 0 over the run."""
    return S.LinearLR(opt, start_factor=start_factor, end_factor=end_factor, total_iters=int(total_iters or steps))


@schedule("warmup")
def _warmup(opt, steps, warmup=None, start_factor=0.01):
    """LinearLR up from 1% of lr over the first tenth of the run (warmup), then constant."""
    return S.LinearLR(opt, start_factor=start_factor, end_factor=1.0, total_iters=int(warmup or max(1, steps // 10)))


@schedule("warmup-cosine")
def _warmup_cosine(opt, steps, warmup=None, eta_min=0.0):
    """Linear warmup over the first tenth, then cosine decay to eta_min (SequentialLR)."""
    w = int(warmup or max(1, steps // 10))
    return S.SequentialLR(opt, [S.LinearLR(opt, start_factor=0.01, total_iters=w),
                                S.CosineAnnealingLR(opt, T_max=max(1, steps - w), eta_min=eta_min)], milestones=[w])


@schedule("onecycle")
def _onecycle(opt, steps, max_lr=None, pct_start=0.3):
    """OneCycleLR: up to max_lr (the given lr) over 30% of the run, then down (learning rate only)."""
    return S.OneCycleLR(opt, max_lr=max_lr or opt.param_groups[0]["lr"], total_steps=max(2, steps + 1),
                        pct_start=pct_start, cycle_momentum=False)


def parse_schedule(text: str) -> tuple[str, dict]:
    """"cosine" or "StepLR:step_size=10,gamma=0.5" -> (name, arguments)."""
    name, _, rest = text.strip().partition(":")
    kw = {}
    for item in filter(None, (s.strip() for s in rest.split(","))):
        key, eq, value = item.partition("=")
        if not eq:
            raise OptvizError(f"bad schedule argument {item!r} in {text!r}; write name:key=value,...")
        kw[key.strip()] = parse_value(value)
    if name not in SCHEDULES and not _torch_class(name):
        raise unknown("schedule", name, SCHEDULES, also="or a torch.optim.lr_scheduler class such as ExponentialLR")
    return name, kw


def _torch_class(name: str):
    cls = getattr(S, name, None)
    return cls if isinstance(cls, type) and issubclass(cls, S.LRScheduler) else None


def learning_rates(text: str, lr: float, steps: int) -> np.ndarray:
    """[steps] learning rate of each update under schedule `text`, starting from base `lr`."""
    name, kw = parse_schedule(text)
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr)
    try:
        sched = SCHEDULES[name](opt, steps, **kw) if name in SCHEDULES else _torch_class(name)(opt, **kw)
    except (TypeError, ValueError) as exc:
        raise OptvizError(f"schedule {text!r}: {exc}") from None
    out = np.empty(steps)
    for t in range(steps):
        out[t] = opt.param_groups[0]["lr"]
        opt.step()
        sched.step()
    return out


def set_lr(optimizer, lr: float) -> None:
    """Set the learning rate of a torch optimizer (every group) or of the seed's classes."""
    groups = getattr(optimizer, "param_groups", None)
    if groups is not None:
        for g in groups:
            g["lr"] = lr
    else:
        optimizer.lr = lr
