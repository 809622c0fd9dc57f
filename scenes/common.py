"""Helpers shared by optviz's manim scenes: loading an experiment, the 3-D stage (axes + surface),
balls, precomputed trails, legend and step counter.

Scenes never import torch or re-implement an optimizer: they draw an optviz Experiment loaded from the
NPZ named by $OPTVIZ_EXPERIMENT, or one the optviz command line computes (in a subprocess) and caches.
Options come from $OPTVIZ_MANIM (JSON): duration, orbit, theme, segment ([k, n]: render part k of n).

A new scene is a manim Scene class in a module here, drawing with these helpers, and an entry in
`optviz.render.manim_video.SCENES` (what the scenes may import: the package's docstring, __init__.py).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import manim.camera.camera as _manim_camera
import numpy as np
from PIL import Image
from manim import (
    DOWN,
    LEFT,
    OUT,
    RIGHT,
    UL,
    UP,
    UR,
    Circle,
    Dot,
    Line,
    ManimColor,
    Surface,
    Text,
    ThreeDAxes,
    ThreeDCamera,
    VGroup,
    VMobject,
    config,
    interpolate_color,
)
from manim.utils.bezier import bezier

from optviz.data import Experiment
from optviz.render.base import plain_axis_labels
from optviz.render.geometry import beyond_box, bilinear, cut_at_exit, dense_path, display_z, exit_points, mesh_z
from optviz.render.occlusion import prefix_runs, visibility, visible_runs
from optviz.render.orphans import die_with_parent_from_env
from optviz.render.style import THEMES, optimizer_colors

SEED_RUN = ["--surface", "pathological", "--optimizer", "sgd:lr=10", "--optimizer",
            "momentum:lr=10,momentum=0.9", "--optimizer", "adam:lr=1", "--start", "7,7", "--steps", "50"]
FONT = "DejaVu Sans"

die_with_parent_from_env()   # started by optviz render: end with it, even when it is SIGKILLed


def _pixels_once(camera, mobject, points):
    """Frame points to pixels for point clouds (and images) under a 3-D camera, projected once: the
    projection already measures from the camera's aim (see _cairo_context)."""
    points = camera.transform_points_pre_display(mobject, points)
    out = np.zeros((len(points), 2))
    out[:, 0] = points[:, 0] * camera.pixel_width / camera.frame_width + camera.pixel_width / 2
    out[:, 1] = -points[:, 1] * camera.pixel_height / camera.frame_height + camera.pixel_height / 2
    return out


def _cairo_context(camera, pixel_array):
    """The drawing context of a 3-D camera, without the aim's offset. manim's ThreeDCamera projects
    points relative to its aim (frame centre), then shifted them again by the aim: vector shapes by
    the aim the context was first made with (cached), point clouds by the aim now. So a chapter
    rendered in parts drew its texts elsewhere when a part began after the camera moved, and swarm
    dots drifted off the surface as it moved: here every path draws the projection as it is."""
    import cairo
    cached = camera.get_cached_cairo_context(pixel_array)
    if cached:
        return cached
    pw, ph, fw, fh = camera.pixel_width, camera.pixel_height, camera.frame_width, camera.frame_height
    surface = cairo.ImageSurface.create_for_data(pixel_array.data, cairo.FORMAT_ARGB32, pw, ph)
    ctx = cairo.Context(surface)
    ctx.scale(pw, ph)
    ctx.set_matrix(cairo.Matrix(pw / fw, 0, 0, -(ph / fh), pw / 2, ph / 2))
    camera.cache_cairo_context(pixel_array, ctx)
    return ctx


ThreeDCamera.points_to_subpixel_coords = _pixels_once
ThreeDCamera.get_cairo_context = _cairo_context


class _PillowForManim:
    """manim 0.22's camera pastes an image mobject onto `Image.fromarray(np.zeros((h, w)), mode="RGBA")`,
    a float array Pillow 13 refuses ("Invalid mode for data type"): every ImageMobject failed to draw.
    This stands in for PIL.Image in manim's camera module: that call gets the transparent canvas it
    meant; every other name is Pillow's own."""

    def __getattr__(self, name):
        return getattr(Image, name)

    @staticmethod
    def fromarray(array, mode=None):
        if mode == "RGBA" and np.ndim(array) == 2 and not np.any(array):
            return Image.new("RGBA", np.shape(array)[::-1])
        return Image.fromarray(array, mode=mode) if mode else Image.fromarray(array)


