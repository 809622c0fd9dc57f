"""A shot's figures for the post, drawn by optviz's matplotlib renderers from the shot's runs (the same
NPZ files the video's scenes read; nothing is computed again, torch is not imported here).

    surface    the ball's steps on the surface in 3-D
    rule       the optimizer's path on the map, with the loss beside it
    race       the race as the file says: a map (view=2d) or the surface in 3-D, with the loss beside it
    cloud      the mini-batch clouds on the map
    landscape  the paths on the network's slice (slice=yes), and the study's chart (an SVG: sharp at any width)

`--figures gif` (the default): a looping GIF fitted to the size budget (optviz.render.budget), or,
for a figure longer than LONG seconds, an MP4 with its last frame as poster; `mp4`: every animated
figure an MP4 with its poster; `png`: every figure its last frame. A 3-D figure's camera is the one of
a few that hides least of the paths behind the surface.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

FORMATS = ("gif", "mp4", "png")
LONG = 10.0           # seconds of animation past which a GIF figure becomes an MP4
FPS = 20
# (elev, azim): the renderer's default first, then views from higher and from other sides
CAMERAS = ((30.0, 75.0), (55.0, 110.0), (45.0, -60.0), (50.0, -120.0), (45.0, 20.0))


@dataclass(frozen=True)
class Drawn:
    """One figure's files, relative to the figures' folder: `src` (GIF, MP4 or PNG), `poster` (an MP4's)."""
    src: str
    poster: str = ""

    @property
    def video(self) -> bool:
        return self.src.endswith(".mp4")


def animations(shot, data) -> list[tuple[str, object, str, object]]:
    """What a shot animates: [(stem, experiment, view, timeline)], from its runs and options."""
    from ...render.timeline import Timeline
    o = shot.options
    if shot.kind == "surface":
        return [("", data["run"], "3d", Timeline(FPS, duration=4.0, hold=1.5))]
    if shot.kind == "rule":
        return [("", data["run"], "2d", Timeline(FPS, duration=6.0, hold=1.5))]
    if shot.kind == "race":
        legs = o["then"] or o["steps"]
        return [("", data["run"], o["view"], Timeline(FPS, duration=12.0 if o["then"] else 6.0, hold=1.5,
                                                      easing="ease-in" if legs > 500 else "linear"))]
    if shot.kind == "cloud":
        return [("", data["run"], "2d", Timeline(FPS, duration=6.0, hold=1.5))]
    if shot.kind == "landscape" and "slice" in data:
        return [("", data["slice"], "2d", Timeline(FPS, duration=8.0, hold=1.5))]
    return []


def camera(exp, style, timeline):
    """(style, scene): the camera, of CAMERAS, that hides least of the paths (the first that hides at
    most a tenth of each), and the scene built to measure it, ready to draw."""
    from dataclasses import replace

    from ...render.scene3d import Scene3D
    best = None
    for elev, azim in CAMERAS:
        st = replace(style, elev=elev, azim=azim)
        scene = Scene3D(exp, st, timeline)
        hidden = max(scene.hidden_share(), default=0.0)
        if best is None or hidden < best[0]:
            best = (hidden, st, scene)
        if hidden <= 0.1:
            break
    return best[1], best[2]


def draw(shot, data, folder: Path, stem: str, *, fmt: str = "gif", theme: str = "light", max_size="2MB",
         workers=None) -> list[Drawn]:
    """Draw `shot`'s figures (its runs: `data`) into `folder` as STEM.gif / .mp4 (+ .png poster) / .png."""
    from ...render.animate import make_scene, render
    from ...render.encode import write_animation
    from ...render.style import Style
    base = Style(theme=theme, loss_panel=shot.kind in ("rule", "race"))
    out = []
    for suffix, exp, view, timeline in animations(shot, data):
        name = stem + suffix
        # one scene serves the video and its poster (a 3-D one: the scene its camera was chosen with)
        style, scene = camera(exp, base, timeline) if view == "3d" else (base, None)
        long = (timeline.duration or 0) > LONG
        if fmt in ("png", "mp4") or long:
            scene = scene or make_scene(exp, view, style, timeline)
            if fmt != "png":
                write_animation(folder / f"{name}.mp4", scene, timeline.fps, workers=workers)
            write_animation(folder / f"{name}.png", scene, timeline.fps)
            out.append(Drawn(f"{name}.png") if fmt == "png" else Drawn(f"{name}.mp4", f"{name}.png"))
        else:
            render(exp, folder / f"{name}.gif", view=view, style=style, timeline=timeline, workers=workers,
                   max_size=max_size, scene=scene)
            out.append(Drawn(f"{name}.gif"))
    if shot.kind == "landscape":
        from ...render.generalization import save_generalization_chart
        save_generalization_chart(data["study"], folder / f"{stem}-study.svg", base)
        out.append(Drawn(f"{stem}-study.svg"))
    return out
