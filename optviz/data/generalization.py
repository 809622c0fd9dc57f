"""Generalization measured over seeds: for each optimizer and seed, where training ended (train loss),
how it did on held-out data (test loss and accuracy) and how sharp the minimum it found is (the train
loss's top Hessian eigenvalue and trace), read twice: where each run ended, and where it first reached
the train loss every run of that seed reaches (the highest final one), so that a run further down the
loss is not called flatter for that alone (Dinh et al. 2017: sharpness alone can mislead). Computed by
`optviz experiment generalization`.

    values     [S, M, K]  float64  metric k of optimizer m trained from seed s (NaN: diverged)
    metrics    [K]        names: train_loss, test_loss, test_acc, common_loss, top_eigenvalue, trace,
                          common_top_eigenvalue, common_trace
    labels     [M]        optimizer labels (with the settings each ran with)
    seeds      [S]
    meta       task, steps, batch size, tuning (the settings tried and their scores), level
    spectrum   a Spectrum (optviz.data.spectrum) at seed 0's end points, or None
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .files import load_npz, save_npz, write_csv
from .spectrum import Spectrum
from .stats import t_interval, text_table

METRICS = {"train_loss": "final train loss", "test_loss": "test loss", "test_acc": "test accuracy",
           "common_loss": "common train loss: each seed's highest final",
           "top_eigenvalue": "sharpness at the end: top Hessian eigenvalue", "trace": "at the end: Hessian trace",
           "common_top_eigenvalue": "at the common loss: top eigenvalue", "common_trace": "at the common loss: trace"}


@dataclass
class GeneralizationResult:
    values: np.ndarray
    metrics: list[str]
    labels: list[str]
    seeds: list[int]
    meta: dict
    spectrum: Spectrum | None = None

    def __repr__(self) -> str:
        return (f"GeneralizationResult({self.meta['task']['name']}, optimizers={self.labels!r}, "
                f"{len(self.seeds)} seeds, metrics={self.metrics!r})")

    def summary(self, level: float = 0.95):
        """(mean, low, high) [M, K] over seeds, Student's t interval (runs that diverged left out)."""
        mean, lo, hi = (np.full(self.values.shape[1:], np.nan) for _ in range(3))
        for m in range(self.values.shape[1]):
            for k in range(self.values.shape[2]):
                v = self.values[:, m, k]
                v = v[np.isfinite(v)]
                if len(v):
                    mean[m, k], lo[m, k], hi[m, k] = t_interval(v, level)
        return mean, lo, hi

    def table(self, level: float = 0.95) -> str:
        mean, lo, hi = self.summary(level)
        return text_table(self.labels, self.metrics,
                          lambda m, k: f"{_fmt(mean[m, k]):>10s} [{_fmt(lo[m, k])}, {_fmt(hi[m, k])}]", 28,
                          f"({len(self.seeds)} seeds; {int(level * 100)}% confidence interval over seeds in brackets)")

    def save_csv(self, path, level: float = 0.95):
        """A row per optimizer and metric: mean, interval, and the value of every seed."""
        mean, lo, hi = self.summary(level)
        return write_csv(path, ["optimizer", "metric", "mean", "ci_low", "ci_high", "level", "seeds",
                                *(f"seed{s}" for s in self.seeds)],
                         ([label, name, f"{mean[m, k]:.6g}", f"{lo[m, k]:.6g}", f"{hi[m, k]:.6g}", level,
                           len(self.seeds), *(f"{v:.6g}" for v in self.values[:, m, k])]
                          for m, label in enumerate(self.labels) for k, name in enumerate(self.metrics)))

    def save(self, path) -> Path:
        arrays = {"values": self.values, "seeds": np.array(self.seeds)}
        meta = {**self.meta, "metrics": self.metrics, "labels": self.labels}
        if self.spectrum is not None:
            arrays.update(self.spectrum.arrays())
            meta["spectrum"] = self.spectrum.meta
        return save_npz(path, arrays, meta, "a generalization result")

    @classmethod
    def load(cls, path) -> "GeneralizationResult":
        arrays, meta = load_npz(path, ("values", "seeds"), "generalization result")
        metrics, labels = meta.pop("metrics"), meta.pop("labels")
        spectrum = Spectrum.from_arrays(arrays, labels, meta.pop("spectrum", {}))
        return cls(arrays["values"], metrics, labels, [int(s) for s in arrays["seeds"]], meta, spectrum)


def _fmt(v: float) -> str:
    return "-" if not np.isfinite(v) else f"{v:.3g}"
