"""optviz's cache: where it lives, how an entry is named, and the store of computed runs.

Everything optviz computes once and may reuse lives under one folder: $OPTVIZ_CACHE_DIR, else
$XDG_CACHE_HOME/optviz, else ~/.cache/optviz. Every entry is named by a hash of what decides it.

`runs/` holds trajectories (an Experiment per run table, as NPZ), so that drawing the same runs again
(another colour, camera or frame rate) neither computes them nor imports torch. The key is the run
table as the spec gave it, optviz's version, the sources of optviz.core that compute it and torch's
version (read from the installed metadata, not by importing torch). A run whose optimizer or task is
a user's code reached by import path is never cached: that code may change under the same name.
`scenes/` holds scenes' static pictures (optviz.render.static_cache), bounded with the runs.
The store is bounded ($OPTVIZ_CACHE_SIZE, default 2GB): after each write the oldest entries (by last
use) go first. Two processes may share it: an entry is written to a temp file and renamed into place,
and a reader that finds an entry gone (trimmed by another) computes the run again.

May import: optviz.errors, optviz.parsing, optviz.version, optviz.data; third-party: numpy.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
from pathlib import Path

from .errors import OptvizError
from .parsing import parse_bytes
from .version import __version__

DEFAULT_SIZE = "2GB"


def cache_root() -> Path:
    """The cache's folder (not made)."""
    return Path(os.environ.get("OPTVIZ_CACHE_DIR")
                or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "optviz")


def cache_dir(*parts: str) -> Path:
    """A folder of optviz's cache, made if needed."""
    folder = cache_root().joinpath(*parts)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def digest(*items) -> str:
    """A short hash of JSON-able items (and of bytes, and the bytes of any Path among them)."""
    h = hashlib.sha256()
    for item in items:
        if isinstance(item, bytes):
            h.update(item)
        elif isinstance(item, Path):
            h.update(item.read_bytes())
        else:
            h.update(json.dumps(item, sort_keys=True, default=str).encode())
    return h.hexdigest()[:20]


def sources_digest(*folders: Path, skip: tuple = ()) -> str:
    """A hash of the Python sources in these folders (but those under `skip`): what a cached result
    was computed by."""
    files = sorted(p for f in folders for p in Path(f).rglob("*.py") if "__pycache__" not in p.parts
                   and not any(p.is_relative_to(s) for s in skip))
    return digest(*[str(p.relative_to(p.parents[1])) for p in files], *files)


def size_limit() -> int:
    """The runs store's bound in bytes: $OPTVIZ_CACHE_SIZE ("500MB", "2GB", a number of bytes)."""
    return parse_bytes(os.environ.get("OPTVIZ_CACHE_SIZE") or DEFAULT_SIZE, "OPTVIZ_CACHE_SIZE", DEFAULT_SIZE)


# ---- the runs store -----------------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def _computed_by() -> str:
    """What computes a run: optviz's version, its core's sources and torch's version."""
    from importlib.metadata import PackageNotFoundError, version
    try:
        torch = version("torch")
    except PackageNotFoundError:
        torch = "none"
    return digest(__version__, sources_digest(Path(__file__).parent / "core"), torch)


def _users_code(run: dict) -> bool:
    """Whether the run reaches a user's code by import path (pkg.mod:name), which may change under its
    name: registered and torch.optim names never hold a dot before their settings."""
    names = [run.get("task") or ""]
    for item in run.get("optimizers") or []:
        if isinstance(item, str):
            names.append(item.partition("@")[0])
        else:
            names += [item[0], *(v for k, v in (item[1] or {}).items() if k == "base" and isinstance(v, str))]
    return any("." in str(n).partition(":")[0] for n in names)


def run_entry(run: dict) -> Path | None:
    """Where the run table's experiment is cached, or None when it is not to be cached."""
    if _users_code(run):
        return None
    return cache_root() / "runs" / f"{digest('run', run, _computed_by())}.npz"


def cached_entry(run: dict) -> Path | None:
    """The run's entry if it is cached now, else None."""
    entry = run_entry(run)
    return entry if entry is not None and entry.exists() else None


def load_run(run: dict):
    """The cached Experiment of `run`, or None (not cached, not cacheable, or trimmed meanwhile)."""
    from .data.experiment import Experiment
    entry = cached_entry(run)
    if entry is None:
        return None
    try:
        exp = Experiment.load(entry)
        os.utime(entry)   # last use: what the trim keeps longest
    except (OptvizError, OSError):   # gone or half-gone under another process's trim: compute again
        return None
    return exp


def store_run(run: dict, exp) -> None:
    """Keep `exp` as `run`'s entry (atomically), then trim the store to its bound."""
    entry = run_entry(run)
    if entry is None:
        return
    limit = size_limit()   # a bad bound is the user's to fix: said before anything is written
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        exp.save(entry)
    except (OptvizError, OSError):   # a cache that cannot be written costs speed, not the render
        return
    trim(limit)


STORES = ("runs", "scenes")   # the computed runs; the scenes' static pictures (render.static_cache)
# every part optviz keeps (`optviz cache clear PART`), whether or not it holds anything yet
PARTS = (*STORES, "lecture", "voice", "article")   # shots' runs and chapters; spoken lines; posts' figures


def trim(limit: int) -> int:
    """Remove the least recently used entries of the stores (runs and scenes together) until they hold
    at most `limit` bytes; the bytes removed."""
    entries = []
    folders = [cache_root() / name for name in STORES]
    for p in (p for folder in folders if folder.is_dir() for p in folder.glob("*.npz")):
        try:
            st = p.stat()
        except OSError:
            continue
        entries.append((st.st_mtime, st.st_size, p))
    total, removed = sum(e[1] for e in entries), 0
    for _, size, p in sorted(entries):
        if total <= limit:
            break
        p.unlink(missing_ok=True)
        total, removed = total - size, removed + size
    return removed


def usage() -> dict:
    """{part of the cache: (files, bytes)}: its top-level folders."""
    root, out = cache_root(), {}
    for part in sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []:
        files = [f for f in part.rglob("*") if f.is_file()]
        out[part.name] = (len(files), sum(f.stat().st_size for f in files))
    return out


def clear(part: str | None = None) -> int:
    """Remove the whole cache, or one part of it (`PARTS`; an empty one: nothing); the bytes removed."""
    root = cache_root()
    parts = usage()
    if part is not None and part not in parts and part not in PARTS:
        raise OptvizError(f"no part {part!r} in optviz's cache; choose from: {', '.join(sorted({*PARTS, *parts}))}")
    freed = 0
    for name, (_, size) in parts.items():
        if part in (None, name):
            shutil.rmtree(root / name, ignore_errors=True)
            freed += size
    return freed
