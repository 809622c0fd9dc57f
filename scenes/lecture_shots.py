"""The lecture's shots, one function per kind, each a reusable scene fed with what the lecture file
says (its options), its runs and the beats it spans: surface, rule, race, cloud, landscape, text, and
the title card (beats before a chapter's first shot).

Every shot plays its beats through `run_shot`: its texts appear with their beat, placed by
optviz.lecture.layout (the same layout `optviz lecture check` measures); its entrance comes with its
first beat; each moment (a race's `go` ...) starts where its mark is spoken, else where the plan put
it, as timed windows of that beat; the closing beat fades out what it showed. The chapter's title
stays in the top-left corner from the first shot on.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from manim import (DEGREES, DR, UL, UP, BackgroundRectangle, Mobject, ReplacementTransform, Text,
                   ValueTracker, VGroup, Write, config)
from common import FONT, Stage, axis_labels
from fades import fade_in
from layer_fade import FadeAway, FadeStage, fade_out
from lecture_rules import clear_of_edges, fixed, map_stage, rule_panel, surface_moments
from rolling import add_race, add_swarm

from optviz.lecture.files import load_data
from optviz.lecture.layout import BOTTOM as BOTTOM_EDGE, LEFT as LEFT_EDGE, RIGHT as RIGHT_EDGE, STAGE_COLUMN
from optviz.lecture.layout import FRAME_H, FRAME_W, LEGEND_ROOM, shot_texts
from optviz.lecture.timing import QUICK
from optviz.render.style import THEMES, optimizer_colors, readable



@dataclass
class Ctx:
    """What a shot's function draws with: the scene, the chapter and shot (plan), the beats, the theme,
    the shot's runs, its texts by key (placed, fixed in the frame, not yet shown) and the title."""
    scene: object
    chapter: object
    shot: object
    beats: object
    theme: str
    data: dict
    texts: dict
    rule: list
    title: object
    last: bool
    shown: list = field(default_factory=list)   # what the closing beat fades out

    @property
    def fg(self):
        return THEMES[self.theme].foreground


def text_mobject(placed, color, theme) -> Text:
    t = Text(placed.text, font=FONT, font_size=placed.size, color=color or THEMES[theme].foreground,
             weight="BOLD" if placed.bold else "NORMAL")
    return t.move_to(np.array([placed.x, placed.top, 0.0]), aligned_edge=UL)


def shot_texts_for(scene, chapter, shot, theme, rule_color=None):
    """(title, rule lines, {key: text}) placed as the layout says, fixed in the frame, not shown."""
    strings = {k: t for b in chapter.beats for k, t in b.texts.items()}
    keys = [k for k in shot.texts if k != "title"]
    head, placed, _ = shot_texts(shot.kind or None, shot.options, chapter.title,
                                 list(shot.rule) + [strings[k] for k in keys])
    title = text_mobject(head, None, theme)
    if not shot.kind:   # the title card: centred
        title.set_x(0)
    mobs = [text_mobject(p, rule_color if k < len(shot.rule) else None, theme) for k, p in enumerate(placed)]
    if not shot.kind:
        for m in mobs:
            m.set_x(0)
    fixed(scene, title, *mobs) if mobs else fixed(scene, title)
    return title, mobs[:len(shot.rule)], dict(zip(keys, mobs[len(shot.rule):]))


def run_shot(ctx: Ctx, entrance=(), moments=None, steady_first=()):
    """Play the shot's beats: in each, the texts that appear in it, the entrance (first beat) and the
    moments that start in it; then the closing beat. `moments`: {mark: fn(start, end) -> [(animation,
    start, end, linear)]} (end None: the beat's end)."""
    moments = moments or {}
    chapter, shot, beats = ctx.chapter, ctx.shot, ctx.beats
    spans = {}   # beat -> [(start, mark)]
    for mark, (k, delay) in shot.moments.items():
        start = chapter.beats[k].marks.get(mark, delay)
        spans.setdefault(k, []).append((start, mark))
    for k in range(shot.first, shot.last + 1):
        beat = chapter.beats[k]
        anims = [fade_in(ctx.texts[key], shift=0.15 * UP) for key in beat.texts if key in ctx.texts]
        if k == shot.first:
            anims = list(entrance) + anims
        windows = []
        mine = sorted(spans.get(k, []))
        for n, (start, mark) in enumerate(mine):
            end = mine[n + 1][0] if n + 1 < len(mine) else None
            if mark in moments:
                windows += moments[mark](start, end)
        beats(*anims, windows=windows, steady=list(steady_first) if k == shot.first else [])
    if not shot.kind and not ctx.last:
        return   # the title card's texts leave as the next shot comes in
    gone = [*ctx.shown, *ctx.rule, *ctx.texts.values()] + ([ctx.title] if ctx.last else [])
    for m in gone:   # what follows a clock would set itself visible again, frame after frame
        m.clear_updaters()
    beats(FadeAway(gone, ctx.scene.camera))


