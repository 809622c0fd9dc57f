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
from .base import plain_axis_labels, surface_cmap
from .geometry import display_scale
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
    # optviz's one-iteration L-BFGS (torch.optim.LBFGS, max_iter=1, no line search)
    "lbfgs": ("lbfgs", {"lr": 1.0, "history_size": 10, "max_iter": 1, "tolerance_grad": 1e-7, "tolerance_change": 1e-9},
              [LR]),
}
# settings torch accepts that the page's rules leave at their defaults
FIXED = {"weight_decay": 0, "maximize": False, "centered": False, "nesterov": False, "amsgrad": False}
MAX_STEPS = 20_000   # runs are recomputed live at every slider move
PLOT = {"blog": (560, 420), "square": (620, 620), "slide": (900, 600)}
# regl's minified build carries no notice of its own: the page keeps its license with it
REGL_NOTICE = "/*! regl 2.1.1 (npm), MIT License, Copyright (c) 2016 Mikola Lysenko: vendor/regl-LICENSE.txt */\n"


def check_page_optimizer(name: str) -> None:
    if name not in PAGE_OPTIMIZERS:
        raise OptvizError(f"the interactive page cannot run optimizer {name!r}; it runs: "
                          f"{', '.join(PAGE_OPTIMIZERS)} (other optimizers: render a GIF or MP4)")


def page_optimizers(exp: Experiment) -> list[dict]:
    """The page's description of every optimizer of `exp`, or an OptvizError naming what it can run.
    A replayed run (a network's landscape) only needs its name and colour."""
    out = []
    colors = optimizer_colors(exp.names)
    for m, (o, color) in enumerate(zip(exp.meta["optimizers"], colors)):
        if replayed(exp):
            out.append({"name": o["name"], "title": o["label"], "color": color, "sliders": []})
            continue
        check_page_optimizer(o["name"])
        kind, defaults, sliders = PAGE_OPTIMIZERS[o["name"]]
        params = dict(defaults)
        for key, value in o["hyperparameters"].items():
            if key in params:
                params[key] = float(value)
            elif value != FIXED.get(key, 0) and value not in (None, False):   # a switch the page does not have
                raise OptvizError(f"the interactive page runs {o['name']} without {key}={value!r}; leave it out or "
                                  "render a GIF or MP4")
        if params.get("max_iter", 1) != 1:
            raise OptvizError(f"the interactive page runs L-BFGS one iteration a step (max_iter=1), not "
                              f"max_iter={params['max_iter']:g}")
        lr = params["lr"]
        entry = {"name": o["name"], "kind": kind, "title": o["label"], "color": color, "params": params,
                 "sliders": [{**s, "min": s.get("min", lr / 100), "max": s.get("max", lr * 100)} for s in sliders]}
        if o.get("schedule"):
            # the rates simulate used (torch's scheduler), scaled on the page by the slider's lr / this one
            entry["schedule"] = {"text": o["schedule"], "base": lr, "lrs": [float(v) for v in exp.lr[m, :exp.steps]]}
        out.append(entry)
    return out


def replayed(exp: Experiment) -> bool:
    """A slice of a network's landscape: the page replays the recorded paths instead of running them."""
    return bool(exp.meta.get("off_surface"))


def float32_b64(a) -> str:
    return base64.b64encode(np.ascontiguousarray(a, dtype="<f4").tobytes()).decode()


def replay_config(exp: Experiment) -> dict:
    """What a replay page draws: each optimizer's recorded path (first start) and loss, and the slice's
    grid for the 3-D mesh, as little-endian float32 in base64."""
    runs = []
    for m in range(len(exp.names)):
        d = int(exp.diverged_at[m, 0])
        n = exp.position.shape[2] if d < 0 else max(d, 1)
        runs.append({"pos": float32_b64(exp.position[m, 0, :n]), "loss": float32_b64(exp.loss[m, 0, :n]),
                     "n": n, "diverged": d})
    return {"runs": runs, "every": int(exp.meta.get("record_every") or 1),
            "grid": {"nx": len(exp.grid_x), "ny": len(exp.grid_y), "x": [float(exp.grid_x[0]), float(exp.grid_x[-1])],
                     "y": [float(exp.grid_y[0]), float(exp.grid_y[-1])], "z": float32_b64(exp.grid_z)}}


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


def view3d_config(exp: Experiment, style: Style) -> dict:
    """What the 3-D view needs to draw as the GIFs do: the loss-to-height mapping, the colormap, the camera."""
    scale = display_scale(exp)
    cmap = surface_cmap(style)
    return {"scale": scale, "zlabel": "log10 loss" if scale["kind"] != "linear" else "loss",
            "cmap": ["#%02x%02x%02x" % tuple(int(round(255 * v)) for v in cmap(t)[:3]) for t in np.linspace(0, 1, 64)],
            "elev": float(style.elev), "azim": float(style.azim), "offSurface": replayed(exp)}


