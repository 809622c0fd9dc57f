"""`optviz experiment generalization`: the blog post's "why not always Adam?" measured on a real network.

SGD with momentum, Adam and SAM (sharpness-aware minimization around the same momentum) train the
task's model from the same initial weights, seed after seed (each seed: new initial weights and a
new order of mini-batches; the train/test split is fixed). Each optimizer's learning rate is tuned
first, the way `optviz experiment race` tunes (the best final training loss on seed 0 over a log grid,
ties to the smaller, averaged over the first three seeds), unless the spec gives one. For every seed and optimizer: the final train loss,
the test loss and accuracy, and the sharpness of the minimum found (top Hessian eigenvalue and trace of
the training loss). Writes a table (stdout), PREFIX.csv, PREFIX.png (the chart), and the landscape of
seed 0 with every path on its PCA plane: PREFIX-landscape.png and the animation(s); and the Hessian's
eigenvalue density at seed 0's end points with the power iteration's convergence: PREFIX-spectrum.png.
Sharpness is read where each run ended and again where it first reached the seed's common train loss.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..data.generalization import METRICS, GeneralizationResult
from ..errors import OptvizError
from ..progress import progress_bar
from .base import add_style_arguments, animation_paths, output_paths, study

DEFAULT = ["momentum:momentum=0.9", "adam", "sam:base=momentum,momentum=0.9,rho=0.05"]
TUNE_SEEDS = 3
# where adaptive methods lose (wilson-linear): both families, as Wilson et al. compare them
DEFAULTS = {"wilson-linear": ["sgd", "momentum:momentum=0.9", "adam", "rmsprop", "adagrad",
                              "sam:base=momentum,momentum=0.9,rho=0.05"]}
# the slice that shows both families ending at different minima of the same zero training loss: through
# the start and both end points, which then lie on it exactly (a PCA plane leaves them off it)
PLANES = {"wilson-linear": "points:init,sgd,adam"}


def default_plane(task_name: str, names: list[str]) -> str:
    """PLANES by the task's name when the run has each optimizer it names once, else pca."""
    plane = PLANES.get(task_name.partition(":")[0], "pca")
    return plane if all(names.count(n) == 1 for n in plane.partition(":")[2].split(",")[1:]) else "pca"


def default_optimizers(task) -> list[str]:
    """The optimizers the study compares on `task` unless told: DEFAULTS by the task's name, else DEFAULT."""
    name = task if isinstance(task, str) else getattr(task, "name", "")
    return DEFAULTS.get(str(name).partition(":")[0], DEFAULT)


def generalization_arguments(p):
    p.add_argument("--task", default="digits-mlp",
                   help="digits-mlp, digits-cnn, moons-mlp, wilson-linear[:n=100,p=0.6,test=1000] or pkg.mod:make_task")
    p.add_argument("--optimizer", action="append", metavar="NAME[:k=v,...]",
                   help="repeatable; without lr= the learning rate is tuned (default: " + ", ".join(DEFAULT)
                        + "; on wilson-linear also sgd, rmsprop and adagrad)")
    p.add_argument("--seeds", type=int, default=5, help="independent repeats (initial weights and batches)")
    p.add_argument("--steps", type=int, default=600)
    p.add_argument("--batch-size", dest="batch_size", type=int, default=64)
    p.add_argument("--budget", type=int, default=8, help="learning rates tried per optimizer (log grid)")
    p.add_argument("--lr-range", dest="lr_range", default="1e-3:3", metavar="LO:HI")
    p.add_argument("--level", type=float, default=0.95, help="confidence level")
    p.add_argument("--resolution", type=int, default=41, help="grid of the landscape picture")
    p.add_argument("--plane", help="the landscape's slice: pca, random or points:A,B,C (default: pca; on "
                                   "wilson-linear points:init,sgd,adam)")
    p.add_argument("--device", default="cpu", help="cpu, cuda or auto")
    p.add_argument("-o", "--output", default="generalization", metavar="PREFIX",
                   help="writes PREFIX.csv, PREFIX.png, PREFIX-landscape.png, PREFIX-landscape.gif and "
                        "PREFIX-spectrum.png")
    add_style_arguments(p)


