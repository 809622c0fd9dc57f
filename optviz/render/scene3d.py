"""The animated 3-D view: the shaded surface with a ball per optimizer resting on it (drawn at its loss,
or on the drawn mesh where that is higher, lifted slightly so it is never buried), trails that follow
the surface, legend and step counter.

Balls, trails, exit markers and minima are hidden where the surface is nearer the camera
(`occlusion.Occluder`; `Style(occlude=False)` draws matplotlib's plain over-everything order), or, in
ghost mode (`Style(behind="ghost")`, the default for a slice of a network's landscape, whose paths run
below and above it), drawn faintly and dashed there. They are hidden beyond the view's box too (a box
given to the run, which a path leaves): drawn to its edge and again from where they come back, as the
2-D view's axes clip them.
A fixed camera draws the surface once and blits the moving artists over it; an orbiting camera must
redraw the surface each frame, so its frames are rendered in parallel worker processes.
"""
from __future__ import annotations

import numpy as np

from ..data.experiment import Experiment
from .base import SceneBase, draw_header, surface_cmap, wrapped_axis_labels
from .geometry import BOX_ITERATIONS, beyond_box, bilinear, cut_at_exit, dense_path, display_z, mesh_z, surface_mesh
from .lines3d import draw_lines, fast
from .occlusion import Occluder, visibility
from .style import Style, rgb
from .timeline import Timeline, interpolate

DENSE = 6   # points per step along trails, so they follow the surface between steps
GHOST = 0.35   # opacity of what the surface hides, in ghost mode


def fit_inside(fig, ax, top: float, pad: float = 4.0, tries: int = 8) -> None:
    """Shrink the 3-D axes about their centre until every axis, its name and the tick labels it
    draws, lies inside the figure and below `top` (the header's edge, a fraction of the height): at a
    steep camera a long axis name ("PC 1 (64% of the variance)") or the near axis's numbers otherwise
    run off the bottom edge."""
    renderer = fig.canvas.get_renderer()
    width, height = fig.bbox.width, fig.bbox.height
    for _ in range(tries):
        fig.canvas.draw()
        # an axis's tight box holds the ticks it draws (a 3-D axis keeps stale positions for the
        # others, which its own labels' boxes would count) and its name
        boxes = [b for b in (a.get_tightbbox(renderer) for a in (ax.xaxis, ax.yaxis, ax.zaxis)) if b is not None]
        if all(b.x0 >= pad and b.y0 >= pad and b.x1 <= width - pad and b.y1 <= top * height - pad for b in boxes):
            return
        # shrink the box the axes were given, not the one their aspect drew in: drawing fits the
        # latter inside the former again, and the projection must be the one that is drawn
        x0, y0, w, h = ax.get_position(original=True).bounds
        ax.set_position([x0 + 0.04 * w, y0 + 0.04 * h, 0.92 * w, 0.92 * h], which="original")
    fig.canvas.draw()


