"""The lecture file as a blog post: `optviz article FILE.md -o post/`.

    model       the plan (the same one the video is rendered from) read as sections of paragraphs,
                callouts and figures
    figures     each shot's figures, drawn by optviz's renderers from its cached runs
    html        post/index.html: one page, offline, in the lecture's theme
    markdown    post/post.md: CommonMark for a static site, the front matter carried over

    post/index.html  post/post.md  post/figures/NN-SHOT.gif|.mp4|.png  post/figures/live.html

The folder is built beside its target and put in its place when complete: a failure leaves what was
there before, never half a post. A figure, once drawn, is kept in optviz's cache (`article/`) under a
hash of all it is drawn from (its shot, its runs, the format and look, the renderers' code): writing
the post again after an edit draws only the figures the edit changed.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from ...cache import cache_dir, digest, sources_digest
from ...data.files import atomic_folder, check_folder, counted
from ...errors import OptvizError
from ..files import data_digest, load_data
from .figures import FORMATS, Drawn, draw
from .model import LIVE, Figure, about, article_of, first_race, has_figure


def check_args(output, figures: str, theme: str | None) -> Path:
    """What the command was given, refused in one line before anything runs."""
    from ...render.style import THEMES
    if figures not in FORMATS:
        raise OptvizError(f"bad --figures {figures!r}: choose from {', '.join(FORMATS)}")
    if theme is not None and theme not in THEMES:
        raise OptvizError(f"bad --theme {theme!r}: choose from {', '.join(THEMES)}")
    return check_folder(Path(output), "post folder")


def drawn_from() -> str:
    """The code a figure comes from: the renderers and this package."""
    here = Path(__file__).resolve().parent
    return sources_digest(here.parents[1] / "render", here)


def figure_files(shot, data, folder: Path, stem: str, store: Path | None, code: str = "", **how) -> tuple[list, bool]:
    """`shot`'s figures in `folder` (see figures.draw): copied from `store` when drawn before from the
    same shot, runs, look and `code` (drawn_from()), else drawn and kept there. Returns (the Drawn,
    whether they were drawn)."""
    if store is None:
        return draw(shot, data, folder, stem, **how), True
    how_key = {k: v for k, v in how.items() if k != "workers"}
    entry = store / digest(shot.kind, shot.options, data_digest(shot.data), stem, how_key, code)
    fresh = not (entry / "drawn.txt").exists()
    if fresh:
        with atomic_folder(entry, "figure cache entry") as tmp:
            done = draw(shot, data, tmp, stem, **how)
            (tmp / "drawn.txt").write_text("\n".join(f"{d.src}\t{d.poster}" for d in done))
    done = [Drawn(*line.split("\t")) for line in (entry / "drawn.txt").read_text().splitlines()]
    for d in done:
        for name in filter(None, (d.src, d.poster)):
            shutil.copyfile(entry / name, folder / name)
    return done, fresh


def write_article(source=None, output="post", *, figures: str = "gif", live_page=None, theme: str | None = None,
                  max_size="2MB", workers=None, cache: bool = True, report=lambda line: None, progress=None,
                  computing=None, warn=None) -> dict:
    """Write the lecture file `source` (None: the built-in one) as a post into the folder `output`.
    `live_page(race_options, theme)`: the interactive page's HTML for the first race (None: no live
    figure). `cache`: keep figures drawn, and reuse them. `progress(done, total)` hears each shot drawn,
    `computing(done, total)` each shot's runs ready, `report` and `warn` what `runs.prepare` says.
    Returns {"path", "figures", "bytes", "live", "no_live" (why not: "not asked", "no race", "not runnable"),
    "drawn": the shots whose figures were drawn, "kept": those whose figures were drawn before}."""
    from ...render.style import THEMES
    from ..runs import prepare
    from .html import page_html
    from .markdown import post_md
    out = check_args(output, figures, theme)
    lecture = prepare(source, report=report, progress=computing, warn=warn)
    theme = theme or lecture.meta.get("theme") or "light"   # the file's own: checked by prepare
    race = first_race(lecture.plan)
    page = live_page(race.options, theme) if race is not None and live_page is not None else None
    data = {s.name: load_data(s.data) for c in lecture.plan for s in c.shots if has_figure(s)}
    sections = article_of(lecture.plan, race if page else None, {k: about(v) for k, v in data.items()})
    shots = [b.shot for s in sections for b in s.blocks if isinstance(b, Figure)]
    with atomic_folder(out, "post folder") as tmp:
        folder = tmp / "figures"
        folder.mkdir()
        drawn, fresh = {}, []
        store = cache_dir("article", "figures") if cache else None
        code = drawn_from() if cache else ""
        for k, shot in enumerate(shots):
            stem = f"{k + 1:02d}-{shot.name}"
            drawn[shot.name], new = figure_files(shot, data[shot.name], folder, stem, store, code, fmt=figures,
                                                 theme=theme, max_size=max_size, workers=workers)
            fresh += [shot.name] * new
            if progress:
                progress(k + 1, len(shots))
        if page:
            (folder / LIVE).write_text(page, encoding="utf-8")
        title = lecture.meta.get("title") or (lecture.plan[0].title if lecture.plan else "A lecture")
        byline = f"{counted(len(sections), 'chapter')}, written from {lecture.path.name} by optviz"
        (tmp / "index.html").write_text(page_html(title, sections, drawn, THEMES[theme], byline=byline),
                                        encoding="utf-8")
        (tmp / "post.md").write_text(post_md(dict(lecture.meta), sections, drawn), encoding="utf-8")
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    # why there is no live figure: none asked for, no race, or none of its optimizers runs on the page
    why = "" if page else "not asked" if live_page is None else "no race" if race is None else "not runnable"
    return {"path": out, "figures": sum(len(v) for v in drawn.values()), "bytes": size, "live": bool(page),
            "no_live": why, "drawn": fresh, "kept": [s.name for s in shots if s.name not in fresh]}
