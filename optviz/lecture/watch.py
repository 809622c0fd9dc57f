"""Watch a lecture file while it is written: build once, then again on every save, and keep the
preview page (optviz.lecture.preview) up to date.

A build is what the command does anyway (`optviz lecture` draws only the chapters an edit changed;
`optviz article` only the figures), so a cycle costs what the edit changed. A save with problems
puts them, `FILE:LINE: message` each, on the page and in `report`; the last good render stays where
it is. Saves are seen in the file's folder, not on the file itself, so editors that save by writing
a new file and renaming it over the old one are seen too. What is built is told by the file's state
(its bytes and time), taken before each build and looked at again after every event and every
second: a save made while a build runs, before the folder is watched, or that the watcher misses is
built all the same, and an event that changed nothing builds nothing.
"""
from __future__ import annotations

import time
from pathlib import Path

from ..errors import OptvizError

DEBOUNCE_MS = 300   # saves closer together than this are one save (an editor may write twice)
LOOK_MS = 1000      # the file's state is looked at this often without an event


def saves(path: Path, stop=None):
    """Yield after each save of `path`, and every LOOK_MS without one, until `stop` (a
    threading.Event) is set."""
    import watchfiles
    target = Path(path).resolve()
    for _ in watchfiles.watch(target.parent, watch_filter=lambda change, p: Path(p).resolve() == target,
                              debounce=DEBOUNCE_MS, stop_event=stop, recursive=False, rust_timeout=LOOK_MS,
                              yield_on_timeout=True):
        yield


def state(path: Path):
    """What a build of `path` would read: its modification time and bytes (None while it is missing,
    as between an editor's delete and rename)."""
    try:
        return Path(path).stat().st_mtime_ns, Path(path).read_bytes()
    except OSError:
        return None


def cycle(build, preview, report) -> bool:
    """One build: its note on the page (which reloads) or its problems on it. True when it built."""
    t0 = time.perf_counter()
    preview.start()
    try:
        note, notices = build()
    except Exception as e:   # noqa: BLE001  a watch outlives a bad save, and a failing render (manim, disk)
        problems = (str(e).splitlines() if isinstance(e, OptvizError)
                    else [f"the render failed: {type(e).__name__}: {e}"])
        preview.failed(problems)
        for line in problems:
            report(line)
        report("the last good render stays; save the file again to retry")
        return False
    preview.done(note, notices)
    for line in notices:
        report(line)
    report(f"{time.strftime('%H:%M:%S')} {note} ({time.perf_counter() - t0:.1f} s): the page reloads")
    return True


def watch(path, build, preview, *, report=lambda line: None, stop=None, changes=None) -> None:
    """Build now and after each save of `path` until `stop` is set or Ctrl-C (`changes`: an iterable
    whose every item is a save, in place of the file's). `build()` returns a note of what it drew and
    the notices the teacher should see beside it (`FILE:LINE: ...`, not problems), or raises OptvizError
    with the file's problems."""
    built = state(path)
    cycle(build, preview, report)
    if changes is not None:
        for _ in changes:
            cycle(build, preview, report)
        return
    for _ in saves(path, stop):
        now = state(path)
        if now is not None and now != built:
            built = now
            cycle(build, preview, report)
