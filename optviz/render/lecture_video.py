"""The lecture as a teacher gets it: `lecture.mp4` with chapter markers, a video per chapter, `.srt`
subtitles and a narration script (Markdown), rendered in parallel manim processes.

Everything is timed from the script (`lecture_script`): each beat lasts exactly the frames manim
gives its `play` (`frames`), so the subtitles, chapter markers and narration ranges match the video
to the frame. Long chapters are cut at beat boundaries into parts (`parts`), rendered with
$OPTVIZ_BEATS=FIRST,LAST (the beats before a part are played without drawing, so the part starts in the
state they leave) and joined without re-encoding. The parts are shared out longest first over the workers.
"""
from __future__ import annotations

import json
import math
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..data.experiment import Experiment
from ..data.files import atomic_path
from ..data.generalization import GeneralizationResult
from ..errors import OptvizError
from .encode import clock
from .lecture_script import CHAPTERS, DATA, Chapter, lecture_facts, lecture_plan


def frames(seconds: float, fps: int) -> int:
    """Frames manim writes for a play of `seconds` at `fps` (it steps np.arange(0, seconds, 1/fps))."""
    return len(np.arange(0, seconds, 1 / fps))


def load_data(folder) -> dict:
    """The lecture's data objects from the folder optviz.cli.lecture wrote: {name: Experiment} for
    each of DATA, and "generalization" as a GeneralizationResult."""
    folder = Path(folder)
    data = {n: Experiment.load(folder / f"{n}.npz") for n in DATA if n != "generalization"}
    data["generalization"] = GeneralizationResult.load(folder / "generalization.npz")
    return data


def select(text: str | None, keys=CHAPTERS) -> list[int]:
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


@dataclass(frozen=True)
class Part:
    chapter: int      # index into the plan
    first: int        # beats first..last, inclusive ($OPTVIZ_BEATS)
    last: int
    frames: int
    cost: float       # frames x the chapter's cost per frame


def parts(plan: list[Chapter], chosen: list[int], fps: int, workers: int) -> list[Part]:
    """The chosen chapters cut at beat boundaries so that no part costs much more than a share of the
    whole: with W the total cost, chapters above W / (2 * workers) are cut into that many pieces."""
    counts = {i: [frames(b.seconds, fps) for b in plan[i].beats] for i in chosen}
    total = sum(sum(counts[i]) * plan[i].cost for i in chosen)
    share = total / max(1, 2 * workers)
    out = []
    for i in chosen:
        n, cost = counts[i], plan[i].cost
        pieces = max(1, min(len(n), math.ceil(sum(n) * cost / share - 1e-9))) if workers > 1 else 1
        bounds = np.searchsorted(np.cumsum(n), [sum(n) * k / pieces for k in range(1, pieces)], side="left")
        edges = sorted({0, *[int(b) + 1 for b in bounds], len(n)})
        for a, b in zip(edges, edges[1:]):
            out.append(Part(i, a, b - 1, sum(n[a:b]), sum(n[a:b]) * cost))
    return out


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


def srt(times: list[dict]) -> str:
    """Subtitles: a cue per caption, lasting until the next beat with a caption of its own (a beat
    whose caption is None continues the one before; "" shows none). Cues never overlap."""
    cues = []
    for ch in times:
        current = None
        for b, (t0, t1) in zip(ch["chapter"].beats, ch["beats"]):
            if b.caption is None and current is not None:
                current[1] = t1
                continue
            current = None
            if b.caption:
                current = [t0, t1, b.caption]
                cues.append(current)
    stamp = lambda t: f"{int(t // 3600):02d}:{int(t % 3600 // 60):02d}:{int(t % 60):02d},{int(round(t % 1 * 1000)) % 1000:03d}"  # noqa: E731
    return "".join(f"{k}\n{stamp(a)} --> {stamp(b)}\n{text}\n\n" for k, (a, b, text) in enumerate(cues, 1))


def narration(times: list[dict]) -> str:
    """The voice-over script: a section per chapter with its time range, one paragraph to read."""
    lines = ["# Narration", "", "One paragraph per chapter, to read over the video; times are where each "
             "chapter starts and ends in it.", ""]
    for n, ch in enumerate(times, 1):
        c = ch["chapter"]
        lines += [f"## {n}. {c.title} ({clock(ch['start'])}–{clock(ch['end'])})", "", c.narration, ""]
    return "\n".join(lines)


def ffmetadata(times: list[dict]) -> str:
    """Chapter markers in ffmpeg's metadata format (players list them as chapters)."""
    out = [";FFMETADATA1"]
    for n, ch in enumerate(times, 1):
        title = f"{n}. {ch['chapter'].title}".replace("=", "\\=").replace(";", "\\;").replace("#", "\\#")
        out += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={round(ch['start'] * 1000)}", f"END={round(ch['end'] * 1000)}",
                f"title={title}"]
    return "\n".join(out) + "\n"


def chapter_file(n: int, chapter: Chapter, fmt: str) -> str:
    return f"{n:02d}-{chapter.key}.{fmt}"


def plan_from(data_dir, pace: float = 1.0) -> list[Chapter]:
    return lecture_plan(lecture_facts(load_data(data_dir)), pace)


def render_lecture(data_dir, path, *, fps: int, fmt: str, chapters: str | None, workers: int, options: dict,
                   run_part, join, report=lambda line: None) -> list[Path]:
    """Render the lecture's chosen chapters from the data in `data_dir` into `path`, with
    <stem>_chapters/, <stem>.srt and <stem>.md beside it. `run_part(parts, plan)` renders the parts in
    parallel and returns {part: file} (manim_video's runner); `join(files, target, metadata)` joins
    videos without re-encoding."""
    path = Path(path)
    plan = plan_from(data_dir, float(options.get("pace", 1.0)))
    chosen = select(chapters, [c.key for c in plan])
    times = timeline(plan, chosen, fps)
    jobs = parts(plan, chosen, fps, workers)
    files = run_part(jobs, plan)   # {Part: rendered file}, in parallel
    folder = path.with_name(path.stem + "_chapters")
    tmp_folder = folder.with_name(f".{folder.name}.tmp")
    shutil.rmtree(tmp_folder, ignore_errors=True)
    tmp_folder.mkdir(parents=True)
    chapter_files = []
    try:
        for n, ch in enumerate(times, 1):
            mine = [files[p] for p in jobs if p.chapter == ch["index"]]
            target = tmp_folder / chapter_file(n, ch["chapter"], fmt)
            join(mine, target, None)
            chapter_files.append(target)
            report(f"chapter {n}/{len(times)}: {ch['chapter'].title} ({ch['end'] - ch['start']:.1f} s)")
        with atomic_path(path) as target:
            join(chapter_files, target, ffmetadata(times))
    except BaseException:
        shutil.rmtree(tmp_folder, ignore_errors=True)
        raise
    shutil.rmtree(folder, ignore_errors=True)
    tmp_folder.rename(folder)
    extras = []
    for suffix, text in ((".srt", srt(times)), (".md", narration(times))):
        with atomic_path(path.with_suffix(suffix)) as tmp:
            tmp.write_text(text, encoding="utf-8")
        extras.append(path.with_suffix(suffix))
    (folder / "chapters.json").write_text(json.dumps(
        [{"n": n, "key": ch["chapter"].key, "title": ch["chapter"].title, "start": ch["start"], "end": ch["end"]}
         for n, ch in enumerate(times, 1)], indent=2))
    return [path, *extras, folder]
