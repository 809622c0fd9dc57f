"""
Learning-rate schedules
=======================

``"sgd:lr=0.095@cosine"`` adds a schedule to any optimizer (``step``, ``cosine``, ``linear``,
``warmup``, ``warmup-cosine``, ``onecycle``, or a ``torch.optim.lr_scheduler`` class by name). On the
ill-conditioned ravine, plain SGD at 0.095 zig-zags across the valley; with a cosine decay the zig-zag
dies out. ``exp.lr`` records the rate each update used.
"""
import matplotlib.pyplot as plt

from optviz import simulate
from optviz.render.animate import render

exp = simulate("ravine", ["sgd:lr=0.095", "sgd:lr=0.095@cosine", "sgd:lr=0.095@ExponentialLR:gamma=0.95"],
               starts=[[-4.5, 1.5]], steps=60)

fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.5))
for m, label in enumerate(exp.labels):
    left.plot(exp.lr[m], label=label)
    right.semilogy(exp.loss[m, 0], label=label)
left.set(xlabel="step", ylabel="learning rate", title="the schedules")
right.set(xlabel="step", ylabel="loss", title="the loss")
left.legend(fontsize=8)
fig.tight_layout()

# %%
# The static map with every path:
render(exp, "ravine-schedules.png", view="map")
