"""The lecture as a teacher gets it: `lecture.mp4` with its narration (AAC), chapter markers, a video
per chapter, subtitles (.srt, .vtt) and the narration script (.md), rendered in parallel manim processes.

Order of work: every line is spoken first (the voice, cached), which times every beat
(`timing.time_plan`); then the chapters are rendered silent, each cut at beat boundaries into parts
(`parts`) rendered with $OPTVIZ_BEATS=FIRST,LAST (the beats before a part are played without
drawing, so the part starts in the state they leave) and joined without re-encoding; then each
chapter's narration is muxed in. A chapter's silent video is cached under a hash of all it is drawn
from (its timed beats and texts, the runs, the scenes' code, quality, theme), so a render with one
line changed re-renders only that line's chapter.
"""
from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..data.files import atomic_path
from ..errors import OptvizError
from ..version import __version__
from .audio import chapter_track, mux
from ..cache import cache_dir, digest, sources_digest
from .files import data_digest
from .runs import Lecture, plan_of, prepare
from .script import Chapter, plan_to_json
from .subtitles import beat_notes, cues, ffmetadata, narration, srt, vtt
from .timing import RATE, frames, lines, time_plan, timeline
from .voice import get_voice, speak


def select(text: str | None, keys) -> list[int]:
    """Chapter indices from "1,3-5" (1-based, in the order given, each once); all when None."""
    if text is None or str(text).strip() == "":
        return list(range(len(keys)))
    chosen = []
    for item in str(text).split(","):
        try:
            lo, dash, hi = item.strip().partition("-")
            lo, hi = int(lo), int(hi if dash else lo)
        except ValueError:
            lo = hi = 0
        if not 1 <= lo <= hi <= len(keys):
            names = ", ".join(f"{i + 1} {k}" for i, k in enumerate(keys))
            raise OptvizError(f"bad chapters {text!r}: write numbers or ranges from 1 to {len(keys)}, e.g. 1,3-5 "
                              f"({names})")
        chosen += [i for i in range(lo - 1, hi) if i not in chosen]
    return chosen


# a part's start-up (a manim process forked, the stage built, beats before it played undrawn) in the
# units of Part.cost, about 0.9 s: measured at preview, where a frame of cost 1 takes about 0.02 s
PART_START = 45.0


@dataclass(frozen=True)
class Part:
    chapter: int      # index into the plan
    first: int        # beats first..last, inclusive ($OPTVIZ_BEATS)
    last: int
    frames: int
    cost: float       # frames x the chapter's cost per frame


