"""Carrying out a checked spec: compute its run (`compute`; in a forked child where that overlaps the
renderers' import: `ahead`), then write each of its outputs with matplotlib or manim.
"""
from __future__ import annotations

import sys
from pathlib import Path

from ..data.files import confirm_written, counted, human_size
from ..errors import OptvizError
from ..progress import count_bar, progress_bar
from .compute import optimizer_specs, simulate_spec


def simulate_ahead(run: dict, cache: bool = True):
    """The run computed in a forked child (`ahead.Ahead`: the one `optviz render` forked first thing,
    or a new one) while this process goes on, or None where computing it later here is as good: it is
    cached (read in a hundredth of a second), or forking does not pay or is unsafe
    (`ahead.worth_forking`)."""
    from .. import cache as store
    from . import ahead
    child = ahead.take()
    if not ahead.worth_forking(run) or (cache and store.cached_entry(run)):
        if child:
            child.cancel()
        return None
    child = child or ahead.Ahead()
    child.submit(run, cache)
    return child


def render_spec(spec, workers=None, exp=None, cache: bool = True) -> list[Path]:
    """Simulate (unless given `exp`, or cached) and write every output of a checked spec."""
    style, timeline = spec.build()
    if spec.interactive:
        check_interactive(spec)
    lecture = spec.engine == "manim" and spec.manim.get("scene") == "lecture"
    if lecture or exp is not None:   # no run for the child `optviz render` forked to compute
        from .ahead import stop
        stop()
    if spec.engine == "manim":   # before any run is computed
        from ..render.manim_video import check_manim
        check_manim(f"the manim scene {spec.manim.get('scene', 'rolling')!r}")
        if lecture:
            return render_lecture_spec(spec, workers)
    ahead = simulate_ahead(spec.run, cache) if exp is None else None
    try:
        from .imports import heavy
        with heavy():
            from ..render.animate import render, warm_up   # while a child (if forked) computes the runs
        if ahead:   # the runs' steps as the counter shows them (a network's are records of its training)
            warm_up([view for view, _ in spec.outputs], style, timeline,
                    None if "task" in spec.run else spec.run.get("steps", 100), until=ahead.ready)
        if exp is None:
            exp = ahead.result() if ahead else simulate_spec(spec.run, cache=cache)
    except BaseException:
        if ahead:
            ahead.cancel()
        raise
    try:
        return write_outputs(spec, exp, style, timeline, render, workers, cache)
    finally:
        if ahead:   # it stores the runs in the cache once it has sent them
            ahead.close()


def write_outputs(spec, exp, style, timeline, render, workers=None, cache: bool = True) -> list[Path]:
    """Write every output of a checked spec from its experiment (`render`: render.animate's)."""
    if spec.engine == "manim":
        from ..render.manim_video import render_manim
        # manim videos are dark (3Blue1Brown style) unless a theme is asked for
        options = {"theme": spec.style.get("theme", "dark"),
                   **({"duration": timeline.duration} if timeline.duration else {}),
                   **({"orbit": 0} if style.camera == "fixed" and "camera" in spec.style else {}),
                   # matplotlib's elevation is manim's polar angle from above; both azimuths are from +x
                   **({"phi": 90 - style.elev} if "elev" in spec.style else {}),
                   **({"theta": style.azim} if "azim" in spec.style else {})}
        written = []
        for _, path in spec.outputs:
            with count_bar(f"rendering {Path(path).name}") as bar:
                written += render_manim(exp, path, scene=spec.manim.get("scene", "rolling"),
                                        quality=spec.manim.get("quality", "720p30"),
                                        transparent=spec.manim.get("transparent", False), options=options,
                                        workers=workers, progress=bar, report=bar.write)
        return written
    written = []
    outputs = list(spec.outputs)
    if spec.mp4:
        outputs += [(v, str(Path(p).with_suffix(".mp4"))) for v, p in spec.outputs
                    if Path(p).suffix.lower() == ".gif" and (v, str(Path(p).with_suffix(".mp4"))) not in outputs]
    for view, path in outputs:
        if spec.interactive and Path(path).suffix.lower() in (".html", ".htm"):
            written.append(write_interactive(exp, path, style, timeline))
            continue
        animated = view in ("2d", "3d", "grid") and Path(path).suffix.lower() != ".npz"
        frames = len(timeline.frame_steps(exp.steps)) if animated else 0
        budget = spec.max_size if Path(path).suffix.lower() == ".gif" else None
        with progress_bar(frames if budget is None else 0, f"rendering {Path(path).name}", "frames", minimum=60) as bar:
            # a line said while the bar is up goes above it (printed plainly it ran on from the bar's line)
            say = ((lambda line: bar.write(line, file=sys.stderr)) if bar else
                   (lambda line: print(line, file=sys.stderr)))
            written.append(render(exp, path, view=view, style=style, timeline=timeline,
                                  progress=bar.update if bar else None, workers=workers, max_size=budget,
                                  report=say, cache=cache))
    return written


