"""The lecture video: the seed blog post's story in five sections, with subtitles.

    manim -qh --save_sections scenes/lecture.py Lecture

Sections (manim's section API, saved with --save_sections): the pathological surface, the update
rules, the 50-step race, the 1000-step race, and "why not always Adam?". Subcaptions are written as
an .srt beside the video, so a teacher can cut, reorder and caption it.

Data: $OPTVIZ_EXPERIMENT_50, $OPTVIZ_EXPERIMENT_1000 and $OPTVIZ_EXPERIMENT_MINIMA (optviz NPZ files),
else computed by the optviz CLI. The landing counts are computed from the recorded trajectories.
"""
from __future__ import annotations

import sys
from pathlib import Path

from manim import (
    DEGREES,
    DOWN,
    LEFT,
    RIGHT,
    UP,
    UR,
    FadeIn,
    FadeOut,
    Text,
    ThreeDScene,
    ValueTracker,
    VGroup,
    Write,
    linear,
)

sys.path.insert(0, str(Path(__file__).parent))
from common import FONT, SEED_RUN, Stage, colors_for, ease, load_experiment, options  # noqa: E402
from rolling import add_race, add_swarm  # noqa: E402
from rules import RULES, equation  # noqa: E402

from optviz.render.geometry import nearest_minimum  # noqa: E402
from optviz.render.style import THEMES  # noqa: E402

SEED_1000 = [a if a != "50" else "1000" for a in SEED_RUN]
MINIMA_RUN = ["--surface", "sharp-wide", "--optimizer", "momentum:lr=1,momentum=0.9", "--optimizer", "adam:lr=0.1",
              "--starts", "400", "--steps", "300", "--seed", "2"]


def landing_counts(exp) -> list[dict]:
    """Per optimizer: how many starts end in the sharp minimum, the wide one, neither, or diverged."""
    land = nearest_minimum(exp)
    out = []
    for m in range(len(exp.labels)):
        kinds = [exp.minima[k]["kind"] if k >= 0 else ("diverged" if exp.diverged_at[m, n] >= 0 else "neither")
                 for n, k in enumerate(land[m])]
        out.append({k: kinds.count(k) for k in ("sharp", "wide", "neither", "diverged")})
    return out


