"""Pictures of trainability maps: a still image per map and an animation zooming into the boundary
between hyperparameters that train and those that diverge.

Colours (after Sohl-Dickstein, "The boundary of neural network trainability is fractal", 2024): blue
where a run converged, shaded by its mean loss (darker: got there faster); red where it diverged,
shaded by how soon (brighter: sooner); grey-green where it stayed bounded without reaching a minimum,
shaded by its final loss.
"""
from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

from ..data.files import atomic_path
from ..data.trainability import TrainabilityMap
from .style import Style

CONVERGED = ("#0b1d51", "#9ecae1")   # dark -> light blue
DIVERGED = ("#fcbba1", "#99000d")    # light -> dark red (late -> early)
NEITHER = ("#2f3e36", "#c7d3c0")


def _ramp(colors, u):
    a, b = (np.array(to_rgb(c)) for c in colors)
    u = np.clip(np.nan_to_num(u, nan=0.5), 0, 1)[..., None]
    return a * (1 - u) + b * u


def _rank(values, mask):
    """Values under `mask` mapped to [0, 1] on a log scale between their 1st and 99th percentiles."""
    out = np.zeros(values.shape)
    v = values[mask]
    if v.size:
        v = np.log10(np.maximum(v - np.nanmin(v), 0) + 1e-12 + 1e-6 * (np.nanmax(v) - np.nanmin(v)))
        lo, hi = np.nanpercentile(v, 1), np.nanpercentile(v, 99)
        out[mask] = (v - lo) / (hi - lo) if hi > lo else 0.5
    return out


def map_rgb(m: TrainabilityMap, f: int = 0) -> np.ndarray:
    """[H, W, 3] float colours of frame f (row 0 = the lowest y value)."""
    o = m.outcome[f]
    rgb = np.zeros(o.shape + (3,))
    conv, div, nei = o == 0, o == 1, o == 2
    rgb[conv] = _ramp(CONVERGED, _rank(m.mean_loss[f], conv))[conv]
    steps = m.meta["steps"]
    early = 1 - np.log1p(np.maximum(m.diverged_at[f], 0)) / np.log1p(steps)
    rgb[div] = _ramp(DIVERGED, early)[div]
    rgb[nei] = _ramp(NEITHER, _rank(m.final_loss[f], nei))[nei]
    return rgb


def _axis_coords(axis: dict, values: np.ndarray) -> np.ndarray:
    return np.log10(values) if axis["scale"] == "log" else values


def _ticks(ax_axis, axis: dict, lo: float, hi: float):
    """Log axes (drawn in log10 coordinates) get ticks at 1, 2, 5 x 10^k when they span decades."""
    if axis["scale"] != "log":
        ax_axis.set_major_locator(MaxNLocator(6))
        ax_axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.6g}"))
        return
    if hi - lo >= 1.2:
        marks = [np.log10(k) + e for e in range(int(np.floor(lo)), int(np.ceil(hi)) + 1)
                 for k in ((1,) if hi - lo > 3 else (1, 2, 5))]
        ax_axis.set_major_locator(FixedLocator([v for v in marks if lo <= v <= hi]))
    else:
        ax_axis.set_major_locator(MaxNLocator(5))
    ax_axis.set_major_formatter(FuncFormatter(lambda v, _: f"{10 ** v:.4g}"))


def theory_boundary(m: TrainabilityMap):
    """The closed-form stability limit on a quadratic surface, as (x values, y values) or None:
    gradient descent diverges for lr > 2/L, torch's heavy ball for lr > 2(1+mu)/L, and the seed's EMA
    momentum for lr (1-mu) > 2(1+mu)/L, L the largest Hessian eigenvalue."""
    hess = m.meta["surface"].get("hessian")
    names = {m.meta["x"]["name"], m.meta["y"]["name"]}
    opt = m.meta["optimizer"]
    if hess is None or names != {"lr", "momentum"} or opt not in ("torch-momentum", "momentum"):
        return None
    L = float(np.linalg.eigvalsh(np.array(hess, dtype=float)).max())
    mu = np.linspace(0, 0.999, 200)
    lr = 2 * (1 + mu) / L / ((1 - mu) if opt == "momentum" else 1)
    return (lr, mu) if m.meta["x"]["name"] == "lr" else (mu, lr)