def render_lecture_spec(spec, workers=None) -> list[Path]:
    """The lecture (the spec's `lecture` file, else the built-in one), spoken by the spec's voice: every
    output path a narrated video with its chapters, subtitles and narration beside it."""
    from ..lecture.runs import prepare
    from ..lecture.video import render
    from ..lecture.voice import get_voice
    from ..lecture.runs import lecture_file, load
    from ..lecture.settings import voice_of
    from ..render.manim_video import check_manim
    check_manim("the lecture")   # without manim nothing else matters: its one-line hint comes first
    m = spec.manim
    meta = load(m.get("lecture")).meta   # the file's problems stop here, before any run is computed
    voice = m.get("voice") or voice_of(meta, lecture_file(m.get("lecture"))) or "piper"
    get_voice(voice)   # an unknown or missing voice stops here too
    options = {"theme": spec.style.get("theme") or meta.get("theme", "dark"), "pace": m.get("pace", meta.get("pace", 1.0))}
    written = []
    for _, path in spec.outputs:
        with count_bar("computing runs", "shot") as runs_bar, count_bar("speaking", "line") as voice_bar, \
                count_bar(f"rendering {Path(path).name}") as bar:
            lecture = prepare(m.get("lecture"), report=bar.write, progress=runs_bar, warn=bar.warn)
            written += render(path, lecture=lecture, quality=m.get("quality") or meta.get("quality", "1080p30"), voice=voice,
                              chapters=m.get("chapters"), options=options, workers=workers,
                              progress=bar, speaking=voice_bar, report=bar.write)
    return written


def write_voice_script_spec(spec, folder) -> list[Path]:
    """`--voice-script DIR`: the lecture's lines to record, timed as the silent draft."""
    from ..lecture.runs import voice_script
    from ..render.manim_video import QUALITIES
    voice_script(spec.manim.get("lecture"), folder, float(spec.manim.get("pace", 1.0)),
                 QUALITIES[spec.manim.get("quality", "1080p30")][1], report=lambda line: print(line, file=sys.stderr))
    return [Path(folder)]


def write_interactive(exp, path, style, timeline) -> Path:
    """The interactive page of a run on a surface: its formula as JavaScript, then the page."""
    from ..core.surfaces.javascript import experiment_js
    from ..render.interactive import page_optimizers, replayed, write_page
    page_optimizers(exp)   # the optimizers it can run, checked before the surface is translated
    records = exp.position.shape[2] - 1
    rate = records / timeline.duration if timeline.duration else (30.0 if not replayed(exp) else records / 8)
    # a network's landscape is replayed: its paths as recorded, nothing run in the browser
    return write_page(exp, path, None if replayed(exp) else experiment_js(exp.meta), style, steps_per_second=rate)


def check_interactive(spec) -> None:
    """What the interactive page cannot be, refused before anything runs."""
    from ..render.interactive import MAX_STEPS, check_page_optimizer
    pages = [p for _, p in spec.outputs if Path(p).suffix.lower() in (".html", ".htm")]
    if not pages:
        raise OptvizError("--interactive makes an .html page; add an output ending in .html (-o page.html)")
    if spec.engine == "manim":
        raise OptvizError("the interactive page is drawn in the browser, not by manim; leave out --engine manim")
    if "task" in spec.run:   # replayed: any optimizer, any length
        return
    for opt in optimizer_specs(spec.run) if "experiment" not in spec.run else []:
        check_page_optimizer(opt.name)
    steps = spec.run.get("steps", 100)
    if "experiment" not in spec.run and steps > MAX_STEPS:
        raise OptvizError(f"the interactive page computes its runs live, at most {MAX_STEPS} steps; got {steps}")


def report_written(paths) -> list[Path]:
    """Check every output is now there, and name each on stderr: its size, a video's length too, a
    folder's count of files."""
    from ..render.encode import clock, media_seconds
    paths = confirm_written(paths)
    for p in paths:
        if p.is_dir():   # every file in it, its subfolders' too (a voice script's lines are in folders)
            print(f"wrote {p}/ ({counted(sum(1 for f in p.rglob('*') if f.is_file()), 'file')})", file=sys.stderr)
            continue
        seconds = media_seconds(p)
        length = f"{clock(seconds)}, " if seconds else ""
        print(f"wrote {p} ({length}{human_size(p.stat().st_size)})", file=sys.stderr)
    return paths
