"""The renderers' entry point: `render(exp, path, view=...)` picks the scene and the writer."""
from __future__ import annotations

from pathlib import Path

from ..data.experiment import Experiment
from .encode import write_animation
from .figures import line_figure, save_figure, surface_figure, trajectory_figure
from .outputs import STATIC, check_output
from .style import Style
from .timeline import Timeline


def make_scene(exp: Experiment, view: str, style: Style, timeline: Timeline, cache: bool = False):
    """The animated scene of `view`; `cache`: its static picture kept in optviz's cache and drawn from
    there the next time (render.static_cache)."""
    return (scene_class(view) or scene_class("2d"))(exp, style, timeline, cache=cache)


def scene_class(view: str):
    """The animated scene class of `view` (2d, 3d, grid), or None for a static view."""
    if view == "grid":
        from .panels import PanelScene
        return PanelScene
    if view == "3d":
        from .scene3d import Scene3D
        return Scene3D
    if view == "2d":
        from .scene2d import Scene2D
        return Scene2D
    return None


def warm_up(views=(), style: Style = Style(), timeline: Timeline = Timeline(), steps: int | None = None,
            until=lambda: False) -> None:
    """Do now what a process's first drawing would, for a caller with time on its hands (a first render
    waiting for its runs; `until()` says when that time is over): build matplotlib's mathtext parser (a
    3-D scene's log-scale axis name, a formula: 0.03 s the first time a label holds math) and, for a
    run of `steps` recorded steps drawn in `views`, measure and lay out every text its step counter will
    show (`glyphs.prime`: 0.4 ms of a 3-D frame, otherwise spent by the frame workers)."""
    from matplotlib.mathtext import MathTextParser

    from .glyphs import prime
    MathTextParser("agg").parse(r"$\log_{10}$", 72)
    for cls in dict.fromkeys(scene_class(v) for v in views):
        if cls is not None and steps is not None:
            prime(cls.counter_texts(steps, timeline), cls.counter_font(style), style.dpi, until)


def render(exp: Experiment, path, *, view: str = "2d", style: Style = Style(), timeline: Timeline = Timeline(),
           progress=None, workers: int | None = None, max_size=None, report=None, scene=None,
           cache: bool = False) -> Path:
    """Render `exp` to `path` (format from the extension): views 2d/3d/grid animate (gif, mp4, webm, html, png
    poster); views map/surface are static figures (png, svg, pdf). `max_size` ("2MB") makes a GIF fit
    (see render.budget); `report` receives a line saying what it chose. `scene`: one already built
    for this view, style and timeline (drawn instead of building it again). `cache`: the scene's static
    picture and palette kept in optviz's cache, and taken from there when kept before."""
    if check_output(path, view) == "npz":   # the data every picture is drawn from, to draw again later
        return exp.save(path)
    if view in STATIC:
        fig = {"map": trajectory_figure, "surface": surface_figure, "line": line_figure}[view](exp, style)
        return save_figure(fig, path)
    if max_size is not None and Path(path).suffix.lower() == ".gif":
        from .budget import fit_gif, parse_size
        budget = parse_size(max_size)
        fit = fit_gif(path, lambda st, tl: scene if scene is not None and st is style and tl is timeline
                      else make_scene(exp, view, st, tl, cache), style, timeline, budget, workers=workers)
        if report:
            report(f"{Path(path).name}: {fit.describe(budget)}")
        return Path(path)
    scene = scene if scene is not None else make_scene(exp, view, style, timeline, cache)
    out = write_animation(path, scene, timeline.fps, loop=timeline.loop, progress=progress, workers=workers)
    if report and view == "3d" and style.camera == "fixed" and not scene.ghost:   # ghosts are drawn on purpose
        for label, share in zip(exp.labels, scene.hidden_share()):
            if share > 0.25:
                report(f"{Path(path).name}: {100 * share:.0f}% of {label}'s path is behind the surface from this "
                       f"camera (elev {style.elev:g}, azim {style.azim:g}); --elev/--azim turn it")
    return out
