"""The interactive page in headless Chromium: the seed's race (SGD, momentum, Adam; 50 steps, and 1000),
measured with the page's own requestAnimationFrame timing.

  playing     frames the browser showed per second while the race played (requestAnimationFrame
              stamps), and the page's own draw cost per frame (what moves: balls, trails, the loss panel)
  naive       the same frame drawn the naive way, everything at once: the map image, the axes and the
              moving parts, every frame, on one canvas (timed in the same page)
  recompute   a slider move: every optimizer's whole run recomputed, then one frame drawn
  swarm       1000 balls per optimizer (3000 in all) playing, on the map, in 3-D (WebGL: Chromium's
              software renderer here, no GPU) and both: frames per second shown and the page's work per
              frame; the naive baseline draws the same 3000 balls on the map a path each (arc, fill, as
              the single balls are drawn), timed in the same page; the 3-D figure is also given against
              the 3-D scene without the swarm, and a 3-D frame is timed until drawn (read back from
              WebGL), which shows what the renderer, not the page, spends

Target: 60 frames per second for three optimizers (a frame's work well under 16.7 ms). Skipped, with
the reason, where Chromium or Playwright is missing.
"""
from __future__ import annotations

import statistics
import tempfile
from pathlib import Path

SEED = ["sgd:lr=10", "momentum:lr=10,momentum=0.9", "adam:lr=1"]

NAIVE = """(n) => {
  const c = document.createElement("canvas");
  c.width = 1000; c.height = 600;
  const ctx = c.getContext("2d");
  const img = new Image();
  img.src = window.optviz.config.image;
  const t0 = performance.now();
  for (let k = 0; k < n; k++) {
    ctx.clearRect(0, 0, c.width, c.height);
    ctx.drawImage(img, 58, 10, 560, 420);
    ctx.strokeRect(58, 10, 560, 420);
    for (let v = 0; v < 12; v++) { ctx.fillText(String(v), 58 + v * 40, 450); ctx.fillText(String(v), 30, 10 + v * 30); }
    window.optviz.redraw();          // the moving parts, as the page draws them
    ctx.drawImage(document.getElementById("fg"), 0, 0);
  }
  return (performance.now() - t0) / n;
}"""


def measure(path: Path, browser) -> dict:
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    page.goto(path.as_uri() + "#speed=0.25")   # slow play: enough frames to time
    page.wait_for_function("document.body.dataset.ready === '1'")
    page.evaluate("window.optviz.timing.frames = 0; window.optviz.timing.drawMs = 0; window.optviz.timing.stamps = []")
    page.click("#play")
    page.wait_for_timeout(3000)
    timing = page.evaluate("window.optviz.timing")
    stamps = timing["stamps"]
    gaps = [b - a for a, b in zip(stamps, stamps[1:])]
    draw = timing["drawMs"] / max(timing["frames"], 1)
    page.click("#play")
    naive = page.evaluate(NAIVE, 200)
    recompute = page.evaluate("""() => {
        const input = document.getElementById("o0-lr"), t0 = performance.now();
        for (let k = 0; k < 20; k++) { input.value = String(0.5 + k / 40); input.dispatchEvent(new Event("input")); }
        return (performance.now() - t0) / 20; }""")
    page.close()
    return {"fps": round(1000 / statistics.median(gaps), 1) if gaps else None, "frames_timed": len(stamps),
            "draw_ms": round(draw, 3), "naive_draw_ms": round(naive, 3), "naive_over_page": round(naive / draw, 1),
            "recompute_ms": round(recompute, 3), "page_bytes": path.stat().st_size}


NAIVE_SWARM = """(n) => {
  const O = window.optviz, fg = document.getElementById("fg").getContext("2d"), t0 = performance.now();
  for (let k = 0; k < n; k++) {
    O.swarm().forEach((balls, j) => {
      for (const r of balls) {
        const here = O.positionAt(r, O.state.step);
        if (!here) continue;
        const [x, y] = O.toPx(...here);
        fg.fillStyle = O.config.optimizers[j].color;
        fg.beginPath(); fg.arc(x, y, 1.5, 0, 2 * Math.PI); fg.fill();
      }
    });
  }
  return (performance.now() - t0) / n;
}"""


SYNCED_3D = """(n) => {
  const v = window.optviz.view3d;
  v.pixel(1, 1);
  const t0 = performance.now();
  for (let k = 0; k < n; k++) { v.render(); v.pixel(1, 1); }
  return (performance.now() - t0) / n;
}"""


