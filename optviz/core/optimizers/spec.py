"""Optimizer specs: one optimizer of an experiment as a registry name (or import path), hyperparameters,
a label and an optional learning-rate schedule; parsed from "adam:lr=1,beta1=0.8@cosine" strings,
checked without running, built on parameters, and given unique readable labels.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import torch

from ...errors import OptvizError
from ...parsing import parse_value
from . import torch_classes
from .lookup import get_optimizer, is_name
from .registry import OPTIMIZERS, OptimizerInfo
from .schedules import learning_rates


@dataclass(frozen=True)
class OptimizerSpec:
    """One optimizer of an experiment: a registry name (or import path), its hyperparameters and label."""
    name: str
    hyperparameters: dict = field(default_factory=dict)
    label: str = ""
    schedule: str | None = None      # a learning-rate schedule, see .schedules

    def info(self) -> OptimizerInfo:
        return get_optimizer(self.name)

    def resolved(self) -> dict:
        """Defaults overlaid with the given hyperparameters."""
        return {**self.info().defaults, **self.hyperparameters}

    def rule(self) -> str:
        """Its update rule as optviz states it: the registry's; for a torch class by its own name, that of
        the registered optimizer its settings make it (SGD with momentum: torch-momentum's)."""
        info = self.info()
        if info.torch_class and self.name not in OPTIMIZERS and torch_classes.find(self.name):
            return torch_classes.stated_rule(info.torch_class, self.hyperparameters)
        return info.rule


def parse_optimizer(text: str) -> OptimizerSpec:
    """Parse "adam:lr=1,beta1=0.8" (or just "adam") into an OptimizerSpec; "...@cosine" adds a
    learning-rate schedule (see .schedules)."""
    text, at, sched = text.partition("@")
    name, _, rest = text.strip().partition(":")
    # an import path "pkg.mod:Class" keeps its colon; its hyperparameters follow a second colon
    head, _, tail = rest.partition(":")
    if not is_name(name.strip()) and head.strip().isidentifier():
        name, rest = f"{name}:{head.strip()}", tail
    hp = {}
    for item in filter(None, (s.strip() for s in rest.split(","))):
        key, eq, value = item.partition("=")
        if not eq or not key.strip():
            raise OptvizError(f"bad hyperparameter {item!r} in optimizer {text!r}; write name:key=value,key=value")
        hp[key.strip()] = parse_value(value)
    spec = OptimizerSpec(name=name.strip(), hyperparameters=hp, schedule=sched.strip() if at else None)
    validate_spec(spec)
    return spec


def validate_spec(spec: OptimizerSpec) -> None:
    """Check names and values without running: unknown keys and bad values raise OptvizError."""
    info = spec.info()
    keys = info.keys
    for key in spec.hyperparameters:
        if keys is not None and key not in keys:
            raise OptvizError(f"unknown hyperparameter {key!r} for optimizer {spec.name!r}; "
                              f"choose from: {', '.join(sorted(keys))}")
    try:
        build(spec, [torch.nn.Parameter(torch.zeros(2))])
    except OptvizError:
        raise
    except (ValueError, TypeError) as exc:   # torch's own checks quote the bad value
        raise OptvizError(f"optimizer {spec.name!r}: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - a third-party class can fail in any way when built
        raise OptvizError(f"optimizer {spec.name!r} cannot be built on two parameters: {type(exc).__name__}: "
                          f"{str(exc).strip().splitlines()[0] if str(exc).strip() else ''}") from None
    if spec.schedule is not None:
        if "lr" not in spec.resolved():
            raise OptvizError(f"optimizer {spec.name!r} has no lr to schedule")
        learning_rates(spec.schedule, float(spec.resolved()["lr"]), 2)


def build(spec: OptimizerSpec, params, **extra):
    """Construct the optimizer of `spec` over `params` (`extra`: keywords from the engine, not the user)."""
    return spec.info().build(params, **spec.resolved(), **extra)


def resolve_optimizers(optimizers) -> list[OptimizerSpec]:
    """Normalise the accepted optimizer forms into specs with unique, readable labels."""
    if isinstance(optimizers, (str, OptimizerSpec)):
        optimizers = [optimizers]
    specs = []
    if isinstance(optimizers, Mapping):
        for key, hp in optimizers.items():
            name = str(key).split("#")[0]
            spec = OptimizerSpec(name=name, hyperparameters=dict(hp or {}))
            validate_spec(spec)
            specs.append(spec)
    elif isinstance(optimizers, Sequence):
        for item in optimizers:
            if isinstance(item, OptimizerSpec):
                validate_spec(item)
                specs.append(item)
            elif isinstance(item, str):
                specs.append(parse_optimizer(item))
            else:
                raise OptvizError(f"an optimizer must be a 'name:k=v' string or OptimizerSpec, not {item!r}")
    else:
        raise OptvizError(f"optimizers must be a string, list or mapping, not {optimizers!r}")
    if not specs:
        raise OptvizError("no optimizers given")
    labels, out = set(), []
    for spec in specs:
        label = spec.label or default_label(spec)
        base, k = label, 2
        while label in labels:
            label, k = f"{base} #{k}", k + 1
        labels.add(label)
        out.append(OptimizerSpec(spec.name, dict(spec.hyperparameters), label, spec.schedule))
    return out


def default_label(spec: OptimizerSpec) -> str:
    """'Adam lr=1' style: the title and the hyperparameters given explicitly; a wrapper names its base
    beside its title, 'SAM (momentum) lr=1, rho=0.1'."""
    given = ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
                      for k, v in spec.hyperparameters.items() if k != "base")
    title = get_optimizer(spec.name).title
    if "base" in spec.hyperparameters:
        title = f"{title} ({spec.hyperparameters['base']})"
    label = f"{title} {given}" if given else title
    return f"{label} @{spec.schedule}" if spec.schedule else label


def optimizers_meta(specs: list[OptimizerSpec]) -> list[dict]:
    """What a saved run records of its optimizers (JSON): name, title, label, schedule, settings, rule."""
    def plain(d):
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in d.items()}
    return [{"name": s.name, "title": s.info().title, "label": s.label, "schedule": s.schedule,
             "hyperparameters": plain(s.resolved()), "given": plain(s.hyperparameters), "rule": s.rule()}
            for s in specs]
