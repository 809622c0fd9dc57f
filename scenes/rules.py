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
    RESAMPLING_ALGORITHMS,
    Dot,
    ImageMobject,
    Indicate,
    ManimColor,
    MathTex,
    Scene,
    SurroundingRectangle,
    Text,
    ValueTracker,
    VGroup,
    VMobject,
    config,
    linear,
)

sys.path.insert(0, str(Path(__file__).parent))
from common import (  # noqa: E402
    FONT, HEIGHT_COLORS, colors_for, has_latex, hide_beyond, load_experiment, options, set_trail, track_progress)

from optviz.render.geometry import BOX_ITERATIONS, bilinear, cut_at_exit, display_z  # noqa: E402
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


def height_image(exp, rows: int, cols: int, levels: int = 12) -> np.ndarray:
    """The surface as a height map, uint8 RGBA [rows, cols, 4], row 0 at the top: each pixel's height
    (the drawn loss: log where the surface spans decades) on the lecture's height colours, lowest dark
    to highest light, with contour lines between `levels` bands, about 2 px wide and soft-edged (light
    on the dark low ground, dark on the light high ground)."""
    f, _ = display_z(exp)
    (x0, x1), (y0, y1) = exp.box
    xs = x0 + (np.arange(cols) + 0.5) / cols * (x1 - x0)
    ys = y1 - (np.arange(rows) + 0.5) / rows * (y1 - y0)
    z = f(bilinear(exp.grid_x, exp.grid_y, exp.grid_z, *np.meshgrid(xs, ys)))
    lo, hi = np.nanmin(z), np.nanmax(z)
    u = np.nan_to_num((z - lo) / (hi - lo or 1))
    stops = np.array([ManimColor(c).to_rgb() for c in HEIGHT_COLORS])
    k = u * (len(stops) - 1)
    i = np.minimum(k.astype(int), len(stops) - 2)
    t = (k - i)[..., None]
    rgb = stops[i] * (1 - t) + stops[i + 1] * t
    # contour lines where two neighbouring pixels lie between different levels (a line never breaks,
    # however steep the surface), softened by a [1 2 1] blur each way
    band = np.floor(u * levels).clip(0, levels - 1)
    edge = np.zeros(u.shape)
    across, down = band[:, 1:] != band[:, :-1], band[1:] != band[:-1]
    edge[:, 1:] += across
    edge[:, :-1] += across
    edge[1:] += down
    edge[:-1] += down
    edge = np.minimum(edge, 1)
    for axis in (0, 1):
        pad = np.pad(edge, [(1, 1) if a == axis else (0, 0) for a in (0, 1)], mode="edge")
        edge = (np.take(pad, range(0, u.shape[axis]), axis) + 2 * np.take(pad, range(1, u.shape[axis] + 1), axis)
                + np.take(pad, range(2, u.shape[axis] + 2), axis)) / 4
    cover = (0.45 * np.minimum(edge * 1.5, 1))[..., None]
    ink = np.where(u[..., None] > 0.5, stops[0], stops[-1])
    rgb = rgb * (1 - cover) + ink * cover
    return np.dstack([np.round(rgb * 255), np.full(u.shape, 255)]).astype(np.uint8)


def surface_map(exp, height: float) -> ImageMobject:
    """The surface as one image `height` scene units tall, with a pixel for every pixel it covers on
    screen (at the render's quality): no tiles, no bands. (manim 0.22 pastes images through a call
    Pillow 13 refuses; common.py mends it.)"""
    (x0, x1), (y0, y1) = exp.box
    aspect = (x1 - x0) / (y1 - y0)
    per_unit = config.pixel_height / config.frame_height
    rows, cols = max(16, round(height * per_unit)), max(16, round(height * aspect * per_unit))
    image = ImageMobject(height_image(exp, rows, cols))
    image.set_resampling_algorithm(RESAMPLING_ALGORITHMS["bilinear"])
    return image.stretch_to_fit_height(height).stretch_to_fit_width(height * aspect).move_to(ORIGIN)


def map_positions(exp, m: int) -> np.ndarray:
    """Optimizer m's first start's positions [T, 2] as a map draws them: a start that diverged only to
    where it leaves the map (geometry.cut_at_exit), not off its edge into the frame."""
    xy = exp.position[m, 0].astype(float)
    return cut_at_exit(xy, exp.box)[0] if exp.diverged_at[m, 0] >= 0 else xy


def map_ball(pts: np.ndarray, clock: ValueTracker, color: str, radius: float = 0.09, width: float = 3,
             outside=None):
    """A dot and its trail along scene points pts [T, 3], at fractional row clock (steps taken); past
    the last finite row (a run that diverged) the dot stays there. `outside(points) -> bool`: where the
    map does not reach (a view box the path leaves): the trail drawn to the map's edge and from where
    it comes back, the dot hidden meanwhile."""
    trail = VMobject(stroke_color=color, stroke_width=width)
    dot = Dot(pts[0], radius=radius, color=color)
    dot.optviz_ball = True   # the lecture's layout log measures it
    finite = np.flatnonzero(np.isfinite(pts).all(axis=1))
    end = int(finite[-1]) if len(finite) else 0
    leaves = outside is not None and bool(outside(pts[finite]).any())

    def follow(mob):
        s = min(clock.get_value(), end)
        i = max(min(int(s), len(pts) - 2, end - 1), 0)
        here = pts[i] + (s - i) * (pts[i + 1] - pts[i]) if s > i else pts[i]
        mob.move_to(here)
        path = np.vstack([pts[:i + 1], here])
        if leaves:   # hidden beyond the map, shown again when it comes back (its own fades left alone)
            set_trail(trail, path, len(path) - 1, hidden=outside, iterations=BOX_ITERATIONS)
            hide_beyond(mob, bool(outside(here[None])[0]))
        elif len(path) > 1:
            trail.set_points_as_corners(path)
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
        if e.has_adam_moments and np.isfinite(e.state["exp_avg"][m, 0, t + 1]).all():
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
        img = surface_map(exp, height=6.4).to_edge(LEFT, buff=0.4)
        (x0, x1), (y0, y1) = exp.box

        def to_img(x, y):
            return img.get_corner(DOWN + LEFT) + RIGHT * (x - x0) / (x1 - x0) * img.width + UP * (y - y0) / (y1 - y0) * img.height
        self.add(img)
        clock = ValueTracker(0)
        dots, trails = [], []
        for m, color in enumerate(colors):
            dot, trail = map_ball(np.array([to_img(*p) for p in map_positions(exp, m)]), clock, color)
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
