"""The `optviz` command: `list`, `trajectory`, `render`, `experiment` (the studies), `lecture`, `slides`, `gallery`, and the
commands about the installation: `doctor`, `cache`, `scenes`, `examples`, `spec`, `--version`.

User errors print one line, `optviz: error: ...`, and exit with status 2; nothing is written.
"""
from __future__ import annotations

import signal
import sys
from pathlib import Path

from ..data.files import check_writable
from ..errors import OptvizError
from ..parsing import Parser, argument, parse_workers
from ..version import __version__
from .args import add_render_arguments, add_run_arguments, run_from_args, spec_from_args
from .compute import simulate_spec
from .run import render_spec, report_written


def cmd_trajectory(args) -> int:
    from ..data.experiment import FORMATS
    fmt = Path(args.output).suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise OptvizError(f"unknown output format {fmt!r} for {args.output!r}; choose from: {', '.join(FORMATS)}")
    check_writable(args.output)
    simulate_spec(run_from_args(args), cache=not args.no_cache).save(args.output)
    report_written([args.output])
    return 0


def cmd_list(args) -> int:
    from ..core.optimizers import OPTIMIZERS
    from ..core.surfaces import SURFACES

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
    out.write("  or a torch.optim class by its own name in any case, e.g. --optimizer SGD:lr=0.1,momentum=0.9 or rprop\n")
    out.write("  or a class by import path, e.g. --optimizer mypkg.opt:MyOptimizer:lr=0.1\n")
    return 0


def cmd_render(args) -> int:
    if args.voice_script and not args.output and not args.spec:
        args.output = "lecture.mp4"   # the spec needs an output; --voice-script writes only the lines
    spec = spec_from_args(args)
    if args.voice_script:
        if spec.engine != "manim" or spec.manim.get("scene") != "lecture":
            raise OptvizError("--voice-script writes the lecture's lines to record: add --engine manim --scene lecture")
        from .run import write_voice_script_spec
        report_written(write_voice_script_spec(spec, args.voice_script))
        return 0
    report_written(render_spec(spec, workers=args.workers, cache=not args.no_cache))
    return 0


def cmd_slides(args) -> int:
    """The rendered lecture as a deck: the video named, or options from a spec (its output is the lecture),
    flags over them."""
    from ..lecture.deck import check_output, make_deck
    from ..progress import count_bar
    from .gallery import live_page_html
    from ..render.manim_video import LECTURE_FORMATS
    m, lecture = {}, args.lecture
    if args.spec and Path(args.spec).suffix.lower().lstrip(".") in LECTURE_FORMATS:   # the video itself
        if lecture:
            raise OptvizError(f"two lectures: {args.spec} and --lecture {lecture}; give one")
        lecture, args.spec = args.spec, None
    if args.spec:
        from .spec import load_spec
        spec = load_spec(args.spec)
        if spec.engine != "manim" or spec.manim.get("scene") != "lecture":
            raise OptvizError(f"{args.spec}: not a lecture spec (engine = \"manim\", [manim] scene = \"lecture\")")
        m = spec.manim
        lecture = lecture or (spec.outputs[0][1] if spec.outputs else None)
    check_output(args.to, args.output, args.one_file)
    live = None if args.no_live or args.to != "html" else live_page_html
    with count_bar("cutting slides", "clip") as bar:
        done = make_deck(args.output, to=args.to, one_file=args.one_file, lecture=lecture,
                         chapters=args.chapters or m.get("chapters"), quality=args.quality or m.get("quality"),
                         voice=args.voice or m.get("voice"), live_page=live, workers=args.workers, progress=bar)
    where = done["path"] / "index.html" if done["path"].is_dir() else done["path"]
    again = f", {done['clips re-encoded']} re-encoded (not on a keyframe)" if done["clips re-encoded"] else ""
    print(f"wrote {where}: {done['slides']} slides from {done['lecture']}{again}", file=sys.stderr)
    return 0


def cmd_gallery(args) -> int:
    from .gallery import render_gallery
    render_gallery(args.directory, only=args.only, force=args.force, workers=args.workers,
                   report=lambda line: print(line, file=sys.stderr), dry_run=args.dry_run)
    return 0


def cmd_cache(args) -> int:
    """`optviz cache`: where the cache is and what it holds; `optviz cache clear [PART]` empties it."""
    from .. import cache
    from ..data.files import human_size
    if args.action == "clear":
        freed = cache.clear(args.part)
        print(f"removed {human_size(freed)} from {cache.cache_root()}{'/' + args.part if args.part else ''}", file=sys.stderr)
        return 0
    if args.part:
        raise OptvizError(f"{args.part!r}: only `optviz cache clear` takes a part")
    parts = cache.usage()
    print(f"{cache.cache_root()} (set OPTVIZ_CACHE_DIR to move it; runs and scenes are kept under "
          f"{cache.size_limit() / 1e9:g} GB together, OPTVIZ_CACHE_SIZE)")
    for name, (files, size) in parts.items():
        print(f"  {name:8s} {files:6d} files  {human_size(size)}")
    if not parts:
        print("  empty")
    return 0


def cmd_doctor(args) -> int:
    from .doctor import run_doctor
    return run_doctor()


def cmd_spec(args) -> int:
    from . import spec
    sys.stdout.write(spec.reference())
    return 0


DOCS = "https://optviz.readthedocs.io"


