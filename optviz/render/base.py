"""What the 2-D and 3-D animated scenes share: the figure, colours, legend, step counter, trails,
divergence geometry, and the blit loop (background drawn once; each frame draws only what moves)."""
from __future__ import annotations

import textwrap

import numpy as np
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D

from ..data.experiment import Experiment
from .geometry import exit_points, nearest_minimum
from .glyphs import Canvas
from .style import Style, optimizer_colors
from .timeline import Timeline, interpolate

MINIMUM_COLORS = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#9a6324"]
MARKERS = ["o", "s", "^", "D", "v", "P", "*", "h"]


def surface_cmap(style: Style):
    base = __import__("matplotlib").colormaps[style.colors.cmap]
    lo, hi = style.colors.cmap_range
    return LinearSegmentedColormap.from_list("optviz", base(np.linspace(lo, hi, 256)))


def fit_legend(fig, y: float, fontsize: float, handles=None, **kw):
    """A figure legend centred at height y, in as many columns (up to 3) as fit the figure's width
    (matplotlib fills a legend column by column; long labels take fewer columns)."""
    handles = handles if handles is not None else fig.axes[0].get_legend_handles_labels()[0]
    renderer = fig.canvas.get_renderer()
    for ncol in range(min(len(handles), 3), 0, -1):
        legend = fig.legend(handles=handles, loc="center", bbox_to_anchor=(0.5, y), ncol=ncol, fontsize=fontsize,
                            frameon=False, **kw)
        if ncol == 1 or legend.get_window_extent(renderer).width <= 0.98 * fig.bbox.width:
            return legend
        legend.remove()


def draw_header(fig, exp: Experiment, style: Style, title: str, legend_y: float, handles=None, **legend_kw):
    """The title, the legend, and (if the experiment has one) its caption between them: what a
    landscape's picture means. With a caption, the legend moves down below it and every axes of the
    figure is shortened to end below the legend (figures without captions keep their layout)."""
    c, sc = style.colors, style.scale
    fig.text(0.5, 0.96, title, ha="center", va="center", color=c.foreground, fontsize=14 * sc, weight="bold")
    caption = exp.meta.get("caption")
    if not caption:
        fit_legend(fig, legend_y, 9.5 * sc, handles, labelcolor=c.foreground, **legend_kw)
        return
    renderer = fig.canvas.get_renderer()
    to_figure = fig.transFigure.inverted()
    chars = int(fig.bbox.width / (0.55 * 8.5 * sc * style.dpi / 72))
    while True:   # wrap to the widest lines that fit
        text = fig.text(0.5, 0.925, textwrap.fill(caption, chars), ha="center", va="top", color=c.muted,
                        fontsize=8.5 * sc)
        if text.get_window_extent(renderer).width <= 0.96 * fig.bbox.width or chars < 20:
            break
        text.remove()
        chars -= 4
    below = to_figure.transform(text.get_window_extent(renderer))[0, 1]
    legend = fit_legend(fig, below - 0.01, 9.5 * sc, handles, labelcolor=c.foreground, **legend_kw)
    box = to_figure.transform(legend.get_window_extent(renderer))
    legend.set_bbox_to_anchor((0.5, below - 0.01 - (box[1, 1] - box[0, 1]) / 2), transform=fig.transFigure)
    bottom = below - 0.01 - (box[1, 1] - box[0, 1])
    top = bottom - 0.045   # room for an axes' own title (a loss panel's)
    for ax in fig.axes:
        pos = ax.get_position()
        if pos.y1 > top and ax.name != "3d":   # a 3-D box has empty room above its plot
            ax.set_position([pos.x0, pos.y0, pos.width, top - pos.y0])


def axis_labels(exp: Experiment) -> tuple[str, str]:
    """The plane's axes: w1 and w2 on a surface, the directions of a landscape's slice."""
    return tuple(exp.meta["surface"].get("axes", (r"$w_1$", r"$w_2$")))


def wrapped_axis_labels(exp: Experiment, widths=(38, 38)) -> tuple[str, str]:
    """axis_labels broken into lines of at most widths[i] characters, so that a long one (a slice's
    direction named after an optimizer and its settings) stays within the axes it names."""
    import textwrap
    return tuple(a if a.startswith("$") else "\n".join(textwrap.wrap(a, max(int(w), 12))) or a
                 for a, w in zip(axis_labels(exp), widths))


