"""`optviz experiment NAME`: the studies beyond single races, each writing its numbers and pictures.

    minima   many starts per optimizer over several seeds: where do they land (each known minimum,
             neither, diverged)? Table on stdout, CSV, bar chart with confidence intervals, swarm GIF.
    sweep    small multiples: one animated panel per setting of a hyperparameter grid, same start.
    map      trainability map: every pixel of an (lr, momentum) / (lr, beta) / (lr_x, lr_y) grid is one
             run; a PNG and NPZ, and optionally an animation zooming into the diverging boundary.

Experiments are registered in EXPERIMENTS by the `experiment` decorator: name -> (add_arguments, run).
"""
from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path
from typing import Callable

import numpy as np

from .errors import OptvizError, unknown

EXPERIMENTS: dict[str, tuple[Callable, Callable, str]] = {}


def experiment(name: str, help: str, arguments: Callable):
    """Register `run(args) -> list[Path]`; `arguments(parser)` adds its flags."""
    def wrap(fn):
        EXPERIMENTS[name] = (arguments, fn, help)
        return fn
    return wrap


def _outputs(prefix: str, *suffixes: str) -> list[Path]:
    base = Path(prefix)
    base = base.with_suffix("") if base.suffix in (".png", ".gif", ".mp4", ".csv", ".npz") else base
    return [base.parent / f"{base.name}{s}" for s in suffixes]


def _animations(base: Path, formats: str) -> list[Path]:
    from .render.encode import VIDEO_FORMATS
    out = []
    for fmt in (f.strip().lower() for f in formats.split(",") if f.strip()):
        if fmt not in VIDEO_FORMATS or fmt == "png":
            raise OptvizError(f"unknown animation format {fmt!r}; choose from: gif, mp4, webm, html")
        out.append(base.parent / f"{base.name}.{fmt}")
    return out


def _style_args(p):
    p.add_argument("--preset", default="blog")
    p.add_argument("--theme", default="light")
    p.add_argument("--fps", type=int, default=20)
    p.add_argument("--formats", default="gif", help="animation formats, comma-separated: gif, mp4, webm")
    p.add_argument("--workers", type=int)


def _progress(total, desc, unit="ball-steps"):
    from .cli import _progress as bar
    return bar(total, desc, unit)


# ---- minima: sharp versus wide ----------------------------------------------------------------------

MINIMA_DEFAULT = ["momentum:lr=1,momentum=0.9", "adam:lr=0.1"]


def minima_arguments(p):
    p.add_argument("--surface", default="sharp-wide")
    p.add_argument("--optimizer", action="append", metavar="NAME[:k=v,...]",
                   help=f"repeatable (default: {' and '.join(MINIMA_DEFAULT)})")
    p.add_argument("--starts", type=int, default=200, help="random starts per seed")
    p.add_argument("--seeds", type=int, default=10, help="independent repeats (new starts and noise)")
    p.add_argument("--steps", type=int, default=400)
    p.add_argument("--noise", type=float, default=0.0)
    p.add_argument("--radius", type=float, help="landing radius (default: 5%% of the box diagonal)")
    p.add_argument("--level", type=float, default=0.95, help="confidence level")
    p.add_argument("-o", "--output", default="minima", metavar="PREFIX",
                   help="writes PREFIX.csv, PREFIX-bars.png and PREFIX-swarm.gif")
    _style_args(p)


def run_minima(surface="sharp-wide", optimizers=None, starts=200, seeds=10, steps=400, noise=0.0,
               radius=None, progress=None):
    """Landing counts over `seeds` seeds; returns (LandingResult, the first seed's Experiment)."""
    from .engine import resolve_optimizers, simulate
    from .landing import LandingResult, categories, classify

    if seeds < 1 or starts < 1:
        raise OptvizError(f"seeds and starts must be >= 1, got {seeds} and {starts}")
    specs = resolve_optimizers(optimizers or MINIMA_DEFAULT)
    counts, first = [], None
    for s in range(seeds):
        exp = simulate(surface, specs, starts, steps, noise=noise, seed=s, progress=progress)
        first = first or exp
        cats = categories(exp.minima)
        k = classify(exp, radius)
        counts.append([np.bincount(row, minlength=len(cats)) for row in k])
    meta = {"surface": first.meta["surface"], "steps": steps, "noise": noise, "radius": radius,
            "optimizers": first.meta["optimizers"]}
    return LandingResult(np.array(counts), cats, first.labels, list(range(seeds)), starts, meta), first


@experiment("minima", "where many starts of each optimizer land (sharp, wide, neither, diverged)",
            minima_arguments)
