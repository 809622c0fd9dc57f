"""`--watch` for `optviz lecture` and `optviz article`: serve the preview page, build on every save,
print what each build did; Ctrl-C (or SIGTERM) stops the server and the watch, and exits 0.

The build runs in this process (manim's workers are its children, which exit with it), the server in
a daemon thread of it: nothing outlives the command.
"""
from __future__ import annotations

import sys
from pathlib import Path

from ..errors import OptvizError


def editable(name_or_path) -> Path:
    """The lecture file to watch: a file the user edits, not a built-in lecture's name."""
    from ..lecture.runs import builtin_names
    if name_or_path is None or (name_or_path in builtin_names() and not Path(name_or_path).is_file()):
        raise OptvizError(f"--watch follows a lecture file you edit, not the built-in {name_or_path or 'seed'!r}: "
                          f"`optviz lecture show seed > my-lecture.md` gives you a copy")
    path = Path(name_or_path)
    if not path.is_file():
        raise OptvizError(f"no lecture file {str(path)!r} to watch")
    return path


def say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def run_watch(path: Path, build, page, root: Path, serves) -> int:
    """Serve the page (`page()`: its HTML; files under `root` that `serves(rel)` allows) and watch."""
    from ..lecture.preview import Preview
    from ..lecture.watch import watch
    preview = Preview(page, root, serves)
    say(f"watching {path}: the preview is at {preview.url} (Ctrl-C stops)")
    try:
        watch(path, build, preview, report=say)
    except KeyboardInterrupt:   # Ctrl-C, or SIGTERM (commands.Terminated is one)
        pass
    finally:
        preview.close()
    say(f"stopped watching {path}")
    return 0