def parse_range(text: str) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in text.split(":"))
    except ValueError:
        raise OptvizError(f"bad learning-rate range {text!r}; write LO:HI, e.g. 1e-3:3") from None
    if not 0 < lo < hi:
        raise OptvizError(f"learning-rate range needs 0 < LO < HI, got {text!r}")
    return lo, hi


def tune_learning_rates(task, specs, *, steps, batch_size, budget, lr_range, seeds=3, device="cpu", progress=None):
    """Each spec without an lr gets the one of `budget` log-spaced rates with the lowest final training
    loss averaged over seeds 0..seeds-1, as race averages over its starts (a run that diverges scores
    infinity; ties go to the smaller rate): one lucky seed cannot pick a rate that blows up on the
    others. Returns (specs, tuning record)."""
    from ..core.networks import train_network
    from ..core.optimizers import OptimizerSpec
    grid = [float(f"{v:.3g}") for v in np.geomspace(*lr_range, budget)]
    out, record = [], []
    for spec in specs:
        if "lr" in spec.hyperparameters:
            out.append(spec)
            continue
        cands = [OptimizerSpec(spec.name, {**spec.hyperparameters, "lr": lr}, schedule=spec.schedule) for lr in grid]
        final = np.mean([np.where(run.diverged_at >= 0, np.inf, run.train_loss[:, -1])
                         for run in (train_network(task, cands, steps, batch_size=batch_size, record_every=steps,
                                                   seed=s, device=device, progress=progress) for s in range(seeds))],
                        axis=0)
        best = int(np.argmin(final))   # argmin takes the first: the smaller lr on ties
        record.append({"optimizer": spec.name, "lrs": grid, "final_train_loss": [float(v) for v in final],
                       "chosen": grid[best]})
        out.append(OptimizerSpec(spec.name, {**spec.hyperparameters, "lr": grid[best]}, schedule=spec.schedule))
    return out, record


