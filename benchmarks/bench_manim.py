"""manim rolling-balls shot: optviz's scene against the naive version, side by side in one run.

The shot: the seed's three optimizers on its surface, 10 s at 720p30 with a slow camera orbit.
Naive (benchmarks/naive_manim.py): default Spheres (24x12 faces), TracedPath trails, a 32x32 Surface.
Ours (scenes/rolling.py via optviz.render.manim_video): 8x8 spheres, trails from precomputed geometry,
a 24x24 surface, and the shot split into time segments rendered in parallel processes and joined
without re-encoding.
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
DURATION = 10


def main() -> dict:
    from optviz import simulate
    from optviz.render.manim_video import render_manim

    tmp = Path(tempfile.mkdtemp(prefix="optviz-bench-manim-"))
    npz = tmp / "seed.npz"
    simulate("pathological", ["sgd:lr=10", "momentum:lr=10,momentum=0.9", "adam:lr=1"], [[7, 7]], 50).save(npz)
    env = dict(os.environ, OPTVIZ_EXPERIMENT=str(npz), OPTVIZ_MANIM=json.dumps({"duration": DURATION}))

    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "manim", "render", "-qm", "--disable_caching", "--progress_bar", "none",
                    "-v", "WARNING", "--media_dir", str(tmp / "naive"), str(HERE / "naive_manim.py"), "NaiveRolling"],
                   env=env, check=True, capture_output=True)
    naive = time.perf_counter() - t

    t = time.perf_counter()
    render_manim(npz, tmp / "ours.mp4", scene="rolling", quality="720p30", options={"duration": DURATION})
    ours = time.perf_counter() - t

    print(f"manim: the {DURATION}-s rolling-balls shot at 720p30 (3 balls, trails, orbiting camera)")
    print(f"  naive {naive:6.1f} s | ours {ours:6.1f} s (segments in {min(os.cpu_count() or 1, 4)} processes) | "
          f"{naive / ours:4.1f}x faster  [target >= 3x]")
    return {"naive_seconds": naive, "ours_seconds": ours, "speedup": naive / ours}


if __name__ == "__main__":
    main()
