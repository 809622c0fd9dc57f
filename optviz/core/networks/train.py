"""Training a real network with any optviz optimizer, recording its weights and metrics every k steps.

Every optimizer starts from the same initial weights (the task's model built under `seed`) and, with
mini-batches, sees the same sequence of batches (shuffled each epoch by a generator seeded with
`seed`), so one record can race them fairly. Full-batch training (`batch_size=None`) uses the whole
training set at every step. A record holds the flattened weights and the loss and accuracy on the
whole training and test sets; a run whose loss turns non-finite stops there (diverged_at).
"""
from __future__ import annotations

import copy
from typing import Callable

import numpy as np
import torch
from torch.nn.utils import parameters_to_vector

from ...data.network import NetworkRun
from ...errors import OptvizError
from ...version import __version__
from ..device import resolve_device
from ..engine import DEFAULT_MAX_MEMORY, guard_optimizer, run_seed
from ..optimizers.schedules import learning_rates, set_lr
from ..optimizers.spec import build, optimizers_meta, resolve_optimizers
from .tasks import Task, get_task


def criterion(task: Task):
    """The task's loss as a function (output, target) -> mean over the batch."""
    return torch.nn.functional.cross_entropy if task.loss == "cross_entropy" else torch.nn.functional.mse_loss


@torch.no_grad()
def evaluate(model, X, y, loss_fn, classify: bool, chunk: int = 4096, signs: bool = False) -> tuple[float, float]:
    """(mean loss, accuracy) of `model` on (X, y), in chunks; accuracy is NaN for regression, and for
    targets of +-1 (`signs`) the share of outputs with the target's sign (0 counts as wrong)."""
    total, correct = 0.0, 0
    for i in range(0, len(X), chunk):
        out = model(X[i:i + chunk])
        total += float(loss_fn(out, y[i:i + chunk], reduction="sum"))
        if classify:
            correct += int((out.argmax(1) == y[i:i + chunk]).sum())
        elif signs:
            correct += int((torch.sign(out) == y[i:i + chunk]).sum())
    n = len(X)
    accuracy = correct / n if classify or signs else np.nan
    return total / (n * (1 if classify or y.ndim == 1 else int(np.prod(y.shape[1:])))), accuracy


def record_steps(steps: int, every: int) -> np.ndarray:
    """0, every, 2*every, ... and the last step."""
    return np.unique(np.append(np.arange(0, steps + 1, every), steps)).astype(np.int64)