def run_generalization(task="digits-mlp", optimizers=None, *, seeds=5, steps=600, batch_size=64, budget=8,
                       lr_range=(1e-3, 3.0), device="cpu", progress=None, spectrum: bool = True):
    """(GeneralizationResult, the seed-0 NetworkRun) for the optimizers (default: momentum, Adam, SAM; on
    wilson-linear also SGD, RMSprop and AdaGrad); with `spectrum`, the Hessian's spectrum at seed 0's ends."""
    from ..core.networks import get_task, train_network
    from ..core.networks.sharpness import sharpness
    from ..core.optimizers import resolve_optimizers

    if not 1 <= seeds <= 1000 or budget < 1:
        raise OptvizError(f"seeds must be from 1 to 1000 and budget >= 1, got {seeds} and {budget}")
    task = get_task(task)
    specs, tuning = tune_learning_rates(task, resolve_optimizers(optimizers or default_optimizers(task)), steps=steps,
                                        batch_size=batch_size, budget=budget, lr_range=lr_range,
                                        seeds=min(TUNE_SEEDS, seeds), device=device, progress=progress)
    specs = resolve_optimizers([type(s)(s.name, s.hyperparameters, "", s.schedule) for s in specs])  # fresh labels
    metrics = list(METRICS)
    values = np.full((seeds, len(specs), len(metrics)), np.nan)
    first, spectra = None, None
    for s in range(seeds):
        run = train_network(task, specs, steps, batch_size=batch_size, record_every=max(1, steps // 60), seed=s,
                            device=device, progress=progress)
        first = first or run
        seen = task.at(s)   # the data this seed trained on (wilson-linear draws them anew)

        def read(w, history=None):
            return sharpness(seen.model(s), w, seen.X_train, seen.y_train, seen.loss, device=device, seed=s,
                             history=history)
        ok = [m for m in range(len(specs)) if run.diverged_at[m] < 0]
        common = max((run.train_loss[m, -1] for m in ok), default=np.nan)
        power = {m: [] for m in ok} if s == 0 and spectrum else {}   # the power iteration, step by step
        for m in ok:
            end = read(run.final(m), power.get(m))
            r = int(np.argmax(run.train_loss[m] <= common))   # the first record at or below it
            there = end if r == run.train_loss.shape[1] - 1 else read(run.params[m, r])   # the end itself
            values[s, m] = [run.train_loss[m, -1], run.test_loss[m, -1], run.test_acc[m, -1], common,
                            end["top_eigenvalue"], end["trace"], there["top_eigenvalue"], there["trace"]]
        if power:
            spectra = end_spectra(seen, run, power, device)
    meta = {"task": task.info(), "steps": steps, "batch_size": batch_size, "tuning": tuning,
            "optimizers": first.meta["optimizers"], "lr_range": list(lr_range), "budget": budget}
    return GeneralizationResult(values, metrics, first.labels, list(range(seeds)), meta, spectra), first


def end_spectra(task, run, power: dict, device="cpu", steps: int = 60, vectors: int = 8):
    """A Spectrum at each optimizer's end point of `run` (its seed): Lanczos quadrature from `vectors`
    random vectors of `steps` steps, beside `power` ({m: the power iteration's estimate at every
    iteration}, as the sharpness reading recorded it; the optimizers missing from it diverged)."""
    from ..core.networks.sharpness import HessianVectorProduct, spectrum
    from ..data.spectrum import Spectrum
    M, D, seed = len(run.labels), run.params.shape[-1], run.meta["seed"]
    k = min(steps, D)
    nodes, weights = np.full((M, vectors, k), np.nan), np.full((M, vectors, k), np.nan)
    history = np.full((M, max((len(p) for p in power.values()), default=1)), np.nan)
    for m, seen in power.items():
        hvp = HessianVectorProduct(task.model(seed), run.final(m), task.X_train, task.y_train, task.loss, device)
        nodes[m], weights[m] = spectrum(hvp, steps, vectors, seed)
        history[m, :len(seen)] = seen
    return Spectrum(nodes, weights, history, list(run.labels),
                    {"task": task.name, "seed": seed, "steps": k, "vectors": vectors, "dim": D})


@study("generalization", "why not always Adam? momentum, Adam and SAM on a real network: test loss, accuracy, "
                         "sharpness over seeds", generalization_arguments)
def generalization(args) -> list[Path]:
    from ..core.networks import landscape
    from ..core.networks.planes import parse_plane
    from ..render.animate import render
    from ..render.generalization import save_generalization_chart
    from ..render.spectrum import save_spectrum_chart
    from ..render.style import Style
    from ..render.timeline import Timeline

    if not 0 < args.level < 1:
        raise OptvizError(f"level must be a confidence level between 0 and 1, got {args.level!r}")
    lr_range = parse_range(args.lr_range)
    csv_path, png, land_png, land, spec_png = output_paths(args.output, ".csv", ".png", "-landscape.png", "-landscape",
                                                           "-spectrum.png")
    animations = animation_paths(land, args.formats)   # checked before any work
    if args.plane:
        parse_plane(args.plane)   # its kind, before any work (its points once the run has them)
    n_opts = len(args.optimizer or default_optimizers(args.task))
    work = (args.budget * min(TUNE_SEEDS, args.seeds) + args.seeds) * n_opts * args.steps
    with progress_bar(work, "training", "steps", minimum=5000) as bar:
        result, run = run_generalization(args.task, args.optimizer, seeds=args.seeds, steps=args.steps,
                                         batch_size=args.batch_size, budget=args.budget, lr_range=lr_range,
                                         device=args.device, progress=bar.update if bar else None)
    print(result.table(args.level))
    # the landscape before any file: a plane naming a point the run does not have stops with nothing written
    plane = args.plane or default_plane(result.meta["task"]["name"], run.names)
    exp = landscape(run, plane, resolution=args.resolution, device=args.device)
    style = Style(preset=args.preset, theme=args.theme)
    written = [result.save_csv(csv_path, args.level), save_generalization_chart(result, png, style, args.level)]
    opts = result.meta["optimizers"]
    written.append(save_spectrum_chart(result.spectrum, spec_png, [o["name"] for o in opts], [o["title"] for o in opts],
                                       style, result.meta["task"]["title"]))
    written.append(render(exp, land_png, view="map", style=style))
    timeline = Timeline(fps=args.fps, duration=8, hold=1.5)
    for path in animations:
        written.append(render(exp, path, view="2d", style=Style(preset=args.preset, theme=args.theme, loss_panel=True),
                              timeline=timeline, workers=args.workers))
    return written