def label_widths(ax, fontsize: float) -> tuple[int, int]:
    """How many characters of `fontsize` points fit along the x and y sides of `ax` (a character being
    about 0.55 of the size wide, as DejaVu Sans averages)."""
    box = ax.get_window_extent()
    char = 0.55 * fontsize * ax.figure.dpi / 72
    return int(box.width / char), int(box.height / char)


def plain_axis_labels(exp: Experiment) -> list[str]:
    """axis_labels as plain text, for what draws no mathtext (a web page, manim's Pango text): w₁, w₂."""
    return [{"$w_1$": "w₁", "$w_2$": "w₂"}.get(a, a) for a in axis_labels(exp)]


def _has_data(artist) -> bool:
    """False for a line with nothing to draw (an unused trail band or exit marker): skipping it saves
    the per-artist drawing overhead."""
    verts3d = getattr(artist, "_verts3d", None)  # a 3-D line keeps its data here, not in get_xdata
    if verts3d is not None:
        return len(verts3d[0]) > 0
    get = getattr(artist, "get_xdata", None)
    return get is None or len(get(orig=True)) > 0


def step_text(k: int, every: int, last: int) -> str:
    """The step counter's first line at row k (a record every `every` steps, `last` the final step)."""
    return f"step {min(k * every, last):>{len(str(last))}d} / {last}"


