"""
Any torch.optim optimizer
=========================

Every class ``torch.optim`` exports is reachable by its own name (with torch's defaults), beside
optviz's own ``sgd``, ``momentum`` and ``adam``. A class of your own is reached by import path,
``"mypkg.opt:MyOptimizer:lr=0.1"``. Here Rprop, Adagrad and L-BFGS race Adam along Rosenbrock's
banana valley to the minimum at (1, 1).
"""
from optviz import simulate
from optviz.render.animate import render

exp = simulate("rosenbrock", ["adam:lr=0.05", "Rprop:lr=0.01", "Adagrad:lr=0.5", "LBFGS:lr=0.5"],
               starts=[[-1.5, 2.5]], steps=200)
for label, loss in zip(exp.labels, exp.loss[:, 0, -1]):
    print(f"{label:32s} final loss {loss:.3g}")
render(exp, "rosenbrock-torch.png", view="map")
