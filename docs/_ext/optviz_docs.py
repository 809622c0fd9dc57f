"""Sphinx pieces of optviz's docs: the gallery's scraper for the files an example writes, and the
reference tables generated from the code.

The scraper: sphinx-gallery runs every example in one folder (a copy of examples/); before each
example `Snapshot` notes what the folder holds, and after each code block `OutputScraper` puts what
the block wrote into the page: pictures (GIF, PNG, SVG) as images, videos (MP4, WebM) as a <video>
with the file embedded, interactive pages as an <iframe> holding the page. A video's first frame is
also saved as the block's image, so the gallery's thumbnail shows it.

Directives: ``optviz-spec`` (the spec reference, as `optviz spec` prints it), ``optviz-surfaces``,
``optviz-optimizers``, ``optviz-scenes``, ``optviz-extras`` (tables read from the registries).
"""
from __future__ import annotations

import base64
import html
import re
import shutil
from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

IMAGES = (".gif", ".png", ".svg", ".jpg")
VIDEOS = {".mp4": "video/mp4", ".webm": "video/webm"}
PAGES = (".html",)
_seen: dict[str, int] = {}   # file -> mtime_ns, as the current example found the folder


def _files(folder: Path) -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in folder.rglob("*")
            if p.is_file() and "media" not in p.relative_to(folder).parts[:1]}


class Snapshot:
    """sphinx-gallery's reset hook: remember what the examples' folder holds before an example runs."""

    def __repr__(self):
        return "Snapshot"

    def __call__(self, gallery_conf, fname, when=None):
        _seen.clear()
        for d in gallery_conf["examples_dirs"] if isinstance(gallery_conf["examples_dirs"], list) else \
                [gallery_conf["examples_dirs"]]:
            _seen.update(_files(Path(d)))


def _first_frame(video: Path, png: Path) -> None:
    import av
    with av.open(str(video)) as container:
        frame = next(container.decode(video=0))
        frame.to_image().save(png)


class OutputScraper:
    """Put the files the last code block wrote into the example's page (see the module docstring)."""

    def __repr__(self):   # Sphinx compares configs by repr: keep it stable
        return "OutputScraper"

    def __call__(self, block, block_vars, gallery_conf):
        folder = Path(block_vars["src_file"]).parent
        now = _files(folder)
        new = sorted((p for p, t in now.items() if _seen.get(p) != t), key=lambda p: now[p])
        _seen.update(now)
        rst, images = [], []
        iterator = block_vars["image_path_iterator"]
        for name in map(Path, new):
            suffix = name.suffix.lower()
            if suffix in IMAGES:
                target = Path(iterator.next()).with_suffix(suffix)
                shutil.copyfile(name, target)
                images.append(str(target))
            elif suffix in VIDEOS:
                poster = Path(iterator.next())
                _first_frame(name, poster)
                data = base64.b64encode(name.read_bytes()).decode()
                rst.append(_raw(f'<video controls loop muted playsinline style="max-width:100%" '
                                f'title="{html.escape(name.name)}" src="data:{VIDEOS[suffix]};base64,{data}"></video>'
                                f'<p class="optviz-output">{html.escape(name.name)}</p>'))
            elif suffix in PAGES:
                page = html.escape(name.read_text(encoding="utf-8"), quote=True)
                rst.append(_raw(f'<iframe class="optviz-page" srcdoc="{page}" sandbox="allow-scripts" '
                                f'title="{html.escape(name.name)}"></iframe>'
                                f'<p class="optviz-output">{html.escape(name.name)}: click the map to drop a ball</p>'))
        if images:
            from sphinx_gallery.scrapers import figure_rst
            rst.insert(0, figure_rst(images, gallery_conf["src_dir"]))
        return "\n".join(rst)


class GalleryOrder:
    """sphinx-gallery's order within the gallery: the names listed in conf.py, in that order (an
    example missing from the list is an error, so none is left out of the story silently)."""

    def __init__(self, names):
        self.names = list(names)

    def __repr__(self):
        return f"GalleryOrder({self.names})"

    def __call__(self, filename) -> int:
        stem = Path(filename).stem
        if stem not in self.names:
            raise ValueError(f"examples/{stem}.py is not in GALLERY_ORDER (docs/conf.py)")
        return self.names.index(stem)


def _raw(markup: str) -> str:
    return "\n.. raw:: html\n\n    " + markup.replace("\n", " ") + "\n"


