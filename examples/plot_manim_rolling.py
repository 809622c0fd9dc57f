"""
A manim shot: balls rolling in 3-D
==================================

The 3Blue1Brown-style scenes draw optviz experiments with the same colours and trajectories as the
GIFs. This is the rolling-balls shot at preview quality (480p15), two seconds long; ``quality="1080p60"``
makes the lecture-hall version. Needs ``pip install 'optviz[manim]'``.
"""
from optviz import simulate
from optviz.render.manim_video import render_manim

exp = simulate("pathological", ["sgd:lr=10", "momentum:lr=10,momentum=0.9", "adam:lr=1"], starts=[[7, 7]],
               steps=50)
render_manim(exp, "rolling.mp4", scene="rolling", quality="preview", options={"duration": 3})
