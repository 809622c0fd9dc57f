"""Compute a render's runs in a forked child while this process reads its spec and imports the renderers.

A first render spends about a second importing torch and another half importing matplotlib and the
scenes, one after the other on one core. `optviz render` forks a child first thing (`start`, before
its arguments are read): the child imports torch at once and waits for the run (`submit`), which the
parent sends once it has checked the spec and found the run not cached; the child computes it, sends
the Experiment back pickled (or the exception it raised, which the parent raises as its own) and only
then stores it in the cache, while the parent draws. A render that needs no run (cached, a saved
experiment) or fails before asking for one ends the child unused. On a machine with a second core
the imports overlap. The results are the same: the child runs the same code on the same inputs as
the parent would.

Only where it pays and is safe (`worth_forking`): Linux (fork), torch not imported yet (forking a
process with torch's threads running is not safe), the renderers not imported yet (nothing to
overlap), not a saved experiment, and no Dask cluster to start; `run.simulate_ahead` also skips a
cached run.
"""
from __future__ import annotations

import os
import pickle
import select
import signal
import struct
import sys
import traceback

from ..errors import OptvizError

_started: Ahead | None = None   # the child `start` forked, until `take` or `stop`


def can_fork() -> bool:
    """Whether a child forked now would be safe and could overlap anything (see above)."""
    return (sys.platform.startswith("linux") and hasattr(os, "fork") and "torch" not in sys.modules
            and "optviz.render.animate" not in sys.modules)


def worth_forking(run: dict) -> bool:
    """Whether computing `run` in a forked child pays here and is safe (see above)."""
    return can_fork() and "experiment" not in run and run.get("scheduler", "local") == "local"


def start(argv: list[str]) -> None:
    """At the start of `optviz render` (`argv` its arguments), fork the child that may compute its runs."""
    global _started
    if argv[:1] == ["render"] and _started is None and can_fork():
        _started = Ahead()


def take() -> Ahead | None:
    """The child `start` forked (now the caller's to submit to and close), or None."""
    global _started
    ahead, _started = _started, None
    return ahead


def stop() -> None:
    """End the child `start` forked, if nobody took it."""
    ahead = take()
    if ahead:
        ahead.cancel()


class Ahead:
    """A forked child that imports torch at once and computes the run it is sent: `submit(run, cache)`
    sends it, `result()` waits for the Experiment, `close()` waits while the child stores it in the
    cache, `cancel()` ends the child wherever it is."""

    def __init__(self):
        from ..render.orphans import die_with_parent
        parent = os.getpid()
        job_read, self.job = os.pipe()
        read, write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:   # the child: never returns
            os.close(read)
            os.close(self.job)
            status = 0
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C is the parent's to report
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                die_with_parent(parent)
                status = _serve(job_read, write)
            except BaseException:  # noqa: BLE001 - the parent reads an empty pipe as a death
                status = 1
            finally:
                for stream in (sys.stdout, sys.stderr):   # a progress bar's last line
                    try:
                        stream.flush()
                    except Exception:  # noqa: BLE001
                        pass
                os._exit(status)
        os.close(job_read)
        os.close(write)
        self.read = read
        self.received = False

    def submit(self, run: dict, cache: bool) -> None:
        """Have the child compute `run` (and store it in the cache when `cache`)."""
        with os.fdopen(self.job, "wb") as out:
            self.job = None
            out.write(pickle.dumps((run, cache), pickle.HIGHEST_PROTOCOL))

    def ready(self) -> bool:
        """Whether the child has sent its result (or died): `result()` would not wait."""
        return self.read is None or bool(select.select([self.read], [], [], 0)[0])

    def result(self):
        """What the child computed (or the exception it raised, raised here)."""
        try:
            with os.fdopen(self.read, "rb") as pipe:
                self.read = None
                head = pipe.read(8)
                data = pipe.read(struct.unpack("<Q", head)[0]) if len(head) == 8 else b""
        except BaseException:
            self.cancel()
            raise
        if not data:
            self.cancel()
            raise RuntimeError("the process computing the runs died")
        self.received = True
        ok, value = pickle.loads(data)
        if not ok:
            raise value
        return value

    def close(self) -> None:
        """Once its result is received, wait while the child stores it in the cache (a hundredth of a
        second, long done by the time a render ends); else end it."""
        if self.received and self.pid:
            os.waitpid(self.pid, 0)
            self.pid = 0
        self.cancel()

    def cancel(self) -> None:
        """End the child (if still running) and collect it."""
        for name in ("job", "read"):
            if getattr(self, name) is not None:
                os.close(getattr(self, name))
                setattr(self, name, None)
        if self.pid:
            try:
                if os.waitpid(self.pid, os.WNOHANG) == (0, 0):
                    os.kill(self.pid, signal.SIGKILL)
                    os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass
            self.pid = 0


def _serve(job_read: int, write: int) -> int:
    """The child's work: import torch, read the job, compute it, send it back, then store it."""
    from .. import cache as store
    from .imports import heavy, own
    own()   # a process of optviz's own, whoever forked it
    try:   # while the parent reads its spec: the point of forking early
        with heavy():
            import torch  # noqa: F401

            from ..core import engine  # noqa: F401
    except Exception:  # noqa: BLE001 - computing the run imports them again, and fails as the render's error
        pass
    with os.fdopen(job_read, "rb") as pipe:
        job = pipe.read()
    if not job:   # the parent needed no run
        return 0
    run, cache = pickle.loads(job)
    from .compute import simulate_spec
    try:
        result = (True, simulate_spec(run, cache=False))
    except BaseException as exc:  # noqa: BLE001 - the parent raises it
        if not isinstance(exc, OptvizError):
            exc.add_note("in the process computing the runs:\n" + traceback.format_exc().rstrip())
        result = (False, exc)
    try:
        data = pickle.dumps(result, pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - an exception that does not pickle: its message does
        data = pickle.dumps((False, RuntimeError(f"computing the runs failed: {result[1]!r}")))
    with os.fdopen(write, "wb") as out:
        out.write(struct.pack("<Q", len(data)) + data)
    if result[0] and cache:   # after sending: the parent draws meanwhile
        store.store_run(run, result[1])
    return 0
