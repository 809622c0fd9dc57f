"""A 3-D stage fading in or out as one picture: its surface drawn once, then blended into each frame.

manim fades a surface face by face: every frame of a one-second fade interpolates, shades and paints
each of its hundreds of faces at the frame's opacity, about as long as ten frames of balls rolling on
it. A shot's stage comes and goes with the camera still, so the surface looks the same on every frame
of its fade but for its opacity: `FadeStage` (and `fade_out`) draw it once, at full opacity, on a
transparent canvas (at the first frame the fade is drawn; a part that skips the fade draws nothing),
and each frame paints that canvas with the fade's opacity (cairo, premultiplied: the surface fades as
one layer, its far faces not showing through its near ones on the way). The layer is drawn where the
surface's faces are, before everything else the frame holds.

A shot's closing beat fades out everything it showed the same way (`FadeAway`): one picture of it all,
drawn once, painted at the fade's opacity on each frame (a chapter's last frames cost what a still
frame costs, not what redrawing every glyph and face at a new opacity does).
"""
from __future__ import annotations

import cairo
import numpy as np
from manim import Animation, VMobject
from manim.camera.camera import Camera
import fades


class Layer(VMobject):
    """Stands in for `surface` (a mobject, or a list drawn in order) while it fades: drawn as the
    picture of it (`picture`), at `opacity`."""

    def __init__(self, surface, camera):
        super().__init__()
        self.set_points_as_corners(np.zeros((2, 3)))   # manim draws only what has points
        self.optviz_layer, self.surface, self.camera, self.opacity = True, surface, camera, 0.0
        self.canvas = self.picture = None

    def draw(self, ctx) -> None:
        if self.picture is None:
            self.canvas, self.picture = snapshot(self.camera, self.surface)
        if self.opacity > 0:
            ctx.save()
            ctx.identity_matrix()
            ctx.set_source_surface(self.picture, 0, 0)
            ctx.paint_with_alpha(float(min(self.opacity, 1.0)))
            ctx.restore()


def snapshot(camera, mobject):
    """(canvas, cairo surface over it): `mobject` (or a list of them) alone as `camera` draws it now,
    on transparent pixels."""
    keep = camera.pixel_array
    canvas = np.zeros_like(keep)
    camera.pixel_array = canvas
    try:
        camera.capture_mobjects(list(mobject) if isinstance(mobject, (list, tuple)) else [mobject])
    finally:
        camera.pixel_array = keep
        # manim keeps a drawing context per pixel array by its id, which a later array could reuse
        camera.pixel_array_to_cairo_context.pop(id(canvas), None)
    h, w = canvas.shape[:2]
    return canvas, cairo.ImageSurface.create_for_data(canvas.data, cairo.FORMAT_ARGB32, w, h)


class FadeStage(Animation):
    """The surface (a mobject, or a list of them) fading in (`appear`) or out as a Layer; afterwards
    the surface itself is in the scene (in) or gone (out)."""

    def __init__(self, surface, camera, appear: bool, **kwargs):
        self.surface, self.appear = surface, appear
        self.members = list(surface) if isinstance(surface, (list, tuple)) else [surface]
        super().__init__(Layer(surface, camera), **kwargs)

    def create_starting_mobject(self):
        return self.mobject   # nothing to interpolate from (a copy would copy the surface)

    def _setup_scene(self, scene) -> None:
        scene.remove(*self.members)
        scene.add(self.mobject)   # where it is listed does not matter: the 3-D camera draws a layer first

    def interpolate_mobject(self, alpha: float) -> None:
        alpha = self.rate_func(alpha)   # as manim's own animations apply it, per (sub)mobject
        self.mobject.opacity = alpha if self.appear else 1.0 - alpha

    def clean_up_from_scene(self, scene) -> None:
        super().clean_up_from_scene(scene)
        scene.remove(self.mobject)
        if self.appear:
            scene.add(*self.members)
            scene.bring_to_back(*self.members)


def FadeAway(mobjects, camera, **kwargs) -> FadeStage:
    """Everything a shot showed leaving as one picture, as a stage's surface fades out: drawn once as
    the camera draws it now (at the first frame of the fade), then painted at the fade's opacity on
    each frame, where fading each of them (the surface's faces, every glyph of every text, the balls)
    redrew them all on every frame. Like a video's fade, what overlaps fades as one: a ball does not
    show the surface through it on the way out. Afterwards they are gone from the scene."""
    return FadeStage(list(mobjects), camera, appear=False, **kwargs)


def fade_out(mobject, camera):
    """fades.fade_out, or FadeStage for a 3-D stage's surface (a shot's closing beat fades out all it showed)."""
    return FadeStage(mobject, camera, False) if getattr(mobject, "optviz_stage", False) else fades.fade_out(mobject)


_display_vectorized = Camera.display_vectorized


def display_vectorized(self, vmobject, ctx):
    if getattr(vmobject, "optviz_layer", False):
        vmobject.draw(ctx)
        return self
    return _display_vectorized(self, vmobject, ctx)


Camera.display_vectorized = display_vectorized
