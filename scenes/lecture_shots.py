"""Lecture chapters 5-8: the post's races on its 3-D surface (50 steps, then 1000), stochastic clouds,
a real network's landscape with the measured answer to "why not always Adam?", and the summary.

Each function plays its chapter's beats (scenes/lecture.py `Beats`), one call per beat, and ends with
everything faded out.
"""
from __future__ import annotations

import numpy as np
from manim import (DL, DOWN, LEFT, RIGHT, UP, BackgroundRectangle, Dot, FadeIn, FadeOut, PMobject, ValueTracker,
                   VGroup, Write, config)
from common import colors_for, ease
from lecture_rules import fixed, stage_in
from rolling import add_race, add_swarm

from optviz.render.style import THEMES


def race(scene, data, beats, theme):
    short, long = data["seed50"], data["seed1000"]
    stage, labels, title = stage_in(scene, long, beats, theme, phi=42, theta=-120, lift=0.5)

    # -- 50 steps
    clock = ValueTracker(0)
    seconds = beats.chapter.beats[1].seconds
    shown = add_race(scene, stage, short, clock, lambda t: short.steps * min(t / seconds, 1), theme, title=False)
    beats(steady=[clock.animate.set_value(seconds)])
    after50 = fixed(scene, beats.text("after50", 26).next_to(title, DOWN, buff=0.3, aligned_edge=RIGHT))
    beats(FadeIn(after50, shift=0.2 * UP))
    beats(*[FadeOut(m) for m in (*shown, after50)])
    for m in shown:
        m.clear_updaters()

    # -- 1000 steps, the early ones slowed down
    clock = ValueTracker(0)
    seconds = beats.chapter.beats[4].seconds
    shown = add_race(scene, stage, long, clock, lambda t: long.steps * ease(t / seconds, "ease-in"), theme,
                     title=False)
    beats(steady=[clock.animate.set_value(seconds)])
    after1000 = fixed(scene, beats.text("after1000", 26).next_to(title, DOWN, buff=0.3, aligned_edge=RIGHT))
    beats(FadeIn(after1000, shift=0.2 * UP))
    beats()
    beats(*[FadeOut(m) for m in (*shown, after1000, stage.surface, labels, title)])


SINK = 0.9   # frame units the zoomed clouds sit below the frame's centre (the texts hold its top)


def stochastic(scene, data, beats, theme):
    exp = data["stochastic"]
    stage, labels, title = stage_in(scene, exp, beats, theme, phi=55, theta=-105, zoom=0.72, lift=0.3, opacity=0.8)
    setting = fixed(scene, beats.text("setting", 28).next_to(title, DOWN, buff=0.25, aligned_edge=RIGHT))
    beats(FadeIn(setting))
    clock = ValueTracker(0)
    seconds = beats.chapter.beats[2].seconds
    swarm = add_swarm(scene, stage, exp, clock, lambda t: exp.steps * min(t / seconds, 1), theme, dot_size=10,
                      key_corner=DL)
    beats(steady=[clock.animate.set_value(seconds)])
    clouds = [m for m in swarm if isinstance(m, PMobject)]
    # a closer look at the clouds around the minimum
    result = fixed(scene, beats.text("result", 30, weight="BOLD").next_to(setting, DOWN, buff=0.3, aligned_edge=RIGHT))
    low = exp.minima[0]
    # zoomed in, the surface fills the frame behind the texts: a backdrop keeps them readable (z_index
    # puts it under them; the surface's shaded faces are drawn before anything unshaded anyway)
    backdrop = fixed(scene, BackgroundRectangle(VGroup(title, setting, result), color=THEMES[theme].background,
                                                fill_opacity=0.8, buff=0.2).set_z_index(-1))
    # zoom until the clouds fill about half the frame's height (they end a few pixels wide at the
    # stage's own zoom); the axes' names would be far outside the frame, so they leave first
    # the clouds sit below the texts: the camera aims above the minimum, by SINK frame units at the zoom
    scene.camera.reset_rotation_matrix()
    spread = max(np.ptp(scene.camera.transform_points_pre_display(c, c.points)[:, 1]) for c in clouds)
    target = float(np.clip(scene.camera.get_zoom() * 0.45 * config.frame_height / max(spread, 1e-6), 2.0, 24.0))
    up = scene.camera.get_rotation_matrix().T @ np.array([0.0, 1.0, 0.0])   # the screen's up, in the scene
    aim = np.array(stage.point(low["x"], low["y"])) + up * SINK / target
    zoom = [scene.camera.zoom_tracker.animate.set_value(target), scene.camera._frame_center.animate.move_to(aim)]
    beats(FadeIn(backdrop), FadeIn(result, shift=0.2 * UP), FadeOut(labels), steady=zoom)
    beats()
    beats(*[FadeOut(m) for m in (*swarm, stage.surface, title, setting, result, backdrop)])
    for m in swarm:
        m.clear_updaters()


