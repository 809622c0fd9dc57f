"""The lecture read as a post: sections of blocks, built from the same plan the video is rendered from
(its lines with the runs' numbers filled in), so the post, the subtitles and the video say the same.

    a chapter           a section, its title a heading
    a spoken line       a paragraph (its marks taken out)
    a '> ' text         a callout after its paragraph (the chapter's title, shown large in the video, is
                        the heading instead)
    a shot              a figure after its first paragraph (what introduces it), captioned from what
                        the file says of it; a rule shot's update rule as a formula callout above it;
                        the first race also as the live page (`Live`), where the page can run it

A shot may say `figure=no` to stay out of the post (its words stay); a `text` shot has no figure.
Nothing here draws: `figures` makes the files, `html` and `markdown` write the two documents.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..plan import TITLE
from ..script import spoken
from ..shots import format_value


@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class Callout:
    text: str
    formula: bool = False    # an update rule's lines, one per line


@dataclass(frozen=True)
class Figure:
    shot: object             # the plan's Shot: kind, name, options, where its runs are
    captions: tuple          # one per file `figures.draw` makes of it, in its order


LIVE = "live.html"   # the live page, in figures/


@dataclass(frozen=True)
class Live:
    shot: object             # the race the live page runs
    src: str = LIVE          # its file in figures/

    @property
    def fragment(self) -> str:
        """The live page's state in its URL (optviz.render.page.js): playing on arrival, seen as the
        race's figure is (a 3-D race on the 3-D surface)."""
        return "view=3d&play=1" if self.shot.options.get("view") == "3d" else "play=1"

    @property
    def caption(self) -> str:
        where = "the 3-D surface" if self.shot.options.get("view") == "3d" else "the map"
        return (f"Live, in your browser: the same optimizers, run as you watch. Click {where} to drop the "
                f"ball anywhere else.")


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    blocks: tuple


def listing(labels) -> str:
    """Optimizer labels in a caption: a label holds commas ('Momentum lr=10, momentum=0.9'), so a dot
    parts them, as in the video's callouts."""
    return " · ".join(labels)


@dataclass(frozen=True)
class About:
    """What a shot's runs call their things, for its captions: the optimizers' labels (as in the
    figure's legend) and the surface's or task's title (as above the figure)."""
    labels: tuple = ()
    where: str = ""
    task: str = ""


def about(data: dict) -> About:
    """A shot's `About`, from its loaded runs (optviz.lecture.files.load_data)."""
    runs = [v for k, v in sorted(data.items()) if k in ("run", "slice", "study")]
    if not runs:
        return About()
    first, meta = runs[0], runs[0].meta
    task = (meta.get("task") or (meta.get("surface") or {}).get("task") or {}).get("title", "")
    return About(tuple(first.labels), (meta.get("surface") or {}).get("title", ""), task)


def caption(shot, names: About = About()) -> str:
    """What a shot's figure shows, from its options as the file wrote them (defaults filled in) and
    the names its runs give (`names`; the file's specs where it has none)."""
    o = shot.options
    who = listing(names.labels or o.get("optimizers") or ([o["optimizer"]] if o.get("optimizer") else []))
    where = names.where or o.get("surface", "")
    start = f"from {format_value(o['start'], 'g')}" if o.get("start") else "from its start"
    if shot.kind == "surface":
        at = f"from {format_value(o['point'], 'g')}" if o.get("point") else "from its start"
        return f"{where}: gradient descent {at}, {o['steps']} steps of learning rate {o['lr']:g}."
    if shot.kind == "rule":
        return f"{where}: {who} {start}, {o['steps']} steps."
    if shot.kind == "race":
        steps = f"{o['then']} steps" if o.get("then") else f"{o['steps']} steps"
        seen = "from above" if o["view"] == "2d" else "in 3-D"
        return f"{where}, seen {seen}: {who} {start}, {steps}."
    if shot.kind == "cloud":
        return (f"{where}: {o['copies']} copies each of {who}, every copy on its own mini-batches of "
                f"{o['batch']}, {o['steps']} steps.")
    if shot.kind == "landscape":
        return (f"{names.task or o['task']}: the train loss on the plane of the paths of {who}, "
                f"{o['steps']} steps.")
    return ""


def study_caption(shot, names: About = About()) -> str:
    o = shot.options
    return (f"{names.task or o['task']}, {o['seeds']} seeds of {o['study_steps']} steps each: test accuracy "
            f"and sharpness (the top eigenvalue of the loss's Hessian) per optimizer.")


def captions(shot, names: About = About()) -> tuple:
    """A caption per figure of the shot: a landscape's slice (when drawn), then its study's chart."""
    if shot.kind == "landscape":
        return ((caption(shot, names),) if shot.options["slice"] else ()) + (study_caption(shot, names),)
    return (caption(shot, names),)


def has_figure(shot) -> bool:
    return shot.kind not in ("", "text") and shot.figure


def first_race(plan) -> object | None:
    """The race the live page runs: the post's first (as in the deck)."""
    return next((s for c in plan for s in c.shots if s.kind == "race" and has_figure(s)), None)


def article_of(plan, live=None, names: dict | None = None) -> list[Section]:
    """The plan's chapters as sections; `live`: the shot the live page runs (placed after its figure);
    `names`: {shot name: About} for the captions."""
    names = names or {}
    sections = []
    for c in plan:
        starts = {s.first: s for s in c.shots}
        blocks, pending = [], None   # pending: a shot whose figure follows its first paragraph
        for i, b in enumerate(c.beats):
            shot = starts.get(i)
            if shot is not None and shot.rule:
                blocks.append(Callout("\n".join(shot.rule), formula=True))
            if b.say:
                blocks.append(Para(spoken(b.say)[0]))
            blocks += [Callout(t) for k, t in b.texts.items() if k != TITLE]
            if shot is not None:
                pending = shot
            if pending is not None and (b.say or i == pending.last or i + 1 == len(c.beats)):
                if has_figure(pending):
                    blocks.append(Figure(pending, captions(pending, names.get(pending.name, About()))))
                    if live is not None and pending is live:
                        blocks.append(Live(pending))
                pending = None
        sections.append(Section(c.key, c.title, tuple(blocks)))
    return sections
