"""
Which minimum does each start reach?
====================================

Himmelblau's function has four equal minima. 300 seeded random starts of SGD with momentum, drawn as a
swarm and coloured by the minimum each start ends in: the basins of attraction appear.
"""
from optviz import simulate
from optviz.render.animate import render
from optviz.render.style import Style
from optviz.render.timeline import Timeline

exp = simulate("himmelblau", ["momentum:lr=0.01,momentum=0.9"], starts=300, steps=120, seed=1)
render(exp, "himmelblau-swarm.gif", style=Style(color_by="minimum"), timeline=Timeline(duration=4, hold=1))
