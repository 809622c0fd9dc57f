"""Render specs: a TOML file (or the CLI's flags) describing a run, its look and its outputs.

    surface = "pathological"        # registered name or expression in x, y
    steps = 50
    starts = [[7, 7]]               # or a number of seeded random starts
    noise = 0.0                     # std of Gaussian gradient noise
    batch_size = 8                  # mini-batch gradients on a data surface (least-squares, logistic)
    cloud = 1                       # copies of every start, each with its own noise: a cloud of balls
    seed = 0
    dtype = "float32"

    [[optimizer]]                   # repeat for each optimizer; other keys are hyperparameters
    name = "momentum"               # schedule = "cosine" adds a learning-rate schedule
    lr = 10
    momentum = 0.9

    [style]                         # preset blog|slide|square, theme light|dark, loss_panel, arrows,
    preset = "blog"                 # trail, color_by, show_minima, title, camera fixed|orbit, elev,
                                    # azim, orbit, occlude, width, height
    [time]                          # fps, duration (s; omit for one frame per step), easing, hold, loop
    fps = 20

    [[output]]                      # repeat; view 2d|3d|map|surface, path (format from extension)
    view = "2d"
    path = "seed.gif"

    task = "digits-mlp"             # instead of a surface: train a network and draw its paths on a
    [landscape]                     # slice of its loss landscape: plane pca|random|points:A,B,C,
    plane = "pca"                   # resolution, record_every, loss train|test, both_grids, line "A,B",
                                    # device cpu|cuda|auto, scheduler local|processes:N|tcp://HOST:PORT
                                    # (with steps, batch_size, seed, box above)
    experiment = "run.npz"          # (top level) draw a saved experiment instead of running one

    interactive = true              # (top level) .html outputs are the interactive page: click to start,
                                    # sliders for each optimizer, the runs computed live in the browser
    max_size = "2MB"                # (top level) fit every GIF into this many bytes; mp4 = true also
                                    # writes an MP4 beside every GIF
    engine = "manim"                # (top level) render with manim instead of matplotlib, and then
    [manim]                         # scene rolling|topdown|swarm|rules|lecture, quality preview|720p30|
    scene = "rolling"               # 1080p30|1080p60|1440p60|4k, transparent (needs .mov or .webm),
                                    # chapters = "1,3-5" (the lecture's chapters to render; default all),
                                    # pace = 0.5 (a quick draft of the lecture: every beat half as long),
                                    # voice = "piper" (who speaks the lecture: piper, espeak,
                                    # recorded:DIR[+piper], none), lecture = "my.md" (the lecture
                                    # file to render; default the built-in one; `optviz lecture`)

Every key is checked before anything runs: unknown keys, wrong types and out-of-range values raise an
OptvizError naming the key (the CLI prints it and exits 2, writing nothing).
"""
from __future__ import annotations

import textwrap
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..data.files import check_writable
from ..errors import OptvizError

_NUM = (int, float)
TOP = {"surface": str, "steps": int, "starts": (list, int), "noise": _NUM, "seed": int, "dtype": str,
       "batch_size": int, "cloud": int,
       "box": list, "max_size": (str, int), "mp4": bool, "interactive": bool, "optimizer": list, "style": dict, "time": dict,
       "output": list, "engine": str, "manim": dict, "task": str, "landscape": dict, "experiment": str}
RUN_KEYS = ("surface", "steps", "starts", "noise", "batch_size", "cloud", "seed", "dtype", "box", "task", "experiment")
LANDSCAPE = {"plane": str, "resolution": int, "record_every": int, "loss": str, "both_grids": bool, "line": str,
             "device": str, "scheduler": str}
MANIM = {"scene": str, "quality": str, "transparent": bool, "chapters": str, "pace": _NUM, "voice": str, "lecture": str}
ENGINES = ("matplotlib", "manim")
STYLE = {"preset": str, "theme": str, "width": int, "height": int, "loss_panel": bool, "arrows": list,
         "trail": int, "color_by": str, "show_minima": bool, "title": str, "camera": str, "elev": _NUM,
         "azim": _NUM, "orbit": _NUM, "occlude": bool, "behind": str}