def quick(*animations):
    """A moment's animations that take QUICK seconds from its start."""
    return lambda start, end: [(a, start, start + QUICK, False) for a in animations]


def title_entrance(ctx: Ctx, previous):
    """The title's entrance: written, or moved from the card (or the shot before) into its corner."""
    if previous is None:
        return [Write(ctx.title)]
    if np.allclose(previous.get_center(), ctx.title.get_center(), atol=1e-3):
        ctx.scene.remove(ctx.title)
        ctx.title = previous
        return []
    return [ReplacementTransform(previous, ctx.title)]


# ---- the kinds ------------------------------------------------------------------------------------------

def card(ctx: Ctx, previous):
    run_shot(ctx, entrance=title_entrance(ctx, previous))


def text(ctx: Ctx, previous):
    run_shot(ctx, entrance=title_entrance(ctx, previous))


# the legend in the corner below a stage's texts: it grows to the left, under the stage if it must, up to
# the step counter in the other corner (3.6 frame units: "step 10000 / 10000"); as tall as the layout
# leaves under the texts (the corner's margin taken off both)
KEY_ROOM = (FRAME_W - 2 * 0.35 - 3.6 - 0.3, BOTTOM_EDGE + LEGEND_ROOM - 0.1 - (-FRAME_H / 2 + 0.35))


def place_stage(scene, stage, labels, *, phi, theta, room):
    """Point the camera at the stage from (phi, theta) and zoom and aim it so that the stage's box and
    its axes' names, as this camera projects them, fill `room` (x0, y0, x1, y1 in frame units): any
    surface, however wide or tall its box, lands left of the texts' column at the largest size there."""
    camera = scene.camera
    scene.set_camera_orientation(phi=phi * DEGREES, theta=theta * DEGREES, zoom=1.0, frame_center=stage.centre())
    clear_of_edges(scene, labels)
    (x0, x1), (y0, y1) = stage.exp.box
    corners = [stage.axes.c2p(x, y, z) for x in (x0, x1) for y in (y0, y1) for z in (stage.zmin, stage.zmax)]
    for _ in range(3):   # perspective: the projection is not quite linear in the zoom; settle it
        camera.reset_rotation_matrix()
        pts = [camera.project_point(p)[:2] for p in corners]
        pts += [camera.project_point(m.get_center())[:2] + d * np.array([m.width, m.height]) / 2
                for m in labels[3:] for d in ((-1, -1), (1, 1))]
        pts = np.array(pts)
        lo, hi = pts.min(0), pts.max(0)
        zoom = camera.get_zoom()
        factor = min((room[2] - room[0]) / (hi[0] - lo[0]), (room[3] - room[1]) / (hi[1] - lo[1]))
        want = np.array([(room[0] + room[2]) / 2, (room[1] + room[3]) / 2])
        rot = camera.get_rotation_matrix()
        right, up = rot.T @ np.array([1.0, 0.0, 0.0]), rot.T @ np.array([0.0, 1.0, 0.0])
        shift = ((lo + hi) / 2 * factor - want) / (zoom * factor)
        camera.zoom_tracker.set_value(zoom * factor)
        camera._frame_center.move_to(camera._frame_center.get_center() + right * shift[0] + up * shift[1])
    camera.reset_rotation_matrix()


def stage_with_labels(ctx: Ctx, exp, *, phi, theta, size=6.0, height=2.6, top_room=0.0, wide=False,
                      **stage_options):
    """A 3-D stage left of the texts' column (`wide`: across the frame, for a shot with no texts and
    nothing else in that column), as large as fits between the title and the step counter, its axes
    named, added to what the shot fades out at its end."""
    stage = Stage(exp, theme=ctx.theme, size=size, height=height, **stage_options)
    stage.surface.optviz_stage = True
    labels = axis_labels(stage, theta, ctx.theme, font_size=24)
    room = (LEFT_EDGE + 0.1, BOTTOM_EDGE + 0.75, (RIGHT_EDGE - 0.1) if wide else (STAGE_COLUMN - 0.3),
            ctx.title.get_bottom()[1] - 0.25 - top_room)
    place_stage(ctx.scene, stage, labels, phi=phi, theta=theta, room=room)
    ctx.scene.add_fixed_orientation_mobjects(*labels[-3:])
    ctx.scene.remove(*labels[-3:])
    ctx.shown += [stage.surface, labels]
    return stage, labels


