"""From a parsed lecture file to the plan the lecture is rendered from: chapters of beats (the beat
model of optviz.lecture.script), each chapter with the shots it shows, the runs' numbers written into
its lines; and `check`, every problem of a file at once, each `FILE:LINE: message`, without drawing
or running anything (values are tried on samples of their type).

How a file becomes beats: a paragraph is a beat; beats before a chapter's first shot play over its
title, shown large; a shot starts with its first beat and ends with a short silent beat of its own
where what it showed fades out (its texts leave the screen there). Each shot kind has moments (a
race's `go`, a rule's `walk` ...): a moment starts where its mark is spoken, else with the beat after
the one where the moment before it started (the shot's second beat for its first moment), and its
beat lasts at least what the moment needs.
"""
from __future__ import annotations

from dataclasses import replace

from ..errors import OptvizError
from .layout import shot_texts
from .markdown import VALUE, Document, Para, Problem, ShotLine, ref_of
from .script import READING, Beat, Chapter, Shot, reading_issues, scaled, spoken, words
from .shots import NAME, PAIR, SAMPLE, SHOTS, diverged, format_value, optimizer_index, optimizer_names, parse_options

TITLE = "title"   # the key of a chapter's title among its first beat's texts
EXIT = 1.0        # seconds of a shot's closing beat
SPOKEN = 3.0      # the least a spoken beat lasts
FIRST = 3.0       # the least a shot's first beat lasts (its entrance)


def rule_lines(spec: str) -> tuple[str, ...]:
    """An optimizer's update rule as the registry states it (what `optviz list` prints; for a torch class by
    its own name, its registered twin's), its formulas only: split at ';' and lines outside parentheses,
    up to its first remark in parentheses or its first sentence of prose (a rule told in words, as
    NAdam's, stays one line)."""
    import re

    from ..core.optimizers import resolve_optimizers
    rule = resolve_optimizers([spec])[0].rule()
    rule = re.split(r"\s{2,}\(|\n(?=[A-Z][a-z]+ )", rule)[0]
    return tuple(p.strip() for p in re.split(r"(?:;|\n)(?![^(]*\))", rule) if p.strip())


class Values:
    """The values lines quote: {shot name: {value: v or {optimizer index: v}}} from the runs, or, with
    `samples`, a sample of each value's type (what `check` formats)."""

    def __init__(self, doc: Document, real: dict | None = None):
        self.real = real
        self.shots = {s.name: s for _, s in doc.shots() if s.kind in SHOTS}
        self.options, self.broken = {}, set()   # broken: shots whose own line has problems (said there)
        self.diverged = {}   # (line, as written): the quoted run diverged, its number reads "diverged"
        for name, s in self.shots.items():
            opts, bad = parse_options(SHOTS[s.kind], s.options)
            self.options[name] = opts
            if bad:
                self.broken.add(name)

    def lookup(self, ref) -> str:
        """The text a reference stands for; raises ValueError saying what is wrong with it."""
        s = self.shots.get(ref.shot)
        if s is None:
            raise ValueError(f"{ref.source}: there is no shot named {ref.shot!r}; the shots: "
                             f"{', '.join(self.shots) or 'none'}")
        kind, opts = SHOTS[s.kind], self.options[ref.shot]
        value, rest = ref.path[0], ref.path[1:]
        valid = [*kind.values, *kind.per_optimizer]
        if value not in valid:
            raise ValueError(f"{ref.source}: a {s.kind} shot has no value {value!r}; choose from: "
                             f"{', '.join(valid) or 'none'}")
        if value in kind.per_optimizer:
            names = optimizer_names(opts)
            if len(rest) != 1:
                raise ValueError(f"{ref.source}: {value} is one per optimizer: write {{{ref.shot}.{value}.NAME}} "
                                 f"with NAME one of: {', '.join(names) or 'none'} (or its place: 1, 2 ...)")
            m = optimizer_index(opts, rest[0])
            if m is None:
                raise ValueError(f"{ref.source}: no optimizer {rest[0]!r} in shot {ref.shot!r} (or two share that "
                                 f"name); choose from: {', '.join(names)} (or its place: 1 to {len(names)})")
            kind_of = kind.per_optimizer[value]
            v = self.real[ref.shot][value][m] if self.real is not None else SAMPLE[kind_of]
        else:
            if rest:
                raise ValueError(f"{ref.source}: {value} is one number for the shot: write {{{ref.shot}.{value}}}")
            if value in ("ratio", "apart") and not opts.get("compare"):
                raise ValueError(f"{ref.source}: {value} compares with another optimizer: add compare=SPEC to the "
                                 f"shot on line {s.line}")
            kind_of = kind.values[value]
            v = self.real[ref.shot][value] if self.real is not None else SAMPLE[kind_of]
        if self.real is not None and diverged(v):
            self.diverged[(ref.line, ref.source)] = None
        try:
            return format_value(v, ref.format)
        except (ValueError, TypeError) as e:
            types = {PAIR: "a pair of numbers", NAME: "a name"}.get(kind_of, "a number")
            raise ValueError(f"{ref.source}: bad format {ref.format!r} for {types} ({e})") from None

    def fill(self, text: str, line: int, problem) -> str:
        """`text` with its values written in; what is wrong with one goes to `problem(line, message)`."""
        def one(m):
            ref = ref_of(m, line)
            if ref.shot in self.broken:   # its values cannot be known: the shot's line says why
                return "0.0"
            try:
                return self.lookup(ref)
            except ValueError as e:
                problem(line, str(e))
                return "0.0"
        return VALUE.sub(one, text)


