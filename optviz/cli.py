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
    p.add_argument("--optimizer", action="append", metavar="NAME[:k=v,...]",
                   help="e.g. adam:lr=1 (repeatable; default adam)")
    p.add_argument("--start", action="append", type=parse_point, metavar="X,Y", help="repeatable")
    p.add_argument("--starts", type=int, metavar="N", help="N seeded random starts in the surface's box")
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    p.add_argument("--noise", type=float, default=0.0, help="std of Gaussian gradient noise")
    p.add_argument("--seed", type=int, default=0)


def run_from_args(args):
    """Simulate what the run flags describe, with a progress bar for long work."""
    from .engine import simulate

    if args.start and args.starts:
        raise OptvizError("give either --start points or --starts N, not both")
    starts = args.start or args.starts
    n_opt = len(args.optimizer or ["adam"])
    n_starts = len(args.start) if args.start else (args.starts or 1)
    total = n_opt * n_starts * max(args.steps, 0)
    with _progress(total, "simulating", "ball-steps") as bar:
        return simulate(args.surface, args.optimizer or ["adam"], starts, args.steps, dtype=args.dtype,
                        noise=args.noise, seed=args.seed, progress=bar.update if bar else None)


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
    exp = run_from_args(args)
    exp.save(args.output)
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


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="optviz", description="Optimizer trajectories on 2-D loss surfaces, and their pictures.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sub.add_parser("list", help="surfaces and optimizers with their defaults").set_defaults(func=cmd_list)
    p = sub.add_parser("trajectory", help="simulate and save trajectories (.npz, .csv or .json)")
    add_run_arguments(p)
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.set_defaults(func=cmd_trajectory)
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
