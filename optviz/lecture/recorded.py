"""The teacher's own voice: what to record (`--voice-script DIR`), and the recordings as a voice
(`--voice recorded:DIR`).

    DIR/HOW-TO.txt            how to record, in a few lines
    DIR/cues.md               every line with its chapter, file and where it plays in the silent draft
    DIR/03-momentum/02.txt    the words of line 2 of chapter 3
    DIR/03-momentum/02.wav    its recording (.wav, .flac, .mp3, .m4a or .ogg), replacing the synthetic line
    DIR/03-momentum.wav       or the whole chapter in one take, split at its pauses

Recordings are checked before anything is rendered: a missing one (all are listed), one that cannot
be read, is empty or silent, or is far longer than its line could take, stops the render with one
line naming the file. `recorded:DIR+piper` fills the lines not recorded yet with another voice.
"""
from __future__ import annotations

from pathlib import Path
from shlex import quote

import numpy as np

from ..data.files import check_folder
from ..errors import OptvizError
from .audio import decode, trim
from .speech import recorded, synthesized
from .timing import Line, Speech, lines

SOUNDS = (".wav", ".flac", ".mp3", ".m4a", ".ogg")
GAP = 0.35          # seconds of quiet between two lines of a one-take chapter
SLOWEST = 1.0       # seconds a word may take at the slowest (a longer recording is likely the wrong file)
QUIET = -50.0       # dBFS: a recording whose peak stays below this is silent

HOW_TO = """\
Recording the lecture in your own voice
=======================================

Each chapter has a folder; each line of it a text file (01.txt, 02.txt, ...). Read a line and save the
recording beside its text, with the same name: 01.wav (or .flac, .mp3, .m4a, .ogg). Or read a whole
chapter in one take and save it beside the folder ({take}), leaving a clear pause (half a second)
between lines: it is split at its pauses. cues.md lists every line and where it plays.

Then render with your voice:

    {command}

Lines you have not recorded yet can be spoken by the synthetic voice meanwhile:
--voice recorded:{folder}+piper. Each beat of the video lasts as long as its line: speak at your own
pace. Re-recording one line re-renders only its chapter.
"""


def chapter_folder(plan, chapter: int) -> str:
    return f"{chapter + 1:02d}-{plan[chapter].key}"


def write_voice_script(plan, folder, timing=None, lecture: str = "seed") -> list[Path]:
    """The lines to read, a file each in chapter folders, with a cue sheet and HOW-TO.txt, whose command
    renders `lecture` (the file as the teacher named it, or a built-in's name) with them. Texts are
    rewritten (the script may have changed); recordings are never touched."""
    folder = check_folder(folder, "--voice-script folder")
    every = lines(plan)
    placed = {ln.key: start for ln, start, _ in timing.placed} if timing else {}
    chapter_starts = {}
    if timing:
        t = 0.0
        for i in range(len(plan)):
            chapter_starts[i] = t
            t += timing.chapter_frames(i) / timing.fps
    written = []

    def put(path: Path, text: str):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
        written.append(path)

    rows = ["# Cue sheet", "", "Every line of the lecture: its chapter, the file to record, and where it plays in the "
            "silent draft (the final times follow your recordings).", "",
            "| chapter | line | record as | at (draft) | words |", "| --- | --- | --- | --- | --- |"]
    for ln in every:
        sub = chapter_folder(plan, ln.chapter)
        put(folder / sub / f"{ln.number:02d}.txt", ln.text + "\n")
        at = chapter_starts.get(ln.chapter, 0.0) + placed.get(ln.key, 0.0)
        rows.append(f"| {ln.chapter + 1}. {plan[ln.chapter].title} | {ln.number} | `{sub}/{ln.number:02d}.wav` | "
                    f"{int(at // 60)}:{at % 60:04.1f} | {ln.text.replace('|', '/')} |")
    put(folder / "cues.md", "\n".join(rows) + "\n")
    video = f"{Path(lecture).stem if Path(lecture).suffix else 'lecture'}.mp4"   # a file's name; a built-in's
    command = f"optviz lecture {quote(lecture)} --voice {quote(f'recorded:{folder}')} -o {quote(video)}"
    put(folder / "HOW-TO.txt", HOW_TO.format(folder=folder, command=command,
                                             take=f"{chapter_folder(plan, 0)}.wav"))
    return written


def find(base: Path) -> Path | None:
    """The recording named base.<one of SOUNDS>, if there is one."""
    for ext in SOUNDS:
        if base.with_suffix(ext).exists():
            return base.with_suffix(ext)
    return None


