"""The trajectory engine: `simulate` runs optimizers from many starts on a surface and records everything
drawable into an Experiment.

Coordinate-wise optimizers (all registered ones except L-BFGS) run all N starts at once as one [N, 2]
parameter: each start's gradient is its own (the loss is a sum over starts) and every update is
element-wise, so this equals N separate runs up to float rounding. Other optimizers run start by start.
"""
from __future__ import annotations

import math
import warnings
from typing import Callable

import numpy as np
import torch

from ..data.experiment import Experiment
from ..errors import OptvizError
from ..version import __version__
from .device import resolve_device
from .optimizers.registry import state_of
from .optimizers.schedules import learning_rates, set_lr
from .optimizers.spec import OptimizerSpec, build, optimizers_meta, resolve_optimizers
from .recorder import Recorder
from .surfaces import SURFACES, Surface, get_surface

DTYPES = {"float32": torch.float32, "float64": torch.float64}
DEFAULT_MAX_MEMORY = 4 * 2**30
GRID = 200
MAX_GRID = 4000


def simulate(surface="pathological", optimizers="adam", starts=None, steps: int = 100, *,
             dtype: str = "float32", noise: float = 0.0, batch_size: int | None = None, cloud: int = 1,
             seed: int = 0, box=None, bound: float | None = None,
             grid: int = GRID, max_memory: int = DEFAULT_MAX_MEMORY, device: str = "cpu",
             progress: Callable[[int], None] | None = None) -> Experiment:
    """Run every optimizer from every start for `steps` updates and return an Experiment.

    surface     registered name, expression in x/y (e.g. "x**2 + 10*sin(y)") or Surface
    optimizers  "adam:lr=1", an OptimizerSpec, a list of them (the same name may repeat with other
                settings), or a mapping name -> hyperparameters ("adam#2" keys allow repeats)
    starts      [N, 2] points; an int N for N seeded random points in the surface's box; None for
                the surface's default start
    steps       number of updates; T = steps + 1 rows are recorded
    dtype       "float32" (the seed's) or "float64"
    noise       standard deviation of seeded Gaussian noise added to every gradient (stochastic GD)
    batch_size  on a data surface (`least-squares`, `logistic`), step on the gradient of the loss over
                this many points drawn with replacement per run and step (mini-batch SGD); the
                recorded loss stays the full-data loss, the recorded gradient is the mini-batch one
    cloud       run every start this many times (each copy gets its own noise and batches): a cloud
    seed        seeds the noise and the random starts
    box         ((x0, x1), (y0, y1)) view box for the grid; default: the surface's box grown to hold
                every trajectory
    bound       a start diverges when a coordinate's magnitude exceeds this (default: 1000 x the box scale)
    grid        resolution of the stored surface grid
    max_memory  refuse runs whose recorded arrays would exceed this many bytes
    device      "cpu", "cuda" or "auto": where the updates run; the noise and batches are drawn on the
                CPU either way, so a run on a GPU equals the CPU's up to float rounding
    progress    called with the number of ball-steps done since the last call
    """
    surf = get_surface(surface, box=box)
    specs = resolve_optimizers(optimizers)
    if dtype not in DTYPES:
        raise OptvizError(f"unknown dtype {dtype!r}; choose from: {', '.join(DTYPES)}")
    if not isinstance(steps, (int, np.integer)) or steps < 0:
        raise OptvizError(f"steps must be a whole number >= 0, got {steps!r}")
    if not 0 <= noise < math.inf:
        raise OptvizError(f"noise must be a finite number >= 0, got {noise!r}")
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise OptvizError(f"seed must be a whole number >= 0, got {seed!r}")
    check_batch(surf, batch_size)
    dev = resolve_device(device)
    if not isinstance(cloud, (int, np.integer)) or cloud < 1:
        raise OptvizError(f"cloud must be a whole number >= 1, got {cloud!r}")
    if not isinstance(grid, (int, np.integer)) or not 2 <= grid <= MAX_GRID:
        raise OptvizError(f"grid must be a whole number from 2 to {MAX_GRID}, got {grid!r}")
    M, T = len(specs), int(steps) + 1
    # refused before the starts exist: a billion random starts would not fit either
    check_memory(M, count_starts(starts) * int(cloud), T, dtype, max_memory)
    start_arr = np.repeat(resolve_starts(starts, surf, seed), int(cloud), axis=0)
    N = len(start_arr)
    scale = max(1.0, *(abs(v) for pair in surf.box for v in pair), float(np.abs(start_arr).max()))
    bound = float(bound) if bound is not None else 1000.0 * scale
    tdtype = DTYPES[dtype]
    np_dtype = np.float32 if dtype == "float32" else np.float64

    rec = Recorder(M, N, T, np_dtype)
    lrs = np.full((M, T), np.nan)   # the learning rate of update t+1 at row t (NaN: last row, or no lr)
    for m, spec in enumerate(specs):
        lr = spec.resolved().get("lr")
        if spec.schedule:
            lrs[m, :T - 1] = learning_rates(spec.schedule, float(lr), T - 1)
        elif isinstance(lr, (int, float)):
            lrs[m, :T - 1] = lr
        info = spec.info()
        gen = torch.Generator().manual_seed(int(seed) * 1000003 + m)
        x0 = torch.as_tensor(start_arr, dtype=tdtype, device=dev)
        groups = [slice(0, N)] if info.coordinatewise else [slice(i, i + 1) for i in range(N)]
        for sl in groups:
            # optimizers that draw from torch's global generator (Hutchinson's estimator, noise) draw
            # the same numbers every time, and the caller's generator is left as it was
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(run_seed(seed, m, sl.start))
                _run(surf, spec, x0[sl], T - 1, noise, batch_size, gen, rec, m, sl, progress,
                     lrs[m] if spec.schedule else None)

    diverged_at = rec.finish(bound)
    view = tuple(map(tuple, box)) if box is not None else _auto_box(surf, start_arr, rec.position, diverged_at)
    gx, gy, gz = surface_grid(surf, view, grid)
    meta = {
        "surface": surf.info(),
        "optimizers": optimizers_meta(specs),
        "steps": int(steps), "dtype": dtype, "noise": float(noise), "seed": int(seed),
        "batch_size": batch_size, "cloud": int(cloud),
        "box": [list(view[0]), list(view[1])], "bound": bound, "optviz_version": __version__,
    }
    return Experiment(position=rec.position, loss=rec.loss, grad=rec.grad, diverged_at=diverged_at,
                      starts=start_arr, grid_x=gx, grid_y=gy, grid_z=gz, meta=meta, state=rec.state, lr=lrs)