def play(page, seconds=3.0) -> tuple[float | None, float, int]:
    """Play from step 0 for `seconds`: (frames per second shown, the page's ms of work per frame, frames)."""
    page.evaluate("window.optviz.state.step = 0; window.optviz.timing.frames = 0; "
                  "window.optviz.timing.drawMs = 0; window.optviz.timing.stamps = []")
    page.click("#play")
    page.wait_for_timeout(seconds * 1000)
    page.click("#play")
    timing = page.evaluate("window.optviz.timing")
    gaps = [b - a for a, b in zip(timing["stamps"], timing["stamps"][1:])]
    fps = round(1000 / statistics.median(gaps), 1) if gaps else None
    return fps, round(timing["drawMs"] / max(timing["frames"], 1), 3), len(timing["stamps"])


def measure_swarm(path: Path, browser, n: int = 1000) -> dict:
    page = browser.new_page(viewport={"width": 1000, "height": 1300})
    out = {}
    for view in ("map", "3d", "both"):
        for balls in (0, n):
            page.goto(path.as_uri() + f"#start=7,7&speed=0.1&view={view}" + (f"&swarm={n}@4,6" if balls else ""))
            page.reload()
            page.wait_for_function("document.body.dataset.ready === '1'")
            fps, ms, frames = play(page)
            out[f"{view}_{balls}"] = {"fps": fps, "frame_ms": ms, "frames_timed": frames}
            if view == "3d":   # a 3-D frame waited for until drawn (read back): the renderer's share
                out[f"{view}_{balls}"]["drawn_ms"] = round(page.evaluate(SYNCED_3D, 20), 2)
    page.goto(path.as_uri() + f"#start=7,7&view=map&swarm={n}@4,6&step=20")
    page.reload()
    page.wait_for_function("document.body.dataset.ready === '1'")
    out["balls"] = page.evaluate("window.optviz.swarm().reduce((a, b) => a + b.length, 0)")
    out["swarm_run_ms"] = page.evaluate("""() => { const t0 = performance.now();
        document.getElementById("swarm").dispatchEvent(new Event("change")); return performance.now() - t0; }""")
    page.evaluate("window.optviz.redraw()")
    t0 = page.evaluate("window.optviz.timing.drawMs")
    page.evaluate("() => { for (let k = 0; k < 50; k++) window.optviz.redraw(); }")
    out["map_draw_ms"] = (page.evaluate("window.optviz.timing.drawMs") - t0) / 50
    out["naive_map_draw_ms"] = page.evaluate(NAIVE_SWARM, 50)
    page.close()
    return out


def main() -> dict:
    from optviz.cli.browser import ARGS, browser
    chromium = browser()
    if chromium is None:
        print("bench_page: skipped (needs Chromium and Playwright: sudo apt-get install -y chromium && pip install 'optviz[browser]')")
        return {"skipped": "chromium or playwright missing"}
    import optviz
    from optviz.core.surfaces.javascript import experiment_js
    from playwright.sync_api import sync_playwright
    from optviz.render.interactive import write_page

    out = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        for steps in (50, 1000):
            exp = optviz.simulate("pathological", SEED, [[7, 7]], steps)
            path = write_page(exp, Path(tmp) / f"seed-{steps}.html", experiment_js(exp.meta))
            out[f"seed_{steps}"] = r = measure(path, browser)
            print(f"page, seed race {steps} steps ({r['page_bytes'] / 1000:.0f} kB): {r['fps']} frames/s shown "
                  f"({r['frames_timed']} timed); a frame's drawing {r['draw_ms']:.2f} ms (naive full redraw "
                  f"{r['naive_draw_ms']:.2f} ms, {r['naive_over_page']}x); a slider move {r['recompute_ms']:.2f} ms")
        exp = optviz.simulate("pathological", SEED, [[7, 7]], 50)
        path = write_page(exp, Path(tmp) / "seed-swarm.html", experiment_js(exp.meta))
        out["swarm"] = r = measure_swarm(path, browser)
        print(f"page, a swarm of {r['balls']} balls (1000 per optimizer; computing it {r['swarm_run_ms']:.0f} ms):")
        for view in ("map", "3d", "both"):
            a, b = r[f"{view}_0"], r[f"{view}_1000"]
            print(f"  {view:>4}: {b['fps']} frames/s shown, {b['frame_ms']:.2f} ms of work a frame "
                  f"(without the swarm {a['fps']} frames/s, {a['frame_ms']:.2f} ms: {b['frame_ms'] / a['frame_ms']:.1f}x)")
            if "drawn_ms" in b:
                print(f"        a 3-D frame waited for until drawn: {b['drawn_ms']:.1f} ms ({a['drawn_ms']:.1f} without the swarm)")
        r["naive_over_page"] = round(r["naive_map_draw_ms"] / r["map_draw_ms"], 1)
        print(f"  the map's frame with the swarm {r['map_draw_ms']:.2f} ms; the swarm alone drawn naively, a path "
              f"a ball, {r['naive_map_draw_ms']:.2f} ms ({r['naive_over_page']}x the page's whole frame)")
        browser.close()
    return out


if __name__ == "__main__":
    main()
