"""optviz: run optimizers on 2-D loss surfaces, record their trajectories and render them.

The seed blog post's API (`OptimizerTemplate`, `SGD`, `SGDMomentum`, `Adam`, `pathological_curve_loss`,
`train_curve`, `plot_curve`) works after `from optviz import *`. Names load lazily, so renderers can
import `optviz.data` and `optviz.render` without importing torch.

The package is layered; imports point only down the list (each folder's docstring says what it holds
and may import):

    cli/, notebook   front ends: the command line; Jupyter (plot_curve, animate, explore, inline display)
    studies/         `optviz experiment NAME`: each study's compute, pictures and subcommand
    lecture/         the narrated lecture: script, timing, voice, audio, subtitles, video
    core/, render/   compute in torch | pictures with matplotlib and manim (neither imports the other)
    data/            plain numpy objects between them: Experiment, TrainabilityMap, LandingResult
    cache            where computed runs and the lecture's pieces are kept, and the runs store
    errors, extras, parsing, progress, version   what every layer may use (extras: what each
                     optional part needs, checked when it is asked for)

May import: optviz.errors, optviz.extras, optviz.version, optviz.parsing, optviz.progress, optviz.cache, optviz.data, optviz.core,
optviz.render, optviz.studies, optviz.lecture, optviz.cli, optviz.notebook.
"""
from importlib import import_module

from . import notebook  # noqa: F401  (teaches the data objects to show themselves in Jupyter)
from .version import __version__

_EXPORTS = {
    "OptimizerTemplate": "core.seed", "SGD": "core.seed", "SGDMomentum": "core.seed", "Adam": "core.seed",
    "train_curve": "core.seed", "pathological_curve_loss": "core.surfaces",
    "simulate": "core.engine", "Experiment": "data.experiment", "OptvizError": "errors",
    "SURFACES": "core.surfaces", "Surface": "core.surfaces", "get_surface": "core.surfaces",
    "register_surface": "core.surfaces", "OPTIMIZERS": "core.optimizers", "OptimizerSpec": "core.optimizers",
    "parse_optimizer": "core.optimizers", "register_optimizer": "core.optimizers", "plot_curve": "notebook",
    "animate": "notebook", "explore": "notebook", "trainability_map": "core.trainability",
    "train_network": "core.networks", "landscape": "core.networks", "TASKS": "core.networks",
    "NetworkRun": "data.network", "Style": "render.style", "Timeline": "render.timeline",
}
__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name):
    if name in _EXPORTS:
        value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'optviz' has no attribute {name!r}")