TIME = {"fps": int, "duration": _NUM, "easing": str, "hold": _NUM, "loop": bool}
OUTPUT = {"view": str, "path": str}
_TYPE_NAMES = {str: "a string", int: "an integer", bool: "true or false", list: "a list", dict: "a table"}


@dataclass
class RenderSpec:
    """A checked spec: the run's arguments, Style and Timeline keywords, and outputs (view, path)."""
    run: dict = field(default_factory=dict)
    style: dict = field(default_factory=dict)
    time: dict = field(default_factory=dict)
    outputs: list = field(default_factory=list)
    engine: str = "matplotlib"
    manim: dict = field(default_factory=dict)
    max_size: str | int | None = None   # GIF size budget, e.g. "2MB" (see render.budget)
    mp4: bool = False                   # also write an MP4 beside every GIF
    interactive: bool = False           # .html outputs are the interactive page

    def build(self):
        """Style and Timeline objects (validating their values)."""
        from ..render.style import Style
        from ..render.timeline import Timeline
        style = dict(self.style)
        if "arrows" in style:
            style["arrows"] = tuple(style["arrows"])
        return Style(**style), Timeline(**self.time)


def _type_ok(value, expected) -> bool:
    types = expected if isinstance(expected, tuple) else (expected,)
    if isinstance(value, bool):
        return bool in types
    if float in types and isinstance(value, int):
        return True
    return isinstance(value, types)


def _describe(expected) -> str:
    types = expected if isinstance(expected, tuple) else (expected,)
    if types == _NUM:
        return "a number"
    return " or ".join(_TYPE_NAMES.get(t, t.__name__) for t in types)


def check_table(table: dict, schema: dict, where: str) -> dict:
    for key, value in table.items():
        name = f"{where}{key}"
        if key not in schema:
            raise OptvizError(f"unknown key {name!r}; choose from: {', '.join(where + k for k in sorted(schema))}")
        if not _type_ok(value, schema[key]):
            raise OptvizError(f"{name} must be {_describe(schema[key])}, got {value!r}")
    return table


def parse_spec(doc: dict, source: str = "spec") -> RenderSpec:
    """Check a parsed TOML document and turn it into a RenderSpec."""
    try:
        check_table(doc, TOP, "")
        run = {k: doc[k] for k in RUN_KEYS if k in doc}
        run.update(check_table(doc.get("landscape", {}), LANDSCAPE, "landscape."))
        if "steps" in run and run["steps"] < 0:
            raise OptvizError(f"steps must be >= 0, got {run['steps']}")
        opts = []
        for i, o in enumerate(doc.get("optimizer", [])):
            if not isinstance(o, dict) or not isinstance(o.get("name"), str):
                raise OptvizError(f"optimizer[{i}] needs a name, e.g. name = \"adam\"")
            hp = {k: v for k, v in o.items() if k not in ("name", "label", "schedule")}
            if not isinstance(o.get("schedule", ""), str):
                raise OptvizError(f"optimizer[{i}].schedule must be a string such as \"cosine\"")
            opts.append((o["name"], hp, o.get("label", ""), o.get("schedule")))
        run["optimizers"] = opts
        style = check_table(doc.get("style", {}), STYLE, "style.")
        time = check_table(doc.get("time", {}), TIME, "time.")
        outputs = []
        for i, out in enumerate(doc.get("output", [])):
            if not isinstance(out, dict):
                raise OptvizError(f"output[{i}] must be a table with view and path")
            check_table(out, OUTPUT, f"output[{i}].")
            if "path" not in out:
                raise OptvizError(f"output[{i}] needs a path, e.g. path = \"out.gif\"")
            outputs.append((out.get("view", "2d"), str(check_writable(out["path"]))))
        engine = doc.get("engine", "matplotlib")
        if engine not in ENGINES:
            raise OptvizError(f"unknown engine {engine!r}; choose from: {', '.join(ENGINES)}")
        manim = check_table(doc.get("manim", {}), MANIM, "manim.")
        spec = RenderSpec(run=run, style=style, time=time, outputs=outputs, engine=engine, manim=manim,
                          max_size=doc.get("max_size"), mp4=doc.get("mp4", False),
                          interactive=doc.get("interactive", False))
        if spec.max_size is not None:
            from ..render.budget import parse_size
            parse_size(spec.max_size)
        spec.build()
        if engine == "manim":
            from ..render.manim_video import check_request
            for _, path in outputs:
                check_request(path, manim.get("scene", "rolling"), manim.get("quality", "720p30"),
                              manim.get("transparent", False))
            if "chapters" in manim:
                if manim.get("scene") != "lecture":
                    raise OptvizError(f"chapters {manim['chapters']!r} picks chapters of the lecture (scene lecture), "
                                      f"not of {manim.get('scene', 'rolling')!r}")
                from ..lecture.runs import chapter_keys
                from ..lecture.video import select
                select(manim["chapters"], chapter_keys(manim.get("lecture")))
            if "voice" in manim:
                if manim.get("scene") != "lecture":
                    raise OptvizError(f"voice {manim['voice']!r} speaks the lecture (scene lecture), "
                                      f"not {manim.get('scene', 'rolling')!r}")
                from ..lecture.voice import check_voice_spec
                check_voice_spec(manim["voice"])
            if "lecture" in manim and manim.get("scene") != "lecture":
                raise OptvizError(f"lecture {manim['lecture']!r} is rendered by scene lecture, not "
                                  f"{manim.get('scene', 'rolling')!r}")
            if "pace" in manim and not 0.05 <= manim["pace"] <= 4:
                raise OptvizError(f"manim.pace must be from 0.05 to 4 (1 is the lecture's own pace), got {manim['pace']!r}")
        else:
            from ..render.outputs import check_output
            for view, path in outputs:
                check_output(path, view)
        return spec
    except OptvizError as exc:
        raise OptvizError(f"{source}: {exc}") from None
    except TypeError as exc:  # a value of the right type the dataclasses still refuse
        raise OptvizError(f"{source}: {exc}") from None