_manim_camera.Image = _PillowForManim()
import shade_cache  # noqa: E402,F401  (faces that hold still are shaded and sorted once)
import unseen  # noqa: E402,F401  (what is faded out is not painted)
import layer_fade  # noqa: E402,F401  (a stage fades as one picture)
import static_frames  # noqa: E402,F401  (a play's static picture drawn once for every play that holds it)
import facing  # noqa: E402,F401  (a label facing the camera: its centre found once a frame)


def options() -> dict:
    return json.loads(os.environ.get("OPTVIZ_MANIM", "{}") or "{}")


def has_latex() -> bool:
    return shutil.which("latex") is not None


def load_experiment(default_args: list[str] = SEED_RUN, env: str = "OPTVIZ_EXPERIMENT") -> Experiment:
    """The experiment named by $OPTVIZ_EXPERIMENT, else the default run computed by `optviz trajectory`
    in a subprocess (so this process never imports torch) and cached under the media directory."""
    path = os.environ.get(env)
    if path:
        return Experiment.load(path)
    key = hashlib.sha256(json.dumps(default_args).encode()).hexdigest()[:16]
    cache = Path(config.media_dir) / "optviz-cache" / f"{key}.npz"
    if not cache.exists():
        cache.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "optviz", "trajectory", *default_args, "-o", str(cache)], check=True)
    return Experiment.load(cache)


def track_progress(scene) -> None:
    """Count the frames the scene writes into the file $OPTVIZ_PROGRESS names (a number, rewritten at
    most a few times a second), so `optviz render` can show a bar for work in other processes."""
    target = os.environ.get("OPTVIZ_PROGRESS")
    if not target:
        return
    renderer = scene.renderer
    add_frame, state = renderer.add_frame, {"frames": 0, "written": 0.0}

    def counted(frame, num_frames=1):
        add_frame(frame, num_frames)
        if not renderer.skip_animations:
            state["frames"] += num_frames
            now = time.monotonic()
            if now - state["written"] > 0.25:
                state["written"] = now
                tmp = f"{target}.tmp"
                Path(tmp).write_text(str(state["frames"]))
                os.replace(tmp, target)
    renderer.add_frame = counted


