"""Where `simulate` records a run: preallocated arrays written in place step by step, then NaN-filled
after each start's first bad row (non-finite, or beyond the bound), which `finish` reports as diverged_at.
"""
from __future__ import annotations

import numpy as np
import torch


class Recorder:
    """Preallocated arrays, time-major in memory ([M, T, N, ...]) so each step writes one contiguous
    block, exposed as [M, N, T, ...] views. Torch views of them are written in place, step by step."""

    def __init__(self, M, N, T, np_dtype):
        self.shape = (M, N, T)
        self.np_dtype = np_dtype
        self.position = self._alloc(2)
        self.loss = self._alloc(None)
        self.grad = self._alloc(2)
        self.state: dict[str, np.ndarray] = {}
        self.state_written: dict[str, set[int]] = {}

    def _alloc(self, last):
        """Uninitialised: every row of position, loss and grad is written by the run."""
        M, N, T = self.shape
        tail = (last,) if last else ()
        return np.empty((M, T, N, *tail), self.np_dtype).swapaxes(1, 2)

    def view(self, arr, m, sl):
        """A torch tensor [T, n, ...] sharing memory with arr[m, sl] (time-major)."""
        return torch.from_numpy(arr[m].swapaxes(0, 1))[:, sl]

    def state_view(self, name, m, sl):
        if name not in self.state:
            self.state[name] = self._alloc(2)
            self.state_written[name] = set()
        self.state_written[name].add(m)
        return self.view(self.state[name], m, sl)

    def finish(self, bound: float) -> np.ndarray:
        """NaN for state an optimizer lacks and for rows from each start's first bad row on;
        returns diverged_at [M, N]. A row is bad when its loss is non-finite or its position is
        non-finite or beyond `bound` (`~(|p| <= bound)` is true for all three)."""
        for name, arr in self.state.items():
            for m in set(range(self.shape[0])) - self.state_written[name]:
                arr[m] = np.nan
        M, N, T = self.shape
        first_bad = np.full((M, N), -1, np.int64)
        block = max(1, 2**16 // max(N, 1))  # rows per block: temporaries stay in cache
        for m in range(M):
            pos_tm, loss_tm = self.position[m].swapaxes(0, 1), self.loss[m].swapaxes(0, 1)  # [T, N] views
            for t0 in range(0, T, block):
                with np.errstate(invalid="ignore"):
                    bad = ~(np.abs(pos_tm[t0:t0 + block]) <= bound).all(-1) | ~np.isfinite(loss_tm[t0:t0 + block])
                hit = bad.any(0) & (first_bad[m] < 0)
                if hit.any():
                    first_bad[m, hit] = t0 + bad[:, hit].argmax(0)
        for m, n in zip(*np.nonzero(first_bad >= 0)):
            t = first_bad[m, n]
            for arr in (self.position, self.loss, self.grad, *self.state.values()):
                arr[m, n, t:] = np.nan
        return first_bad