TABLES = {"(top level)": TOP, "[landscape]": LANDSCAPE, "[manim]": MANIM, "[style]": STYLE, "[time]": TIME,
          "[[output]]": OUTPUT}


def reference() -> str:
    """The spec format as `optviz spec` prints it and the docs show it: an annotated spec (this module's
    docstring), then every key each table accepts with its type (the tables the checker uses)."""
    example = __doc__.split("\n\n", 1)[1].rsplit("\n\n", 1)[0]
    lines = ["A render spec is a TOML file; every key is optional but the outputs. An annotated one:", "",
             example, "", "Every key, by table (anything else is refused, naming the key):", ""]
    for table, schema in TABLES.items():
        keys = ", ".join(f"{k} ({_describe(t)})" for k, t in schema.items() if k not in TABLES_INSIDE)
        lines += textwrap.wrap(f"{table}: {keys}", 100, subsequent_indent="    ")
    lines += textwrap.wrap("[[optimizer]]: name (a string), label (a string), schedule (a string), and the "
                           "optimizer's hyperparameters (optviz list shows them)", 100, subsequent_indent="    ")
    return "\n".join(lines) + "\n"


TABLES_INSIDE = ("optimizer", "style", "time", "output", "manim", "landscape")   # tables, listed on their own


def load_spec(path) -> RenderSpec:
    path = Path(path)
    from ..lecture import LECTURE_SUFFIXES
    if path.suffix.lower() in LECTURE_SUFFIXES:   # a lecture file where a render spec goes
        raise OptvizError(f"{str(path)!r} is a lecture file, not a TOML spec: render it with `optviz lecture "
                          f"{path} -o lecture.mp4`; `optviz slides --lecture lecture.mp4` cuts the deck from that")
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise OptvizError(f"spec file {str(path)!r} not found") from None
    except IsADirectoryError:
        raise OptvizError(f"spec file {str(path)!r} is a folder; name a .toml file (optviz examples copy DIR "
                          f"writes one to start from)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise OptvizError(f"cannot read the spec file {str(path)!r}: {getattr(exc, 'strerror', None) or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise OptvizError(f"{path.name}: not valid TOML: {exc}") from None
    return parse_spec(doc, path.name)
