"""The lecture's pictures of single optimizers: the `surface` shot's ball, gradient and steps on a 3-D
stage, and the `rule` shot's map with the update rule and the live values of its first steps (and the
2-D view of a race, which shares the map). Values shown are the recorded ones (gradient at w_t, state
after update t + 1), never recomputed here.
"""
from __future__ import annotations

import numpy as np
from manim import (
    DEGREES,
    DOWN,
    LEFT,
    RIGHT,
    UL,
    UP,
    Arrow,
    Axes,
    Create,
    FadeIn,
    Group,
    Text,
    ValueTracker,
    VGroup,
    VMobject,
)
from common import FONT, Ball, colors_for, hide_beyond, legend, set_trail, trail_mobject
from fades import fade_in, fade_out
from rules import fmt, map_ball, map_positions, surface_map

from optviz.lecture.layout import BOTTOM, COLUMN, LEFT as FRAME_LEFT, MAP_RIGHT, RIGHT as FRAME_RIGHT, VALUES_ROOM
from optviz.lecture.layout import FRAME_W, LEGEND_ROOM, PX
from optviz.lecture.timing import QUICK
from optviz.render.base import plain_axis_labels
from optviz.render.geometry import BOX_ITERATIONS, beyond_box
from optviz.render.style import THEMES, readable

DENSE = 8
STATE = {"velocity": "v", "exp_avg": "m", "exp_avg_sq": "v", "square_avg": "s", "sum": "G", "acc_delta": "u",
         "exp_inf": "u", "max_exp_avg_sq": "v_max", "grad_avg": "ḡ", "ax": "ax"}   # how a state is named beside its rule


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




def surface_moments(ctx, stage, exp):
    """The `surface` shot's ball: `ball` puts it at its point, `gradient` draws its gradient (uphill),
    `step` draws the step against it and takes it, `walk` takes the rest of the steps."""
    fg, scene = THEMES[ctx.theme].foreground, ctx.scene
    color = colors_for(exp)[0]
    w0, g0 = exp.position[0, 0, 0].astype(float), exp.grad[0, 0, 0].astype(float)
    lr = float(exp.meta["optimizers"][0]["hyperparameters"]["lr"])

    def on_surface(d):   # the point d from the ball, resting on the surface (a tangent plane can be
        d = np.asarray(d, float)   # so steep that an arrow along it leaves the frame)
        x, y = w0 + d
        return stage.points(stage.rest(np.array([[x, y, float(stage.z_at(np.array([x]), np.array([y]))[0])]])))[0]

    path = stage.path(0, 0, DENSE, exp=exp)
    clock = ValueTracker(0)
    sphere = Ball(color, scene.camera).place(path[0])
    sphere.optviz_ball = True   # the lecture's layout log measures it
    trail = trail_mobject(color, 4)
    # a view box the path leaves (box=): drawn to the box's edge, the ball hidden beyond it
    beyond = stage.outside if stage.outside(path[np.isfinite(path).all(1)]).any() else None

    def follow(m):
        m.place(path[min(int(round(clock.get_value() * DENSE)), len(path) - 1)])
        if beyond is not None:
            hide_beyond(m, bool(beyond(m.get_center()[None])[0]))
    sphere.add_updater(follow)
    trail.add_updater(lambda t: set_trail(t, path, clock.get_value() * DENSE, hidden=beyond, iterations=BOX_ITERATIONS))
    scene.add(trail)
    # the arrows: the gradient drawn a fifth of the box long (its size varies by orders of magnitude
    # between surfaces); the step as taken, unless that is too short to see (then as long as the other)
    (x0, x1), (y0, y1) = exp.box
    reach = 0.2 * max(x1 - x0, y1 - y0)
    unit = g0 / max(np.linalg.norm(g0), 1e-12)
    taken = -lr * g0
    shown_step = taken if np.linalg.norm(taken) >= 0.25 * reach else -unit * reach
    up = Arrow(path[0], on_surface(unit * reach), buff=0, color=fg, stroke_width=7, max_tip_length_to_length_ratio=0.25)
    down = Arrow(path[0], on_surface(shown_step), buff=0, color=color, stroke_width=7, max_tip_length_to_length_ratio=0.25)
    ctx.shown += [sphere, trail, up, down]

    def step(start, end):
        return [(Create(down), start, start + QUICK, False),
                (clock.animate.set_value(1), start + QUICK, start + QUICK + 2.0 if end is None else end, False)]

    def walk(start, end):
        ctx.shown[:] = [m for m in ctx.shown if m is not up and m is not down]   # gone now, not at the end
        return [(fade_out(up), start, start + QUICK, False), (fade_out(down), start, start + QUICK, False),
                (clock.animate.set_value(exp.steps), start, end, True)]
    def enter(start, end):
        scene.add(trail)
        return [(FadeIn(sphere, scale=0.5), start, start + QUICK, False)]
    scene.remove(trail)
    return [], {"ball": enter, "gradient": lambda s, e: [(Create(up), s, s + QUICK, False)], "step": step,
                "walk": walk}


