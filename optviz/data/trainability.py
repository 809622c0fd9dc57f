"""A trainability map as plain numpy data (no torch), saved as NPZ; computed by
`optviz.core.trainability`, drawn by `optviz.render.trainability`.

Every pixel is one run of one optimizer from one start with the hyperparameters at that pixel.
F maps of H x W pixels (F > 1 for a zoom sequence; frame f zooms into the previous ones):

    x_values     [F, W]     float64  hyperparameter `meta["x"]["name"]` of each column
    y_values     [F, H]     float64  hyperparameter `meta["y"]["name"]` of each row
    diverged_at  [F, H, W]  int32    first step whose loss was non-finite or position beyond the bound, -1 if none
    final_loss   [F, H, W]  float64  loss after the last step (NaN where diverged)
    mean_loss    [F, H, W]  float64  mean loss over the steps before divergence (texture of the picture)
    converged    [F, H, W]  bool     ended within `meta["tol"]` of a known minimum
    meta         dict: surface, optimizer, fixed hyperparameters, axes (name, lo, hi, scale), steps, start,
                 dtype, device, tol, bound, optviz version
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .files import Saved, human_size

ARRAYS = ("x_values", "y_values", "diverged_at", "final_loss", "mean_loss", "converged")
OUTCOMES = ("converged", "diverged", "neither")


@dataclass
class TrainabilityMap(Saved):
    ARRAYS, WHAT = ARRAYS, "trainability map"   # what save and load write and read
    x_values: np.ndarray
    y_values: np.ndarray
    diverged_at: np.ndarray
    final_loss: np.ndarray
    mean_loss: np.ndarray
    converged: np.ndarray
    meta: dict

    @property
    def diverged(self) -> np.ndarray:
        return self.diverged_at >= 0

    @property
    def outcome(self) -> np.ndarray:
        """[F, H, W] int8: 0 converged, 1 diverged, 2 neither (bounded but not at a minimum)."""
        out = np.full(self.diverged_at.shape, 2, np.int8)
        out[self.converged] = 0
        out[self.diverged] = 1
        return out

    def fractions(self, f: int = 0) -> dict[str, float]:
        o = self.outcome[f]
        return {name: float((o == k).mean()) for k, name in enumerate(OUTCOMES)}

    def extent(self, f: int = 0) -> tuple[float, float, float, float]:
        return (float(self.x_values[f, 0]), float(self.x_values[f, -1]),
                float(self.y_values[f, 0]), float(self.y_values[f, -1]))

    def __repr__(self) -> str:
        F, H, W = self.diverged_at.shape
        m = self.meta
        shares = ", ".join(f"{k} {100 * v:.1f}%" for k, v in self.fractions().items())
        size = human_size(sum(getattr(self, k).nbytes for k in ARRAYS))
        return (f"TrainabilityMap({m['optimizer']} on {m['surface']['name']}, {m['x']['name']} x {m['y']['name']}, "
                f"{W}x{H} pixels, {F} frame(s), {m['steps']} steps: {shares}, {size})")
