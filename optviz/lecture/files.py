"""A shot's data folder (the runs it draws, as NPZ files) and where the lecture's cache lives.

optviz.lecture.runs writes a folder per shot; the manim scenes read it with `load_data` (numpy only:
they never import torch). The cache holds what a second render can reuse: each shot's runs, the
synthesized and normalized lines, and each chapter's silent video. It lives in $OPTVIZ_CACHE_DIR, else
$XDG_CACHE_HOME/optviz, else ~/.cache/optviz; every entry is named by a hash of what made it.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np

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



def complete_marker(folder) -> Path:
    """The file written last into a shot's folder: the folder is complete when it exists."""
    return Path(folder) / "complete"


def cache_dir(*parts: str) -> Path:
    """A folder of optviz's cache, made if needed."""
    root = os.environ.get("OPTVIZ_CACHE_DIR") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "optviz"
    folder = Path(root, *parts)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def digest(*items) -> str:
    """A short hash of JSON-able items (and of bytes, and the bytes of any Path among them)."""
    h = hashlib.sha256()
    for item in items:
        if isinstance(item, bytes):
            h.update(item)
        elif isinstance(item, Path):
            h.update(item.read_bytes())
        else:
            h.update(json.dumps(item, sort_keys=True, default=str).encode())
    return h.hexdigest()[:20]


def data_digest(*folders) -> str:
    return digest(*[p for f in folders for p in sorted(Path(f).glob("*.npz"))])


def sources_digest(*folders: Path, skip: tuple = ()) -> str:
    """A hash of the Python sources in these folders (but those under `skip`): what a cached result
    was computed by."""
    files = sorted(p for f in folders for p in Path(f).rglob("*.py") if "__pycache__" not in p.parts
                   and not any(p.is_relative_to(s) for s in skip))
    return digest(*[str(p.relative_to(p.parents[1])) for p in files], *files)
