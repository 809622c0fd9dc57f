"""Static figures: the seed's 3-D surface plot and 2-D map with trajectories drawn as lines with
markers and a legend, saved as PNG, SVG or PDF (atomically)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..data.experiment import Experiment
from ..data.files import atomic_path
from ..errors import OptvizError
from .base import axis_labels, draw_header, surface_cmap
from .geometry import display_z
from .outputs import FIGURE_FORMATS
from .scene2d import draw_map
from .style import Style, optimizer_colors



def draw_curve(ax, x, y, z, plot_3d: bool, cmap, title: str):
    """The seed's plot_curve drawing, on numpy arrays (x, y from meshgrid, z their loss)."""
    if plot_3d:
        ax.plot_surface(x, y, z, cmap=cmap, linewidth=1, color="#0100", antialiased=False, alpha=0.7,
                        rcount=len(z), ccount=len(z[0]))
        ax.view_init(elev=30, azim=75)
        ax.set_zlabel("loss")
    else:
        ax.imshow(z[::-1], cmap=cmap, extent=(x.min(), x.max(), y.min(), y.max()))
    ax.set_title(title)
    ax.set_xlabel(r"$w_1$")
    ax.set_ylabel(r"$w_2$")
    return ax


def _figure(style: Style):
    w, h = style.size
    fig = Figure(figsize=(w / style.dpi, h / style.dpi), dpi=style.dpi, facecolor=style.colors.background)
    FigureCanvasAgg(fig)
    return fig


def trajectory_figure(exp: Experiment, style: Style = Style()) -> Figure:
    """The seed's 2-D figure: the surface map with every trajectory as a line with markers."""
    fig = _figure(style)
    sc = style.scale
    ax = fig.add_axes([0.1, 0.1, 0.87, 0.7])
    draw_map(ax, exp, style)
    colors = optimizer_colors(exp.names)
    small = exp.position.shape[2] > 200 or exp.position.shape[1] > 5
    for m, label in enumerate(exp.labels):
        for n in range(exp.position.shape[1]):
            p = exp.position[m, n]
            ax.plot(p[:, 0], p[:, 1], color=colors[m], marker="o", ms=(2.5 if small else 4.5) * sc ** 0.5,
                    lw=1.2 * sc, alpha=0.9, zorder=4 + m, label=label if n == 0 else None)
    steps = exp.meta.get("training_steps", exp.steps)
    draw_header(fig, exp, style, style.title or f"{exp.meta['surface']['title']}: {steps} steps", 0.865)
    return fig


def surface_figure(exp: Experiment, style: Style = Style()) -> Figure:
    """The seed's 3-D surface figure (its camera: elev 30, azim 75)."""
    fig = _figure(style)
    c, sc = style.colors, style.scale
    ax = fig.add_axes([0.0, 0.0, 1.0, 0.92], projection="3d")
    f, log = display_z(exp)
    X, Y = np.meshgrid(exp.grid_x, exp.grid_y)
    ax.plot_surface(X, Y, f(exp.grid_z), cmap=surface_cmap(style), rcount=100, ccount=100, linewidth=0,
                    antialiased=False, alpha=0.95)
    ax.view_init(elev=style.elev, azim=style.azim)
    ax.set_facecolor(c.background)
    xlabel, ylabel = axis_labels(exp)
    for lab, setter in ((xlabel, ax.set_xlabel), (ylabel, ax.set_ylabel),
                        (r"$\log_{10}$ loss" if log else "loss", ax.set_zlabel)):
        setter(lab, color=c.foreground, fontsize=10 * sc)
    ax.tick_params(colors=c.muted, labelsize=8 * sc)
    fig.text(0.5, 0.95, style.title or exp.meta["surface"]["title"], ha="center", va="center",
             color=c.foreground, fontsize=14 * sc, weight="bold")
    return fig


def line_figure(exp: Experiment, style: Style = Style()) -> Figure:
    """The 1-D profile of a network's train and test loss along the line between two points (Goodfellow
    et al., 2015): alpha 0 at the first point, 1 at the second."""
    if "line_alpha" not in exp.extra:
        raise OptvizError("the line view needs a network's landscape computed with a line (--line A,B)")
    fig = _figure(style)
    c, sc = style.colors, style.scale
    ax = fig.add_axes([0.11, 0.12, 0.85, 0.7])
    alpha = exp.extra["line_alpha"]
    for which, color, ls in (("train", c.foreground, "-"), ("test", "#e4572e", "--")):
        ax.plot(alpha, exp.extra[f"line_{which}_loss"], color=color, ls=ls, lw=2 * sc, label=f"{which} loss")
    ax.set_yscale("log")
    ends = exp.meta["landscape"].get("line") or "the line between two points"
    for a in (0.0, 1.0):
        ax.axvline(a, color=c.muted, lw=1, ls=":")
    ax.set_xlabel("alpha: 0 and 1 are the line's two points", color=c.foreground, fontsize=10 * sc)
    ax.set_ylabel("loss", color=c.foreground, fontsize=10 * sc)
    ax.tick_params(colors=c.muted, labelsize=8.5 * sc)
    ax.set_facecolor(c.background)
    for spine in ax.spines.values():
        spine.set_color(c.muted)
    ax.legend(frameon=False, labelcolor=c.foreground, fontsize=9.5 * sc)
    fig.text(0.5, 0.95, style.title or f"{exp.meta['surface']['task']['title']}: loss along {ends}", ha="center",
             va="center", color=c.foreground, fontsize=12.5 * sc, weight="bold", wrap=True)
    return fig


def save_figure(fig: Figure, path) -> Path:
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower()
    if fmt not in FIGURE_FORMATS:
        raise OptvizError(f"unknown figure format {fmt!r} for {str(path)!r}; choose from: {', '.join(FIGURE_FORMATS)}")
    with atomic_path(path) as tmp:
        # fixed metadata: the same figure gives the same bytes
        meta = {"png": {"Software": None}, "svg": {"Date": None}, "pdf": {"CreationDate": None}}[fmt]
        # an SVG's ids are salted at random unless given a salt
        with rc_context({"svg.hashsalt": "optviz"}):
            fig.savefig(tmp, format=fmt, facecolor=fig.get_facecolor(), metadata=meta)
    return path
