"""The landing chart: for each optimizer, the share of runs ending in each minimum, in neither, or
diverging, as grouped bars with confidence-interval whiskers over seeds."""
from __future__ import annotations

import numpy as np

from ..data.landing import LandingResult
from .encode import save_figure
from .figures import _figure
from .style import Style, optimizer_colors


def landing_figure(result: LandingResult, style: Style = Style(), level: float = 0.95):
    c, sc = style.colors, style.scale
    fig = _figure(style)
    mean, lo, hi = result.summary(level)
    M, K = mean.shape
    # the legend sits between the subtitle and the bars (inside the axes it covered the tallest ones)
    cols = M if sum(len(label) for label in result.labels) < 70 else 1
    rows = -(-M // cols)
    ax = fig.add_axes([0.1, 0.1, 0.86, 0.74 - 0.045 * rows])
    names = [o["name"] for o in result.meta["optimizers"]]
    colors = optimizer_colors(names)
    width = 0.8 / M
    x = np.arange(K)
    for m in range(M):
        xs = x - 0.4 + width * (m + 0.5)
        ax.bar(xs, 100 * mean[m], width * 0.92, color=colors[m], label=result.labels[m], zorder=2)
        ax.errorbar(xs, 100 * mean[m], yerr=[100 * (mean[m] - lo[m]), 100 * (hi[m] - mean[m])], fmt="none",
                    ecolor=c.foreground, elinewidth=1.2 * sc, capsize=4 * sc, zorder=3)
        for xi, v, h in zip(xs, mean[m], hi[m]):
            ax.text(xi, 100 * h + 1.5, f"{100 * v:.0f}%", ha="center", va="bottom", color=c.foreground,
                    fontsize=8.5 * sc)
    ax.set_xticks(x, [k if k in ("neither", "diverged") else f"{k} minimum" for k in result.categories],
                  color=c.foreground, fontsize=10 * sc)
    ax.set_ylabel("runs ending there (%)", color=c.foreground, fontsize=10 * sc)
    ax.set_ylim(0, 112)
    ax.tick_params(colors=c.muted, labelsize=9 * sc)
    ax.grid(axis="y", alpha=0.3, zorder=0)
    ax.set_facecolor(c.background)
    for spine in ax.spines.values():
        spine.set_color(c.muted)
    fig.legend(*ax.get_legend_handles_labels(), frameon=False, labelcolor=c.foreground, fontsize=9.5 * sc,
               loc="upper center", bbox_to_anchor=(0.5, 0.875), ncol=cols)
    fig.text(0.5, 0.95, style.title or f"Where runs land: {result.meta['surface']['title']}", ha="center",
             va="center", color=c.foreground, fontsize=13 * sc, weight="bold")
    fig.text(0.5, 0.895, f"{len(result.seeds)} seeds x {result.starts_per_seed} random starts, "
             f"{result.meta['steps']} steps; whiskers: {level:.0%} confidence interval over seeds",
             ha="center", va="center", color=c.muted, fontsize=9 * sc)
    return fig


def save_landing_chart(result: LandingResult, path, style: Style = Style(), level: float = 0.95):
    return save_figure(landing_figure(result, style, level), path)
