"""Optimizers by name: the registry, the registered optimizers, specs and learning-rate schedules.

registry   OptimizerInfo, OPTIMIZERS, register_optimizer, get_optimizer (name or `pkg.mod:Class`), state_of
library    the registered optimizers: the blog post's sgd, momentum, adam, and torch.optim's
spec       OptimizerSpec: "adam:lr=1@cosine" parsed, checked, built, labelled
schedules  learning-rate schedules from torch.optim.lr_scheduler, per optimizer

Importing this package registers every optimizer, in the order `optviz list` shows them.
"""
from . import library  # noqa: F401  (fills the registry)
from .registry import (
           OPTIMIZERS,
           OptimizerInfo,
           get_optimizer,
           register_optimizer,
           state_of,
)
from .schedules import SCHEDULES, learning_rates
from .spec import (
           OptimizerSpec,
           build,
           parse_optimizer,
           resolve_optimizers,
           validate_spec,
)

__all__ = ["OPTIMIZERS", "SCHEDULES", "OptimizerInfo", "OptimizerSpec", "build", "get_optimizer", "learning_rates",
           "parse_optimizer", "register_optimizer", "resolve_optimizers", "state_of", "validate_spec"]