def build(doc: Document, values: Values, pace: float = 1.0, problems: list | None = None) -> list[Chapter]:
    """The plan of a parsed lecture. With `problems` a list, what is wrong is appended to it as (line,
    message) and the plan is built around it; without, the first problem raises OptvizError."""
    def problem(line, message):
        if problems is None:
            raise OptvizError(f"{doc.path}:{line}: {message}")
        problems.append((line, message))

    chapters = []
    for sec in doc.chapters:
        beats: list[Beat] = []
        shots: list[Shot] = []
        open_shot = None   # [ShotLine or None (the title card, or texts after a bare :::), first beat, [Para]]

        def close(span):
            if span is None:
                return
            line, first, paras = span
            if line is not None and not paras:
                problem(line.line, f"the {line.kind} shot has no beat: write a paragraph under it")
                return
            if not paras:
                return
            if line is None and first > 0:   # texts after a bare ':::': a text shot of their own
                line = ShotLine("text", {}, "", paras[0].line)
            kind = SHOTS.get(line.kind) if line is not None else None
            opts, moments, rule, ok = {}, {}, (), False
            if line is not None and kind is None:
                problem(line.line, f"unknown shot {line.kind!r}; choose from: {', '.join(SHOTS)}")
            elif kind is not None:
                opts, bad = parse_options(kind, line.options)
                for _, message in bad:
                    problem(line.line, message)
                ok = not bad
                if ok and kind.name == "rule":
                    rule = rule_lines(opts["optimizer"])
            order = kind.moments(opts) if ok else []
            valid = [m for m, *_ in order]
            start = len(beats)
            keys, marked = [], {}
            for k, p in enumerate(paras):
                beat, found = beat_of(p, values, problem)
                at = p.say_line or p.line
                for mark in found:
                    if kind is not None and not ok:
                        continue   # its options are wrong: said already
                    if mark not in valid:
                        where = f"a {line.kind} shot" if line is not None else "the title, before any shot"
                        marks = ', '.join('{' + m + '}' for m in valid) or 'none'
                        if kind is not None and mark in kind.needs:   # a mark of the kind, not of these settings
                            problem(at, f"mark {{{mark}}} needs {kind.needs[mark]} in {where}; its marks now: {marks}")
                        else:
                            problem(at, f"unknown mark {{{mark}}} in {where}; choose from: {marks}")
                    elif mark in marked:
                        problem(at, f"mark {{{mark}}} is spoken twice in this shot")
                    else:
                        marked[mark] = start + k
                keys += list(beat.texts)
                beats.append(beat)
            at, used = start + (1 if len(paras) > 1 else 0) - 1, {}   # beat -> seconds its moments take
            for mark, least, loops in order:
                if mark in marked:
                    if marked[mark] < at:
                        p = paras[marked[mark] - start]
                        problem(p.say_line or p.line, f"mark {{{mark}}} comes before the moment it follows "
                                                      f"({', '.join(valid)} happen in that order)")
                    at = marked[mark]
                else:
                    at = min(at + 1, start + len(paras) - 1)
                # moments that share a beat follow each other in it: the beat lasts their sum
                before = used.get(at, 0.0)
                lead = 1.0 if at == start else 0.0   # the shot's entrance comes first
                moments[mark] = [at, lead + before]
                used[at] = before + least
                b = beats[at]
                beats[at] = replace(b, seconds=max(b.seconds, lead + before + least), loop=b.loop or loops)
            if line is not None:
                beats[start] = replace(beats[start], seconds=max(beats[start].seconds, FIRST))
                shots.append(Shot(line.kind, line.name, opts, start, len(beats) - 1, line.line, moments,
                                  tuple(keys), rule, figure=line.figure))
                beats.append(Beat(EXIT, "", clear=tuple(keys)))
            else:   # the title card: its texts leave as the first shot comes in
                shots.append(Shot("", "", {}, start, len(beats) - 1, paras[0].line, {}, tuple(keys)))

        for item in sec.items:
            if isinstance(item, ShotLine):
                close(open_shot)
                open_shot = [item if item.kind else None, len(beats), []]
            else:
                if open_shot is None:
                    open_shot = [None, len(beats), []]
                open_shot[2].append(item)
        close(open_shot)
        if not beats:
            problem(sec.line, f"chapter {sec.title!r} has nothing to play: write a paragraph (and a shot) under it")
            continue
        if shots and not shots[-1].kind:   # a chapter of the title card alone: it fades out at the end
            beats.append(Beat(EXIT, ""))
        for s in shots:
            if not s.kind and s.last + 1 < len(beats):   # the card's texts leave with the first shot's entrance
                b = beats[s.last + 1]
                beats[s.last + 1] = replace(b, clear=tuple(b.clear) + s.texts)
        beats[0] = replace(beats[0], texts={TITLE: sec.title, **beats[0].texts})
        cost = max([SHOTS[s.kind].cost for s in shots if s.kind in SHOTS] or [0.3])
        chapters.append(Chapter(sec.key, sec.title, tuple(beats), cost, tuple(shots)))
    return scaled(chapters, pace)


