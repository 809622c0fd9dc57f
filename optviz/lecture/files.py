"""A shot's data folder (the runs it draws, as NPZ files) and where the lecture's cache lives.

optviz.lecture.runs writes a folder per shot; the manim scenes read it with `load_data` (numpy only:
they never import torch). The cache holds what a second render can reuse: each shot's runs, the
synthesized and normalized lines, and each chapter's silent video, in optviz's cache (optviz.cache);
every entry is named by a hash of what made it.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..cache import digest
from ..data.experiment import Experiment
from ..data.generalization import GeneralizationResult

STUDY = "study"   # a shot's runs are Experiments, but for this file: a GeneralizationResult


def load_data(folder) -> dict:
    """A shot's runs from the folder optviz.lecture.runs wrote: {name: Experiment or GeneralizationResult}."""
    return {p.stem: (GeneralizationResult if p.stem == STUDY else Experiment).load(p)
            for p in sorted(Path(folder).glob("*.npz"))}


def state_series(exp, m: int = 0) -> dict:
    """Optimizer m's recorded state along the first coordinate, after each update: {name: [T-1]}."""
    return {k: v[m, 0, 1:, 0].astype(float) for k, v in exp.state.items() if np.isfinite(v[m, 0, 1:, 0]).all()}


def shared_state(exp, other) -> str | None:
    """The first state of `exp`'s optimizer that `other`'s keeps too, both finite: what a rule's `compare`
    plots and its `ratio` divides (None: none shared, or a run diverged)."""
    theirs = state_series(other)
    return next((k for k in state_series(exp) if k in theirs), None)


def complete_marker(folder) -> Path:
    """The file written last into a shot's folder: the folder is complete when it exists."""
    return Path(folder) / "complete"


def data_digest(*folders) -> str:
    return digest(*[p for f in folders for p in sorted(Path(f).glob("*.npz"))])
