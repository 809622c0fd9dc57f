"""Tasks: a model and its data, for training a real network and drawing its loss landscape.

Built in (no download: scikit-learn's bundled data), each with a fixed, seeded train/test split:

    digits-mlp   8x8 digits (1,797 images, 10 classes), a 64-64-10 MLP with ReLU
    digits-cnn   the same digits as 1x8x8 images, two small conv layers and a linear head
    moons-mlp    two interleaving half moons (600 noisy points, 2 classes), a 2-16-16-2 MLP with tanh
    wilson-linear  Wilson et al. 2017's least squares where adaptive methods generalize worse (wilson.py);
                 options after a colon: wilson-linear:n=100,p=0.6,test=1000

A task of your own is reached by import path, `mypkg.task:make_task`: a function that takes no
arguments and returns a Task, or (model, (X_train, y_train), (X_test, y_test)) with integer class
labels (cross-entropy) or float targets shaped like the model's output (mean squared error). It is
called again under the run's seed to build the model, so every optimizer starts from the same weights.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
from torch import nn

from ...errors import OptvizError, unknown
from ...extras import require
from ...parsing import import_object

SPLIT_SEED = 0   # the train/test split never changes with the run's seed
LOSSES = ("cross_entropy", "mse")


@dataclass
class Task:
    """A model factory and its data. `make_model()` builds a fresh model (weights from torch's
    generator, which the trainer seeds); tensors are float32 inputs and int64 labels (or float targets)."""
    name: str
    title: str
    make_model: Callable[[], nn.Module]
    X_train: torch.Tensor
    y_train: torch.Tensor
    X_test: torch.Tensor
    y_test: torch.Tensor
    loss: str = "cross_entropy"
    description: str = ""
    signs: bool = False    # mse on targets of +-1 whose sign is the class: accuracy counts the signs
    draw: Callable[[int], "Task"] | None = None   # data drawn anew for each run seed (else fixed)

    def at(self, seed: int) -> "Task":
        """The task as the run seeded `seed` sees it: itself, or for a task whose data are a random draw
        (wilson-linear), that seed's draw."""
        return self.draw(int(seed)) if self.draw is not None else self

    def model(self, seed: int) -> nn.Module:
        """A fresh model with the weights seed `seed` gives (torch's own generator is left as it was)."""
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            return self.make_model()

    def info(self) -> dict:
        return {"name": self.name, "title": self.title, "loss": self.loss, "description": self.description,
                "n_train": len(self.X_train), "n_test": len(self.X_test)}


TASKS: dict[str, Callable[[], Task]] = {}
NEEDS: dict[str, tuple[str, ...]] = {}   # task -> the optviz extras its data needs (optviz.extras)


def register_task(name: str, needs: tuple[str, ...] = ()):
    """Decorator adding a task factory (no arguments -> Task) under `name`; `needs` names the extras
    (optviz.extras) it cannot run without, checked when the task is asked for."""
    def wrap(fn):
        TASKS[name] = fn
        NEEDS[name] = tuple(needs)
        return fn
    return wrap


def get_task(name) -> Task:
    """A registered task, a Task as is, or a user's task by import path "pkg.mod:make_task"; the model
    is checked against the data (its outputs must fit the labels) before any training."""
    if isinstance(name, Task):
        task = name
    elif name in TASKS:
        require(*NEEDS[name], feature=f"the task {name!r}")
        task = TASKS[name]()
    elif isinstance(name, str) and name.partition(":")[0] in TASKS:
        task = _with_options(name)
    elif isinstance(name, str) and ":" in name:
        task = _imported(name)
    else:
        raise unknown("task", name, TASKS, also="or an import path pkg.mod:make_task")
    check_task(task)
    return task


def _with_options(text: str) -> Task:
    """A registered task with options, "wilson-linear:n=40,p=0.6": each must be one its factory takes."""
    import inspect
    from ...parsing import parse_value
    name, _, rest = text.partition(":")
    factory = TASKS[name]
    known = [k for k in inspect.signature(factory).parameters]
    options = {}
    for item in filter(None, (i.strip() for i in rest.split(","))):
        key, eq, value = item.partition("=")
        if not eq or key.strip() not in known:
            raise OptvizError(f"bad option {item!r} for task {name!r}; "
                              + (f"it takes: {', '.join(known)} (as {name}:{known[0]}=...)" if known else "it takes none"))
        options[key.strip()] = parse_value(value)
    require(*NEEDS[name], feature=f"the task {name!r}")
    return factory(**options)