class SceneBase:
    """Figure and per-frame plumbing; subclasses build axes/artists and implement `update(s)`."""

    COUNTER_POINTS = 11.0   # the step counter's size (monospace), times the style's scale

    def __init__(self, exp: Experiment, style: Style = Style(), timeline: Timeline = Timeline(), cache: bool = False):
        self.exp, self.style, self.timeline = exp, style, timeline
        self.frame_steps = timeline.frame_steps(exp.steps)
        self.M, self.N = exp.position.shape[:2]
        self.colors = optimizer_colors(exp.names)
        self.swarm = self.N > 12
        self.trail = style.trail if style.trail else (12 if self.swarm else 0)
        w, h = style.size
        c = style.colors
        self.fig = Figure(figsize=(w / style.dpi, h / style.dpi), dpi=style.dpi, facecolor=c.background)
        self.canvas = Canvas(self.fig)   # text from cached glyph bitmaps (render.glyphs)
        self.fs = 11 * style.scale
        self.exits = exit_points(exp)
        self.landing = nearest_minimum(exp) if style.color_by == "minimum" else None
        self.animated = []
        self.background_rgba = None   # the static picture every frame starts from (None: no such picture)
        # `cache`: the static picture kept from an earlier draw of this very scene (render.static_cache),
        # restored by prepare() instead of drawn; `static` is None when there is none yet
        self.static_key = self.static = None
        if cache:
            from . import static_cache
            self.static_key = static_cache.scene_key(self)
            self.static = static_cache.load(self.static_key, "static")
            if self.static is not None and (self.static.get("picture", np.empty(0)).shape != (h, w, 4)
                                            or "positions" not in self.static):
                self.static = None   # not what this version keeps: drawn again

    # ---- colours and labels -----------------------------------------------------------------
    def ball_colors(self, m: int):
        """One colour for every start of optimizer m, or per-start colours by landing minimum."""
        if self.landing is None:
            return self.colors[m]
        return [MINIMUM_COLORS[k % len(MINIMUM_COLORS)] if k >= 0 else self.style.colors.muted
                for k in self.landing[m]]

    def fate(self, m: int) -> str | None:
        """"diverged at step k" (one start) or "k/N diverged"; None when nothing diverged."""
        d = self.exp.diverged_at[m]
        if self.N == 1 and d[0] >= 0:
            return f"diverged at step {int(d[0])}"
        if (d >= 0).any():
            return f"{int((d >= 0).sum())}/{self.N} diverged"
        return None

    def label(self, m: int) -> str:
        fate = self.fate(m)
        return self.exp.labels[m] + (f"  ({fate})" if fate else "")

    def legend_handles(self):
        ms = 6 if self.swarm else 8
        handles = [Line2D([], [], color=self.colors[m], marker=MARKERS[m % len(MARKERS)] if self.landing is not None
                          else "o", ms=ms * self.style.scale ** 0.5, lw=2, label=self.label(m))
                   for m in range(self.M)]
        if self.landing is not None:
            for k, mn in enumerate(self.exp.minima):
                handles.append(Line2D([], [], color=MINIMUM_COLORS[k % len(MINIMUM_COLORS)], marker="o", lw=0,
                                      label=f"ends at ({mn['x']:.2f}, {mn['y']:.2f})"))
        return handles

    def counter_text(self, s: float) -> str:
        """The step (a training step, where rows are records every few steps), and the current learning
        rate of every optimizer that follows a schedule."""
        k = int(np.floor(s))
        every = int(self.exp.meta.get("record_every", 1))
        last = self.exp.meta.get("training_steps", self.exp.steps * every)
        text = step_text(k, every, last)
        lr = self.exp.lr
        for m, o in enumerate(self.exp.meta["optimizers"]):
            if o.get("schedule") and lr is not None:
                value = lr[m, min(k, lr.shape[1] - 2)]
                text += f"\n{o['title']}: lr {value:.3g}"
        return text

    @classmethod
    def counter_font(cls, style: Style) -> FontProperties:
        return FontProperties(family="monospace", size=cls.COUNTER_POINTS * style.scale)

    @staticmethod
    def counter_texts(steps: int, timeline: Timeline) -> list[str]:
        """What the counter shows over a run of `steps` recorded steps, each a step (no schedule):
        what `glyphs.prime` can measure before the run is there."""
        rows = np.unique(np.floor(timeline.frame_steps(steps)).astype(int))
        return [step_text(int(k), 1, steps) for k in rows]

    # ---- geometry per frame -----------------------------------------------------------------
    def balls_at(self, m: int, s: float) -> np.ndarray:
        """[N, 2] ball positions at fractional step s (NaN once a start has diverged)."""
        return interpolate(self.exp.position[m].astype(np.float64), s)

    def trail_bands(self):
        """(age_lo, age_hi, alpha, width factor) bands: a fading trail drawn as a few plain paths."""
        if self.trail:
            edges = np.linspace(0, self.trail, 4)
            top = 0.55 if self.swarm else 0.9
            return [(int(edges[i]), int(edges[i + 1]), top * (1 - i / 3), 1.0) for i in range(3)]
        return [(0, 10, 0.95, 1.0), (10, 25, 0.75, 0.9), (25, 60, 0.5, 0.8), (60, None, 0.3, 0.7)]

    @staticmethod
    def band_path(rows: np.ndarray, s: float, lo: int, hi: int | None, seen=None) -> np.ndarray:
        """Every start's path between `hi` and `lo` steps before step s, as one polyline with NaN
        rows separating the starts: [K, k] (rows is [N, T, k]). With `seen` = (hidden [N, T], crossing
        points [N, T-1, k], crossing parameters [N, T-1]) from `occlusion.visibility`, hidden points
        become NaN (breaking the line) and each visible run ends at its silhouette crossing."""
        N, L, dim = rows.shape
        k = int(np.floor(s))
        f = s - k
        a = 0 if hi is None else max(0, k - hi)
        b = min(k - lo, L - 1)
        head = lo == 0 and f > 0 and k + 1 < L
        if b <= a and not head:
            return np.zeros((0, dim))
        b = max(b, a)
        w = b - a + 1
        # slots: vertex, crossing, vertex, ..., vertex, head crossing, head, break
        slots = np.full((N, 2 * w + 2, dim), np.nan)
        keep = np.zeros(slots.shape[:2], bool)   # crossings and the head: only where they exist
        keep[:, 0:2 * w:2] = keep[:, -1] = True
        slots[:, 0:2 * w:2] = rows[:, a:b + 1]
        if seen is not None:
            hid, cross, tc = seen
            slots[:, 0:2 * w:2][hid[:, a:b + 1]] = np.nan
            slots[:, 1:2 * w - 1:2] = cross[:, a:b]
            keep[:, 1:2 * w - 1:2] = np.isfinite(tc[:, a:b])
        if head:
            point = rows[:, k] + f * (rows[:, k + 1] - rows[:, k])
            keep[:, 2 * w] = True
            slots[:, 2 * w] = point
            if seen is not None:
                inside = tc[:, k] <= f   # the silhouette lies on the drawn part of the last segment
                slots[:, 2 * w - 1] = cross[:, k]
                keep[:, 2 * w - 1] = inside
                slots[:, 2 * w][np.where(inside, hid[:, k + 1], hid[:, k])] = np.nan
        return slots[keep]

    def move_2d(self, m: int, s: float) -> np.ndarray:
        """Set optimizer m's trail bands and exit markers for step s (2-D scenes keep `rows`, `trails`,
        `bands`, `gone`); return its ball positions [N, 2], NaN for starts that have left."""
        rows = self.rows[m]
        for line, (lo, hi, _, _) in zip(self.trails[m], self.bands):
            path = self.band_path(rows, s, lo, hi)
            line.set_data(path[:, 0], path[:, 1])
        d = self.exp.diverged_at[m]
        gone = (d >= 0) & (s >= d - 1)   # the ball has left; keep its exit marker
        ex = self.exits[m][gone]
        self.gone[m].set_data(ex[:, 0], ex[:, 1])
        return np.where(gone[:, None], np.nan, interpolate(rows, s))

    # ---- the frame loop -----------------------------------------------------------------------
    def draw_static(self, drawn: bool = False):
        """Draw everything that does not move (the animated artists are skipped). `drawn`: the canvas
        already holds exactly that (drawn before any moving artist was added), so it is not drawn again."""
        for a in self.animated:
            a.set_animated(True)
        if not drawn:
            self.canvas.draw()

    def prepare(self, drawn: bool = False):
        """Draw everything static once (unless `drawn`, see draw_static), or restore it from the cache,
        and keep it as the background."""
        if self.static is not None:
            self.restore_static()
        else:
            self.draw_static(drawn)
        self.background = self.canvas.copy_from_bbox(self.fig.bbox)
        self.background_rgba = np.array(self.canvas.buffer_rgba())
        if self.static is None and self.static_key is not None:
            from . import static_cache
            positions = np.array([ax.get_position(original=True).bounds for ax in self.fig.axes]).reshape(-1, 4)
            static_cache.store(self.static_key, "static", {"picture": self.background_rgba, "positions": positions,
                                                           **self.static_arrays()})

    def static_arrays(self) -> dict:
        """What else a drawn static picture leaves behind that the frames need (kept with it)."""
        return {}

    def restore_static(self):
        """What drawing the static picture does for the frames, from the cache: every axes placed where
        that drawing placed it (its aspect applied, a 3-D axes' projection computed, as drawing does
        before it draws anything) and the picture put on the canvas."""
        for a in self.animated:
            a.set_animated(True)
        for ax, bounds in zip(self.fig.axes, self.static["positions"]):
            ax.set_position(bounds, which="original")
            ax._unstale_viewLim()
            ax.apply_aspect()
            if hasattr(ax, "get_proj"):
                ax.M = ax.get_proj()
                ax.invM = np.linalg.inv(ax.M)
        np.asarray(self.canvas.get_renderer().buffer_rgba())[...] = self.static["picture"]

    def render(self, i: int) -> np.ndarray:
        """Frame i as a uint8 RGBA array [H, W, 4] (RGBA: copying it whole is a plain memcpy)."""
        self.canvas.restore_region(self.background)
        self.update(float(self.frame_steps[i]))
        for a in self.animated:
            if _has_data(a):
                a.axes.draw_artist(a) if a.axes is not None else self.fig.draw_artist(a)
        return np.array(self.canvas.buffer_rgba())

    def frame_keys(self):
        """Frames with equal keys look the same (a held last frame); None when every frame differs."""
        return self.frame_steps

    @property
    def size(self) -> tuple[int, int]:
        return self.style.size

    @property
    def title(self) -> str:
        return self.style.title or self.exp.meta["surface"]["title"]

    @property
    def n_frames(self) -> int:
        return len(self.frame_steps)

    def update(self, s: float):  # pragma: no cover - implemented by the scenes
        raise NotImplementedError
