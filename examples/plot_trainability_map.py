"""
Where does an optimizer train?
==============================

A trainability map runs the optimizer once per pixel of a hyperparameter grid: blue where it
converged (darker: lower loss on the way), red where it diverged (darker: sooner). Here torch's heavy
ball on the ravine ``(x^2 + 20 y^2)/2``, over learning rate and momentum, with the closed-form
stability limit ``lr < 2 (1 + mu) / L`` dashed over it.
"""
from optviz import trainability_map
from optviz.render.trainability import save_map_png

m = trainability_map("ravine", "torch-momentum", x="lr=1e-3:1", y="momentum=0:0.99:linear",
                     resolution=(200, 150), steps=300)
print(m)
save_map_png(m, "map-ravine.png")