# ---- the map: a rule's, or a race seen from above ---------------------------------------------------------

def map_tiles(ctx, exp, top: float):
    """The surface as a map in the frame's left part, below `top`, with its axis names. The camera looks
    straight down (a 3-D shot before it in the chapter may have turned it), so the map, its balls and
    trails are drawn in the frame's own units."""
    ctx.scene.set_camera_orientation(phi=0, theta=-90 * DEGREES, gamma=0, zoom=1, frame_center=[0, 0, 0])
    muted = THEMES[ctx.theme].muted
    (x0, x1), (y0, y1) = exp.box
    aspect = (x1 - x0) / (y1 - y0)
    room_w, room_h = MAP_RIGHT - FRAME_LEFT - 0.5, top - BOTTOM - 0.45
    height = min(room_h, room_w / aspect)
    tiles = surface_map(exp, height=height)
    tiles.move_to([FRAME_LEFT + 0.5 + tiles.width / 2, BOTTOM + 0.45 + tiles.height / 2, 0])
    w1, w2 = plain_axis_labels(exp)
    names = VGroup(Text(w1, font=FONT, font_size=24, color=muted).next_to(tiles, DOWN, buff=0.08),
                   Text(w2, font=FONT, font_size=24, color=muted).next_to(tiles, LEFT, buff=0.1))
    corner, (w, h) = tiles.get_corner(DOWN + LEFT), (tiles.width, tiles.height)

    def to_frame(xy):
        xy = np.asarray(xy, float)
        return np.array([corner + RIGHT * (x - x0) / (x1 - x0) * w + UP * (y - y0) / (y1 - y0) * h for x, y in xy])
    return Group(tiles, names), to_frame


def map_outside(exp, to_frame):
    """fn(frame points [K, 3]) -> [K] bool: where the map of `exp`'s box does not reach."""
    (lo, hi) = to_frame(np.array(exp.box).T)[:, :2]
    return beyond_box(((lo[0], hi[0]), (lo[1], hi[1])))


def map_stage(ctx, exp, clock, steps_at):
    """A race from above: the map, a ball and trail per optimizer, the legend; driven by `clock`."""
    scene = ctx.scene
    top = ctx.title.get_bottom()[1] - 0.3
    tiles, to_frame = map_tiles(ctx, exp, top)
    colors = colors_for(exp)
    movers = []
    for m, color in enumerate(colors):
        pts = to_frame(map_positions(exp, m))
        k = ValueTracker(0)
        k.add_updater(lambda t: t.set_value(min(steps_at(clock.get_value()), len(pts) - 1)))
        dot, trail = map_ball(pts, k, color, radius=0.1, width=4, outside=map_outside(exp, to_frame))
        trail.add_updater(lambda m: None)   # moving, so drawn over the map (its ball sets its points)
        movers += [k, trail, dot]
    # beside the map, under the texts: as wide as the frame leaves (16 px from its edge at 1080p), as
    # tall as the layout leaves
    below = tiles.get_bottom()[1]
    key = legend(exp, colors, ctx.theme, room=(FRAME_W / 2 - 16 / PX - tiles.get_right()[0] - 0.4,
                                               BOTTOM + LEGEND_ROOM - 0.1 - below))
    key.next_to(tiles, RIGHT, buff=0.4).align_to(tiles, DOWN)
    scene.add(tiles, *movers)
    ctx.shown += [tiles, key, *[m for m in movers if not isinstance(m, ValueTracker)]]
    return tiles, key


