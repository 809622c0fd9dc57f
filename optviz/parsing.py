"""How optviz reads what users type, for every layer: "k=v" values, "x,y" points, and an argparse
parser that reports a bad argument on one line (an OptvizError) instead of printing its usage.

May import: optviz.errors.
"""
from __future__ import annotations

import argparse

from .errors import OptvizError


class Parser(argparse.ArgumentParser):
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
