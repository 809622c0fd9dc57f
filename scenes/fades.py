"""Fading shapes in and out by their opacities alone, without the copies manim's FadeIn and FadeOut make.

manim fades a mobject as a Transform: from a faded copy to a copy of itself (FadeIn), or to a faded copy
(FadeOut), each a deep copy of the whole family. For a line of text (a family of sixty glyphs) that is
about 90 ms a FadeIn and 140 ms a FadeOut before a frame is drawn, and a lecture fades dozens of texts.
`Fade` draws the same fade: each shape's fill and edge opacities scaled by the fade's progress, the
points slid by the shift, as the Transform interpolates them (equal up to float rounding), from arrays
kept at the start and put back at the end. `fade_in`/`fade_out` use it for families of plain shapes
(VMobjects) and manim's own fades for anything else (point clouds, images).
"""
from __future__ import annotations

import numpy as np
from manim import Animation, FadeIn, FadeOut, VMobject


class Fade(Animation):
    """`mobject` fading in (`appear`: added to the scene first) or out (removed at the end), moving by
    `shift` as it does (in: from `shift` behind its place; out: on by `shift`), as manim's FadeIn and
    FadeOut with `shift`. The family's opacities (and points) are its own again at the end."""

    def __init__(self, mobject, appear: bool, shift=None, **kwargs):
        self.appear = appear
        self.shift = None if shift is None or not np.any(shift) else np.asarray(shift, float)
        super().__init__(mobject, introducer=appear, remover=not appear, **kwargs)

    def begin(self) -> None:
        self.kept = [(m, m.points.copy(), m.fill_rgbas.copy(), m.stroke_rgbas.copy(),
                      m.background_stroke_rgbas.copy()) for m in self.mobject.family_members_with_points()]
        super().begin()

    def create_starting_mobject(self):
        return self.mobject   # nothing to interpolate from: the opacities kept in begin() are the start

    def interpolate_mobject(self, alpha: float) -> None:
        a = self.rate_func(alpha)   # as manim's own animations apply it (no lag between members)
        seen = a if self.appear else 1.0 - a
        for m, points, fill, stroke, back in self.kept:
            m.fill_rgbas, m.stroke_rgbas, m.background_stroke_rgbas = (_scaled(c, seen) for c in (fill, stroke, back))
            if self.shift is not None:
                m.points = points - (1.0 - a) * self.shift if self.appear else points + a * self.shift

    def clean_up_from_scene(self, scene) -> None:
        super().clean_up_from_scene(scene)
        for m, points, fill, stroke, back in self.kept:
            m.points, m.fill_rgbas, m.stroke_rgbas, m.background_stroke_rgbas = points, fill, stroke, back


def _scaled(rgbas: np.ndarray, k: float) -> np.ndarray:
    out = rgbas.copy()
    out[:, 3] *= k
    return out


def plain(mobject) -> bool:
    """Whether every member of the family that is drawn is a plain shape (a VMobject): what Fade fades."""
    return all(isinstance(m, VMobject) for m in mobject.family_members_with_points())


def fade_in(mobject, shift=None):
    """The mobject fading in: Fade for plain shapes, else manim's FadeIn."""
    return Fade(mobject, True, shift=shift) if plain(mobject) else FadeIn(mobject, shift=shift)


def fade_out(mobject, shift=None):
    """The mobject fading out: Fade for plain shapes, else manim's FadeOut."""
    return Fade(mobject, False, shift=shift) if plain(mobject) else FadeOut(mobject, shift=shift)