def parts(plan: list[Chapter], chosen: list[int], fps: int, workers: int) -> list[Part]:
    """The chosen chapters cut at beat boundaries where one would hold up the others: with W the total
    cost (a start-up per chapter included), a chapter above W / (workers + 1) is cut into that many
    pieces, at most one per worker, none smaller than twice a part's start-up. The Runner starts the
    costliest parts first, which shares the rest out well; a cut costs a start-up, and within a chapter
    the cost is not even (a camera's zoom costs more than the frames before it), so chapters are cut
    only where they must be."""
    counts = {i: [frames(b.seconds, fps) for b in plan[i].beats] for i in chosen}
    total = sum(sum(counts[i]) * plan[i].cost + PART_START for i in chosen)
    share = total / max(1, workers + 1)
    out = []
    for i in chosen:
        n, cost = counts[i], plan[i].cost
        work = sum(n) * cost
        pieces = max(1, min(len(n), workers, math.ceil(work / share - 1e-9), int(work // (2 * PART_START))))
        pieces = pieces if workers > 1 else 1
        bounds = np.searchsorted(np.cumsum(n), [sum(n) * k / pieces for k in range(1, pieces)], side="left")
        edges = sorted({0, *[int(b) + 1 for b in bounds], len(n)})
        for a, b in zip(edges, edges[1:]):
            out.append(Part(i, a, b - 1, sum(n[a:b]), sum(n[a:b]) * cost))
    return out


def chapter_file(n: int, chapter: Chapter, fmt: str) -> str:
    return f"{n:02d}-{chapter.key}.{fmt}"


def chapter_digest(chapter: Chapter, fps: int, look: dict, drawn_from: str) -> str:
    """What a chapter's silent video is made of: its timed beats and texts, its shots and their runs,
    how it is drawn."""
    beats = [[frames(b.seconds, fps), b.marks, b.texts, list(b.clear)] for b in chapter.beats]
    shots = [{**s.to_json(), "data": data_digest(s.data) if s.data else ""} for s in chapter.shots]
    return digest(chapter.key, chapter.title, beats, shots, fps, look, drawn_from, __version__)


def build_lecture(lecture: Lecture, path, *, fps: int, fmt: str, chapters: str | None, workers: int,
                  options: dict, run_part, join, voice: str | None = "none", look: dict | None = None,
                  cache: bool = True, report=lambda line: None, speaking=None, drawing=None) -> list[Path]:
    """Render the prepared lecture's chosen chapters into `path`, with
    <stem>_chapters/, <stem>.srt, .vtt and .md beside it. `run_part(parts, plan, timing_json)` renders
    the parts in parallel and returns {part: file}; `join(files, target, metadata)` joins videos
    without re-encoding. `voice` is a --voice value ("none": silent, timed from the text); `look`
    (quality, theme) and the scenes' code key the chapter cache; `speaking(done, total)` hears the voice;
    `drawing(numbers)` hears which chosen chapters (1-based) are drawn, not found in the cache."""
    path = Path(path)
    pace = float(options.get("pace", 1.0))
    plan = plan_of(lecture, pace)
    chosen = select(chapters, [c.key for c in plan])
    speaker = get_voice(voice)
    speech = speak(speaker, plan, lines(plan, chosen), pace, progress=speaking)
    timing = time_plan(plan, speech, fps, chosen)
    plan = timing.plan
    times = timeline(plan, chosen, fps)
    # the deck is cut from the rendered chapters: its code does not draw them
    drawn_from = sources_digest(*code_folders(), skip=(Path(__file__).parent / "deck",))
    keys = {i: chapter_digest(plan[i], fps, look or {}, drawn_from) for i in chosen}
    store = cache_dir("lecture", "chapters") if cache else None
    cached = {i: store / f"{keys[i]}.{fmt}" for i in chosen} if store else {}
    todo = [i for i in chosen if not (store and cached[i].exists())]
    if drawing:
        drawing([i + 1 for i in todo])
    jobs = parts(plan, todo, fps, workers)
    with tempfile.TemporaryDirectory(prefix="optviz-lecture-") as scratch:
        scratch = Path(scratch)
        files = run_part(jobs, plan, plan_to_json(plan, fps)) if jobs else {}

        def drawn(i):
            """Chapter i's silent video: its parts joined (and kept in the cache)."""
            target = scratch / f"silent{i}.{fmt}"
            join([files[p] for p in jobs if p.chapter == i], target, None)
            if store:
                tmp = cached[i].with_name(f".{cached[i].name}.{os.getpid()}.tmp")
                shutil.copyfile(target, tmp)
                tmp.replace(cached[i])
            return target

        # each join is an ffmpeg process, mostly its start: several at once
        with ThreadPoolExecutor(max(1, min(workers, len(todo)))) as pool:
            joined = dict(zip(todo, pool.map(drawn, todo)))
        silent = {i: joined[i] if i in joined else cached[i] for i in chosen}
        written = write_outputs(path, fmt, plan, chosen, times, timing, silent, speaker, join, report,
                                reused=[i for i in chosen if i not in todo],
                                about={"voice": voice, "quality": (look or {}).get("quality"), "fps": fps,
                                       "theme": (look or {}).get("theme"),
                                       "race": first_race(plan), "lecture": lecture.meta.get("title"),
                                       "keys": [c.key for c in plan]}, source=lecture.path)
    return written


def code_folders() -> list[Path]:
    """The code a chapter's picture comes from: the scenes, the renderers' geometry and colours, the lecture."""
    here = Path(__file__).resolve().parent
    from ..render.manim_video import scenes_dir
    return [scenes_dir(), here.parent / "render", here]


def narration_tracks(timing, chosen: list[int]) -> dict[int, np.ndarray]:
    """Each chosen chapter's narration: float32 mono at RATE, exactly as long as the chapter's frames."""
    placed = {}
    for line, start, s in timing.placed:
        placed.setdefault(line.chapter, []).append((start, s.samples))
    return {i: chapter_track(timing.chapter_frames(i) * RATE // timing.fps, placed.get(i, []), RATE) for i in chosen}


def narration_path(path: Path, source: Path | None) -> Path:
    """Where the narration script goes: beside the video as <stem>.md, unless that is the lecture file
    itself (`optviz lecture talk.md -o talk.mp4`): then <stem>-narration.md."""
    script = path.with_suffix(".md")
    if source is not None and script.resolve() == Path(source).resolve():
        return path.with_name(f"{path.stem}-narration.md")
    return script


def write_outputs(path, fmt, plan, chosen, times, timing, silent, speaker, join, report, reused,
                  about=None, source=None) -> list[Path]:
    """The chapter files (with their narration), the whole lecture, and what goes beside it; all
    written to temporary names and renamed, so a failure leaves nothing behind. chapters.json lists
    each chapter's span, beats and slides (a beat's frames, its spoken words, whether it loops) and
    `about` (voice, quality, fps) for the deck (optviz.lecture.deck). `source`: the lecture file, never
    written over."""
    folder = path.with_name(path.stem + "_chapters")
    tmp_folder = folder.with_name(f".{folder.name}.tmp")
    shutil.rmtree(tmp_folder, ignore_errors=True)
    tmp_folder.mkdir(parents=True)
    tracks = narration_tracks(timing, chosen) if speaker is not None else {}
    try:
        def chapter(n, ch):
            i = ch["index"]
            target = tmp_folder / chapter_file(n, ch["chapter"], fmt)
            if speaker is None:
                shutil.copyfile(silent[i], target)
            else:
                mux(silent[i], tracks[i], RATE, target, fmt)
            return target

        # each chapter's file is an ffmpeg process with a voice: several at once, reported in order
        with ThreadPoolExecutor(max(1, min(os.cpu_count() or 1, len(times)))) as pool:
            list(pool.map(chapter, range(1, len(times) + 1), times))
        for n, ch in enumerate(times, 1):
            note = ", drawn before" if ch["index"] in reused else ""
            report(f"chapter {n}/{len(times)}: {ch['chapter'].title} ({ch['end'] - ch['start']:.1f} s{note})")
        with atomic_path(path) as target:
            if speaker is None:
                join([silent[ch["index"]] for ch in times], target, ffmetadata(times))
            else:
                joined = target.with_name(f".{target.stem}.silent{target.suffix}")
                try:
                    join([silent[ch["index"]] for ch in times], joined, None)
                    whole = np.concatenate([tracks[ch["index"]] for ch in times])
                    mux(joined, whole, RATE, target, fmt, ffmetadata(times))
                finally:
                    joined.unlink(missing_ok=True)
    except BaseException:
        shutil.rmtree(tmp_folder, ignore_errors=True)
        raise
    shutil.rmtree(folder, ignore_errors=True)
    tmp_folder.rename(folder)
    cue_list = cues(timing, chosen)
    voice_name = speaker.describe() if speaker is not None else "no voice (the silent draft, timed from the text)"
    extras = []
    for target, text in ((path.with_suffix(".srt"), srt(cue_list)), (path.with_suffix(".vtt"), vtt(cue_list)),
                         (narration_path(path, source), narration(timing, chosen, voice_name))):
        with atomic_path(target) as tmp:
            tmp.write_text(text, encoding="utf-8")
        extras.append(target)
    notes = beat_notes(timing, chosen)
    (folder / "chapters.json").write_text(json.dumps(
        [{"n": n, "number": ch["index"] + 1, "key": ch["chapter"].key, "title": ch["chapter"].title,
          "start": ch["start"], "end": ch["end"],
          "beats": ch["beats"], "file": chapter_file(n, ch["chapter"], fmt), **(about or {}),
          "slides": [{"frames": frames(b.seconds, timing.fps), "notes": text, "loop": b.loop}
                     for b, text in zip(ch["chapter"].beats, notes[ch["index"]])]}
         for n, ch in enumerate(times, 1)], indent=2))
    return [path, *extras, folder]


def first_race(plan: list[Chapter]) -> dict | None:
    """The options of the lecture's first race shot (the deck's live slide replays it), or None."""
    return next((dict(s.options) for c in plan for s in c.shots if s.kind == "race"), None)


def render(path, *, lecture=None, quality: str = "1080p30", voice: str | None = "piper", chapters: str | None = None,
           options: dict | None = None, workers: int | None = None, timeout: float | None = None,
           cache: bool = True, progress=None, speaking=None, report=lambda line: None, drawing=None) -> list[Path]:
    """Render a lecture to `path` (.mp4, .webm or .mov) with manim: every chapter, or `chapters`
    ("1,3-5"), spoken by `voice` (piper, espeak, recorded:DIR[+VOICE] or none). `lecture` is a lecture
    file, a built-in's name or a prepared Lecture (None: the built-in lecture); its runs are computed
    and cached first. `options` go to the scenes (theme, pace). Returns the files written: the video,
    .srt, .vtt, .md and the chapters' folder."""
    from ..render.manim_video import FORMATS, QUALITIES, Runner, check_manim, check_request, join, manim_flags
    fmt = check_request(path, "lecture", quality, False)
    check_manim("the lecture")
    get_voice(voice)   # an unknown or missing voice stops here, before any run is computed
    from ..render import manim_fork
    manim_fork.warm()   # manim imported while the runs, the voice and the timing are made
    options = dict(options or {})
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    fps = QUALITIES[quality][1]
    if not isinstance(lecture, Lecture):
        lecture = prepare(lecture, report=report)
    with tempfile.TemporaryDirectory(prefix="optviz-manim-") as tmp:
        tmp = Path(tmp)
        runner = Runner(tmp, manim_flags(quality, FORMATS[fmt]), dict(os.environ), fmt, workers, progress, timeout)
        plan_file = tmp / "plan.json"

        def run_part(jobs, plan, plan_json):
            plan_file.write_text(plan_json)
            rendered = runner.render([{"file": "lecture.py", "cls": plan[p.chapter].scene, "options": options,
                                       "frames": p.frames, "cost": p.cost, "beats": (p.first, p.last),
                                       "env": {"OPTVIZ_LECTURE_PLAN": str(plan_file),
                                               "OPTVIZ_CHAPTER": str(p.chapter + 1)}} for p in jobs])
            return dict(zip(jobs, rendered))

        return build_lecture(lecture, path, fps=fps, fmt=fmt, chapters=chapters, workers=workers, options=options,
                             run_part=run_part, join=lambda files, target, meta: join(files, target, fmt, fps, meta),
                             voice=voice, look={"quality": quality, "theme": options.get("theme", "dark")},
                             cache=cache, report=report, speaking=speaking, drawing=drawing)
