"""A trained network's paths on a 2-D slice of its loss landscape, as an Experiment every renderer draws.

The slice is a plane through weight space (`planes`); the surface drawn is the loss on a grid over it
(`grid`). The picture tells the truth about the projection: a ball's position is its weights projected
onto the plane, but its height is the path's real loss at those weights (recorded while training), not
the slice's value at the projected point, so a ball can sit above or below the surface where the path
leaves the plane (meta["off_surface"]); how far each record lies from the plane is recorded
(extra["plane_distance"]) and, with the PCA plane's explained variance, stated in meta["caption"].
"""
from __future__ import annotations

import numpy as np

from ...data.experiment import Experiment
from ...data.network import NetworkRun
from ...errors import OptvizError
from ...version import __version__
from ..optimizers.schedules import learning_rates
from ..distribute import Chunk, Executor
from .grid import chunk_points, gradients, plane_losses
from .planes import Plane, make_plane
from .planes import line as make_line
from .tasks import get_task

LOSSES = ("train", "test")


def landscape(run: NetworkRun, plane: str = "pca", *, resolution: int = 51, box=None, loss: str = "train",
              both_grids: bool = False, line: str | None = None, line_points: int = 101, seed: int = 0,
              device: str = "cpu", task=None, gradient: bool = True, max_memory: int = 2**30,
              scheduler: str = "local") -> Experiment:
    """The paths of `run` on a slice of the loss landscape.

    plane        "pca[:CENTRE]", "random[:CENTRE]" or "points:A,B,C" (see optviz.core.networks.planes)
    resolution   grid points along each axis
    box          ((a0, a1), (b0, b1)) in plane coordinates (default: the paths, with a margin)
    loss         "train" or "test": the loss the surface and the balls show
    both_grids   also evaluate the other set's loss on the grid (extra["grid_z_test"] or ["grid_z_train"])
    line         "A,B": also the 1-D profile of train and test loss along the line from A to B
                 (alpha from -0.5 to 1.5; extra["line_alpha"], ["line_train_loss"], ["line_test_loss"])
    gradient     project the full-batch training gradient at every record onto the plane (exp.grad)
    scheduler    where the grid is computed: "local" (here), "processes:N" or a Dask scheduler's address
    """
    if loss not in LOSSES:
        raise OptvizError(f"unknown loss {loss!r} for a landscape; choose from: {', '.join(LOSSES)}")
    if not isinstance(resolution, (int, np.integer)) or not 3 <= resolution <= 1000:
        raise OptvizError(f"resolution must be a whole number from 3 to 1000, got {resolution!r}")
    task = get_task(task or run.meta["task"]["name"]).at(run.meta["seed"])   # the data the run saw
    model = task.model(run.meta["seed"])
    plane_ = make_plane(run, plane, seed)
    M, R, D = run.params.shape
    coords, dist = plane_.project(run.params)                       # [M, R, 2], [M, R]
    (a0, a1), (b0, b1) = _box(coords, plane_) if box is None else tuple(map(tuple, box))
    gx, gy = np.linspace(a0, a1, resolution), np.linspace(b0, b1, resolution)
    A, B = np.meshgrid(gx, gy)
    points = np.column_stack([A.ravel(), B.ravel()])

    def surface(which):
        z = grid_losses(task, run.meta["seed"], plane_, points, which, device, max_memory,
                        scheduler).reshape(resolution, resolution)
        return np.where(np.isfinite(z), z, np.nan)
    gz = surface(loss)
    extra = {"plane_distance": dist, "train_loss": run.train_loss, "test_loss": run.test_loss,
             "train_acc": run.train_acc, "test_acc": run.test_acc, "record_steps": run.record_steps}
    if both_grids:
        other = "test" if loss == "train" else "train"
        extra[f"grid_z_{other}"] = surface(other)
    line_text = None
    if line:
        arrays, line_text = _line(run, model, task, line, line_points, device, max_memory)
        extra.update(arrays)
    grad = np.full((M, 1, R, 2), np.nan)
    if gradient:
        g = gradients(model, run.params.reshape(-1, D), task.X_train, task.y_train, task.loss).reshape(M, R, D)
        grad[:, 0] = g @ plane_.directions.T @ np.linalg.inv(plane_.directions @ plane_.directions.T)
    path_loss = run.train_loss if loss == "train" else run.test_loss
    meta = _meta(run, task, plane_, coords, dist, gz, ((a0, a1), (b0, b1)), loss)
    meta["landscape"]["line"] = line_text
    return Experiment(position=coords[:, None], loss=path_loss[:, None].astype(np.float64), grad=grad,
                      diverged_at=run.diverged_at[:, None].copy(), starts=coords[:1, 0].copy(), grid_x=gx,
                      grid_y=gy, grid_z=gz, meta=meta, lr=_learning_rates(run), extra=extra)


CHUNKS_PER_WORKER_CALL = 32   # passes of plane_losses per chunk sent to a worker