def page_html(exp: Experiment, surface_js: str | None, style: Style = Style(), steps_per_second: float = 30.0) -> str:
    """The page; `surface_js` None on a replay page (a network's landscape: nothing runs in the browser)."""
    c = style.colors
    plot = PLOT.get(style.preset, PLOT["blog"])
    labels = plain_axis_labels(exp)
    bound = exp.meta.get("bound")
    replay = replayed(exp)
    config = {
        "title": style.title or exp.meta["surface"]["title"], "box": [list(b) for b in exp.box],
        "steps": exp.position.shape[2] - 1, "start": [float(v) for v in exp.starts[0]], "plot": list(plot),
        "bound": bound if bound is not None and math.isfinite(bound) else 1e300,   # JSON has no inf
        "axes": labels, "optimizers": page_optimizers(exp), "stepsPerSecond": steps_per_second,
        "colors": {"background": c.background, "foreground": c.foreground, "muted": c.muted},
        "image": background(exp, style, plot), "view3d": view3d_config(exp, style),
        **({"replay": replay_config(exp)} if replay else {}),
    }
    caption = exp.meta.get("caption")
    js = (HERE / "page.js").read_text()
    js3d = (HERE / "page3d.js").read_text()
    regl = REGL_NOTICE + (HERE / "vendor" / "regl.min.js").read_text()
    css = (HERE / "page.css").read_text().replace("BACKGROUND", c.background).replace("FOREGROUND", c.foreground) \
        .replace("MUTED", c.muted)
    # the config is JSON inside a <script type="application/json">: "</" cannot end the element early
    blob = json.dumps(config).replace("</", "<\\/")
    title = html.escape(config["title"])
    hint = ("The paths optviz recorded while training, on the slice of the landscape they are drawn on: play or "
            "scrub to replay them, tick an optimizer to show or hide it." if replay else
            "Click the map or the 3-D surface to drop a ball there; every optimizer starts from it; shift-click "
            "drops a swarm. Drag the 3-D view to turn it. Space plays and pauses, the arrow keys step, r resets.")
    swarm = "" if replay else ('<div><label for="swarm">swarm</label> <input id="swarm" type="number" min="0" '
                               'max="1000" step="50" value="0"> <span class="small">balls (shift-click)</span></div>')
    axis = "".join(f'<div class="axis">{html.escape(t)}</div>' for t in (*labels, config["view3d"]["zlabel"]))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><style>{css}</style></head>
<body data-view="map"{' class="replay"' if replay else ''}>
<main id="app">
<h1>{title}</h1>
{f'<p class="caption">{html.escape(caption)}</p>' if caption else ''}
<p class="hint">{hint}</p>
<div class="row">
  <div id="plot"><canvas id="bg"></canvas><canvas id="fg" aria-label="the surface: click to start the optimizers
  there" role="img"></canvas></div>
  <div id="stage3d"><canvas id="gl" aria-label="the surface in 3-D: click to drop a ball, drag to turn it, the wheel zooms" role="img">
  </canvas>{axis}</div>
  <div class="side">
    <div id="views" role="group" aria-label="view"><button type="button" data-view="map">Map</button><button
      type="button" data-view="3d">3-D</button><button type="button" data-view="both">Both</button></div>
    <p id="nogl" class="small" hidden>This browser has no WebGL, so the 3-D view is off; the map works as before.</p>
    <canvas id="loss" aria-label="loss against step" role="img"></canvas>
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
    {swarm}
  </div>
</div>
<div id="optimizers"></div>
<p class="credit">Made with optviz: {"the paths as recorded, on the plane the caption describes" if replay else
"the same update rules as its Python, checked against it in a browser"}.</p>
</main>
<script type="application/json" id="optviz-config">{blob}</script>
<script>const OPTVIZ_SURFACE = {surface_js if surface_js else "null"};</script>
<script>{js}</script>
<script>{regl}</script>
<script>{js3d}</script>
</body></html>
"""


def write_page(exp: Experiment, path, surface_js: str | None, style: Style = Style(), steps_per_second: float = 30.0) -> Path:
    """Write the interactive page for `exp` to `path` (.html), atomically."""
    path = Path(path)
    if path.suffix.lower() not in (".html", ".htm"):
        raise OptvizError(f"an interactive page is written as .html, not {str(path)!r}")
    text = page_html(exp, surface_js, style, steps_per_second)
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path
