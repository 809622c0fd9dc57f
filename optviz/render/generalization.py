"""The generalization chart: one panel per metric (train loss, test loss, test accuracy, sharpness at the
end and at a common train loss), at most four to a row, each optimizer's mean over seeds with its
confidence interval, and every seed's value as a faint dot."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..data.generalization import METRICS, GeneralizationResult
from .encode import save_figure
from .figures import _figure
from .figures import save_figure as save_vector
from .style import Style, optimizer_colors


def generalization_figure(result: GeneralizationResult, style: Style = Style(), level: float = 0.95):
    c, sc = style.colors, style.scale
    fig = _figure(style)
    mean, lo, hi = result.summary(level)
    M, K = mean.shape
    colors = optimizer_colors([o["name"] for o in result.meta["optimizers"]])
    per_row = min(K, 4)
    rows = -(-K // per_row)
    width, height = 0.86 / per_row, 0.68 / rows
    for k, name in enumerate(result.metrics):
        row, col = divmod(k, per_row)
        bottom = 0.1 + (rows - 1 - row) * height
        ax = fig.add_axes([0.07 + col * width + 0.012, bottom + (0.07 if rows > 1 else 0), width - 0.05,
                           height - (0.17 if rows > 1 else 0.06)])
        for m in range(M):
            seeds = result.values[:, m, k]
            ax.plot(np.full(len(seeds), m) + np.linspace(-0.12, 0.12, len(seeds)), seeds, "o", ms=3.5 * sc ** 0.5,
                    color=colors[m], alpha=0.35, zorder=2)
            if np.isfinite(mean[m, k]):
                err = None if not np.isfinite(lo[m, k]) else [[mean[m, k] - lo[m, k]], [hi[m, k] - mean[m, k]]]
                ax.errorbar([m], [mean[m, k]], yerr=err, fmt="o", ms=7 * sc ** 0.5, color=colors[m],
                            ecolor=c.foreground, elinewidth=1.2 * sc, capsize=4 * sc, zorder=3)
        ax.set_xlim(-0.6, M - 0.4)
        ax.set_xticks(range(M), [result.meta["optimizers"][m]["title"] for m in range(M)], rotation=30,
                      ha="right", color=c.foreground, fontsize=(8 if rows == 1 else 7) * sc)
        ax.set_title(METRICS.get(name, name).replace(": ", "\n"), color=c.foreground, fontsize=9 * sc)
        ax.tick_params(colors=c.muted, labelsize=7.5 * sc)
        ax.set_facecolor(c.background)
        ax.grid(axis="y", alpha=0.3)
        for spine in ax.spines.values():
            spine.set_color(c.muted)
    fig.text(0.5, 0.95, style.title or f"Why not always Adam? {result.meta['task']['title']}", ha="center",
             va="center", color=c.foreground, fontsize=13 * sc, weight="bold")
    fig.text(0.5, 0.895, f"{len(result.seeds)} seeds, {result.meta['steps']} steps, mini-batches of "
             f"{result.meta['batch_size']}; dots: seeds; whiskers: {level:.0%} confidence interval of the mean",
             ha="center", va="center", color=c.muted, fontsize=8.5 * sc)
    settings = "; ".join(result.labels)
    fig.text(0.5, 0.855, settings, ha="center", va="center", color=c.muted, fontsize=7.5 * sc, wrap=True)
    return fig


def save_generalization_chart(result: GeneralizationResult, path, style: Style = Style(), level: float = 0.95):
    """The chart as the file `path` names: PNG (written as optviz writes every frame), SVG or PDF."""
    fig = generalization_figure(result, style, level)
    return save_figure(fig, path) if Path(path).suffix.lower() == ".png" else save_vector(fig, path)