class _Table(SphinxDirective):
    """A table from rows the subclass reads off the code; a cell is text, or ("code", text) for a literal.
    Built as docutils nodes, so the formulas' | and * are never read as markup."""
    has_content = False
    header: tuple[str, ...] = ()

    def rows(self) -> list[tuple]:
        raise NotImplementedError

    @staticmethod
    def _cell(value) -> nodes.entry:
        para = nodes.paragraph()
        for part in value if isinstance(value, list) else [value]:
            if isinstance(part, tuple):
                para += nodes.literal(part[1], part[1])
            else:
                para += nodes.Text(part)
        return nodes.entry("", para)

    def run(self):
        table, group = nodes.table(), nodes.tgroup(cols=len(self.header))
        table += group
        group.extend(nodes.colspec(colwidth=1) for _ in self.header)
        head, body = nodes.thead(), nodes.tbody()
        head += nodes.row("", *(self._cell(h) for h in self.header))
        for row in self.rows():
            body += nodes.row("", *(self._cell(c) for c in row))
        group += head
        group += body
        return [table]


def _code(text: str) -> tuple:
    return ("code", text)


def _sep(parts: list, sep: str = ", ") -> list:
    out = []
    for i, p in enumerate(parts):
        out += ([sep] if i else []) + [p]
    return out or ["-"]


class SurfacesTable(_Table):
    header = ("name", "box", "default start", "minima", "what it shows")

    def rows(self):
        from optviz.core.surfaces import SURFACES
        out = []
        for name, s in SURFACES.items():
            (x0, x1), (y0, y1) = s.box
            minima = "; ".join(f"({m.x:.4g}, {m.y:.4g})" for m in s.minima) or "none finite"
            out.append((_code(name), f"[{x0:g}, {x1:g}] x [{y0:g}, {y1:g}]", f"({s.start[0]:g}, {s.start[1]:g})",
                        minima, " ".join((s.description or s.title).split())))
        return out


class OptimizersTable(_Table):
    header = ("name", "defaults", "update rule")

    def rows(self):
        from optviz.core.optimizers import OPTIMIZERS
        return [(_code(name), _sep([_code(f"{k}={v}") for k, v in o.defaults.items()]),
                 _sep([_code(line.strip()) for line in o.rule.splitlines() if line.strip()], "; "))
                for name, o in OPTIMIZERS.items()]


class ScenesTable(_Table):
    header = ("scene", "manim class", "plain manim")

    def rows(self):
        from optviz.render.manim_video import SCENES
        return [(_code(name), _code(cls), _code(f'manim -pql "$(optviz scenes path)/{file}" {cls}'))
                for name, (file, cls, _) in SCENES.items()]


class ExtrasTable(_Table):
    header = ("install", "what it adds", "brings")

    def rows(self):
        from optviz.extras import EXTRAS, install_hint
        return [(_code(install_hint([name])), e.serves, ", ".join(e.dists)) for name, e in EXTRAS.items()]


class SpecReference(SphinxDirective):
    """The spec format, as `optviz spec` prints it."""
    has_content = False

    def run(self):
        from optviz.cli.spec import reference
        block = nodes.literal_block(reference(), reference())
        block["language"] = "text"
        return [block]


_PARAM = re.compile(r"^(\w+)( {2,})(\S.*)$")


def parameter_tables(app, what, name, obj, options, lines):
    """optviz's docstrings list parameters as an aligned table (readable in a terminal and in help());
    for Sphinx, each row becomes a `:param name:` field, its continuation lines joined to it."""
    out, i = [], 0
    while i < len(lines):
        m = _PARAM.match(lines[i])
        start, rows = i, []
        while m:
            indent = len(m.group(1)) + len(m.group(2))
            text = [m.group(3)]
            i += 1
            while i < len(lines) and lines[i].startswith(" " * indent) and lines[i].strip():
                text.append(lines[i].strip())
                i += 1
            rows.append(f":param {m.group(1)}: {' '.join(text)}")
            m = _PARAM.match(lines[i]) if i < len(lines) else None
        if len(rows) >= 2:
            out += ([""] if out and out[-1].strip() else []) + rows + [""]
        elif rows:   # one row only: not a table, keep it as it was
            out += lines[start:i]
        else:
            out.append(lines[i])
            i += 1
    lines[:] = out


def setup(app):
    app.connect("autodoc-process-docstring", parameter_tables)
    app.add_directive("optviz-spec", SpecReference)
    app.add_directive("optviz-surfaces", SurfacesTable)
    app.add_directive("optviz-optimizers", OptimizersTable)
    app.add_directive("optviz-scenes", ScenesTable)
    app.add_directive("optviz-extras", ExtrasTable)
    return {"parallel_read_safe": True, "version": "1"}
