"""The `--device` path against the CPU: the same work on both, compared, timed (issue 33).

    PYTHONPATH=. python scripts/gpu_check.py --device cuda            # on a GPU machine, from the source tree
    python scripts/gpu_check.py --device cpu --starts 64 --steps 40 --map 32 --grid 9   # the tests' small run

Checks, each run on `--reference` (cpu) and on `--device`:
  simulate   sgd, the seed's momentum, adam and torch.optim.RMSprop from N random starts on the seed's surface:
             every step of every run in float64, the ends in float32; which runs diverge, and when, must agree
  map        a trainability map (torch-momentum on the ravine, lr x momentum): every pixel's outcome and loss
  grid       a digits-mlp loss landscape grid (plane_losses; scikit-learn's digits when installed, else
             random data of the same shape: the same code path)
  chunking   on the device, the map in 16 chunks and the grid under a memory limit that forces chunks,
             against the same work in one piece
Prints the largest differences, the speed-up of the device over the reference and the device's peak memory;
exits 1 when a difference is beyond float rounding (the tolerances below say how much that is), 2 on bad
arguments. Needs only torch and numpy (and optviz's source on the path).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # run from the source tree, installed or not

from optviz.core.engine import simulate  # noqa: E402
from optviz.core.networks.grid import plane_losses  # noqa: E402
from optviz.core.trainability import trainability_map  # noqa: E402

OPTIMIZERS = ["sgd:lr=0.01", "momentum:lr=0.01,momentum=0.9", "adam:lr=0.05", "rmsprop:lr=0.01"]
# largest difference that is still float rounding, relative to the box scale (positions) or the value
# (losses): a few ulps per step, grown by at most ~1e3 over a stable run; float32 sums over 1,437 images
TOL = {"float64": 1e-9, "float32": 1e-3, "map_loss": 1e-3, "grid": 1e-4}


def sync(dev: str) -> None:
    if dev.startswith("cuda"):
        torch.cuda.synchronize()


def timed(dev: str, fn):
    """(result, seconds, peak device bytes or None)."""
    cuda = dev.startswith("cuda")
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    sync(dev)
    t0 = time.perf_counter()
    out = fn()
    sync(dev)
    return out, time.perf_counter() - t0, (torch.cuda.max_memory_allocated() if cuda else None)


def run_difference(ref, got, scale: float, ends: bool) -> tuple[float, int]:
    """(largest position difference over runs that neither diverged / scale, runs whose divergence step
    differs). `ends`: the last row only."""
    moved = int((ref.diverged_at != got.diverged_at).sum())
    a, b = (ref.position[:, :, -1:], got.position[:, :, -1:]) if ends else (ref.position, got.position)
    both = np.isfinite(a) & np.isfinite(b)
    return float(np.abs(a - b)[both].max(initial=0.0) / scale), moved


def off_boundary(ref_outcome: np.ndarray, got_outcome: np.ndarray) -> int:
    """Pixels whose outcome differs where no neighbour (of 8) in the reference has the outcome the device
    gave: a flip on the boundary between outcomes is rounding, one inside a region is not."""
    H, W = ref_outcome.shape
    pad = np.pad(ref_outcome, 1, constant_values=-1)
    bad = 0
    for i, j in zip(*np.nonzero(ref_outcome != got_outcome)):
        if not (pad[i:i + 3, j:j + 3] == got_outcome[i, j]).any():
            bad += 1
    return bad


def map_difference(ref, got) -> tuple[int, int, float]:
    """(pixels flipped, flipped off the boundary, largest relative final-loss difference where both converged)."""
    r, g = ref.outcome[0], got.outcome[0]
    both = (r == 0) & (g == 0)
    rel = np.abs(ref.final_loss[0] - got.final_loss[0]) / np.maximum(1e-12, np.abs(ref.final_loss[0]))
    return int((r != g).sum()), off_boundary(r, g), float(rel[both].max(initial=0.0))


def digits_grid(n: int):
    """A digits-mlp model, its data and an n x n plane of coordinates around its initial weights."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))
    try:
        from sklearn.datasets import load_digits
        X, y = load_digits(return_X_y=True)
        source = "scikit-learn's digits"
    except ImportError:
        rng = np.random.default_rng(0)
        X, y = rng.uniform(0, 16, (1797, 64)), rng.integers(0, 10, 1797)
        source = "random data shaped as the digits (no scikit-learn)"
    w = torch.cat([p.detach().ravel() for p in model.parameters()]).numpy()
    g = np.random.default_rng(1)
    d = g.normal(size=(2, w.size)) * np.abs(w).mean()
    a = np.linspace(-1, 1, n)
    coords = np.stack(np.meshgrid(a, a), -1).reshape(-1, 2)
    return model, w, d, coords, torch.as_tensor(X, dtype=torch.float32), torch.as_tensor(y), source


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--reference", default="cpu")
    p.add_argument("--starts", type=int, default=10_000)
    p.add_argument("--steps", type=int, default=1_000)
    p.add_argument("--map", type=int, default=2_000, help="map pixels along each axis")
    p.add_argument("--map-steps", type=int, default=200)
    p.add_argument("--grid", type=int, default=201, help="landscape grid points along each axis")
    p.add_argument("--json", help="also write the figures to this file")
    a = p.parse_args(argv)
    if min(a.starts, a.steps, a.map - 1, a.map_steps, a.grid - 1) < 1:
        print("gpu_check: --starts, --steps, --map-steps must be >= 1 and --map, --grid >= 2", file=sys.stderr)
        return 2
    dev, ref = a.device, a.reference
    report, problems = {"device": dev, "reference": ref, "torch": torch.__version__}, []
    if dev.startswith("cuda"):
        report["gpu"] = torch.cuda.get_device_name(0)
        report["free_bytes"], report["total_bytes"] = torch.cuda.mem_get_info()

    for d in (ref, dev):   # first calls on a device pay for its start-up: not the work's time
        simulate("pathological", OPTIMIZERS, 4, 2, device=d)

    def both(name, fn):
        r, t_ref, _ = timed(ref, lambda: fn(ref))
        g, t_dev, peak = timed(dev, lambda: fn(dev))
        report[name] = {"reference_s": round(t_ref, 3), "device_s": round(t_dev, 3),
                        "speedup": round(t_ref / max(t_dev, 1e-9), 2), "peak_bytes": peak}
        return r, g

    for dtype, ends in (("float64", False), ("float32", True)):
        r, g = both(f"simulate_{dtype}", lambda d: simulate("pathological", OPTIMIZERS, a.starts, a.steps,
                                                            dtype=dtype, device=d))
        scale = max(abs(v) for pair in r.meta["box"] for v in pair)
        diff, moved = run_difference(r, g, scale, ends)
        report[f"simulate_{dtype}"].update(max_difference=diff, divergence_differs=moved)
        if diff > TOL[dtype] or moved:
            problems.append(f"simulate {dtype}: positions differ by {diff:.3g} of the box (tolerance {TOL[dtype]}), "
                            f"{moved} runs diverge at another step")

    def the_map(d, chunk=2 ** 18):
        return trainability_map("ravine", "torch-momentum", resolution=a.map, steps=a.map_steps, device=d, chunk=chunk)
    r, g = both("map", the_map)
    flips, inside, rel = map_difference(r, g)
    report["map"].update(pixels=a.map ** 2, flipped=flips, flipped_off_boundary=inside, max_loss_difference=rel)
    if inside or rel > TOL["map_loss"]:
        problems.append(f"map: {inside} pixels change outcome away from a boundary, converged losses differ by {rel:.3g}")
    split, t_split, peak = timed(dev, lambda: the_map(dev, max(1, a.map ** 2 // 16)))
    flips, inside, rel = map_difference(g, split)
    report["map_in_16_chunks"] = {"device_s": round(t_split, 3), "peak_bytes": peak, "flipped": flips,
                                  "max_loss_difference": rel}
    if flips or rel > 0:
        problems.append(f"map in 16 chunks: {flips} pixels differ from the map in one piece, losses by {rel:.3g}")

    model, w, d, coords, X, y, source = digits_grid(a.grid)
    r, g = both("grid", lambda dv: plane_losses(model, w, d, coords, X, y, device=dv))
    rel = float(np.max(np.abs(r - g) / np.abs(r)))
    report["grid"].update(points=len(coords), data=source, max_difference=rel)
    if rel > TOL["grid"]:
        problems.append(f"grid: losses differ by {rel:.3g} relative (tolerance {TOL['grid']})")
    small = 3 * 4 * len(X) * 64 * 7   # activations of 7 points at a time: forces the chunked path
    split, t_split, peak = timed(dev, lambda: plane_losses(model, w, d, coords, X, y, device=dev, max_memory=small))
    rel = float(np.max(np.abs(split - g) / np.abs(g)))
    report["grid_chunked"] = {"device_s": round(t_split, 3), "peak_bytes": peak, "max_difference": rel}
    if rel > TOL["grid"]:
        problems.append(f"grid in chunks: losses differ from the unchunked grid by {rel:.3g} relative")

    for name, r in report.items():
        print(f"{name:18s} {r}")
    if a.json:
        Path(a.json).write_text(json.dumps(report, indent=1))
    for line in problems:
        print("MISMATCH", line)
    print("OK" if not problems else f"{len(problems)} mismatch(es)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
