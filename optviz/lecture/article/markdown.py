"""The post as CommonMark (post.md), for a static site (Jekyll, Hugo, MkDocs, Quarto) to publish as it
is: the lecture file's front matter carried over, a chapter a `##` section, each spoken line a
paragraph, each text a block quote, an update rule a code block, each figure an image (or, for an MP4,
a `<video>` HTML block) with its caption in italics under it, the live page an `<iframe>`. Links are
relative: figures/NAME beside post.md.
"""
from __future__ import annotations

import html
import re

import yaml

from .model import Callout, Figure, Live, Para

SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
LEADING = re.compile(r"^(\s*)([#>+\-=~]|\d+[.)])")


def escape(text: str) -> str:
    """Text as CommonMark reads it back literally: its inline markup characters, and a block marker at
    its start, escaped."""
    text = SPECIAL.sub(r"\\\1", text)
    return LEADING.sub(lambda m: m.group(1) + "\\" + m.group(2) if not m.group(2)[0].isdigit()
                       else m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], text)


def figure_md(drawn, caption: str) -> str:
    if drawn.video:
        a = html.escape
        media = (f'<video src="figures/{a(drawn.src)}" poster="figures/{a(drawn.poster)}" controls loop muted '
                 f'playsinline></video>')
        return f"{media}\n\n*{escape(caption)}*"
    return f"![{escape(caption)}](figures/{drawn.src})\n*{escape(caption)}*"


def block_md(block, drawn: dict) -> str:
    if isinstance(block, Para):
        return escape(block.text)
    if isinstance(block, Callout):
        if block.formula:
            return "```text\n" + block.text + "\n```"
        return "> " + escape(block.text)
    if isinstance(block, Figure):
        return "\n\n".join(figure_md(d, c) for d, c in zip(drawn[block.shot.name], block.captions))
    if isinstance(block, Live):
        return (f'<iframe src="figures/{html.escape(block.src)}#{html.escape(block.fragment)}" title="The race, live" '
                f'width="100%" height="900" loading="lazy"></iframe>\n\n*{escape(block.caption)}*')
    return ""


def post_md(meta: dict, sections, drawn: dict) -> str:
    front = "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---\n" if meta else ""
    parts = []
    for s in sections:
        parts.append(f"## {escape(s.title)}")
        parts += [m for m in (block_md(b, drawn) for b in s.blocks) if m]
    return front + "\n" + "\n\n".join(parts) + "\n"
