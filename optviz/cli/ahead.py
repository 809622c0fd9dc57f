"""Compute a render's runs in a forked child while this process imports the renderers.

A first render spends about a second importing torch and another half importing matplotlib and the
scenes, one after the other on one core. Forked before either, a child imports torch and computes
the runs (storing them in the cache as `simulate_spec` does) while the parent imports the renderers:
on a machine with a second core the two overlap. The child sends the Experiment back pickled, or the
exception it raised, which the parent raises as its own. The results are the same: the child runs the
same code on the same inputs as the parent would.

Only where it pays and is safe (`worth_forking`): Linux (fork), torch not imported yet (forking a
process with torch's threads running is not safe), the renderers not imported yet (nothing to
overlap), not a saved experiment, and no Dask cluster to start; `run.simulate_ahead` also skips a
cached run.
"""
from __future__ import annotations

import os
import pickle
import signal
import sys
import traceback

from ..errors import OptvizError


def worth_forking(run: dict) -> bool:
    """Whether computing `run` in a forked child pays here and is safe (see above)."""
    return (sys.platform.startswith("linux") and hasattr(os, "fork") and "torch" not in sys.modules
            and "optviz.render.animate" not in sys.modules and "experiment" not in run
            and run.get("scheduler", "local") == "local")


class Ahead:
    """What `compute()` returns, computed in a forked child; `result()` waits for it, `cancel()` ends it."""

    def __init__(self, compute):
        from ..render.orphans import die_with_parent
        parent = os.getpid()
        read, write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:   # the child: never returns
            os.close(read)
            status = 0
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C is the parent's to report
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                die_with_parent(parent)
                try:
                    result = (True, compute())
                except BaseException as exc:  # noqa: BLE001 - the parent raises it
                    if not isinstance(exc, OptvizError):
                        exc.add_note("in the process computing the runs:\n" + traceback.format_exc().rstrip())
                    result = (False, exc)
                try:
                    data = pickle.dumps(result, pickle.HIGHEST_PROTOCOL)
                except Exception:  # noqa: BLE001 - an exception that does not pickle: its message does
                    data = pickle.dumps((False, RuntimeError(f"computing the runs failed: {result[1]!r}")))
                with os.fdopen(write, "wb") as out:
                    out.write(data)
            except BaseException:  # noqa: BLE001 - the parent reads an empty pipe as a death
                status = 1
            finally:
                for stream in (sys.stdout, sys.stderr):   # a progress bar's last line
                    try:
                        stream.flush()
                    except Exception:  # noqa: BLE001
                        pass
                os._exit(status)
        os.close(write)
        self.read = read

    def result(self):
        """What the child computed (or the exception it raised, raised here)."""
        try:
            with os.fdopen(self.read, "rb") as pipe:
                self.read = None
                data = pipe.read()
            os.waitpid(self.pid, 0)   # the child has sent all it will: it is exiting
            self.pid = 0
        finally:
            self.cancel()
        if not data:
            raise RuntimeError("the process computing the runs died")
        ok, value = pickle.loads(data)
        if not ok:
            raise value
        return value

    def cancel(self) -> None:
        """End the child (if still running) and collect it."""
        if self.read is not None:
            os.close(self.read)
            self.read = None
        if self.pid:
            try:
                if os.waitpid(self.pid, os.WNOHANG) == (0, 0):
                    os.kill(self.pid, signal.SIGKILL)
                    os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass
            self.pid = 0

