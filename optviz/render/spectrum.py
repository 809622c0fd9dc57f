"""The Hessian's spectrum chart: each optimizer's eigenvalue density where it ended (stochastic Lanczos
quadrature, on a log scale as PyHessian draws it), and beside it the power iteration's estimate of
the top eigenvalue at each iteration, so a reader sees how many it took to settle."""
from __future__ import annotations

import textwrap

import numpy as np

from ..data.spectrum import Spectrum
from .encode import save_figure
from .figures import _figure
from .style import Style, optimizer_colors


def spectrum_figure(spec: Spectrum, names: list[str], titles: list[str], style: Style = Style(), title: str = ""):
    c, sc = style.colors, style.scale
    fig = _figure(style)
    colors = optimizer_colors(names)
    finite = spec.nodes[np.isfinite(spec.weights)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    span = max(hi - lo, 1e-12)
    grid = np.linspace(lo - 0.08 * span, hi + 0.08 * span, 1200)
    sigma = 0.01 * span
    left = fig.add_axes([0.09, 0.12, 0.5, 0.6])
    right = fig.add_axes([0.69, 0.12, 0.28, 0.6])
    rhos = [spec.density(m, grid, sigma) for m in range(len(spec.labels))]
    drawn = [r for r in rhos if np.isfinite(r).all()]
    same = len(drawn) > 1 and all(np.allclose(r, drawn[0], rtol=1e-4, atol=1e-9 * drawn[0].max()) for r in drawn)
    for m, label in enumerate(spec.labels):
        rho = rhos[m]
        if np.isfinite(rho).all():
            left.semilogy(grid, np.maximum(rho, 1e-12), color=colors[m], lw=1.6 * sc, label=titles[m])
        p = spec.power[m][np.isfinite(spec.power[m])]
        if len(p):
            right.plot(np.arange(1, len(p) + 1), p, color=colors[m], lw=1.4 * sc)
            right.plot([len(p)], [p[-1]], "o", color=colors[m], ms=5 * sc ** 0.5)
    left.set_ylim(1e-6, None)
    left.set_xlabel("eigenvalue of the train loss's Hessian", color=c.foreground, fontsize=10 * sc)
    left.set_ylabel("density (log scale)", color=c.foreground, fontsize=10 * sc)
    left.set_title(f"spectrum where each ended ({spec.meta['vectors']} vectors x {spec.meta['steps']} Lanczos steps)",
                   color=c.foreground, fontsize=9 * sc)
    right.set_xlabel("power iterations", color=c.foreground, fontsize=10 * sc)
    right.set_ylabel("top eigenvalue estimate", color=c.foreground, fontsize=10 * sc)
    right.set_title("its convergence (dot: where it stopped)", color=c.foreground, fontsize=9 * sc)
    right.set_xscale("log")
    for ax in (left, right):
        ax.set_facecolor(c.background)
        ax.tick_params(colors=c.muted, labelsize=8 * sc)
        ax.grid(alpha=0.3)
        for spine in ax.spines.values():
            spine.set_color(c.muted)
    left.legend(loc="upper center", bbox_to_anchor=(0.8, 1.3), ncol=3, frameon=False, fontsize=8 * sc,
                labelcolor=c.foreground)
    fig.text(0.5, 0.955, "The Hessian where each optimizer ended", ha="center", va="center",
             color=c.foreground, fontsize=13 * sc, weight="bold")
    note = "; one curve for all: a quadratic loss has the same Hessian everywhere" if same else ""
    fig.text(0.5, 0.905, "\n".join(textwrap.wrap((title or spec.meta.get("task", "")) + note, 100)), ha="center",
             va="center", color=c.muted, fontsize=8.5 * sc)
    return fig


def save_spectrum_chart(spec: Spectrum, path, names: list[str], titles: list[str], style: Style = Style(),
                        title: str = ""):
    return save_figure(spectrum_figure(spec, names, titles, style, title), path)
