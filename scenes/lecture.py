"""The lecture: the blog post told in eight chapters, one scene each, and `Lecture`, all of them in one.

    manim -qh --save_sections "$(optviz scenes path)/lecture.py" Lecture   # the whole lecture, a section per chapter
    manim -ql "$(optviz scenes path)/lecture.py" MomentumChapter           # one chapter
    optviz render --engine manim --scene lecture -o lecture.mp4   # chapters in parallel, with chapter
                                                                  # markers, .srt, narration script

What each chapter says and shows is optviz.lecture.script: every beat is one `play` or `wait` here
(`Beats` walks them). How long each lasts, and where its marks fall, is the timing the voice gave it
($OPTVIZ_LECTURE_PLAN, written by optviz.lecture.video), else the silent draft's (timed from the
text), so the narration, subtitles and chapter markers written beside the video match it frame for
frame, and a chapter can be rendered in parts.

Data: $OPTVIZ_LECTURE_DIR (the NPZ files `python -m optviz.lecture.runs DIR` writes), else computed
that way in a subprocess and cached. Options ($OPTVIZ_MANIM, JSON): theme, pace (< 1 for quick renders).
"""
from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from manim import DEGREES, MarkupText, MathTex, PMobject, Tex, Text, ThreeDScene, config, linear, smooth
from manim.utils.exceptions import EndSceneEarlyException

sys.path.insert(0, str(Path(__file__).parent))
from common import FONT, options, track_progress  # noqa: E402
from lecture_rules import adam, gradient, momentum, sgd  # noqa: E402
from lecture_shots import network, race, stochastic, summary  # noqa: E402

from optviz.lecture.files import complete, load_data  # noqa: E402
from optviz.lecture.script import SCENE_CLASSES, lecture_facts, lecture_plan  # noqa: E402
from optviz.lecture.timing import QUICK, apply_json, draft_speech, frames, lines, time_plan  # noqa: E402
from optviz.render.style import THEMES  # noqa: E402
from optviz.version import __version__  # noqa: E402

BUILD = {"gradient": gradient, "sgd": sgd, "momentum": momentum, "adam": adam, "race": race,
         "stochastic": stochastic, "network": network, "summary": summary}


@functools.lru_cache(maxsize=1)
def lecture_data() -> dict:
    """The lecture's data objects, from $OPTVIZ_LECTURE_DIR or computed once by optviz (a subprocess,
    so this process never imports torch) into manim's media folder."""
    folder = os.environ.get("OPTVIZ_LECTURE_DIR")
    if not folder:
        folder = str(Path(config.media_dir) / "optviz-cache" / f"lecture-{__version__}")
        if not complete(folder):
            subprocess.run([sys.executable, "-m", "optviz.lecture.runs", folder], check=True)
    return load_data(folder)


