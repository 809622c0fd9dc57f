"""Confidence intervals over repeated runs (seeds), for the studies' tables and charts."""
from __future__ import annotations

import math

import numpy as np

from ..errors import OptvizError


def check_level(level: float) -> None:
    if not 0 < level < 1:
        raise OptvizError(f"level must be a confidence level between 0 and 1, got {level!r}")


def t_interval(values: np.ndarray, level: float = 0.95):
    """(mean, low, high) over axis 0 of `values` [S, ...]: Student's t interval for the mean of S
    independent repeats (NaN bounds for one repeat)."""
    from scipy.stats import t as student_t
    check_level(level)
    values = np.asarray(values, dtype=np.float64)
    S = values.shape[0]
    mean = values.mean(0)
    if S < 2:
        nan = np.full_like(mean, np.nan)
        return mean, nan, nan
    half = student_t.ppf((1 + level) / 2, S - 1) * values.std(0, ddof=1) / math.sqrt(S)
    return mean, mean - half, mean + half


def text_table(labels, columns, cell, width: int, footer: str) -> str:
    """A plain-text table: a row per label, a column per name in `columns`, `cell(m, k)` right-aligned
    in `width` characters, then the footer line."""
    first = max(len(label) for label in labels) + 2
    lines = [f"{'optimizer':{first}s}" + "".join(f"{c:>{width}s}" for c in columns)]
    lines += [f"{label:{first}s}" + "".join(cell(m, k).rjust(width) for k in range(len(columns)))
              for m, label in enumerate(labels)]
    return "\n".join([*lines, footer])