def stage_entrance(ctx: Ctx, stage, labels) -> list:
    """The stage coming in: its surface as one picture (layer_fade), its axes' names."""
    return [FadeStage(stage.surface, ctx.scene.camera, appear=True), fade_in(labels)]


def zoom_path(camera, point, zoom, where):
    """fn(u): the camera at u of a zoom from where it is to `zoom`, that ends with `point` (3-D) at
    `where` (frame units) on screen. The zoom grows geometrically and the point's place on screen moves
    in a straight line: a centre and a zoom each interpolated straight would swing the point out of the
    frame on the way (at 14x, far out), as a pan and a zoom done at once do."""
    rot = camera.get_rotation_matrix()
    right, up = rot.T @ np.array([1.0, 0.0, 0.0]), rot.T @ np.array([0.0, 1.0, 0.0])
    c0, z0 = camera._frame_center.get_center().copy(), camera.get_zoom()
    offset = np.array([(point - c0) @ right, (point - c0) @ up])
    s0 = offset * z0   # where the point is on screen now (perspective aside, as the zoom's aim is)

    def at(u):
        z = z0 * (zoom / z0) ** u
        a, b = offset - (s0 + (where - s0) * u) / z
        camera.zoom_tracker.set_value(z)
        camera._frame_center.move_to(c0 + right * a + up * b)
    return at


def surface(ctx: Ctx, previous):
    exp = ctx.data["run"]
    stage, labels = stage_with_labels(ctx, exp, phi=60, theta=-100, wide=not ctx.texts)
    entrance, moments = surface_moments(ctx, stage, exp)
    run_shot(ctx, entrance=[*title_entrance(ctx, previous), *stage_entrance(ctx, stage, labels), *entrance],
             moments=moments)


def race(ctx: Ctx, previous):
    exp, o = ctx.data["run"], ctx.shot.options
    steps, then = o["steps"], o["then"] or o["steps"]

    def steps_at(c):   # the clock: 0 -> 1 runs the first leg, 1 -> 2 the second (its early steps slowed)
        return steps * min(c, 1.0) if c <= 1 else steps + (then - steps) * min(c - 1.0, 1.0) ** 2

    clock = ValueTracker(0)
    if o["view"] == "3d":
        stage, labels = stage_with_labels(ctx, exp, phi=50, theta=-115)
        shown = add_race(ctx.scene, stage, exp, clock, steps_at, ctx.theme, title=False, key_corner=DR,
                         key_room=KEY_ROOM)
        ctx.shown += shown
        entrance = stage_entrance(ctx, stage, labels)
    else:
        parts = map_stage(ctx, exp, clock, steps_at)
        entrance = [fade_in(part) for part in parts]
    moments = {"go": lambda s, e: [(clock.animate.set_value(1), s, e, True)],
               "then": lambda s, e: [(clock.animate.set_value(2), s, e, True)]}
    run_shot(ctx, entrance=[*title_entrance(ctx, previous), *entrance], moments=moments)
    for m in ctx.shown:
        m.clear_updaters()


def cloud(ctx: Ctx, previous):
    exp, scene = ctx.data["run"], ctx.scene
    stage, labels = stage_with_labels(ctx, exp, phi=55, theta=-105, seamless=True)   # the zoom comes close
    clock = ValueTracker(0)
    swarm = add_swarm(scene, stage, exp, clock, lambda t: exp.steps * min(t, 1.0), ctx.theme, dot_size=14,
                      key_corner=DR, key_room=KEY_ROOM)
    ctx.shown += swarm
    # zoomed in, the surface fills the frame behind the texts: a backdrop keeps them readable
    backdrop = fixed(scene, BackgroundRectangle(VGroup(ctx.title, *ctx.texts.values()), color=THEMES[ctx.theme].background,
                                                fill_opacity=0.8, buff=0.2).set_z_index(-1))
    # and the legend, whose words (dark in the light theme) would lie on the dark floor of the valley
    key_backdrop = fixed(scene, BackgroundRectangle(swarm[-1], color=THEMES[ctx.theme].background,
                                                    fill_opacity=0.8, buff=0.15).set_z_index(-1))
    ctx.shown += [backdrop, key_backdrop]

    drivers = []   # the zoom's camera driver, which the next shot must not inherit

    def zoom(start, end):
        # zoom until the clouds fill about half the frame's height (their spread at the end of the run),
        # with the minimum left of the texts' column; the axes' names would be far outside: they leave
        scene.camera.reset_rotation_matrix()
        final = [stage.points(stage.rest(np.column_stack([exp.position[m, :, -1].astype(float),
                                                          stage.zf(exp.loss[m, :, -1].astype(float))])))
                 for m in range(exp.position.shape[0])]
        rot = scene.camera.get_rotation_matrix()
        spread = max(np.ptp(pts @ rot.T[:, 1]) for pts in final)
        target = float(np.clip(scene.camera.get_zoom() * 0.45 * config.frame_height / max(spread, 1e-6), 1.5, 24.0))
        centre = np.mean(np.vstack(final), axis=0)
        path = zoom_path(scene.camera, centre, target, np.array([(LEFT_EDGE + STAGE_COLUMN) / 2, -0.6]))
        u = ValueTracker(0)
        driver = Mobject().add_updater(lambda m: path(u.get_value()))
        scene.add(driver)
        drivers.append(driver)
        ctx.shown[:] = [m for m in ctx.shown if m is not labels]   # gone now, not at the end
        return [(u.animate.set_value(1), start, end, False),
                (fade_in(backdrop), start, start + QUICK, False), (fade_in(key_backdrop), start, start + QUICK, False),
                (fade_out(labels, ctx.scene.camera), start, start + QUICK, False)]

    run_shot(ctx, entrance=[*title_entrance(ctx, previous), *stage_entrance(ctx, stage, labels)],
             moments={"go": lambda s, e: [(clock.animate.set_value(1), s, e, True)], "zoom": zoom})
    for m in [*swarm, *drivers]:
        m.clear_updaters()
    scene.remove(*drivers)


