"""Notebooks: where a torch run meets a picture in a Jupyter cell.

- `plot_curve(...)`: the blog post's plot of a surface function, as it works there.
- `animate(...)`: an `Animation` holding the encoded video, shown inline through `_repr_html_` (a
  looping <video> with the MP4 embedded, or an <img> with the GIF).
- `explore(...)`: the interactive page (click to start, sliders, runs computed live) inline, in an
  <iframe> holding the page itself (no server, no widget library).
- The inline display of the data objects: this module is the only place that teaches them to draw
  themselves (an `Experiment` left as a cell's value shows its map and a summary); `optviz` imports it.

May import: optviz.errors, optviz.data, optviz.core, optviz.render (each when called); third-party:
numpy, torch, matplotlib.
"""
from __future__ import annotations

import base64
import html
import io
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .data.experiment import Experiment
from .data.files import atomic_path, human_size
from .errors import OptvizError

MIME = {"mp4": "video/mp4", "webm": "video/webm", "gif": "image/gif"}


@dataclass
class Animation:
    """Encoded animation bytes that display inline in Jupyter and can be saved."""
    data: bytes
    format: str
    width: int
    height: int
    title: str = ""

    def __repr__(self) -> str:   # one line: the default would print every byte of the video
        return f"Animation({self.format}, {self.width}x{self.height}, {human_size(len(self.data))}: {self.title!r})"

    def _repr_html_(self) -> str:
        src = f"data:{MIME[self.format]};base64,{base64.b64encode(self.data).decode()}"
        alt = html.escape(self.title, quote=True)
        if self.format == "gif":
            return f'<img src="{src}" width="{self.width}" height="{self.height}" alt="{alt}"/>'
        return (f'<video width="{self.width}" height="{self.height}" autoplay loop muted playsinline controls '
                f'title="{alt}" src="{src}"></video>')

    def save(self, path) -> Path:
        path = Path(path)
        if path.suffix.lstrip(".").lower() != self.format:
            raise OptvizError(f"this animation is {self.format}; save it as .{self.format}, not {path.name!r}")
        with atomic_path(path) as tmp:
            tmp.write_bytes(self.data)
        return path


def animate(experiment=None, *, view: str = "2d", format: str = "mp4", style=None, timeline=None,
            workers: int | None = None, **run) -> Animation:
    """Render an experiment (or simulate one from `run`: surface=, optimizers=, starts=, steps=, ...)
    and return an Animation that shows itself inline in a notebook.

        optviz.animate(surface="pathological", optimizers=["sgd:lr=10", "adam:lr=1"], steps=50)
    """
    from .render.animate import render
    from .render.style import Style
    from .render.timeline import Timeline

    if format not in MIME:
        raise OptvizError(f"unknown notebook format {format!r}; choose from: {', '.join(MIME)}")
    if experiment is None:
        from .core.engine import simulate
        experiment = simulate(**run)
    elif run:
        raise OptvizError(f"give an experiment or run settings, not both (got {', '.join(run)})")
    style = style or Style()
    with tempfile.TemporaryDirectory() as tmp:
        path = render(experiment, Path(tmp) / f"animation.{format}", view=view, style=style,
                      timeline=timeline or Timeline(hold=1.0), workers=workers)
        data = path.read_bytes()
    w, h = style.size
    return Animation(data, format, w, h, experiment.meta["surface"]["title"])


@dataclass
class Page:
    """The interactive page's HTML, shown inline in Jupyter (an iframe) and saved as a file."""
    html: str
    title: str
    width: int = 1000
    height: int = 880

    def __repr__(self) -> str:
        return f"Page(interactive, {human_size(len(self.html.encode()))}: {self.title!r})"

    def _repr_html_(self) -> str:
        # srcdoc keeps the page self-contained; scripts run, but it cannot reach the notebook's origin
        return (f'<iframe srcdoc="{html.escape(self.html, quote=True)}" width="{self.width}" height="{self.height}" '
                f'sandbox="allow-scripts" style="border:0" title="{html.escape(self.title, quote=True)}"></iframe>')

    def save(self, path) -> Path:
        path = Path(path)
        if path.suffix.lower() not in (".html", ".htm"):
            raise OptvizError(f"an interactive page is saved as .html, not {path.name!r}")
        with atomic_path(path) as tmp:
            tmp.write_text(self.html, encoding="utf-8")
        return path


def explore(experiment=None, *, style=None, steps_per_second: float = 30.0, **run) -> Page:
    """The interactive page of an experiment (or of the run `run` describes, as for `animate`): click
    the map to drop a ball, move the sliders; every optimizer runs live in the browser.

        optviz.explore(surface="pathological", optimizers=["sgd:lr=10", "adam:lr=1"], steps=50)
    """
    from .core.surfaces.javascript import experiment_js
    from .render.interactive import page_html, page_optimizers
    from .render.style import Style

    if experiment is None:
        from .core.engine import simulate
        experiment = simulate(**run)
    elif run:
        raise OptvizError(f"give an experiment or run settings, not both (got {', '.join(run)})")
    page_optimizers(experiment)
    text = page_html(experiment, experiment_js(experiment.meta), style or Style(), steps_per_second)
    return Page(text, experiment.meta["surface"]["title"])


def experiment_html(exp: Experiment) -> str:
    """An Experiment in Jupyter: the static map with every trajectory and a line per optimizer."""
    from .render.figures import trajectory_figure
    fig = trajectory_figure(exp)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    img = base64.b64encode(buf.getvalue()).decode()
    rows = []
    for m, label in enumerate(exp.labels):
        d = exp.diverged_at[m]
        final = exp.loss[m, :, -1].astype(np.float64)
        fate = f"{int((d >= 0).sum())}/{len(d)} diverged" if (d >= 0).any() else "all finite"
        best = f"{np.nanmin(final):.4g}" if np.isfinite(final).any() else "-"
        rows.append(f"<tr><td>{html.escape(label)}</td><td>{best}</td><td>{fate}</td></tr>")
    return (f'<div><img src="data:image/png;base64,{img}"/><table><tr><th>optimizer</th>'
            f"<th>lowest final loss</th><th>runs</th></tr>{''.join(rows)}</table>"
            f"<p>{len(exp.starts)} start(s), {exp.steps} steps on {html.escape(exp.meta['surface']['title'])}; "
            f"<code>optviz.animate(exp)</code> animates it.</p></div>")


Experiment._repr_html_ = experiment_html


def plot_curve(curve_fn, x_range=(-5, 5), y_range=(-5, 5), plot_3d=False, cmap=None, title="Pathological curvature"):
    """Plot a loss function of (w1, w2) as the seed does (100 x 100 grid, imshow or 3-D surface) and
    return the axes."""
    import matplotlib.pyplot as plt
    import torch

    from .render.figures import draw_curve

    cmap = cmap if cmap is not None else plt.cm.viridis
    fig = plt.figure()
    ax = plt.axes(projection="3d") if plot_3d else plt.axes()
    x = torch.arange(x_range[0], x_range[1], (x_range[1] - x_range[0]) / 100.)
    y = torch.arange(y_range[0], y_range[1], (y_range[1] - y_range[0]) / 100.)
    x, y = torch.meshgrid(x, y, indexing="xy")
    with torch.no_grad():
        z = curve_fn(x, y)
    draw_curve(ax, x.numpy(), y.numpy(), z.numpy(), plot_3d, cmap, title)
    fig.tight_layout()
    return ax
