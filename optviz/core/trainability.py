"""Trainability maps: one run per pixel of a hyperparameter grid, batched, chunked, on CPU or GPU.

A 1000 x 1000 map of 1,000 steps is 1e9 ball-steps. All pixels of a chunk step together as one
[2, P] tensor (coordinate-major, so w[0] and w[1] are contiguous) through a per-element kernel from
`map_kernels`; memory is bounded by the chunk size, not the map size. Returns a `TrainabilityMap`
(`optviz.data.trainability`); the `optviz experiment map` study (`optviz.studies.map`) draws it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from ..data.trainability import TrainabilityMap
from ..errors import OptvizError
from ..version import __version__
from .device import resolve_device
from .distribute import Chunk, Executor
from .engine import DEFAULT_MAX_MEMORY, DTYPES
from .map_kernels import Kernel, check_axis, get_kernel
from .optimizers import OPTIMIZERS
from .surfaces import get_surface

SCALES = ("log", "linear")
CHUNK = 2 ** 18   # pixels per chunk: ~100 MB of float32 temporaries, and the fastest size measured on CPU
BYTES_PER_PIXEL = 48   # the four result arrays (21 bytes) and the pixel's two hyperparameters, twice


@dataclass(frozen=True)
class Axis:
    """One map axis: a hyperparameter swept from lo to hi on a log or linear scale."""
    name: str
    lo: float
    hi: float
    scale: str = "log"

    def values(self, n: int) -> np.ndarray:
        if self.scale == "log":
            return np.geomspace(self.lo, self.hi, n)
        return np.linspace(self.lo, self.hi, n)

    def to_unit(self, v):
        """Position of v along the axis in [0, 1] (log or linear)."""
        f = np.log10 if self.scale == "log" else (lambda a: np.asarray(a, float))
        return (f(v) - f(self.lo)) / (f(self.hi) - f(self.lo))

    def window(self, centre: float, fraction: float) -> "Axis":
        """The axis shrunk to `fraction` of its width around `centre` (on its own scale), shifted to
        stay inside the axis (a zoom never shows momentum < 0 just because its target is near 0)."""
        f, inv = (math.log10, lambda v: 10 ** v) if self.scale == "log" else (float, float)
        lo, hi = f(self.lo), f(self.hi)
        half = fraction * (hi - lo) / 2
        c = min(max(f(centre), lo + half), hi - half)
        return Axis(self.name, inv(c - half), inv(c + half), self.scale)


def parse_axis(text: str) -> Axis:
    """'lr=1e-3:10' (log scale) or 'momentum=0:0.99:linear'."""
    try:
        name, rest = text.split("=", 1)
        parts = rest.split(":")
        lo, hi = float(parts[0]), float(parts[1])
        scale = parts[2] if len(parts) > 2 else ("log" if name.strip().startswith("lr") else "linear")
    except (ValueError, IndexError):
        raise OptvizError(f"bad axis {text!r}; write name=lo:hi[:log|linear], e.g. lr=1e-3:10 or "
                          "momentum=0:0.99") from None
    return make_axis(name.strip(), lo, hi, scale)


def make_axis(name, lo, hi, scale="log") -> Axis:
    if scale not in SCALES:
        raise OptvizError(f"unknown axis scale {scale!r} for {name}; choose from: {', '.join(SCALES)}")
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise OptvizError(f"axis {name} needs finite lo < hi, got {lo!r}:{hi!r}")
    if scale == "log" and lo <= 0:
        raise OptvizError(f"log axis {name} needs lo > 0, got {lo!r}; use :linear")
    return Axis(name, float(lo), float(hi), scale)


def trainability_map(surface="ravine", optimizer: str = "torch-momentum", x: Axis | str = "lr=1e-3:1",
                     y: Axis | str = "momentum=0:0.99", *, resolution=(200, 200), steps: int = 1000,
                     start=None, hyperparameters: dict | None = None, dtype: str = "float32",
                     device: str = "cpu", chunk: int = CHUNK, tol: float | None = None,
                     progress: Callable[[int], None] | None = None, scheduler: str = "local") -> TrainabilityMap:
    """Run `optimizer` from `start` for `steps` updates at every pixel of the (x, y) hyperparameter grid.

    resolution       (W, H) pixels, or one int for a square map
    hyperparameters  fixed values of the optimizer's other hyperparameters
    tol              a run has converged when it ends within `tol` of a known minimum
                     (default: 1e-3 x the box diagonal)
    progress         called with the number of ball-steps done since the last call
    scheduler        where the chunks run: "local" (here), "processes:N" or a Dask scheduler's address
    """
    return zoom_maps(surface, optimizer, x, y, [(0.5, 0.5, 1.0)], resolution=resolution, steps=steps,
                     start=start, hyperparameters=hyperparameters, dtype=dtype, device=device, chunk=chunk,
                     tol=tol, progress=progress, scheduler=scheduler)


def zoom_maps(surface, optimizer, x, y, windows, *, resolution=(200, 200), steps=1000, start=None,
              hyperparameters=None, dtype="float32", device="cpu", chunk=CHUNK, tol=None,
              follow: bool = False, progress=None, max_memory: int = DEFAULT_MAX_MEMORY,
              scheduler: str = "local") -> TrainabilityMap:
    """One map per window (cx, cy, fraction): the (x, y) axes shrunk to `fraction` of their width
    around the point at unit position (cx, cy) of the full axes. Stacked into one TrainabilityMap.
    With `follow`, each window after the first is re-centred on the diverging boundary found in the
    previous frame nearest its target, so a deep zoom stays on the boundary (a pixel of the first
    frame only locates it to within that pixel)."""
    surf = get_surface(surface)
    k = get_kernel(optimizer)
    x, y = (parse_axis(a) if isinstance(a, str) else a for a in (x, y))
    for a in (x, y):
        check_axis(k, a.name)
    if x.name == y.name:
        raise OptvizError(f"the two map axes must differ, both are {x.name!r}")
    hp = {**k.defaults, **(hyperparameters or {})}
    bad = set(hp) - set(k.hyper)
    if bad:
        raise OptvizError(f"{optimizer} has no hyperparameter {sorted(bad)[0]!r}; choose from: {', '.join(k.hyper)}")
    W, H = (resolution, resolution) if isinstance(resolution, int) else tuple(resolution)
    if min(W, H) < 2 or not isinstance(steps, int) or steps < 1:
        raise OptvizError(f"a map needs at least 2 x 2 pixels and 1 step, got {W} x {H} and {steps!r}")
    if dtype not in DTYPES:
        raise OptvizError(f"unknown dtype {dtype!r}; choose from: {', '.join(DTYPES)}")
    if not isinstance(chunk, (int, np.integer)) or chunk < 1:
        raise OptvizError(f"chunk must be a whole number of pixels >= 1, got {chunk!r}")
    estimate = len(windows) * W * H * BYTES_PER_PIXEL
    if estimate > max_memory:
        raise OptvizError(f"this map would hold about {estimate / 2**30:.2f} GiB ({len(windows)} frame(s) of {W} x {H} "
                          f"pixels), over the limit of {max_memory / 2**30:.2f} GiB; lower the resolution or frames")
    dev = resolve_device(device)
    start = tuple(surf.start if start is None else start)
    (bx0, bx1), (by0, by1) = surf.box
    scale = max(1.0, *(abs(v) for v in (bx0, bx1, by0, by1, *start)))
    bound = 1000.0 * scale
    tol = float(tol) if tol is not None else 1e-3 * math.hypot(bx1 - bx0, by1 - by0)
    minima = np.array([[m.x, m.y] for m in surf.minima], dtype=np.float64).reshape(-1, 2)

    frames, windows, target = [], [list(w) for w in windows], None
    with Executor(scheduler) as executor:   # one cluster for every frame of a zoom
        for i, (cx, cy, frac) in enumerate(windows):
            if follow and target is not None:
                cx, cy = windows[i][:2] = target
            fx = x.window(_from_unit(x, cx), frac) if frac < 1 else x
            fy = y.window(_from_unit(y, cy), frac) if frac < 1 else y
            xv, yv = fx.values(W), fy.values(H)
            gx, gy = np.meshgrid(xv, yv)  # [H, W]
            out = _run_pixels(surf, k, {x.name: gx.ravel(), y.name: gy.ravel()}, hp, start, steps, dtype,
                              str(dev), chunk, bound, tol, minima, progress, executor)
            frames.append((xv, yv, *(a.reshape(H, W) for a in out)))
            if follow:
                near = (float(fx.to_unit(_from_unit(x, cx))), float(fy.to_unit(_from_unit(y, cy))))
                u, v = _boundary(frames[-1][2] >= 0, near)
                target = (float(x.to_unit(_from_unit(fx, u))), float(y.to_unit(_from_unit(fy, v))))
    stack = [np.stack(a) for a in zip(*frames)]
    meta = {"surface": surf.info(), "optimizer": optimizer, "optimizer_title": OPTIMIZERS[optimizer].title,
            "hyperparameters": hp,
            "x": vars(x), "y": vars(y), "windows": windows, "steps": steps,
            "start": list(start), "dtype": dtype, "device": str(dev), "tol": tol, "bound": bound,
            "optviz_version": __version__}
    return TrainabilityMap(*stack, meta=meta)


def _from_unit(a: Axis, u: float) -> float:
    if a.scale == "log":
        return 10 ** (math.log10(a.lo) + u * (math.log10(a.hi) - math.log10(a.lo)))
    return a.lo + u * (a.hi - a.lo)


def _run_pixels(surf, k: Kernel, varying: dict, hp: dict, start, steps, dtype, device, chunk, bound, tol,
                minima, progress, executor: Executor):
    """Run every pixel, in chunks, here or on a cluster; returns flat numpy (diverged_at, final_loss,
    mean_loss, converged). Each chunk carries only its own pixels' hyperparameters."""
    P = len(next(iter(varying.values())))
    outs = (np.empty(P, np.int32), np.empty(P), np.empty(P), np.empty(P, bool))
    bounds = [(c0, min(P, c0 + chunk)) for c0 in range(0, P, chunk)]
    inner = progress if executor.local else None   # here: step by step; on a cluster: chunk by chunk
    chunks = [Chunk(i, run_pixel_chunk, (surf, k.name, {name: v[a:b] for name, v in varying.items()}, hp, start,
                                         steps, dtype, device, bound, tol, minima, inner), f"pixels {a}-{b - 1}")
              for i, (a, b) in enumerate(bounds)]

    def write(i, result):
        a, b = bounds[i]
        for out, part in zip(outs, result):
            out[a:b] = part

    def finished(c):
        if progress is not None and not executor.local:
            progress((bounds[c.key][1] - bounds[c.key][0]) * steps)
    executor.run(chunks, write, progress=finished)
    return outs