def most_seconds(line: Line) -> float:
    return len(line.text.split()) * SLOWEST + 5.0


def split_take(samples: np.ndarray, rate: int, n: int, path: Path) -> list[np.ndarray]:
    """A one-take chapter cut into its n lines at its n - 1 longest pauses (at least GAP seconds each)."""
    win = rate // 100
    m = len(samples) // win
    rms = np.sqrt((samples[:m * win].reshape(m, win).astype(np.float64) ** 2).mean(1) + 1e-20)
    quiet = 20 * np.log10(rms / (np.abs(samples).max() + 1e-20)) < -40.0
    loud = np.flatnonzero(~quiet)
    runs, k = [], loud[0] if loud.size else m
    while k < (loud[-1] if loud.size else 0):
        if quiet[k]:
            j = k
            while j < m and quiet[j]:
                j += 1
            if (j - k) * win >= GAP * rate:
                runs.append((j - k, k, j))
            k = j
        else:
            k += 1
    if len(runs) < n - 1:
        raise OptvizError(f"{path}: found {len(runs)} pause(s) of at least {GAP} s, but the chapter has {n} lines: "
                          "pause half a second between lines, or record them one by one")
    cuts = sorted((a + b) // 2 * win for _, a, b in sorted(runs, reverse=True)[:n - 1])
    edges = [0, *cuts, len(samples)]
    return [samples[a:b] for a, b in zip(edges, edges[1:])]


class RecordedVoice:
    """The recordings in a folder as a voice; `fallback` (a Voice) says the lines not recorded yet."""

    def __init__(self, folder: Path, fallback=None):
        self.folder, self.fallback = Path(folder), fallback
        if not self.folder.is_dir():
            raise OptvizError(f"--voice recorded:{folder}: no such folder (optviz lecture FILE.md "
                              f"--voice-script {folder} writes what to record)")
        self._takes: dict = {}

    def describe(self) -> str:
        return f"recorded:{self.folder}" + (f" (the rest: {self.fallback.describe()})" if self.fallback else "")

    def _recording(self, plan, line: Line):
        """(samples, rate, path) of a line's recording, or None."""
        sub = chapter_folder(plan, line.chapter)
        own = find(self.folder / sub / f"{line.number:02d}")
        if own:
            samples, rate = decode(own)
            return samples, rate, own
        take = find(self.folder / sub)
        if take:
            if take not in self._takes:
                samples, rate = decode(take)
                self._check_sound(samples, rate, take)
                n = len([ln for ln in lines(plan, [line.chapter])])
                self._takes[take] = (split_take(samples, rate, n, take), rate)
            pieces, rate = self._takes[take]
            return pieces[line.number - 1], rate, take
        return None

    @staticmethod
    def _check_sound(samples, rate, path: Path, line: Line | None = None):
        if len(samples) == 0:
            raise OptvizError(f"{path}: the recording is empty")
        peak = 20 * np.log10(np.abs(samples).max() + 1e-20)
        if peak < QUIET:
            raise OptvizError(f"{path}: the recording is silent (its loudest sample is {peak:.0f} dBFS)")
        if line is not None and len(trim(samples, rate)[0]) / rate > most_seconds(line):
            raise OptvizError(f"{path} lasts {len(samples) / rate:.1f} s, more than line {line.number} of its chapter "
                              f"can take (at most {most_seconds(line):.0f} s for its {len(line.text.split())} words): "
                              "is it the right file?")

    def check(self, plan, wanted: list[Line]) -> None:
        """Every wanted line has a sound recording (or a fallback voice), checked before any render."""
        missing = []
        for line in wanted:
            found = self._recording(plan, line)
            if found is None:
                if self.fallback is None:
                    missing.append(f"{chapter_folder(plan, line.chapter)}/{line.number:02d}")
                continue
            samples, rate, path = found
            self._check_sound(samples, rate, path, line)
        if missing:
            shown = ", ".join(missing[:12]) + (f" and {len(missing) - 12} more" if len(missing) > 12 else "")
            raise OptvizError(f"missing recordings in {self.folder}: {shown} (record them, as "
                              f"{self.folder}/HOW-TO.txt says, or add +piper to the voice to fill them)")

    def speech(self, plan, line: Line) -> Speech:
        found = self._recording(plan, line)
        if found is None:
            return synthesized(self.fallback, line.text)
        samples, rate, path = found
        return recorded(samples, rate, line.text, str(path))
