"""Text drawn from cached glyph bitmaps: the same pixels as matplotlib's Agg text, sooner.

matplotlib (3.11) draws text one glyph at a time: per glyph it sets the font's size and a transform
(in numpy), has FreeType render the glyph and composites the bitmap. The step counter's fourteen
glyphs took a third of a 3-D frame, every frame, though they are the same glyphs at the same places.
FreeType renders a glyph moved by whole pixels as the same bitmap moved by whole pixels (the move is
applied after hinting), so a glyph's bitmap depends only on its font, size, hinting and where its
origin falls inside a pixel, in FreeType's 1/64 units. `Canvas`'s renderer keeps each such bitmap and
places it again. Rotated or slanted glyphs, and a matplotlib without this drawing path, are drawn by
matplotlib as before.

A text's metrics and layout (HarfBuzz shaping and FreeType hinting of every glyph, 0.7 ms for the
step counter's fourteen) can also be computed ahead, by `prime` in a process with time to spare (a
first render waiting for its runs): the very calls Agg's renderer makes, for the very strings, font,
size and dpi, kept where the renderer finds them; a string nobody primed is measured as before.
"""
from __future__ import annotations

import matplotlib
import numpy as np
from matplotlib.backends import backend_agg
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.font_manager import fontManager, get_font

MAX = 4096   # bitmaps kept (a few per glyph in use); past it the cache starts again
_cache: dict = {}
_primed: dict = {}   # _text_key -> ((width, height, descent), [(font file, glyph index, x, y)])
SUPPORTED = (hasattr(RendererAgg, "_draw_text_glyphs_and_boxes") and hasattr(backend_agg, "get_hinting_flag")
             and hasattr(backend_agg, "RenderMode"))


def _text_key(s: str, prop, dpi: float):
    """Everything Agg's metrics and layout of a plain (not math) string depend on."""
    return (s, prop, dpi, backend_agg.get_hinting_flag(), matplotlib.rcParams["text.hinting_factor"],
            tuple(fontManager._find_fonts_by_props(prop)))


def prime(texts, prop, dpi: float, until=lambda: False) -> None:
    """Measure and lay out `texts` in font `prop` at `dpi` now, as Agg's renderer would when drawing
    them (its own calls: `get_text_width_height_descent`, then `draw_text`'s layout), stopping as soon
    as `until()` says the time to spare is over."""
    if not SUPPORTED:
        return
    renderer, prop = RendererAgg(1, 1, dpi), prop.copy()   # a key of its own: the caller's may change
    # a Text hands the renderer its lines one by one; math ($...$) is measured another way
    for s in dict.fromkeys(line for text in texts for line in text.split("\n") if "$" not in line):
        if until():
            return
        key = _text_key(s, prop, dpi)
        if key in _primed or not s:
            continue
        metrics = RendererAgg.get_text_width_height_descent(renderer, s, prop, False)
        font = renderer._prepare_font(prop)
        items = font._layout(s, flags=backend_agg.get_hinting_flag(), features=None, language=None)
        _primed[key] = (metrics, [(item.ft_object.fname, item.glyph_index, item.x, item.y) for item in items])


class CachedGlyphRenderer(RendererAgg):
    def get_text_width_height_descent(self, s, prop, ismath):
        hit = None if ismath or not _primed else _primed.get(_text_key(s, prop, self.dpi))
        return hit[0] if hit else super().get_text_width_height_descent(s, prop, ismath)

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        hit = None
        if not ismath and _primed and (mtext is None or (mtext.get_fontfeatures() is None and
                                                         mtext.get_language() is None)):
            hit = _primed.get(_text_key(s, prop, self.dpi))
        if hit is None:
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        font = self._prepare_font(prop)   # as draw_text would: the primary font, its size set
        fonts = {font.fname: font}
        size = prop.get_size_in_points()
        glyphs = [(fonts.get(path) or fonts.setdefault(path, get_font(path)), size, index, 0, 1, gx, gy)
                  for path, index, gx, gy in hit[1]]
        self._draw_text_glyphs_and_boxes(gc, x, y, angle, glyphs, [])

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
