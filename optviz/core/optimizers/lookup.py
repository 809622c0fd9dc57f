"""Finding an optimizer by what a user types: a registered name (`momentum`), a torch.optim class name in
any case (`SGD`, `rprop`), or an import path (`pkg.mod:Class`)."""
from __future__ import annotations

from functools import lru_cache

from ...errors import unknown
from . import imported, torch_classes
from .registry import OPTIMIZERS, OptimizerInfo


def get_optimizer(name: str) -> OptimizerInfo:
    if name in OPTIMIZERS:
        return OPTIMIZERS[name]
    if ":" in name:
        return _imported(name)
    found = torch_classes.find(name)
    if found:
        return torch_classes.info(found)
    raise unknown("optimizer", name, OPTIMIZERS,
                  also="or a torch.optim class (SGD, Adam, ASGD, Rprop, ...), or an import path pkg.mod:Class")


def is_name(name: str) -> bool:
    """Whether `name` is an optimizer by name (not an import path's module)."""
    return name in OPTIMIZERS or torch_classes.find(name) is not None


@lru_cache(maxsize=64)
def _imported(path: str) -> OptimizerInfo:
    return imported.load(path)