class Scene3D(SceneBase):
    def __init__(self, exp: Experiment, style: Style = Style(), timeline: Timeline = Timeline(), cache: bool = False):
        # an orbiting camera draws its static picture every frame: nothing to keep
        super().__init__(exp, style, timeline, cache=cache and style.camera == "fixed")
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
        # the mesh drawn is the mesh occluded with, so draw it at full count (plot_surface resamples
        # to rcount x ccount, default 50x50, otherwise)
        self.mesh = gx, gy, gz = surface_mesh(exp, f, 70)
        X, Y = np.meshgrid(gx, gy)
        ax.plot_surface(X, Y, gz, rcount=len(gy), ccount=len(gx), cmap=surface_cmap(style), linewidth=0,
                        antialiased=False, alpha=1.0 if style.occlude else 0.92, zorder=0)
        self.occluder = None
        (x0, x1), (y0, y1) = exp.box
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        if exp.meta.get("off_surface"):   # the paths' real losses may leave the slice's range
            path = f(exp.loss[np.isfinite(exp.loss)].astype(np.float64))
            zmin, zmax = min(zmin, float(path.min(initial=zmin))), max(zmax, float(path.max(initial=zmax)))
        ax.set_zlim(zmin, zmax + 4 * self.lift)
        ax.view_init(elev=style.elev, azim=style.azim)
        xlabel, ylabel = wrapped_axis_labels(exp, (30, 30))
        ax.set_xlabel(xlabel, color=c.foreground, fontsize=10 * sc)
        ax.set_ylabel(ylabel, color=c.foreground, fontsize=10 * sc)
        ax.set_zlabel(r"$\log_{10}$ loss" if log else "loss", color=c.foreground, fontsize=10 * sc)
        ax.tick_params(colors=c.muted, labelsize=8 * sc)
        for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
            axis.set_pane_color((*rgb(c.background), 0.0))
            axis._axinfo["grid"]["color"] = (*rgb(c.muted), 0.25)
        # the header first: the last drawing fit_inside makes is then the whole static picture, which
        # prepare() keeps instead of drawing it again (the moving artists are added after it)
        draw_header(fig, exp, style, self.title, 0.9, handles=self.legend_handles(), handlelength=1.6)
        if self.static is None:   # else the axes go where the kept picture has them (prepare)
            fit_inside(fig, ax, top=0.86)
        self.stars = []   # (artist, [K, 3] points, radius in pixels): markers that never move
        beyond = beyond_box(exp.box)
        minima = [mn for mn in exp.minima if not beyond(np.array([mn["x"], mn["y"]]))]   # in the view
        if style.show_minima and minima:
            mx, my = np.array([[mn["x"], mn["y"]] for mn in minima]).T
            z = self.rest(f(bilinear(exp.grid_x, exp.grid_y, exp.grid_z, mx, my)), mx, my)
            ms = 12 * sc ** 0.5
            star, = ax.plot(mx, my, z, marker="*", ms=ms, color="#ffd60a", mec=c.foreground, mew=0.7,
                            ls="none", zorder=3)
            star.set_animated(True)   # drawn by draw_static, after the depth buffer exists
            self.stars.append((star, np.column_stack([mx, my, z]), self.radius_px(ms, 0.7)))
        self.counter = fig.text(0.03, 0.05, "", color=c.foreground, fontproperties=self.counter_font(style))

        self.dense = []
        for m in range(self.M):
            d = dense_path(exp, m, DENSE, f)
            for n in np.flatnonzero(exp.diverged_at[m] >= 0):   # drawn to its exit marker, not past the box
                d[n], end = cut_at_exit(d[n], exp.box)
                if end is not None:   # at the marker's height (exit_z)
                    d[n, end, 2] = f(bilinear(exp.grid_x, exp.grid_y, exp.grid_z, d[n, end, :1], d[n, end, 1:2]))[0]
            d[..., 2] = self.rest(d[..., 2], d[..., 0], d[..., 1])
            self.dense.append(d)
        self.rows = [d[:, ::DENSE] for d in self.dense]
        # a path that leaves the view's box: its points beyond it are hidden as the surface hides them
        self.beyond = [beyond(d) for d in self.dense]
        self.leaves = beyond if any(b.any() for b in self.beyond) else None
        self.seen = None
        ms = (3.0 if self.swarm else 10.0) * sc ** 0.5
        lw = (0.8 if self.swarm else 2.2) * sc
        self.bands = self.trail_bands()
        self.trails, self.balls, self.gone, self.ghosts = [], [], [], []
        # what the surface hides is left out, or (a slice of a landscape, by default) drawn faintly
        self.ghost = style.occlude and (style.behind == "ghost" or (style.behind == "auto" and
                                                                     bool(exp.meta.get("off_surface"))))
        for m in range(self.M):
            self.trails.append([ax.plot([], [], [], color=self.colors[m], alpha=alpha, lw=lw * wf, zorder=4)[0]
                                for _, _, alpha, wf in self.bands])
            if self.ghost:
                self.ghosts.append([ax.plot([], [], [], color=self.colors[m], alpha=GHOST * alpha, lw=lw * wf,
                                            ls=(0, (2, 2)), zorder=4)[0] for _, _, alpha, wf in self.bands])
            mew = 1.0 * sc if not self.swarm else 0.0
            ball, = ax.plot([], [], [], ls="none", marker="o", ms=ms, color=self.colors[m],
                            mec=c.background if not self.swarm else "none", mew=mew, zorder=6)
            gone, = ax.plot([], [], [], ls="none", marker="X", ms=ms * 0.9, color=self.colors[m],
                            mec=c.foreground, mew=0.8, zorder=5)
            self.balls.append(ball)
            self.gone.append(gone)
        ex = self.exits
        self.exit_z = self.rest(f(bilinear(exp.grid_x, exp.grid_y, exp.grid_z, ex[..., 0], ex[..., 1])),
                                ex[..., 0], ex[..., 1])
        self.ball_radius = self.radius_px(ms, mew)
        self.line_px = lw * style.dpi / 144   # half the widest trail, in pixels
        self.gone_radius = self.radius_px(ms * 0.9, 0.8)
        self.lines = [line for band in self.trails + self.ghosts for line in band]
        for line in (*self.lines, *self.balls, *self.gone):
            fast(line)
        self.animated = [*self.lines, *self.gone, *self.balls, self.counter]
        if style.camera == "fixed":
            self.prepare(drawn=True)

    def rest(self, z: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Drawn height of something resting on the surface at (x, y) whose loss maps to height z: on
        top of the drawn mesh where the mesh is higher (a narrow valley the mesh cannot resolve), lifted.
        On a slice of a higher-dimensional landscape the loss is the truth, wherever the slice is."""
        if self.exp.meta.get("off_surface"):
            return z + self.lift
        return np.fmax(z, mesh_z(*self.mesh, x, y)) + self.lift

    def radius_px(self, ms: float, mew: float) -> float:
        """Pixel radius of a marker of size ms and edge width mew (points), with its anti-aliased rim."""
        return (ms + mew) / 2 * self.style.dpi / 72 + 1.0

    # ---- the frame loop: static picture, then lines, then markers, each hidden where the surface hides it
    def draw_static(self, drawn: bool = False):
        """The surface and axes, then (for this camera) the depth buffer and the minima, which never
        move but can be hidden."""
        super().draw_static(drawn)
        self.occlude()
        self.draw_markers(self.stars)

    def occlude(self, depth=None):
        """The depth buffer for this camera (drawn, or `depth` kept with the static picture) and which
        points of the trails it hides."""
        if self.style.occlude:
            self.occluder = occ = Occluder(self.ax, self.mesh, (self.size[1], self.size[0]), depth=depth)
            # trails are fixed paths: find once per camera which points hide and where they cross
            if self.leaves is None:
                self.seen = [occ.visibility(d, slack_px=self.line_px) for d in self.dense]
            else:
                self.seen = [visibility(d, lambda q: occ.hidden(q, self.line_px) | self.leaves(q), BOX_ITERATIONS)
                             for d in self.dense]
        elif self.leaves is not None:
            self.seen = [visibility(d, self.leaves, BOX_ITERATIONS) for d in self.dense]

    def static_arrays(self) -> dict:
        return {} if self.occluder is None else {"depth": self.occluder.depth}

    def restore_static(self):
        super().restore_static()
        self.occlude(self.static.get("depth"))

    def draw_markers(self, markers):
        """Draw point markers [(artist, [K, 3] points, radius px)], then put back the picture under
        the pixels where the surface is nearer than the marker (unless another marker shows there), or
        in ghost mode blend it back, so a marker under the surface shows faintly through it."""
        markers = [(a, xyz, r) for a, xyz, r in markers if len(xyz) and np.isfinite(xyz).all(1).any()]
        keep = None
        if self.occluder is not None and markers:
            pixels = [self.occluder.sprite_pixels(xyz, r) for _, xyz, r in markers]
            hidden = np.concatenate([h for h, _ in pixels])
            if len(hidden):
                keep = np.setdiff1d(hidden, np.concatenate([v for _, v in pixels]))
        buf = np.asarray(self.canvas.buffer_rgba()).reshape(-1, 4)
        under = buf[keep] if keep is not None else None
        for artist, _, _ in markers:
            self.ax.draw_artist(artist)
        if under is not None:
            buf[keep] = (under * (1 - GHOST) + buf[keep] * GHOST).round().astype(np.uint8) if self.ghost else under

    def render(self, i: int) -> np.ndarray:
        """Frame i as a uint8 RGBA array [H, W, 4]."""
        if self.style.camera == "fixed":
            self.canvas.restore_region(self.background)
        else:   # the surface moves: draw the static picture (and the depth buffer) for this camera
            n = max(self.n_frames - 1, 1)
            self.ax.view_init(elev=self.style.elev, azim=self.style.azim + self.style.orbit * i / n)
            self.draw_static()
        self.update(float(self.frame_steps[i]))
        draw_lines(self.canvas.get_renderer(), self.lines)
        self.draw_markers([*((g, xyz, self.gone_radius) for g, xyz in zip(self.gone, self.gone_xyz)),
                           *((b, xyz, self.ball_radius) for b, xyz in zip(self.balls, self.ball_xyz))])
        self.fig.draw_artist(self.counter)
        return np.array(self.canvas.buffer_rgba())

    def frame_keys(self):
        return self.frame_steps if self.style.camera == "fixed" else None

    def update(self, s: float):
        self.ball_xyz, self.gone_xyz = [], []
        for m in range(self.M):
            for line, (lo, hi, _, _) in zip(self.trails[m], self.bands):
                path = self.band_path(self.dense[m], s * DENSE, lo * DENSE, None if hi is None else hi * DENSE,
                                      None if self.seen is None else self.seen[m])
                line.set_data_3d(path[:, 0], path[:, 1], path[:, 2])
            if self.ghost:   # the hidden parts: the same cut with visibility inverted
                hid, cross, tc = self.seen[m]
                hid = hid if self.leaves is None else hid & ~self.beyond[m]   # nor beyond the view
                for line, (lo, hi, _, _) in zip(self.ghosts[m], self.bands):
                    path = self.band_path(self.dense[m], s * DENSE, lo * DENSE, None if hi is None else hi * DENSE,
                                          (~hid, cross, tc))
                    line.set_data_3d(path[:, 0], path[:, 1], path[:, 2])
            # between steps the ball follows the surface-hugging path, as its trail does
            pos = interpolate(self.dense[m], s * DENSE)
            d = self.exp.diverged_at[m]
            gone = (d >= 0) & (s >= d - 1)
            out = self.leaves(pos) if self.leaves is not None else False   # beyond the view: not drawn
            pos = np.where((gone | out)[:, None], np.nan, pos)
            self.balls[m].set_data_3d(pos[:, 0], pos[:, 1], pos[:, 2])
            ex = np.column_stack([self.exits[m][gone], self.exit_z[m][gone]])
            self.gone[m].set_data_3d(ex[:, 0], ex[:, 1], ex[:, 2])
            self.ball_xyz.append(pos)
            self.gone_xyz.append(ex)
        self.counter.set_text(self.counter_text(s))

    def hidden_share(self) -> list[float]:
        """Per optimizer, the share of its drawn path hidden behind the surface from this (fixed)
        camera; zeros without occlusion."""
        if self.occluder is None:
            return [0.0] * self.M
        shares = []
        for (hid, _, _), d, out in zip(self.seen, self.dense, self.beyond):
            drawn = np.isfinite(d).all(-1) & ~out   # of what is in the view
            shares.append(float(hid[drawn].mean()) if drawn.any() else 0.0)
        return shares
