"""Renderer speed, size and memory against the naive baseline, in one run of this script.

Scene: the seed's three optimizers on its surface, 200 frames at 800x600, 20 fps, balls with trails.
Naive: matplotlib's FuncAnimation redrawing the whole figure every frame, saved with PillowWriter.
Ours: optviz.render (cached background + blitting, shared-palette GIF, frames in parallel workers).
Each case runs in a child process so its peak resident memory is its own.

Occlusion: the fixed-camera 3-D GIF rendered with and without hiding what the surface hides, in one
child process, alternating three times (median); also the frame drawing alone (no encoding).
"""
from __future__ import annotations

import json
import subprocess
import sys

COMMON = """
import json, os, resource, sys, time, tempfile
from optviz.data import Experiment
exp = Experiment.load(sys.argv[2])   # renderers never need torch: load the saved run
out = os.path.join(tempfile.mkdtemp(), "bench.gif")
"""

NAIVE = COMMON + """
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation, PillowWriter
view = sys.argv[1]
t = time.perf_counter()
fig = plt.figure(figsize=(8, 6), dpi=100)
pos, loss = exp.position[:, 0].astype(float), exp.loss[:, 0].astype(float)
colors = ["red", "blue", "grey"]
if view == "2d":
    ax = fig.add_subplot()
    ax.contourf(exp.grid_x, exp.grid_y, exp.grid_z, levels=28, cmap="viridis")
    balls = [ax.plot([], [], "o", color=c, ms=10)[0] for c in colors]
    trails = [ax.plot([], [], "-", color=c, lw=2)[0] for c in colors]
else:
    ax = fig.add_subplot(projection="3d")
    X, Y = np.meshgrid(exp.grid_x, exp.grid_y)
    ax.plot_surface(X, Y, exp.grid_z, cmap="viridis", alpha=0.9)
    ax.view_init(30, 75)
    balls = [ax.plot([], [], [], "o", color=c, ms=10)[0] for c in colors]
    trails = [ax.plot([], [], [], "-", color=c, lw=2)[0] for c in colors]
text = fig.text(0.02, 0.02, "")
def update(i):
    for m in range(3):
        if view == "2d":
            balls[m].set_data(pos[m, i:i + 1, 0], pos[m, i:i + 1, 1])
            trails[m].set_data(pos[m, :i + 1, 0], pos[m, :i + 1, 1])
        else:
            balls[m].set_data_3d(pos[m, i:i + 1, 0], pos[m, i:i + 1, 1], loss[m, i:i + 1])
            trails[m].set_data_3d(pos[m, :i + 1, 0], pos[m, :i + 1, 1], loss[m, :i + 1])
    if view == "orbit":
        ax.view_init(30, 75 + 120 * i / 199)
    text.set_text(f"step {i}")
FuncAnimation(fig, update, frames=200).save(out, writer=PillowWriter(fps=20))
"""

OURS = COMMON + """
from optviz.render.animate import render
from optviz.render.style import Style
from optviz.render.timeline import Timeline
view = sys.argv[1]
t = time.perf_counter()
render(exp, out, view="2d" if view == "2d" else "3d", style=Style(camera="orbit" if view == "orbit" else "fixed"),
       timeline=Timeline(fps=20, hold=0))
"""

OCCLUSION = COMMON + """
import statistics
from optviz.render.animate import render
from optviz.render.scene3d import Scene3D
from optviz.render.style import Style
from optviz.render.timeline import Timeline
tl = Timeline(fps=20, hold=0)
gif, frames = {False: [], True: []}, {False: [], True: []}
for rep in range(3):
    for occ in (False, True):
        t0 = time.perf_counter()
        render(exp, out, view="3d", style=Style(occlude=occ), timeline=tl)
        gif[occ].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        scene = Scene3D(exp, Style(occlude=occ), tl)
        for i in range(scene.n_frames):
            scene.render(i)
        frames[occ].append(time.perf_counter() - t0)
t = time.perf_counter()
print(json.dumps({k: {str(o).lower(): statistics.median(v[o]) for o in (False, True)}
                  for k, v in (("gif", gif), ("frames", frames))}))
"""

REPORT = """
print(json.dumps({"seconds": time.perf_counter() - t, "bytes": os.path.getsize(out),
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "children_peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def run(code: str, view: str, npz: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code + REPORT, view, npz], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


TARGETS = {"2d": (10, "at most half the bytes"), "3d": (10, "at most 2 MB"), "orbit": (2, "")}


def main() -> dict:
    import tempfile
    from pathlib import Path

    from optviz import simulate

    npz = str(Path(tempfile.mkdtemp()) / "seed.npz")
    simulate("pathological", ["sgd:lr=10", "momentum:lr=10,momentum=0.9", "adam:lr=1"], [[7, 7]], 199).save(npz)
    results = {}
    print("render: 200 frames, 800x600, 3 balls with trails (naive = FuncAnimation + PillowWriter)")
    for view in ("2d", "3d", "orbit"):
        naive, ours = run(NAIVE, view, npz), run(OURS, view, npz)
        speedup = naive["seconds"] / ours["seconds"]
        results[view] = {"naive": naive, "ours": ours, "speedup": speedup,
                         "bytes_ratio": ours["bytes"] / naive["bytes"]}
        need, note = TARGETS[view]
        print(f"  {view:5s} naive {naive['seconds']:6.1f} s {naive['bytes'] / 1e6:6.2f} MB peak {naive['peak_mib']:5.0f} MiB"
              f" | ours {ours['seconds']:5.2f} s {ours['bytes'] / 1e6:5.2f} MB peak {ours['peak_mib']:4.0f} MiB"
              f" (workers {ours['children_peak_mib']:4.0f} MiB) | {speedup:5.1f}x faster, "
              f"{ours['bytes'] / naive['bytes']:.2f} of the bytes  [target >= {need}x{', ' + note if note else ''}]")
    out = subprocess.run([sys.executable, "-c", OCCLUSION, "3d", npz], capture_output=True, text=True, check=True)
    occ = json.loads(out.stdout.strip().splitlines()[0])
    for k in occ:
        occ[k]["overhead"] = occ[k]["true"] / occ[k]["false"] - 1
    results["occlusion"] = occ
    print(f"  occlusion (3-D, fixed camera, median of 3, same process): GIF {occ['gif']['false']:.2f} s -> "
          f"{occ['gif']['true']:.2f} s (+{100 * occ['gif']['overhead']:.0f}%); frames drawn only "
          f"{occ['frames']['false']:.2f} s -> {occ['frames']['true']:.2f} s (+{100 * occ['frames']['overhead']:.0f}%)"
          f"  [target <= +30%]")
    return results


if __name__ == "__main__":
    main()
