"""A lecture file's front matter (title, voice, quality, theme, pace) checked, and merged with the
command line's flags, which win. A recorded voice's folder is relative to the lecture file.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import OptvizError


def front_matter_problems(meta: dict, path: str) -> list[tuple[str, str]]:
    """[(key, message)] for every bad front matter value."""
    from ..render.manim_video import QUALITIES
    from ..render.style import THEMES
    from .voice import check_voice_spec
    out = []
    if "title" in meta and not isinstance(meta["title"], str):
        out.append(("title", f"title must be text, got {meta['title']!r}"))
    if "quality" in meta and meta["quality"] not in QUALITIES:
        out.append(("quality", f"unknown quality {meta['quality']!r}; choose from: {', '.join(QUALITIES)}"))
    if "theme" in meta and meta["theme"] not in THEMES:
        out.append(("theme", f"unknown theme {meta['theme']!r}; choose from: {', '.join(THEMES)}"))
    if "pace" in meta:
        p = meta["pace"]
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0.05 <= p <= 4:
            out.append(("pace", f"pace must be a number from 0.05 to 4 (1 is the lecture's own pace), got {p!r}"))
    if "voice" in meta:
        try:
            check_voice_spec(str(meta["voice"]))
        except OptvizError as e:
            out.append(("voice", str(e)))
    return out


def voice_of(meta: dict, path) -> str | None:
    """The front matter's voice, a recorded folder made relative to the lecture file."""
    voice = meta.get("voice")
    if voice is None:
        return None
    voice = str(voice)
    if voice.startswith("recorded:"):
        folder, plus, rest = voice[len("recorded:"):].partition("+")
        folder = Path(folder)
        if not folder.is_absolute():
            folder = Path(path).resolve().parent / folder
        return f"recorded:{folder}{plus}{rest}"
    return voice
