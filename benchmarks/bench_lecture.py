"""The lecture at 1080p30 on the same chapters from the same saved runs, in one script:

  before      the way the lecture rendered before: one manim process playing every chapter one after
              another, drawing as the scenes drew then (benchmarks/naive_lecture.py: trails test what the
              surface hides every frame; mobjects drawn in the order they were added)
  optviz      optviz render --engine manim --scene lecture: the chapters cut into parts at beat
              boundaries, rendered by parallel manim processes (one per core), joined without re-encoding
  sequential  (with OPTVIZ_BENCH_SEQUENTIAL=1) today's scenes in one process (scenes/lecture.py
              Lecture): what the parallel processes alone gain

Reported: wall time of each, the ratios, and seconds of rendering per second of video (the lecture
before this rewrite: 3.8 at 1080p30 on two cores). Target: optviz at least 1.8x faster than before on
two cores. $OPTVIZ_BENCH_PACE < 1 times a shorter lecture (every beat scaled) for a quick look.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent


def main() -> dict:
    from optviz.cli.lecture import write_lecture_data
    from optviz.render.encode import media_seconds
    from optviz.render.manim_video import render_manim

    pace = float(os.environ.get("OPTVIZ_BENCH_PACE", "1"))
    workers = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        write_lecture_data(tmp / "data")
        env = {**os.environ, "OPTVIZ_LECTURE_DIR": str(tmp / "data"), "OPTVIZ_MANIM": json.dumps({"pace": pace})}

        def one_process(script: Path, scene: str, name: str) -> tuple[float, float]:
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "manim", "render", "-qh", "--fps", "30", "--disable_caching",
                            "--progress_bar", "none", "-v", "WARNING", "--media_dir", str(tmp / name), "-o", name,
                            str(script), scene], env=env, check=True, cwd=tmp, capture_output=True)
            return time.perf_counter() - t0, media_seconds(next((tmp / name).rglob(f"{name}.mp4")))

        before, before_seconds = one_process(HERE / "naive_lecture.py", "NaiveLecture", "before")
        t0 = time.perf_counter()
        out = render_manim(None, tmp / "lecture.mp4", scene="lecture", quality="1080p30", options={"pace": pace},
                           workers=workers, lecture_data=tmp / "data")[0]
        ours, seconds = time.perf_counter() - t0, media_seconds(out)
        sequential = (one_process(ROOT / "scenes" / "lecture.py", "Lecture", "sequential")[0]
                      if os.environ.get("OPTVIZ_BENCH_SEQUENTIAL") else None)
    r = {"pace": pace, "workers": workers, "video_seconds": round(seconds, 2), "before_video_seconds": round(before_seconds, 2),
         "before_s": round(before, 1), "optviz_s": round(ours, 1), "speedup": round(before / ours, 2),
         "optviz_render_s_per_video_s": round(ours / seconds, 2), "before_render_s_per_video_s": round(before / seconds, 2)}
    if sequential:
        r.update(sequential_s=round(sequential, 1), parallel_speedup=round(sequential / ours, 2))
    print(f"lecture 1080p30, {seconds:.1f} s of video on {workers} cores: before {before:.0f} s "
          f"({r['before_render_s_per_video_s']} s per s of video), optviz {ours:.0f} s "
          f"({r['optviz_render_s_per_video_s']} s per s): {r['speedup']}x  [target >= 1.8x]"
          + (f"; today's scenes in one process {sequential:.0f} s: parallel parts {r['parallel_speedup']}x"
             if sequential else ""))
    return r


if __name__ == "__main__":
    main()
