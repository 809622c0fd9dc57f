"""Fair races: tune each optimizer on the surface before racing them, or race them at one shared lr.

Tuning searches lr (log-uniform) and, where the optimizer has them, momentum or beta1, by grid or by
seeded random search within a budget of candidate settings per optimizer. All candidates of an
optimizer run at once (one batched `simulate`). A candidate is scored by its final loss, or by the
steps it needs to reach a target loss (`steps-to:1e-3`; never reaching it scores steps + 1). Ties go
to the smaller lr. No gradient clipping or other help is added anywhere.
"""
from __future__ import annotations

import itertools
import math

import numpy as np

from .errors import OptvizError
from .optimizers import OptimizerSpec, get_optimizer

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
    from .engine import simulate

    kind, target = parse_score(score)
    if budget < 1:
        raise OptvizError(f"budget must be >= 1, got {budget}")
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