def landscape(ctx: Ctx, previous):
    o = ctx.shot.options
    if not o["slice"]:
        run_shot(ctx, entrance=title_entrance(ctx, previous))
        return
    exp = ctx.data["slice"]
    # from higher up and a lower box than the other stages: the slice's box, seen so, is wide rather
    # than tall, and fills the width beside the texts (at least half the frame's)
    stage, labels = stage_with_labels(ctx, exp, phi=60, theta=-60, height=2.0)
    clock, visible = ValueTracker(0), ValueTracker(1)
    # names only in the legend: with their settings they would run into the texts
    names = [" ".join(w for w in label.split() if "=" not in w).rstrip(",") for label in exp.labels]
    shown = add_race(ctx.scene, stage, exp, clock, lambda t: exp.steps * min(t, 1.0), ctx.theme, title=False,
                     labels=names, key_corner=DR, caption_width=None, visible=visible, key_room=KEY_ROOM)
    ctx.shown += shown

    def numbers(start, end):
        # the slice leaves the frame to the numbers; what follows the clock (balls, trails) fades by its
        # own updaters (a FadeOut copies a family that the updaters then change)
        still = [m for m in (*shown, stage.surface, labels) if not m.get_family_updaters() or m in shown[-2:]]
        ctx.shown[:] = [m for m in ctx.shown if all(m is not g for g in still)]   # not faded out again at the end
        return [(visible.animate.set_value(0), start, start + QUICK, False)] + \
            [(fade_out(m, ctx.scene.camera), start, start + QUICK, False) for m in still]

    run_shot(ctx, entrance=[*title_entrance(ctx, previous), *stage_entrance(ctx, stage, labels)],
             moments={"go": lambda s, e: [(clock.animate.set_value(1), s, e, True)], "numbers": numbers})
    for m in shown:
        m.clear_updaters()


def rule(ctx: Ctx, previous):
    entrance, moments = rule_panel(ctx)
    run_shot(ctx, entrance=[*title_entrance(ctx, previous), *entrance], moments=moments)


PLAYERS = {"": card, "text": text, "surface": surface, "rule": rule, "race": race, "cloud": cloud,
           "landscape": landscape}


def play_chapter(scene, chapter, beats) -> None:
    """Every shot of the chapter in order, the title carried from one to the next."""
    theme = beats.theme
    scene.camera.background_color = THEMES[theme].background
    scene.set_camera_orientation(phi=0, theta=-90 * DEGREES, gamma=0, zoom=1, frame_center=[0, 0, 0])
    title = None
    for n, shot in enumerate(chapter.shots):
        data = load_data(shot.data) if shot.data else {}
        # its rule in its colour, as a text reads on the theme's background
        color = readable(optimizer_colors(data["run"].names)[0], THEMES[theme].background) if shot.kind == "rule" \
            else None
        head, rule_lines, texts = shot_texts_for(scene, chapter, shot, theme, color)
        ctx = Ctx(scene, chapter, shot, beats, theme, data, texts, rule_lines, head, n == len(chapter.shots) - 1)
        PLAYERS[shot.kind](ctx, title)
        title = ctx.title


__all__ = ["play_chapter", "PLAYERS"]
