"""The animated 3-D view: the shaded surface with a ball per optimizer resting on it (drawn at its loss,
lifted slightly so it is never buried), trails that follow the surface, legend and step counter.

A fixed camera draws the surface once and blits the moving artists over it; an orbiting camera must
redraw everything each frame, so its frames are rendered in parallel worker processes.
"""
from __future__ import annotations

import numpy as np

from ..experiment import Experiment
from .base import SceneBase, surface_cmap
from .geometry import bilinear, dense_path, display_z
from .style import Style
from .timeline import Timeline, interpolate

DENSE = 6   # points per step along trails, so they follow the surface between steps


class Scene3D(SceneBase):
    def __init__(self, exp: Experiment, style: Style = Style(), timeline: Timeline = Timeline()):
        super().__init__(exp, style, timeline)
        c, sc, fig = style.colors, style.scale, self.fig
        ax = fig.add_axes([0.0, 0.0, 1.0, 0.86], projection="3d", computed_zorder=False)
        self.ax = ax
        ax.set_facecolor(c.background)
        f, log = display_z(exp)
        self.zf = f
        zg = f(exp.grid_z)
        self.zgrid = zg
        zmin, zmax = np.nanmin(zg), np.nanmax(zg)
        self.lift = 0.02 * (zmax - zmin or 1.0)
        X, Y = np.meshgrid(exp.grid_x, exp.grid_y)
        # rcount/ccount: plot_surface silently drops to 50x50 otherwise
        ax.plot_surface(X, Y, zg, rcount=70, ccount=70, cmap=surface_cmap(style), linewidth=0,
                        antialiased=False, alpha=0.92, zorder=0)
        (x0, x1), (y0, y1) = exp.box
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_zlim(zmin, zmax + 4 * self.lift)
        ax.view_init(elev=style.elev, azim=style.azim)
        ax.set_xlabel(r"$w_1$", color=c.foreground, fontsize=10 * sc)
        ax.set_ylabel(r"$w_2$", color=c.foreground, fontsize=10 * sc)
        ax.set_zlabel(r"$\log_{10}$ loss" if log else "loss", color=c.foreground, fontsize=10 * sc)
        ax.tick_params(colors=c.muted, labelsize=8 * sc)
        for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
            axis.set_pane_color((*_rgb(c.background), 0.0))
            axis._axinfo["grid"]["color"] = (*_rgb(c.muted), 0.25)
        if style.show_minima:
            for mn in exp.minima:
                z = float(f(bilinear(exp.grid_x, exp.grid_y, exp.grid_z, np.array([mn["x"]]), np.array([mn["y"]]))[0]))
                ax.plot([mn["x"]], [mn["y"]], [z + self.lift], marker="*", ms=12 * sc ** 0.5, color="#ffd60a",
                        mec=c.foreground, mew=0.7, ls="none", zorder=3)
        fig.text(0.5, 0.96, self.title, ha="center", va="center", color=c.foreground, fontsize=14 * sc,
                 weight="bold")
        handles = self.legend_handles()
        fig.legend(handles=handles, loc="center", bbox_to_anchor=(0.5, 0.9), ncol=min(len(handles), 3),
                   fontsize=9.5 * sc, frameon=False, labelcolor=c.foreground, handlelength=1.6)
        self.counter = fig.text(0.03, 0.05, "", color=c.foreground, fontsize=11 * sc, family="monospace")

        self.dense = [dense_path(exp, m, DENSE, f) + [0.0, 0.0, self.lift] for m in range(self.M)]
        self.rows = [np.concatenate([exp.position[m].astype(np.float64),
                                     f(exp.loss[m].astype(np.float64))[..., None] + self.lift], axis=-1)
                     for m in range(self.M)]
        ms = (3.0 if self.swarm else 10.0) * sc ** 0.5
        lw = (0.8 if self.swarm else 2.2) * sc
        self.bands = self.trail_bands()
        self.trails, self.balls, self.gone = [], [], []
        for m in range(self.M):
            self.trails.append([ax.plot([], [], [], color=self.colors[m], alpha=alpha, lw=lw * wf, zorder=4)[0]
                                for _, _, alpha, wf in self.bands])
            ball, = ax.plot([], [], [], ls="none", marker="o", ms=ms, color=self.colors[m],
                            mec=c.background if not self.swarm else "none", mew=1.0 * sc, zorder=6)
            gone, = ax.plot([], [], [], ls="none", marker="X", ms=ms * 0.9, color=self.colors[m],
                            mec=c.foreground, mew=0.8, zorder=5)
            self.balls.append(ball)
            self.gone.append(gone)
        ex = self.exits
        self.exit_z = f(bilinear(exp.grid_x, exp.grid_y, exp.grid_z, ex[..., 0], ex[..., 1])) + self.lift
        self.animated = [*(line for band in self.trails for line in band), *self.gone, *self.balls, self.counter]
        if style.camera == "fixed":
            self.prepare()

    def frame_keys(self):
        return self.frame_steps if self.style.camera == "fixed" else None

    def render(self, i: int) -> np.ndarray:
        if self.style.camera == "fixed":
            return super().render(i)
        n = max(self.n_frames - 1, 1)
        self.ax.view_init(elev=self.style.elev, azim=self.style.azim + self.style.orbit * i / n)
        self.update(float(self.frame_steps[i]))
        self.canvas.draw()
        return np.array(self.canvas.buffer_rgba())

    def update(self, s: float):
        for m in range(self.M):
            for line, (lo, hi, _, _) in zip(self.trails[m], self.bands):
                path = self.band_path(self.dense[m], s * DENSE, lo * DENSE, None if hi is None else hi * DENSE)
                line.set_data_3d(path[:, 0], path[:, 1], path[:, 2])
            pos = interpolate(self.rows[m], s)
            d = self.exp.diverged_at[m]
            gone = (d >= 0) & (s >= d - 1)
            pos = np.where(gone[:, None], np.nan, pos)
            self.balls[m].set_data_3d(pos[:, 0], pos[:, 1], pos[:, 2])
            ex = self.exits[m][gone]
            self.gone[m].set_data_3d(ex[:, 0], ex[:, 1], self.exit_z[m][gone])
        self.counter.set_text(self.counter_text(s))


def _rgb(hex_color: str):
    return tuple(int(hex_color[i:i + 2], 16) / 255 for i in (1, 3, 5))
