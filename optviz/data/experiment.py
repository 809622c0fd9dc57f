"""The data between compute and render: an Experiment of numpy arrays, saved as NPZ, CSV or JSON.

This module imports numpy only (never torch), so renderers can load and draw experiments without it;
`optviz.notebook` gives it its Jupyter display.

Shapes, with M optimizers, N starts and T = steps + 1 recorded rows (row 0 is the start; row t is the
state *before* update t+1, so rows 0..steps-1 with their loss are the seed's `train_curve` rows):

    position     [M, N, T, 2]  float32/64  parameters (w1, w2)
    loss         [M, N, T]     float32/64  loss at `position`
    grad         [M, N, T, 2]  float32/64  gradient the optimizer saw at `position` (noise included)
    state[name]  [M, N, T, 2]  float32/64  optimizer state after update t (velocity, exp_avg, exp_avg_sq,
                                           ...); NaN for optimizers that have no such state
    lr           [M, T]        float64     learning rate of update t+1 (follows a schedule); NaN in the
                                           last row and for optimizers without an lr
    step         [M, N, T, 2]  (property) the update that led to row t, position[t] - position[t-1]
    diverged_at  [M, N]        int64       first row that was non-finite or out of bounds, -1 if none;
                                           rows from there on are NaN
    starts       [N, 2]        float64
    grid_x [Gx], grid_y [Gy], grid_z [Gy, Gx]  float64: the surface sampled over `box` for drawing
    meta         dict (JSON): surface info, optimizers (name, label, title, hyperparameters), steps,
                 dtype, noise, seed, box, optviz version; optionally "record_every" (row t is training step
                 t x record_every), "caption" (a line renderers show under the title) and
                 "off_surface" (the recorded loss is not the drawn surface's value at the position: a
                 slice of a higher-dimensional landscape; renderers then draw balls at the recorded loss)
    extra        dict of further arrays some runs record (a landscape: distances from its plane, test
                 losses, accuracies, the other grid, a 1-D line profile), saved as extra_<name>
"""
from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import OptvizError
from .files import Optimizers, atomic_path, human_size, load_npz

ARRAYS = ("position", "loss", "grad", "diverged_at", "starts", "grid_x", "grid_y", "grid_z")
FORMATS = ("npz", "csv", "json")
MAX_JSON_ROWS = 5_000_000


