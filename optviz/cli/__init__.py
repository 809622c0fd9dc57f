"""The command line: `optviz list | trajectory | render | experiment | gallery | doctor | scenes | examples |
spec`.

commands the parser and the commands; `main(argv)` turns user errors into one line and exit status 2
args     the run, look and time flags, overlaid on a spec file
spec     TOML render specs, checked key by key before anything runs
compute  a checked spec's run computed (or read from the cache)
run      carrying out a checked spec: compute its run, then write every output (matplotlib or manim)
ahead    a first render's runs computed in a child forked first thing, while the spec is read and the
         renderers are imported
imports  heavy imports without the garbage collector, in optviz's own processes
gallery  the entries `make render` writes into assets/, skipping what is up to date
browser  headless Chromium for the interactive page (the gallery's screenshot, its tests and bench)
doctor   what is installed and working here, each missing piece with the command that installs it
resources  what the package carries besides code: the manim scenes and the examples, wherever installed

`optviz experiment NAME` is the studies' own subcommands (`optviz.studies`).

May import: optviz.errors, optviz.extras, optviz.version, optviz.parsing, optviz.progress, optviz.cache, optviz.data, optviz.core,
optviz.render, optviz.studies, optviz.lecture (all but the notebook front end); third-party: numpy, playwright
(the gallery's screenshot of the interactive page, when installed), torch (the doctor's CUDA check),
cairo, manimpango (the doctor reads their versions).
"""

import atexit
import os
import sys


def main(argv=None) -> int:
    """Run the command line (`optviz ...`); returns the exit status."""
    from .imports import heavy
    with heavy():
        from .commands import main as run
    return run(argv)


def command(leave: bool = True) -> int:
    """The `optviz` process's entry: `main()`, then (`leave`) out of the process without tearing it
    down. What an interpreter's exit does that matters is done (the streams flushed, atexit run: a
    manim server ended, logs flushed); what it does beyond that, collecting and freeing every object
    still alive one by one (a 3-D scene's figure, matplotlib, numpy: 0.02 s of a 1 s re-render), is
    left to the operating system. Nothing is lost: outputs are written in `with` blocks and renamed
    before `main` returns. `leave=False` returns the status instead (a caller that goes on)."""
    from . import ahead, imports
    imports.own()
    ahead.start(sys.argv[1:])   # `optviz render`: the child that may compute its runs starts on torch now
    try:
        status = main()
    finally:
        ahead.stop()
    if not leave:
        return status
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):   # a closed pipe (`optviz list | head`): nothing more to say
            pass
    atexit._run_exitfuncs()
    os._exit(status if isinstance(status, int) else 0 if status is None else 1)   # as sys.exit reads it