class Beats:
    """A chapter's beats, one per call: `beats(*animations, steady=[...], at={mark: [...]})` plays the
    next beat for its length. `animations` take the beat's first QUICK seconds (an entrance or exit),
    then the frame holds (a static wait, which manim writes without drawing); `steady` ones (a clock
    driving the balls) run evenly over the whole beat, the entrances beside them still done in its first
    QUICK seconds; those `at` a mark start when the voice reaches its word (the beat's `marks`) and take
    QUICK seconds from there. Every beat lasts exactly the frames timing.frames gives it, however it is
    played.

    $OPTVIZ_BEATS "FIRST,LAST" renders only those beats: the earlier ones are played without drawing
    (so the part starts in the state they leave), the scene ends after LAST. `beats.text(key)` is the
    script's on-screen text as a mobject."""

    def __init__(self, scene, chapter, theme: str):
        self.scene, self.chapter, self.theme, self.i = scene, chapter, theme, 0
        span = os.environ.get("OPTVIZ_BEATS")
        self.first, self.last = (int(v) for v in span.split(",")) if span else (0, len(chapter.beats) - 1)
        # $OPTVIZ_LAYOUT_LOG: play every beat without drawing and record what is on screen after each
        self.layout_log = os.environ.get("OPTVIZ_LAYOUT_LOG")
        if self.layout_log and not os.environ.get("OPTVIZ_LAYOUT_DRAW"):
            self.first = len(chapter.beats)

    def __call__(self, *animations, steady=(), at=None):
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
        marks = getattr(beat, "marks", None) or {}
        late = [(a, min(round(marks.get(name, 0.0) * fps), total - quick)) for name, group in (at or {}).items()
                for a in group]
        if animations or steady or late:
            # beside steady ones the play spans the beat, so entrances finish early within it; a marked
            # animation starts at its word, so the play lasts until it is done
            played = total if steady else min(total, max([quick] + [s + quick for _, s in late]))
            early = lambda t, k=played / quick: smooth(min(1.0, t * k))  # noqa: E731
            timed = [(a, early) for a in animations] + [(a, linear) for a in steady]
            timed += [(a, lambda t, s=s: smooth(min(1.0, max(0.0, (t * played - s) / quick)))) for a, s in late]
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

    def text(self, key: str, size: int = 30, color: str | None = None, **kwargs) -> Text:
        return Text(self.chapter.text(key), font=FONT, font_size=size,
                    color=color or THEMES[self.theme].foreground, **kwargs)

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
    """Append to `path` (JSON lines) where every visible text and point cloud is on screen after a
    beat, in frame units, as the camera draws them (fixed in the frame, facing the camera, or in 3-D)."""
    camera = scene.camera
    shown = []
    for m in scene.mobjects:
        for t in m.get_family():
            if isinstance(t, TEXTS) and t.get_fill_opacity() > 0.05:
                pts = np.vstack([camera.transform_points_pre_display(s, s.points)
                                 for s in t.family_members_with_points()] or [np.zeros((1, 3))])
                shown.append({"kind": "text", "text": getattr(t, "original_text", getattr(t, "tex_string", "")),
                              "box": [*pts[:, :2].min(0).tolist(), *pts[:, :2].max(0).tolist()],
                              "em": em_height(t)})
            elif isinstance(t, PMobject) and len(t.points):
                pts = camera.transform_points_pre_display(t, t.points)
                shown.append({"kind": "cloud", "n": len(pts),
                              "box": [*pts[:, :2].min(0).tolist(), *pts[:, :2].max(0).tolist()],
                              "spread": pts[:, :2].std(0).tolist()})
            elif getattr(t, "optviz_axis", False) and t.get_stroke_opacity() > 0.05:
                ends = camera.transform_points_pre_display(t, np.array([t.get_start(), t.get_end()]))
                shown.append({"kind": "axis", "ends": ends[:, :2].tolist()})
    frame = [config.frame_width, config.frame_height, config.pixel_height]
    with open(path, "a") as log:
        log.write(json.dumps({"chapter": chapter, "beat": beat, "frame": frame, "shown": shown}) + "\n")


def play_chapter(scene, chapter, data, theme: str) -> None:
    scene.camera.background_color = THEMES[theme].background
    scene.set_camera_orientation(phi=0, theta=-90 * DEGREES, gamma=0, zoom=1, frame_center=[0, 0, 0])
    beats = Beats(scene, chapter, theme)
    BUILD[chapter.key](scene, data, beats, theme)
    beats.done()


def plan_for_scene():
    """The timed plan: the voice's timing when optviz renders the lecture, else the silent draft's."""
    opts = options()
    pace = float(opts.get("pace", 1.0))
    plan = lecture_plan(lecture_facts(lecture_data()), pace)
    timed = os.environ.get("OPTVIZ_LECTURE_PLAN")
    if timed:
        plan = apply_json(plan, Path(timed).read_text())
    else:
        plan = time_plan(plan, {ln.key: draft_speech(ln, pace) for ln in lines(plan)}, config.frame_rate).plan
    return plan, opts.get("theme", "dark")


class ChapterScene(ThreeDScene):
    key = ""

    def setup(self):
        track_progress(self)

    def construct(self):
        plan, theme = plan_for_scene()
        chapter = next(c for c in plan if c.key == self.key)
        play_chapter(self, chapter, lecture_data(), theme)


# one scene per chapter, by the name the script gives it: `manim lecture.py MomentumChapter`
for _key, _name in SCENE_CLASSES.items():
    globals()[_name] = type(_name, (ChapterScene,), {"key": _key, "__doc__": f"Lecture chapter {_key!r}."})


class Lecture(ThreeDScene):
    """Every chapter in one scene, one after another (manim's sections mark them)."""

    def setup(self):
        track_progress(self)

    def construct(self):
        plan, theme = plan_for_scene()
        data = lecture_data()
        for chapter in plan:
            self.next_section(chapter.key)
            play_chapter(self, chapter, data, theme)
            self.stop_ambient_camera_rotation()
            # chapters fade out what they show; what is left (faded, or updaters' helpers) goes unseen
            self.clear()
            self.camera.fixed_in_frame_mobjects.clear()
            self.camera.fixed_orientation_mobjects.clear()