def run_pixel_chunk(surf, optimizer: str, varying: dict, hp: dict, start, steps: int, dtype: str, device: str,
                    bound: float, tol: float, minima: np.ndarray, progress=None):
    """One chunk of a map: every pixel's run, as numpy (diverged_at, final_loss, mean_loss, converged).
    Each pixel's arithmetic is elementwise, so a chunk gives the same numbers for its pixels wherever it
    runs and however the map is chunked (a cluster computes the same map as a laptop)."""
    k, tdtype, dev = get_kernel(optimizer), DTYPES[dtype], resolve_device(device)
    fn = surf.fn
    n = len(next(iter(varying.values())))
    h = {**hp, **{name: torch.as_tensor(v, dtype=tdtype, device=dev) for name, v in varying.items()}}
    if "lr_x" in h or "lr_y" in h:  # a learning rate per coordinate: lr becomes [2, n]
        base = h.get("lr", hp["lr"])
        h["lr"] = torch.stack([torch.as_tensor(h.pop("lr_x", base), dtype=tdtype, device=dev).expand(n),
                               torch.as_tensor(h.pop("lr_y", base), dtype=tdtype, device=dev).expand(n)])
    w = torch.tensor(start, dtype=tdtype, device=dev)[:, None].repeat(1, n)
    state = k.init(w)
    div = torch.full((n,), -1, dtype=torch.int32, device=dev)
    loss_sum = torch.zeros(n, dtype=tdtype, device=dev)
    for t in range(steps + 1):
        w.requires_grad_(True)
        loss = fn(w[0], w[1])
        if t < steps:
            g, = torch.autograd.grad(loss.sum(), w)
        w = w.detach()
        loss = loss.detach()
        # |w| <= bound is false for NaN and inf too; a diverged pixel stays diverged
        bad = ~((w.abs() <= bound).all(0) & torch.isfinite(loss)) & (div < 0)
        div.masked_fill_(bad, t)
        loss_sum += loss.masked_fill(div >= 0, 0)
        if t == steps:
            break
        w = w + k.update(g, state, t + 1, **h)
        if progress is not None and t % 100 == 99:
            progress(100 * n)
    if progress is not None:
        progress((steps % 100) * n)
    alive = div < 0
    rows = torch.where(alive, div.new_full((n,), steps + 1), div).to(torch.float64)
    if len(minima):   # the distance to the nearest minimum, pixel by pixel (no matrix product)
        mins = torch.as_tensor(minima, dtype=torch.float64, device=dev)
        dist = ((w.T.to(torch.float64)[:, None, :] - mins[None]) ** 2).sum(-1).sqrt().min(1).values
    else:
        dist = torch.full((n,), math.inf, dtype=torch.float64, device=dev)
    return (div.cpu().numpy(), torch.where(alive, loss.to(torch.float64), math.nan).cpu().numpy(),
            (loss_sum / rows).cpu().numpy(), (alive & (dist <= tol)).cpu().numpy())


