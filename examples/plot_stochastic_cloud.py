"""
Stochastic gradients: a cloud, not a line
=========================================

On ``least-squares`` (a line fitted to 64 noisy points) each step of ``batch_size=4`` follows the
gradient on 4 points drawn at random, and ``cloud=30`` runs every start 30 times with its own batches.
The surface is the full-data loss; the clouds are the spread mini-batch noise leaves around the
minimum, smaller for the smaller learning rate.
"""
import numpy as np

from optviz import simulate
from optviz.render.animate import render
from optviz.render.timeline import Timeline

exp = simulate("least-squares", ["sgd:lr=0.05", "adam:lr=0.1"], starts=[[-1.5, 2.5]], steps=150,
               batch_size=4, cloud=30, seed=0)
end = exp.position[:, :, -1]            # [optimizers, runs, 2]
for label, points in zip(exp.labels, end):
    print(f"{label}: spread of the last positions {np.std(points, axis=0).round(3)}")
render(exp, "stochastic-cloud.gif", timeline=Timeline(duration=5, hold=1))
