"""The lecture file: a Markdown document a teacher writes, read into chapters of shots and beats.

    ---                                   front matter (YAML): title, voice, quality, theme, pace
    # A flat start {#flat}                a chapter (its key, for file names: {#key}, else from the title)
    ::: race surface=rosenbrock steps=300 a shot, until the next ':::' line, chapter or the end ('::: ' alone ends it)
    {go}SGD and Adam set off.             a paragraph is a beat: its plain lines are spoken, joined;
    > Adam {race.loss.adam:.2g}           its '> ' lines are shown on screen until the shot ends
    [pause 2]                             two seconds of silence
    <!-- a comment -->

markdown-it-py finds the blocks (front matter, comments, what is not part of the format) with their
line numbers; a beat is then read line by line, as the format is defined by lines. Nothing here knows
what a shot draws: `optviz.lecture.shots` checks kinds, keys, marks and values. Every problem is
collected as `Problem` (FILE:LINE: message), so `optviz lecture check` reports them all at once.
The file as editors save it is read as meant: a byte-order mark, curly double quotes around a value,
`[Pause 2]`; what is surely a slip (`key = value`, `#Title`) is one problem that shows what to write.
"""
from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt
from mdit_py_plugins.front_matter import front_matter_plugin

FRONT = ("title", "voice", "quality", "theme", "pace")   # front matter keys: as the command-line flags
MARK = re.compile(r"\{([A-Za-z_]\w*)\}")
VALUE = re.compile(r"\{([A-Za-z_][\w-]*)((?:\.[\w-]+)+)(?::([^{}]*))?\}")
BRACES = re.compile(r"\{[^{}]*\}")
PAUSE = re.compile(r"^\[\s*pause(?![a-z])\s*:?\s*([^\]]*)\]$", re.I)   # [Pause 2], [pause: 2] as well
KEY = re.compile(r"\s*\{#([A-Za-z0-9][\w-]*)\}\s*$")
COMMENT = re.compile(r"<!--.*?-->", re.S)
# what markdown-it finds that a lecture has no use for, by token type: what to write instead
NOT_LECTURE = {"bullet_list_open": "a list", "ordered_list_open": "a numbered list", "fence": "a code block",
               "code_block": "an indented code block", "table_open": "a table", "hr": "a rule (---)",
               "html_block": "HTML"}
FORMAT = ("write paragraphs (spoken), '> ' lines (on screen), '::: KIND key=value' (a shot), '# ' (a chapter), "
          "'[pause N]' or '<!-- comments -->'")


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Ref:
    """`{shot.a.b:format}` in a spoken line or a text."""
    shot: str
    path: tuple
    format: str | None
    line: int
    source: str        # as written, braces included


@dataclass(frozen=True)
class ShotLine:
    kind: str
    options: dict      # key -> the string written
    name: str
    line: int
    figure: bool = True   # `figure=no`: the shot stays out of the post (optviz article)


@dataclass(frozen=True)
class Para:
    """One beat as written: the spoken line (marks and values still in it), the on-screen texts
    (line, text), or a pause."""
    line: int
    say: str = ""
    texts: tuple = ()
    pause: float | None = None
    say_line: int = 0


@dataclass
class Section:
    """A chapter as written: its title, key and, in order, its shots (ShotLine) and beats (Para)."""
    title: str
    key: str
    line: int
    items: list = field(default_factory=list)


@dataclass
class Document:
    path: str
    meta: dict
    chapters: list
    problems: list
    meta_lines: dict = field(default_factory=dict)   # front matter key -> its line

    def shots(self):
        """Every shot of the file with its chapter's index, in order."""
        return [(i, s) for i, c in enumerate(self.chapters) for s in c.items if isinstance(s, ShotLine) and s.kind]


def ref_of(match: re.Match, line: int) -> Ref:
    """A VALUE match as a Ref."""
    return Ref(match.group(1), tuple(match.group(2)[1:].split(".")), match.group(3), line, match.group(0))


def slug(title: str) -> str:
    """A chapter's key from its title: lowercase words joined by '-', at most 32 characters."""
    words = re.findall(r"[a-z0-9]+", title.lower())
    out = ""
    for w in words:
        if len(out) + len(w) + 1 > 32 and out:
            break
        out = f"{out}-{w}" if out else w
    return out or "chapter"


