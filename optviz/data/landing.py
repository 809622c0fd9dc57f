"""Where runs land: counts per minimum (plus "neither" and "diverged") over seeds, with confidence intervals.

`LandingResult` holds counts [S, M, K] for S seeds, M optimizers and K categories and summarises them
(mean fraction and its interval, a text table, a CSV). The `optviz experiment minima` study
(`optviz.studies.minima`) runs the seeds and classifies the runs; `optviz.render.landing` draws the chart.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .files import write_csv
from .stats import check_level, t_interval, text_table


@dataclass
class LandingResult:
    counts: np.ndarray          # [S, M, K] int64
    categories: list[str]
    labels: list[str]
    seeds: list[int]
    starts_per_seed: int
    meta: dict

    def __repr__(self) -> str:
        return (f"LandingResult({self.meta['surface']['name']}, optimizers={self.labels!r}, "
                f"categories={self.categories!r}, {len(self.seeds)} seeds x {self.starts_per_seed} starts)")

    @property
    def fractions(self) -> np.ndarray:
        return self.counts / self.starts_per_seed

    def summary(self, level: float = 0.95):
        """Mean fraction [M, K] over seeds and its confidence interval (lo, hi): Student's t over the
        seeds' fractions when there are several seeds, else the Wilson interval over the one seed's starts."""
        check_level(level)
        f = self.fractions
        if len(self.seeds) > 1:
            mean, lo, hi = t_interval(f, level)
        else:
            mean = f.mean(0)
            from scipy.stats import norm
            z, n = norm.ppf((1 + level) / 2), self.starts_per_seed
            centre = (mean + z * z / (2 * n)) / (1 + z * z / n)
            half = z * np.sqrt(mean * (1 - mean) / n + z * z / (4 * n * n)) / (1 + z * z / n)
            lo, hi = centre - half, centre + half
        return mean, np.clip(lo, 0, 1), np.clip(hi, 0, 1)

    def table(self, level: float = 0.95) -> str:
        """Plain-text table: mean percentage and CI per optimizer and category."""
        mean, lo, hi = self.summary(level)
        return text_table(self.labels, self.categories,
                          lambda m, k: f"{100 * mean[m, k]:>7.1f}% [{100 * lo[m, k]:5.1f}, {100 * hi[m, k]:5.1f}]", 23,
                          f"({len(self.seeds)} seeds x {self.starts_per_seed} starts; {int(level * 100)}% confidence "
                          f"interval over seeds in brackets)")

    def save_csv(self, path, level: float = 0.95):
        """One row per optimizer and category: counts per seed, mean fraction and its interval."""
        mean, lo, hi = self.summary(level)
        return write_csv(path, ["optimizer", "category", "mean_fraction", "ci_low", "ci_high", "level", "seeds",
                                "starts_per_seed", *(f"count_seed{s}" for s in self.seeds)],
                         ([lab, cat, f"{mean[m, k]:.6f}", f"{lo[m, k]:.6f}", f"{hi[m, k]:.6f}", level,
                           len(self.seeds), self.starts_per_seed, *self.counts[:, m, k].tolist()]
                          for m, lab in enumerate(self.labels) for k, cat in enumerate(self.categories)))