class MapFigure:
    """One figure drawing any frame of a map: built once, each frame sets the image and the limits."""

    def __init__(self, m: TrainabilityMap, style: Style = Style(), title: str | None = None):
        self.m, self.style = m, style
        c, sc = style.colors, style.scale
        w, h = style.size
        self.fig = Figure(figsize=(w / style.dpi, h / style.dpi), dpi=style.dpi, facecolor=c.background)
        self.canvas = FigureCanvasAgg(self.fig)
        ax = self.ax = self.fig.add_axes([0.13, 0.12, 0.60, 0.74])  # room for the y label
        self.image = ax.imshow(np.zeros((2, 2, 3)), origin="lower", aspect="auto", interpolation="nearest")
        xa, ya = m.meta["x"], m.meta["y"]
        ax.set_xlabel(xa["name"] + (" (log scale)" if xa["scale"] == "log" else ""), color=c.foreground,
                      fontsize=11 * sc)
        ax.set_ylabel(ya["name"] + (" (log scale)" if ya["scale"] == "log" else ""), color=c.foreground,
                      fontsize=11 * sc)
        ax.tick_params(colors=c.muted, labelsize=8.5 * sc)
        theory = theory_boundary(m)
        handles = [Patch(color=CONVERGED[0], label="converged\n(darker: lower mean loss)"),
                   Patch(color=DIVERGED[1], label="diverged\n(darker: sooner)"),
                   Patch(color=NEITHER[1], label="bounded, not (yet)\nat a minimum")]
        if theory is not None:
            tx, ty = theory
            self.theory, = ax.plot(_axis_coords(xa, tx), _axis_coords(ya, ty), color="#ffd60a", lw=1.6 * sc,
                                   ls="--")
            handles.append(self.theory)
            self.theory.set_label("stability limit\n(closed form)")
        self.fig.legend(handles=handles, loc="center left", bbox_to_anchor=(0.745, 0.55), frameon=False,
                        labelcolor=c.foreground, fontsize=8.5 * sc)
        meta = m.meta
        axes = {xa["name"], ya["name"]} | ({"lr"} if {"lr_x", "lr_y"} <= {xa["name"], ya["name"]} else set())
        hp = ", ".join(f"{k}={v:g}" for k, v in meta["hyperparameters"].items()
                       if k not in axes and isinstance(v, (int, float)))
        name = meta.get("optimizer_title", meta["optimizer"])
        self.fig.text(0.5, 0.955, title or f"Trainability of {name} on {meta['surface']['title']}",
                      ha="center", va="center", color=c.foreground, fontsize=13 * sc, weight="bold")
        self.fig.text(0.5, 0.905, f"{meta['steps']} steps from ({meta['start'][0]:g}, {meta['start'][1]:g})"
                      + (f"; {hp}" if hp else ""), ha="center", va="center", color=c.muted, fontsize=9.5 * sc)
        self.zoom = self.fig.text(0.745, 0.2, "", color=c.foreground, fontsize=10 * sc, family="monospace")

    def draw(self, f: int) -> np.ndarray:
        m, ax = self.m, self.ax
        xa, ya = m.meta["x"], m.meta["y"]
        x, y = _axis_coords(xa, m.x_values[f]), _axis_coords(ya, m.y_values[f])
        dx, dy = (x[-1] - x[0]) / (len(x) - 1) / 2, (y[-1] - y[0]) / (len(y) - 1) / 2
        self.image.set_data(map_rgb(m, f))
        self.image.set_extent((x[0] - dx, x[-1] + dx, y[0] - dy, y[-1] + dy))
        ax.set_xlim(x[0] - dx, x[-1] + dx)
        ax.set_ylim(y[0] - dy, y[-1] + dy)
        _ticks(ax.xaxis, xa, x[0], x[-1])
        _ticks(ax.yaxis, ya, y[0], y[-1])
        frac = m.meta["windows"][f][2] if "windows" in m.meta else 1.0
        self.zoom.set_text(f"zoom x{1 / frac:,.0f}" if frac < 1 else "")
        self.canvas.draw()
        return np.array(self.canvas.buffer_rgba())


class ZoomScene:
    """The scene protocol of `encode.write_animation`: frame i draws map frame i."""

    background_rgba = None

    def __init__(self, m: TrainabilityMap, style: Style = Style(), hold_frames: int = 0, title=None):
        self.figure = MapFigure(m, style, title)
        self.F = m.diverged_at.shape[0]
        self.n_frames = self.F + hold_frames
        self.size = style.size
        self.title = title or "trainability map"

    def frame_keys(self):
        return [min(i, self.F - 1) for i in range(self.n_frames)]

    def render(self, i: int) -> np.ndarray:
        return self.figure.draw(min(i, self.F - 1))


def save_map_png(m: TrainabilityMap, path, style: Style = Style(), f: int = 0, title=None):
    from .encode import write_png
    with atomic_path(path, ".png") as tmp:
        write_png(tmp, MapFigure(m, style, title).draw(f))
    return path