def train_network(task="digits-mlp", optimizers="adam", steps: int = 300, *, batch_size: int | None = None,
                  record_every: int = 1, seed: int = 0, device: str = "cpu", max_memory: int = DEFAULT_MAX_MEMORY,
                  progress: Callable[[int], None] | None = None) -> NetworkRun:
    """Train the task's model with each optimizer from the same initial weights; returns a NetworkRun.

    task          a registered task (digits-mlp, digits-cnn, moons-mlp), a Task, or "pkg.mod:make_task"
    optimizers    as for `simulate`: "adam:lr=0.01", lists, mappings, schedules ("sgd:lr=0.1@cosine")
    steps         optimizer steps
    batch_size    mini-batch size (None: the whole training set every step)
    record_every  record the weights and metrics every this many steps (and at the last one)
    seed          seeds the initial weights and the mini-batches (and the data, for wilson-linear)
    progress      called with the number of steps done since the last call
    """
    task = get_task(task)
    specs = resolve_optimizers(optimizers)
    if not isinstance(steps, (int, np.integer)) or steps < 1:
        raise OptvizError(f"steps must be a whole number >= 1, got {steps!r}")
    if not isinstance(record_every, (int, np.integer)) or not 1 <= record_every <= steps:
        raise OptvizError(f"record_every must be a whole number from 1 to the {steps} steps, got {record_every!r}")
    n = len(task.X_train)
    if batch_size is not None and not (isinstance(batch_size, (int, np.integer)) and 1 <= batch_size <= n):
        raise OptvizError(f"batch_size must be a whole number from 1 to {n} for {task.name}, got {batch_size!r}")
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise OptvizError(f"seed must be a whole number >= 0, got {seed!r}")
    task = task.at(int(seed))   # a task drawn anew for each seed (wilson-linear) trains on this seed's draw
    dev = resolve_device(device)
    model0 = task.model(int(seed))
    init = parameters_to_vector(model0.parameters()).detach().float()
    steps_at = record_steps(int(steps), int(record_every))
    M, R, D = len(specs), len(steps_at), init.numel()
    estimate = M * R * D * 4
    if estimate > max_memory:
        raise OptvizError(f"this run would record about {estimate / 2**30:.2f} GiB ({M} optimizers x {R} records x "
                          f"{D:,} weights), over the limit of {max_memory / 2**30:.2f} GiB; record less often "
                          "(record_every) or train fewer steps")
    params = np.full((M, R, D), np.nan, np.float32)
    metrics = {k: np.full((M, R), np.nan) for k in ("train_loss", "train_acc", "test_loss", "test_acc")}
    diverged = np.full(M, -1, np.int64)
    data = [t.to(dev) for t in (task.X_train, task.y_train, task.X_test, task.y_test)]
    for m, spec in enumerate(specs):
        model = copy.deepcopy(model0).to(dev)
        with torch.random.fork_rng(devices=[]):   # optimizers that draw random numbers draw the same ones
            torch.manual_seed(run_seed(seed, m, 0))
            diverged[m] = _train_one(task, spec, model, data, int(steps), batch_size, steps_at, int(seed), m, params,
                                     metrics, progress)
    meta = {
        "task": task.info(),
        "optimizers": optimizers_meta(specs),
        "steps": int(steps), "batch_size": batch_size, "seed": int(seed), "record_every": int(record_every),
        "parameters": [[name, list(p.shape)] for name, p in model0.named_parameters()],
        "device": str(dev), "optviz_version": __version__,
    }
    return NetworkRun(params, steps_at, metrics["train_loss"], metrics["train_acc"], metrics["test_loss"],
                      metrics["test_acc"], diverged, meta)


def _train_one(task, spec, model, data, steps, batch_size, steps_at, seed, m, params, metrics, progress) -> int:
    """Train one optimizer, writing its records into row m; returns the record it diverged at, or -1."""
    X, y, Xt, yt = data
    loss_fn = criterion(task)
    classify = task.loss == "cross_entropy"
    info = spec.info()
    weights = list(model.parameters())
    opt = guard_optimizer(spec, 0, lambda: build(spec, weights))
    lrs = learning_rates(spec.schedule, float(spec.resolved()["lr"]), steps) if spec.schedule else None
    batches = _batches(len(X), batch_size, seed, X.device)
    idx = None

    def closure():
        with torch.enable_grad():
            opt.zero_grad()
            loss = loss_fn(model(X[idx]), y[idx]) if idx is not None else loss_fn(model(X), y)
            loss.backward(create_graph=info.create_graph)
            return loss

    r = 0
    for t in range(steps + 1):
        if t == steps_at[r]:
            params[m, r] = parameters_to_vector(model.parameters()).detach().cpu().numpy()
            loss, acc = evaluate(model, X, y, loss_fn, classify, signs=task.signs)
            test_loss, test_acc = evaluate(model, Xt, yt, loss_fn, classify, signs=task.signs)
            if not (np.isfinite(loss) and np.isfinite(params[m, r]).all()):
                params[m, r] = np.nan
                return r
            for key, v in (("train_loss", loss), ("train_acc", acc), ("test_loss", test_loss), ("test_acc", test_acc)):
                metrics[key][m, r] = v
            r += 1
        if t == steps:
            break
        idx = next(batches)
        if lrs is not None:
            set_lr(opt, float(lrs[t]))
        closure()
        guard_optimizer(spec, t + 1, lambda: opt.step(closure) if info.needs_closure else opt.step())
        if progress is not None:
            progress(1)
    return -1


def _batches(n: int, batch_size, seed: int, device):
    """Index tensors of each step's mini-batch (None: the whole set), epoch after epoch, each epoch a
    fresh shuffle; the last incomplete batch of an epoch is dropped, as DataLoader(drop_last=True) does."""
    if batch_size is None:
        while True:
            yield None
    gen = torch.Generator().manual_seed(int(seed))
    while True:
        perm = torch.randperm(n, generator=gen)
        for i in range(0, n - batch_size + 1, batch_size):
            yield perm[i:i + batch_size].to(device)

