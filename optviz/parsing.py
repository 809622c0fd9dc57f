"""How optviz reads what users type, for every layer: "k=v" values, "x,y" points, and an argparse
parser that reports a bad argument on one line (an OptvizError) instead of printing its usage.

May import: optviz.errors.
"""
from __future__ import annotations

import argparse
import importlib
import re

from .errors import OptvizError

# A word that starts with "-" is a value, not a flag, when what follows the dash is a number (-1.5,2
# -.5 -1e-3) or holds a character no flag name has (-x**2, -sin(x)): users type negative starts and
# expressions without knowing argparse's `--start=-1.5,2` spelling.
VALUE = re.compile(r"^-(?:\.?\d|[A-Za-z0-9_-]*[^A-Za-z0-9_\-=])")


class Parser(argparse.ArgumentParser):
    """argparse, with a bad argument reported as one line (an OptvizError) instead of the usage, and
    negative numbers and expressions accepted as values after flags that take them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = VALUE

    def error(self, message):  # one line, exit 2 (argparse would print the whole usage first)
        raise OptvizError(message)


def parse_value(text: str):
    """A hyperparameter value as typed: true/false, none, an int, a float, else the text itself."""
    low = text.strip().lower()
    if low in ("true", "false"):
        return low == "true"
    if low in ("none", "null"):
        return None
    try:
        return int(text) if low.lstrip("+-").isdigit() else float(text)
    except ValueError:
        return text.strip()


def parse_point(text: str) -> tuple[float, float]:
    """"7,7" -> (7.0, 7.0)."""
    try:
        x, y = (float(v) for v in text.split(","))
    except ValueError:
        raise OptvizError(f"bad start {text!r}; write two numbers as x,y (e.g. 7,7)") from None
    return x, y


def argument(parse):
    """`parse` as an argparse `type=`: its OptvizError becomes argparse's message for the flag."""
    def typed(text):
        try:
            return parse(text)
        except OptvizError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    typed.__name__ = parse.__name__
    return typed


MAX_WORKERS = 64


# decimal units as disks and browsers count them; binary ones for those who write them
BYTE_UNITS = {"": 1, "b": 1, "k": 10**3, "kb": 10**3, "m": 10**6, "mb": 10**6, "g": 10**9, "gb": 10**9,
              "kib": 2**10, "mib": 2**20, "gib": 2**30}


def parse_bytes(text, what: str = "size", example: str = "2MB") -> int:
    """"2MB", "500kB", "1.5MiB", "2GB" or a number of bytes; a bad one is an OptvizError naming `what`."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return int(text)
    m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([a-zA-Z]*)\s*", str(text))
    if not m or m.group(2).lower() not in BYTE_UNITS:
        raise OptvizError(f"bad {what} {text!r}; write a number with kB, MB, GB, KiB, MiB or GiB, e.g. {example}")
    return int(float(m.group(1)) * BYTE_UNITS[m.group(2).lower()])


def parse_workers(text: str) -> int:
    """A number of worker processes, 1 to 64."""
    try:
        n = int(text)
    except ValueError:
        n = 0
    if not 1 <= n <= MAX_WORKERS:
        raise OptvizError(f"bad number of workers {text!r}; write a whole number from 1 to {MAX_WORKERS}")
    return n


def import_object(path: str, what: str):
    """The object an import path "package.module:name" names, or one line saying why it cannot be had
    (`what`, e.g. "optimizer", names it). Importing runs the module's own code."""
    module, _, attr = path.partition(":")
    try:
        return getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as exc:
        raise OptvizError(f"cannot import {what} {path!r}: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - the module's own import code failed
        raise OptvizError(f"cannot import {what} {path!r}: importing {module} raised "
                          f"{type(exc).__name__}: {exc}") from None
