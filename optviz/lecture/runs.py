"""The runs the lecture draws, computed once and saved as NPZ files for the manim processes (which never
import torch): the post's races, one gradient step, the two momentum forms, a stochastic cloud, a real
network's landscape, the generalization study's numbers on digits and on wilson-linear.

    python -m optviz.lecture.runs DIR     # what the scenes run when $OPTVIZ_LECTURE_DIR is not set

`lecture_data_dir()` keeps them in the cache, under a hash of the code that computes them, so a second
render does not train the network again.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

from ..extras import require
from .files import cache_dir, complete, digest, sources_digest

SEED = ["sgd:lr=10", "momentum:lr=10,momentum=0.9", "adam:lr=1"]
# the rates `optviz experiment generalization` tunes for these three on digits-mlp (README, "Why not
# always Adam? Measured"); given here so the lecture does not repeat the 8-rate search
GENERALIZATION = ["momentum:lr=0.956,momentum=0.9", "adam:lr=0.00985", "sam:base=momentum,lr=0.956,momentum=0.9,rho=0.05"]
# the rates the study tunes on wilson-linear (docs, "Where Adam loses"), for the other side of chapter 7
WILSON = ["sgd:lr=0.305", "momentum:lr=0.956,momentum=0.9", "adam:lr=0.0309", "rmsprop:lr=0.001", "adagrad:lr=0.305"]
NETWORK = ["sgd:lr=0.5", "momentum:lr=0.5,momentum=0.9", "adam:lr=0.01", "sam:base=momentum,lr=0.5,momentum=0.9,rho=0.05"]


def surface_runs() -> dict:
    """The 2-D runs, as Experiments (cheap)."""
    from ..core.engine import simulate
    return {
        # a close look at a few steps of gradient descent, on a box around the ravine
        "step": simulate("pathological", ["sgd:lr=1"], [[1.0, 1.5]], 8, box=((-2.0, 2.5), (-0.8, 2.7))),
        "seed50": simulate("pathological", SEED, [[7, 7]], 50),
        "seed1000": simulate("pathological", SEED, [[7, 7]], 1000),
        # the post's momentum and torch's at a tenth of its rate: one path, velocities 10x apart
        "forms": simulate("pathological", ["momentum:lr=10,momentum=0.9", "torch-momentum:lr=1,momentum=0.9"],
                          [[7, 7]], 30),
        "stochastic": simulate("least-squares", ["sgd:lr=0.05", "momentum:lr=0.05,momentum=0.9", "adam:lr=0.1"],
                               [[-1.5, 2.5]], 150, batch_size=4, cloud=40, seed=0),
    }


def write_lecture_data(directory, progress=None) -> dict[str, Path]:
    """Compute every run the lecture shows and save each as DIR/NAME.npz; returns the paths."""
    from ..core.networks import landscape, train_network
    from ..studies.generalization import run_generalization
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, exp in surface_runs().items():
        out[name] = exp.save(directory / f"{name}.npz")
    run = train_network("digits-mlp", NETWORK, 300, batch_size=64, record_every=2, seed=0, progress=progress)
    out["network"] = landscape(run, "pca", resolution=41).save(directory / "network.npz")
    result, _ = run_generalization("digits-mlp", GENERALIZATION, seeds=5, progress=progress, spectrum=False)
    out["generalization"] = result.save(directory / "generalization.npz")
    result, _ = run_generalization("wilson-linear", WILSON, seeds=5, progress=progress, spectrum=False)
    out["wilson"] = result.save(directory / "wilson.npz")
    return out


def lecture_data_dir(report=lambda line: None) -> Path:
    """The runs in the cache, computed there first when they are not (or were computed by other code)."""
    from importlib.metadata import version
    here = Path(__file__).resolve().parent
    key = digest(sources_digest(here.parent / "core", here.parent / "studies"), (here / "runs.py").read_text(),
                 version("torch"))
    folder = cache_dir("lecture", "data") / key
    if complete(folder):
        return folder
    require("networks", feature="the lecture (its chapter 7 trains a network on the digits)")
    report("computing the lecture's runs (the races, a network trained from 5 seeds: about 20 s)")
    tmp = folder.with_name(f".{folder.name}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    write_lecture_data(tmp)
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)
    return folder


if __name__ == "__main__":
    write_lecture_data(sys.argv[1])
