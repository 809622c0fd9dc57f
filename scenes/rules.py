"""The update rules of SGD, momentum and Adam, with the live values of the gradient, velocity, m-hat
and v-hat as three balls take their first steps on a map of the surface.

    manim -pql "$(optviz scenes path)/rules.py" UpdateRules   # scenes/rules.py in a checkout

Equations use MathTex when LaTeX is installed and Pango text otherwise. The values shown are the
ones optviz recorded (gradient at w_t, state after update t+1), never recomputed here.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    Dot,
    Indicate,
    ManimColor,
    MathTex,
    Rectangle,
    Scene,
    SurroundingRectangle,
    Text,
    ValueTracker,
    VGroup,
    VMobject,
    interpolate_color,
    linear,
)

sys.path.insert(0, str(Path(__file__).parent))
from common import FONT, HEIGHT_COLORS, colors_for, has_latex, load_experiment, options, track_progress  # noqa: E402

from optviz.render.geometry import bilinear, display_z  # noqa: E402
from optviz.render.style import THEMES  # noqa: E402

RULES = {  # name -> [(pango text, latex)]
    "sgd": [("w ← w − η·g", r"w \leftarrow w - \eta\, g")],
    "momentum": [("v ← β·v + (1−β)·g", r"v \leftarrow \beta v + (1-\beta)\, g"),
                 ("w ← w − η·v", r"w \leftarrow w - \eta\, v")],
    "adam": [("m ← β₁·m + (1−β₁)·g,   v ← β₂·v + (1−β₂)·g²",
              r"m \leftarrow \beta_1 m + (1-\beta_1) g,\ \ v \leftarrow \beta_2 v + (1-\beta_2) g^2"),
             ("m̂ = m/(1−β₁ᵗ),   v̂ = v/(1−β₂ᵗ)", r"\hat m = m/(1-\beta_1^t),\ \ \hat v = v/(1-\beta_2^t)"),
             ("w ← w − η·m̂ / (√v̂ + ε)", r"w \leftarrow w - \eta\, \hat m / (\sqrt{\hat v} + \epsilon)")],
}


def equation(text: str, latex: str, color: str, size: int = 24):
    if has_latex():
        return MathTex(latex, font_size=size * 1.3, color=color)
    return Text(text, font=FONT, font_size=size, color=color)


def surface_tiles(exp, height: float, n: int = 48) -> VGroup:
    """The surface as a height map of flat tiles, lowest dark to highest light. (manim 0.22's
    ImageMobject fails under Pillow 13 in the Cairo renderer; tiles are static, so they are drawn once
    per animation.)"""
    f, _ = display_z(exp)
    (x0, x1), (y0, y1) = exp.box
    aspect = (x1 - x0) / (y1 - y0)
    rows, cols = n, max(8, int(round(n * aspect)))
    xs = np.linspace(x0, x1, cols + 1)
    ys = np.linspace(y0, y1, rows + 1)
    cx, cy = (xs[:-1] + xs[1:]) / 2, (ys[:-1] + ys[1:]) / 2
    z = f(bilinear(exp.grid_x, exp.grid_y, exp.grid_z, *np.meshgrid(cx, cy)))
    u = np.nan_to_num((z - np.nanmin(z)) / (np.nanmax(z) - np.nanmin(z) or 1))
    stops = [ManimColor(c) for c in HEIGHT_COLORS]
    w, h = height * aspect / cols, height / rows
    tiles = VGroup()
    for i in range(rows):
        for j in range(cols):
            k = u[i, j] * (len(stops) - 1)
            lo = int(min(k, len(stops) - 2))
            color = interpolate_color(stops[lo], stops[lo + 1], k - lo)
            tiles.add(Rectangle(width=w, height=h, stroke_width=1, stroke_color=color, fill_color=color,
                                fill_opacity=1).move_to([j * w, i * h, 0]))
    tiles.move_to(ORIGIN)
    return tiles


def map_ball(pts: np.ndarray, clock: ValueTracker, color: str, radius: float = 0.09, width: float = 3):
    """A dot and its trail along scene points pts [T, 3], at fractional row clock (steps taken)."""
    trail = VMobject(stroke_color=color, stroke_width=width)
    dot = Dot(pts[0], radius=radius, color=color)

    def follow(mob):
        s = clock.get_value()
        i = min(int(s), len(pts) - 2)
        here = pts[i] + (s - i) * (pts[i + 1] - pts[i])
        mob.move_to(here)
        path = np.vstack([pts[:i + 1], here])
        trail.set_points_as_corners(path) if len(path) > 1 else None
    dot.add_updater(follow)
    return dot, trail


def fmt(v) -> str:
    return "(" + ", ".join(f"{x:+.3g}" for x in v) + ")"


class RulesPanel(VGroup):
    """Name, equations and live values of one optimizer."""

    def __init__(self, exp, m: int, color: str, theme: str):
        fg = THEMES[theme].foreground
        name = exp.names[m]
        self.exp, self.m, self.fg = exp, m, fg
        self.header = Text(exp.labels[m], font=FONT, font_size=24, color=color, weight="BOLD")
        self.lines = VGroup(*[equation(t, tex, fg) for t, tex in RULES.get(name, [])]).arrange(DOWN, aligned_edge=LEFT,
                                                                                             buff=0.12)
        self.values = self.make_values(0)
        super().__init__(self.header, self.lines, self.values)
        self.arrange(DOWN, aligned_edge=LEFT, buff=0.15)

    def value_rows(self, t: int) -> list[str]:
        e, m = self.exp, self.m
        rows = [f"g = {fmt(e.grad[m, 0, t])}"]
        if "velocity" in e.state and np.isfinite(e.state["velocity"][m, 0, t + 1]).all():
            rows.append(f"v = {fmt(e.state['velocity'][m, 0, t + 1])}")
        if "exp_avg" in e.state and np.isfinite(e.state["exp_avg"][m, 0, t + 1]).all():
            hats = e.bias_corrected(m)
            rows.append(f"m̂ = {fmt(hats['m_hat'][0, t + 1])}   v̂ = {fmt(hats['v_hat'][0, t + 1])}")
        rows.append(f"w = {fmt(e.position[m, 0, t + 1])}")
        return rows

    def make_values(self, t: int) -> VGroup:
        return VGroup(*[Text(r, font="DejaVu Sans Mono", font_size=18, color=self.fg) for r in self.value_rows(t)]
                      ).arrange(DOWN, aligned_edge=LEFT, buff=0.06)

    def show_step(self, t: int) -> None:
        new = self.make_values(t).move_to(self.values, aligned_edge=UP + LEFT)
        self.remove(self.values)
        self.values = new
        self.add(new)


class UpdateRules(Scene):
    def setup(self):
        track_progress(self)

    def construct(self):
        opts = options()
        exp = load_experiment()
        theme = opts.get("theme", "dark")
        shown = int(min(opts.get("rule_steps", 8), exp.steps))
        per_step = float(opts.get("step_time", 1.0))
        self.camera.background_color = THEMES[theme].background
        colors = colors_for(exp)

        # -- the map and its balls
        img = surface_tiles(exp, height=6.4).to_edge(LEFT, buff=0.4)
        (x0, x1), (y0, y1) = exp.box

        def to_img(x, y):
            return img.get_corner(DOWN + LEFT) + RIGHT * (x - x0) / (x1 - x0) * img.width + UP * (y - y0) / (y1 - y0) * img.height
        self.add(img)
        clock = ValueTracker(0)
        dots, trails = [], []
        for m, color in enumerate(colors):
            dot, trail = map_ball(np.array([to_img(*p) for p in exp.position[m, 0].astype(float)]), clock, color)
            dots.append(dot)
            trails.append(trail)
        self.add(*trails, *dots)

        # -- the equations with live values
        panels = VGroup(*[RulesPanel(exp, m, c, theme) for m, c in enumerate(colors)]).arrange(DOWN, aligned_edge=LEFT,
                                                                                               buff=0.35)
        panels.scale_to_fit_height(min(panels.height, 7.2)).next_to(img, RIGHT, buff=0.4)
        if panels.get_right()[0] > 7.0:
            panels.scale((7.0 - panels.get_left()[0]) / panels.width, about_edge=LEFT)
        self.add(panels)

        # -- step by step: values update, the rule being applied lights up, the balls move
        for t in range(shown):
            for p in panels:
                p.show_step(t)
            boxes = [SurroundingRectangle(p.lines, color=c, buff=0.06) for p, c in zip(panels, colors)]
            self.play(*[Indicate(p.lines, scale_factor=1.04, color=c) for p, c in zip(panels, colors)],
                      clock.animate.set_value(t + 1), *[b.animate.set_opacity(0) for b in boxes],
                      run_time=per_step, rate_func=linear)
