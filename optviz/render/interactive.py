"""The interactive page: the blog post's figure as one self-contained HTML file (no network, no CDN) in
which the reader drops a ball anywhere and every optimizer of the spec runs live from there.

On the page: the surface's map (drawn by the same code and colours as the GIFs, as an image), a
ball and trail per optimizer, sliders for each optimizer's learning rate (log scale) and momentum or
betas, play, pause, step, scrub, speed and reset, a step counter and a loss-versus-step panel,
"diverged at step k" as in the GIFs; the start, the settings and the step live in the URL's hash, so a
link reproduces the view; buttons, sliders and keys (space, arrows, Home, r) work from the keyboard.

The optimizers run in the page's own JavaScript (page.js); the surface arrives as a function generated
from its expression tree (optviz.core.surfaces.javascript), passed in as `surface_js`, so this module
never imports torch. Optimizers the page cannot run are refused in one line naming those it can.
"""
from __future__ import annotations

import base64
import html
import io
import json
import math
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from ..data.experiment import Experiment
from ..data.files import atomic_path
from ..errors import OptvizError
from .base import plain_axis_labels
from .scene2d import draw_map
from .style import Style, optimizer_colors

HERE = Path(__file__).parent
LR = {"key": "lr", "log": True}
MOMENTUM = {"key": "momentum", "min": 0.0, "max": 0.999}
# name -> (the page's update rule, its settings and their defaults, the settings it has sliders for)
PAGE_OPTIMIZERS = {
    "sgd": ("sgd", {"lr": 1e-3}, [LR]),
    "momentum": ("momentum", {"lr": 1e-3, "momentum": 0.9}, [LR, MOMENTUM]),
    "torch-momentum": ("torch-momentum", {"lr": 1e-3, "momentum": 0.9, "dampening": 0.0}, [LR, MOMENTUM]),
    "nesterov": ("nesterov", {"lr": 1e-3, "momentum": 0.9}, [LR, MOMENTUM]),
    "adam": ("adam", {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
             [LR, {"key": "beta1", "min": 0.0, "max": 0.999}, {"key": "beta2", "min": 0.9, "max": 0.99999}]),
    "rmsprop": ("rmsprop", {"lr": 1e-2, "alpha": 0.99, "eps": 1e-8}, [LR, {"key": "alpha", "min": 0.5, "max": 0.9999}]),
    "adagrad": ("adagrad", {"lr": 1e-2, "eps": 1e-10, "lr_decay": 0.0, "initial_accumulator_value": 0.0}, [LR]),
}
# settings torch accepts that the page's rules leave at their defaults
FIXED = {"weight_decay": 0, "maximize": False, "centered": False, "nesterov": False, "amsgrad": False}
MAX_STEPS = 20_000   # runs are recomputed live at every slider move
PLOT = {"blog": (560, 420), "square": (620, 620), "slide": (900, 600)}


def check_page_optimizer(name: str) -> None:
    if name not in PAGE_OPTIMIZERS:
        raise OptvizError(f"the interactive page cannot run optimizer {name!r}; it runs: "
                          f"{', '.join(PAGE_OPTIMIZERS)} (other optimizers: render a GIF or MP4)")


def page_optimizers(exp: Experiment) -> list[dict]:
    """The page's description of every optimizer of `exp`, or an OptvizError naming what it can run."""
    out = []
    colors = optimizer_colors(exp.names)
    for o, color in zip(exp.meta["optimizers"], colors):
        check_page_optimizer(o["name"])
        if o.get("schedule"):
            raise OptvizError(f"the interactive page runs constant learning rates, not {o['label']!r}'s schedule")
        kind, defaults, sliders = PAGE_OPTIMIZERS[o["name"]]
        params = dict(defaults)
        for key, value in o["hyperparameters"].items():
            if key in params:
                params[key] = float(value)
            elif value != FIXED.get(key, 0) and value not in (None, False):   # a switch the page does not have
                raise OptvizError(f"the interactive page runs {o['name']} without {key}={value!r}; leave it out or "
                                  "render a GIF or MP4")
        lr = params["lr"]
        out.append({"name": o["name"], "kind": kind, "title": o["label"], "color": color, "params": params,
                    "sliders": [{**s, "min": s.get("min", lr / 100), "max": s.get("max", lr * 100)} for s in sliders]})
    return out


def background(exp: Experiment, style: Style, size) -> str:
    """The surface's map as the GIFs draw it (contours, colours, minima), as a data: URL (PNG, 256 colours)."""
    w, h = size
    fig = Figure(figsize=(w / 100, h / 100), dpi=100)
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_axes([0, 0, 1, 1])
    draw_map(ax, exp, style)
    ax.set_axis_off()
    canvas.draw()
    rgb = Image.fromarray(np.asarray(canvas.buffer_rgba())[..., :3].copy())
    buf = io.BytesIO()
    rgb.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(buf, "PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def page_html(exp: Experiment, surface_js: str, style: Style = Style(), steps_per_second: float = 30.0) -> str:
    c = style.colors
    plot = PLOT.get(style.preset, PLOT["blog"])
    labels = plain_axis_labels(exp)
    bound = exp.meta.get("bound")
    config = {
        "title": style.title or exp.meta["surface"]["title"], "box": [list(b) for b in exp.box],
        "steps": exp.steps, "start": [float(v) for v in exp.starts[0]], "plot": list(plot),
        "bound": bound if bound is not None and math.isfinite(bound) else 1e300,   # JSON has no inf
        "axes": labels, "optimizers": page_optimizers(exp), "stepsPerSecond": steps_per_second,
        "colors": {"background": c.background, "foreground": c.foreground, "muted": c.muted},
        "image": background(exp, style, plot),
    }
    caption = exp.meta.get("caption")
    js = (HERE / "page.js").read_text()
    css = (HERE / "page.css").read_text().replace("BACKGROUND", c.background).replace("FOREGROUND", c.foreground) \
        .replace("MUTED", c.muted)
    # the config is JSON inside a <script type="application/json">: "</" cannot end the element early
    blob = json.dumps(config).replace("</", "<\\/")
    title = html.escape(config["title"])
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><style>{css}</style></head>
<body>
<main id="app">
<h1>{title}</h1>
{f'<p class="caption">{html.escape(caption)}</p>' if caption else ''}
<p class="hint">Click the map to drop a ball there; every optimizer starts from it. Space plays and pauses, the
arrow keys step, r resets.</p>
<div class="row">
  <div id="plot"><canvas id="bg"></canvas><canvas id="fg" aria-label="the surface: click to start the optimizers
  there" role="img"></canvas></div>
  <div class="side"><canvas id="loss" aria-label="loss against step" role="img"></canvas>
    <div class="transport">
      <button id="play" type="button" aria-pressed="false">Play</button>
      <button id="back" type="button" aria-label="one step back">&#9664;</button>
      <button id="fwd" type="button" aria-label="one step forward">&#9654;</button>
      <button id="reset" type="button">Reset</button>
    </div>
    <label for="scrub" class="scrub">step</label><input id="scrub" type="range" min="0" step="1" value="0">
    <div><span id="counter">step 0</span>
      <label for="speed">speed</label><select id="speed">{''.join(
          f'<option value="{v}">{v}x</option>' for v in ("0.25", "0.5", "1", "2", "4"))}</select></div>
  </div>
</div>
<div id="optimizers"></div>
<p class="credit">Made with optviz: the same update rules as its Python, checked against it in a browser.</p>
</main>
<script type="application/json" id="optviz-config">{blob}</script>
<script>const OPTVIZ_SURFACE = {surface_js};</script>
<script>{js}</script>
</body></html>
"""


def write_page(exp: Experiment, path, surface_js: str, style: Style = Style(), steps_per_second: float = 30.0) -> Path:
    """Write the interactive page for `exp` to `path` (.html), atomically."""
    path = Path(path)
    if path.suffix.lower() not in (".html", ".htm"):
        raise OptvizError(f"an interactive page is written as .html, not {str(path)!r}")
    text = page_html(exp, surface_js, style, steps_per_second)
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path
