"""The `optviz` command line: `list`, `trajectory` (and the renderers' commands).

User errors print one line, `optviz: error: ...`, and exit with status 2; nothing is written.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import OptvizError


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2 (argparse would print the whole usage first)
        raise OptvizError(message)


def parse_point(text: str) -> tuple[float, float]:
    try:
        x, y = (float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad start {text!r}; write two numbers as x,y (e.g. 7,7)") from None
    return x, y


def add_run_arguments(p: argparse.ArgumentParser) -> None:
    """The flags that define a run, shared by `trajectory` and `render`."""
    p.add_argument("--surface", default="pathological", help="registered name or expression in x, y")
    p.add_argument("--optimizer", action="append", metavar="NAME[:k=v,...][@SCHEDULE]",
                   help="e.g. adam:lr=1, or sgd:lr=1@cosine with a learning-rate schedule (repeatable; "
                        "default adam)")
    p.add_argument("--start", action="append", type=parse_point, metavar="X,Y", help="repeatable")
    p.add_argument("--starts", type=int, metavar="N", help="N seeded random starts in the surface's box")
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    p.add_argument("--noise", type=float, default=0.0, help="std of Gaussian gradient noise")
    p.add_argument("--batch-size", dest="batch_size", type=int, metavar="B",
                   help="mini-batch gradients of B points (data surfaces: least-squares, logistic)")
    p.add_argument("--cloud", type=int, metavar="K", help="run every start K times with its own noise")
    p.add_argument("--seed", type=int, default=0)


def run_from_args(args) -> dict:
    """The run options the shared flags give (only those given, so a spec's values can stand)."""
    if args.start and args.starts:
        raise OptvizError("give either --start points or --starts N, not both")
    run = {k: getattr(args, k) for k in ("surface", "steps", "dtype", "noise", "batch_size", "cloud", "seed")
           if getattr(args, k) is not None}
    if args.start or args.starts:
        run["starts"] = args.start or args.starts
    if args.optimizer:
        run["optimizers"] = list(args.optimizer)
    return run


class _progress:
    """A tqdm bar on stderr for long work (silent when stderr is not a terminal or work is small)."""

    def __init__(self, total, desc, unit, minimum=2_000_000):
        self.args = dict(total=total, desc=desc, unit=unit, unit_scale=True, leave=False, disable=None)
        self.on = total >= minimum

    def __enter__(self):
        if not self.on:
            self.bar = None
            return None
        from tqdm import tqdm
        self.bar = tqdm(**self.args)
        return self.bar

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.close()
        return False


def cmd_trajectory(args) -> int:
    from .experiment import FORMATS
    fmt = Path(args.output).suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise OptvizError(f"unknown output format {fmt!r} for {args.output!r}; choose from: {', '.join(FORMATS)}")
    simulate_spec(run_from_args(args)).save(args.output)
    return 0


def cmd_list(args) -> int:
    from .optimizers import OPTIMIZERS
    from .surfaces import SURFACES

    out = sys.stdout
    out.write("Surfaces (name: box, default start, minima)\n")
    for name, s in SURFACES.items():
        (x0, x1), (y0, y1) = s.box
        minima = "; ".join(f"({m.x:.4g}, {m.y:.4g}){'' if m.kind == 'global' else ' ' + m.kind}"
                           for m in s.minima) or "none finite"
        out.write(f"  {name:13s} [{x0:g}, {x1:g}] x [{y0:g}, {y1:g}]  start ({s.start[0]:g}, {s.start[1]:g})"
                  f"  minima {minima}\n")
    out.write("  or an expression in x, y, e.g. --surface 'x**2 + 10*sin(y)'\n\n")
    out.write("Optimizers (name: defaults; update rule)\n")
    for name, o in OPTIMIZERS.items():
        defaults = ", ".join(f"{k}={v}" for k, v in o.defaults.items())
        out.write(f"  {name:15s} {defaults}\n")
        for line in o.rule.splitlines():
            out.write(f"  {'':15s}   {line}\n")
    out.write("  or a class by import path, e.g. --optimizer mypkg.opt:MyOptimizer:lr=0.1\n")
    return 0


def add_render_arguments(p: argparse.ArgumentParser) -> None:
    """Look-and-time flags for `render`; None means "not given" so a spec's value stands."""
    p.add_argument("--view", choices=["2d", "3d", "grid", "map", "surface"])
    p.add_argument("--preset", help="blog (800x600), slide (1920x1080) or square (1080x1080)")
    p.add_argument("--theme", help="light or dark")
    p.add_argument("--width", type=int)
    p.add_argument("--height", type=int)
    p.add_argument("--fps", type=int)
    p.add_argument("--duration", type=float, help="seconds (default: one frame per step)")
    p.add_argument("--hold", type=float, help="seconds to hold the last frame")
    p.add_argument("--easing", help="linear, ease-in, ease-out or ease-in-out")
    p.add_argument("--loss-panel", action="store_true", default=None)
    p.add_argument("--arrows", help="comma-separated: gradient,velocity")
    p.add_argument("--trail", type=int, help="steps of fading trail (0: whole path)")
    p.add_argument("--color-by", dest="color_by", help="optimizer or minimum")
    p.add_argument("--camera", help="3-D camera: fixed or orbit")
    p.add_argument("--elev", type=float, help="3-D camera elevation, degrees (default 30, the seed's)")
    p.add_argument("--azim", type=float, help="3-D camera azimuth, degrees (default 75, the seed's)")
    p.add_argument("--no-occlusion", dest="occlude", action="store_false", default=None,
                   help="3-D: draw balls and trails over the surface even where it hides them")
    p.add_argument("--title")
    p.add_argument("--workers", type=int, help="processes rendering frames (default: up to 4)")
    p.add_argument("--max-size", dest="max_size", metavar="SIZE",
                   help="fit GIFs into SIZE (e.g. 2MB) by lowering fps, colours, then scale")
    p.add_argument("--mp4", action="store_true", default=None, help="also write an MP4 beside every GIF")
    p.add_argument("--engine", help="matplotlib (default) or manim")
    p.add_argument("--scene", help="manim scene: rolling, topdown, swarm, rules, lecture")
    p.add_argument("--quality", help="manim quality: preview, 720p30, 1080p30, 1080p60, 1440p60, 4k")
    p.add_argument("--transparent", action="store_true", default=None, help="manim: alpha channel (.mov/.webm)")


def spec_from_args(args):
    """The spec file (if any) overlaid with the flags that were given."""
    from .spec import RenderSpec, load_spec, parse_spec

    spec = load_spec(args.spec) if args.spec else RenderSpec(run={"optimizers": []})
    run = {**spec.run, **run_from_args(args)}
    style = {k: getattr(args, k) for k in ("preset", "theme", "width", "height", "loss_panel", "trail",
                                           "color_by", "camera", "title", "occlude", "elev", "azim") if getattr(args, k) is not None}
    if args.arrows is not None:
        style["arrows"] = [a.strip() for a in args.arrows.split(",") if a.strip()]
    time = {k: getattr(args, k) for k in ("fps", "duration", "hold", "easing") if getattr(args, k) is not None}
    doc_outputs = spec.outputs
    if args.output:
        view = args.view or (doc_outputs[0][0] if doc_outputs else "2d")
        doc_outputs = [(view, args.output)]
    elif args.view:
        doc_outputs = [(args.view, path) for _, path in doc_outputs]
    if not doc_outputs:
        raise OptvizError("no output: give -o FILE (e.g. -o out.gif) or [[output]] tables in the spec")
    merged = {**spec.style, **style}
    manim = {**spec.manim, **{k: getattr(args, k) for k in ("engine", "scene", "quality", "transparent")
                              if getattr(args, k) is not None}}
    engine = manim.pop("engine", "matplotlib")
    checked = parse_spec({"style": merged, "time": {**spec.time, **time}, "engine": engine, "manim": manim,
                          "output": [{"view": v, "path": p} for v, p in doc_outputs]},
                         args.spec or "command line")
    checked.run = run
    if args.max_size is not None:
        from .render.budget import parse_size
        parse_size(args.max_size)
        checked.max_size = args.max_size
    else:
        checked.max_size = spec.max_size
    checked.mp4 = args.mp4 if args.mp4 is not None else spec.mp4
    return checked


def simulate_spec(run: dict, progress_label="simulating"):
    """Run the simulation a checked spec describes."""
    from .engine import simulate
    from .optimizers import OptimizerSpec, parse_optimizer, validate_spec

    opts = []
    for item in run.get("optimizers") or ["adam"]:
        if isinstance(item, str):
            opts.append(parse_optimizer(item))
        else:
            name, hp, label, schedule = item
            spec = OptimizerSpec(name, hp, label, schedule)
            validate_spec(spec)
            opts.append(spec)
    starts = run.get("starts")
    n = (len(starts) if isinstance(starts, list) else (starts or 1)) * run.get("cloud", 1)
    steps = run.get("steps", 100)
    with _progress(len(opts) * n * max(steps, 0), progress_label, "ball-steps") as bar:
        return simulate(run.get("surface", "pathological"), opts, starts, steps,
                        dtype=run.get("dtype", "float32"), noise=run.get("noise", 0.0),
                        batch_size=run.get("batch_size"), cloud=run.get("cloud", 1), seed=run.get("seed", 0),
                        box=run.get("box"), progress=bar.update if bar else None)


def render_spec(spec, workers=None, exp=None) -> list[Path]:
    """Simulate (unless given `exp`) and write every output of a checked spec."""
    from .render.animate import render

    style, timeline = spec.build()
    lecture = spec.engine == "manim" and spec.manim.get("scene") == "lecture"
    exp = exp if exp is not None or lecture else simulate_spec(spec.run)  # the lecture computes its own runs
    if spec.engine == "manim":
        from .render.manim_video import render_manim
        m = spec.manim
        # manim videos are dark (3Blue1Brown style) unless a theme is asked for
        options = {"theme": spec.style.get("theme", "dark"),
                   **({"duration": timeline.duration} if timeline.duration else {}),
                   **({"orbit": 0} if style.camera == "fixed" and "camera" in spec.style else {})}
        return [render_manim(exp, path, scene=m.get("scene", "rolling"), quality=m.get("quality", "720p30"),
                             transparent=m.get("transparent", False), options=options, workers=workers)
                for _, path in spec.outputs]
    written = []
    outputs = list(spec.outputs)
    if spec.mp4:
        outputs += [(v, str(Path(p).with_suffix(".mp4"))) for v, p in spec.outputs
                    if Path(p).suffix.lower() == ".gif" and (v, str(Path(p).with_suffix(".mp4"))) not in outputs]
    for view, path in outputs:
        frames = len(timeline.frame_steps(exp.steps)) if view in ("2d", "3d", "grid") else 0
        budget = spec.max_size if Path(path).suffix.lower() == ".gif" else None
        with _progress(frames if budget is None else 0, f"rendering {Path(path).name}", "frames", minimum=60) as bar:
            written.append(render(exp, path, view=view, style=style, timeline=timeline,
                                  progress=bar.update if bar else None, workers=workers, max_size=budget,
                                  report=lambda line: print(line, file=sys.stderr)))
    return written


def cmd_render(args) -> int:
    spec = spec_from_args(args)
    render_spec(spec, workers=args.workers)
    return 0


def cmd_gallery(args) -> int:
    from .gallery import render_gallery
    render_gallery(args.directory, only=args.only, force=args.force, workers=args.workers,
                   report=lambda line: print(line, file=sys.stderr))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="optviz", description="Optimizer trajectories on 2-D loss surfaces, and their pictures.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sub.add_parser("list", help="surfaces and optimizers with their defaults").set_defaults(func=cmd_list)
    p = sub.add_parser("trajectory", help="simulate and save trajectories (.npz, .csv or .json)")
    add_run_arguments(p)
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.set_defaults(func=cmd_trajectory)

    p = sub.add_parser("render", help="animate or plot a run: GIF, MP4, WebM, HTML, PNG, SVG, PDF")
    p.add_argument("spec", nargs="?", help="a TOML spec (see optviz/spec.py); flags override it")
    add_run_arguments(p)
    for action in p._actions:  # for render, run flags default to "not given" so the spec's values stand
        if action.dest in ("surface", "steps", "dtype", "noise", "seed"):
            action.default = None
    add_render_arguments(p)
    p.add_argument("-o", "--output", metavar="FILE", help="output file; the format comes from its extension")
    p.set_defaults(func=cmd_render)

    from .experiments import add_parser
    add_parser(sub)

    p = sub.add_parser("gallery", help="render the default gallery (skips what is up to date)")
    p.add_argument("directory", nargs="?", default="assets")
    p.add_argument("--only", action="append", help="render only these gallery entries")
    p.add_argument("--force", action="store_true", help="render even what is up to date")
    p.add_argument("--workers", type=int)
    p.set_defaults(func=cmd_gallery)
    return parser


def main(argv=None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return args.func(args)
    except OptvizError as exc:
        print(f"optviz: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("optviz: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `optviz list | head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
