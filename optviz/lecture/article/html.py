"""The post as one HTML page (index.html): readable offline, in the lecture's theme (the figures' own
colours), one column that fits a phone (400 px) and a laptop (1280 px); its figures are files in
figures/ beside it, the live page an iframe of figures/live.html. No script, no font, nothing fetched.
"""
from __future__ import annotations

import html

from .model import Callout, Figure, Live, Para

CSS = """
:root { color-scheme: %(scheme)s; }
* { box-sizing: border-box; }
body { margin: 0; background: %(background)s; color: %(foreground)s;
       font: 18px/1.6 Georgia, "DejaVu Serif", serif; }
main { max-width: 46rem; margin: 0 auto; padding: 2.5rem 1.25rem 4rem; overflow-wrap: anywhere; }
h1 { font: bold 2.1rem/1.2 system-ui, "DejaVu Sans", sans-serif; margin: 0 0 .4rem; }
h2 { font: bold 1.45rem/1.3 system-ui, "DejaVu Sans", sans-serif; margin: 2.6rem 0 .8rem; }
.byline { color: %(muted)s; font-size: .9rem; margin: 0 0 2rem; }
p { margin: 0 0 1rem; }
blockquote { margin: 0 0 1rem; padding: .45rem .9rem; border-left: 4px solid %(accent)s;
             background: %(panel)s; font: 1rem/1.5 "DejaVu Sans", system-ui, sans-serif; overflow-wrap: break-word; }
pre.formula { margin: 0 0 1rem; padding: .6rem .9rem; background: %(panel)s; border-radius: 4px;
              font: .95rem/1.5 "DejaVu Sans Mono", monospace; white-space: pre-wrap; overflow-wrap: break-word; }
figure { margin: 1.4rem 0 1.6rem; }
figure img, figure video { display: block; width: 100%%; height: auto; border-radius: 4px; }
figcaption { color: %(muted)s; font: .85rem/1.45 system-ui, "DejaVu Sans", sans-serif; margin-top: .45rem; }
figure.live iframe { display: block; width: 100%%; height: min(52rem, 92vh); border: 1px solid %(muted)s; border-radius: 4px;
                     background: %(background)s; }
footer { color: %(muted)s; font-size: .85rem; margin-top: 3rem; }
"""


def css(theme) -> str:
    dark = theme.name == "dark"
    return CSS % {"scheme": theme.name, "background": theme.background, "foreground": theme.foreground,
                  "muted": theme.muted, "accent": "#1e88e5" if not dark else "#64b5f6",
                  "panel": "#f3f4f6" if not dark else "#1c2128"}


def e(text: str) -> str:
    return html.escape(text, quote=True)


def figure_html(drawn, caption: str) -> str:
    src = f"figures/{drawn.src}"
    if drawn.video:
        media = (f'<video src="{e(src)}" poster="figures/{e(drawn.poster)}" controls loop muted playsinline '
                 f'preload="metadata" aria-label="{e(caption)}"></video>')
    else:
        media = f'<img src="{e(src)}" alt="{e(caption)}" loading="lazy">'
    return f"<figure>{media}<figcaption>{e(caption)}</figcaption></figure>"


def block_html(block, drawn: dict) -> str:
    if isinstance(block, Para):
        return f"<p>{e(block.text)}</p>"
    if isinstance(block, Callout):
        return f'<pre class="formula">{e(block.text)}</pre>' if block.formula else f"<blockquote>{e(block.text)}</blockquote>"
    if isinstance(block, Figure):
        return "\n".join(figure_html(d, c) for d, c in zip(drawn[block.shot.name], block.captions))
    if isinstance(block, Live):
        return (f'<figure class="live"><iframe src="figures/{e(block.src)}#{e(block.fragment)}" '
                f'title="The race, live: drop the ball anywhere" loading="lazy"></iframe><figcaption>'
                f'{e(block.caption)} <a href="figures/{e(block.src)}">Open it on its own page</a>.</figcaption>'
                f'</figure>')
    return ""


def page_html(title: str, sections, drawn: dict, theme, *, byline: str) -> str:
    body = []
    for s in sections:
        body.append(f'<section id="{e(s.key)}">\n<h2>{e(s.title)}</h2>')
        body += [h for h in (block_html(b, drawn) for b in s.blocks) if h]
        body.append("</section>")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="optviz article">
<title>{e(title)}</title>
<style>{css(theme)}</style>
</head>
<body>
<main>
<h1>{e(title)}</h1>
<p class="byline">{e(byline)}</p>
{chr(10).join(body)}
<footer>Every number above was measured by the runs drawn beside it.</footer>
</main>
</body>
</html>
"""
