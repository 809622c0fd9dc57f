"""The lecture's data folder (the runs it draws, as NPZ files) and where its cache lives.

`python -m optviz.lecture.runs DIR` writes the folder; the manim scenes read it with `load_data`
(numpy only: they never import torch). The cache holds what a second render can reuse: the runs, the
synthesized and normalized lines, and each chapter's silent video. It lives in $OPTVIZ_CACHE_DIR, else
$XDG_CACHE_HOME/optviz, else ~/.cache/optviz; every entry is named by a hash of what made it.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from ..data.experiment import Experiment
from ..data.generalization import GeneralizationResult
from .script import DATA, STUDIES


def load_data(folder) -> dict:
    """The lecture's data objects from the folder optviz.lecture.runs wrote: {name: Experiment} for
    each of DATA, and the studies ("generalization", "wilson") as GeneralizationResults."""
    folder = Path(folder)
    return {n: (GeneralizationResult if n in STUDIES else Experiment).load(folder / f"{n}.npz") for n in DATA}


def complete(folder) -> bool:
    return all((Path(folder) / f"{name}.npz").exists() for name in DATA)


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


def data_digest(folder) -> str:
    return digest(*[Path(folder) / f"{n}.npz" for n in DATA])


def sources_digest(*folders: Path, skip: tuple = ()) -> str:
    """A hash of the Python sources in these folders (but those under `skip`): what a cached result
    was computed by."""
    files = sorted(p for f in folders for p in Path(f).rglob("*.py") if "__pycache__" not in p.parts
                   and not any(p.is_relative_to(s) for s in skip))
    return digest(*[str(p.relative_to(p.parents[1])) for p in files], *files)
