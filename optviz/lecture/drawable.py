"""Which characters of a lecture's on-screen texts no font here can draw: they would show as boxes.

The scenes draw texts in DejaVu Sans through Pango, which takes a character DejaVu lacks from another
installed font (fontconfig's fallback). A character no installed font has (Chinese on a machine without
a CJK font, an emoji without an emoji font) is drawn as an empty box, which a teacher sees only in the
finished video; `optviz lecture check` names it by its line first. A character is drawable when
DejaVu Sans (matplotlib's copy, the one the layout measures) has it, or `fc-list` finds a font with
it. Without fontconfig's `fc-list` (not Linux) nothing is reported: the fallbacks cannot be known.
"""
from __future__ import annotations

import functools
import shutil
import subprocess
import unicodedata


@functools.lru_cache(maxsize=2)
def _dejavu(bold: bool) -> frozenset:
    from matplotlib.ft2font import FT2Font

    from .layout import font_path
    return frozenset(FT2Font(font_path(bold)).get_charmap())


@functools.lru_cache(maxsize=None)
def _installed(code: int) -> bool | None:
    """Whether an installed font has the character (None: fontconfig cannot say)."""
    exe = shutil.which("fc-list")
    if exe is None:
        return None
    try:
        done = subprocess.run([exe, f":charset={code:x}", "family"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return bool(done.stdout.strip()) if done.returncode == 0 else None


def undrawable(text: str, bold: bool = False) -> list[str]:
    """The characters of `text` (each once, in order) that no font here can draw."""
    out = []
    for ch in dict.fromkeys(text):
        # spaces, and what is never drawn as a glyph of its own (joiners, variation selectors)
        if ch.isspace() or unicodedata.category(ch) in ("Cf", "Mn", "Me") or ord(ch) in _dejavu(bold):
            continue
        if ord(ch) in _dejavu(not bold):   # the other weight has it: Pango draws it from there
            continue
        if _installed(ord(ch)) is False:
            out.append(ch)
    return out


def describe(chars: list[str]) -> str:
    """A problem's words for characters no font here has."""
    named = ", ".join(f"{ch} (U+{ord(ch):04X})" for ch in chars)
    it, them, box = ("it", "it", "an empty box") if len(chars) == 1 else ("they", "them", "empty boxes")
    return (f"no font installed here can draw {named}: {it} would show as {box}; install a font that has "
            f"{them} (Debian: fonts-noto, fonts-noto-cjk) or leave {them} out")