def boundary_point(m: TrainabilityMap, f: int = 0, near=(0.5, 0.5)) -> tuple[float, float]:
    """Unit position (in frame f's axes) of the diverged/not-diverged boundary nearest `near`."""
    return _boundary(m.diverged[f], near)


def _boundary(d: np.ndarray, near) -> tuple[float, float]:
    """The midpoint between two neighbouring pixels of `d` [H, W] that differ, nearest `near` (unit)."""
    H, W = d.shape
    iy, ix = np.nonzero(d[:, 1:] != d[:, :-1])
    jy, jx = np.nonzero(d[1:, :] != d[:-1, :])
    u = np.concatenate([(ix + 0.5) / (W - 1), jx / (W - 1)])
    v = np.concatenate([iy / (H - 1), (jy + 0.5) / (H - 1)])
    if len(u) == 0:
        raise OptvizError("the map has no boundary between diverging and converging runs to zoom into; "
                          "widen the axes")
    i = np.argmin((u - near[0]) ** 2 + (v - near[1]) ** 2)
    return float(u[i]), float(v[i])


def zoom_windows(centre, depth: float, frames: int):
    """Windows shrinking geometrically from the full axes to 1/depth of their width around `centre`."""
    return [(centre[0], centre[1], depth ** (-i / max(frames - 1, 1))) for i in range(frames)]
