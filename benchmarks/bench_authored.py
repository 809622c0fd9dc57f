"""A teacher's own lecture against the built-in one, in one script (issue 30):

  check       `optviz lecture check` on the built-in lecture, as a user runs it (a new process: imports
              included), and the check alone in this process; target under 10 s.
  per second  the built-in lecture and the authored example (examples/own-lecture.md: another surface,
              other optimizers, every shot kind) rendered silent at the same quality from an empty
              chapter cache, each shot's runs computed first (not timed); reported as seconds of
              rendering per second of video, manim's fork server warm for both. Target: the authored
              lecture at no more than the built-in.

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
        for name, source in (("builtin", None), ("authored", ROOT / "examples" / "own-lecture.md")):
            lecture = prepare(source)   # the runs: cached after the first time, not timed
            t0 = time.perf_counter()
            out = render(tmp / f"{name}.mp4", lecture=lecture, quality=quality, voice="none", workers=workers,
                         cache=False)[0]
            took = time.perf_counter() - t0
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
    r["authored_over_builtin"] = round(r["authored_s_per_video_s"] / r["builtin_s_per_video_s"], 2)
    print(f"lecture check (built-in): {command:.1f} s as a command, {alone:.2f} s in process [target < 10 s]; "
          f"rendered silent at {quality} on {workers} cores: built-in {r['builtin_s_per_video_s']} s per s of video "
          f"({r['builtin_video_s']} s), authored {r['authored_s_per_video_s']} ({r['authored_video_s']} s): "
          f"{r['authored_over_builtin']}x the built-in's [target <= 1]; its last chapter alone: "
          f"{r['last_chapter_new_s']} s with a new manim process, {r['last_chapter_forked_s']} s forked")
    return r


if __name__ == "__main__":
    main()