def value_rows(e, t: int) -> list[str]:
    """The rows of live values of the first optimizer of `e` after step t: its gradient, its state
    (Adam's moments bias-corrected, as its rule writes them), its position."""
    rows = [f"step {t + 1}", f"g  = {fmt(e.grad[0, 0, t])}"]
    if e.has_adam_moments and np.isfinite(e.state["exp_avg"][0, 0, t + 1]).all():
        hats = e.bias_corrected(0)
        rows += [f"m̂  = {fmt(hats['m_hat'][0, t + 1])}", f"v̂  = {fmt(hats['v_hat'][0, t + 1])}"]
    else:
        for key, name in STATE.items():
            v = e.state.get(key)
            if v is not None and np.isfinite(v[0, 0, t + 1]).all():
                rows.append(f"{name}  = {fmt(v[0, 0, t + 1])}")
    rows.append(f"w  = {fmt(e.position[0, 0, t + 1])}")
    return rows


class Values(VGroup):
    """The live values of one optimizer, one group of rows per shown step (t = 0 .. walk - 1, and the
    last step), of which only the step the clock is at shows."""

    def __init__(self, exp, walk: int, theme: str, clock, alpha):
        super().__init__()
        self.exp, self.fg = exp, THEMES[theme].foreground
        last = exp.steps - 1
        self.steps = sorted({*range(min(walk, exp.steps)), last})
        self.groups = {t: self.rows(t) for t in self.steps}
        for g in self.groups.values():
            self.add(g)
        self.clock, self.alpha = clock, alpha
        self.opacities = {}   # each group's opacity as last set
        self.add_updater(lambda m: m.show())
        self.show()

    def rows(self, t: int) -> VGroup:
        rows = value_rows(self.exp, t)
        group = VGroup(*[Text(r, font="DejaVu Sans Mono", font_size=22, color=self.fg) for r in rows])
        return group.arrange(DOWN, aligned_edge=LEFT, buff=0.09)

    def show(self) -> None:
        c = self.clock.get_value()
        now = min(int(c), self.exp.steps - 1)
        shown = now if now in self.groups else None
        running = shown is None
        if running:   # running through steps not shown one by one: the last walked step, dimmed
            shown = max(t for t in self.steps if t <= now)
        a = self.alpha.get_value() * (0.25 if running else 1.0)
        for t, g in self.groups.items():
            want = a if t == shown else 0.0
            if self.opacities.get(t) != want:   # a group's every glyph re-coloured only when its opacity changes
                g.set_opacity(want)
                self.opacities[t] = want


