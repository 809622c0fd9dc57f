"""Where a lecture's texts go, for any text a teacher writes: each shot kind has a region of the frame
for its texts; they stack in it, top down, wrapped to its width, at the largest size (up to the
kind's own) at which all of a shot's texts fit at once, so nothing moves when a later one appears.

Sizes are manim font sizes; lengths are manim frame units (the frame is 14.22 x 8, centred on 0, y up;
135 units... of pixels at 1080p: 1 unit = 135 px). Text widths are measured with FreeType on the font
the scenes draw with (DejaVu Sans), calibrated to manim's Pango (within 2 % here), so `optviz lecture
check` can say which line will not fit without drawing anything; the scenes use the same layout and
shrink a text that still comes out wider than its region.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

FRAME_W, FRAME_H = 14.222222222222221, 8.0
PX = 1080 / FRAME_H            # pixels per frame unit at 1080p
EM_PER_SIZE = 0.0130046        # frame units of one em ("Hg", ascender to descender) per manim font size
LINE = 1.0413                  # a line's pitch in ems (two lines of Text are this far apart)
MIN_EM_PX = 18                 # the least em of any text at 1080p
EDGE = 0.35                    # frame units kept from the frame's edge (47 px; the rule is 16 px)
GAP = 0.3                      # between two texts
MIN_SIZE = MIN_EM_PX / (EM_PER_SIZE * PX)   # about 10.3


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float   # bottom
    x1: float
    y1: float   # top

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass(frozen=True)
class Placed:
    text: str       # wrapped: lines joined by newlines
    size: float     # manim font size
    x: float        # left edge
    top: float      # top edge
    height: float
    bold: bool = False


def font_path(bold: bool) -> str:
    """The file of the font the scenes draw texts in (DejaVu Sans, as matplotlib ships it)."""
    from matplotlib import font_manager
    return font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans", weight="bold" if bold else "normal"))


@functools.lru_cache(maxsize=2)
def _font(bold: bool):
    from PIL import ImageFont
    font = ImageFont.truetype(font_path(bold), 100)
    _, top, _, bottom = font.getbbox("Hg")
    return font, bottom - top


def width(text: str, size: float, bold: bool = False) -> float:
    """Frame units a line of `text` takes at manim font size `size`."""
    font, em = _font(bold)
    return font.getlength(text) / em * size * EM_PER_SIZE


def em(size: float) -> float:
    return size * EM_PER_SIZE


def wrap(text: str, size: float, room: float, bold: bool = False) -> list[str]:
    """Greedy word wrap to `room` frame units (a word longer than the room stays whole)."""
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}" if line else word
        if line and width(trial, size, bold) > room:
            lines.append(line)
            line = word
        else:
            line = trial
    return lines + ([line] if line else [])


def gap(size: float) -> float:
    """Between two texts: GAP at the usual sizes, and as much of an em as that is at TEXT_SIZE below it
    (texts shrunk to fit a full column keep their proportions, and shrink less)."""
    return min(GAP, GAP * size / TEXT_SIZE)


def block_height(n_lines: int, size: float) -> float:
    return em(size) * (1 + LINE * (n_lines - 1))


def stack(texts: list[str], box: Box, size: float, bold=()) -> tuple[list[Placed], int | None]:
    """Texts stacked in `box` from its top at the largest size from `size` down to MIN_SIZE at which all
    fit; (placed, None), or (placed at the least size, index of the first that does not fit)."""
    s = float(size)
    while True:
        placed, top, bad = [], box.y1, None
        for k, t in enumerate(texts):
            b = k in bold
            lines = wrap(t, s, box.width, b)
            h = block_height(len(lines), s)
            if bad is None and (top - h < box.y0 - 1e-9 or max(width(ln, s, b) for ln in lines) > box.width + 1e-9):
                bad = k
            placed.append(Placed("\n".join(lines), s, box.x0, top, h, b))
            top -= h + gap(s)
        if bad is None or s <= MIN_SIZE + 1e-9:
            return placed, bad
        s = max(MIN_SIZE, s - 1)


# ---- the regions ------------------------------------------------------------------------------------

LEFT, RIGHT, TOP, BOTTOM = -FRAME_W / 2 + EDGE, FRAME_W / 2 - EDGE, FRAME_H / 2 - EDGE, -FRAME_H / 2 + EDGE
TITLE_SIZE, CARD_SIZE, TEXT_SIZE, BIG_SIZE = 34, 44, 28, 32
COLUMN = 1.9        # the left edge of the text column beside a stage or a map
MAP_RIGHT = 0.9     # a 2-D map's right edge
STAGE_COLUMN = 2.3  # the left edge of the text column beside a 3-D stage


def title_box(kind: str | None) -> Box:
    """The chapter's title: across the top (a title card: the middle of the frame)."""
    if kind is None:
        return Box(LEFT + 0.6, -1.0, RIGHT - 0.6, 2.2)
    return Box(LEFT, TOP - 2.0, RIGHT if kind in ("text",) else RIGHT - 0.2, TOP)


def title(text: str, kind: str | None) -> Placed:
    box = title_box(kind)
    placed, _ = stack([text], box, CARD_SIZE if kind is None else TITLE_SIZE, bold=(0,))
    return placed[0]


def text_box(kind: str | None, options: dict, title_bottom: float) -> Box:
    """The region a shot's texts stack in, below the title."""
    top = title_bottom - 0.35
    if kind is None:   # the title card's texts: under the centred title
        return Box(LEFT + 0.6, BOTTOM + 0.3, RIGHT - 0.6, top)
    if kind == "text" or (kind == "landscape" and not options.get("slice", True)):
        return Box(LEFT + 0.4, BOTTOM + 0.3, RIGHT - 0.4, top)
    if kind == "rule":   # beside the map, above the live values
        return Box(COLUMN, BOTTOM + VALUES_ROOM, RIGHT, top)
    if kind == "race" and options.get("view") == "2d":   # beside the map, above its legend
        return Box(COLUMN, BOTTOM + LEGEND_ROOM, RIGHT, top)
    return Box(STAGE_COLUMN, BOTTOM + LEGEND_ROOM, RIGHT, top)   # beside a stage, above its legend


VALUES_ROOM = 2.9   # the rule's live values (or its comparison plot) take the column's bottom
LEGEND_ROOM = 2.0   # a map's legend takes the column's bottom


def size_for(kind: str | None, options: dict) -> int:
    if kind is None:
        return TEXT_SIZE + 2
    return BIG_SIZE if kind == "text" or (kind == "landscape" and not options.get("slice", True)) else TEXT_SIZE


def shot_texts(kind: str | None, options: dict, chapter_title: str, texts: list[str], bold=()) -> tuple:
    """(title, [Placed] for the shot's texts in order, index of the first that does not fit or None)."""
    head = title(chapter_title, kind)
    placed, bad = stack(texts, text_box(kind, options, head.top - head.height), size_for(kind, options), bold)
    return head, placed, bad