def minima(args) -> list[Path]:
    from .render.animate import render
    from .render.bars import save_landing_chart
    from .render.style import Style
    from .render.timeline import Timeline

    csv_path, png, swarm_path = _outputs(args.output, ".csv", "-bars.png", "-swarm")
    animations = _animations(swarm_path, args.formats)   # checked before any work
    style = Style(preset=args.preset, theme=args.theme)
    total = args.seeds * args.starts * args.steps * len(args.optimizer or MINIMA_DEFAULT)
    with _progress(total, "simulating") as bar:
        result, exp = run_minima(args.surface, args.optimizer, args.starts, args.seeds, args.steps, args.noise,
                                 args.radius, bar.update if bar else None)
    print(result.table(args.level))
    written = [result.save_csv(csv_path, args.level), save_landing_chart(result, png, style, args.level)]
    swarm = Style(preset=args.preset, theme=args.theme, color_by="minimum")
    timeline = Timeline(fps=args.fps, duration=6, hold=1.5)
    for path in animations:
        written.append(render(exp, path, view="2d", style=swarm, timeline=timeline, workers=args.workers))
    return written


# ---- sweep: small multiples -------------------------------------------------------------------------

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
    from .optimizers import OptimizerSpec, parse_optimizer, validate_spec

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
    _style_args(p)


@experiment("sweep", "small multiples: an animated panel per hyperparameter setting", sweep_arguments)
def sweep(args) -> list[Path]:
    from .cli import parse_point
    from .engine import simulate
    from .render.animate import check_output, render
    from .render.style import Style
    from .render.timeline import Timeline

    check_output(args.output, "grid")
    specs, shape = sweep_specs(args.optimizer, args.grid)
    start = parse_point(args.start) if args.start else None
    from .surfaces import get_surface
    surf = get_surface(args.surface)
    # the surface's own box: a diverging setting leaves the view instead of stretching every panel
    exp = simulate(surf, specs, start, args.steps, box=surf.box)
    exp.meta["sweep"] = {"shape": list(shape), "grid": args.grid, "optimizer": args.optimizer}
    timeline = Timeline(fps=args.fps, duration=args.duration, hold=args.hold)
    style = Style(preset=args.preset, theme=args.theme)
    paths = [Path(args.output)] + [p for p in _animations(Path(args.output).with_suffix(""), args.formats)
                                   if p.suffix != Path(args.output).suffix and args.formats != "gif"]
    return [render(exp, p, view="grid", style=style, timeline=timeline, workers=args.workers) for p in paths]


# ---- map: trainability ------------------------------------------------------------------------------

def _resolution(text: str) -> tuple[int, int]:
    try:
        w, _, h = text.lower().partition("x")
        return int(w), int(h or w)
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad resolution {text!r}; write W or WxH, e.g. 1000") from None


def map_arguments(p):
    p.add_argument("--surface", default="ravine")
    p.add_argument("--optimizer", default="torch-momentum",
                   help="sgd, momentum, torch-momentum, nesterov or adam; fixed settings as name:k=v")
    p.add_argument("--x", default="lr=1e-3:1", help="axis name=lo:hi[:log|linear] (default lr=1e-3:1)")
    p.add_argument("--y", default="momentum=0:0.99", help="axis (default momentum=0:0.99)")
    p.add_argument("--resolution", type=_resolution, default=(1000, 1000), metavar="W[xH]")
    p.add_argument("--steps", type=int, default=1000)
    p.add_argument("--start", help="x,y (default: the surface's start)")
    p.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    p.add_argument("--device", default="cpu", help="cpu, cuda or auto (cuda when torch sees a GPU)")
    p.add_argument("--chunk", type=int, default=None, help="pixels per batch (bounds memory)")
    p.add_argument("--zoom-frames", type=int, default=0, help="frames of a zoom into the boundary (0: none)")
    p.add_argument("--zoom-depth", type=float, default=1000.0, help="total magnification of the zoom")
    p.add_argument("--zoom-resolution", type=_resolution, default=(320, 240), metavar="W[xH]")
    p.add_argument("--zoom-at", help="u,v in [0,1]: zoom into the boundary point nearest here")
    p.add_argument("-o", "--output", default="map", metavar="PREFIX",
                   help="writes PREFIX.png and PREFIX.npz (and PREFIX-zoom.gif)")
    _style_args(p)


@experiment("map", "trainability map over two hyperparameters (and a zoom into its boundary)", map_arguments)
def trainability(args) -> list[Path]:
    from .cli import parse_point
    from .optimizers import parse_optimizer
    from .render.encode import write_animation
    from .render.mapview import ZoomScene, save_map_png
    from .render.style import Style
    from .trainability import CHUNK, boundary_point, resolve_device, trainability_map, zoom_maps, zoom_windows

    png, npz, zoom_path, znpz = _outputs(args.output, ".png", ".npz", "-zoom", "-zoom.npz")
    animations = _animations(zoom_path, args.formats)
    resolve_device(args.device)
    opt = parse_optimizer(args.optimizer)
    start = parse_point(args.start) if args.start else None
    common = dict(steps=args.steps, start=start, hyperparameters=opt.hyperparameters, dtype=args.dtype,
                  device=args.device, chunk=args.chunk or CHUNK)
    W, H = args.resolution
    with _progress(W * H * args.steps, "map") as bar:
        tmap = trainability_map(args.surface, opt.name, args.x, args.y, resolution=(W, H),
                                progress=bar.update if bar else None, **common)
    style = Style(preset=args.preset, theme=args.theme)
    written = [tmap.save(npz), save_map_png(tmap, png, style)]
    f = tmap.fractions()
    print(f"{W}x{H} map, {args.steps} steps: " + ", ".join(f"{k} {100 * v:.1f}%" for k, v in f.items()))
    if args.zoom_frames > 0:
        near = parse_point(args.zoom_at) if args.zoom_at else (0.5, 0.5)
        zw, zh = args.zoom_resolution
        # find the boundary on a map at the zoom's own resolution, so its pixel is on the first frame
        centre = boundary_point(tmap if (zw, zh) == (W, H) else trainability_map(
            args.surface, opt.name, args.x, args.y, resolution=(zw, zh), **common), near=near)
        windows = zoom_windows(centre, args.zoom_depth, args.zoom_frames)
        with _progress(zw * zh * args.steps * len(windows), "zoom") as bar:
            zoom = zoom_maps(args.surface, opt.name, args.x, args.y, windows, resolution=(zw, zh), follow=True,
                             progress=bar.update if bar else None, **common)
        written.append(zoom.save(znpz))
        scene = ZoomScene(zoom, style, hold_frames=args.fps * 2)
        for path in animations:
            written.append(write_animation(path, scene, args.fps, workers=args.workers))
    return written


