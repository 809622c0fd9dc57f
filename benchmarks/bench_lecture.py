"""The narrated lecture at 1080p30 from the same saved runs, in one script:

  first       optviz render --engine manim --scene lecture: every line spoken by the default voice
              (piper) from an empty cache, the chapters cut into parts at beat boundaries and rendered by
              parallel manim processes (one per core), the narration muxed in. Speech included.
  again       the same, after the teacher records one line again (a recording beside it, made with
              espeak-ng as a stand-in for a voice; the rest spoken by piper): only that line is spoken
              anew and only its chapter drawn again; the other chapters come from the cache.
  before      (with OPTVIZ_BENCH_BEFORE=1) the silent lecture as it rendered before the lecture issue, in
              one manim process (benchmarks/naive_lecture.py), for the older comparison.

Reported: wall times, seconds of rendering per second of video, and first / again. Targets: the first
at most 1.5 s of rendering per second of video on two cores (silent, before the voice: 1.39); again at
least 5x faster than the first. $OPTVIZ_BENCH_PACE < 1 shortens every beat's least length for a quick look.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent


def main() -> dict:
    from optviz.lecture.runs import plan_of, prepare
    from optviz.lecture.timing import lines
    from optviz.lecture.video import render
    from optviz.render.encode import media_seconds

    pace = float(os.environ.get("OPTVIZ_BENCH_PACE", "1"))
    workers = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        os.environ["OPTVIZ_CACHE_DIR"] = str(tmp / "cache")   # empty: the first render speaks every line
        lecture = prepare()   # the built-in lecture's runs (not timed: the render, from them, is)
        voice_dir = tmp / "my-voice"
        voice_dir.mkdir()
        voice = f"recorded:{voice_dir}+piper"   # nothing recorded yet: piper says every line
        said = []
        t0 = time.perf_counter()
        out = render(tmp / "first.mp4", lecture=lecture, quality="1080p30", voice=voice, options={"pace": pace},
                     workers=workers, speaking=lambda done, total: said.append((done, time.perf_counter())))
        first, seconds = time.perf_counter() - t0, media_seconds(out[0])
        speaking = said[-1][1] - t0 if said else 0.0

        # the teacher records line 3 of chapter 4 again (espeak-ng stands in for their voice)
        plan = plan_of(lecture, pace)
        line = next(ln for ln in lines(plan) if ln.chapter == 3 and ln.number == 3)
        target = voice_dir / f"04-{plan[3].key}" / "03.wav"
        target.parent.mkdir()
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(target), line.text], check=True)
        reports = []
        t0 = time.perf_counter()
        again_out = render(tmp / "again.mp4", lecture=lecture, quality="1080p30", voice=voice, options={"pace": pace},
                           workers=workers, report=reports.append)
        again, again_seconds = time.perf_counter() - t0, media_seconds(again_out[0])
        redrawn = [r for r in reports if r.startswith("chapter ") and "drawn before" not in r]

        before = None
        if os.environ.get("OPTVIZ_BENCH_BEFORE"):
            env = {**os.environ, "OPTVIZ_MANIM": json.dumps({"pace": pace})}
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "manim", "render", "-qh", "--fps", "30", "--disable_caching",
                            "--progress_bar", "none", "-v", "WARNING", "--media_dir", str(tmp / "before"), "-o",
                            "before", str(HERE / "naive_lecture.py"), "NaiveLecture"], env=env, check=True, cwd=tmp,
                           capture_output=True)
            before = time.perf_counter() - t0
        shutil.rmtree(tmp / "cache", ignore_errors=True)
    r = {"pace": pace, "workers": workers, "video_seconds": round(seconds, 1), "first_s": round(first, 1),
         "speaking_s": round(speaking, 1), "first_render_s_per_video_s": round(first / seconds, 2),
         "again_s": round(again, 1), "again_video_seconds": round(again_seconds, 1),
         "first_over_again": round(first / again, 1), "chapters_drawn_again": len(redrawn)}
    if before is not None:
        r.update(before_s=round(before, 1), speedup_over_before=round(before / first, 2))
    print(f"narrated lecture 1080p30, {seconds:.1f} s of video on {workers} cores: first render {first:.0f} s "
          f"({r['first_render_s_per_video_s']} s per s of video, speech {speaking:.0f} s of it) [target <= 1.5]; "
          f"after one line recorded again {again:.0f} s ({len(redrawn)} chapter drawn again): "
          f"{r['first_over_again']}x faster [target >= 5x]"
          + (f"; the silent lecture as before {before:.0f} s" if before is not None else ""))
    return r


if __name__ == "__main__":
    main()
