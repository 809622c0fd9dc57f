"""A checked spec's run computed: a saved experiment read, optimizers simulated on a surface, or a
network trained on a task and drawn on a slice of its landscape; read from optviz's cache when it was
computed before. What `optviz render`, `optviz trajectory` and the process a render forks to compute
its runs (`ahead`) all call.
"""
from __future__ import annotations

from ..errors import OptvizError
from ..progress import progress_bar


def optimizer_specs(run: dict):
    """The checked OptimizerSpecs of a run (strings or spec tables)."""
    from ..core.optimizers import OptimizerSpec, parse_optimizer, validate_spec
    opts = []
    for item in run.get("optimizers") or ["adam"]:
        if isinstance(item, str):
            opts.append(parse_optimizer(item))
        else:
            name, hp, label, schedule = item
            spec = OptimizerSpec(name, hp, label, schedule)
            validate_spec(spec)
            opts.append(spec)
    return opts


SURFACE_ONLY = ("surface", "starts", "noise", "cloud", "dtype")
TASK_ONLY = ("plane", "resolution", "record_every", "loss", "both_grids", "line", "scheduler")


def simulate_spec(run: dict, progress_label="simulating", cache: bool = True):
    """The experiment a checked spec describes: a saved one, a network trained on a task and drawn on
    a slice of its landscape, or optimizers simulated on a surface. A run computed before is read from
    the cache (optviz.cache) unless `cache` is false; computing one is what imports torch."""
    if "experiment" in run:
        from ..data.experiment import Experiment
        others = [k for k, v in run.items() if k != "experiment" and v not in (None, [], {})]
        if others:
            raise OptvizError(f"{others[0]} would make a new run; --experiment draws the saved one as it is")
        return Experiment.load(run["experiment"])
    stray = [k for k in (SURFACE_ONLY if "task" in run else TASK_ONLY) if k in run]
    if stray and "task" in run:
        raise OptvizError(f"{stray[0]} does not apply to a network task ({run['task']}): it trains on its own data")
    if stray:
        raise OptvizError(f"{stray[0].replace('_', '-')} applies to a network task (--task), not to a surface")
    from .. import cache as store
    exp = store.load_run(run) if cache else None
    if exp is None:
        exp = landscape_spec(run) if "task" in run else surface_spec(run, progress_label)
        if cache:
            store.store_run(run, exp)
    return exp


def surface_spec(run: dict, progress_label="simulating"):
    """Simulate the run's optimizers on its surface."""
    from ..core.engine import simulate
    opts = optimizer_specs(run)
    starts = run.get("starts")
    n = (len(starts) if isinstance(starts, list) else (starts or 1)) * run.get("cloud", 1)
    steps = run.get("steps", 100)
    with progress_bar(len(opts) * n * max(steps, 0), progress_label, "ball-steps") as bar:
        return simulate(run.get("surface", "pathological"), opts, starts, steps,
                        dtype=run.get("dtype", "float32"), noise=run.get("noise", 0.0),
                        batch_size=run.get("batch_size"), cloud=run.get("cloud", 1), seed=run.get("seed", 0),
                        box=run.get("box"), device=run.get("device", "cpu"), progress=bar.update if bar else None)


def landscape_spec(run: dict):
    """Train the task's model with every optimizer, then draw the paths on a slice of its landscape."""
    from ..core.distribute import parse_scheduler
    from ..core.networks import landscape, train_network
    parse_scheduler(run.get("scheduler", "local"))   # before the training, not after it
    opts = optimizer_specs(run)
    steps = run.get("steps", 300)
    every = run.get("record_every") or max(1, steps // 150)
    with progress_bar(len(opts) * steps, "training", "steps", minimum=2000) as bar:
        net = train_network(run["task"], opts, steps, batch_size=run.get("batch_size"), record_every=every,
                            seed=run.get("seed", 0), device=run.get("device", "cpu"),
                            progress=bar.update if bar else None)
    return landscape(net, run.get("plane", "pca"), resolution=run.get("resolution", 51), box=run.get("box"),
                     loss=run.get("loss", "train"), both_grids=run.get("both_grids", False), line=run.get("line"),
                     seed=run.get("seed", 0), device=run.get("device", "cpu"), scheduler=run.get("scheduler", "local"))
