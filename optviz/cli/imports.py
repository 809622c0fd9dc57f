"""Heavy imports without the cyclic garbage collector, in optviz's own processes.

Importing torch or matplotlib makes a few hundred thousand objects and no garbage worth collecting,
yet the collector walks them again and again while they load: a tenth of torch's import (0.09 of
0.9 s on a 2-core machine), and again in every later collection that reaches the oldest generation.
In a process that is optviz's own (the `optviz` command, the process computing a render's runs:
`own()`), `heavy()` imports with the collector off, then freezes what was imported (`gc.freeze`:
left out of every later collection). In any other process (a notebook calling optviz) it changes
nothing.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager

_owned = False


def own() -> None:
    """This process is optviz's own: its collector may be set for it."""
    global _owned
    _owned = True


@contextmanager
def heavy():
    """Import inside this block without the collector, then freeze what was imported (see above)."""
    if not _owned or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()
