"""The flags that define a run (`trajectory`, `render`) and a render's look and time, and how they
overlay a spec file: flags that were given win, the spec's values stand for the rest.
"""
from __future__ import annotations

import argparse

from ..errors import OptvizError
from ..parsing import argument, parse_point, parse_workers
from .spec import RenderSpec, load_spec, parse_spec


def add_run_arguments(p: argparse.ArgumentParser) -> None:
    """The flags that define a run, shared by `trajectory` and `render`."""
    p.add_argument("--surface", help="registered name or expression in x, y (default pathological)")
    p.add_argument("--optimizer", action="append", metavar="NAME[:k=v,...][@SCHEDULE]",
                   help="e.g. adam:lr=1, or sgd:lr=1@cosine with a learning-rate schedule (repeatable; "
                        "default adam)")
    p.add_argument("--start", action="append", type=argument(parse_point), metavar="X,Y", help="repeatable")
    p.add_argument("--starts", type=int, metavar="N", help="N seeded random starts in the surface's box")
    p.add_argument("--steps", type=int, help="optimizer steps (default 100; 300 on a task)")
    p.add_argument("--dtype", choices=["float32", "float64"], help="default float32")
    p.add_argument("--noise", type=float, help="std of Gaussian gradient noise")
    p.add_argument("--batch-size", dest="batch_size", type=int, metavar="B",
                   help="mini-batch gradients of B points (data surfaces: least-squares, logistic; tasks)")
    p.add_argument("--cloud", type=int, metavar="K", help="run every start K times with its own noise")
    p.add_argument("--seed", type=int, help="default 0")
    p.add_argument("--no-cache", dest="no_cache", action="store_true",
                   help="compute the runs (and draw the static pictures) even if cached, and keep nothing "
                        "(`optviz cache` shows the cache)")
    g = p.add_argument_group("real networks", "train a task's model and draw its paths on a slice of its landscape")
    g.add_argument("--task", help="digits-mlp, digits-cnn, moons-mlp, or pkg.mod:make_task (instead of --surface)")
    g.add_argument("--plane", help="pca[:CENTRE] (default), random[:CENTRE] or points:A,B,C; points are init, an "
                                   "optimizer's name or its 1-based index (its end)")
    g.add_argument("--resolution", type=int, help="grid points along each axis of the slice (default 51)")
    g.add_argument("--record-every", dest="record_every", type=int, metavar="K",
                   help="record the weights every K steps (default: about 150 records)")
    g.add_argument("--loss", help="the loss drawn: train (default) or test")
    g.add_argument("--both-grids", dest="both_grids", action="store_true", default=None,
                   help="evaluate the train and the test loss on the grid")
    g.add_argument("--line", metavar="A,B", help="also the 1-D loss profile along the line from A to B")
    g.add_argument("--device", help="cpu (default), cuda or auto: where the runs, the training and the grid are "
                                    "computed")
    g.add_argument("--scheduler", help="where the grid is computed: local (default), processes:N, or a Dask "
                                       "scheduler's address tcp://HOST:8786")


RUN_FLAGS = ("surface", "steps", "dtype", "noise", "batch_size", "cloud", "seed", "task", "plane", "resolution",
             "record_every", "loss", "both_grids", "line", "device", "scheduler")


def run_from_args(args) -> dict:
    """The run options the shared flags give (only those given, so a spec's values can stand)."""
    if args.start and args.starts:
        raise OptvizError("give either --start points or --starts N, not both")
    run = {k: getattr(args, k) for k in (*RUN_FLAGS, "experiment") if getattr(args, k, None) is not None}
    if args.start or args.starts:
        run["starts"] = args.start or args.starts
    if args.optimizer:
        run["optimizers"] = list(args.optimizer)
    return run


def add_render_arguments(p: argparse.ArgumentParser) -> None:
    """Look-and-time flags for `render`; None means "not given" so a spec's value stands."""
    p.add_argument("--experiment", metavar="FILE.npz", help="draw a saved experiment (optviz trajectory -o "
                                                            "FILE.npz) instead of running one")
    p.add_argument("--view", choices=["2d", "3d", "grid", "map", "surface", "line"])
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
    p.add_argument("--behind", help="3-D, what the surface hides: hide, ghost (faint, dashed) or auto "
                                    "(ghost on a network's landscape)")
    p.add_argument("--title")
    p.add_argument("--workers", type=argument(parse_workers), help="processes rendering frames (default: up to 4)")
    p.add_argument("--max-size", dest="max_size", metavar="SIZE",
                   help="fit GIFs into SIZE (e.g. 2MB) by lowering fps, colours, then scale")
    p.add_argument("--mp4", action="store_true", default=None, help="also write an MP4 beside every GIF")
    p.add_argument("--interactive", action="store_true", default=None,
                   help="an .html output is the interactive page: drop a ball, move sliders, runs computed live")
    p.add_argument("--engine", help="matplotlib (default) or manim")
    p.add_argument("--scene", help="manim scene: rolling, topdown, swarm, rules, lecture")
    p.add_argument("--quality", help="manim quality: preview, 720p30, 1080p30, 1080p60, 1440p60, 4k")
    p.add_argument("--transparent", action="store_true", default=None, help="manim: alpha channel (.mov/.webm)")
    p.add_argument("--chapters", metavar="LIST", help="manim lecture: the chapters to render, e.g. 1,3-5 (default: all 8)")
    p.add_argument("--pace", type=float, help="manim lecture: every beat this many times its length, "
                   "e.g. 0.5 for a quick draft (default 1)")
    p.add_argument("--voice", help="manim lecture: who speaks it: piper (default: a neural voice, optviz[voice]), "
                   "espeak, recorded:DIR (your recordings; recorded:DIR+piper fills the rest) or none (silent draft)")
    p.add_argument("--voice-script", dest="voice_script", metavar="DIR",
                   help="manim lecture: write the lines to record into DIR (a text file per line, a cue sheet, "
                   "a how-to) instead of rendering")


def spec_from_args(args):
    """The spec file (if any) overlaid with the flags that were given."""
    spec = load_spec(args.spec) if args.spec else RenderSpec(run={"optimizers": []})
    run = {**spec.run, **run_from_args(args)}
    style = {k: getattr(args, k) for k in ("preset", "theme", "width", "height", "loss_panel", "trail",
                                           "color_by", "camera", "title", "occlude", "elev", "azim", "behind")
             if getattr(args, k) is not None}
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
    manim = {**spec.manim, **{k: getattr(args, k) for k in ("engine", "scene", "quality", "transparent", "chapters", "pace", "voice")
                              if getattr(args, k) is not None}}
    engine = manim.pop("engine", None) or spec.engine   # a spec file's engine holds unless --engine says
    checked = parse_spec({"style": merged, "time": {**spec.time, **time}, "engine": engine, "manim": manim,
                          "output": [{"view": v, "path": p} for v, p in doc_outputs]},
                         args.spec or "command line")
    checked.run = run
    if args.max_size is not None:
        from ..render.budget import parse_size
        parse_size(args.max_size)
        checked.max_size = args.max_size
    else:
        checked.max_size = spec.max_size
    checked.mp4 = args.mp4 if args.mp4 is not None else spec.mp4
    checked.interactive = args.interactive if args.interactive is not None else spec.interactive
    return checked