class Lecture(ThreeDScene):
    def construct(self):
        opts = options()
        theme = opts.get("theme", "dark")
        fg = THEMES[theme].foreground
        pace = float(opts.get("pace", 1.0))   # < 1 for quick test renders
        self.camera.background_color = THEMES[theme].background
        text = lambda s, size=30, **kw: Text(s, font=FONT, font_size=size, color=fg, **kw)

        # -- 1. the surface
        self.next_section("1-surface")
        seed50 = load_experiment(SEED_RUN, "OPTVIZ_EXPERIMENT_50")
        stage = Stage(seed50, theme=theme)
        self.set_camera_orientation(phi=62 * DEGREES, theta=-130 * DEGREES, zoom=0.95, frame_center=stage.centre())
        title = text("Pathological curvature", 36, weight="BOLD").to_corner(UR, buff=0.35)
        formula = text("L(w₁, w₂) = tanh²(w₁) + 0.01·|w₁| + σ(w₂)", 26).next_to(title, DOWN, buff=0.15,
                                                                               aligned_edge=RIGHT)
        self.add_fixed_in_frame_mobjects(title, formula)
        self.add_subcaption("A narrow ravine along w₁ = 0, and a slow slide down in w₂.", duration=6 * pace)
        self.play(FadeIn(stage.axes), FadeIn(stage.surface), Write(title), FadeIn(formula), run_time=1.5 * pace)
        self.begin_ambient_camera_rotation(rate=40 * DEGREES / (4.5 * pace))
        self.wait(4.5 * pace)
        self.stop_ambient_camera_rotation()

        # -- 2. the update rules
        self.next_section("2-update-rules")
        self.play(FadeOut(formula), stage.surface.animate.set_fill(opacity=0.15), run_time=0.8 * pace)
        colors = colors_for(seed50)
        blocks = VGroup(*[VGroup(text(label, 28, weight="BOLD").set_color(c),
                                 *[equation(t, tex, fg, 28) for t, tex in RULES[name]]).arrange(DOWN, aligned_edge=LEFT)
                          for name, label, c in zip(("sgd", "momentum", "adam"), ("SGD", "Momentum", "Adam"), colors)])
        blocks.arrange(DOWN, aligned_edge=LEFT, buff=0.35).to_edge(LEFT, buff=0.6).shift(0.3 * DOWN)
        self.add_fixed_in_frame_mobjects(blocks)
        self.remove(blocks)
        captions = ["SGD steps against the gradient.",
                    "Momentum keeps a running average of gradients: a velocity.",
                    "Adam divides each coordinate's averaged gradient by its running scale."]
        for block, caption in zip(blocks, captions):
            self.add_subcaption(caption, duration=2.5 * pace)
            self.play(FadeIn(block, shift=0.2 * UP), run_time=0.8 * pace)
            self.wait(1.7 * pace)
        self.play(FadeOut(blocks), stage.surface.animate.set_fill(opacity=0.85), run_time=0.8 * pace)

        # -- 3. the 50-step race
        self.next_section("3-race-50-steps")
        clock = ValueTracker(0)
        duration = 8 * pace
        self.add_subcaption("50 steps from (7, 7): SGD and momentum bounce across the ravine; Adam heads down it.",
                            duration=duration)
        race = add_race(self, stage, seed50, clock, lambda t: seed50.steps * min(t / duration, 1), theme, title=False)
        self.begin_ambient_camera_rotation(rate=25 * DEGREES / duration)
        self.play(clock.animate.set_value(duration), run_time=duration, rate_func=linear)
        self.stop_ambient_camera_rotation()

        # -- 4. the 1000-step race
        self.next_section("4-race-1000-steps")
        self.play(*[FadeOut(m) for m in race], run_time=0.6 * pace)
        for m in race:
            m.clear_updaters()
        seed1000 = load_experiment(SEED_1000, "OPTVIZ_EXPERIMENT_1000")
        clock = ValueTracker(0)
        duration = 10 * pace
        self.add_subcaption("1000 steps, early steps slowed down: momentum smooths its path; Adam settles fastest.",
                            duration=duration)
        race = add_race(self, stage, seed1000, clock,
                        lambda t: seed1000.steps * ease(t / duration, "ease-in"), theme, title=False)
        self.play(clock.animate.set_value(duration), run_time=duration, rate_func=linear)

        # -- 5. why not always Adam?
        self.next_section("5-why-not-always-adam")
        self.play(*[FadeOut(m) for m in [*race, title, stage.axes, stage.surface]], run_time=0.8 * pace)
        for m in race:
            m.clear_updaters()
        minima = load_experiment(MINIMA_RUN, "OPTVIZ_EXPERIMENT_MINIMA")
        stage2 = Stage(minima, theme=theme, opacity=0.75, height=2.0)
        self.set_camera_orientation(phi=58 * DEGREES, theta=-100 * DEGREES, zoom=1.15, frame_center=stage2.centre())
        title2 = text("Why not always Adam?", 36, weight="BOLD").to_corner(UR, buff=0.35)
        self.add_fixed_in_frame_mobjects(title2)
        self.add_subcaption("A sharp, deeper minimum beside a wide one. Many starts for each optimizer.",
                            duration=2 * pace)
        self.play(FadeIn(stage2.axes), FadeIn(stage2.surface), Write(title2), run_time=1.2 * pace)
        clock = ValueTracker(0)
        duration = 7 * pace
        self.add_subcaption("Where does each start settle?", duration=duration)
        add_swarm(self, stage2, minima, clock, lambda t: minima.steps * min(t / duration, 1), theme)
        self.play(clock.animate.set_value(duration), run_time=duration, rate_func=linear)
        counts = landing_counts(minima)
        n = minima.position.shape[1]
        rows = VGroup(*[text(f"{label}:  sharp {c['sharp']},  wide {c['wide']}"
                             + (f",  neither {c['neither']}" if c["neither"] else "")
                             + (f",  diverged {c['diverged']}" if c["diverged"] else "") + f"   (of {n})", 26)
                        .set_color(color) for label, c, color in zip(minima.labels, counts, colors_for(minima))])
        rows.arrange(DOWN, aligned_edge=LEFT).to_corner(DOWN + LEFT, buff=0.4)
        self.add_fixed_in_frame_mobjects(rows)
        self.remove(rows)
        self.add_subcaption("Big momentum steps cannot stay in the narrow basin; Adam's scaled steps can.",
                            duration=4 * pace)
        self.play(FadeIn(rows, shift=0.2 * UP), run_time=0.8 * pace)
        self.wait(3.2 * pace)
