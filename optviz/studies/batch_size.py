"""`optviz experiment batch-size`: Keskar et al. 2017's large-batch question, measured: do larger
mini-batches end in sharper minima that generalize worse?

One optimizer (default: the post's momentum, 0.9) trains the task's model at each batch size, its
learning rate tuned for that batch size as `experiment generalization` tunes (larger batches take
larger rates), then over seeds; every batch size runs the same number of steps. For each: test
accuracy, final train loss and the sharpness where it ended (top Hessian eigenvalue and trace), with
confidence intervals over seeds. Writes a table (stdout), PREFIX.csv and PREFIX.png.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..data.generalization import GeneralizationResult
from ..errors import OptvizError
from ..progress import progress_bar
from .base import add_style_arguments, output_paths, study
from .generalization import TUNE_SEEDS, parse_range, run_generalization

DEFAULT_OPTIMIZER = "momentum:momentum=0.9"
DEFAULT_SIZES = "16,64,256,1024"


def batch_size_arguments(p):
    p.add_argument("--task", default="digits-mlp", help="digits-mlp, digits-cnn, moons-mlp, wilson-linear or "
                                                        "pkg.mod:make_task")
    p.add_argument("--optimizer", default=DEFAULT_OPTIMIZER, metavar="NAME[:k=v,...]",
                   help=f"without lr= the learning rate is tuned at each batch size (default: {DEFAULT_OPTIMIZER})")
    p.add_argument("--batch-sizes", dest="batch_sizes", default=DEFAULT_SIZES, metavar="B,B,...")
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--steps", type=int, default=600)
    p.add_argument("--budget", type=int, default=6, help="learning rates tried per batch size (log grid)")
    p.add_argument("--lr-range", dest="lr_range", default="1e-3:3", metavar="LO:HI")
    p.add_argument("--level", type=float, default=0.95, help="confidence level")
    p.add_argument("--device", default="cpu")
    p.add_argument("-o", "--output", default="batch-size", metavar="PREFIX", help="writes PREFIX.csv and PREFIX.png")
    add_style_arguments(p)


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise OptvizError(f"bad batch sizes {text!r}; write whole numbers, e.g. {DEFAULT_SIZES}") from None
    if not sizes or min(sizes) < 1 or len(set(sizes)) != len(sizes):
        raise OptvizError(f"batch sizes must be different whole numbers >= 1, got {text!r}")
    return sorted(sizes)


def run_batch_size(task="digits-mlp", optimizer=DEFAULT_OPTIMIZER, batch_sizes=(16, 64, 256, 1024), *, seeds=3,
                   steps=600, budget=6, lr_range=(1e-3, 3.0), device="cpu", progress=None) -> GeneralizationResult:
    """A GeneralizationResult whose "optimizers" are the batch sizes (values [S, B, K]; meta["batch_sizes"],
    and each one's tuned learning rate in meta["tuning"])."""
    from ..core.networks import get_task
    task = get_task(task)
    n = len(task.X_train)
    too_big = [b for b in batch_sizes if b > n]
    if too_big:
        raise OptvizError(f"batch size {too_big[0]} is larger than the {n} training points of {task.name}; "
                          f"choose sizes from 1 to {n}")
    parts = [run_generalization(task, [optimizer], seeds=seeds, steps=steps, batch_size=b, budget=budget,
                                lr_range=lr_range, device=device, progress=progress, spectrum=False)[0]
             for b in batch_sizes]
    first = parts[0]
    labels = [f"batch {b}: {p.labels[0]}" for b, p in zip(batch_sizes, parts)]
    meta = {**first.meta, "batch_size": None, "batch_sizes": list(batch_sizes),
            "tuning": [t for p in parts for t in p.meta["tuning"]],
            "optimizers": [{**p.meta["optimizers"][0], "title": f"{b}"} for b, p in zip(batch_sizes, parts)]}
    # a run's "common loss" is its own final one here (one optimizer a call): those columns say nothing
    keep = [k for k, name in enumerate(first.metrics) if not name.startswith("common_")]
    values = np.concatenate([p.values for p in parts], axis=1)[..., keep]
    return GeneralizationResult(values, [first.metrics[k] for k in keep], labels, first.seeds, meta)


@study("batch-size", "large batches, sharp minima? one optimizer at several batch sizes: test accuracy and "
                     "sharpness over seeds", batch_size_arguments)
def batch_size(args) -> list[Path]:
    from ..render.batch_size import save_batch_size_chart
    from ..render.style import Style

    if not 0 < args.level < 1:
        raise OptvizError(f"level must be a confidence level between 0 and 1, got {args.level!r}")
    sizes, lr_range = parse_sizes(args.batch_sizes), parse_range(args.lr_range)
    csv_path, png = output_paths(args.output, ".csv", ".png")
    work = (args.budget * min(TUNE_SEEDS, args.seeds) + args.seeds) * len(sizes) * args.steps
    with progress_bar(work, "training", "steps", minimum=5000) as bar:
        result = run_batch_size(args.task, args.optimizer, sizes, seeds=args.seeds, steps=args.steps,
                                budget=args.budget, lr_range=lr_range, device=args.device,
                                progress=bar.update if bar else None)
    print(result.table(args.level))
    style = Style(preset=args.preset, theme=args.theme)
    return [result.save_csv(csv_path, args.level), save_batch_size_chart(result, png, style, args.level)]
