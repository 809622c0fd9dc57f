"""The deck against the lecture it is cut from, in one script:

  lecture     the narrated lecture at 1080p30 (every chapter, the default voice) from an empty cache:
              what a teacher runs once (`make render`).
  deck        `optviz slides` on it: the HTML deck (a folder; the live slide included), the same as one
              file, the PPTX and the PDF handout, each timed on its own.

Reported: wall times, the slide count, sizes, and each deck's time over the lecture's. Target: the HTML
deck in at most a tenth of the lecture's render time.
"""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path


def size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*")) if path.is_dir() else path.stat().st_size


def main() -> dict:
    from optviz.cli.gallery import live_page_html
    from optviz.lecture.deck import make_deck
    from optviz.lecture.runs import prepare
    from optviz.lecture.video import render
    from optviz.render.encode import media_seconds

    workers = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        os.environ["OPTVIZ_CACHE_DIR"] = str(tmp / "cache")   # empty: every line spoken, every chapter drawn
        prepared = prepare()   # the runs, not timed
        t0 = time.perf_counter()
        lecture = render(tmp / "lecture.mp4", lecture=prepared, quality="1080p30", voice="piper", workers=workers)[0]
        rendering = time.perf_counter() - t0
        r = {"workers": workers, "video_seconds": round(media_seconds(lecture), 1), "lecture_s": round(rendering, 1)}
        for name, kwargs in (("html", {"output": tmp / "deck"}), ("one_file", {"output": tmp / "deck.html", "one_file": True}),
                             ("pptx", {"output": tmp / "deck.pptx", "to": "pptx"}),
                             ("pdf", {"output": tmp / "handout.pdf", "to": "pdf"})):
            t0 = time.perf_counter()
            live = live_page_html if kwargs.get("to", "html") == "html" else None
            done = make_deck(lecture=lecture, live_page=live, workers=workers, **kwargs)
            took = time.perf_counter() - t0
            r[f"{name}_s"] = round(took, 1)
            r[f"{name}_over_lecture"] = round(took / rendering, 3)
            r[f"{name}_MB"] = round(size(done["path"]) / 1e6, 1)
            r["slides"] = done["slides"]
            r["clips_re_encoded"] = done["clips re-encoded"]
    print(f"deck of {r['slides']} slides from the narrated lecture ({r['video_seconds']} s of video, rendered in "
          f"{rendering:.0f} s on {workers} cores): HTML {r['html_s']} s = {r['html_over_lecture']:.3f} of the render "
          f"[target <= 0.1], one file {r['one_file_s']} s ({r['one_file_MB']} MB), PPTX {r['pptx_s']} s, "
          f"PDF {r['pdf_s']} s; clips re-encoded: {r['clips_re_encoded']}")
    return r


if __name__ == "__main__":
    main()
