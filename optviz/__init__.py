"""optviz: run optimizers on 2-D loss surfaces, record their trajectories and render them.

The seed blog post's API (`OptimizerTemplate`, `SGD`, `SGDMomentum`, `Adam`, `pathological_curve_loss`,
`train_curve`, `plot_curve`) works after `from optviz import *`. Names load lazily, so renderers can
import `optviz.experiment` and `optviz.render` without importing torch.
"""
from importlib import import_module

__version__ = "0.1.0"

_EXPORTS = {
    "OptimizerTemplate": "seed", "SGD": "seed", "SGDMomentum": "seed", "Adam": "seed",
    "train_curve": "seed", "pathological_curve_loss": "surfaces",
    "simulate": "engine", "Experiment": "experiment", "OptvizError": "errors",
    "SURFACES": "surfaces", "Surface": "surfaces", "get_surface": "surfaces", "register_surface": "surfaces",
    "OPTIMIZERS": "optimizers", "OptimizerSpec": "optimizers", "parse_optimizer": "optimizers",
    "register_optimizer": "optimizers", "plot_curve": "plotting", "animate": "notebook",
    "trainability_map": "trainability",
}
__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name):
    if name in _EXPORTS:
        value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'optviz' has no attribute {name!r}")
