"""
The interactive page
====================

One self-contained HTML file (no network): click the map to drop a ball and every optimizer runs
from there, live in the browser; the sliders set each learning rate and momentum. It works from
``file://``, in an ``<iframe>`` on a blog, offline in a lecture hall. Try it below.
"""
import optviz

exp = optviz.simulate("pathological", ["sgd:lr=10", "momentum:lr=10,momentum=0.9", "adam:lr=1"],
                      starts=[[7, 7]], steps=50)
page = optviz.explore(exp)      # in a notebook, left as a cell's value, it shows itself inline
page.save("seed-explorer.html")

# %%
# The map the page draws is the GIFs' own; as a static figure:
from optviz.render.animate import render

render(exp, "seed-map.png", view="map")
