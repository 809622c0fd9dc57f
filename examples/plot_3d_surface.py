"""
Balls rolling on the 3-D surface
================================

The race of the blog post in 3-D: each ball rests on the surface at its loss, and what the surface
hides from the camera is hidden (the 3-D view rasterises the surface into a depth buffer). From the
post's own camera (elevation 30, azimuth 75) the ravine's near wall hides most of Adam's path, so this
camera looks down into the ravine.
"""
from optviz import simulate
from optviz.render.animate import render
from optviz.render.style import Style
from optviz.render.timeline import Timeline

exp = simulate("pathological", ["sgd:lr=10", "momentum:lr=10,momentum=0.9", "adam:lr=1"], starts=[[7, 7]],
               steps=50)
render(exp, "seed-3d.gif", view="3d", style=Style(elev=55, azim=110), timeline=Timeline(fps=15, hold=1))
