"""The surface registry: `Surface` (a 2-D loss function with its view box, z-range, default start and
minima), the `register_surface` decorator that fills SURFACES, and `get_surface`, which looks a surface
up by registered name or builds one from an expression in x/y (see `expression`).

Every function takes torch tensors `w1, w2` (broadcasting over any batch shape) and returns the loss.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

import torch

from ...errors import OptvizError, unknown
from .expression import compile_expression

Box = tuple[tuple[float, float], tuple[float, float]]


@dataclass(frozen=True)
class Minimum:
    """A known local or global minimum at (x, y)."""
    x: float
    y: float
    kind: str = "global"  # "global", "local", "sharp" or "wide"


@dataclass(frozen=True)
class Surface:
    """A named 2-D loss surface. `fn(w1, w2)` is a broadcasting torch function."""
    name: str
    fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
    box: Box
    zrange: tuple[float, float]
    start: tuple[float, float]
    minima: tuple[Minimum, ...] = ()
    title: str = ""
    description: str = ""
    expr: str | None = None
    extra: dict = field(default_factory=dict)
    # data surfaces (the loss of a model on a dataset) also give mini-batch losses:
    # batch(w1 [n], w2 [n], idx [n, B] int64) -> [n], the loss on data points idx for each of n runs
    batch: Callable | None = None
    n_data: int = 0
    # the same function as a whitelisted expression in x, y (what the interactive page computes; a test
    # checks it against fn); a user expression is its own formula
    formula: str | None = None

    def __call__(self, w1, w2):
        return self.fn(w1, w2)

    def info(self) -> dict:
        """Plain-data description stored in an experiment's metadata."""
        return {
            "name": self.name, "title": self.title or self.name, "expr": self.expr,
            "box": [list(self.box[0]), list(self.box[1])], "zrange": list(self.zrange),
            "start": list(self.start),
            "minima": [{"x": m.x, "y": m.y, "kind": m.kind} for m in self.minima],
            **({"n_data": self.n_data} if self.batch is not None else {}),
            **self.extra,
        }


SURFACES: dict[str, Surface] = {}


def register_surface(name: str, *, box: Box, zrange, start, minima=(), title: str = "", batch=None,
                     n_data: int = 0, formula: str | None = None, **extra):
    """Decorator adding a torch loss function to the registry under `name`; its docstring describes it.
    `formula` is the same function as an expression in x, y, operation for operation."""
    def wrap(fn):
        SURFACES[name] = Surface(
            name=name, fn=fn, box=box, zrange=tuple(zrange), start=tuple(start),
            minima=tuple(Minimum(*m) for m in minima), title=title or name,
            description=(fn.__doc__ or "").strip(), extra=extra, batch=batch, n_data=n_data, formula=formula)
        return fn
    return wrap


_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def get_surface(spec, *, box: Box | None = None) -> Surface:
    """A registered surface by name, a Surface as is, or a new one from an expression in x/y."""
    if isinstance(spec, Surface):
        return spec
    if not isinstance(spec, str):
        raise OptvizError(f"surface must be a name or an expression string, not {spec!r}")
    key = spec.strip()
    if key in SURFACES:
        return SURFACES[key]
    if _IDENT.match(key) and key not in ("x", "y", "w1", "w2"):
        raise unknown("surface", key, SURFACES, also="or an expression in x, y such as x**2 + 10*sin(y)")
    return expression_surface(key, box=box)


def expression_surface(expr: str, *, box: Box | None = None) -> Surface:
    """A Surface from a user expression; its z-range is measured on a grid over the box."""
    fn = compile_expression(expr)
    box = box or ((-5.0, 5.0), (-5.0, 5.0))
    (x0, x1), (y0, y1) = box
    xs = torch.linspace(x0, x1, 101, dtype=torch.float64)
    ys = torch.linspace(y0, y1, 101, dtype=torch.float64)
    gx, gy = torch.meshgrid(xs, ys, indexing="xy")
    z = fn(gx, gy)
    finite = z[torch.isfinite(z)]
    if finite.numel() == 0:
        raise OptvizError(f"surface expression {expr!r} is not finite anywhere in the box {box}")
    start = (x0 + 0.8 * (x1 - x0), y0 + 0.8 * (y1 - y0))
    return Surface(name="expr", fn=fn, box=box, zrange=(float(finite.min()), float(finite.max())),
                   start=start, title=expr, description=f"user expression: {expr}", expr=expr, formula=expr)