def build_parser() -> Parser:
    parser = Parser(prog="optviz", description="Optimizer trajectories on 2-D loss surfaces, and their pictures.",
                    epilog=f"optviz doctor checks what works here; the documentation: {DOCS}")
    parser.add_argument("--version", action="version", version=f"optviz {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    sub.add_parser("list", help="surfaces and optimizers with their defaults").set_defaults(func=cmd_list)
    p = sub.add_parser("trajectory", help="simulate and save trajectories (.npz, .csv or .json)")
    add_run_arguments(p)
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.set_defaults(func=cmd_trajectory)

    p = sub.add_parser("render", help="animate or plot a run: GIF, MP4, WebM, HTML, PNG, SVG, PDF")
    p.add_argument("spec", nargs="?", help="a TOML spec; flags override it (`optviz spec` lists its keys, "
                   "`optviz examples` has a commented one: seed-race.toml)")
    add_run_arguments(p)
    add_render_arguments(p)
    p.add_argument("-o", "--output", metavar="FILE", help="output file; the format comes from its extension")
    p.set_defaults(func=cmd_render)

    from ..studies import add_parser
    add_parser(sub)

    from .lecture import add_parser as add_lecture
    add_lecture(sub)
    from .article import add_parser as add_article
    add_article(sub)

    p = sub.add_parser("slides", help="the rendered lecture as a deck: HTML (reveal.js, offline), PPTX or a PDF handout")
    p.add_argument("spec", nargs="?", help="the rendered lecture (.mp4, .webm or .mov; as --lecture), or its TOML "
                   "spec (its output is the lecture to cut)")
    p.add_argument("-o", "--output", metavar="PATH", help="a folder for the HTML deck (default lecture-deck), a "
                   ".html file with --one-file, a .pptx or .pdf file with --to")
    p.add_argument("--to", choices=["html", "pptx", "pdf"], default="html", help="html (default), pptx, pdf (a handout)")
    p.add_argument("--one-file", dest="one_file", action="store_true", help="the HTML deck as one file, clips inside")
    p.add_argument("--lecture", metavar="FILE", help="the rendered lecture (default: lecture.mp4, else assets/lecture.mp4)")
    p.add_argument("--chapters", metavar="LIST", help="the chapters to take, e.g. 1,3-5 (the lecture's numbering)")
    p.add_argument("--quality", help="the quality the lecture was rendered at (checked, not rendered)")
    p.add_argument("--voice", help="the voice the lecture was rendered with (checked, not rendered)")
    p.add_argument("--no-live", dest="no_live", action="store_true", help="leave out the live slide (the interactive page)")
    p.add_argument("--workers", type=argument(parse_workers), help="clips cut at once")
    p.set_defaults(func=cmd_slides)

    p = sub.add_parser("gallery", help="render the default gallery (skips what is up to date)")
    p.add_argument("directory", nargs="?", default="assets")
    p.add_argument("--only", action="append", help="render only this gallery entry (repeatable)")
    p.add_argument("--force", action="store_true", help="render even what is up to date")
    p.add_argument("-n", "--dry-run", dest="dry_run", action="store_true", help="say what would be rendered, render nothing")
    p.add_argument("--workers", type=argument(parse_workers), help="processes rendering frames")
    p.set_defaults(func=cmd_gallery)

    p = sub.add_parser("cache", help="what optviz's cache holds (runs, the lecture's voices and chapters); "
                                     "`optviz cache clear` empties it")
    p.add_argument("action", nargs="?", choices=["show", "clear"], default="show")
    p.add_argument("part", nargs="?", help="with clear: only this part (runs, lecture, voice)")
    p.set_defaults(func=cmd_cache)

    from .resources import cmd_examples, cmd_scenes
    sub.add_parser("doctor", help="what is installed and working here, and how to add what is missing"
                   ).set_defaults(func=cmd_doctor)
    p = sub.add_parser("scenes", help="the manim scenes the package carries; `optviz scenes path` prints their folder")
    p.add_argument("action", nargs="?", choices=["list", "path"], default="list")
    p.set_defaults(func=cmd_scenes)
    p = sub.add_parser("examples", help="the example scripts, specs and data; `optviz examples copy DIR` copies them")
    p.add_argument("action", nargs="?", choices=["list", "path", "copy"], default="list")
    p.add_argument("directory", nargs="?", help="where `copy` puts them")
    p.set_defaults(func=cmd_examples)
    sub.add_parser("spec", help="the keys of a render spec (TOML), with what each does").set_defaults(func=cmd_spec)
    return parser


class Terminated(KeyboardInterrupt):
    """SIGTERM (a `timeout`, a CI job, a closed terminal), handled as Ctrl-C is: temp files removed."""


def _terminate(signum, frame):
    raise Terminated()


def main(argv=None) -> int:
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        args = build_parser().parse_args(argv)
        return args.func(args)
    except OptvizError as exc:
        lines = str(exc).splitlines() or [""]
        # a lecture file's problems: one line each, FILE:LINE: message
        print(f"optviz: error: {lines[0]}" if len(lines) == 1 else "\n".join(lines), file=sys.stderr)
        return 2
    except Terminated:
        print("optviz: terminated", file=sys.stderr)
        return 128 + signal.SIGTERM
    except KeyboardInterrupt:
        print("optviz: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `optviz list | head`
        sys.stderr.close()
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)

