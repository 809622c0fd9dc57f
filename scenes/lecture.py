"""The lecture: any lecture file's chapters, one scene plays each, shot by shot.

    optviz lecture my-lecture.md -o lecture.mp4                  # what runs this, chapters in parallel
    manim -ql "$(optviz scenes path)/lecture.py" LectureChapter   # the built-in lecture's chapter 1 (draft)
    OPTVIZ_CHAPTER=3 manim -ql .../lecture.py LectureChapter       # its chapter 3

What a chapter says and shows is its plan (optviz.lecture.plan, from the lecture file): beats, each
one `play` here (`Beats` walks them), and the shots that span them, each drawn by the function of its
kind in lecture_shots.py (a shot is a reusable scene fed with its options and runs). How long each
beat lasts, and where its marks fall, is the timing the voice gave it: the plan comes whole, timed,
from $OPTVIZ_LECTURE_PLAN (JSON, written by optviz.lecture.video); without it the built-in lecture
(or $OPTVIZ_LECTURE_FILE) is planned as the silent draft in a subprocess (this process never imports
torch). Options ($OPTVIZ_MANIM, JSON): theme.
"""
from __future__ import annotations

import functools
import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from manim import MarkupText, MathTex, PMobject, Tex, Text, ThreeDScene, config, linear, smooth
from manim.utils.exceptions import EndSceneEarlyException

sys.path.insert(0, str(Path(__file__).parent))
from common import FONT, options, track_progress  # noqa: E402
from lecture_shots import play_chapter  # noqa: E402
from dots import RoundDots  # noqa: E402

from optviz.lecture.script import plan_from_json  # noqa: E402
from optviz.lecture.timing import QUICK, frames  # noqa: E402


@functools.lru_cache(maxsize=1)
def lecture_plan() -> tuple:
    """(the timed plan, fps it was timed at): $OPTVIZ_LECTURE_PLAN, else planned by optviz (a subprocess)."""
    path = os.environ.get("OPTVIZ_LECTURE_PLAN")
    if not path:
        path = str(Path(tempfile.mkdtemp(prefix="optviz-plan-")) / "plan.json")
        source = [os.environ["OPTVIZ_LECTURE_FILE"]] if os.environ.get("OPTVIZ_LECTURE_FILE") else []
        subprocess.run([sys.executable, "-m", "optviz.lecture.runs", *source, path], check=True)
    text = Path(path).read_text()
    return plan_from_json(text), json.loads(text)["fps"]


class Beats:
    """A chapter's beats, one per call: `beats(*animations, steady=[...], windows=[...])` plays the
    next beat for its length. `animations` take the beat's first QUICK seconds (an entrance or exit),
    then the frame holds (a static wait, which manim writes without drawing); `steady` ones (a clock
    driving the balls) run evenly over the whole beat; `windows` are (animation, start, end, linear):
    from `start` seconds into the beat to `end` (None: the beat's end), evenly or eased, so a moment
    starts where its mark is spoken; once the last of them has ended the frame holds too. Every beat
    lasts exactly the frames timing.frames gives it.

    $OPTVIZ_BEATS "FIRST,LAST" renders only those beats: the earlier ones are played without drawing
    (so the part starts in the state they leave), the scene ends after LAST."""

    def __init__(self, scene, chapter, theme: str):
        self.scene, self.chapter, self.theme, self.i = scene, chapter, theme, 0
        span = os.environ.get("OPTVIZ_BEATS")
        self.first, self.last = (int(v) for v in span.split(",")) if span else (0, len(chapter.beats) - 1)
        # $OPTVIZ_LAYOUT_LOG: play every beat without drawing and record what is on screen after each
        self.layout_log = os.environ.get("OPTVIZ_LAYOUT_LOG")
        if self.layout_log and not os.environ.get("OPTVIZ_LAYOUT_DRAW"):
            self.first = len(chapter.beats)

    @property
    def beat(self):
        """The beat the next call plays."""
        return self.chapter.beats[self.i]

    def __call__(self, *animations, steady=(), windows=()):
        beat, k = self.chapter.beats[self.i], self.i
        self.i += 1
        if k > self.last:
            raise EndSceneEarlyException()
        renderer = self.scene.renderer
        renderer._original_skipping_status = k < self.first
        fps = config.frame_rate
        total = frames(beat.seconds, fps)
        quick = max(1, min(total, round(QUICK * fps)))
        seconds = lambda n: (n - 0.5) / fps  # noqa: E731  (np.arange(0, s, 1/fps) then has exactly n steps)
        # what has updaters goes last: manim redraws every frame all it holds from the first moving one on
        movers = [m for m in self.scene.mobjects if m.get_family_updaters()]
        if movers:
            self.scene.bring_to_front(*movers)
        if animations or steady or windows:
            # beside steady ones the play spans the beat; beside timed ones it lasts until the last of
            # them ends (a moment's quick fade early in a long beat: the rest is a wait, drawn once
            # when nothing moves), so entrances finish early within it
            beat_span = total / fps
            bounds = []
            for _, start, end, _ in windows:
                s = min(max(0.0, float(start)), beat_span - 1 / fps)
                bounds.append((s, beat_span if end is None else min(beat_span, max(s + 1 / fps, float(end)))))
            played = total if steady else max([quick] + [min(total, math.ceil(e * fps - 1e-9) + 1) for _, e in bounds])
            span = played / fps
            early = lambda t, k=played / quick: smooth(min(1.0, t * k))  # noqa: E731
            timed = [(a, early) for a in animations] + [(a, linear) for a in steady]
            for (a, _, _, even), (s, e) in zip(windows, bounds):
                s, e = min(s, span - 1 / fps), min(e, span)
                ease = linear if even else smooth
                timed.append((a, lambda t, s=s, e=e, ease=ease: ease(min(1.0, max(0.0, (t * span - s) / (e - s))))))
            built = []
            for a, rate in timed:
                a = a.build() if hasattr(a, "build") else a
                a.rate_func = rate
                built.append(a)
            self.scene.play(*built, run_time=seconds(played))
        else:
            played = 0
        if total > played:
            rest = total - played
            scene = self.scene
            still = not (scene.always_update_mobjects or scene.updaters or
                         any(m.has_time_based_updater() for m in scene.get_mobject_family_members()))
            # a still wait repeats one frame int(run_time * fps) times; a moving one steps np.arange
            scene.wait((rest + 0.25) / fps if still else seconds(rest))
        renderer._original_skipping_status = False
        if self.layout_log:
            log_layout(self.scene, self.chapter.key, k, self.layout_log)

    def done(self) -> None:
        if self.i != len(self.chapter.beats):
            raise RuntimeError(f"chapter {self.chapter.key} played {self.i} of its {len(self.chapter.beats)} beats")