# ---- race: fair (tuned) or plain (one shared lr) ----------------------------------------------------------

def race_arguments(p):
    p.add_argument("--surface", default="rosenbrock")
    p.add_argument("--optimizer", action="append", metavar="NAME", help="repeatable (default: sgd, momentum, adam)")
    p.add_argument("--mode", default="tuned", help="tuned (search each optimizer's settings first) or "
                                                 "shared (one learning rate for all, --lr)")
    p.add_argument("--lr", type=float, help="the shared learning rate (mode shared)")
    p.add_argument("--search", default="grid", help="grid or random")
    p.add_argument("--budget", type=int, default=24, help="settings tried per optimizer")
    p.add_argument("--score", default="final-loss", help="final-loss or steps-to:LOSS")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--start", help="x,y (default: the surface's start)")
    p.add_argument("--duration", type=float, default=8.0)
    p.add_argument("-o", "--output", default="race.gif", metavar="FILE")
    _style_args(p)


@experiment("race", "a fair race: each optimizer tuned on the surface first, or all at one shared lr",
            race_arguments)
def race(args) -> list[Path]:
    from .cli import parse_point
    from .engine import simulate
    from .optimizers import OptimizerSpec
    from .render.animate import check_output, render
    from .render.style import Style
    from .render.timeline import Timeline
    from .tuning import tune

    check_output(args.output, "2d")
    names = args.optimizer or ["sgd", "momentum", "adam"]
    start = [parse_point(args.start)] if args.start else None
    if args.mode == "shared":
        if args.lr is None or not args.lr > 0:
            raise OptvizError(f"mode shared needs --lr > 0, got {args.lr!r}")
        specs = [OptimizerSpec(n, {"lr": args.lr}) for n in names]
        title = f"Every optimizer at lr = {args.lr:g}"
    elif args.mode == "tuned":
        with _progress(len(names) * args.budget * args.steps, "tuning") as bar:
            tuned = tune(args.surface, names, steps=args.steps, starts=start, budget=args.budget,
                         search=args.search, score=args.score, seed=args.seed,
                         progress=bar.update if bar else None)
        specs = [spec for spec, _, _ in tuned]
        for spec, value, n in tuned:
            print(f"{spec.name:10s} best of {n} ({args.search}, {args.score}): "
                  + ", ".join(f"{k}={v:.3g}" for k, v in spec.hyperparameters.items()) + f"  score {value:.4g}")
        title = f"Each optimizer tuned ({args.search} search, {args.budget} tries, {args.score})"
    else:
        raise OptvizError(f"unknown mode {args.mode!r}; choose from: shared, tuned")
    exp = simulate(args.surface, specs, start, args.steps, seed=args.seed)
    style = Style(preset=args.preset, theme=args.theme, title=title)
    timeline = Timeline(fps=args.fps, duration=args.duration, hold=1.5)
    paths = [Path(args.output)] + [p for p in _animations(Path(args.output).with_suffix(""), args.formats)
                                   if p.suffix != Path(args.output).suffix and args.formats != "gif"]
    return [render(exp, p, view="2d", style=style, timeline=timeline, workers=args.workers) for p in paths]


# ---- the command --------------------------------------------------------------------------------------

def add_parser(sub) -> None:
    p = sub.add_parser("experiment", help="studies: " + ", ".join(EXPERIMENTS))
    inner = p.add_subparsers(dest="experiment", required=True, parser_class=type(p))
    for name, (arguments, _, help) in EXPERIMENTS.items():
        q = inner.add_parser(name, help=help, description=help)
        arguments(q)
    p.set_defaults(func=cmd_experiment)


def cmd_experiment(args) -> int:
    if args.experiment not in EXPERIMENTS:
        raise unknown("experiment", args.experiment, EXPERIMENTS)
    written = EXPERIMENTS[args.experiment][1](args)
    for path in written:
        print(f"wrote {path}", file=sys.stderr)
    return 0