def parse(text: str, path: str = "<lecture>") -> Document:
    """Read a lecture file's text into a Document; its `problems` say what is wrong, each with its line."""
    problems: list[Problem] = []

    def problem(line: int, message: str) -> None:
        problems.append(Problem(path, line, message))

    # a byte-order mark (what Windows' Notepad saves at the start of a UTF-8 file) is no text of the lecture
    text = text.removeprefix("\ufeff")
    md = MarkdownIt("commonmark").use(front_matter_plugin)
    lines = text.splitlines()
    skip: set[int] = set()   # 0-based lines that hold no beat: front matter, comments
    meta, meta_lines = {}, {}
    for tok in md.parse(text):
        if tok.level != 0 or not tok.map:
            continue
        a, b = tok.map
        if tok.type == "front_matter":
            skip.update(range(a, b))
            meta, meta_lines = front_matter(tok.content, a + 2, problem)
        elif tok.type == "html_block" and tok.content.lstrip().startswith("<!--"):
            skip.update(range(a, b))
        elif tok.type == "heading_open" and tok.tag != "h1":
            problem(a + 1, f"{'#' * int(tok.tag[1])} headings are not part of a lecture: '# ' starts a chapter")
            skip.update(range(a, b))
        elif tok.type in NOT_LECTURE and not lines[a].lstrip().startswith(":::"):
            problem(a + 1, f"{NOT_LECTURE[tok.type]} is not part of a lecture: {FORMAT}")
            skip.update(range(a, b))

    chapters: list[Section] = []
    block: list[tuple[int, str]] = []   # the paragraph being read: (1-based line, text)

    def flush():
        if block:
            beat = read_paragraph(block, problem)
            if beat is not None:
                if not chapters:
                    problem(block[0][0], "this comes before the first chapter: start the file with '# Title'")
                else:
                    chapters[-1].items.append(beat)
            block.clear()

    for n, raw in enumerate(lines):
        if n in skip:
            flush()
            continue
        line = COMMENT.sub("", raw).rstrip()
        at = n + 1
        if "<!--" in line:
            problem(at, "a comment opened here is not closed on its line: close it with '-->', or give it lines "
                        "of its own")
            line = line[:line.index("<!--")]
        if not line.strip():
            flush()
        elif re.match(r"#\s", line):
            flush()
            title = line[1:].strip()
            m = KEY.search(title)
            key = m.group(1) if m else None
            title = KEY.sub("", title).strip()
            if not title:
                problem(at, "a chapter needs a title after '# '")
            if key is None:
                key = slug(title)
            taken = [c for c in chapters if c.key == key]
            if taken:
                problem(at, f"chapter key {key!r} is taken by line {taken[0].line}: give this one its own "
                            f"with '# {title} {{#other-key}}'")
            chapters.append(Section(title, key, at))
        elif re.match(r"#+[^\W\d_]", line):   # '#Title': CommonMark's text, not a heading, yet meant as one
            problem(at, f"{line.split()[0]!r} starts no chapter: put a space after the '#' "
                        f"('# {line.lstrip('#').strip()}')")
            block.append((at, line))
        elif line.lstrip().startswith(":::"):
            flush()
            shot = read_shot(line.strip()[3:], at, problem)
            if not chapters:
                problem(at, "a shot comes before the first chapter: start the file with '# Title'")
            elif shot is not None:
                chapters[-1].items.append(shot)
            elif line.strip() == ":::":
                chapters[-1].items.append(ShotLine("", {}, "", at))   # a bare ':::' ends the shot
        else:
            block.append((at, line))
    flush()
    names: dict[str, int] = {}
    for c in chapters:
        for s in c.items:
            if isinstance(s, ShotLine) and s.kind:
                if s.name in names:
                    problem(s.line, f"shot name {s.name!r} is taken by line {names[s.name]}: give one of them "
                                    f"name=SOMETHING")
                names.setdefault(s.name, s.line)
    if not chapters and not problems:
        problem(1, "no chapter: a lecture starts a chapter with '# Title'")
    return Document(path, meta, chapters, problems, meta_lines)


