"""Optimizers by name: the registry, the registered optimizers, specs and learning-rate schedules.

registry       OptimizerInfo, OPTIMIZERS, register_optimizer, state_of
library        the registered optimizers: the blog post's sgd, momentum, adam, torch.optim's, and sam
sam            sharpness-aware minimization around any optviz optimizer
torch_classes  torch.optim's classes by their own names, in any case (SGD, Rprop, Adafactor, ...)
imported       user classes by import path (pkg.mod:Class): checks, closures, Hessians, base optimizers
lookup         get_optimizer: a registered name, a torch.optim class name, or an import path
spec           OptimizerSpec: "adam:lr=1@cosine" parsed, checked, built, labelled
schedules      learning-rate schedules from torch.optim.lr_scheduler, per optimizer

Importing this package registers every optimizer, in the order `optviz list` shows them.
"""
from . import library  # noqa: F401  (fills the registry)
from .lookup import get_optimizer
from .registry import OPTIMIZERS, OptimizerInfo, register_optimizer, state_of
from .schedules import SCHEDULES, learning_rates
from .spec import OptimizerSpec, build, parse_optimizer, resolve_optimizers, validate_spec

__all__ = ["OPTIMIZERS", "SCHEDULES", "OptimizerInfo", "OptimizerSpec", "build", "get_optimizer", "learning_rates",
           "parse_optimizer", "register_optimizer", "resolve_optimizers", "state_of", "validate_spec"]
