"""Where chunks of independent work run: in this process, or on a Dask cluster (`distributed`).

    local              in this process, one chunk after another (the default; no service started)
    processes:N        a local Dask cluster of N worker processes, started for the run and stopped after
    tcp://HOST:PORT    a running Dask scheduler (any address `distributed.Client` takes)

A chunk is a module-level function and its arguments, small (its slice of the work, not the whole
grid); inputs every chunk needs (a model and its data, a plane) are given once as `shared` and sent
to the workers once. Results are handed to `on_result` as chunks finish, in any order. A worker that
dies has its chunks run again by Dask (its own retries); a chunk that still cannot be computed stops
the run with one line naming it. Workers need optviz (and torch, and what a task or optimizer imports)
installed; the chunk functions are imported there by name.
"""
from __future__ import annotations

import ctypes
import logging
import os
from dataclasses import dataclass
from typing import Any, Callable

from ..errors import OptvizError
from ..extras import require

RETRIES = 2
CONNECT_TIMEOUT = 10   # seconds to reach a running scheduler


@dataclass
class Chunk:
    key: int
    fn: Callable
    args: tuple
    what: str = ""          # how the error names it: "pixels 0-262143"


def parse_scheduler(text: str):
    """"local", ("processes", N) or an address string."""
    text = str(text).strip()
    if text == "local":
        return "local"
    if text.startswith("processes"):
        _, _, n = text.partition(":")
        if not n.isdigit() or not 1 <= int(n) <= 256:
            raise OptvizError(f"bad scheduler {text!r}; write processes:N with N from 1 to 256, e.g. processes:2")
        return ("processes", int(n))
    if "://" in text:
        return text
    raise OptvizError(f"unknown scheduler {text!r}; choose from: local, processes:N, or a Dask scheduler's "
                      "address such as tcp://host:8786")


class Executor:
    """`with Executor("processes:2") as ex: ex.run(chunks, on_result)`: one cluster (or none, locally)
    for as many batches of chunks as the work needs (a zoom's frames)."""

    def __init__(self, scheduler: str = "local"):
        self.where = parse_scheduler(scheduler)
        self.local = self.where == "local"

    def __enter__(self) -> "Executor":
        if not self.local:
            self.distributed = _import_distributed()
            self.connection = _client(self.distributed, self.where)
            self.client = self.connection.__enter__()
        return self

    def __exit__(self, *exc):
        if not self.local:
            self.connection.__exit__(*exc)
        return False

    def run(self, chunks: list[Chunk], on_result: Callable[[int, Any], None], shared: dict | None = None,
            progress: Callable[[Chunk], None] | None = None) -> None:
        """Run every chunk (fn(*args, **shared)); on_result(key, result) as each finishes; progress(chunk)
        after it."""
        shared = shared or {}
        if self.local:
            for c in chunks:
                on_result(c.key, c.fn(*c.args, **shared))
                if progress:
                    progress(c)
            return
        client, d = self.client, self.distributed
        sent = {k: client.scatter(v, broadcast=True) for k, v in shared.items()}
        futures = {client.submit(call_on_worker, c.fn, *c.args, **sent, key=f"optviz-{c.key}-{os.getpid()}-{id(c)}",
                                 retries=RETRIES, pure=False): c for c in chunks}
        try:
            for future in d.as_completed(futures):
                c = futures[future]
                try:
                    result = future.result()
                except Exception as exc:  # noqa: BLE001 - whatever a worker raised, or KilledWorker
                    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
                    raise OptvizError(f"chunk {c.key} ({c.what}) could not be computed: {type(exc).__name__}: "
                                      f"{reason}") from None
                on_result(c.key, result)
                if progress:
                    progress(c)
        finally:
            client.cancel(list(futures))


def run_chunks(chunks: list[Chunk], scheduler: str = "local", on_result: Callable[[int, Any], None] = None,
               shared: dict | None = None, progress: Callable[[Chunk], None] | None = None) -> None:
    """Run the chunks on a scheduler started for them (see Executor.run)."""
    with Executor(scheduler) as ex:
        ex.run(chunks, on_result, shared, progress)


def call_on_worker(fn, *args, **kwargs):
    """fn(*args, **kwargs) on a Dask worker, whose allocator is first set for torch (once per process)."""
    _malloc_for_torch()
    return fn(*args, **kwargs)


_TUNED = False


def _malloc_for_torch() -> None:
    """Dask starts workers with MALLOC_TRIM_THRESHOLD_=65536, so glibc hands every freed tensor back to the
    system and the next one page-faults in again: a map ran 4.7x slower on a worker than here. Large
    blocks are kept for reuse instead (mallopt M_MMAP_THRESHOLD and M_TRIM_THRESHOLD to 1 GiB)."""
    global _TUNED
    if _TUNED:
        return
    _TUNED = True
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:   # not glibc: nothing to tune
        return
    libc.mallopt(-3, 2**30)   # M_MMAP_THRESHOLD
    libc.mallopt(-1, 2**30)   # M_TRIM_THRESHOLD


def _import_distributed():
    require("cluster", feature="a scheduler other than local")
    import distributed
    return distributed


class _client:
    """A Client to a running scheduler, or to a local cluster started (and stopped) for the run."""

    def __init__(self, distributed, where):
        self.distributed, self.where = distributed, where

    def __enter__(self):
        d = self.distributed
        logging.getLogger("distributed").setLevel(logging.ERROR)
        self.cluster = None
        try:
            if isinstance(self.where, tuple):
                # one thread per worker, and torch told so: N workers share the cores, not N x cores
                self.cluster = d.LocalCluster(n_workers=self.where[1], threads_per_worker=1, processes=True,
                                              dashboard_address=":0", silence_logs=logging.ERROR,
                                              env={"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"})
                self.client = d.Client(self.cluster)
            else:
                self.client = d.Client(self.where, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            if self.cluster is not None:
                self.cluster.close()
            raise OptvizError(f"cannot reach the Dask scheduler {self.where!r}: {exc}") from None
        return self.client

    def __exit__(self, *exc):
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
        return False
