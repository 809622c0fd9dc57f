"""`optviz experiment sweep`: small multiples. One animated panel per setting of one or two
hyperparameter grids (e.g. lr x momentum), same surface and start, panels titled with their settings.
"""
from __future__ import annotations

import itertools
from pathlib import Path

from ..errors import OptvizError
from ..parsing import parse_point
from .base import add_style_arguments, extra_formats, study


def parse_grid(text: str) -> tuple[str, list[float]]:
    try:
        name, values = text.split("=", 1)
        vals = [float(v) for v in values.split(",") if v.strip()]
    except ValueError:
        raise OptvizError(f"bad grid {text!r}; write name=v1,v2,..., e.g. lr=0.01,0.1,1") from None
    if not vals:
        raise OptvizError(f"grid {text!r} has no values")
    return name.strip(), vals


def sweep_specs(optimizer: str, grids: list[str]):
    """OptimizerSpecs for the product of the grids (the first grid varies along columns) and the
    (rows, columns) shape."""
    from ..core.optimizers import OptimizerSpec, parse_optimizer, validate_spec

    if not 1 <= len(grids) <= 2:
        raise OptvizError(f"give one or two --grid options, got {len(grids)}")
    base = parse_optimizer(optimizer)
    parsed = [parse_grid(g) for g in grids]
    cols = parsed[0]
    rows = parsed[1] if len(parsed) > 1 else (None, [None])
    specs = []
    for rv, cv in itertools.product(rows[1], cols[1]):
        hp = {**base.hyperparameters, cols[0]: cv, **({rows[0]: rv} if rows[0] else {})}
        spec = OptimizerSpec(base.name, hp)
        validate_spec(spec)
        specs.append(spec)
    return specs, (len(rows[1]), len(cols[1]))


def sweep_arguments(p):
    p.add_argument("--surface", default="pathological")
    p.add_argument("--optimizer", default="sgd", help="the optimizer and its fixed settings, e.g. momentum:momentum=0.9")
    p.add_argument("--grid", action="append", required=True, metavar="NAME=V1,V2,...",
                   help="values along the columns; a second --grid gives the rows")
    p.add_argument("--start", help="x,y (default: the surface's start)")
    p.add_argument("--steps", type=int, default=50)
    p.add_argument("--duration", type=float, help="seconds (default: one frame per step)")
    p.add_argument("--hold", type=float, default=1.5)
    p.add_argument("-o", "--output", default="sweep.gif", metavar="FILE", help=".gif, .mp4, .webm or .html")
    add_style_arguments(p)


@study("sweep", "small multiples: an animated panel per hyperparameter setting", sweep_arguments)
def sweep(args) -> list[Path]:
    from ..core.engine import simulate
    from ..core.surfaces import get_surface
    from ..render.animate import check_output, render
    from ..render.style import Style
    from ..render.timeline import Timeline

    check_output(args.output, "grid")
    specs, shape = sweep_specs(args.optimizer, args.grid)
    start = parse_point(args.start) if args.start else None
    surf = get_surface(args.surface)
    # the surface's own box: a diverging setting leaves the view instead of stretching every panel
    exp = simulate(surf, specs, start, args.steps, box=surf.box)
    exp.meta["sweep"] = {"shape": list(shape), "grid": args.grid, "optimizer": args.optimizer}
    timeline = Timeline(fps=args.fps, duration=args.duration, hold=args.hold)
    style = Style(preset=args.preset, theme=args.theme)
    return [render(exp, p, view="grid", style=style, timeline=timeline, workers=args.workers)
            for p in extra_formats(args.output, args.formats)]
