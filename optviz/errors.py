"""User-facing errors: a bad name, value or spec. The CLI prints the message on one line and exits 2.

May import: nothing.
"""


class OptvizError(ValueError):
    """Raised for input a user can fix; the message names the bad value and the valid choices."""


def unknown(kind: str, name: object, choices, also: str = "") -> OptvizError:
    """An error for a name that is not in a registry, listing the valid ones (and `also`, other forms)."""
    return OptvizError(f"unknown {kind} {name!r}; choose from: {', '.join(sorted(choices))}"
                       + (f", {also}" if also else ""))
