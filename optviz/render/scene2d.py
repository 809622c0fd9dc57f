"""The animated 2-D view: the surface as a filled contour map, a ball per optimizer (or a swarm of
dots) moving along its path with a fading trail, known minima, a step counter and legend; optionally
gradient/velocity arrows at each ball and a loss-versus-step panel synced with the frame."""
from __future__ import annotations

import numpy as np

from ..data.experiment import Experiment
from .base import MARKERS, SceneBase, draw_header, label_widths, surface_cmap, wrapped_axis_labels
from .geometry import display_z
from .style import Style
from .timeline import Timeline, interpolate

VELOCITY_STATES = ("velocity", "exp_avg")  # momentum's v, else Adam's m; drawn as -v, where it pushes


def draw_map(ax, exp: Experiment, style: Style, *, levels: int = 28):
    """Filled contours of the surface grid with thin contour lines and the known minima."""
    c = style.colors
    f, _ = display_z(exp)
    z = f(exp.grid_z)
    ax.contourf(exp.grid_x, exp.grid_y, z, levels=levels, cmap=surface_cmap(style), zorder=0)
    ax.contour(exp.grid_x, exp.grid_y, z, levels=levels, colors=c.contour, linewidths=0.4 * style.scale,
               alpha=0.45, zorder=1)
    if style.show_minima:
        for mn in exp.minima:
            ax.plot(mn["x"], mn["y"], marker="*", ms=13 * style.scale ** 0.5, color="#ffd60a",
                    mec=c.foreground, mew=0.8, zorder=3, ls="none")
    (x0, x1), (y0, y1) = exp.box
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    xlabel, ylabel = wrapped_axis_labels(exp, label_widths(ax, 11 * style.scale))
    ax.set_xlabel(xlabel, color=c.foreground, fontsize=11 * style.scale)
    ax.set_ylabel(ylabel, color=c.foreground, fontsize=11 * style.scale)
    ax.tick_params(colors=c.muted, labelsize=9 * style.scale)
    for spine in ax.spines.values():
        spine.set_color(c.muted)


