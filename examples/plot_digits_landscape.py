"""
A real network's loss landscape
===============================

optviz trains a 64-64-10 MLP on scikit-learn's bundled 8x8 digits with SGD, momentum and Adam from the
same weights, records their paths through weight space, and slices the loss landscape along the PCA
plane of those paths. A ball's height is the path's real loss; the caption says how much of the
paths' variance the plane holds. Needs ``pip install 'optviz[networks]'``.
"""
import optviz
from optviz.render.animate import render

run = optviz.train_network("digits-mlp", ["sgd:lr=0.5", "momentum:lr=0.5,momentum=0.9", "adam:lr=0.01"],
                           steps=150, batch_size=64, record_every=3, seed=0)
exp = optviz.landscape(run, "pca", resolution=31)
print(exp.meta["caption"])
render(exp, "digits-landscape.png", view="map")

# %%
# A landscape is an ``Experiment`` like any other, saved and drawn again without training. The package
# carries one from the gallery (300 steps, four optimizers, SAM included):
from pathlib import Path

from optviz.cli.resources import package_folder

saved = optviz.Experiment.load(package_folder("optviz.examples") / "digits-landscape.npz")
print(saved)
render(saved, "digits-saved-3d.png", view="surface")
