"""Atomic writes: every file optviz writes goes to a temporary name beside its target and is renamed
onto it only when complete, so a failure or Ctrl-C never leaves a half-written file.

May import: nothing.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


class atomic_path:
    """Context manager giving a temp path beside `target`; renamed onto it only on success."""

    def __init__(self, target, suffix: str | None = None):
        self.target = Path(target)
        self.suffix = suffix if suffix is not None else self.target.suffix

    def __enter__(self) -> Path:
        self.target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{self.target.stem}.", suffix=f".tmp{self.suffix}",
                                    dir=self.target.parent)
        os.close(fd)
        self.tmp = Path(name)
        return self.tmp

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(self.tmp, 0o666 & ~umask)  # mkstemp makes 0600; a finished file gets the usual mode
            os.replace(self.tmp, self.target)
        else:
            self.tmp.unlink(missing_ok=True)
        return False
