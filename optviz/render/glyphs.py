"""Text drawn from cached glyph bitmaps: the same pixels as matplotlib's Agg text, sooner.

matplotlib (3.11) draws text one glyph at a time: per glyph it sets the font's size and a transform
(in numpy), has FreeType render the glyph and composites the bitmap. The step counter's fourteen
glyphs took a third of a 3-D frame, every frame, though they are the same glyphs at the same places.
FreeType renders a glyph moved by whole pixels as the same bitmap moved by whole pixels (the move is
applied after hinting), so a glyph's bitmap depends only on its font, size, hinting and where its
origin falls inside a pixel, in FreeType's 1/64 units. `Canvas`'s renderer keeps each such bitmap and
places it again. Rotated or slanted glyphs, and a matplotlib without this drawing path, are drawn by
matplotlib as before.
"""
from __future__ import annotations

import numpy as np
from matplotlib.backends import backend_agg
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg

MAX = 4096   # bitmaps kept (a few per glyph in use); past it the cache starts again
_cache: dict = {}
SUPPORTED = (hasattr(RendererAgg, "_draw_text_glyphs_and_boxes") and hasattr(backend_agg, "get_hinting_flag")
             and hasattr(backend_agg, "RenderMode"))


class CachedGlyphRenderer(RendererAgg):
    def _draw_text_glyphs_and_boxes(self, gc, x, y, angle, glyphs, boxes):
        glyphs = list(glyphs)
        if angle or any(slant or extend != 1 for _, _, _, slant, extend, _, _ in glyphs):
            return super()._draw_text_glyphs_and_boxes(gc, x, y, angle, glyphs, boxes)
        flags, smooth = backend_agg.get_hinting_flag(), gc.get_antialiased()
        for font, size, index, _, _, dx, dy in glyphs:   # dy is upwards, as FreeType's y
            # where matplotlib puts the glyph's origin, in 1/64 pixel: whole pixels, and the phase
            gx, gy = round(0x40 * (x + dx)), round(0x40 * (self.height - y + dy))
            key = (font, size, self.dpi, index, gx & 63, gy & 63, flags, smooth)
            hit = _cache.get(key)
            if hit is None:
                hit = _cache[key] = _render(font, size, self.dpi, index, gx & 63, gy & 63, flags, smooth)
                if len(_cache) > MAX:
                    _cache.clear()
                    _cache[key] = hit
            buffer, left, top = hit
            # matplotlib's placement (draw_text_image's y is downwards, from the bitmap's bottom)
            self._renderer.draw_text_image(buffer, left + (gx >> 6), int(self.height) - top - (gy >> 6)
                                           + buffer.shape[0], 0, gc)
        if boxes:   # mathtext's rules: matplotlib draws them
            super()._draw_text_glyphs_and_boxes(gc, x, y, angle, [], boxes)


def _render(font, size, dpi, index, fx, fy, flags, smooth):
    """The glyph's bitmap with its origin at (fx, fy)/64 of a pixel, as matplotlib has FreeType
    render it, and where its left and top edges fall."""
    font.set_size(size, dpi)
    font._set_transform(np.array([[0x10000, 0], [0, 0x10000]]), [fx, fy])
    bitmap = font._render_glyph(index, flags, backend_agg.RenderMode.NORMAL if smooth else
                                backend_agg.RenderMode.MONO)
    buffer = np.array(bitmap.buffer)
    if not smooth:
        buffer *= 0xff
    return buffer, bitmap.left, bitmap.top


class Canvas(FigureCanvasAgg):
    """An Agg canvas whose renderer draws text from cached glyph bitmaps (where supported)."""

    def get_renderer(self):
        renderer = super().get_renderer()
        if SUPPORTED and type(renderer) is RendererAgg:
            renderer.__class__ = CachedGlyphRenderer
        return renderer