def rule_panel(ctx):
    """The `rule` shot: the map with the optimizer's ball; at `rule` its update rule and live values;
    `walk` single steps, `run` on to the last; `compare` plots its state against another optimizer's."""
    exp, o, scene = ctx.data["run"], ctx.shot.options, ctx.scene
    color = colors_for(exp)[0]
    top = ctx.title.get_bottom()[1] - 0.3
    tiles, to_frame = map_tiles(ctx, exp, top)
    clock, alpha = ValueTracker(0), ValueTracker(0)
    dot, trail = map_ball(to_frame(map_positions(exp, 0)), clock, color, radius=0.1, width=4,
                          outside=map_outside(exp, to_frame))
    trail.add_updater(lambda m: None)   # moving, so drawn over the map (its ball sets its points)
    values = Values(exp, o["walk"], ctx.theme, clock, alpha)
    values.move_to([COLUMN, BOTTOM + VALUES_ROOM - 0.15, 0], aligned_edge=UL)
    for g in values.groups.values():
        g.move_to([COLUMN, BOTTOM + VALUES_ROOM - 0.15, 0], aligned_edge=UL)
    scene.add_fixed_in_frame_mobjects(values)
    ctx.shown += [tiles, dot, trail, values]
    walk = min(o["walk"], exp.steps)

    def rule(start, end):
        scene.add(trail, dot)
        return [(fade_in(m, shift=0.15 * UP), start, start + QUICK, False) for m in ctx.rule] + \
            [(alpha.animate.set_value(1.0), start, start + QUICK, False), (fade_in(dot), start, start + QUICK, False)]

    moments = {"rule": rule,
               "walk": lambda s, e: [(clock.animate.set_value(walk), s, e, True)],
               "run": lambda s, e: [(clock.animate.set_value(exp.steps), s, e, True)]}
    if "compare" in ctx.data:
        moments["compare"] = lambda s, e: comparison(ctx, exp, ctx.data["compare"], values, alpha, s)
    return [fade_in(tiles)], moments


def comparison(ctx, exp, other, values, alpha, start):
    """The first state of both optimizers along w1, step by step: where the rule's own form and
    another's differ (the post's momentum and torch's, say)."""
    from optviz.lecture.files import shared_state, state_series
    muted = THEMES[ctx.theme].muted
    mine, theirs = state_series(exp), state_series(other)
    key = shared_state(exp, other)
    if key is None:
        return []
    a, b = mine[key], theirs[key]
    colors = [colors_for(exp)[0], "#e67e22"]
    top = float(np.nanmax(np.abs(np.concatenate([a, b])))) * 1.1 or 1.0
    lo = -top if min(np.nanmin(a), np.nanmin(b)) < 0 else 0
    axes = Axes(x_range=(0, len(a), max(1, len(a) // 5)), y_range=(lo, top, (top - lo) / 4), x_length=4.6, y_length=1.6,
                tips=False, axis_config={"color": muted, "include_numbers": False, "stroke_width": 2})
    axes.move_to([COLUMN + 0.2, BOTTOM + VALUES_ROOM - 0.15, 0], aligned_edge=UL)
    steps = np.arange(1, len(a) + 1)

    def curve(y, color):
        return VMobject(stroke_color=color, stroke_width=4).set_points_as_corners(
            [axes.c2p(x, yy) for x, yy in zip(steps, y)])
    name = STATE.get(key, key)
    back = THEMES[ctx.theme].background
    labels = VGroup(*[Text(f"{name}₁: {label}", font=FONT, font_size=20, color=readable(c, back))
                      for label, c in zip((exp.labels[0], other.labels[0]), colors)]).arrange(DOWN, aligned_edge=LEFT,
                                                                                              buff=0.08)
    labels.next_to(axes, DOWN, buff=0.15).align_to(axes, LEFT)
    if labels.get_right()[0] > FRAME_RIGHT:   # a long setting: the labels narrow to the column
        labels.scale_to_fit_width(FRAME_RIGHT - labels.get_left()[0]).align_to(axes, LEFT)
    parts = [axes, curve(a, colors[0]), curve(b, colors[1]), labels]
    ctx.scene.add_fixed_in_frame_mobjects(*parts)
    ctx.scene.remove(*parts)
    ctx.shown += parts
    return [(alpha.animate.set_value(0.0), start, start + QUICK, False)] + \
        [(Create(p) if isinstance(p, VMobject) and not isinstance(p, (Axes, VGroup)) else fade_in(p), start,
          start + QUICK, False) for p in parts]
