"""Child processes that end with the process that started them, even when it is SIGKILLed.

SIGKILL cannot be caught, so a parent cannot stop its children on the way out; on Linux the child can
ask the kernel for a signal when its parent dies (prctl PR_SET_PDEATHSIG). Frame workers and the manim
processes of `optviz render --engine manim` ask for SIGKILL: a frame worker blocked on a pipe, or a
manim process minutes into a chapter, would otherwise run on with nobody to read what it makes.
"""
from __future__ import annotations

import os
import signal
import sys

PARENT_ENV = "OPTVIZ_PARENT"   # the pid a child process started by optviz ends with
PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int | None) -> None:
    """Have this process killed when `parent` dies (Linux; elsewhere nothing happens). If `parent` has
    already died (this process was handed to another), end now."""
    if parent is None or not sys.platform.startswith("linux"):
        return
    import ctypes
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:
        os._exit(1)


def die_with_parent_from_env() -> None:
    """die_with_parent for a process whose starter named itself in $OPTVIZ_PARENT."""
    value = os.environ.get(PARENT_ENV, "")
    die_with_parent(int(value) if value.isdigit() else None)