def segment_times(duration: float, segment=(0, 1)) -> tuple[float, float]:
    """Start and end time of part k of n of a shot, on whole frames, so the parts rendered in
    parallel join into exactly the frames of the whole shot."""
    k, n = segment
    frames = round(duration * config.frame_rate)
    return (frames * k // n) / config.frame_rate, (frames * (k + 1) // n) / config.frame_rate


def ease(u: np.ndarray | float, kind: str = "linear"):
    u = np.clip(u, 0.0, 1.0)
    return u * u if kind == "ease-in" else u


def midpoints(faces) -> np.ndarray:
    """[F, 3]: each face's `get_midpoint()` (the point half way along its outline by manim's measure of
    length: ten samples a curve) for faces of four cubic curves each, the same arithmetic in one pass
    over all of them, where manim measures each face's curves one call at a time."""
    P = np.stack([f.points for f in faces]).reshape(len(faces), 4, 4, 3)   # face, curve, control point, xyz
    curves = bezier(np.moveaxis(P, 2, 0).reshape(4, -1, 3))                   # all the curves, one function
    samples = np.stack([curves(a) for a in np.linspace(0, 1, 10)])            # [10, F*4, 3]
    pieces = np.linalg.norm(samples[1:] - samples[:-1], axis=2)               # [9, F*4]
    lengths = np.ascontiguousarray(pieces.T).sum(axis=1).reshape(-1, 4)       # each curve's, as np.sum of 9
    total = ((lengths[:, 0] + lengths[:, 1]) + lengths[:, 2]) + lengths[:, 3]  # sum() of four, in order
    target = 0.5 * total
    out = np.empty((len(faces), 3))
    done = np.zeros(len(faces), bool)
    current = np.zeros(len(faces))
    for n in range(4):   # the first curve where the length so far reaches half the outline's
        here = ~done & (current + lengths[:, n] >= target)
        if here.any():
            length = lengths[here, n]
            residue = np.where(length != 0, (target[here] - current[here]) / np.where(length != 0, length, 1), 0.0)
            out[here] = bezier(np.moveaxis(P[here, n], 1, 0))(residue[:, None])
            done |= here
        current = current + lengths[:, n]
    if not done.all():
        raise ValueError("a face whose outline's half-way point was not found")
    return out


def fill_by_height(surface, axes, colours) -> None:
    """manim's Surface.set_fill_by_value(axes, colorscale=colours, axis=2): each face coloured by the
    height of its midpoint on a scale of evenly spaced colours (the same colours: the same midpoints,
    measured for all faces at once, and manim's own steps for each)."""
    faces = surface.family_members_with_points()
    new_colors = [ManimColor(c) for c in colours]
    pivot_min, pivot_max = axes.z_range[0], axes.z_range[1]
    pivot_frequency = (pivot_max - pivot_min) / (len(new_colors) - 1)
    pivots = np.arange(start=pivot_min, stop=pivot_max + pivot_frequency, step=pivot_frequency)
    for mob, mid in zip(faces, midpoints(faces)):
        value = axes.point_to_coords(mid)[2]
        if value <= pivots[0]:
            mob.set_color(new_colors[0])
        elif value >= pivots[-1]:
            mob.set_color(new_colors[-1])
        else:
            for i, pivot in enumerate(pivots):
                if pivot > value:
                    index = min((value - pivots[i - 1]) / (pivots[i] - pivots[i - 1]), 1)
                    mob.set_color(interpolate_color(new_colors[i - 1], new_colors[i], index), family=False)
                    break


class Stage:
    """3-D axes scaled so the surface's shape shows, its surface coloured by height, and the mapping
    from an experiment's data to scene points."""

    def __init__(self, exp: Experiment, *, size: float = 6.0, height: float = 2.6, resolution: int = 24,
                 theme: str = "dark", opacity: float = 0.85, seamless: bool = False):
        self.exp, self.theme = exp, THEMES[theme]
        (x0, x1), (y0, y1) = exp.box
        self.zf, self.log = display_z(exp)
        zg = self.zf(exp.grid_z)
        self.zmin, self.zmax = float(np.nanmin(zg)), float(np.nanmax(zg))
        # a slice of a network's landscape: balls sit at the paths' real loss, which may leave its range
        self.off_surface = bool(exp.meta.get("off_surface"))
        if self.off_surface:
            path = self.zf(exp.loss[np.isfinite(exp.loss)].astype(np.float64))
            self.zmin, self.zmax = min(self.zmin, float(path.min())), max(self.zmax, float(path.max()))
        aspect = (y1 - y0) / (x1 - x0)
        xl, yl = (size, size * aspect) if aspect <= 1 else (size / aspect, size)
        # ThreeDAxes has fixed lengths whatever the ranges: set them, or z is stretched ~4x
        self.axes = ThreeDAxes(x_range=(x0, x1, (x1 - x0) / 4), y_range=(y0, y1, (y1 - y0) / 4),
                               z_range=(self.zmin, self.zmax, (self.zmax - self.zmin) / 4),
                               x_length=xl, y_length=yl, z_length=height,
                               axis_config={"include_tip": False, "stroke_width": 1.5,
                                            "color": self.theme.muted})
        self.lift = 0.025 * (self.zmax - self.zmin or 1.0)
        # the faces manim draws join these samples: balls rest on them and occlusion tests against them
        gx, gy = np.linspace(x0, x1, resolution + 1), np.linspace(y0, y1, resolution + 1)
        X, Y = np.meshgrid(gx, gy)
        self.mesh = gx, gy, self.z_at(X, Y)
        # built flat in (x, y), then lifted in one vectorised pass: manim maps a surface's points one at a
        # time through the function it is given (about 3 s for 24 x 24 faces, paid by every part rendered)
        self.surface = Surface(lambda u, v: np.array([u, v, 0.0]), u_range=(x0, x1), v_range=(y0, y1),
                               resolution=(resolution, resolution), fill_opacity=opacity,
                               checkerboard_colors=False, stroke_width=0.3, stroke_color=self.theme.background)
        # as manim's apply_function does: handles drawn in to their anchors, mapped, pushed out again
        factor = self.surface.pre_function_handle_to_anchor_scale_factor
        self.surface.scale_handle_to_anchor_distances(factor)
        faces = self.surface.family_members_with_points()
        flat = np.concatenate([f.points for f in faces])
        lifted = self.points(np.column_stack([flat[:, 0], flat[:, 1], self.z_at(flat[:, 0], flat[:, 1])]))
        for f, pts in zip(faces, np.split(lifted, np.cumsum([len(f.points) for f in faces])[:-1])):
            f.points = pts
        self.surface.scale_handle_to_anchor_distances(1.0 / factor)
        fill_by_height(self.surface, self.axes, HEIGHT_COLORS)
        if seamless:
            # for a camera that comes close: shaded smoothly, no edge drawn (see smooth.py)
            from smooth import smooth
            grid = self.points(np.column_stack([X.ravel(), Y.ravel(), self.mesh[2].ravel()]))
            smooth(faces, grid.reshape(*X.shape, 3), self.axes, HEIGHT_COLORS, opacity, self.theme.background)

    def centre(self):
        """The middle of the stage: where the camera looks."""
        (x0, x1), (y0, y1) = self.exp.box
        return self.axes.c2p((x0 + x1) / 2, (y0 + y1) / 2, (self.zmin + self.zmax) / 2)

    def z_at(self, x, y):
        g = self.exp
        return self.zf(bilinear(g.grid_x, g.grid_y, g.grid_z, np.asarray(x, float), np.asarray(y, float)))

    def point(self, x: float, y: float, z: float | None = None):
        """Scene coordinates of data point (x, y) on the surface (or at display height z)."""
        z = float(self.z_at(np.array([x]), np.array([y]))[0]) if z is None else z
        return self.axes.c2p(x, y, z)

    def frame(self):
        """c2p as origin + basis @ (x, y, z): the axes' origin [3] and unit-step columns [3, 3] (read from
        the axes each time: a scene may move them)."""
        origin = np.array(self.axes.c2p(0, 0, 0))
        return origin, np.stack([np.array(self.axes.c2p(*e)) - origin for e in np.eye(3)], axis=1)

    def points(self, xyz: np.ndarray) -> np.ndarray:
        """Vectorised c2p for [K, 3] data points (x, y, display z)."""
        origin, basis = self.frame()
        return origin + xyz[:, :1] * basis[:, 0] + xyz[:, 1:2] * basis[:, 1] + xyz[:, 2:3] * basis[:, 2]

    def rest(self, xyz: np.ndarray) -> np.ndarray:
        """Data points [K, 3] (x, y, display z) raised onto the drawn faces where those are higher (a
        narrow valley the faces cannot resolve), then lifted. On a slice of a landscape the recorded
        loss is the truth, above or below the slice."""
        out = np.array(xyz, dtype=np.float64)
        if not self.off_surface:
            out[:, 2] = np.fmax(out[:, 2], mesh_z(*self.mesh, out[:, 0], out[:, 1]))
        out[:, 2] += self.lift
        return out

    def path(self, m: int, n: int = 0, dense: int = 4, exp: Experiment | None = None) -> np.ndarray:
        """[(T-1)*dense+1, 3] scene points of start n of optimizer m of `exp` (default: the stage's own),
        subdivided so the trail hugs this stage's surface; at the steps the height is the recorded loss."""
        exp = exp if exp is not None else self.exp
        xyz = dense_path(exp, m, dense, self.zf, slice(n, n + 1), grid=self.exp)[0]
        if exp.diverged_at[m, n] >= 0:   # drawn to its exit marker, on the box's edge: not off the stage
            xyz, end = cut_at_exit(xyz, exp.box)
            if end is not None:   # at the marker's height (rolling.add_race)
                xyz[end, 2] = self.z_at(xyz[end, :1], xyz[end, 1:2])[0]
        return self.points(self.rest(xyz))

    def to_data(self, pts: np.ndarray, frame=None) -> np.ndarray:
        """Inverse of `points`: scene points [..., 3] to data (x, y, display z); `frame`: this moment's
        `frame()`, when the caller has it."""
        origin, basis = frame if frame is not None else self.frame()
        return (np.asarray(pts, dtype=np.float64) - origin) @ np.linalg.inv(basis).T

    def outside(self, pts: np.ndarray, frame=None) -> np.ndarray:
        """[K] True for scene points [K, 3] beyond the stage's box (a view box the path leaves): not
        drawn, as a map does not draw past its edge."""
        return beyond_box(self.exp.box)(self.to_data(np.asarray(pts, dtype=np.float64).reshape(-1, 3), frame))

    def hidden(self, pts: np.ndarray, camera, samples: int = 96, foot: float = 0.15) -> np.ndarray:
        """[K] True where the drawn surface lies between manim's camera and scene points [K, 3]: the line
        of sight from the eye is marched through the stage and compared with the faces' heights
        (ignoring the last `foot` scene units around each point, where it rests on the surface); and
        for points beyond the stage's box."""
        pts = np.asarray(pts, dtype=np.float64).reshape(-1, 3)
        rot = camera.generate_rotation_matrix()   # the cached matrix trails the trackers by a frame
        eye = np.asarray(camera.frame_center, dtype=np.float64) + rot.T @ np.array([0.0, 0.0, camera.get_focal_distance()])
        span = np.linalg.norm(pts - eye, axis=1)
        (x0, x1), (y0, y1) = self.exp.box
        frame = self.frame()   # read once: four c2p calls, most of a ball's test
        reach = np.linalg.norm(frame[1] @ np.array([x1 - x0, y1 - y0, self.zmax - self.zmin]))
        # only the part of the ray within reach of the stage can meet it
        t0 = np.clip(1 - (reach + 1.0) / np.maximum(span, 1e-9), 0, 1)
        t1 = np.clip(1 - foot / np.maximum(span, 1e-9), 0, 1)
        u = np.linspace(0, 1, samples)[:, None]
        t = t0[None] + u * (t1 - t0)[None]                       # [S, K]
        q = self.to_data(eye + t[..., None] * (pts - eye)[None], frame)  # [S, K, 3]
        inside = (q[..., 0] >= x0) & (q[..., 0] <= x1) & (q[..., 1] >= y0) & (q[..., 1] <= y1)
        below = inside & (q[..., 2] < mesh_z(*self.mesh, q[..., 0], q[..., 1]))
        return below.any(axis=0) | self.outside(pts, frame)


HEIGHT_COLORS = ["#1b2a49", "#2f4b7c", "#5a7fa6", "#8fb1c9", "#cfe0e8"]


class Ball(Circle):
    """A ball as the camera sees it: a flat disc of the ball's radius in the plane facing `camera`,
    about the point it is placed at (`place`), so that zoom and perspective size it as a sphere's
    silhouette. It is drawn unshaded, one colour, as manim drew the sphere it replaces: that sphere
    (8 x 8 faces) was 64 shapes to path and paint on every frame the ball moves, and its outline a
    polygon; this is one shape and round."""

    def __init__(self, color: str, camera, radius: float = 0.14):
        super().__init__(radius=radius)
        # a function, not the camera: manim deep-copies a mobject's attributes (fades copy it), and a
        # function is copied as itself
        self.rotation, self.ball_radius = (lambda: camera.get_rotation_matrix()), radius
        self.unit = self.points / radius   # the circle's points about the origin, in its own plane
        self.set_fill(color, opacity=1).set_stroke(width=0)
        # manim sorts shaded faces by their centres, so a large surface face behind a ball can be painted
        # over it; unshaded, the ball is drawn after the surface and Stage.hidden decides what it shows
        self.set_shade_in_3d(False)

    def place(self, point) -> "Ball":
        """Centre the disc on `point` (3-D), facing the camera as it is now."""
        rot = self.rotation()   # rows: the camera's right, up and out, in the scene
        self.points = np.asarray(point, float) + self.ball_radius * (self.unit[:, :1] * rot[0] + self.unit[:, 1:2] * rot[1])
        return self


def cross(color: str, size: float = 0.14) -> VGroup:
    return VGroup(Line(UL * size, DOWN * size + RIGHT * size, color=color, stroke_width=5),
                  Line(UR * size, DOWN * size + LEFT * size, color=color, stroke_width=5))


def legend(exp: Experiment, colors: list[str], theme: str = "dark", font_size: int = 22, labels=None,
           room=None) -> VGroup:
    """A dot and a name per optimizer; `labels` replaces the experiment's own (names only, say, where
    the settings would run into the title). `room` (width, height in frame units): a long name wraps
    to the width, its dot beside its first line, and the whole is scaled down into the room if it is
    still larger (many optimizers with long settings)."""
    fg = THEMES[theme].foreground
    rows = []
    for c, label in zip(colors, labels or exp.labels):
        lines = [label]
        if room is not None:
            from optviz.lecture.layout import wrap
            lines = wrap(label, font_size, room[0] - 0.33)   # less the dot and its gap
        text = VGroup(*[Text(ln, font=FONT, font_size=font_size, color=fg) for ln in lines]).arrange(
            DOWN, aligned_edge=LEFT, buff=0.06)
        dot = Dot(color=c, radius=0.09).next_to(text[0], LEFT, buff=0.15)
        rows.append(VGroup(dot, *text))
    key = VGroup(*rows).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
    if room is not None and (key.width > room[0] or key.height > room[1]):
        key.scale(min(room[0] / key.width, room[1] / key.height))
    return key


class StepCounter(VGroup):
    """ "step 37 / 50" with one slot per digit: updating swaps single glyphs (Text.become between
    strings of different lengths drops glyphs), and unused leading slots are hidden. Rows recorded
    every few training steps (`every`) count training steps."""

    def __init__(self, steps: int, theme: str = "dark", font_size: int = 26, every: int = 1):
        fg = THEMES[theme].foreground
        self.every = every
        steps = steps * every
        width = len(str(steps))
        # the ten digits as laid out in one Text (one SVG to make and parse, not ten): each is moved
        # into its slot below, so where it was laid out does not matter
        self.glyphs = Text("0123456789", font=FONT, font_size=font_size, color=fg).submobjects
        # one Text lays out the line, so the digit slots sit on the same baseline as the words
        line = Text(f"step {'0' * width} / {steps}", font=FONT, font_size=font_size, color=fg)
        self.slots = VGroup(*line.submobjects[4:4 + width])
        super().__init__(*line.submobjects)
        # each digit as it sits in each slot (centred on the slot as laid out, on its baseline), made once
        # and moved with the counter: a frame swaps only the slots whose digit changed, copying no glyph
        self.placed = [{} for _ in self.slots]
        self.first = line.submobjects[0]   # "s": where the counter is now
        here = self.first.get_center()
        self.anchors = [(slot.get_center() - here, slot.get_bottom()[1] - here[1]) for slot in self.slots]
        self.shown = None
        self.show(0)

    def _placed(self, k: int, ch: str):
        here = self.first.get_center()
        centre, bottom = self.anchors[k]
        glyph = self.placed[k].get(ch)
        if glyph is None:
            glyph = self.placed[k][ch] = self.glyphs[int(ch) if ch != " " else 0].copy().move_to(here + centre)
            glyph.shift((here[1] + bottom - glyph.get_bottom()[1]) * UP)
            glyph.optviz_at = here.copy()
        elif not np.array_equal(glyph.optviz_at, here):   # the counter has moved since
            glyph.shift(here - glyph.optviz_at)
            glyph.optviz_at = here.copy()
        return glyph

    def show(self, row: int) -> "StepCounter":
        step = row * self.every
        if step == self.shown:
            return self
        width = len(self.slots)
        text, before = str(step).rjust(width), (str(self.shown).rjust(width) if self.shown is not None else " " * width)
        for k, (slot, ch) in enumerate(zip(self.slots, text)):
            if self.shown is None or ch != before[k]:
                slot.become(self._placed(k, ch)).set_opacity(0 if ch == " " else 1)
        self.shown = step
        return self


def trail_mobject(color: str, width: float = 3.0) -> VMobject:
    # trails are drawn after the shaded balls (manim draws unshaded mobjects last): keep them light
    return VMobject(stroke_color=color, stroke_width=width, stroke_opacity=0.8, fill_opacity=0)


class PathVisibility:
    """What the surface hides of one precomputed path from manim's camera: every point's flag and the
    silhouette crossings, found once for each position of the camera (a still camera: once), not
    every frame."""

    def __init__(self, pts: np.ndarray, hidden, camera):
        self.pts, self.hidden, self.camera = pts[np.isfinite(pts).all(1)], hidden, camera
        self.last = self.key = self.vis = None

    def runs(self, k: float) -> list[np.ndarray]:
        c = self.camera
        key = (c.get_phi(), c.get_theta(), c.get_gamma(), c.get_zoom(), c.get_focal_distance(),
               tuple(np.round(np.asarray(c.frame_center, dtype=float), 12)))
        moved, self.last = key != self.last, key
        k = min(k, len(self.pts) - 1)
        if moved:   # a moving camera (an orbit): only the part shown, every frame
            return visible_runs(path_head(self.pts, k), self.hidden)
        if key != self.key:
            self.key, self.vis = key, visibility(self.pts, self.hidden)
        return prefix_runs(self.pts, self.vis, k)


def path_head(pts: np.ndarray, k: float) -> np.ndarray:
    """The path's points up to fractional index k, ending between points i and i + 1 when k is between."""
    i = int(np.floor(k))
    head = pts[: i + 1]
    if k > i and i + 1 < len(pts):
        head = np.vstack([head, pts[i] + (k - i) * (pts[i + 1] - pts[i])])
    return head


def hide_beyond(mob, out: bool) -> None:
    """Hide a ball beyond the view's box, and show it again when it comes back (only then: its own
    fades in and out are left alone while it is in view)."""
    if out:
        mob.set_opacity(0.0)
    elif getattr(mob, "optviz_beyond", False):
        mob.set_opacity(1.0)
    mob.optviz_beyond = out


def set_trail(trail: VMobject, pts: np.ndarray, k: float, hidden=None, seen: PathVisibility | None = None,
              iterations: int = 10) -> None:
    """Show the precomputed path up to fractional index k (no TracedPath: the geometry is known),
    without the parts `hidden(points) -> bool` says the surface hides (`seen`: the same, remembered
    while the camera stays still); each visible piece ends where it goes hidden, found to
    2**-iterations of its segment (a box's edge, cheap to test, to a millionth)."""
    if seen is not None:
        runs = seen.runs(k)
    else:
        head = path_head(pts, k)
        head = head[np.isfinite(head).all(1)]
        runs = [head] if hidden is None else visible_runs(head, hidden, iterations)
    runs = [r for r in runs if len(r) >= 2]
    trail.clear_points()
    for n, run in enumerate(runs):
        if n:
            trail.start_new_path(run[0])
            trail.add_points_as_corners(run[1:])
        else:
            trail.set_points_as_corners(run)


def axis_labels(stage: Stage, theta: float, theme: str = "dark", font_size: int = 26) -> VGroup:
    """Axes along the edges of the stage's box, named w₁, w₂ and loss (Pango text: no LaTeX needed):
    the two floor edges meeting at the corner nearest a camera at azimuth `theta` (degrees), the loss
    axis upright at the corner furthest left in its view. The three names are the group's last three
    members: add them with `add_fixed_orientation_mobjects` so they face the camera."""
    muted = THEMES[theme].muted
    (x0, x1), (y0, y1) = stage.exp.box
    towards = np.array([np.cos(np.radians(theta)), np.sin(np.radians(theta))])
    right = np.array([-towards[1], towards[0]])
    corners = [(x, y) for x in (x0, x1) for y in (y0, y1)]
    nx, ny = max(corners, key=lambda c: towards @ c)
    lx, ly = min(corners, key=lambda c: right @ c)
    zlo, zhi = stage.zmin, stage.zmax
    at = lambda x, y, z: np.array(stage.axes.c2p(x, y, z))  # noqa: E731
    edges = [Line(at(x0, ny, zlo), at(x1, ny, zlo)), Line(at(nx, y0, zlo), at(nx, y1, zlo)),
             Line(at(lx, ly, zlo), at(lx, ly, zhi))]
    for e in edges:
        e.set_stroke(muted, width=2)
        e.optviz_axis = True   # what the lecture's layout check keeps texts off
    names = plain_axis_labels(stage.exp)
    labels = [Text(t, font=FONT, font_size=font_size if len(t) < 8 else font_size * 0.75, color=muted)
              for t in (*names, "loss")]
    centre = at((x0 + x1) / 2, (y0 + y1) / 2, zlo)
    for label, edge in zip(labels[:2], edges[:2]):
        mid = edge.get_center()
        label.move_to(mid + 0.45 * (mid - centre) / max(np.linalg.norm(mid - centre), 1e-9))
    labels[2].move_to(edges[2].get_end() + 0.3 * OUT)
    return VGroup(*edges, *labels)


def colors_for(exp: Experiment) -> list[str]:
    return optimizer_colors(exp.names)


def caption(exp: Experiment, theme: str = "dark", font_size: int = 18, width: float = 13.0):
    """The experiment's caption (what a landscape's picture means) as text across the bottom, or None."""
    text = exp.meta.get("caption")
    if not text:
        return None
    mob = Text(textwrap.fill(text, 80), font=FONT, font_size=font_size, color=THEMES[theme].muted)
    return mob.scale_to_fit_width(min(mob.width, width))


__all__ = ["segment_times", "track_progress", "axis_labels", "PathVisibility", "Stage", "Ball", "cross", "legend", "StepCounter", "trail_mobject", "set_trail", "colors_for",
           "caption",
           "load_experiment", "options", "ease", "exit_points", "has_latex", "FONT", "SEED_RUN"]
