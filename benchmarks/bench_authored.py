"""A teacher's own lecture against the built-in one, in one script (issue 30):

  check       `optviz lecture check` on the built-in lecture, as a user runs it (a new process: imports
              included), and the check alone in this process; target under 10 s.
  per second  the built-in lecture and the authored example (examples/own-lecture.md: another surface,
              other optimizers, every shot kind) rendered silent at the same quality from an empty
              chapter cache, each shot's runs computed first (not timed); reported as seconds of
              rendering per second of video, manim's fork server warm for both. Target: the authored
              lecture at no more than the built-in.
  per kind    the same renders' parts, each timed as it ran (two at a time, as the render runs them),
              grouped by the shot kinds of their chapter: seconds per second of video for each kind in
              both lectures, so that what the file says (a shot's kind, its length) is told apart from
              how the authored file is rendered. A chapter of several kinds is its own group.

$OPTVIZ_BENCH_QUALITY (default preview) sets the quality of both renders.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> dict:
    from optviz.lecture.markdown import read
    from optviz.lecture.plan import check
    from optviz.lecture.runs import lecture_file, prepare
    from optviz.lecture.video import render
    from optviz.render import manim_video
    from optviz.render.encode import media_seconds

    quality = os.environ.get("OPTVIZ_BENCH_QUALITY", "preview")
    workers = os.cpu_count() or 1
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "optviz", "lecture", "check", "seed"], capture_output=True, text=True)
    command = time.perf_counter() - t0
    assert done.returncode == 0, done.stderr
    doc = read(lecture_file("seed"))
    check(doc)   # warm: the registries imported
    t0 = time.perf_counter()
    check(read(lecture_file("seed")))
    alone = time.perf_counter() - t0
    r = {"check_command_s": round(command, 2), "check_in_process_s": round(alone, 2), "quality": quality,
         "workers": workers}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # the server manim's parts are forked from, started and warm before either is timed: the first
        # render would otherwise wait for its imports (about a second) and the second would not
        warm = prepare(ROOT / "examples" / "own-lecture.md")
        render(tmp / "warm.mp4", lecture=warm, quality=quality, voice="none", workers=workers, cache=False,
               chapters=str(len(warm.plan)))
        timed, run = [], manim_video.Runner._run

        def timed_run(self, k, job, counter):   # each part's wall time as it ran
            t = time.perf_counter()
            out = run(self, k, job, counter)
            timed.append((int(job["env"]["OPTVIZ_CHAPTER"]), job["frames"], time.perf_counter() - t))
            return out

        manim_video.Runner._run = timed_run
        kinds = {}
        for name, source in (("builtin", None), ("authored", ROOT / "examples" / "own-lecture.md")):
            lecture = prepare(source)   # the runs: cached after the first time, not timed
            timed.clear()
            t0 = time.perf_counter()
            out = render(tmp / f"{name}.mp4", lecture=lecture, quality=quality, voice="none", workers=workers,
                         cache=False)[0]
            took = time.perf_counter() - t0
            fps = manim_video.QUALITIES[quality][1]
            for chapter, frames, seconds in timed:
                kind = "+".join(dict.fromkeys(s.kind or "card" for s in lecture.plan[chapter - 1].shots))
                spent = kinds.setdefault(kind, {}).setdefault(name, [0.0, 0.0])
                spent[0] += seconds
                spent[1] += frames / fps
            seconds = media_seconds(out)
            r[f"{name}_s"] = round(took, 1)
            r[f"{name}_video_s"] = round(seconds, 1)
            r[f"{name}_s_per_video_s"] = round(took / seconds, 3)
        # a part's start-up: the authored lecture's last chapter (text only, one part) rendered alone,
        # its manim process started anew (python -m manim) against forked from the warm server
        for how, fork in (("new", "0"), ("forked", "1"), ("forked", "1")):   # the first fork warms the server
            os.environ["OPTVIZ_MANIM_FORK"] = fork
            t0 = time.perf_counter()
            render(tmp / "last.mp4", lecture=lecture, quality=quality, voice="none", workers=workers, cache=False,
                   chapters=str(len(lecture.plan)))
            r[f"last_chapter_{how}_s"] = round(time.perf_counter() - t0, 2)
        os.environ.pop("OPTVIZ_MANIM_FORK")
        manim_video.Runner._run = run
    r["per_kind_s_per_video_s"] = {k: {n: round(a / b, 3) for n, (a, b) in v.items()} for k, v in kinds.items()}
    r["authored_over_builtin"] = round(r["authored_s_per_video_s"] / r["builtin_s_per_video_s"], 2)
    print(f"lecture check (built-in): {command:.1f} s as a command, {alone:.2f} s in process [target < 10 s]; "
          f"rendered silent at {quality} on {workers} cores: built-in {r['builtin_s_per_video_s']} s per s of video "
          f"({r['builtin_video_s']} s), authored {r['authored_s_per_video_s']} ({r['authored_video_s']} s): "
          f"{r['authored_over_builtin']}x the built-in's [target <= 1]; its last chapter alone: "
          f"{r['last_chapter_new_s']} s with a new manim process, {r['last_chapter_forked_s']} s forked")
    print("  per shot kind, a part's seconds per second of its video (built-in | authored): " + "; ".join(
        f"{k} {v.get('builtin', '-')} | {v.get('authored', '-')}" for k, v in r["per_kind_s_per_video_s"].items()))
    return r


if __name__ == "__main__":
    main()
