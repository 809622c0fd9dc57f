"""Re-rendering at the speed of the encoder: `optviz render` as a whole process against its encoder alone.

Scene: the seed race (SGD, momentum, Adam from (7, 7)), 200 steps, the 3-D view at 800x600, as the
command line draws it (221 frames with the hold). Encode-only: the very frames, already in memory,
through the encoder settings optviz uses: for the GIF one palette (median cut over three sample
frames), every frame quantized to it and written as optviz writes it (`gif.GifStream`: the changed
rectangle of each frame, compressed by Pillow); for the MP4,
libx264 as optviz calls it. Median of three, in one child process.

Whole process: `optviz render` in a fresh process, the first time (the cache empty: runs computed in
a child that imports torch while the renderers are imported, the scene drawn) and again with its runs,
static picture and palette cached; each case three times in a row, median. Then a
profile of the cached GIF re-render: where its seconds go. And the gallery: `optviz gallery` on a
directory already up to date (what a second `make render` does), timed.

The processes run as an installed package does: with its modules' bytecode compiled (pip compiles
it on install), so PYTHONDONTWRITEBYTECODE, where the environment sets it, is dropped for them and one
untimed render first writes what is missing (without it, an editable install compiles optviz's
sources in every process: about 0.1 s of a re-render).

Targets (issue 32): a cached re-render at most 2.5x encode-only, a first render at most 4x; the
up-to-date gallery under 15 s.
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ARGS = ["--surface", "pathological", "--steps", "200", "--optimizer", "sgd:lr=10", "--optimizer",
        "momentum:lr=10,momentum=0.9", "--optimizer", "adam:lr=1", "--start", "7,7", "--view", "3d"]

ENCODE = """
import json, statistics, sys, tempfile, time
from pathlib import Path
import numpy as np
from PIL import Image
from optviz.cli.commands import build_parser
from optviz.cli.args import spec_from_args
from optviz.cli.compute import simulate_spec
from optviz.render.animate import make_scene
from optviz.render.encode import _pipe, _raw_input
from optviz.render.gif import GifStream
args = build_parser().parse_args(["render", *json.loads(sys.argv[1]), "-o", "x.gif"])
spec = spec_from_args(args)
style, timeline = spec.build()
scene = make_scene(simulate_spec(spec.run), "3d", style, timeline)
frames = [scene.render(i) for i in range(scene.n_frames)]
out = Path(tempfile.mkdtemp())

def gif():
    idx = np.unique(np.linspace(0, len(frames) - 1, 3).round().astype(int))
    sample = np.concatenate([frames[i][..., :3] for i in idx])[::2, ::2]
    palette = Image.fromarray(np.ascontiguousarray(sample)).quantize(255, method=Image.Quantize.MEDIANCUT,
                                                                     dither=Image.Dither.NONE)
    with open(out / "e.gif", "wb") as fp:
        stream = GifStream(fp, palette.getpalette(), scene.size, timeline.fps)
        for f in frames:
            rgb = Image.fromarray(f).convert("RGB")
            stream.add(np.asarray(rgb.quantize(palette=palette, dither=Image.Dither.NONE)))
        stream.close()

def mp4():
    _pipe([*_raw_input(scene.size, timeline.fps), "-c:v", "libx264", "-preset", "medium", "-crf", "20",
           "-pix_fmt", "yuv420p", "-movflags", "+faststart", "-f", "mp4", str(out / "e.mp4")], frames)

times = {}
for name, f in (("gif", gif), ("mp4", mp4)):
    runs = []
    for _ in range(3):
        t = time.perf_counter(); f(); runs.append(time.perf_counter() - t)
    times[name] = statistics.median(runs)
print(json.dumps({"frames": len(frames), "size": list(scene.size), **times}))
"""

PROFILE = """
import cProfile, pstats, sys, time
from optviz.cli import main
t = time.perf_counter()
import optviz.render.animate
imports = time.perf_counter() - t
prof = cProfile.Profile()
prof.enable()
main(sys.argv[1:])
prof.disable()
stats = pstats.Stats(prof).stats
def cum(name, file=""):
    return sum(v[3] for (f, _, fn), v in stats.items() if fn == name and file in f)
