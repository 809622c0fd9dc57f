"""The lecture at 1080p30, two ways, on the same chapters from the same saved runs, in one script:

  sequential  the way the lecture rendered before: one manim process playing every chapter one after
              another (scenes/lecture.py Lecture, manim's own command line)
  optviz      optviz render --engine manim --scene lecture: the chapters cut into parts at beat
              boundaries, rendered by parallel manim processes (one per core), joined without re-encoding

Reported: wall time of each, the ratio, and seconds of rendering per second of video (the lecture
before this rewrite: 3.8 at 1080p30 on two cores). Target: optviz at least 1.8x faster on two cores.
$OPTVIZ_BENCH_PACE < 1 times a shorter lecture (every beat scaled) for a quick look.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


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
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "manim", "render", "-qh", "--fps", "30", "--disable_caching",
                        "--progress_bar", "none", "-v", "WARNING", "--media_dir", str(tmp / "media"), "-o", "seq",
                        str(ROOT / "scenes" / "lecture.py"), "Lecture"], env=env, check=True, cwd=tmp)
        sequential = time.perf_counter() - t0
        seq_file = next((tmp / "media").rglob("seq.mp4"))
        t0 = time.perf_counter()
        out = render_manim(None, tmp / "lecture.mp4", scene="lecture", quality="1080p30", options={"pace": pace},
                           workers=workers, lecture_data=tmp / "data")[0]
        ours = time.perf_counter() - t0
        seconds, seq_seconds = media_seconds(out), media_seconds(seq_file)
    r = {"pace": pace, "workers": workers, "video_seconds": round(seconds, 2), "sequential_video_seconds": round(seq_seconds, 2),
         "sequential_s": round(sequential, 1), "optviz_s": round(ours, 1), "speedup": round(sequential / ours, 2),
         "optviz_render_s_per_video_s": round(ours / seconds, 2),
         "sequential_render_s_per_video_s": round(sequential / seconds, 2)}
    print(f"lecture 1080p30, {seconds:.1f} s of video on {workers} cores: sequential {sequential:.0f} s "
          f"({r['sequential_render_s_per_video_s']} s per s of video), optviz {ours:.0f} s "
          f"({r['optviz_render_s_per_video_s']} s per s): {r['speedup']}x")
    return r


if __name__ == "__main__":
    main()