TEXTS = (Text, MarkupText, MathTex, Tex)


@functools.lru_cache(maxsize=None)
def _em_per_size() -> float:
    """Frame units of one em per point of font size (the height of "Hg", ascender to descender)."""
    return Text("Hg", font=FONT, font_size=48).height / 48


def em_height(t) -> float:
    """A text's em in frame units, as drawn (a Text's font size, scaled as it was since)."""
    size = getattr(t, "font_size", None)
    return float(size * _em_per_size()) if size else float(t.height)


def log_layout(scene, chapter: str, beat: int, path: str) -> None:
    """Append to `path` (JSON lines) where every visible text, point cloud, ball and stage is on screen
    after a beat, in frame units, as the camera draws them (fixed in the frame, facing the camera, or
    in 3-D)."""
    camera = scene.camera
    shown = []

    def box(pts):
        return [*pts[:, :2].min(0).tolist(), *pts[:, :2].max(0).tolist()]

    for m in scene.mobjects:
        for t in m.get_family():
            if isinstance(t, TEXTS) and t.get_fill_opacity() > 0.05:
                pts = np.vstack([camera.transform_points_pre_display(s, s.points)
                                 for s in t.family_members_with_points()] or [np.zeros((1, 3))])
                shown.append({"kind": "text", "text": getattr(t, "original_text", getattr(t, "tex_string", "")),
                              "box": box(pts), "em": em_height(t)})
            elif isinstance(t, PMobject) and len(t.points):
                pts = camera.transform_points_pre_display(t, t.points)
                dot = 2 * t.radius_in_frame(config.frame_height) if isinstance(t, RoundDots) else 0.0
                shown.append({"kind": "cloud", "n": len(pts), "box": box(pts), "spread": pts[:, :2].std(0).tolist(),
                              "dot": dot, "round": isinstance(t, RoundDots)})
            elif getattr(t, "optviz_axis", False) and t.get_stroke_opacity() > 0.05:
                ends = camera.transform_points_pre_display(t, np.array([t.get_start(), t.get_end()]))
                shown.append({"kind": "axis", "ends": ends[:, :2].tolist()})
            elif getattr(t, "optviz_ball", False) and t.get_fill_opacity() > 0.05:
                pts = np.vstack([camera.transform_points_pre_display(s, s.points) for s in t.family_members_with_points()])
                shown.append({"kind": "ball", "box": box(pts), "d": float(np.ptp(pts[:, :2], 0).max())})
            elif getattr(t, "optviz_stage", False) and t.get_fill_opacity() > 0.05:
                pts = np.vstack([camera.transform_points_pre_display(s, s.points)
                                 for s in t.family_members_with_points()] or [np.zeros((1, 3))])
                shown.append({"kind": "stage", "box": box(pts)})
    frame = [config.frame_width, config.frame_height, config.pixel_height]
    with open(path, "a") as log:
        log.write(json.dumps({"chapter": chapter, "beat": beat, "frame": frame, "shown": shown}) + "\n")


class LectureChapter(ThreeDScene):
    """One chapter of the lecture: the $OPTVIZ_CHAPTER-th (1-based; default 1)."""

    def setup(self):
        track_progress(self)

    def construct(self):
        plan, _ = lecture_plan()
        chapter = plan[int(os.environ.get("OPTVIZ_CHAPTER", "1")) - 1]
        beats = Beats(self, chapter, options().get("theme", "dark"))
        play_chapter(self, chapter, beats)
        beats.done()


class Lecture(ThreeDScene):
    """Every chapter in one scene, one after another (manim's sections mark them)."""

    def setup(self):
        track_progress(self)

    def construct(self):
        plan, _ = lecture_plan()
        for chapter in plan:
            self.next_section(chapter.key)
            beats = Beats(self, chapter, options().get("theme", "dark"))
            play_chapter(self, chapter, beats)
            beats.done()
            self.stop_ambient_camera_rotation()
            # chapters fade out what they show; what is left (faded, or updaters' helpers) goes unseen
            self.clear()
            self.camera.fixed_in_frame_mobjects.clear()
            self.camera.fixed_orientation_mobjects.clear()
