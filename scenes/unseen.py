"""Nothing drawn for a shape that cannot be seen: a vectorized mobject whose fill and strokes are all
fully transparent (faded out) is skipped instead of pathed and painted.

manim draws every mobject it holds on every frame that redraws them, whatever its opacity: a shot that
fades its stage out early in a beat while a clock runs to the beat's end (a landscape's numbers) paints
every face of the vanished surface, at opacity 0, on every remaining frame. Painting with alpha 0 under
cairo's OVER operator leaves each pixel as it was, so skipping it gives the same picture, sooner.
"""
from __future__ import annotations

import numpy as np
from manim.camera.camera import Camera

_display_vectorized = Camera.display_vectorized


def invisible(vmobject) -> bool:
    """True when neither the fill nor a stroke (of non-zero width) of `vmobject` has any opacity."""
    if np.any(vmobject.get_fill_opacities() > 0):
        return False
    for background in (False, True):
        if vmobject.get_stroke_width(background) != 0 and np.any(vmobject.get_stroke_opacities(background) > 0):
            return False
    return True


def display_vectorized(self, vmobject, ctx):
    if invisible(vmobject):
        return self
    return _display_vectorized(self, vmobject, ctx)


Camera.display_vectorized = display_vectorized