def network(scene, data, beats, theme):
    exp, fg = data["network"], THEMES[theme].foreground
    # the stage sits high and a little smaller, clear of the caption that runs across the bottom
    stage, labels, title = stage_in(scene, exp, beats, theme, phi=45, theta=-60, zoom=0.74, lift=-0.55)
    claim = fixed(scene, beats.text("claim", 24).next_to(title, DOWN, buff=0.25, aligned_edge=RIGHT))
    beats(FadeIn(claim, shift=0.2 * UP))

    # -- the paths on the slice (add_race draws the caption the script quotes: what the slice means)
    clock = ValueTracker(0)
    seconds = beats.chapter.beats[2].seconds
    # names only in the legend: with their settings the lines ran under the chapter's title
    shown = add_race(scene, stage, exp, clock, lambda t: exp.steps * min(t / seconds, 1), theme, title=False,
                     labels=[label.split(" lr=")[0] for label in exp.labels])
    beats(steady=[clock.animate.set_value(seconds)])
    beats(*[FadeOut(m) for m in (*shown, stage.surface, labels, claim)])
    for m in shown:
        m.clear_updaters()

    # -- the measured answer
    rows = VGroup(beats.text("accuracy", 30), beats.text("sharpness", 30)).arrange(DOWN, aligned_edge=LEFT, buff=0.4)
    fixed(scene, rows.move_to(0.6 * UP))
    beats(FadeIn(rows, shift=0.2 * UP))
    common = fixed(scene, beats.text("common", 30).next_to(rows, DOWN, buff=0.4).align_to(rows, LEFT))
    verdict = fixed(scene, beats.text("verdict", 36, weight="BOLD", color=fg).next_to(common, DOWN, buff=0.7))
    beats(FadeIn(common, shift=0.2 * UP), FadeIn(verdict, shift=0.2 * UP))
    beats(FadeOut(rows), FadeOut(common), FadeOut(verdict))

    # -- the other side: where the adaptive methods do lose (Wilson et al.'s least squares)
    case = beats.text("wilson", 32, weight="BOLD", color=fg)
    sides = VGroup(beats.text("wilson_acc", 30), beats.text("wilson_ada", 30)).arrange(DOWN, buff=0.3)
    block = fixed(scene, VGroup(case, sides).arrange(DOWN, buff=0.5).move_to(0.5 * UP))
    beats(FadeIn(block, shift=0.2 * UP))
    why = fixed(scene, beats.text("wilson_why", 30).next_to(block, DOWN, buff=0.7))
    beats(FadeIn(why, shift=0.2 * UP))
    beats(FadeOut(block), FadeOut(why), FadeOut(title))


def summary(scene, data, beats, theme):
    colors = colors_for(data["seed50"])
    title = beats.text("title", 40, weight="BOLD").to_edge(UP, buff=0.6)
    beats(Write(title))
    lines = []
    for key, color in zip(("sgd", "momentum", "adam"), colors):
        row = VGroup(Dot(radius=0.12, color=color), beats.text(key, 32)).arrange(RIGHT, buff=0.3)
        row.next_to(lines[-1] if lines else title, DOWN, buff=0.55 if lines else 0.9)
        row.align_to(lines[0] if lines else row, LEFT) if lines else row.to_edge(LEFT, buff=2.2)
        lines.append(row)
        beats(FadeIn(row, shift=0.2 * RIGHT))
    measure = beats.text("measure", 32, weight="BOLD").next_to(lines[-1], DOWN, buff=0.9).align_to(lines[0], LEFT)
    beats(FadeIn(measure, shift=0.2 * UP))
    beats()
    beats(*[FadeOut(m) for m in (title, *lines, measure)])


__all__ = ["race", "stochastic", "network", "summary"]
