"""`optviz experiment minima`: sharp versus wide. Many random starts per optimizer over several seeds;
where does each run land (each known minimum, neither, diverged)? A table on stdout with confidence
intervals over seeds, a CSV, a bar chart and a swarm GIF coloured by landing minimum.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ..data.experiment import Experiment
from ..data.landing import LandingResult
from ..errors import OptvizError
from ..progress import progress_bar
from .base import add_style_arguments, animation_paths, output_paths, study


def categories(minima: list[dict]) -> list[str]:
    """One name per known minimum (its kind when the kinds are distinct), then neither and diverged."""
    kinds = [m["kind"] for m in minima]
    names = kinds if len(set(kinds)) == len(kinds) else [f"({m['x']:.2f}, {m['y']:.2f})" for m in minima]
    return [*names, "neither", "diverged"]


def default_radius(exp: Experiment) -> float:
    (x0, x1), (y0, y1) = exp.meta["surface"]["box"]
    return 0.05 * math.hypot(x1 - x0, y1 - y0)


def classify(exp: Experiment, radius: float | None = None) -> np.ndarray:
    """[M, N] category index of every run's last position: k for the k-th minimum when it ends within
    `radius` of it (default 5% of the surface box's diagonal), then neither, then diverged."""
    radius = default_radius(exp) if radius is None else radius
    K = len(exp.minima)
    final = exp.position[:, :, -1].astype(np.float64)
    out = np.full(final.shape[:2], K, np.int64)
    if K:
        mins = np.array([[m["x"], m["y"]] for m in exp.minima])
        d = np.linalg.norm(final[:, :, None, :] - mins, axis=-1)  # [M, N, K]
        near = np.nanargmin(np.where(np.isfinite(d), d, np.inf), axis=-1)
        hit = np.take_along_axis(d, near[..., None], -1)[..., 0] <= radius
        out[hit] = near[hit]
    out[exp.diverged_at >= 0] = K + 1
    return out


MAX_SEEDS = 100_000   # each seed is a whole simulation; more is hours, not a bigger picture
# momentum and Adam as the blog post compares them, and SAM around the same momentum: the optimizer
# built to seek wide minima
MINIMA_DEFAULT = ["momentum:lr=1,momentum=0.9", "adam:lr=0.1", "sam:base=momentum,lr=1,momentum=0.9,rho=0.1"]


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
    add_style_arguments(p)


def run_minima(surface="sharp-wide", optimizers=None, starts=200, seeds=10, steps=400, noise=0.0,
               radius=None, progress=None):
    """Landing counts over `seeds` seeds; returns (LandingResult, the first seed's Experiment)."""
    from ..core.engine import simulate
    from ..core.optimizers import resolve_optimizers

    if not (1 <= seeds <= MAX_SEEDS and starts >= 1):
        raise OptvizError(f"seeds must be from 1 to {MAX_SEEDS:,} and starts >= 1, got {seeds} and {starts}")
    if radius is not None and not radius > 0:
        raise OptvizError(f"radius must be > 0, got {radius!r}")
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


@study("minima", "where many starts of each optimizer land (sharp, wide, neither, diverged)",
            minima_arguments)
def minima(args) -> list[Path]:
    from ..render.animate import render
    from ..render.landing import save_landing_chart
    from ..render.style import Style
    from ..render.timeline import Timeline

    if not 0 < args.level < 1:
        raise OptvizError(f"level must be a confidence level between 0 and 1, got {args.level!r}")
    csv_path, png, swarm_path = output_paths(args.output, ".csv", "-bars.png", "-swarm")
    animations = animation_paths(swarm_path, args.formats)   # checked before any work
    style = Style(preset=args.preset, theme=args.theme)
    total = args.seeds * args.starts * args.steps * len(args.optimizer or MINIMA_DEFAULT)
    with progress_bar(total, "simulating") as bar:
        result, exp = run_minima(args.surface, args.optimizer, args.starts, args.seeds, args.steps, args.noise,
                                 args.radius, bar.update if bar else None)
    print(result.table(args.level))
    written = [result.save_csv(csv_path, args.level), save_landing_chart(result, png, style, args.level)]
    swarm = Style(preset=args.preset, theme=args.theme, color_by="minimum")
    timeline = Timeline(fps=args.fps, duration=6, hold=1.5)
    for path in animations:
        written.append(render(exp, path, view="2d", style=swarm, timeline=timeline, workers=args.workers))
    return written
