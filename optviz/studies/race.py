"""`optviz experiment race`: a fair race. Tune each optimizer on the surface before racing them, or race
them at one shared lr.

Tuning searches lr (log-uniform) and, where the optimizer has them, momentum or beta1, by grid or by
seeded random search within a budget of candidate settings per optimizer. All candidates of an
optimizer run at once (one batched `simulate`). A candidate is scored by its final loss, or by the
steps it needs to reach a target loss (`steps-to:1e-3`; never reaching it scores steps + 1). Ties go
to the smaller lr. No gradient clipping or other help is added anywhere.
"""
from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np

from ..errors import OptvizError
from ..parsing import parse_point
from ..progress import progress_bar
from .base import add_style_arguments, extra_formats, study

SECOND = ("momentum", "beta1")
SEARCHES = ("grid", "random")


def parse_score(text: str):
    if text == "final-loss":
        return text, None
    if text.startswith("steps-to:"):
        try:
            return "steps-to", float(text.split(":", 1)[1])
        except ValueError:
            pass
    raise OptvizError(f"bad score {text!r}; choose from: final-loss, steps-to:LOSS (e.g. steps-to:1e-3)")


def candidates(name: str, budget: int, search: str, rng, lr_range=(1e-4, 10.0)) -> list[dict]:
    """Up to `budget` settings of lr (and momentum/beta1 when the optimizer has one), rounded to three
    significant digits so that labels stay short and settings can be typed back in."""
    return [{k: float(f"{v:.3g}") for k, v in c.items()} for c in _candidates(name, budget, search, rng, lr_range)]


def _candidates(name, budget, search, rng, lr_range):
    if search not in SEARCHES:
        raise OptvizError(f"unknown search {search!r}; choose from: {', '.join(SEARCHES)}")
    from ..core.optimizers import get_optimizer
    keys = get_optimizer(name).keys
    second = next((k for k in SECOND if k in keys), None)
    lo, hi = (math.log10(v) for v in lr_range)
    if search == "random":
        lrs = 10 ** rng.uniform(lo, hi, budget)
        out = [{"lr": float(lr)} for lr in lrs]
        if second:
            for c, v in zip(out, rng.uniform(0.0, 0.99, budget)):
                c[second] = float(v)
        return out
    if second:
        n2 = max(1, min(4, budget // 4))
        n1 = max(1, budget // n2)
        return [{"lr": float(lr), second: float(v)}
                for lr, v in itertools.product(np.geomspace(*lr_range, n1), np.linspace(0.0, 0.95, n2))]
    return [{"lr": float(lr)} for lr in np.geomspace(*lr_range, budget)]


def tune(surface, names: list[str], *, steps: int, starts=None, budget: int = 24, search: str = "grid",
         score: str = "final-loss", seed: int = 0, progress=None):
    """[(OptimizerSpec with the best settings, its score, settings tried)] per optimizer name."""
    from ..core.engine import DEFAULT_MAX_MEMORY, check_memory, count_starts, simulate
    from ..core.optimizers import OptimizerSpec

    kind, target = parse_score(score)
    if budget < 1:
        raise OptvizError(f"budget must be >= 1, got {budget}")
    check_memory(budget, count_starts(starts), steps + 1, "float32", DEFAULT_MAX_MEMORY)   # before the candidates
    rng = np.random.default_rng(seed)
    out = []
    for name in names:
        cands = candidates(name, budget, search, rng)
        exp = simulate(surface, [OptimizerSpec(name, c) for c in cands], starts, steps, seed=seed,
                       progress=progress)
        loss = exp.loss.astype(np.float64)              # [C, N, T]; NaN after divergence
        if kind == "final-loss":
            per = np.where(exp.diverged_at >= 0, np.inf, loss[:, :, -1]).mean(1)
        else:
            reached = np.nan_to_num(loss, nan=np.inf) <= target
            first = np.where(reached.any(-1), reached.argmax(-1), steps + 1)
            per = first.mean(1).astype(float)
        order = sorted(range(len(cands)), key=lambda i: (per[i], cands[i]["lr"]))
        best = order[0]
        out.append((OptimizerSpec(name, cands[best]), float(per[best]), len(cands)))
    return out


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
    add_style_arguments(p)


@study("race", "a fair race: each optimizer tuned on the surface first, or all at one shared lr",
            race_arguments)
def race(args) -> list[Path]:
    from ..core.engine import simulate
    from ..core.optimizers import OptimizerSpec
    from ..render.animate import check_output, render
    from ..render.style import Style
    from ..render.timeline import Timeline

    check_output(args.output, "2d")
    names = args.optimizer or ["sgd", "momentum", "adam"]
    start = [parse_point(args.start)] if args.start else None
    if args.mode == "shared":
        if args.lr is None or not args.lr > 0:
            raise OptvizError(f"mode shared needs --lr > 0, got {args.lr!r}")
        specs = [OptimizerSpec(n, {"lr": args.lr}) for n in names]
        title = f"Every optimizer at lr = {args.lr:g}"
    elif args.mode == "tuned":
        with progress_bar(len(names) * args.budget * args.steps, "tuning") as bar:
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
    return [render(exp, p, view="2d", style=style, timeline=timeline, workers=args.workers)
            for p in extra_formats(args.output, args.formats)]