def check_batch(surf: Surface, batch_size) -> None:
    if batch_size is None:
        return
    if surf.batch is None:
        data = [n for n, s in SURFACES.items() if s.batch is not None]
        raise OptvizError(f"batch_size needs a data surface, not {surf.name!r}; choose from: {', '.join(data)}")
    if not isinstance(batch_size, (int, np.integer)) or not 1 <= batch_size <= surf.n_data:
        raise OptvizError(f"batch_size must be a whole number from 1 to {surf.n_data} for {surf.name}, "
                          f"got {batch_size!r}")


def _run(surf: Surface, spec: OptimizerSpec, x0: torch.Tensor, steps: int, noise: float, batch_size,
         gen: torch.Generator, rec: Recorder, m: int, sl: slice, progress, lrs=None) -> None:
    """Run one optimizer from the starts `x0` [n, 2], recording into starts `sl` of optimizer m. An
    optimizer that is not coordinate-wise gets one start (n = 1) on a parameter of shape [2], as it
    would be used by hand: some treat a tensor by its shape."""
    info = spec.info()
    fn = surf.fn
    single = not info.coordinatewise
    p = torch.nn.Parameter(x0[0].clone() if single else x0.clone())
    points = (lambda: p[None]) if single else (lambda: p)   # [n, 2] for the surface, either way
    rows = {info.rows_flag: True} if info.rows_flag and not single else {}   # batched: each row is a run
    opt = guard_optimizer(spec, 0, lambda: build(spec, [p], **rows))
    pos_v, loss_v, grad_v = (rec.view(a, m, sl) for a in (rec.position, rec.loss, rec.grad))
    state_views = {}
    draws = {}   # this step's mini-batch and noise: a closure re-evaluating the step sees the same ones

    def gradient(loss, fresh=True):
        opt.zero_grad()
        if batch_size:
            if fresh:
                draws["idx"] = torch.randint(surf.n_data, (len(x0), batch_size), generator=gen).to(p.device)
            w = points()
            loss = surf.batch(w[:, 0], w[:, 1], draws["idx"])
        if info.create_graph:
            with warnings.catch_warnings():   # its reference cycle ends with the run
                warnings.filterwarnings("ignore", "Using backward\\(\\) with create_graph=True")
                loss.sum().backward(create_graph=True)
        else:
            loss.sum().backward()
        if noise:
            if fresh:
                draws["noise"] = torch.randn(p.shape, generator=gen, dtype=p.dtype).to(p.device)
            p.grad.add_(draws["noise"], alpha=noise)

    def closure():
        with torch.enable_grad():   # some optimizers call it inside their own no_grad step
            w = points()
            loss = fn(w[:, 0], w[:, 1])
            gradient(loss, fresh=False)
            return loss.sum()

    for t in range(steps + 1):
        w = points()
        loss = fn(w[:, 0], w[:, 1])
        pos_v[t] = w.detach()
        loss_v[t] = loss.detach()
        gradient(loss)
        grad_v[t] = p.grad.detach()
        if t == steps:
            break
        if lrs is not None:
            set_lr(opt, float(lrs[t]))
        guard_optimizer(spec, t + 1, lambda: opt.step(closure) if info.needs_closure else opt.step())
        for name, value in state_of(opt, p).items():
            if name not in state_views:
                state_views[name] = rec.state_view(name, m, sl)
                # state starts at zero before update 1; state that appears later was unknown before
                state_views[name][:t + 1] = 0 if t == 0 else float("nan")
            state_views[name][t + 1] = value
        if progress is not None and t % 50 == 49:
            progress(50 * len(x0))
    if progress is not None:
        progress((steps % 50) * len(x0))


