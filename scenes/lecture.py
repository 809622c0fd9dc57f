"""The lecture: the blog post told in eight chapters, one scene each, and `Lecture`, all of them in one.

    manim -qh --save_sections "$(optviz scenes path)/lecture.py" Lecture   # the whole lecture, a section per chapter
    manim -ql "$(optviz scenes path)/lecture.py" MomentumChapter           # one chapter
    optviz render --engine manim --scene lecture -o lecture.mp4   # chapters in parallel, with chapter
                                                                  # markers, .srt, narration script

What each chapter says and how long each beat lasts is optviz.render.lecture_script: every beat is one
`play` or `wait` here (`Beats` walks them), so the subtitles, chapter markers and narration written
beside the video match it frame for frame, and a chapter can be rendered in parts (manim's -n).

Data: $OPTVIZ_LECTURE_DIR (the NPZ files `python -m optviz.cli.lecture DIR` writes), else computed that
way in a subprocess and cached. Options ($OPTVIZ_MANIM, JSON): theme, pace (< 1 for quick renders).
"""
from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path

from manim import DEGREES, Text, ThreeDScene, config, linear, smooth
from manim.utils.exceptions import EndSceneEarlyException

sys.path.insert(0, str(Path(__file__).parent))
from common import FONT, options, track_progress  # noqa: E402
from lecture_rules import adam, gradient, momentum, sgd  # noqa: E402
from lecture_shots import network, race, stochastic, summary  # noqa: E402

from optviz.render.lecture_script import DATA, SCENE_CLASSES, lecture_facts, lecture_plan  # noqa: E402
from optviz.render.lecture_video import frames, load_data  # noqa: E402
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
        if not all((Path(folder) / f"{name}.npz").exists() for name in DATA):
            subprocess.run([sys.executable, "-m", "optviz.cli.lecture", folder], check=True)
    return load_data(folder)


QUICK = 1.2   # seconds an entrance or exit takes; the rest of its beat holds it still, to be read


class Beats:
    """A chapter's beats, one per call: `beats(*animations, steady=[...])` plays the next beat for its
    length. `animations` take the beat's first QUICK seconds, then the frame holds (a static wait, which
    manim writes without drawing); `steady` ones (a clock driving the balls) run evenly over the whole
    beat, the entrances beside them still done in its first QUICK seconds. Every beat lasts exactly the
    frames lecture_video.frames gives it, however it is played.

    $OPTVIZ_BEATS "FIRST,LAST" renders only those beats: the earlier ones are played without drawing
    (so the part starts in the state they leave), the scene ends after LAST. `beats.text(key)` is the
    script's on-screen text as a mobject."""

    def __init__(self, scene, chapter, theme: str):
        self.scene, self.chapter, self.theme, self.i = scene, chapter, theme, 0
        span = os.environ.get("OPTVIZ_BEATS")
        self.first, self.last = (int(v) for v in span.split(",")) if span else (0, len(chapter.beats) - 1)

    def __call__(self, *animations, steady=()):
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
        if animations or steady:
            # beside steady ones the play spans the beat, so entrances finish early within it
            played = total if steady else quick
            early = lambda t, k=played / quick: smooth(min(1.0, t * k))  # noqa: E731
            timed = [(a, early) for a in animations] + [(a, linear) for a in steady]
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

    def text(self, key: str, size: int = 30, color: str | None = None, **kwargs) -> Text:
        return Text(self.chapter.text(key), font=FONT, font_size=size,
                    color=color or THEMES[self.theme].foreground, **kwargs)

    def done(self) -> None:
        if self.i != len(self.chapter.beats):
            raise RuntimeError(f"chapter {self.chapter.key} played {self.i} of its {len(self.chapter.beats)} beats")


def play_chapter(scene, chapter, data, theme: str) -> None:
    scene.camera.background_color = THEMES[theme].background
    scene.set_camera_orientation(phi=0, theta=-90 * DEGREES, gamma=0, zoom=1, frame_center=[0, 0, 0])
    beats = Beats(scene, chapter, theme)
    BUILD[chapter.key](scene, data, beats, theme)
    beats.done()


def plan_for_scene():
    opts = options()
    return lecture_plan(lecture_facts(lecture_data()), float(opts.get("pace", 1.0))), opts.get("theme", "dark")


class ChapterScene(ThreeDScene):
    key = ""

    def setup(self):
        track_progress(self)

    def construct(self):
        plan, theme = plan_for_scene()
        chapter = next(c for c in plan if c.key == self.key)
        play_chapter(self, chapter, lecture_data(), theme)


# one scene per chapter, by the name the script gives it: `manim scenes/lecture.py MomentumChapter`
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
