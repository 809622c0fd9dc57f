"""The built-in lecture as a post, against drawing its figures by hand, and a watch's cycle:

  article     `write_article` of the built-in lecture with GIF figures, its runs computed (the cache
              warm, as after `optviz lecture`), no figure drawn before.
  by hand     the same animated figures, one `optviz render --experiment RUN.npz ... -o FIG.gif` process
              each, from the same runs: what a writer did before `optviz article`.
  again       the post written again after a one-line edit of a spoken line (no figure to draw) and
              of one shot's setting (its figure drawn, the others reused).
  watch       `optviz lecture --watch` on a two-chapter lecture at preview quality: seconds from a
              save changing one spoken line to the page's state saying a new render is there (the
              page then reloads within its poll, 0.4 s).

Reported: wall times and ratios. Target: the article at least as fast as the figures by hand.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

# the watch test's two-chapter lecture
TALK = (Path(__file__).resolve().parents[1] / "tests" / "test_watch.py").read_text().split('TALK = """')[1]
TALK = TALK.split('"""')[0]


def by_hand(lecture, folder: Path, workers: int) -> int:
    """Each animated figure of the article, rendered by its own `optviz render` process."""
    from optviz.lecture.article.figures import FPS, animations
    from optviz.lecture.article.model import has_figure
    from optviz.lecture.files import load_data
    n = 0
    for c in lecture.plan:
        for shot in c.shots:
            if not has_figure(shot):
                continue
            data = load_data(shot.data)
            for _, exp, view, tl in animations(shot, data):
                key = "slice" if shot.kind == "landscape" else "run"
                cmd = [sys.executable, "-m", "optviz", "render", "--experiment", str(Path(shot.data) / f"{key}.npz"),
                       "--view", view, "--fps", str(FPS), "--duration", str(tl.duration), "--hold", str(tl.hold),
                       "--easing", tl.easing, "--workers", str(workers), "-o", str(folder / f"{shot.name}.gif")]
                if shot.kind in ("rule", "race"):
                    cmd.append("--loss-panel")
                subprocess.run(cmd, check=True, capture_output=True)
                n += 1
    return n


def watch_cycle(folder: Path) -> tuple[float, str]:
    """Seconds from a one-line save to a new render on the watch's page."""
    src = folder / "talk.md"
    src.write_text(TALK)
    proc = subprocess.Popen([sys.executable, "-m", "optviz", "lecture", "talk.md", "-o", "out/talk.mp4", "--watch"],
                            cwd=folder, stderr=subprocess.PIPE, text=True)
    try:
        url = None
        for line in proc.stderr:
            if "preview is at " in line:
                url = line.split("preview is at ")[1].split()[0]
            if "the page reloads" in line:
                break

        def state():
            with urllib.request.urlopen(url + "__optviz__/state") as r:
                return json.load(r)
        v = state()["version"]
        time.sleep(2)   # a writer's save comes after the watch is up (one made before is seen within a second)
        t0 = time.perf_counter()
        # a longer line: its beat lasts longer, so its chapter is drawn again (the test's edit)
        src.write_text(TALK.replace("Two optimizers set off.", "Two optimizers set off from one point."))
        while (now := state())["version"] == v:
            time.sleep(0.05)
        return time.perf_counter() - t0, now["note"]
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> dict:
    from optviz.cli.gallery import live_page_html
    from optviz.lecture.article import write_article
    from optviz.lecture.runs import lecture_file, prepare
    workers = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        os.environ["OPTVIZ_CACHE_DIR"] = str(tmp / "cache")
        lecture = prepare()   # the runs, not timed
        t0 = time.perf_counter()
        done = write_article(None, tmp / "post", figures="gif", live_page=live_page_html, workers=workers)
        article = time.perf_counter() - t0
        (tmp / "hand").mkdir()
        t0 = time.perf_counter()
        figures = by_hand(lecture, tmp / "hand", workers)
        hand = time.perf_counter() - t0
        text = lecture_file("seed").read_text()
        edits = {"words": text.replace("Repeat, and the ball walks downhill.", "Repeat, and the ball rolls downhill."),
                 "shot": text.replace("steps=50", "steps=40", 1)}
        again = {}
        for name, edited in edits.items():
            (tmp / f"{name}.md").write_text(edited)
            t0 = time.perf_counter()
            r = write_article(tmp / f"{name}.md", tmp / f"post-{name}", figures="gif", live_page=live_page_html,
                              workers=workers, computing=None)
            again[name] = (time.perf_counter() - t0, len(r["drawn"]))
        (tmp / "w").mkdir()
        cycle, note = watch_cycle(tmp / "w")
    r = {"workers": workers, "article_s": round(article, 1), "figures": done["figures"],
         "post_MB": round(done["bytes"] / 1e6, 2), "by_hand_s": round(hand, 1), "by_hand_figures": figures,
         "speedup": round(hand / article, 2),
         "again_words_s": round(again["words"][0], 1), "again_shot_s": round(again["shot"][0], 1),
         "again_shot_drawn": again["shot"][1], "watch_cycle_s": round(cycle, 1), "watch_note": note}
    print(f"article of the built-in lecture ({r['figures']} figures, {r['post_MB']} MB) in {r['article_s']} s on "
          f"{workers} cores, its {figures} animated figures by hand {r['by_hand_s']} s: {r['speedup']}x "
          f"[target >= 1]; again after a spoken line's edit {r['again_words_s']} s, after a shot's "
          f"{r['again_shot_s']} s ({r['again_shot_drawn']} drawn); watch cycle after a one-line save "
          f"{r['watch_cycle_s']} s ({note})")
    return r


if __name__ == "__main__":
    main()