def front_matter(content: str, first: int, problem) -> tuple[dict, dict]:
    """The front matter's settings and each key's line (`first`: the line of its first row)."""
    import yaml
    try:
        meta = yaml.safe_load(content) or {}
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        problem(first + (mark.line if mark else 0), f"the front matter is not YAML: {getattr(e, 'problem', e)}")
        return {}, {}
    if not isinstance(meta, dict):
        problem(first, "the front matter must be 'key: value' lines")
        return {}, {}
    where = {}
    for k, row in enumerate(content.splitlines()):
        key = row.split(":", 1)[0].strip()
        if key in meta:
            where.setdefault(key, first + k)
    for key in list(meta):
        if key not in FRONT:
            problem(where.get(key, first), f"unknown front matter key {key!r}; choose from: {', '.join(FRONT)}")
            del meta[key]
    return meta, where


CURLY = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"'})


def read_shot(rest: str, line: int, problem) -> ShotLine | None:
    """`KIND key=value ...` after ':::' (a value with spaces in double quotes); None for a bare ':::'."""
    try:   # curly double quotes, as a word processor or a phone types them, quote as straight ones do
        words = shlex.split(rest.translate(CURLY))
    except ValueError as e:   # shlex's one complaint here: a quote left open
        problem(line, f"a shot's line could not be read ({str(e).lower()}): a value with spaces goes in double "
                      f"quotes, opened and closed (optimizers=\"sgd:lr=0.1 adam\")")
        return None
    if not words:
        return None
    words = joined_at_equals(words, line, problem)
    kind, options = words[0], {}
    for word in words[1:]:
        key, eq, value = word.partition("=")
        if not eq or not key:
            problem(line, f"{word!r} is not key=value in this '::: {kind}' line")
            continue
        if key in options:
            problem(line, f"{key!r} is given twice in this '::: {kind}' line")
        options[key] = value
    figure = options.pop("figure", "yes")
    if figure not in ("yes", "no"):
        problem(line, f"bad figure {figure!r} in this '::: {kind}' line: choose from: yes, no (no: the shot "
                      "stays out of the post)")
    return ShotLine(kind, options, options.pop("name", kind), line, figure != "no")


def joined_at_equals(words: list[str], line: int, problem) -> list[str]:
    """A shot line's words with `key = value` (spaces around '=') joined into key=value, said once."""
    out: list[str] = []
    for word in words:
        prev = out[-1] if len(out) > 1 else None   # (never the kind)
        if prev is not None and (word.startswith("=") and "=" not in prev or
                                 prev.endswith("=") and prev.count("=") == 1 and "=" not in word):
            out[-1] += word   # `key =value`, `key = value`, `key= value`; not `key= other=3` (an empty value)
        else:
            out.append(word)
    bad = [w for w in out[1:] if w not in words]
    if bad:
        problem(line, f"no spaces around '=' in a shot's line: write {', '.join(bad)}")
    return out


def read_paragraph(block: list[tuple[int, str]], problem) -> Para | None:
    """A paragraph's lines as one beat: '> ' lines are texts, the rest is the spoken line."""
    first = block[0][0]
    texts, said, say_line = [], [], 0
    for at, line in block:
        stripped = line.strip()
        m = PAUSE.match(stripped)
        if m:
            if len(block) > 1:
                problem(at, "[pause N] stands alone in its paragraph: put a blank line before and after it")
                return None
            try:
                seconds = float(m.group(1))
            except ValueError:
                seconds = -1.0
            if not 0 < seconds <= 60:
                problem(at, f"bad pause {m.group(1)!r}: write [pause N] with N seconds, from 0.1 to 60")
                return None
            return Para(first, pause=seconds)
        if stripped.startswith(">"):
            text = stripped[1:].strip()
            if MARK.search(text):
                problem(at, f"a mark ({MARK.search(text).group(0)}) belongs in a spoken line, not in a '> ' text")
            if text:
                texts.append((at, text))
        else:
            said.append(stripped)
            say_line = say_line or at
        for m in BRACES.finditer(stripped):
            if not (MARK.fullmatch(m.group(0)) or VALUE.fullmatch(m.group(0))):
                problem(at, f"{m.group(0)} is neither a mark ({{word}}) nor a value ({{shot.value}} or "
                            f"{{shot.value:.3g}})")
    say = " ".join(" ".join(said).split())
    if not say and not texts:
        return None
    return Para(first, say, tuple(texts), None, say_line)


def read(path) -> Document:
    """Parse the lecture file at `path` (raises OSError/UnicodeDecodeError when it cannot be read)."""
    path = Path(path)
    return parse(path.read_text(encoding="utf-8"), str(path))
