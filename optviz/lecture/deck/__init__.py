"""The lecture as a deck a teacher presents: the rendered lecture cut at its beats, a slide a beat.

    rendered    the rendered lecture read back (chapters.json): chapters, slides, notes, loops
    cut         the clips, cut at the beats' keyframes without drawing again; first and last frames
    html        the reveal.js deck (folder or one file), with speaker notes and the live slide
    office      --to pptx (python-pptx) and --to pdf (a handout)

    optviz render --engine manim --scene lecture -o lecture.mp4
    optviz slides -o lecture-deck                 # lecture-deck/index.html
    optviz slides --one-file -o lecture.html      # everything inside one file
    optviz slides --to pptx -o lecture.pptx
    optviz slides --to pdf -o handout.pdf

Nothing is rendered here: the deck reads the lecture's files and never imports torch or manim (the live
slide's page comes in as HTML).
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from ...data.files import atomic_folder, atomic_path, check_folder, check_writable
from ...errors import OptvizError
from .rendered import choose, find_lecture, read_lecture

FORMATS = ("html", "pptx", "pdf")
DEFAULT_OUTPUT = {"html": "lecture-deck", "pptx": "lecture-deck.pptx", "pdf": "lecture-deck.pdf"}
TITLE = "Optimizers, by optviz"


def check_output(to: str, output, one_file: bool) -> Path:
    """Where the deck goes, refused in one line before any work: a folder for the HTML deck (a .html
    file with `one_file`), a .pptx or .pdf file otherwise."""
    if to not in FORMATS:
        raise OptvizError(f"bad --to {to!r}: choose from {', '.join(FORMATS)}")
    if one_file and to != "html":
        raise OptvizError(f"--one-file is for the HTML deck; --to {to} writes one file already")
    out = Path(output or (DEFAULT_OUTPUT[to] + (".html" if one_file else "")))
    if to == "html" and not one_file:
        if out.exists() and not out.is_dir():
            raise OptvizError(f"the deck is a folder and {str(out)!r} is a file: name a folder (-o lecture-deck), "
                              f"or add --one-file for one .html")
        if out.suffix.lower() in (".html", ".htm"):
            raise OptvizError(f"-o {str(out)!r}: the deck is a folder (index.html, clips/); add --one-file for "
                              f"one .html file")
        check_folder(out, "deck folder")
    else:
        want = ".html" if to == "html" else f".{to}"
        if out.suffix.lower() != want:
            raise OptvizError(f"-o {str(out)!r}: --to {to}{' --one-file' * one_file} writes a {want} file")
        if out.is_dir():
            raise OptvizError(f"-o {str(out)!r} is a folder; name the {want} file to write")
        check_writable(out)
    return out


def make_deck(output=None, *, to: str = "html", one_file: bool = False, lecture=None, chapters: str | None = None,
              quality: str | None = None, voice: str | None = None, live_page: str | None = None,
              title: str | None = None, workers: int | None = None, progress=None) -> dict:
    """Cut the rendered lecture (`lecture`, else lecture.mp4 or assets/lecture.mp4) into a deck at
    `output`. `chapters`, `quality`, `voice` are the lecture's options: the chapters to take, and what
    it must have been rendered with. `live_page(race, theme)`: the interactive page's HTML for the live
    slide, given the options of the lecture's first race shot (None when it has none) and the theme the
    lecture was drawn in (the page wears it too).
    `progress(done, total)` hears each clip cut. Returns {"path", "slides", "clips re-encoded", "seconds"}."""
    from .cut import cut
    out = check_output(to, output, one_file)
    found = choose(read_lecture(find_lecture(lecture)), chapters, quality, voice)
    if callable(live_page):
        live_page = live_page(found.race, found.theme) if found.race else None
    title = title or found.title or TITLE   # the lecture file's own, else optviz's
    with tempfile.TemporaryDirectory(prefix="optviz-deck-") as scratch:
        scratch = Path(scratch)
        if to == "html" and not one_file:   # a folder: built beside it, then put in its place
            with atomic_folder(out, "deck folder") as building:
                clips, inexact = cut(found.chapters, building / "clips", workers, progress)
                write_html(found, clips, building, out, one_file, live_page, title)
        else:
            clips, inexact = cut(found.chapters, scratch / "deck" / "clips", workers, progress)
            if to == "html":
                write_html(found, clips, scratch / "deck", out, one_file, live_page, title)
            elif to == "pptx":
                from .office import write_pptx
                with atomic_path(out) as tmp:
                    write_pptx(found, clips, tmp, scratch, title=title)
            else:
                from .office import write_pdf
                with atomic_path(out) as tmp:
                    write_pdf(found, clips, tmp, title=title)
    return {"path": out, "slides": len(found.slides), "clips re-encoded": inexact, "seconds": found.seconds,
            "lecture": found.video}


def write_html(found, clips, building: Path, out: Path, one_file: bool, live_page, title) -> None:
    from .cut import frame_at, save_jpeg
    from .html import copy_assets, data_uri, deck_html
    posters = {s: save_jpeg(frame_at(p, "last"), p.with_suffix(".jpg")) for s, p in clips.items()}
    if one_file:
        sources = {s: data_uri(p) for s, p in clips.items()}
        stills = {s: data_uri(p, "image/jpeg") for s, p in posters.items()}
        with atomic_path(out) as tmp:
            tmp.write_text(deck_html(found, sources, live_page, title=title, one_file=True, posters=stills),
                           encoding="utf-8")
    else:
        sources = {s: f"clips/{p.name}" for s, p in clips.items()}
        stills = {s: f"clips/{p.name}" for s, p in posters.items()}
        copy_assets(building)
        (building / "index.html").write_text(deck_html(found, sources, live_page, title=title, one_file=False,
                                                       posters=stills), encoding="utf-8")
