"""The deck as HTML on reveal.js (shipped in web/reveal, MIT, its license kept beside it): a title slide,
then a section a chapter with a slide a beat (its clip, its narration as speaker notes), and the live
slide (the interactive page of the seed's race) after the race chapter. Either a folder (index.html,
clips/, reveal/) or one file with everything inlined (`one_file`); it works offline both ways.
"""
from __future__ import annotations

import base64
import html
from pathlib import Path

from .rendered import RenderedLecture

WEB = Path(__file__).parent / "web"
STYLES = ("reveal/reset.css", "reveal/reveal.css", "reveal/black.css", "deck.css")
SCRIPTS = ("reveal/reveal.js", "reveal/notes.js", "deck.js")
LIVE_AFTER = "race"     # the chapter the live slide follows (else it ends the deck)


def title_slide(title: str, lecture: RenderedLecture) -> str:
    minutes, seconds = divmod(round(lecture.seconds), 60)
    n = len(lecture.chapters)
    return f"""<section class="title-slide" data-state="title">
<h1>{html.escape(title)}</h1>
<p>{n} chapter{"s" * (n != 1)}, {len(lecture.slides)} slides, {minutes}:{seconds:02d} of narrated video.
Each slide plays its part once and holds its last frame; the next one waits for you.</p>
<p><b>Click anywhere, or press <kbd>&rarr;</kbd>, to start:</b> browsers play sound only after a click or a key.</p>
<p class="keys"><kbd>&rarr;</kbd> <kbd>space</kbd> <kbd>PgDn</kbd> next &nbsp; <kbd>&larr;</kbd> back &nbsp;
<kbd>S</kbd> speaker notes (a second window) &nbsp; <kbd>F</kbd> full screen &nbsp; <kbd>Esc</kbd> overview</p>
<aside class="notes">Start the deck with a click or the right arrow: that first gesture lets the browser play the
narration. Each slide's notes are the words its clip says.</aside>
</section>"""


def beat_slide(slide, src: str, poster: str | None = None) -> str:
    loop = " data-loop" if slide.loop else ""
    # the poster (the beat's last frame) is what the slide shows before it plays: in the overview, and
    # while a browser waits for the first click
    still = f' poster="{html.escape(poster)}"' if poster else ""
    return (f'<section class="beat" id="s{slide.name}" data-slide="{slide.name}"{loop}>'
            f'<video class="clip" data-src="{html.escape(src)}"{still} preload="auto" playsinline></video>'
            f'<aside class="notes">{html.escape(slide.notes)}</aside></section>')


def live_slide(page: str) -> str:
    return ('<section class="live" data-state="live"><h2>Your turn: drop a ball, change a learning rate</h2>'
            '<p class="hint">Click the map to start all three from there; the sliders set each optimizer. '
            '<kbd>Esc</kbd> hands the keys back to the deck, <kbd>PgDn</kbd> goes on.</p>'
            f'<iframe class="live" title="the seed race, live" srcdoc="{html.escape(page, quote=True)}"></iframe>'
            '<aside class="notes">The page runs the three optimizers in the browser, step by step, from the point '
            'clicked, with the settings on its sliders: ask the room what a learning rate of 1 would do, then try '
            'it.</aside></section>')


def deck_html(lecture: RenderedLecture, sources: dict, live_page: str | None, *, title: str, one_file: bool,
              posters: dict | None = None) -> str:
    """The deck's index.html; `sources` maps each slide to its clip's URL (a relative path, or a data:
    URI when `one_file`), `posters` to its last frame's; `live_page` is the interactive page's HTML
    (None: no live slide)."""
    sections, placed, posters = [], live_page is None, posters or {}
    for c in lecture.chapters:
        beats = [beat_slide(s, sources[s], posters.get(s)) for s in c.slides]
        if c.key == LIVE_AFTER and not placed:
            beats.append(live_slide(live_page))
            placed = True
        sections.append(f'<section data-chapter="{c.number}" data-title="{html.escape(c.title)}">\n'
                        + "\n".join(beats) + "\n</section>")
    if not placed:
        sections.append(f"<section>{live_slide(live_page)}</section>")
    if one_file:
        head = "\n".join(f"<style>{(WEB / s).read_text(encoding='utf-8')}</style>" for s in STYLES)
        tail = "\n".join(f"<script>{(WEB / s).read_text(encoding='utf-8')}</script>" for s in SCRIPTS)
    else:
        head = "\n".join(f'<link rel="stylesheet" href="{s}">' for s in STYLES)
        tail = "\n".join(f'<script src="{s}"></script>' for s in SCRIPTS)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="optviz slides">
<title>{html.escape(title)}</title>
{head}
</head><body>
<div class="reveal"><div class="slides">
<section>{title_slide(title, lecture)}</section>
{chr(10).join(sections)}
</div></div>
{tail}
</body></html>
"""


def data_uri(path: Path, mime: str = "video/mp4") -> str:
    return f"data:{mime};base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


def copy_assets(folder: Path) -> None:
    """reveal.js (with its license) and the deck's own script and style, beside index.html."""
    import shutil
    (folder / "reveal").mkdir(parents=True, exist_ok=True)
    for f in (WEB / "reveal").iterdir():
        shutil.copyfile(f, folder / "reveal" / f.name)
    for name in ("deck.css", "deck.js"):
        shutil.copyfile(WEB / name, folder / name)
