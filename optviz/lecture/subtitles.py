"""What is written beside the video, from the timed plan: subtitles (.srt and WebVTT), the narration
script with its final times (Markdown), and the chapter markers (ffmpeg's metadata format).

A subtitle is the spoken words, split for reading: at most CUE_CHARS characters, broken where the
voice pauses (after a sentence or a comma first); each cue lasts from the start of its first word to
the end of its last, as the voice placed them, so no two cues overlap.
"""
from __future__ import annotations

import textwrap

import numpy as np

from ..render.encode import clock
from .timing import Timing, frames, proportional_words, timeline

CUE_CHARS = 84      # two lines of at most 42
LINE_CHARS = 42


def split_words(words: list[str], limit: int = CUE_CHARS, times=None) -> list[tuple[int, int]]:
    """Word ranges [a, b) for cues of at most `limit` characters, broken where the sense breaks and,
    with word times, where the voice pauses: a cue breaks at the longest pause the limit allows
    (after a sentence or a comma first), so each cue starts as its words are heard."""
    out, a = [], 0
    while a < len(words):
        b, length, fits = a, -1, []
        while b < len(words) and length + 1 + len(words[b]) <= limit:
            length += 1 + len(words[b])
            b += 1
            fits.append(b)
        if b == a:   # one word longer than a cue
            b = a + 1
        elif b < len(words):
            def score(end):
                gap = times[end][0] - times[end - 1][1] if times else 0.0
                mark = {".": 2, "?": 2, "!": 2, ",": 1, ";": 1, ":": 1}.get(words[end - 1][-1], 0)
                return (gap >= 0.08, mark, gap, end)
            choices = [e for e in fits if e - a >= 3] or fits
            b = max(choices, key=score)
        out.append((a, b))
        a = b
    return out


def cues(timing: Timing, chosen: list[int]) -> list[tuple[float, float, str]]:
    """(start, end, text) of every subtitle, in video time, none overlapping."""
    starts = {ch["index"]: ch["start"] for ch in timeline(timing.plan, chosen, timing.fps)}
    out = []
    for line, start, speech in sorted(timing.placed, key=lambda p: (chosen.index(p[0].chapter), p[1])):
        if line.chapter not in starts:
            continue
        words = line.text.split()
        times = speech.words if len(speech.words) == len(words) else None
        t0 = starts[line.chapter] + start
        for a, b in split_words(words, times=times):
            if times:
                s, e = t0 + times[a][0], t0 + times[b - 1][1]
            else:
                s, e = t0 + speech.seconds * a / len(words), t0 + speech.seconds * b / len(words)
            out.append([s, max(e, s + 0.2), "\n".join(textwrap.wrap(" ".join(words[a:b]), LINE_CHARS))])
    for prev, cur in zip(out, out[1:]):
        prev[1] = min(prev[1], cur[0])
    return [tuple(c) for c in out]


def _stamp(t: float, sep: str) -> str:
    ms = int(round(t * 1000))
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}{sep}{ms % 1000:03d}"


def srt(cue_list) -> str:
    return "".join(f"{k}\n{_stamp(a, ',')} --> {_stamp(b, ',')}\n{text}\n\n" for k, (a, b, text) in enumerate(cue_list, 1))


def vtt(cue_list) -> str:
    return "WEBVTT\n\n" + "".join(f"{_stamp(a, '.')} --> {_stamp(b, '.')}\n{text}\n\n" for a, b, text in cue_list)


def narration(timing: Timing, chosen: list[int], voice: str) -> str:
    """The narration script: a section per chapter with its time range, each line at its time."""
    times = timeline(timing.plan, chosen, timing.fps)
    placed = {}
    for line, start, _ in timing.placed:
        placed.setdefault(line.chapter, []).append((start, line.text))
    out = ["# Narration", "", f"Spoken by {voice}; each line at the time it starts in the video.", ""]
    for n, ch in enumerate(times, 1):
        c = ch["chapter"]
        out += [f"## {n}. {c.title} ({clock(ch['start'])}–{clock(ch['end'])})", ""]
        out += [f"- {clock(ch['start'] + s)}  {text}" for s, text in sorted(placed.get(ch["index"], []))]
        out.append("")
    return "\n".join(out)


def beat_notes(timing: Timing, chosen: list[int]) -> dict[int, list[str]]:
    """For each chosen chapter, the words spoken during each of its beats (a word belongs to the beat
    its middle falls in, within the beats its line runs over): a slide's speaker notes."""
    notes = {i: [[] for _ in timing.plan[i].beats] for i in chosen}
    for line, start, speech in sorted(timing.placed, key=lambda p: (p[0].chapter, p[1])):
        if line.chapter not in notes:
            continue
        words = line.text.split()
        times = speech.words if len(speech.words) == len(words) else proportional_words(line.text, speech.seconds)
        ends = np.cumsum([frames(b.seconds, timing.fps) for b in timing.plan[line.chapter].beats]) / timing.fps
        for word, (a, b) in zip(words, times):
            k = int(np.searchsorted(ends, start + (a + b) / 2, side="right"))
            notes[line.chapter][min(max(k, line.first), line.last)].append(word)
    return {i: [" ".join(ws) for ws in beats] for i, beats in notes.items()}


def ffmetadata(times: list[dict]) -> str:
    """Chapter markers in ffmpeg's metadata format (players list them as chapters)."""
    out = [";FFMETADATA1"]
    for n, ch in enumerate(times, 1):
        title = f"{n}. {ch['chapter'].title}".replace("=", "\\=").replace(";", "\\;").replace("#", "\\#")
        out += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={round(ch['start'] * 1000)}", f"END={round(ch['end'] * 1000)}",
                f"title={title}"]
    return "\n".join(out) + "\n"
