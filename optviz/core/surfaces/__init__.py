"""Loss surfaces: the registry, the registered surfaces and safe user expressions.

registry    Surface, Minimum, SURFACES, register_surface, get_surface (name, expression or Surface)
library     the analytic surfaces, the blog post's `pathological_curve_loss` first
datasets    data surfaces: a two-parameter model's loss on a fixed dataset, with mini-batch losses
expression  user expressions in x, y parsed into torch functions (never eval-ed)

Importing this package registers every surface, in the order `optviz list` shows them.
"""
from .library import pathological_curve_loss  # the analytic surfaces register first, as `optviz list` shows them

# isort: split
from . import datasets  # noqa: F401  (then the data surfaces)
from .registry import SURFACES, Box, Minimum, Surface, expression_surface, get_surface, register_surface

__all__ = ["SURFACES", "Box", "Minimum", "Surface", "expression_surface", "get_surface", "pathological_curve_loss",
           "register_surface"]
