"""The deck for PowerPoint and on paper: a PPTX (python-pptx, the `slides` extra) with a slide a beat, its
clip as a movie whose poster is its last frame (what the beat ends on: a beat whose things enter
during it starts on an empty, often black, frame, which is what PowerPoint's and Impress's slide view
would show) and its narration as the notes; and a PDF handout
(matplotlib) with a page a slide: its last frame and what is said over it.
"""
from __future__ import annotations

import textwrap
from pathlib import Path

from .cut import frame_at, save_png
from .rendered import RenderedLecture

WIDE = (13.333, 7.5)      # inches: PowerPoint's 16:9


def write_pptx(lecture: RenderedLecture, clips: dict, target: Path, scratch: Path, *, title: str) -> Path:
    from ...extras import require
    require("slides", feature="--to pptx (python-pptx)")
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(WIDE[0]), Inches(WIDE[1])
    deck.core_properties.title = title
    blank = deck.slide_layouts[6]
    for c in lecture.chapters:
        for s in c.slides:
            slide = deck.slides.add_slide(blank)
            slide.name = f"{c.number}.{s.beat} {c.title}"
            poster = save_png(frame_at(clips[s], "last"), scratch / f"{s.name}-last.png")
            slide.shapes.add_movie(str(clips[s]), 0, 0, deck.slide_width, deck.slide_height,
                                   poster_frame_image=str(poster), mime_type="video/mp4")
            slide.notes_slide.notes_text_frame.text = s.notes
    deck.save(str(target))
    return target


def handout_page(chapter, slide, clip: Path, title: str):
    """A4 landscape: chapter and beat above, the clip's last frame, its narration below."""
    from matplotlib.figure import Figure
    fig = Figure(figsize=(11.69, 8.27))
    fig.text(0.05, 0.95, f"{chapter.number}.{slide.beat}  {chapter.title}", fontsize=14, weight="bold", va="top")
    fig.text(0.95, 0.95, title, fontsize=9, color="0.4", ha="right", va="top")
    ax = fig.add_axes((0.05, 0.28, 0.9, 0.62))
    ax.imshow(frame_at(clip, "last"), interpolation="antialiased")
    ax.set_axis_off()
    notes = "\n".join(textwrap.wrap(slide.notes, 120)) if slide.notes else "(no narration: the picture holds)"
    fig.text(0.05, 0.24, notes, fontsize=11, va="top")
    fig.text(0.95, 0.03, slide.name, fontsize=8, color="0.5", ha="right")
    return fig


def write_pdf(lecture: RenderedLecture, clips: dict, target: Path, *, title: str) -> Path:
    """The handout: a page a slide (`handout_page`)."""
    from matplotlib.backends.backend_pdf import PdfPages
    with PdfPages(target, metadata={"Title": title, "Creator": "optviz slides"}) as pdf:
        for c in lecture.chapters:
            for s in c.slides:
                pdf.savefig(handout_page(c, s, clips[s], title))
    return target
