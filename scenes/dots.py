"""Round dots for point clouds: a `RoundDots` cloud is drawn by cairo as anti-aliased discs of a fixed
size in pixels at 1080p (scaled with the frame's height, so a preview looks like the final render),
each ringed thinly in a contrasting colour so that neighbours stay apart on the surface.

manim's camera draws a point cloud as aliased squares `stroke_width` pixels wide whatever the frame's
size: a swarm of hundreds of balls read as grit at 1080p. Importing this module teaches the 3-D camera
the new kind; every other point cloud draws as before.
"""
from __future__ import annotations

import math

import numpy as np
from manim import PMobject, ThreeDCamera
from manim.utils.color import ManimColor


class RoundDots(PMobject):
    """A point cloud of discs `diameter` pixels across at 1080p; `ring` is the colour of their edge."""

    def __init__(self, diameter: float = 14.0, ring="#000000", **kwargs):
        super().__init__(**kwargs)
        self.diameter = float(diameter)
        self.ring = ManimColor(ring).to_rgb()

    def fade(self, darkness: float = 0.5, family: bool = True):
        """Fade the dots out (manim's point clouds ignore a fade, so a FadeOut left a swarm on screen
        after everything else had gone)."""
        self.rgbas[:, 3] *= 1.0 - darkness
        return super().fade(darkness, family)

    def radius_in_frame(self, frame_height: float) -> float:
        """The disc's radius in frame units (1080 pixels span the frame's height at 1080p)."""
        return self.diameter / 2 * frame_height / 1080


def draw_round_dots(camera, dots: RoundDots, pixel_array) -> None:
    """Fill one disc per point, all of one colour in one path (a cloud is one optimizer's colour)."""
    if not len(dots.points):
        return
    pts = camera.transform_points_pre_display(dots, dots.points)
    ctx = camera.get_cairo_context(pixel_array)
    r = dots.radius_in_frame(camera.frame_height)
    ring = r * 0.18
    rgbas = dots.rgbas if len(dots.rgbas) == len(pts) else np.repeat(dots.rgbas[:1], len(pts), 0)
    keys = [tuple(c) for c in np.round(rgbas, 4)]
    for color in dict.fromkeys(keys):
        ctx.new_path()
        for (x, y, _), key in zip(pts, keys):
            if key == color:
                ctx.move_to(x + r, y)
                ctx.arc(x, y, r, 0, 2 * math.pi)
        # the pixel array is RGBA, which cairo's ARGB32 reads as BGRA: colours go in reversed, as manim's own
        ctx.set_source_rgba(*color[2::-1], color[3])
        ctx.fill_preserve()
        ctx.set_source_rgba(*dots.ring[::-1], 0.55 * color[3])
        ctx.set_line_width(ring)
        ctx.stroke()


_plain = ThreeDCamera.display_multiple_point_cloud_mobjects


def _display_point_clouds(self, pmobjects, pixel_array):
    rest = []
    for m in pmobjects:
        if isinstance(m, RoundDots):
            draw_round_dots(self, m, pixel_array)
        else:
            rest.append(m)
    if rest:
        _plain(self, rest, pixel_array)


ThreeDCamera.display_multiple_point_cloud_mobjects = _display_point_clouds
