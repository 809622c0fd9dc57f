"""Lecture chapters 1-4: a gradient and one step on the seed's surface (3-D), then SGD, momentum and
Adam, each with its update rule and the live values of its first steps beside a map of the surface.

Each function plays its chapter's beats (scenes/lecture.py `Beats`), one call per beat, and ends with
everything faded out. Values shown are the recorded ones (gradient at w_t, state after update t + 1).
"""
from __future__ import annotations

import numpy as np
from manim import (
    DEGREES,
    DL,
    DOWN,
    LEFT,
    OUT,
    RIGHT,
    UL,
    UP,
    UR,
    Arrow,
    Create,
    DashedLine,
    FadeIn,
    FadeOut,
    ParametricFunction,
    Text,
    ValueTracker,
    VGroup,
    VMobject,
    Write,
    )
from common import FONT, Stage, axis_labels, ball, colors_for, set_trail, trail_mobject
from rules import fmt, map_ball, surface_tiles

from optviz.render.base import plain_axis_labels
from optviz.render.style import THEMES

DENSE = 8


def fixed(scene, *mobjects):
    """Fix mobjects in the frame without showing them yet (their animation shows them)."""
    scene.add_fixed_in_frame_mobjects(*mobjects)
    scene.remove(*mobjects)
    return mobjects[0] if len(mobjects) == 1 else VGroup(*mobjects)


def clear_of_edges(scene, labels, step: float = 0.1, tries: int = 40) -> None:
    """Move each floor axis's name out from the box until, as this camera draws it (facing the camera,
    its centre projected), it no longer touches the edge it names: a long name ("PC 1 (64% of the
    variance)") beside an oblique edge would run across it."""
    camera = scene.camera
    camera.reset_rotation_matrix()   # the orientation just set (the matrix is otherwise made at the next frame)
    edges, names = labels[:3], labels[3:]
    centre = np.mean([e.get_center() for e in edges[:2]], axis=0)
    for edge, name in zip(edges[:2], names[:2]):
        ends = np.array([camera.project_point(edge.get_start()), camera.project_point(edge.get_end())])[:, :2]
        line = ends[0] + np.linspace(0, 1, 200)[:, None] * (ends[1] - ends[0])
        out = name.get_center() - centre
        out = out / max(np.linalg.norm(out), 1e-9)
        for _ in range(tries):
            x, y = camera.project_point(name.get_center())[:2]
            w, h = name.width / 2 + 0.08, name.height / 2 + 0.08
            if not ((np.abs(line[:, 0] - x) < w) & (np.abs(line[:, 1] - y) < h)).any():
                break
            name.shift(step * out)


def stage_in(scene, exp, beats, theme, *, phi, theta, zoom=0.95, lift=0.0, **stage_options):
    """A 3-D stage with its axis labels and the chapter's title, faded in as the first beat. `lift`
    raises the camera's aim (scene units), which lowers the stage in the frame, below the texts."""
    stage = Stage(exp, theme=theme, **stage_options)
    scene.set_camera_orientation(phi=phi * DEGREES, theta=theta * DEGREES, zoom=zoom,
                                 frame_center=np.array(stage.centre()) + lift * OUT)
    labels = axis_labels(stage, theta, theme, font_size=24)
    clear_of_edges(scene, labels)
    scene.add_fixed_orientation_mobjects(*labels[-3:])
    scene.remove(*labels[-3:])
    title = fixed(scene, beats.text("title", 34, weight="BOLD").to_corner(UR, buff=0.35))
    beats(FadeIn(stage.surface), FadeIn(labels), Write(title))
    return stage, labels, title


