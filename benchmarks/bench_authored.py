"""A teacher's own lecture against the built-in one, in one script (issue 30):

  check       `optviz lecture check` on the built-in lecture, as a user runs it (a new process: imports
              included), and the check alone in this process; target under 10 s.
  per second  lectures rendered silent at the same quality from an empty chapter cache, each shot's runs
              computed first (not timed), manim's fork server warm; reported as seconds of rendering per
              second of video:
                built-in   the built-in lecture;
                next term  next term's lecture written from last term's file, the case the issue opens
                           with: the built-in file with a teacher's edits (`NEXT_TERM`): Rosenbrock's
                           function typed as a formula instead of the post's surface, Nesterov and
                           RMSprop beside Adam in the race and the clouds, their settings; its chapters,
                           words and beats as they were, so that it differs from the built-in in what is
                           drawn, not in how long or how still. Target: at no more than the built-in;
                the tour   the example file (examples/own-lecture.md): every shot kind in six chapters of
                           22 s (the built-in's are 57 s), a third of its frames the two dearest kinds.
                           What a chapter costs whatever its length weighs more on short chapters, so it
                           is dearer per second by what it shows: reported, with its kinds.
  per kind    the same renders' parts, each timed as it ran (two at a time, as the render runs them),
              grouped by the shot kinds of their chapter: seconds per second of video for each kind in
              every lecture, so that what a file says (a shot's kind, its length) is told apart from
              how an authored file is rendered. A chapter of several kinds is its own group.

$OPTVIZ_BENCH_QUALITY (default preview) sets the quality of the renders.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOUR = ROOT / "examples" / "own-lecture.md"
ROSENBROCK = 'surface="(1 - x)^2 + 100*(y - x^2)^2"'
# next term's edits to the built-in file, each made wherever its text is (and found at least once)
NEXT_TERM = [
    ("surface=pathological point=1,1.5 lr=1 steps=8 box=-2,2.5;-0.8,2.7",
     f"{ROSENBROCK} point=-1.5,2 lr=0.0005 steps=8 box=-2,2;-1,3"),
    ("surface=pathological start=7,7", f"{ROSENBROCK} start=-1.5,2"),
    ("optimizer=sgd:lr=10", "optimizer=sgd:lr=0.001"),
    ("optimizer=momentum:lr=10,momentum=0.9", "optimizer=momentum:lr=0.001,momentum=0.9"),
    ("compare=torch-momentum:lr=1,momentum=0.9", "compare=torch-momentum:lr=0.0001,momentum=0.9"),
    ("optimizer=adam:lr=1", "optimizer=adam:lr=0.05"),
    ('optimizers="sgd:lr=10 momentum:lr=10,momentum=0.9 adam:lr=1"',
     'optimizers="nesterov:lr=0.0002,momentum=0.9 rmsprop:lr=0.01 adam:lr=0.05"'),
    ('optimizers="sgd:lr=0.05 momentum:lr=0.05,momentum=0.9 adam:lr=0.1"',
     'optimizers="nesterov:lr=0.05,momentum=0.9 rmsprop:lr=0.05 adam:lr=0.1"'),
    *[(f"{shot}.{value}.{old}", f"{shot}.{value}.{new}") for shot, value in
      (("race", "loss"), ("race", "then_loss"), ("cloud", "spread")) for old, new in
      (("sgd", "nesterov"), ("momentum", "rmsprop"))],
]


def next_term(folder: Path) -> Path:
    """The built-in lecture's file with NEXT_TERM's edits, written into `folder`."""
    from optviz.lecture.runs import lecture_file
    text = lecture_file("seed").read_text(encoding="utf-8")
    for old, new in NEXT_TERM:
        if old not in text:
            raise SystemExit(f"the built-in lecture no longer says {old!r}: update NEXT_TERM")
        text = text.replace(old, new)
    path = folder / "next-term.md"
    path.write_text(text, encoding="utf-8")
    return path


def main() -> dict:
    from optviz.lecture.markdown import read
    from optviz.lecture.plan import check
    from optviz.lecture.runs import lecture_file, prepare
    from optviz.lecture.video import render
    from optviz.render import manim_video
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
        lectures = {"builtin": None, "next_term": next_term(tmp), "tour": TOUR}
        wrong = check(read(lectures["next_term"]))
        assert not wrong, f"next term's lecture has problems: {wrong}"
        # the server manim's parts are forked from, started and warm before any is timed: the first
        # render would otherwise wait for its imports (about a second) and the others would not
        warm = prepare(TOUR)
        render(tmp / "warm.mp4", lecture=warm, quality=quality, voice="none", workers=workers, cache=False,
               chapters=str(len(warm.plan)))
        timed, run = [], manim_video.Runner._run

        def timed_run(self, k, job, counter):   # each part's wall time as it ran
            t = time.perf_counter()
            out = run(self, k, job, counter)
            timed.append((int(job["env"]["OPTVIZ_CHAPTER"]), job["frames"], time.perf_counter() - t))
            return out

        manim_video.Runner._run = timed_run
        kinds = {}
        for name, source in lectures.items():
            lecture = prepare(source)   # the runs: cached after the first time, not timed
            timed.clear()
            t0 = time.perf_counter()
            out = render(tmp / f"{name}.mp4", lecture=lecture, quality=quality, voice="none", workers=workers,
                         cache=False)[0]
            took = time.perf_counter() - t0
            fps = manim_video.QUALITIES[quality][1]
            for chapter, frames, seconds in timed:
                kind = "+".join(dict.fromkeys(s.kind or "card" for s in lecture.plan[chapter - 1].shots))
                spent = kinds.setdefault(kind, {}).setdefault(name, [0.0, 0.0])
                spent[0] += seconds
                spent[1] += frames / fps
            seconds = media_seconds(out)
            r[f"{name}_s"] = round(took, 1)
            r[f"{name}_video_s"] = round(seconds, 1)
            r[f"{name}_s_per_video_s"] = round(took / seconds, 3)
        # a part's start-up: the tour's last chapter (text only, one part) rendered alone, its manim
        # process started anew (python -m manim) against forked from the warm server
        for how, fork in (("new", "0"), ("forked", "1"), ("forked", "1")):   # the first fork warms the server
            os.environ["OPTVIZ_MANIM_FORK"] = fork
            t0 = time.perf_counter()
            render(tmp / "last.mp4", lecture=lecture, quality=quality, voice="none", workers=workers, cache=False,
                   chapters=str(len(lecture.plan)))
            r[f"last_chapter_{how}_s"] = round(time.perf_counter() - t0, 2)
        os.environ.pop("OPTVIZ_MANIM_FORK")
        manim_video.Runner._run = run
    r["per_kind_s_per_video_s"] = {k: {n: round(a / b, 3) for n, (a, b) in v.items()} for k, v in kinds.items()}
    for name in ("next_term", "tour"):
        r[f"{name}_over_builtin"] = round(r[f"{name}_s_per_video_s"] / r["builtin_s_per_video_s"], 2)
    print(f"lecture check (built-in): {command:.1f} s as a command, {alone:.2f} s in process [target < 10 s]; "
          f"rendered silent at {quality} on {workers} cores, s per s of video: built-in "
          f"{r['builtin_s_per_video_s']} ({r['builtin_video_s']} s), next term {r['next_term_s_per_video_s']} "
          f"({r['next_term_video_s']} s): {r['next_term_over_builtin']}x the built-in's [target <= 1]; the tour "
          f"{r['tour_s_per_video_s']} ({r['tour_video_s']} s): {r['tour_over_builtin']}x; its last chapter alone: "
          f"{r['last_chapter_new_s']} s with a new manim process, {r['last_chapter_forked_s']} s forked")
    print("  per shot kind, a part's seconds per second of its video (built-in | next term | tour): " + "; ".join(
        f"{k} " + " | ".join(str(v.get(n, "-")) for n in ("builtin", "next_term", "tour"))
        for k, v in r["per_kind_s_per_video_s"].items()))
    return r


if __name__ == "__main__":
    main()
