"""
Sharp or wide minima?
=====================

The ``sharp-wide`` surface has a sharp, slightly deeper minimum beside a wide, shallower one. Where do
200 random starts of momentum, Adam and SAM (sharpness-aware minimization around the same momentum)
land? ``run_minima`` counts them over seeds, with confidence intervals (``optviz experiment minima``
is the same study from the command line).
"""
from optviz.render.landing import save_landing_chart
from optviz.studies.minima import run_minima

result, first = run_minima("sharp-wide", ["momentum:lr=1,momentum=0.9", "adam:lr=0.1",
                                          "sam:base=momentum,lr=1,momentum=0.9,rho=0.1"], starts=200, seeds=3)
print(result.table())
save_landing_chart(result, "minima-bars.png")
