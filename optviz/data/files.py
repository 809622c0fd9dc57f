"""Safe writes: every file optviz writes goes to a temporary name beside its target and is renamed onto
it only when complete, so a failure, Ctrl-C or SIGTERM never leaves a half-written file; a temporary
file left by a run that was killed outright (SIGKILL) is removed by the next run writing the same target.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import numpy as np

from ..errors import OptvizError


def human_size(n: int) -> str:
    """Bytes as people read them: 812 B, 156.2 kB, 3.21 MB."""
    return f"{n / 1e6:.2f} MB" if n >= 1e6 else f"{n / 1e3:.1f} kB" if n >= 1e3 else f"{n} B"


def counted(n: int, noun: str) -> str:
    """An amount as people read it: 1 chapter, 2 chapters, 0 figures."""
    return f"{n} {noun}{'s' * (n != 1)}"


def check_writable(target, kind: str = "file", example: str | None = None) -> Path:
    """`target` as a Path, if a file can be written there (it is not a folder, and its folder exists or
    can be made); an OptvizError saying why not, otherwise: checked before any work is done. The
    nearest folder that exists is tried with a scratch file, removed at once (permissions alone do not
    tell, for root, on a read-only file system or in /proc). A folder given is asked for a `kind` in
    it, e.g. `example` (default: out and the folder's suffix)."""
    target = Path(target)
    if target.is_dir():
        raise OptvizError(f"cannot write {str(target)!r}: it is a folder; name a {kind} in it, e.g. "
                          f"{str(target / (example or 'out' + target.suffix))!r}")
    folder = target.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise OptvizError(f"cannot write {str(target)!r}: {str(folder)!r} is a file, not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OptvizError(f"cannot write {str(target)!r}: no permission to write in {str(folder)!r}")
    try:
        fd, probe = tempfile.mkstemp(prefix=".optviz-probe-", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OptvizError(f"cannot write {str(target)!r}: {str(folder)!r} takes no new files "
                          f"({exc.strerror or exc})") from None
    return target


def check_folder(target, what: str = "folder") -> Path:
    """`target` as a Path, if a folder can be made there (or is one, to write in); an OptvizError in one
    line naming why not, otherwise: it is a file, a folder above it is a file, or the nearest folder
    that exists takes no new entries (tried with a scratch folder, removed at once: permissions alone
    do not tell, for root or on a read-only file system)."""
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise OptvizError(f"cannot write the {what} {str(target)!r}: it is a file; name a folder")
    folder = target
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise OptvizError(f"cannot make the {what} {str(target)!r}: {str(folder)!r} is a file, not a folder")
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".optviz-probe-", dir=folder))
    except OSError as exc:
        raise OptvizError(f"cannot make the {what} {str(target)!r}: {str(folder)!r} takes no new files "
                          f"({exc.strerror or exc})") from None
    return target


def confirm_written(paths) -> list[Path]:
    """The paths, each of which must now be a file (or a folder of them): a run that wrote nothing
    never reports success."""
    paths = [Path(p) for p in paths]
    for p in paths:
        if not (p.is_file() or p.is_dir() and any(p.iterdir())):
            raise OptvizError(f"{str(p)!r} was not written")
    return paths


def remove_stale(target: Path, suffix: str) -> None:
    """Remove temporary files for `target` whose writing process is gone (killed before it could clean up)."""
    pattern = re.compile(rf"^\.{re.escape(target.stem)}\.(\d+)-[^.]*\.tmp{re.escape(suffix)}$")
    for p in target.parent.glob(f".{target.stem}.*.tmp{suffix}"):
        m = pattern.match(p.name)
        if m and not _alive(int(m.group(1))):
            p.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:   # someone else's process
        return True
    try:   # a killed process whose parent has not reaped it yet is a zombie: it writes nothing more
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except (OSError, IndexError):
        return True


class atomic_path:
    """Context manager giving a temp path beside `target`; renamed onto it only on success."""

    def __init__(self, target, suffix: str | None = None):
        self.target = Path(target)
        self.suffix = suffix if suffix is not None else self.target.suffix

    def __enter__(self) -> Path:
        check_writable(self.target)
        try:
            self.target.parent.mkdir(parents=True, exist_ok=True)
            remove_stale(self.target, f"{self.suffix}")
            # the pid in the name tells a later run whether the writer is still alive
            fd, name = tempfile.mkstemp(prefix=f".{self.target.stem}.{os.getpid()}-", suffix=f".tmp{self.suffix}",
                                        dir=self.target.parent)
        except OSError as exc:
            raise OptvizError(f"cannot write {str(self.target)!r}: {exc.strerror or exc}") from None
        os.close(fd)
        self.tmp = Path(name)
        return self.tmp

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            self.tmp.unlink(missing_ok=True)
            return False
        try:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(self.tmp, 0o666 & ~umask)  # mkstemp makes 0600; a finished file gets the usual mode
            os.replace(self.tmp, self.target)
        except OSError as exc:
            self.tmp.unlink(missing_ok=True)
            raise OptvizError(f"cannot write {str(self.target)!r}: {exc.strerror or exc}") from None
        return False


class atomic_folder:
    """Context manager giving a scratch folder beside `target` (checked with `check_folder` first, `what`
    naming it); on success it replaces `target` whole, on failure it is removed: a reader never finds
    half a folder."""

    def __init__(self, target, what: str = "folder"):
        self.target, self.what = Path(target), what

    def __enter__(self) -> Path:
        check_folder(self.target, self.what)
        self.tmp = self.target.with_name(f".{self.target.name}.{os.getpid()}.tmp")
        shutil.rmtree(self.tmp, ignore_errors=True)
        try:
            self.tmp.mkdir(parents=True)
        except OSError as exc:
            raise OptvizError(f"cannot make the {self.what} {str(self.target)!r}: {exc.strerror or exc}") from None
        return self.tmp

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            return False
        # the old folder is moved aside before the new one takes its name, then removed
        old = self.target.with_name(f".{self.target.name}.{os.getpid()}.old")
        try:
            if self.target.exists():
                self.target.rename(old)
            self.tmp.rename(self.target)
        except OSError as exc:
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise OptvizError(f"cannot write the {self.what} {str(self.target)!r}: {exc.strerror or exc}") from None
        shutil.rmtree(old, ignore_errors=True)
        return False


def save_npz(path, arrays: dict, meta: dict, what: str) -> Path:
    """Write `arrays` and the JSON `meta` as a compressed NPZ, atomically (`what` names it in errors)."""
    path = Path(path)
    if path.suffix.lower() != ".npz":
        raise OptvizError(f"{what} is saved as .npz, not {str(path)!r}")
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            np.savez_compressed(fh, **arrays, meta=np.array(json.dumps(meta, sort_keys=True)))
    return path


def load_npz(path, required, what: str) -> tuple[dict, dict]:
    """(arrays, meta) of an NPZ written by `save_npz`, or one line saying why it is not `what`."""
    path = Path(path)
    if path.suffix.lower() != ".npz":
        raise OptvizError(f"can only load {what}s from .npz files, not {str(path)!r}")
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except (OSError, ValueError) as exc:
        raise OptvizError(f"cannot read {what} {str(path)!r}: {exc}") from None
    missing = [k for k in (*required, "meta") if k not in arrays]
    if missing:
        raise OptvizError(f"{str(path)!r} is not an optviz {what} (missing {', '.join(missing)})")
    return arrays, json.loads(str(arrays.pop("meta")))


class Optimizers:
    """The optimizers a data object records, from its meta["optimizers"]: their labels and names."""

    @property
    def labels(self) -> list[str]:
        return [o["label"] for o in self.meta["optimizers"]]

    @property
    def names(self) -> list[str]:
        return [o["name"] for o in self.meta["optimizers"]]


def write_csv(path, header: list, rows) -> Path:
    """A CSV file of `header` and `rows`, written atomically."""
    import csv
    with atomic_path(path, ".csv") as tmp:
        with open(tmp, "w", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(header)
            out.writerows(rows)
    return Path(path)


class Saved:
    """save and load for a data object of named arrays (its class's ARRAYS) and a JSON meta (WHAT names
    it in errors)."""
    ARRAYS: tuple = ()
    WHAT = "data object"

    def save(self, path) -> Path:
        return save_npz(path, {k: getattr(self, k) for k in self.ARRAYS}, self.meta, f"a {self.WHAT}")

    @classmethod
    def load(cls, path):
        arrays, meta = load_npz(path, cls.ARRAYS, cls.WHAT)
        return cls(**{k: arrays[k] for k in cls.ARRAYS}, meta=meta)
