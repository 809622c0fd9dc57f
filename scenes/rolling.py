"""Balls rolling across the 3-D loss surface, one per optimizer, with trails, legend and step counter.

    manim -pql "$(optviz scenes path)/rolling.py" RollingBalls     # the seed's 50-step race, slow orbit
    manim -pql "$(optviz scenes path)/rolling.py" RollingTopDown   # the same, seen from above
    manim -pql "$(optviz scenes path)/rolling.py" Swarm            # many starts at once, coloured by optimizer

Data: $OPTVIZ_EXPERIMENT (an optviz NPZ), else the seed's run computed by the optviz CLI.
Options ($OPTVIZ_MANIM, JSON): duration (s), orbit (degrees over the shot), theme, easing, phi and theta
(the camera, degrees),
segment [k, n] (render only part k of n, for parallel rendering; `optviz render --engine manim`).
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from manim import DEGREES, DL, DOWN, LEFT, RIGHT, UL, UP, UR, Text, ThreeDScene, ValueTracker, linear

sys.path.insert(0, str(Path(__file__).parent))
from common import (  # noqa: E402
    FONT,
    Ball,
    PathVisibility,
    Stage,
    StepCounter,
    caption,
    colors_for,
    cross,
    ease,
    exit_points,
    legend,
    load_experiment,
    options,
    segment_times,
    set_trail,
    track_progress,
    trail_mobject,
)

from optviz.render.style import THEMES  # noqa: E402
from dots import RoundDots  # noqa: E402

DENSE = 4
GHOST = 0.3   # opacity of a ball the surface hides, on a slice of a network's landscape


def add_race(scene, stage: Stage, exp, clock: ValueTracker, steps_at, theme: str, title: bool = True,
             key_corner=UL, labels=None, caption_width: float = 9.5, visible: ValueTracker | None = None,
             key_room=None):
    """Balls, trails, exit markers, legend, step counter (and title) for every optimizer of `exp`
    (first start each), driven by `clock` through `steps_at(t)`. All geometry is precomputed; each
    frame only picks points. `visible` (0 to 1) fades the balls and markers (their updaters set their
    opacity every frame, so a FadeOut alone would not). Returns everything added, to fade out later."""
    colors = colors_for(exp)
    paths = [stage.path(m, 0, DENSE, exp=exp) for m in range(len(colors))]
    exits = exit_points(exp)
    hidden = lambda pts: stage.hidden(pts, scene.camera)   # what the surface hides from the camera now
    balls, trails, gone = [], [], []

    def faded(_, trail, opacity):
        if visible is not None:
            trail.set_stroke(opacity=opacity * visible.get_value(), family=True)

    for m, color in enumerate(colors):
        trail, sphere, marker = trail_mobject(color), Ball(color, scene.camera), cross(color)
        sphere.optviz_ball = True   # the lecture's layout log measures it
        d = int(exp.diverged_at[m, 0])
        if d >= 0:
            marker.move_to(stage.points(stage.rest(np.array([[*exits[m, 0], stage.z_at(*exits[m, 0])]])))[0]).set_opacity(0)

        def index(d=d):
            """Dense path index of the ball now (it stops at its last finite row if it diverges)."""
            s = steps_at(clock.get_value())
            return min(s, d - 1 if d >= 1 else s) * DENSE, d >= 0 and s >= d - 1

        def follow(mob, m=m, marker=marker, index=index):
            idx, left = index()
            p = paths[m]
            i = int(np.floor(idx))
            here = p[-1] if i + 1 >= len(p) else p[i] + (idx - i) * (p[i + 1] - p[i])
            if np.isfinite(here).all():
                mob.place(here)
            else:
                mob.place(mob.get_center())   # where it stopped, facing the camera as it turns
            behind = bool(hidden(mob.get_center()[None])[0])
            # hidden where the surface is in the way; on a slice of a landscape, seen faintly through it
            shown = visible.get_value() if visible is not None else 1.0
            mob.set_opacity(shown * (0 if left else (GHOST if stage.off_surface else 0) if behind else 1))
            marker.set_opacity(shown * (1 if left and not hidden(marker.get_center()[None])[0] else 0))

        # each moving mobject needs its own updater: manim draws mobjects without one into a cached
        # static background while the camera is still
        seen = PathVisibility(paths[m], hidden, scene.camera)
        trail.add_updater(lambda t, m=m, index=index, seen=seen: faded(set_trail(t, paths[m], index()[0], seen=seen), t, 0.8))
        if stage.off_surface:   # the parts the slice hides, faintly
            ghost = trail_mobject(color).set_stroke(opacity=GHOST)
            unseen = PathVisibility(paths[m], lambda pts: ~hidden(pts), scene.camera)
            ghost.add_updater(lambda t, m=m, index=index, unseen=unseen:
                              faded(set_trail(t, paths[m], index()[0], seen=unseen), t, GHOST))
            trails.append(ghost)
        marker.add_updater(lambda mk: None)
        sphere.add_updater(follow)
        follow(sphere)
        trail.update()
        balls.append(sphere)
        trails.append(trail)
        gone.append(marker)
    scene.add(*trails, *gone, *balls)
    key = legend(exp, colors, theme, labels=labels, room=key_room).to_corner(key_corner, buff=0.35)
    counter = StepCounter(exp.steps, theme, every=int(exp.meta.get("record_every", 1))).to_corner(DL, buff=0.35)
    counter.add_updater(lambda c: c.show(int(steps_at(clock.get_value()))))
    if np.allclose(key_corner, DL):   # the legend takes the corner, the counter sits above it
        counter.next_to(key, UP, buff=0.25, aligned_edge=LEFT)
    overlays = [key, counter]
    note = caption(exp, theme, width=caption_width) if caption_width else None
    if note is not None:   # bottom right, beside the step counter
        overlays.append(note.to_corner(DOWN + RIGHT, buff=0.25))
    if title:
        overlays.append(Text(exp.meta["surface"]["title"], font=FONT, font_size=30, color=THEMES[theme].foreground,
                             weight="BOLD").to_corner(UR, buff=0.35))
    scene.add_fixed_in_frame_mobjects(*overlays)
    return [*trails, *gone, *balls, *overlays]


class RollingBalls(ThreeDScene):
    # camera, degrees: looking down the seed's ravine, whose walls hide its floor from lower or more
    # oblique cameras (balls and trails are hidden where the surface hides them)
    phi, theta = 42, -120
    default_orbit = 40.0           # degrees the camera turns over the shot

    def setup(self):
        track_progress(self)

    def construct(self):
        opts = options()
        exp = load_experiment()
        theme = opts.get("theme", "dark")
        duration = float(opts.get("duration", 10))
        orbit = float(opts.get("orbit", self.default_orbit))
        t0, t1 = segment_times(duration, opts.get("segment", [0, 1]))
        steps_at = lambda t: exp.steps * ease(t / duration, opts.get("easing", "linear"))

        # -- stage
        self.camera.background_color = THEMES[theme].background
        stage = Stage(exp, theme=theme)
        phi, theta = float(opts.get("phi", self.phi)), float(opts.get("theta", self.theta))
        self.set_camera_orientation(phi=phi * DEGREES, theta=(theta + orbit * t0 / duration) * DEGREES,
                                    zoom=0.95, frame_center=stage.centre())
        self.add(stage.axes, stage.surface)

        # -- balls, trails and overlays
        clock = ValueTracker(t0)
        add_race(self, stage, exp, clock, steps_at, theme)

        # -- motion: the clock runs through this segment while the camera turns
        if orbit:
            self.begin_ambient_camera_rotation(rate=orbit * DEGREES / duration)
        self.play(clock.animate.set_value(t1), run_time=t1 - t0, rate_func=linear)


class RollingTopDown(RollingBalls):
    """The same race seen from straight above: the contour view, in 3-D."""
    phi, theta = 0, -90
    default_orbit = 0.0


def add_swarm(scene, stage: Stage, exp, clock: ValueTracker, steps_at, theme: str, dot_size: float = 12,
              key_corner=UL, key_room=None):
    """Every start of every optimizer as a round dot `dot_size` pixels across at 1080p on the surface
    (one point cloud per optimizer, so thousands of balls stay cheap), driven by `clock`; a legend
    fixed in the frame."""
    colors = colors_for(exp)
    M, N, T, _ = exp.position.shape
    xyz = [stage.points(stage.rest(np.column_stack([exp.position[m].reshape(-1, 2).astype(float),
                                                    stage.zf(exp.loss[m].reshape(-1).astype(float))])))
           .reshape(N, T, 3) for m in range(M)]
    clouds = []
    for m, color in enumerate(colors):
        cloud = RoundDots(diameter=dot_size, ring=THEMES[theme].background)

        def move(mob, m=m, color=color):
            s = steps_at(clock.get_value())
            i = min(int(np.floor(s)), T - 1)
            j = min(i + 1, T - 1)
            pts = xyz[m][:, i] + (s - i) * (xyz[m][:, j] - xyz[m][:, i])
            pts = pts[np.isfinite(pts).all(1)]
            pts = pts[~stage.hidden(pts, scene.camera)]
            mob.reset_points()
            mob.add_points(pts, color=color)
        cloud.add_updater(move)
        move(cloud)
        clouds.append(cloud)
    scene.add(*clouds)
    key = legend(exp, colors, theme, room=key_room).to_corner(key_corner, buff=0.35)
    scene.add_fixed_in_frame_mobjects(key)
    return [*clouds, key]


SWARM_RUN = ["--surface", "himmelblau", "--optimizer", "momentum:lr=0.01,momentum=0.9", "--optimizer",
             "adam:lr=0.1", "--starts", "300", "--steps", "120", "--seed", "1"]


class Swarm(ThreeDScene):
    """Many starts rolling at once, one colour per optimizer (dots on the surface)."""

    def setup(self):
        track_progress(self)

    def construct(self):
        opts = options()
        exp = load_experiment(SWARM_RUN)
        theme = opts.get("theme", "dark")
        duration = float(opts.get("duration", 8))
        t0, t1 = segment_times(duration, opts.get("segment", [0, 1]))

        # -- stage
        self.camera.background_color = THEMES[theme].background
        stage = Stage(exp, theme=theme, opacity=0.75)
        self.set_camera_orientation(phi=55 * DEGREES, theta=(-110 + 30 * t0 / duration) * DEGREES, zoom=0.95,
                                    frame_center=stage.centre())
        self.add(stage.axes, stage.surface)

        # -- the swarm
        clock = ValueTracker(t0)
        add_swarm(self, stage, exp, clock, lambda t: exp.steps * t / duration, theme)

        # -- motion
        self.begin_ambient_camera_rotation(rate=30 * DEGREES / duration)
        self.play(clock.animate.set_value(t1), run_time=t1 - t0, rate_func=linear)