def grid_losses(task, seed, plane: Plane, points, which, device, max_memory, scheduler, progress=None) -> np.ndarray:
    """[P] the task's `which` loss at the plane's points: in one call here, or in chunks on a cluster,
    each a multiple of plane_losses' own pass (so the numbers are the same to the bit)."""
    executor = Executor(scheduler)
    if executor.local:
        return grid_chunk(points, which, device, max_memory, task, seed, plane.origin, plane.directions)
    X, _ = _data(task, which)
    step = chunk_points(task.model(seed), X, len(points), max_memory) * CHUNKS_PER_WORKER_CALL
    bounds = [(a, min(len(points), a + step)) for a in range(0, len(points), step)]
    out = np.empty(len(points))

    def write(i, part):
        out[bounds[i][0]:bounds[i][1]] = part
    with executor:
        executor.run([Chunk(i, grid_chunk, (points[a:b], which, device, max_memory), f"grid points {a}-{b - 1}")
                      for i, (a, b) in enumerate(bounds)], write, progress=progress,
                     shared={"task": task, "seed": seed, "origin": plane.origin, "directions": plane.directions})
    return out


def grid_chunk(points, which, device, max_memory, task, seed, origin, directions) -> np.ndarray:
    """One chunk of a landscape's grid, wherever it runs: the model rebuilt from the task and seed."""
    X, y = _data(task, which)
    return plane_losses(task.model(seed), origin, directions, points, X, y, task.loss, device=device,
                        max_memory=max_memory)


def _data(task, which):
    return (task.X_train, task.y_train) if which == "train" else (task.X_test, task.y_test)


def _box(coords: np.ndarray, plane: Plane):
    """The paths' extent in the plane with a 15% margin (random planes: at least [-1, 1], their unit)."""
    finite = coords[np.isfinite(coords).all(-1)]
    lo, hi = finite.min(0), finite.max(0)
    if plane.kind == "random":
        lo, hi = np.minimum(lo, -1.0), np.maximum(hi, 1.0)
    span = hi - lo
    span = np.maximum(span, 0.25 * span.max())   # a path along one axis still gets room across it
    centre = (lo + hi) / 2
    lo, hi = centre - 0.575 * span, centre + 0.575 * span
    return (float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1]))


def _line(run, model, task, tokens, n, device, max_memory) -> dict:
    line = make_line(run, [t for t in str(tokens).split(",") if t.strip()])
    alpha = np.linspace(-0.5, 1.5, n)
    out = {"line_alpha": alpha}
    for which, (X, y) in (("train", (task.X_train, task.y_train)), ("test", (task.X_test, task.y_test))):
        out[f"line_{which}_loss"] = plane_losses(model, line.origin, line.directions, alpha[:, None], X, y,
                                                 task.loss, device=device, max_memory=max_memory)
    return out, line.description


def _learning_rates(run: NetworkRun) -> np.ndarray:
    """[M, R] the learning rate in force at each record's step (NaN for the last row, as simulate records)."""
    steps = run.meta["steps"]
    out = np.full((len(run.meta["optimizers"]), len(run.record_steps)), np.nan)
    for m, o in enumerate(run.meta["optimizers"]):
        lr = o["hyperparameters"].get("lr")
        if o.get("schedule") and isinstance(lr, (int, float)):
            out[m, :-1] = learning_rates(o["schedule"], float(lr), steps)[run.record_steps[:-1]]
        elif isinstance(lr, (int, float)):
            out[m, :-1] = lr
    return out


def _meta(run, task, plane, coords, dist, gz, box, loss) -> dict:
    finite = np.isfinite(dist)
    span = float(np.nanmax(np.linalg.norm(run.params[np.isfinite(run.params).all(-1)].astype(np.float64)
                                          - plane.origin, axis=-1)))
    near, far = float(np.median(dist[finite])), float(dist[finite].max())
    where = (f"PCA plane: {100 * plane.explained[0]:.0f}% + {100 * plane.explained[1]:.0f}% of the paths' variance"
             if plane.kind == "pca" else plane.description[0].upper() + plane.description[1:])
    caption = (f"{where}. The paths lie {near:.2g} (median) to {far:.2g} from it, over a span of {span:.2g}; "
               f"heights are their real {loss} loss.")
    z = gz[np.isfinite(gz)]
    init = coords[0, 0]
    return {
        "surface": {"name": task.name, "title": f"{task.title} ({loss} loss)", "expr": None,
                    "box": [list(box[0]), list(box[1])], "zrange": [float(z.min()), float(z.max())],
                    "start": init.tolist(), "minima": [], "task": task.info(), "axes": list(plane.axes),
                    "zscale": "log"},
        "optimizers": run.meta["optimizers"], "steps": len(run.record_steps) - 1, "dtype": "float64",
        "noise": 0.0, "seed": run.meta["seed"], "batch_size": run.meta["batch_size"], "cloud": 1,
        "box": [list(box[0]), list(box[1])], "bound": None, "optviz_version": __version__,
        "record_every": run.meta["record_every"], "training_steps": run.meta["steps"], "off_surface": True,
        "caption": caption,
        "landscape": {"plane": plane.info(), "loss": loss, "median_distance": near, "max_distance": far,
                      "span": span, "task": task.info()},
    }
