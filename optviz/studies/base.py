"""What every study shares: the registry STUDIES (name -> Study) filled by the `study` decorator, the
options every study's subcommand takes (look, frame rate, formats, workers), output paths, and the
`optviz experiment` command that runs a study and names what it wrote.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..data.files import check_writable, confirm_written
from ..errors import OptvizError, unknown
from ..parsing import Parser, argument, parse_workers


@dataclass(frozen=True)
class Study:
    name: str
    help: str
    arguments: Callable      # arguments(parser): adds the study's flags
    run: Callable            # run(args) -> list[Path] written


STUDIES: dict[str, Study] = {}


def study(name: str, help: str, arguments: Callable):
    """Register `run(args) -> list[Path]` as `optviz experiment NAME`; `arguments(parser)` adds its flags."""
    def wrap(fn):
        STUDIES[name] = Study(name, help, arguments, fn)
        return fn
    return wrap


def output_paths(prefix: str, *suffixes: str) -> list[Path]:
    """PREFIX with each suffix (checked writable before any work)."""
    base = Path(prefix)
    base = base.with_suffix("") if base.suffix in (".png", ".gif", ".mp4", ".csv", ".npz") else base
    return [check_writable(base.parent / f"{base.name}{s}") for s in suffixes]


def animation_paths(base: Path, formats: str) -> list[Path]:
    from ..render.outputs import VIDEO_FORMATS
    out = []
    for fmt in (f.strip().lower() for f in formats.split(",") if f.strip()):
        if fmt not in VIDEO_FORMATS or fmt == "png":
            raise OptvizError(f"unknown animation format {fmt!r}; choose from: gif, mp4, webm, html")
        out.append(check_writable(base.parent / f"{base.name}.{fmt}"))
    return out


def extra_formats(output: str, formats: str) -> list[Path]:
    """`output`, then the same animation in every other format of `formats` (unless that is just gif)."""
    return [Path(output)] + [p for p in animation_paths(Path(output).with_suffix(""), formats)
                             if p.suffix != Path(output).suffix and formats != "gif"]


def add_style_arguments(p):
    p.add_argument("--preset", default="blog")
    p.add_argument("--theme", default="light")
    p.add_argument("--fps", type=int, default=20)
    p.add_argument("--formats", default="gif", help="animation formats, comma-separated: gif, mp4, webm")
    p.add_argument("--workers", type=argument(parse_workers), help="processes rendering frames")


# ---- the `optviz experiment` command -----------------------------------------------------------------

def add_parser(sub) -> None:
    p = sub.add_parser("experiment", help="studies: " + ", ".join(STUDIES))
    inner = p.add_subparsers(dest="experiment", required=True, parser_class=type(p))
    for s in STUDIES.values():
        s.arguments(inner.add_parser(s.name, help=s.help, description=s.help))
    p.set_defaults(func=cmd_experiment)


def cmd_experiment(args) -> int:
    if args.experiment not in STUDIES:
        raise unknown("experiment", args.experiment, STUDIES)
    for path in confirm_written(STUDIES[args.experiment].run(args)):
        print(f"wrote {path}", file=sys.stderr)
    return 0


def run_argv(argv: list[str]) -> list[Path]:
    """Run a study from its command-line words (`["minima", "--seeds", "3"]`); returns what it wrote."""
    parser = Parser(prog="optviz")
    add_parser(parser.add_subparsers(dest="command", required=True, parser_class=Parser))
    args = parser.parse_args(["experiment", *argv])
    return STUDIES[args.experiment].run(args)
