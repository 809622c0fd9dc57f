"""Small multiples: one animated map panel per optimizer setting (a learning-rate sweep, say), all on the
same surface and from the same start, with each panel titled by its settings and one shared step counter.

The panels are the experiment's M optimizers in order, laid out in `columns` columns (a sweep stores its
grid shape in meta["sweep"]["shape"] = [rows, columns]).
"""
from __future__ import annotations

import math

import numpy as np

from ..data.experiment import Experiment
from .base import SceneBase
from .scene2d import draw_map
from .style import Style, optimizer_colors
from .timeline import Timeline


def grid_shape(exp: Experiment) -> tuple[int, int]:
    M = exp.position.shape[0]
    shape = exp.meta.get("sweep", {}).get("shape")
    if shape and shape[0] * shape[1] == M:
        return int(shape[0]), int(shape[1])
    cols = math.ceil(math.sqrt(M))
    return math.ceil(M / cols), cols


class PanelScene(SceneBase):
    COUNTER_POINTS = 10.5
    def __init__(self, exp: Experiment, style: Style = Style(), timeline: Timeline = Timeline(), cache: bool = False):
        super().__init__(exp, style, timeline, cache=cache)
        # panels already tell the settings apart: one optimizer keeps one colour (no shades per copy)
        self.colors = [optimizer_colors([n])[0] for n in exp.names]
        c, sc = style.colors, style.scale
        rows, cols = grid_shape(exp)
        fig = self.fig
        fig.text(0.5, 0.965, self.title, ha="center", va="center", color=c.foreground, fontsize=13 * sc,
                 weight="bold")
        left, right, bottom, top = 0.04, 0.99, 0.03, 0.86
        gap_x, gap_y = 0.015, 0.075
        pw = (right - left - gap_x * (cols - 1)) / cols
        ph = (top - bottom - gap_y * (rows - 1)) / rows
        fs = max(6.5, min(10.0, 60 / cols)) * sc
        self.axes, self.balls, self.trails, self.gone = [], [], [], []
        self.bands = self.trail_bands()
        lw = (1.6 if cols <= 4 else 1.1) * sc
        for m in range(self.M):
            r, k = divmod(m, cols)
            ax = fig.add_axes([left + k * (pw + gap_x), top - (r + 1) * ph - r * gap_y, pw, ph])
            draw_map(ax, exp, style, levels=18)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_xlabel("")
            ax.set_ylabel("")
            ax.set_title(self.panel_title(m), color=self.colors[m] if self.M <= 1 else c.foreground,
                         fontsize=fs, pad=3)
            self.trails.append([ax.plot([], [], color=self.colors[m], alpha=a, lw=lw * wf, zorder=4)[0]
                                for _, _, a, wf in self.bands])
            ball, = ax.plot([], [], ls="none", marker="o", ms=(3 if self.swarm else 7) * sc ** 0.5,
                            color=self.colors[m], mec=c.background if not self.swarm else "none", zorder=6)
            gone, = ax.plot([], [], ls="none", marker="X", ms=8 * sc ** 0.5, color=self.colors[m],
                            mec=c.foreground, mew=0.8, zorder=5)
            self.axes.append(ax)
            self.balls.append(ball)
            self.gone.append(gone)
        self.counter = fig.text(0.5, 0.915, "", ha="center", va="center", color=c.foreground,
                                fontproperties=self.counter_font(style))
        self.rows = [exp.position[m].astype(np.float64) for m in range(self.M)]
        self.animated = [*(line for band in self.trails for line in band), *self.gone, *self.balls, self.counter]
        self.prepare()

    def panel_title(self, m: int) -> str:
        """The panel's settings; a run that diverges says when."""
        o = self.exp.meta["optimizers"][m]
        hp = o.get("given") or {}
        text = ", ".join(f"{k}={v:g}" if isinstance(v, (int, float)) else f"{k}={v}" for k, v in hp.items())
        if not text or len(set(self.exp.names)) > 1:  # several optimizers: name them too
            text = o["label"]
        fate = self.fate(m)
        return text + (f"\n{fate}" if fate else "")

    def update(self, s: float):
        for m in range(self.M):
            pos = self.move_2d(m, s)
            self.balls[m].set_data(pos[:, 0], pos[:, 1])
        self.counter.set_text(self.counter_text(s))
