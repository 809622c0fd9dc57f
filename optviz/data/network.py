"""A real network's training run as plain numpy data: M optimizers trained from the same initial weights,
their flattened weights and metrics recorded every k steps (computed by `optviz.core.networks.train`).

With R records (row 0 the initial weights, then every `record_every` steps and the last step) and D
weights:

    params        [M, R, D]  float32  the flattened weights (torch's parameters_to_vector order)
    record_steps  [R]        int64    the training step of each record
    train_loss    [M, R]     float64  loss on the whole training set at each record (NaN after divergence)
    train_acc     [M, R]     float64  accuracy on it (NaN for regression tasks)
    test_loss     [M, R]     float64  the same on the test set
    test_acc      [M, R]     float64
    diverged_at   [M]        int64    first record whose loss was non-finite, -1 if none
    meta          dict: task, optimizers (name, label, title, hyperparameters, schedule), steps, batch_size,
                  seed, record_every, parameter names and shapes, optviz version
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .files import Optimizers, Saved, human_size

ARRAYS = ("params", "record_steps", "train_loss", "train_acc", "test_loss", "test_acc", "diverged_at")


@dataclass
class NetworkRun(Saved, Optimizers):
    ARRAYS, WHAT = ARRAYS, "network run"   # what save and load write and read
    params: np.ndarray
    record_steps: np.ndarray
    train_loss: np.ndarray
    train_acc: np.ndarray
    test_loss: np.ndarray
    test_acc: np.ndarray
    diverged_at: np.ndarray
    meta: dict

    def final(self, m: int) -> np.ndarray:
        """[D] the last finite weights of optimizer m."""
        d = int(self.diverged_at[m])
        return self.params[m, (d - 1 if d > 0 else 0) if d >= 0 else -1]

    def __repr__(self) -> str:
        M, R, D = self.params.shape
        size = human_size(sum(getattr(self, k).nbytes for k in ARRAYS))
        return (f"NetworkRun(task={self.meta['task']['name']!r}, optimizers={self.labels!r}, {D:,} weights, "
                f"{self.meta['steps']} steps, {R} records, diverged={int((self.diverged_at >= 0).sum())}/{M}, {size})")
