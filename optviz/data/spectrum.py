"""The Hessian's eigenvalue spectrum where each optimizer ended, and how its sharpness estimate converged.
Computed by `optviz experiment generalization` (seed 0), drawn by optviz.render.spectrum.

    nodes    [M, R, K]  float64  stochastic Lanczos quadrature nodes (eigenvalue estimates) of optimizer m,
                                 random vector r
    weights  [M, R, K]  float64  their weights (each [m, r] row sums to 1; NaN: the run diverged)
    power    [M, I]     float64  the power iteration's Rayleigh quotient at each iteration (NaN-padded
                                 after it converged): the top eigenvalue's estimate as iterations go on
    labels   [M]        optimizer labels
    meta     task, seed, Lanczos steps, random vectors, the dimension D
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass
class Spectrum:
    nodes: np.ndarray
    weights: np.ndarray
    power: np.ndarray
    labels: list[str]
    meta: dict

    def density(self, m: int, grid: np.ndarray, sigma: float) -> np.ndarray:
        """Optimizer m's eigenvalue density on `grid` (each node a Gaussian of width sigma; integrates to 1)."""
        nodes, weights = self.nodes[m], self.weights[m]
        if not np.isfinite(weights).all():
            return np.full(len(grid), np.nan)
        g = np.asarray(grid, np.float64)[:, None]
        kernel = np.exp(-0.5 * ((g - nodes.ravel()[None]) / sigma) ** 2) / (sigma * math.sqrt(2 * math.pi))
        return kernel @ weights.ravel() / len(nodes)

    def arrays(self, prefix: str = "spectrum_") -> dict:
        return {prefix + k: getattr(self, k) for k in ("nodes", "weights", "power")}

    @classmethod
    def from_arrays(cls, arrays: dict, labels: list[str], meta: dict, prefix: str = "spectrum_") -> "Spectrum | None":
        if prefix + "nodes" not in arrays:
            return None
        return cls(*(np.asarray(arrays[prefix + k], np.float64) for k in ("nodes", "weights", "power")), labels, meta)