def gradient(scene, data, beats, theme):
    exp = data["step"]
    fg = THEMES[theme].foreground
    color = colors_for(exp)[0]
    w0, g0 = exp.position[0, 0, 0].astype(float), exp.grad[0, 0, 0].astype(float)
    loss0, lr = float(exp.loss[0, 0, 0]), float(exp.meta["optimizers"][0]["hyperparameters"]["lr"])

    # -- the stage, looking along the ravine
    stage, labels, title = stage_in(scene, exp, beats, theme, phi=60, theta=-100, zoom=0.95, size=6.5, height=2.4,
                                    lift=0.9)
    formula = fixed(scene, beats.text("formula", 28).next_to(title, DOWN, buff=0.2, aligned_edge=RIGHT))
    beats(FadeIn(formula, shift=0.2 * UP))

    # -- the ravine along w1 = 0
    (_, _), (y0, y1) = exp.box
    floor = ParametricFunction(lambda t: stage.points(stage.rest(np.array([[0.0, t, stage.z_at(0.0, t)]])))[0],
                               t_range=(y0, y1), color=fg, stroke_width=4)
    beats(Create(floor))

    # -- a ball, its gradient, one step: arrows on the tangent plane at the ball
    def tangent(d):
        d = np.asarray(d, float)
        return stage.points(stage.rest(np.array([[*(w0 + d), stage.zf(loss0 + g0 @ d)]])))[0]

    path = stage.path(0, 0, DENSE, exp=exp)
    clock = ValueTracker(0)
    sphere = ball(color).move_to(path[0])
    trail = trail_mobject(color, 4)
    sphere.add_updater(lambda m: m.move_to(path[min(int(round(clock.get_value() * DENSE)), len(path) - 1)]))
    trail.add_updater(lambda t: set_trail(t, path, clock.get_value() * DENSE))
    notes = [fixed(scene, beats.text(k, 28)) for k in ("where", "gradient", "rule", "after")]
    VGroup(*notes).arrange(DOWN, aligned_edge=RIGHT, buff=0.22).next_to(formula, DOWN, buff=0.45, aligned_edge=RIGHT)
    scene.add(trail)
    beats(FadeIn(sphere, scale=0.5), FadeIn(notes[0]))
    up = Arrow(path[0], tangent(g0), buff=0, color=fg, stroke_width=7, max_tip_length_to_length_ratio=0.25)
    beats(Create(up), FadeIn(notes[1]))
    down = Arrow(path[0], tangent(-lr * g0), buff=0, color=color, stroke_width=7, max_tip_length_to_length_ratio=0.25)
    beats(Create(down), at={"rule": [FadeIn(notes[2])]})   # the rule appears as it is said
    beats(FadeIn(notes[3]), FadeOut(up), FadeOut(down), steady=[clock.animate.set_value(1)])
    beats(steady=[clock.animate.set_value(exp.steps)])
    beats(*[FadeOut(m) for m in (stage.surface, labels, floor, sphere, trail, title, formula, *notes)])


# ---- SGD, momentum and Adam: a map, the rule, the live values -------------------------------------------

class Values(VGroup):
    """The live values of one optimizer at step t (gradient, its state, the new position)."""

    def __init__(self, exp, m: int, theme: str):
        super().__init__()
        self.exp, self.m, self.fg, self.shown = exp, m, THEMES[theme].foreground, None
        self.show(0)

    def rows(self, t: int) -> list[str]:
        e, m = self.exp, self.m
        rows = [f"step {t + 1}", f"g  = {fmt(e.grad[m, 0, t])}"]
        if np.isfinite(e.state.get("velocity", np.full(e.position.shape, np.nan))[m, 0, t + 1]).all():
            rows.append(f"v  = {fmt(e.state['velocity'][m, 0, t + 1])}")
        if np.isfinite(e.state.get("exp_avg", np.full(e.position.shape, np.nan))[m, 0, t + 1]).all():
            hats = e.bias_corrected(m)
            rows += [f"m̂  = {fmt(hats['m_hat'][0, t + 1])}", f"v̂  = {fmt(hats['v_hat'][0, t + 1])}"]
        return rows + [f"w  = {fmt(e.position[m, 0, t + 1])}"]

    def show(self, t: int) -> "Values":
        t = int(min(max(t, 0), self.exp.steps - 1))
        if t != self.shown:
            rows = VGroup(*[Text(r, font="DejaVu Sans Mono", font_size=22, color=self.fg) for r in self.rows(t)])
            rows.arrange(DOWN, aligned_edge=LEFT, buff=0.09)
            if self.shown is not None:
                rows.move_to(self.get_corner(UL), aligned_edge=UL)
                self.remove(*self.submobjects)
            self.add(*rows.submobjects)
            self.shown = t
        return self


def rules_stage(scene, exp, m: int, beats, theme: str):
    """The title across the top, the map on the left with optimizer m's ball and trail (driven by the
    returned clock: steps taken); returns them and the left edge of the text column right of the map."""
    color = colors_for(exp)[m]
    title = beats.text("title", 34, weight="BOLD").to_corner(UL, buff=0.35)
    tiles = surface_tiles(exp, height=6.3).to_corner(DL, buff=0.55).shift(0.25 * RIGHT)
    muted = THEMES[theme].muted
    w1, w2 = plain_axis_labels(exp)
    names = VGroup(Text(w1, font=FONT, font_size=24, color=muted).next_to(tiles, DOWN, buff=0.08),
                   Text(w2, font=FONT, font_size=24, color=muted).next_to(tiles, LEFT, buff=0.1))
    tiles = VGroup(tiles, names)
    (x0, x1), (y0, y1) = exp.box
    corner, (w, h) = tiles[0].get_corner(DOWN + LEFT), (tiles[0].width, tiles[0].height)
    pts = np.array([corner + RIGHT * (x - x0) / (x1 - x0) * w + UP * (y - y0) / (y1 - y0) * h
                    for x, y in exp.position[m, 0].astype(float)])
    clock = ValueTracker(0)
    dot, trail = map_ball(pts, clock, color, radius=0.1, width=4)
    return tiles, dot, trail, clock, title, color, tiles.get_right()[0] + 0.7


