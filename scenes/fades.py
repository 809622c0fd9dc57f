"""Fading shapes in and out as manim's FadeIn and FadeOut do, without the copies they make.

manim fades a mobject as a Transform: from a faded copy to a copy of itself (FadeIn), or to a faded copy
(FadeOut), each a deep copy of the whole family. For a line of text (a family of sixty glyphs) that is
about 90 ms a FadeIn and 140 ms a FadeOut before a frame is drawn, and a lecture fades dozens of texts.
`Fade` keeps only what the Transform interpolates (each shape's points, colours and stroke widths) at
both ends, the faded end made by manim's own calls (fade, shift, scale) on the mobject itself and then
undone, and interpolates them with manim's own `interpolate`: the same numbers, so the same frames.
`fade_in`/`fade_out` use it for families of plain shapes (VMobjects) that do not update themselves,
manim's fades for anything else (point clouds, images, a step counter).
"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from manim import ORIGIN, Animation, FadeIn, FadeOut, VMobject

# what Transform interpolates between a plain shape's two ends (Mobject.interpolate, VMobject.interpolate_color)
STATE = ("points", "fill_rgbas", "stroke_rgbas", "background_stroke_rgbas", "stroke_width", "background_stroke_width",
         "sheen_direction", "sheen_factor")


def _state(m) -> SimpleNamespace:
    return SimpleNamespace(**{k: np.copy(v) if isinstance(v := getattr(m, k), np.ndarray) else v for k in STATE})


def _put(m, state: SimpleNamespace) -> None:
    for k in STATE:
        setattr(m, k, getattr(state, k))


class Fade(Animation):
    """`mobject` fading in (`appear`: added to the scene first) or out (removed at the end), moving by
    `shift` as it does (in: from `shift` behind its place; out: on by `shift`): manim's FadeIn and
    FadeOut with `shift`. Afterwards the whole family's points and colours are its own again."""

    def __init__(self, mobject, appear: bool, shift=None, **kwargs):
        self.appear = appear
        self.shift = ORIGIN if shift is None else shift
        super().__init__(mobject, introducer=appear, remover=not appear, **kwargs)

    def begin(self) -> None:
        # the whole family is kept and put back, not only the shapes drawn: fade(1) sets the opacity of
        # a group or a Text too, which manim's fades leave as it was (and a Text's is what it reports)
        self.own = [(m, _state(m)) for m in self.mobject.get_family()]
        own = {id(m): state for m, state in self.own}
        members = self.mobject.family_members_with_points()
        # the faded end, as _Fade makes its faded copy, made on the mobject itself and undone
        self.mobject.fade(1)
        self.mobject.shift(self.shift * (-1 if self.appear else 1))
        self.mobject.scale(1)
        faded = [_state(m) for m in members]
        for m, state in self.own:
            _put(m, state)
        self.ends = [(m, f, own[id(m)]) if self.appear else (m, own[id(m)], f) for m, f in zip(members, faded)]
        super().begin()

    def create_starting_mobject(self):
        return self.mobject   # nothing copied: the ends kept in begin() are what the fade runs between

    def interpolate_mobject(self, alpha: float) -> None:
        a = self.rate_func(alpha)   # as manim's own animations apply it (no lag between members)
        for m, start, end in self.ends:
            m.interpolate(start, end, a)

    def clean_up_from_scene(self, scene) -> None:
        super().clean_up_from_scene(scene)
        for m, state in self.own:
            _put(m, state)


def plain(mobject) -> bool:
    """Whether Fade fades the mobject as manim would: every member of the family that is drawn is a
    plain shape (a VMobject), and none updates itself. (manim's fade copies the family updaters and
    all, and its copy goes on updating, a step counter counting, until the fade's window opens; Fade's
    ends are fixed when the play begins.)"""
    return not mobject.get_family_updaters() and \
        all(isinstance(m, VMobject) for m in mobject.family_members_with_points())


def fade_in(mobject, shift=None):
    """The mobject fading in: Fade for plain shapes, else manim's FadeIn."""
    return Fade(mobject, True, shift=shift) if plain(mobject) else FadeIn(mobject, shift=shift)


def fade_out(mobject, shift=None):
    """The mobject fading out: Fade for plain shapes, else manim's FadeOut."""
    return Fade(mobject, False, shift=shift) if plain(mobject) else FadeOut(mobject, shift=shift)
