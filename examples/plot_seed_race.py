"""
The blog post's race
====================

SGD (lr 10), SGD with momentum (lr 10, beta 0.9) and Adam (lr 1) from (7, 7) on the post's
pathological surface, ``tanh(w1)^2 + 0.01 |w1| + sigmoid(w2)``: a steep, narrow ravine along
``w1 = 0`` whose floor keeps falling towards negative ``w2``.
"""

# %%
# The post's own code works after ``from optviz import *``: ``train_curve`` records ``[w1, w2, loss]``
# *before* each update and returns a ``[num_updates, 3]`` array.
from optviz import *

SGD_points = train_curve(lambda params: SGD(params, lr=10), num_updates=50)
SGDMom_points = train_curve(lambda params: SGDMomentum(params, lr=10, momentum=0.9), num_updates=50)
Adam_points = train_curve(lambda params: Adam(params, lr=1), num_updates=50)
print(SGD_points.shape, SGD_points.dtype)
print("Adam after 50 updates:", Adam_points[-1])

# %%
# The post's figure: the surface as an image, with the three paths drawn over it.
ax = plot_curve(pathological_curve_loss, x_range=(-10, 10), y_range=(-10, 10), title="Pathological curvature")
for points, name in ((SGD_points, "SGD"), (SGDMom_points, "SGDMom"), (Adam_points, "Adam")):
    ax.plot(points[:, 0], points[:, 1], "-o", markersize=2, label=name)
ax.legend()

# %%
# The same race with everything recorded (position, loss, gradient, momentum's velocity, Adam's
# moments), drawn as a GIF with a loss panel. ``simulate`` runs every optimizer from every start.
from optviz.render.animate import render
from optviz.render.style import Style
from optviz.render.timeline import Timeline

exp = simulate("pathological", ["sgd:lr=10", "momentum:lr=10,momentum=0.9", "adam:lr=1"],
               starts=[[7, 7]], steps=50)
print(exp)
render(exp, "seed-race.gif", view="2d", style=Style(loss_panel=True), timeline=Timeline(fps=20, hold=1.5))