def beat_of(p: Para, values: Values, problem) -> tuple[Beat, list[str]]:
    """A paragraph as a beat (values filled in) and the marks it speaks."""
    if p.pause is not None:
        return Beat(p.pause, ""), []
    texts = {f"L{line}": values.fill(text, line, problem) for line, text in p.texts}
    say = values.fill(p.say, p.say_line, problem) if p.say else ""
    _, marks = spoken(say)
    least = SPOKEN if say else max(2.0, sum(words(t) for t in texts.values()) / READING + 1.0)
    return Beat(least, say, texts), list(marks)


def check(doc: Document, pace: float = 1.0) -> list[Problem]:
    """Every problem of a parsed lecture file, in line order: syntax (from parsing), unknown shots, keys,
    marks and values, bad settings, and, on the plan timed as the silent draft, texts that cannot be
    read before they leave or cannot fit the frame."""
    found = list(doc.problems)
    raw = []
    plan = build(doc, Values(doc), pace, raw)
    found += [Problem(doc.path, line, message) for line, message in raw]
    found += check_front_matter(doc)
    if not raw:
        found += fit_problems(doc, plan) + pace_problems(doc, plan, pace) + glyph_problems(doc, plan)
    unique = {(p.line, p.message): p for p in found}
    return sorted(unique.values(), key=lambda p: p.line)


def check_front_matter(doc: Document) -> list[Problem]:
    from .settings import front_matter_problems
    return [Problem(doc.path, doc.meta_lines.get(k, 1), m) for k, m in front_matter_problems(doc.meta, doc.path)]


def text_line(key: str, sec_line: int) -> int:
    """The file line of a text (its key is L<line>; a chapter's title: the chapter's line)."""
    return int(key[1:]) if key.startswith("L") else sec_line


def fit_problems(doc: Document, plan: list[Chapter]) -> list[Problem]:
    """Texts that cannot fit their shot's region at the least size, and titles too long for the frame."""
    out = []
    for sec, c in zip([s for s in doc.chapters], plan):
        texts = {k: t for b in c.beats for k, t in b.texts.items()}
        for s in c.shots:
            keys = [k for k in s.texts if k != TITLE]
            head, placed, bad = shot_texts(s.kind or None, s.options, c.title, list(s.rule) + [texts[k] for k in keys])
            if bad is not None:
                k = bad - len(s.rule)
                line = text_line(keys[k], sec.line) if k >= 0 else s.line
                what = f"the text {texts[keys[k]]!r}" if k >= 0 else "the update rule"
                out.append(Problem(doc.path, line, f"{what} does not fit the {s.kind or 'title'} shot's room for "
                                                   "texts even at 18 px: shorten it, or move texts to a later shot"))
            if head.height > 2.0:
                out.append(Problem(doc.path, sec.line, f"the title {c.title!r} takes more than two lines: shorten it"))
    return out


def glyph_problems(doc: Document, plan: list[Chapter]) -> list[Problem]:
    """On-screen texts and chapter titles holding characters no font here can draw (drawable)."""
    from .drawable import describe, undrawable
    out = []
    for sec, c in zip(doc.chapters, plan):
        missing = undrawable(c.title, bold=True)
        if missing:
            out.append(Problem(doc.path, sec.line, f"the title: {describe(missing)}"))
        for key, text in {k: t for b in c.beats for k, t in b.texts.items() if k != TITLE}.items():
            missing = undrawable(text)
            if missing:
                out.append(Problem(doc.path, text_line(key, sec.line), f"this text: {describe(missing)}"))
    return out


def pace_problems(doc: Document, plan: list[Chapter], pace: float) -> list[Problem]:
    from .timing import draft_speech, lines, time_plan
    timed = time_plan(plan, {ln.key: draft_speech(ln, pace) for ln in lines(plan)}, 30).plan
    out = []
    for i, key, message in reading_issues(timed):
        line = text_line(key, doc.chapters[i].line)
        out.append(Problem(doc.path, line, f"this text {message}: a viewer reads about {READING:g} words a "
                                           "second; shorten it, or give its shot more to say"))
    return out