def run_seed(seed: int, m: int, n: int) -> int:
    """The seed of torch's global generator for optimizer m's run from start n (the first start of a
    batch): each run its own, the same every time."""
    return (int(seed) * 1_000_003 + m) * 1_000_003 + n


def guard_optimizer(spec: OptimizerSpec, step: int, call):
    """Run `call`; an optimizer that raises becomes one line naming it, the step and the reason."""
    try:
        return call()
    except (OptvizError, KeyboardInterrupt, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 - a third-party optimizer can raise anything
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        where = "when built" if step == 0 else f"at step {step}"
        raise OptvizError(f"optimizer {spec.label or spec.name!r} failed {where}: {type(exc).__name__}: "
                          f"{reason}") from None


def resolve_starts(starts, surf: Surface, seed: int) -> np.ndarray:
    """[N, 2] float64 start points from the accepted forms."""
    if starts is None:
        return np.array([surf.start], dtype=np.float64)
    if isinstance(starts, (int, np.integer)) and not isinstance(starts, bool):
        if starts < 1:
            raise OptvizError(f"number of starts must be >= 1, got {starts}")
        rng = np.random.default_rng(seed)
        (x0, x1), (y0, y1) = surf.box
        return np.column_stack([rng.uniform(x0, x1, starts), rng.uniform(y0, y1, starts)])
    arr = np.asarray(starts, dtype=np.float64)
    if arr.ndim == 1 and arr.shape == (2,):
        arr = arr[None]
    if arr.ndim != 2 or arr.shape[1] != 2 or len(arr) == 0:
        raise OptvizError(f"starts must have shape [N, 2], got {np.shape(starts)}")
    if not np.isfinite(arr).all():
        raise OptvizError("starts must be finite numbers")
    return arr


def count_starts(starts) -> int:
    """How many starts `starts` gives, without making them (a number, points, or None for one)."""
    if starts is None:
        return 1
    if isinstance(starts, (int, np.integer)) and not isinstance(starts, bool):
        return max(int(starts), 1)
    return max(len(np.atleast_2d(np.asarray(starts, dtype=object))), 1)


def check_memory(M: int, N: int, T: int, dtype: str, limit: int) -> None:
    """Refuse a run of M optimizers x N starts x T rows whose recorded arrays would not fit in `limit` bytes."""
    itemsize = 4 if dtype == "float32" else 8
    n_states = min(6, 2 * M)  # state arrays [M, N, T, 2]: at most two per optimizer, six kinds
    estimate = M * N * T * (5 + 2 * n_states) * itemsize
    if estimate > limit:
        raise OptvizError(
            f"this run would record about {estimate / 2**30:.2f} GiB ({M} optimizers x {N} starts x "
            f"{T} rows), over the limit of {limit / 2**30:.2f} GiB; use fewer starts or steps, or raise max_memory")


def surface_grid(surf: Surface, box, n: int):
    """The surface sampled on an n x n grid over `box` (float64; non-finite values become NaN)."""
    (x0, x1), (y0, y1) = box
    xs = torch.linspace(x0, x1, n, dtype=torch.float64)
    ys = torch.linspace(y0, y1, n, dtype=torch.float64)
    gx, gy = torch.meshgrid(xs, ys, indexing="xy")
    with torch.no_grad():
        z = surf.fn(gx, gy).numpy().copy()
    z[~np.isfinite(z)] = np.nan
    return xs.numpy(), ys.numpy(), z


def _auto_box(surf: Surface, starts: np.ndarray, position: np.ndarray, diverged_at: np.ndarray):
    """The surface's box grown (with a small margin) to hold the starts and the positions of every
    start that never diverged (a diverging one is drawn leaving the view instead of stretching it)."""
    (x0, x1), (y0, y1) = surf.box
    lo, hi = starts.min(0), starts.max(0)
    for m in range(position.shape[0]):
        keep = diverged_at[m] < 0
        if keep.any():
            rows = position[m].swapaxes(0, 1)  # time-major [T, N, 2]: contiguous
            flat = (rows if keep.all() else rows[:, keep]).reshape(-1, 2)
            # fmin/fmax skip NaN; reducing each column alone is ~10x faster than along axis 0 of [K, 2]
            lo = np.fmin(lo, [np.fmin.reduce(flat[:, i]) for i in (0, 1)])
            hi = np.fmax(hi, [np.fmax.reduce(flat[:, i]) for i in (0, 1)])
    span = np.maximum(hi - lo, 1e-9)
    lo, hi = lo - 0.05 * span, hi + 0.05 * span
    return (min(x0, lo[0]), max(x1, hi[0])), (min(y0, lo[1]), max(y1, hi[1]))