@dataclass
class Experiment(Optimizers):
    """One run of M optimizers from N starts on a surface, plus the surface grid for drawing."""
    position: np.ndarray
    loss: np.ndarray
    grad: np.ndarray
    diverged_at: np.ndarray
    starts: np.ndarray
    grid_x: np.ndarray
    grid_y: np.ndarray
    grid_z: np.ndarray
    meta: dict
    state: dict[str, np.ndarray] = field(default_factory=dict)
    lr: np.ndarray | None = None    # [M, T] learning rate of update t+1 (schedules); NaN where none
    extra: dict[str, np.ndarray] = field(default_factory=dict)   # more arrays a kind of run records

    # ---- convenient views ---------------------------------------------------------------------
    @property
    def step(self) -> np.ndarray:
        """[M, N, T, 2] effective update that led to row t, position[t] - position[t-1]; row 0 is 0."""
        out = np.zeros_like(self.position)
        out[:, :, 1:] = np.diff(self.position, axis=2)
        return out

    @property
    def steps(self) -> int:
        return int(self.meta["steps"])

    @property
    def box(self) -> tuple[tuple[float, float], tuple[float, float]]:
        (x0, x1), (y0, y1) = self.meta["box"]
        return (x0, x1), (y0, y1)

    @property
    def minima(self) -> list[dict]:
        return list(self.meta["surface"].get("minima", []))

    def points(self, m: int = 0, n: int = 0) -> np.ndarray:
        """[T, 3] rows of (w1, w2, loss), the seed's `train_curve` layout (plus the final row)."""
        return np.concatenate([self.position[m, n], self.loss[m, n, :, None]], axis=1)

    @property
    def has_adam_moments(self) -> bool:
        """Whether the state holds Adam's two moments, exp_avg and exp_avg_sq (`bias_corrected` applies;
        Adamax keeps exp_avg beside exp_inf, no exp_avg_sq)."""
        return "exp_avg" in self.state and "exp_avg_sq" in self.state

    def bias_corrected(self, m: int) -> dict[str, np.ndarray]:
        """Adam's m_hat and v_hat [N, T, 2] for optimizer m (row t after update t; row 0 is NaN)."""
        hp = self.meta["optimizers"][m]["hyperparameters"]
        b1, b2 = hp.get("beta1", 0.9), hp.get("beta2", 0.999)
        t = np.arange(self.position.shape[2], dtype=np.float64)[None, :, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            return {"m_hat": self.state["exp_avg"][m] / (1 - b1 ** t),
                    "v_hat": self.state["exp_avg_sq"][m] / (1 - b2 ** t)}

    def __repr__(self) -> str:
        """One line, in a terminal and as a notebook's text/plain (the arrays would be a wall of numbers)."""
        M, N = self.diverged_at.shape
        arrays = [*(getattr(self, k) for k in ARRAYS), *self.state.values(), *([self.lr] if self.lr is not None else [])]
        size = human_size(sum(a.nbytes for a in arrays))
        return (f"Experiment(surface={self.meta['surface']['name']!r}, optimizers={self.labels!r}, starts={N}, "
                f"steps={self.steps}, diverged={int((self.diverged_at >= 0).sum())}/{M * N} runs, {size})")

    # ---- files --------------------------------------------------------------------------------
    def save(self, path, fmt: str | None = None) -> Path:
        """Write to .npz, .csv or .json (by extension unless `fmt`), atomically (temp file + rename)."""
        path = Path(path)
        fmt = (fmt or path.suffix.lstrip(".")).lower()
        if fmt not in FORMATS:
            raise OptvizError(f"unknown output format {fmt!r} for {str(path)!r}; choose from: {', '.join(FORMATS)}")
        if fmt == "json" and self.loss.size > MAX_JSON_ROWS:   # JSON is built in memory as Python lists
            raise OptvizError(f"{self.loss.size:,} rows are too many for JSON (at most {MAX_JSON_ROWS:,}); "
                              "write .npz or .csv")
        writer = {"npz": self._write_npz, "csv": self._write_csv, "json": self._write_json}[fmt]
        with atomic_path(path) as tmp:
            writer(tmp)
        return path

    def _write_npz(self, tmp: Path) -> None:
        arrays = {k: getattr(self, k) for k in ARRAYS}
        arrays.update({f"state_{k}": v for k, v in self.state.items()})
        arrays.update({f"extra_{k}": v for k, v in self.extra.items()})
        if self.lr is not None:
            arrays["lr"] = self.lr
        arrays["meta"] = np.array(json.dumps(self.meta, sort_keys=True))
        with open(tmp, "wb") as fh:
            np.savez_compressed(fh, **arrays)

    def rows(self):
        """(optimizer label, start, step, w1, w2, loss) for every finite row."""
        M, N, T = self.loss.shape
        for m, label in enumerate(self.labels):
            for n in range(N):
                end = T if self.diverged_at[m, n] < 0 else int(self.diverged_at[m, n])
                pos, loss = self.position[m, n], self.loss[m, n]
                for t in range(end):
                    yield label, n, t, float(pos[t, 0]), float(pos[t, 1]), float(loss[t])

    def _write_csv(self, tmp: Path) -> None:
        with open(tmp, "w", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(["optimizer", "start", "step", "w1", "w2", "loss"])
            for label, n, t, w1, w2, loss in self.rows():
                out.writerow([label, n, t, repr(w1), repr(w2), repr(loss)])

    def _write_json(self, tmp: Path) -> None:
        def clean(a):
            return [None if not math.isfinite(v) else v for v in np.asarray(a, dtype=np.float64).tolist()]
        doc = {"meta": self.meta, "trajectories": []}
        for m, spec in enumerate(self.meta["optimizers"]):
            doc["trajectories"].append({**spec, "runs": [
                {"start": n, "diverged_at": int(self.diverged_at[m, n]),
                 "w1": clean(self.position[m, n, :, 0]), "w2": clean(self.position[m, n, :, 1]),
                 "loss": clean(self.loss[m, n])}
                for n in range(self.loss.shape[1])]})
        with open(tmp, "w") as fh:
            json.dump(doc, fh, allow_nan=False)

    @classmethod
    def load(cls, path) -> "Experiment":
        """Read an experiment written by `save` as .npz."""
        arrays, meta = load_npz(path, ARRAYS, "experiment")
        state = {k[len("state_"):]: arrays.pop(k) for k in list(arrays) if k.startswith("state_")}
        extra = {k[len("extra_"):]: arrays.pop(k) for k in list(arrays) if k.startswith("extra_")}
        return cls(meta=meta, state=state, lr=arrays.get("lr"), extra=extra, **{k: arrays[k] for k in ARRAYS})