total = cum("main", "optviz/cli/commands.py") + imports
parts = {"the renderers' imports (timed before the profile)": imports, "spec": cum("spec_from_args"),
         "runs from the cache": cum("load_run"),
         "scene set-up (figure, background from the cache)": cum("make_scene"),
         "palette (from the cache)": cum("scene_palette"),
         "frames drawn and quantized in workers, written as they come": cum("write_gif") - cum("scene_palette"),
         "of which the writing (in this process)": cum("add", "render/gif.py")}
import json
print(json.dumps({"total": total, **parts}))
"""


def optviz(args, env) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "optviz", "render", *args], env=env, check=True, capture_output=True)
    return time.perf_counter() - t


def main() -> dict:
    work = Path(tempfile.mkdtemp(prefix="optviz-bench-rerender-"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["OPTVIZ_CACHE_DIR"] = str(work / "cache")
    out = subprocess.run([sys.executable, "-c", ENCODE, json.dumps(ARGS)], env=env, capture_output=True, text=True,
                         check=True)
    enc = json.loads(out.stdout.strip().splitlines()[-1])
    optviz([*ARGS, "-o", str(work / "warm.gif")], env)   # bytecode written, untimed
    print(f"re-render: the seed race, 3-D, {enc['size'][0]}x{enc['size'][1]}, {enc['frames']} frames; "
          "whole `optviz render` process against encode-only (same frames in memory), median of 3")
    results = {"encode_only": enc}
    for fmt in ("gif", "mp4"):
        first, again = [], []
        for rep in range(3):
            shutil.rmtree(work / "cache", ignore_errors=True)
            first.append(optviz([*ARGS, "-o", str(work / f"first.{fmt}")], env))
            again.append(optviz([*ARGS, "-o", str(work / f"again.{fmt}")], env))
        f, a = statistics.median(first), statistics.median(again)
        results[fmt] = {"first": f, "cached": a, "first_x": f / enc[fmt], "cached_x": a / enc[fmt]}
        print(f"  {fmt}: encode-only {enc[fmt]:.2f} s | first render {f:.2f} s = {f / enc[fmt]:.1f}x [target <= 4x]"
              f" | runs cached {a:.2f} s = {a / enc[fmt]:.1f}x [target <= 2.5x]")
    optviz([*ARGS, "-o", str(work / "again.gif")], env)   # the GIF's palette kept (the MP4s keep none)
    prof = subprocess.run([sys.executable, "-c", PROFILE, "render", *ARGS, "-o", str(work / "p.gif")], env=env,
                          capture_output=True, text=True, check=True)
    parts = json.loads(prof.stdout.strip().splitlines()[-1])
    results["profile"] = parts
    total = parts.pop("total")
    print(f"  where a cached GIF re-render's {total:.2f} s go (cProfile, in process; the interpreter's own start "
          "is outside): " + "; ".join(f"{k} {v:.2f} s" for k, v in parts.items()))
    results["gallery_up_to_date"] = gallery(env)
    shutil.rmtree(work, ignore_errors=True)
    return results


def gallery(env) -> float:
    """`optviz gallery assets` on the committed gallery (a copy) as a second `make render` finds it: the
    entries up to date (all, but the lectures where their videos were never rendered here, which a
    first `make render` draws; they are left out and named)."""
    root = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(root / "assets", Path(tmp) / "assets")
        cmd = [sys.executable, "-m", "optviz", "gallery", str(Path(tmp) / "assets")]
        dry = subprocess.run([*cmd, "--dry-run"], env=env, capture_output=True, text=True, cwd=root, check=True)
        stale = [line.partition(":")[0] for line in dry.stderr.splitlines() if ": would render" in line]
        fresh = [line.partition(":")[0] for line in dry.stderr.splitlines() if line.endswith(": up to date")]
        only = [a for name in fresh for a in ("--only", name)] if stale else []
        t = time.perf_counter()
        done = subprocess.run([*cmd, *only], env=env, capture_output=True, text=True, cwd=root, check=True)
        seconds = time.perf_counter() - t
    redrawn = [line for line in done.stderr.splitlines() if ": rendering" in line]
    print(f"  gallery up to date (a second make render): {seconds:.1f} s [target < 15 s]"
          + (f"; left out, never rendered here: {', '.join(stale)}" if stale else "")
          + (f"; it redrew: {'; '.join(redrawn)}" if redrawn else ""))
    return seconds