def stepping(scene, exp, m, beats, theme, reveal, walk: int = 5, fast_key="lesson", after_key="result",
             extra=None):
    """The chapter every rule shares: title and map; the rule, revealed a group of texts per beat;
    `walk` single steps with their values; a run to the last step; the result; fade out. `extra(values,
    lesson, column)` plays beats of its own before the result and returns what it shows (the result goes
    under the last of them)."""
    tiles, dot, trail, clock, title, color, column = rules_stage(scene, exp, m, beats, theme)
    beats(FadeIn(tiles), Write(title))
    shown = VGroup()
    values = Values(exp, m, theme)
    for n, keys in enumerate(reveal):
        lines = VGroup(*[beats.text(k, 28, color=color if k.startswith("rule") else None) for k in keys])
        lines.arrange(DOWN, aligned_edge=LEFT, buff=0.16)
        if len(shown):
            lines.next_to(shown, DOWN, buff=0.22, aligned_edge=LEFT)
        else:
            lines.next_to(title, DOWN, buff=0.45).align_to(np.array([column, 0, 0]), LEFT)
        shown.add(lines)
        anims = [FadeIn(lines, shift=0.2 * UP)]
        if n == len(reveal) - 1:
            values.next_to(shown, DOWN, buff=0.35, aligned_edge=LEFT)
            scene.add(trail, dot)
            anims += [FadeIn(values), FadeIn(dot)]
        beats(*anims)
    for t in range(walk):
        values.show(t)
        beats(steady=[clock.animate.set_value(t + 1)])
    # the values of the steps run through are not drawn frame by frame (manim cannot change a group's
    # members during a play): they dim, and come back showing the last step
    lesson = beats.text(fast_key, 28).next_to(values, DOWN, buff=0.35, aligned_edge=LEFT)
    beats(FadeIn(lesson), values.animate.set_opacity(0.25), steady=[clock.animate.set_value(exp.steps)])
    values.show(exp.steps - 1).set_opacity(0.25)
    added = extra(values, lesson, column) if extra else []
    result = beats.text(after_key, 28, weight="BOLD").next_to(added[-1] if added else lesson, DOWN, buff=0.3,
                                                               aligned_edge=LEFT)
    beats(FadeIn(result, shift=0.2 * UP), *([] if extra else [values.animate.set_opacity(1)]))
    beats(*[FadeOut(x) for x in (tiles, dot, trail, title, shown, values, lesson, *added, result)])


def sgd(scene, data, beats, theme):
    stepping(scene, data["seed50"], 0, beats, theme, [["rule", "setting"]], walk=6)


def adam(scene, data, beats, theme):
    stepping(scene, data["seed50"], 2, beats, theme, [["rule", "rule_v"], ["rule2"], ["rule3", "setting"]], walk=4)


def momentum(scene, data, beats, theme):
    """SGD's chapter with momentum's rule; after the run, a plot of its velocity against torch's form's."""
    forms = data["forms"]
    colors = colors_for(data["seed50"])
    muted, orange = THEMES[theme].muted, "#e67e22"

    def plot(values, lesson, column):
        from manim import Axes
        v = forms.state["velocity"][:, 0, 1:, 0].astype(float)       # [2, T]: v1 after each update
        g1 = float(forms.grad[0, 0, -2, 0])
        top = float(np.nanmax(v)) * 1.1
        axes = Axes(x_range=(0, forms.steps, 10), y_range=(0, top, top / 4), x_length=5.2, y_length=2.2, tips=False,
                    axis_config={"color": muted, "include_numbers": False, "stroke_width": 2})
        head = beats.text("plot", 24)
        VGroup(head, axes).arrange(DOWN, buff=0.2).move_to(values, aligned_edge=UL).shift(0.5 * RIGHT)
        steps = np.arange(1, forms.steps + 1)

        def curve(y, color):
            return VMobject(stroke_color=color, stroke_width=4).set_points_as_corners(
                [axes.c2p(x, yy) for x, yy in zip(steps, y)])
        post, torch_ = curve(v[0], colors[1]), curve(v[1], orange)
        level = DashedLine(axes.c2p(0, g1), axes.c2p(forms.steps, g1), color=muted, stroke_width=2)
        g_label = Text("g", font=FONT, font_size=22, color=muted).next_to(level, RIGHT, buff=0.1)
        post_label = beats.text("post_v", 22, color=colors[1]).next_to(level, UP, buff=0.1).align_to(level, RIGHT)
        torch_label = beats.text("torch_v", 22, color=orange).next_to(torch_.get_end(), LEFT, buff=0.15)
        torch_rule = beats.text("torch", 30, color=orange).next_to(axes, DOWN, buff=0.4).align_to(values, LEFT)
        beats(FadeOut(values), FadeOut(lesson), FadeIn(axes), FadeIn(head), Create(post), FadeIn(level),
              FadeIn(g_label), FadeIn(post_label))
        beats(at={"torch": [Create(torch_), FadeIn(torch_label), FadeIn(torch_rule)]})   # as torch is named
        return [axes, head, post, torch_, level, g_label, post_label, torch_label, torch_rule]

    stepping(scene, data["seed50"], 1, beats, theme, [["rule", "rule2", "setting"]], walk=5, after_key="warn",
             extra=plot)
