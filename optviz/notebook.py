"""Notebooks: `optviz.animate(...)` in a Jupyter cell shows the animation inline, as the seed's
notebook showed its figures. An `Animation` holds the encoded video and displays itself through
`_repr_html_` (a looping <video> with the MP4 embedded, or an <img> with the GIF); an `Experiment`
shows its static map and a summary (see `Experiment._repr_html_`).
"""
from __future__ import annotations

import base64
import html
import tempfile
from dataclasses import dataclass
from pathlib import Path

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

    def _repr_html_(self) -> str:
        src = f"data:{MIME[self.format]};base64,{base64.b64encode(self.data).decode()}"
        alt = html.escape(self.title, quote=True)
        if self.format == "gif":
            return f'<img src="{src}" width="{self.width}" height="{self.height}" alt="{alt}"/>'
        return (f'<video width="{self.width}" height="{self.height}" autoplay loop muted playsinline controls '
                f'title="{alt}" src="{src}"></video>')

    def save(self, path) -> Path:
        from .experiment import atomic_path
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
        from .engine import simulate
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