def _imported(path: str) -> Task:
    factory, attr = import_object(path, "task"), path.partition(":")[2]
    if not callable(factory):
        raise OptvizError(f"task {path!r} is a {type(factory).__name__}, not a function returning a task")
    made = factory()
    if isinstance(made, Task):
        return made
    try:
        model, (X_train, y_train), (X_test, y_test) = made
    except (TypeError, ValueError):
        raise OptvizError(f"task {path!r} must return a Task or (model, (X_train, y_train), (X_test, y_test))") from None
    if not isinstance(model, nn.Module):
        raise OptvizError(f"task {path!r} returned a {type(model).__name__} as its model, not a torch.nn.Module")
    tensors = [torch.as_tensor(t) for t in (X_train, y_train, X_test, y_test)]
    loss = "cross_entropy" if not tensors[1].is_floating_point() else "mse"
    # each run calls the function again under its seed, so the model's own initialisation is kept
    return Task(path, attr, lambda: factory()[0], tensors[0].float(), tensors[1], tensors[2].float(), tensors[3],
                loss, f"user task {path}")


def check_task(task: Task) -> None:
    """One line naming what does not fit: the data's shapes, the labels, or the model's output."""
    if task.loss not in LOSSES:
        raise OptvizError(f"unknown loss {task.loss!r} for task {task.name!r}; choose from: {', '.join(LOSSES)}")
    for part, X, y in (("train", task.X_train, task.y_train), ("test", task.X_test, task.y_test)):
        if len(X) == 0 or len(X) != len(y):
            raise OptvizError(f"task {task.name!r}: {part} inputs and labels differ in length ({len(X)} and {len(y)})")
    model = task.model(0)
    try:
        with torch.no_grad():
            out = model(task.X_train[:4])
    except Exception as exc:  # noqa: BLE001 - the user's model can fail in any way on data it does not fit
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise OptvizError(f"task {task.name!r}: the model does not take the inputs of shape "
                          f"{list(task.X_train.shape[1:])}: {type(exc).__name__}: {first}") from None
    if task.loss == "cross_entropy":
        classes = int(torch.cat([task.y_train, task.y_test]).max()) + 1
        if out.ndim != 2 or out.shape[1] < classes:
            raise OptvizError(f"task {task.name!r}: the model's output {list(out.shape)} does not fit labels of "
                              f"{classes} classes (it needs one score per class: [batch, {classes}])")
        if int(torch.cat([task.y_train, task.y_test]).min()) < 0:
            raise OptvizError(f"task {task.name!r}: class labels must be 0, 1, 2, ...")
    elif out.shape[1:] != task.y_train.shape[1:]:
        raise OptvizError(f"task {task.name!r}: the model's output {list(out.shape)} does not fit targets of shape "
                          f"{list(task.y_train.shape)}")


# ---- the built-in tasks -----------------------------------------------------------------------------

def _split(X, y, test_size: float):
    """Fixed, stratified split; inputs standardised with the training set's mean and spread (a feature
    constant in the training set, a digit's always-blank corner pixel, is only centred, as
    scikit-learn's StandardScaler does: dividing by its zero spread would blow the test set up)."""
    from sklearn.model_selection import train_test_split
    Xa, Xb, ya, yb = train_test_split(X, y, test_size=test_size, random_state=SPLIT_SEED, stratify=y)
    mean, std = Xa.mean(0), Xa.std(0)
    std[std == 0] = 1.0
    return (torch.tensor((Xa - mean) / std, dtype=torch.float32), torch.tensor(ya, dtype=torch.int64),
            torch.tensor((Xb - mean) / std, dtype=torch.float32), torch.tensor(yb, dtype=torch.int64))


def _digits():
    from sklearn.datasets import load_digits
    X, y = load_digits(return_X_y=True)
    return _split(X, y, 0.2)


@register_task("digits-mlp", needs=("networks",))
def digits_mlp() -> Task:
    """scikit-learn's 8x8 digits, 80/20 split (1,437 / 360), a 64-64-10 MLP with ReLU (4,810 weights)."""
    return Task("digits-mlp", "Digits, 64-64-10 MLP",
                lambda: nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10)), *_digits(),
                description=digits_mlp.__doc__)


@register_task("digits-cnn", needs=("networks",))
def digits_cnn() -> Task:
    """The same digits as 1x8x8 images: conv 3x3 (8) - pool - conv 3x3 (16) - pool - linear (1,898 weights)."""
    Xa, ya, Xb, yb = _digits()
    return Task("digits-cnn", "Digits, small CNN",
                lambda: nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                                      nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                                      nn.Flatten(), nn.Linear(64, 10)),
                Xa.view(-1, 1, 8, 8), ya, Xb.view(-1, 1, 8, 8), yb, description=digits_cnn.__doc__)


@register_task("moons-mlp", needs=("networks",))
def moons_mlp() -> Task:
    """Two interleaving half moons (600 points, noise 0.25), 75/25 split, a 2-16-16-2 MLP with tanh."""
    from sklearn.datasets import make_moons
    X, y = make_moons(n_samples=600, noise=0.25, random_state=SPLIT_SEED)
    return Task("moons-mlp", "Two moons, 2-16-16-2 MLP",
                lambda: nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 2)),
                *_split(X, y, 0.25), description=moons_mlp.__doc__)
