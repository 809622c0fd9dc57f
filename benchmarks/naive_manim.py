"""The naive rolling-balls shot the manim benchmark compares against: 3 balls with default Spheres,
TracedPath trails, updaters on a ValueTracker, a 32x32 Surface and ambient camera rotation.
It draws the same recorded trajectories ($OPTVIZ_EXPERIMENT) as scenes/rolling.py."""
import json
import os

import numpy as np
from manim import DEGREES, ThreeDAxes, ThreeDScene, Sphere, Surface, TracedPath, ValueTracker, linear

from optviz.data import Experiment


class NaiveRolling(ThreeDScene):
    def construct(self):
        exp = Experiment.load(os.environ["OPTVIZ_EXPERIMENT"])
        duration = float(json.loads(os.environ.get("OPTVIZ_MANIM", "{}")).get("duration", 10))
        (x0, x1), (y0, y1) = exp.box
        axes = ThreeDAxes(x_range=(x0, x1), y_range=(y0, y1), z_range=(0, 2.2), x_length=6, y_length=6, z_length=2.6)
        gx, gy, gz = exp.grid_x, exp.grid_y, exp.grid_z

        def height(u, v):
            return float(gz[np.abs(gy - v).argmin(), np.abs(gx - u).argmin()])
        surface = Surface(lambda u, v: axes.c2p(u, v, height(u, v)), u_range=(x0, x1), v_range=(y0, y1),
                          resolution=(32, 32))
        self.set_camera_orientation(phi=62 * DEGREES, theta=-115 * DEGREES)
        self.add(axes, surface)
        t = ValueTracker(0)
        for m, color in enumerate(["#e4572e", "#2e86de", "#7b2cbf"]):
            pos, loss = exp.position[m, 0].astype(float), exp.loss[m, 0].astype(float)
            ball = Sphere(radius=0.12).set_color(color)

            def follow(mob, pos=pos, loss=loss):
                s = min(t.get_value(), len(pos) - 1.0001)
                i = int(s)
                f = s - i
                x, y = (1 - f) * pos[i] + f * pos[i + 1]
                mob.move_to(axes.c2p(x, y, (1 - f) * loss[i] + f * loss[i + 1]))
            ball.add_updater(follow)
            self.add(ball, TracedPath(ball.get_center, stroke_color=color, stroke_width=3))
        self.begin_ambient_camera_rotation(rate=40 * DEGREES / duration)
        self.play(t.animate.set_value(exp.steps), run_time=duration, rate_func=linear)
