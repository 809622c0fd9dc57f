"""The rendered lecture as the deck reads it: its chapters' files and, per beat, a slide (the frames it
spans in its chapter's video, the words spoken over it, whether it loops), from the chapters.json the
render writes beside the video. Nothing here renders: a missing or mismatched lecture is one line
naming the command that renders it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ...errors import OptvizError
from ...render.manim_video import LECTURE_FORMATS
from .. import LECTURE_SUFFIXES

# where a deck looks for the lecture when none is named: `optviz render ... -o lecture.mp4`, `make render`
DEFAULT_LECTURES = ("lecture.mp4", "assets/lecture.mp4")
RENDER_COMMAND = "optviz lecture LECTURE.md -o lecture.mp4"   # (the built-in lecture: optviz lecture seed)


@dataclass(frozen=True)
class Slide:
    chapter: int       # 1-based, the lecture's own numbering (1 gradient ... 8 summary)
    beat: int          # 1-based within its chapter
    first: int         # its first frame in the chapter's video
    frames: int
    notes: str         # the narration spoken over it
    loop: bool

    @property
    def name(self) -> str:
        return f"{self.chapter:02d}-{self.beat:02d}"


@dataclass(frozen=True)
class RenderedChapter:
    number: int        # 1-based, the lecture's numbering
    key: str
    title: str
    video: Path        # its video with its narration
    fps: int
    slides: tuple


@dataclass(frozen=True)
class RenderedLecture:
    video: Path
    voice: str | None
    quality: str | None
    chapters: tuple
    race: dict | None = None   # the lecture's first race shot's options: what the live slide replays
    title: str | None = None   # the lecture file's title
    keys: tuple = ()           # every chapter's key, in the lecture's order (it may hold some of them)
    theme: str = "dark"        # what it was drawn in: the deck's live page follows it

    @property
    def slides(self) -> list[Slide]:
        return [s for c in self.chapters for s in c.slides]

    @property
    def seconds(self) -> float:
        return sum(s.frames / c.fps for c in self.chapters for s in c.slides)


def find_lecture(path=None) -> Path:
    """The rendered lecture: `path`, else the first of DEFAULT_LECTURES that exists."""
    candidates = [Path(path)] if path else [Path(p) for p in DEFAULT_LECTURES]
    if path and Path(path).suffix.lower() in LECTURE_SUFFIXES:
        video = Path(path).with_suffix(".mp4")
        raise OptvizError(f"{path} is the lecture's file, not its video: render it with `optviz lecture {path} -o "
                          f"{video}`, then cut the deck with `optviz slides --lecture {video}`")
    if path and Path(path).suffix.lower().lstrip(".") not in LECTURE_FORMATS:
        raise OptvizError(f"{path} is not a rendered lecture's video: name the .mp4, .webm or .mov that "
                          f"`{RENDER_COMMAND}` wrote")
    for p in candidates:
        if p.is_file() and chapters_json(p).is_file():
            return p
    named = " or ".join(str(p) for p in candidates)
    also = "" if path else " (or `make render` in a checkout, which writes assets/lecture.mp4), or name it with --lecture"
    if path and Path(path).is_file():
        raise OptvizError(f"{path} has no {chapters_json(Path(path)).relative_to(Path(path).parent)} beside it: "
                          f"it was not rendered by optviz's lecture, or by a version before the deck; render it "
                          f"again with `{RENDER_COMMAND}`")
    raise OptvizError(f"no rendered lecture at {named}: render it first with `{RENDER_COMMAND}`{also}")


def chapters_json(video: Path) -> Path:
    return video.with_name(video.stem + "_chapters") / "chapters.json"


def read_lecture(video) -> RenderedLecture:
    """The lecture at `video` (its _chapters folder beside it), every chapter it holds."""
    video = Path(video)
    listing = chapters_json(video)
    try:
        entries = json.loads(listing.read_text())
        chapters = []
        for e in entries:
            if "slides" not in e:
                raise KeyError("slides")
            number = int(e.get("number", e["n"]))   # in the lecture (a deck may hold some chapters)
            first, slides = 0, []
            for k, s in enumerate(e["slides"], 1):
                slides.append(Slide(number, k, first, int(s["frames"]), s["notes"], bool(s["loop"])))
                first += int(s["frames"])
            chapters.append(RenderedChapter(number, e["key"], e["title"], listing.parent / e["file"], int(e["fps"]),
                                            tuple(slides)))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise OptvizError(f"{listing} cannot be read as a rendered lecture's chapters ({exc}); render it again with "
                          f"`{RENDER_COMMAND}`") from None
    for c in chapters:
        if not c.video.is_file():
            raise OptvizError(f"{c.video} is missing: render the lecture again with `{RENDER_COMMAND}`")
    if not chapters:
        raise OptvizError(f"{listing} lists no chapters; render the lecture again with `{RENDER_COMMAND}`")
    return RenderedLecture(video, entries[0].get("voice"), entries[0].get("quality"), tuple(chapters),
                           entries[0].get("race"), entries[0].get("lecture"), tuple(entries[0].get("keys") or ()),
                           entries[0].get("theme") or "dark")


def choose(lecture: RenderedLecture, chapters: str | None = None, quality: str | None = None,
           voice: str | None = None) -> RenderedLecture:
    """The chapters asked for ("1,3-5" in the lecture's numbering, as `optviz render --chapters` takes
    them), each of which the rendered lecture must hold; `quality` and `voice`, when given, must be
    those it was rendered with."""
    from ..video import select
    for option, asked, made in (("--quality", quality, lecture.quality), ("--voice", voice, lecture.voice)):
        if asked is not None and made is not None and asked != made:
            raise OptvizError(f"the lecture at {lecture.video} was rendered with {option} {made}, not {asked}: "
                              f"render it with `{RENDER_COMMAND} {option} {asked}`, or leave {option} out")
    if chapters is None:
        return lecture
    have = {c.number: c for c in lecture.chapters}
    wanted = [i + 1 for i in select(chapters, lecture.keys or [c.key for c in lecture.chapters])]
    missing = [n for n in wanted if n not in have]
    if missing:
        held = ", ".join(str(n) for n in sorted(have))
        raise OptvizError(f"chapters {chapters!r}: the lecture at {lecture.video} holds chapters {held} only; render "
                          f"the others with `{RENDER_COMMAND} --chapters {chapters}`")
    return RenderedLecture(lecture.video, lecture.voice, lecture.quality, tuple(have[n] for n in wanted), lecture.race,
                           lecture.title, lecture.keys, lecture.theme)
