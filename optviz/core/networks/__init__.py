"""Real networks: train a model with any optviz optimizer, record its path through weight space, slice
its loss landscape along a plane and draw the paths on it, and measure how sharp a minimum is.

tasks      built-in tasks (digits-mlp, digits-cnn, moons-mlp) and a user's by import path
wilson     wilson-linear: Wilson et al. 2017's least squares, where adaptive methods generalize worse
train      train_network: every optimizer from the same initial weights, recorded every k steps
planes     PCA, filter-normalized random and three-point planes, and lines, through weight space
grid       the loss at many points of a plane at once (the plane is linear in its coordinates)
landscape  the paths on the slice, as an Experiment the renderers draw
sharpness  the Hessian's top eigenvalue (power iteration), trace (Hutchinson) and eigenvalue density
           (stochastic Lanczos quadrature), from Hessian-vector products
"""
from . import wilson  # noqa: F401  (registers wilson-linear)
from .landscape import landscape
from .tasks import TASKS, Task, get_task, register_task
from .train import train_network

__all__ = ["TASKS", "Task", "get_task", "landscape", "register_task", "train_network"]