class Scene2D(SceneBase):
    def __init__(self, exp: Experiment, style: Style = Style(), timeline: Timeline = Timeline(), cache: bool = False):
        super().__init__(exp, style, timeline, cache=cache)
        c = style.colors
        fig, sc = self.fig, style.scale
        top = 0.8
        if style.loss_panel:
            ax = fig.add_axes([0.1, 0.1, 0.55, top - 0.1])
            self.lax = fig.add_axes([0.74, 0.1, 0.23, top - 0.1], facecolor=c.background)
        else:
            ax = fig.add_axes([0.1, 0.1, 0.87, top - 0.1])
            self.lax = None
        self.ax = ax
        draw_map(ax, exp, style)
        draw_header(fig, exp, style, style.title or exp.meta["surface"]["title"], (top + 0.93) / 2,
                    handles=self.legend_handles(), handlelength=1.6, columnspacing=1.5)
        self.counter = ax.text(0.015, 0.975, "", transform=ax.transAxes, ha="left", va="top", color=c.foreground,
                               fontproperties=self.counter_font(style),
                               bbox=dict(boxstyle="round,pad=0.3", fc=c.background, ec=c.muted, alpha=0.85))
        ms = (3.0 if self.swarm else 11.0) * sc ** 0.5
        lw = (0.8 if self.swarm else 2.2) * sc
        self.bands = self.trail_bands()
        self.trails, self.balls, self.gone = [], [], []
        for m in range(self.M):
            self.trails.append([ax.plot([], [], color=self.colors[m], alpha=alpha, lw=lw * wf, zorder=4,
                                        solid_capstyle="round", solid_joinstyle="round")[0]
                                for _, _, alpha, wf in self.bands])
            marker = MARKERS[m % len(MARKERS)] if self.landing is not None else "o"
            if self.landing is None:  # one colour: a Line2D of markers draws fastest
                ball, = ax.plot([], [], ls="none", marker=marker, ms=ms, color=self.colors[m],
                                mec=c.background if not self.swarm else "none", mew=1.2 * sc, zorder=6)
            else:
                ball = ax.scatter(np.full(self.N, np.nan), np.full(self.N, np.nan), s=ms ** 2,
                                  c=self.ball_colors(m), marker=marker, edgecolors="none", zorder=6)
            gone, = ax.plot([], [], ls="none", marker="X", ms=ms * 0.9, color=self.colors[m], mec=c.foreground,
                            mew=0.8, zorder=5)
            self.balls.append(ball)
            self.gone.append(gone)
        self.quivers = self._make_arrows()
        self.rows = [self.exp.position[m].astype(np.float64) for m in range(self.M)]
        self.animated = [*(line for band in self.trails for line in band), *self.gone, *self.balls, *[q for q, _, _ in self.quivers], self.counter]
        if self.lax is not None:
            self.animated += self._make_loss_panel()
        self.prepare()

    def _make_arrows(self):
        """One quiver per (optimizer, arrow kind), scaled so the typical arrow is ~10% of the view."""
        out = []
        (x0, x1), (y0, y1) = self.exp.box
        span = np.array([x1 - x0, y1 - y0])
        for kind in self.style.arrows:
            for m in range(self.M):
                if kind == "gradient":
                    vec = -self.exp.grad[m].astype(np.float64)
                else:
                    key = next((k for k in VELOCITY_STATES if k in self.exp.state
                                and np.isfinite(self.exp.state[k][m]).any()), None)
                    if key is None:
                        continue
                    vec = -self.exp.state[key][m].astype(np.float64)
                norm = np.linalg.norm(vec / span, axis=-1)
                typical = np.nanpercentile(norm, 90) if np.isfinite(norm).any() else 1.0
                vec = vec / (typical or 1.0) * 0.1
                length = np.linalg.norm(vec / span, axis=-1, keepdims=True)
                vec = np.where(length > 0.25, vec * 0.25 / np.maximum(length, 1e-12), vec)
                q = self.ax.quiver(np.zeros(self.N), np.zeros(self.N), np.zeros(self.N), np.zeros(self.N),
                                   angles="xy", scale_units="xy", scale=1, color=self.colors[m], zorder=7,
                                   width=0.004, headwidth=4, alpha=1.0 if kind == "gradient" else 0.6,
                                   edgecolor=self.style.colors.foreground, linewidth=0.4)
                out.append((q, m, vec))
        return out

    def _make_loss_panel(self):
        c, sc, lax = self.style.colors, self.style.scale, self.lax
        loss = self.exp.loss.astype(np.float64)
        self.loss_curves = np.nanmedian(loss, axis=1) if self.N > 1 else loss[:, 0]  # [M, T]
        finite = self.loss_curves[np.isfinite(self.loss_curves)]
        lo, hi = (finite.min(), finite.max()) if finite.size else (0, 1)
        if lo > 0 and hi / lo > 100:
            lax.set_yscale("log")
            lax.set_ylim(lo / 1.5, hi * 1.5)
        else:
            pad = 0.05 * (hi - lo or 1)
            lax.set_ylim(lo - pad, hi + pad)
        self.every = int(self.exp.meta.get("record_every", 1))   # rows may be records every few steps
        lax.set_xlim(0, self.exp.steps * self.every)
        lax.set_xlabel("step", color=c.foreground, fontsize=10 * sc)
        lax.set_title("median loss" if self.N > 1 else "loss", color=c.foreground, fontsize=11 * sc)
        lax.tick_params(colors=c.muted, labelsize=8 * sc)
        for spine in lax.spines.values():
            spine.set_color(c.muted)
        lax.grid(alpha=0.25)
        self.loss_lines = [lax.plot([], [], color=self.colors[m], lw=1.8 * sc)[0] for m in range(self.M)]
        self.cursor = lax.axvline(0, color=c.muted, lw=1, ls="--")
        return [*self.loss_lines, self.cursor]

    def update(self, s: float):
        k = int(np.floor(s))
        for m in range(self.M):
            pos = self.move_2d(m, s)
            if self.landing is None:
                self.balls[m].set_data(pos[:, 0], pos[:, 1])
            else:
                self.balls[m].set_offsets(pos)
        for q, m, vec in self.quivers:
            pos = interpolate(self.rows[m], s)
            q.set_offsets(pos)
            v = vec[:, min(k, vec.shape[1] - 1)]
            q.set_UVC(v[:, 0], v[:, 1])
        self.counter.set_text(self.counter_text(s))
        if self.lax is not None:
            t = np.arange(k + 1) * self.every
            for m, line in enumerate(self.loss_lines):
                line.set_data(t, self.loss_curves[m, :k + 1])
            self.cursor.set_xdata([s * self.every, s * self.every])
