"""The lecture's beat model: chapters, each a list of beats, as plain data. It is read from a lecture
file (`optviz.lecture.markdown` parses it, `optviz.lecture.plan` turns it into these chapters with the
runs' numbers filled in); the built-in lecture is such a file (optviz/lecture/lectures/seed.md).

A beat is one `play` (or `wait`) of its chapter's manim scene: the least time its animation needs, the
line spoken over it, and the on-screen texts that appear with it (the scene draws exactly these
strings). A line may run on over the beats after it (`say=None`), and may carry marks, `{name}`
before a word, where the scene starts an animation. Everything else the lecture writes comes from here:
the spoken narration, the subtitles (the spoken words, split for reading), the chapter markers, the
cue sheet for a teacher's recordings. How long each beat lasts is decided by the voice
(`optviz.lecture.timing`); the numbers in the texts are the runs' own.

Pace: a reader takes in about 3 words a second, a speaker says about 2.7; `reading_problems` checks
that every on-screen text can be read before it leaves, on the timed plan.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import numpy as np

READING = 3.0    # words a second a viewer reads
SPEAKING = 2.7   # words a second of narration (about 160 a minute): the silent draft's pace
MARK = re.compile(r"\{(\w+)\}\s*")


@dataclass(frozen=True)
class Beat:
    seconds: float                       # the least it lasts: what its animation needs
    say: str | None = ""                 # spoken over it; None: the line before goes on; "": silence
    texts: dict = field(default_factory=dict)   # key -> on-screen text that appears in this beat
    clear: tuple = ()                    # keys of earlier texts that leave the screen in this beat
    marks: dict = field(default_factory=dict)   # mark -> seconds into the beat (set by the timing)
    loop: bool = False                   # a steady motion the deck may repeat while the teacher talks


def spoken(line: str) -> tuple[str, dict[str, int]]:
    """A line as said (its marks taken out) and, for each mark, the index of the word it precedes."""
    marks, words_before, out = {}, 0, []
    parts = MARK.split(line)   # text, mark, text, mark, ...
    for k, part in enumerate(parts):
        if k % 2:
            marks[part] = words_before
        else:
            out.append(part)
            words_before += len(part.split())
    return " ".join(" ".join(out).split()), marks


@dataclass(frozen=True)
class Shot:
    """A shot in a chapter's plan: its kind, name and parsed options; its beats first..last (the closing
    beat is last + 1); each moment's beat and the seconds into it where it starts unless its mark is
    spoken (moments sharing a beat follow each other); its texts' keys in order; the update rule's
    lines (a rule shot); the folder holding its runs (set once they are computed); whether the post
    shows it."""
    kind: str
    name: str
    options: dict
    first: int
    last: int
    line: int
    moments: dict = field(default_factory=dict)
    texts: tuple = ()
    rule: tuple = ()
    data: str = ""
    figure: bool = True   # in the post (optviz article); the scenes have no use for it: not in the JSON

    def to_json(self) -> dict:
        return {"kind": self.kind, "name": self.name, "options": self.options, "first": self.first, "last": self.last,
                "line": self.line, "moments": self.moments, "texts": list(self.texts), "rule": list(self.rule),
                "data": self.data}


@dataclass(frozen=True)
class Chapter:
    key: str           # file names: 01-gradient.mp4
    title: str
    beats: tuple
    cost: float = 1.0  # render cost of a frame, relative (3-D stages cost more): for sharing the work
    shots: tuple = ()  # the shots it shows (optviz.lecture.plan.Shot), each over a span of its beats

    scene = "LectureChapter"   # the manim class in scenes/lecture.py that plays any chapter

    @property
    def narration(self) -> str:
        """Everything said in the chapter, as one paragraph (marks taken out)."""
        return " ".join(spoken(b.say)[0] for b in self.beats if b.say)

    def text(self, key: str) -> str:
        for b in self.beats:
            if key in b.texts:
                return b.texts[key]
        raise KeyError(f"chapter {self.key} has no text {key!r}")


def scaled(plan: list[Chapter], pace: float) -> list[Chapter]:
    """The plan with every beat's least length times `pace` (< 1 for quick drafts and tests)."""
    if pace == 1.0:
        return plan
    return [replace(c, beats=tuple(replace(b, seconds=b.seconds * pace) for b in c.beats)) for c in plan]


# ---- pace ----------------------------------------------------------------------------------------------

def words(text: str) -> int:
    return len(text.split())


def reading_problems(plan: list[Chapter]) -> list[str]:
    """What a viewer reading READING words a second, text after text as they appear, could not finish
    before it leaves the screen (at its `clear` beat or the chapter's end), on a timed plan (the beats'
    final lengths). Empty when the pace holds. (The narration always fits: the voice sets the pace.)"""
    return [f"{plan[i].key}: {key!r} {message}" for i, key, message in reading_issues(plan)]


def reading_issues(plan: list[Chapter]) -> list[tuple[int, str, str]]:
    """reading_problems as (chapter index, text key, what is wrong)."""
    problems = []
    for n, c in enumerate(plan):
        starts = np.concatenate([[0.0], np.cumsum([b.seconds for b in c.beats])])
        shown, free = {}, 0.0
        for i, b in enumerate(c.beats):
            for key in b.texts:
                shown[key] = i
        for key, i in sorted(shown.items(), key=lambda kv: kv[1]):
            gone = next((j for j, b in enumerate(c.beats) if key in b.clear and j > i), len(c.beats))
            done = max(free, starts[i]) + words(c.beats[i].texts[key]) / READING
            if done > starts[gone] + 1e-9:
                problems.append((n, key, f"({words(c.beats[i].texts[key])} words) is read by {done:.1f} s but "
                                         f"leaves at {starts[gone]:.1f} s"))
            free = done
    return problems


# ---- the plan as JSON: what the manim processes play -------------------------------------------------

def plan_to_json(plan: list[Chapter], fps: int) -> str:
    """A timed plan, whole (beats, texts, marks, shots and where their runs are), for the scenes."""
    import json
    return json.dumps({"fps": fps, "chapters": [
        {"key": c.key, "title": c.title, "cost": c.cost, "shots": [s.to_json() for s in c.shots],
         "beats": [{"seconds": b.seconds, "say": b.say, "texts": b.texts, "clear": list(b.clear), "marks": b.marks,
                    "loop": b.loop} for b in c.beats]} for c in plan]})


def plan_from_json(text: str) -> list[Chapter]:
    import json
    return [Chapter(c["key"], c["title"], tuple(Beat(**{**b, "clear": tuple(b["clear"])}) for b in c["beats"]), c["cost"],
                    tuple(Shot(**{**s, "texts": tuple(s["texts"]), "rule": tuple(s["rule"])}) for s in c["shots"]))
            for c in json.loads(text)["chapters"]]
