"""Timing that follows the voice: how long each beat lasts, where each spoken line and each mark falls.

A line is the words of one beat (`say`), running on over the beats after it that say nothing new
(`say=None`). Its beats last at least what their animations need (`Beat.seconds`); when the line
takes longer, LEAD + its speech + PAUSE, they stretch, in proportion to their own lengths, so the
animations inside stretch to the line. A mark (`{name}` before a word) falls where the voice says that
word: from the word times the voice reports, or in proportion to the characters where it reports none.

Everything is counted in frames, as manim plays it: a beat of n frames is given the length
(n - 0.5) / fps, for which `frames` is exactly n. A chapter's timing depends on its own lines only, so
re-recording one line re-times that chapter and no other.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace

import numpy as np

from .script import SPEAKING, Chapter, spoken

RATE = 48000   # the narration's sample rate (a whole number of samples per frame at 15, 30 and 60 fps)
LEAD = 0.2     # seconds of quiet at a line's start, before the voice
PAUSE = 0.6    # seconds of quiet after a line, before the next one may start
QUICK = 1.2    # seconds an entrance takes (scenes/lecture.py): a mark's animation starts at least this early


def frames(seconds: float, fps: int) -> int:
    """Frames manim writes for a play of `seconds` at `fps` (it steps np.arange(0, seconds, 1/fps))."""
    return len(np.arange(0, seconds, 1 / fps))


def beat_seconds(n: int, fps: int) -> float:
    """The length to give a beat of exactly n frames."""
    return (n - 0.5) / fps


@dataclass(frozen=True)
class Line:
    chapter: int     # index into the plan
    number: int      # 1-based within its chapter: 03-momentum/02.txt
    first: int       # its beat, and the last beat it runs over
    last: int
    text: str        # as said: the marks taken out
    marks: tuple = ()   # (mark, index of the word it precedes)

    @property
    def key(self) -> tuple[int, int]:
        return self.chapter, self.number


def lines(plan: list[Chapter], chosen=None) -> list[Line]:
    """Every spoken line of the chosen chapters (all when None), in order."""
    out = []
    for i, c in enumerate(plan):
        if chosen is not None and i not in chosen:
            continue
        number = 0
        for k, b in enumerate(c.beats):
            if not b.say:
                continue
            last = k
            while last + 1 < len(c.beats) and c.beats[last + 1].say is None:
                last += 1
            number += 1
            text, marks = spoken(b.say)
            out.append(Line(i, number, k, last, text, tuple(sorted(marks.items(), key=lambda m: m[1]))))
    return out


@dataclass
class Speech:
    """A line as spoken: its length, each word's start and end (seconds from the line's start, one per
    word of Line.text), and its samples (float32 mono at RATE, loudness normalized; None in a draft)."""
    seconds: float
    words: list = field(default_factory=list)
    samples: np.ndarray | None = None
    source: str = ""


def proportional_words(text: str, seconds: float) -> list[tuple[float, float]]:
    """Word times where a voice reports none: each word's share of the line by its characters."""
    ws = text.split()
    if not ws:
        return []
    weight = np.array([len(w) + 1 for w in ws], dtype=float)
    edges = np.concatenate([[0.0], np.cumsum(weight)]) / weight.sum() * seconds
    return [(float(a), float(b)) for a, b in zip(edges[:-1], edges[1:])]


def draft_speech(line: Line, pace: float = 1.0) -> Speech:
    """The silent draft: the line as long as a speaker would take (SPEAKING words a second, times pace)."""
    seconds = len(line.text.split()) / SPEAKING * pace
    return Speech(seconds, proportional_words(line.text, seconds), None, "none")


@dataclass
class Timing:
    """The plan with every beat's final length and marks, and where each line's speech is placed."""
    plan: list[Chapter]
    placed: list = field(default_factory=list)   # (Line, start in its chapter in seconds, Speech)
    fps: int = 30

    def chapter_frames(self, i: int) -> int:
        return sum(frames(b.seconds, self.fps) for b in self.plan[i].beats)

    def to_json(self) -> str:
        """What a manim process needs to play the timed plan: each beat's length and marks."""
        return json.dumps({"fps": self.fps, "chapters": {c.key: [[b.seconds, b.marks] for b in c.beats]
                                                         for c in self.plan}})


def apply_json(plan: list[Chapter], text: str) -> list[Chapter]:
    """The scenes' side of Timing.to_json: their own plan given the timed lengths and marks."""
    timed = json.loads(text)["chapters"]
    out = []
    for c in plan:
        beats = timed.get(c.key)
        if beats is None:
            out.append(c)
            continue
        if len(beats) != len(c.beats):
            raise ValueError(f"chapter {c.key}: the timing has {len(beats)} beats, the script {len(c.beats)}")
        out.append(replace(c, beats=tuple(replace(b, seconds=s, marks=m) for b, (s, m) in zip(c.beats, beats))))
    return out


def stretch(counts: list[int], need: int) -> list[int]:
    """Frame counts grown to add up to `need`, each in proportion to its own (largest remainders)."""
    have = sum(counts)
    if need <= have:
        return list(counts)
    exact = [c * need / have for c in counts]
    out = [math.floor(e) for e in exact]
    for k in sorted(range(len(counts)), key=lambda k: out[k] - exact[k])[:need - sum(out)]:
        out[k] += 1
    return out


def time_plan(plan: list[Chapter], speech: dict, fps: int, chosen=None) -> Timing:
    """The timed plan: `speech` maps Line.key to its Speech for the chosen chapters' lines (a line
    without one is timed as a draft)."""
    timed, placed = list(plan), []
    for i, chapter in enumerate(plan):
        if chosen is not None and i not in chosen:
            continue
        counts = [frames(b.seconds, fps) for b in chapter.beats]
        marks = [dict() for _ in chapter.beats]
        starts = []
        mine = [ln for ln in lines(plan, [i])]
        for ln in mine:
            s = speech.get(ln.key) or draft_speech(ln)
            need = math.ceil((LEAD + s.seconds + PAUSE) * fps)
            counts[ln.first:ln.last + 1] = stretch(counts[ln.first:ln.last + 1], need)
            starts.append((ln, s))
        edges = np.concatenate([[0], np.cumsum(counts)])
        for ln, s in starts:
            t0 = edges[ln.first] / fps
            placed.append((ln, t0 + LEAD, s))
            room = beat_seconds(counts[ln.first], fps)
            for name, word in ln.marks:
                at = LEAD + (s.words[word][0] if word < len(s.words) else s.seconds)
                marks[ln.first][name] = round(min(at, max(0.0, room - QUICK)), 4)
        timed[i] = replace(chapter, beats=tuple(replace(b, seconds=beat_seconds(n, fps), marks=m)
                                                for b, n, m in zip(chapter.beats, counts, marks)))
    return Timing(timed, placed, fps)


def timeline(plan: list[Chapter], chosen: list[int], fps: int) -> list[dict]:
    """For each chosen chapter in order: its start and end in the video (s) and its beats' spans."""
    out, t = [], 0
    for i in chosen:
        start, spans = t, []
        for b in plan[i].beats:
            n = frames(b.seconds, fps)
            spans.append((t / fps, (t + n) / fps))
            t += n
        out.append({"index": i, "chapter": plan[i], "start": start / fps, "end": t / fps, "beats": spans})
    return out
