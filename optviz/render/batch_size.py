"""The batch-size chart: test accuracy, final train loss and sharpness against the batch size (log
scale), each batch size's mean over seeds with its confidence interval and every seed as a faint dot."""
from __future__ import annotations

import numpy as np

from ..data.generalization import GeneralizationResult
from .encode import save_figure
from .figures import _figure
from .style import Style, optimizer_colors

PANELS = {"test_acc": "test accuracy", "train_loss": "final train loss",
          "top_eigenvalue": "sharpness: top Hessian eigenvalue", "trace": "Hessian trace"}


def batch_size_figure(result: GeneralizationResult, style: Style = Style(), level: float = 0.95):
    c, sc = style.colors, style.scale
    fig = _figure(style)
    mean, lo, hi = result.summary(level)
    sizes = np.array(result.meta["batch_sizes"], np.float64)
    color = optimizer_colors([result.meta["optimizers"][0]["name"]])[0]
    for i, name in enumerate(PANELS):
        k = result.metrics.index(name)
        row, col = divmod(i, 2)
        ax = fig.add_axes([0.1 + col * 0.47, 0.1 + (1 - row) * 0.38, 0.36, 0.27])
        for b, size in enumerate(sizes):
            seeds = result.values[:, b, k]
            ax.plot(size * np.exp(np.linspace(-0.06, 0.06, len(seeds))), seeds, "o", ms=3.5 * sc ** 0.5,
                    color=color, alpha=0.35, zorder=2)
        ok = np.isfinite(mean[:, k])
        err = np.array([mean[ok, k] - lo[ok, k], hi[ok, k] - mean[ok, k]])
        ax.errorbar(sizes[ok], mean[ok, k], yerr=np.where(np.isfinite(err), err, 0), fmt="o-", ms=6 * sc ** 0.5,
                    color=color, ecolor=c.foreground, elinewidth=1.1 * sc, capsize=4 * sc, lw=1.2 * sc, zorder=3)
        ax.set_xscale("log", base=2)
        ax.set_xticks(sizes, [f"{int(s)}" for s in sizes])
        ax.minorticks_off()
        ax.set_xlabel("batch size", color=c.foreground, fontsize=9 * sc)
        ax.set_title(PANELS[name], color=c.foreground, fontsize=9.5 * sc)
        ax.tick_params(colors=c.muted, labelsize=8 * sc)
        ax.set_facecolor(c.background)
        ax.grid(alpha=0.3)
        for spine in ax.spines.values():
            spine.set_color(c.muted)
    opt = result.meta["optimizers"][0]
    fig.text(0.5, 0.95, style.title or f"Large batches, sharp minima? {result.meta['task']['title']}", ha="center",
             va="center", color=c.foreground, fontsize=13 * sc, weight="bold")
    lrs = ", ".join(f"{int(s)}: {t['chosen']:g}" for s, t in zip(sizes, result.meta["tuning"])) or "as given"
    fig.text(0.5, 0.9, f"{opt['name']}, {len(result.seeds)} seeds, {result.meta['steps']} steps at every size; "
             f"tuned lr by batch size {lrs}; whiskers: {level:.0%} confidence interval",
             ha="center", va="center", color=c.muted, fontsize=8 * sc, wrap=True)
    return fig


def save_batch_size_chart(result: GeneralizationResult, path, style: Style = Style(), level: float = 0.95):
    return save_figure(batch_size_figure(result, style, level), path)
