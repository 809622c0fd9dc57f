"""`optviz article FILE.md -o post/`: a lecture file as a blog post (optviz.lecture.article).

    optviz article my-lecture.md -o post            post/index.html, post/post.md, post/figures/
    optviz article seed --figures mp4 -o seed-post  the built-in lecture, figures as MP4 with posters
"""
from __future__ import annotations

import sys

from ..errors import OptvizError
from ..parsing import argument, parse_workers


def add_parser(sub) -> None:
    p = sub.add_parser("article", help="a lecture file (Markdown) as a blog post: one HTML page, a post.md and "
                                       "its figures",
                       description="optviz article FILE.md -o post/: the lecture's words as paragraphs, its texts as "
                                   "callouts, its shots as figures, its first race live")
    p.add_argument("file", nargs="?", help="the lecture file, or a packaged one's name (seed, own-lecture); "
                   "default: the built-in lecture")
    p.add_argument("-o", "--output", metavar="DIR", default="post", help="the post's folder (default: post)")
    p.add_argument("--figures", default="gif", metavar="KIND",
                   help="gif (default: looping GIFs, an MP4 where a figure is long), mp4 (with posters) or png")
    p.add_argument("--no-live", dest="no_live", action="store_true", help="leave out the live figure (the interactive "
                   "page of the first race)")
    p.add_argument("--theme", help="dark or light (default: the lecture file's)")
    p.add_argument("--max-size", dest="max_size", default="2MB", metavar="SIZE",
                   help="the size budget of each GIF figure (default 2MB)")
    p.add_argument("--workers", type=argument(parse_workers), help="processes drawing frames")
    p.add_argument("--no-cache", dest="no_cache", action="store_true",
                   help="draw every figure again (by default a figure drawn before from the same shot is reused)")
    p.add_argument("--watch", action="store_true", help="write the post again on every save of the file (only the "
                   "figures the edit changed) and show it on a local page that reloads itself")
    p.set_defaults(func=cmd_article)


def cmd_article(args) -> int:
    from ..data.files import counted, human_size
    from ..lecture.article import check_args, write_article
    from ..progress import count_bar
    from ..render.budget import parse_size
    from .gallery import live_page_html
    check_args(args.output, args.figures, args.theme)
    parse_size(args.max_size)
    if args.watch:
        return watch_article(args)
    with count_bar("computing runs", "shot") as runs_bar, count_bar("drawing figures", "shot") as bar:
        done = write_article(args.file, args.output, figures=args.figures, theme=args.theme,
                             live_page=None if args.no_live else live_page_html, max_size=args.max_size,
                             workers=args.workers, cache=not args.no_cache, report=bar.write, progress=bar,
                             computing=runs_bar, warn=bar.warn)
    if done["live"]:
        live = ", the first race live"
    elif done["no_live"] == "not runnable":
        from ..render.interactive import PAGE_OPTIMIZERS
        live = (f", no live figure (the interactive page runs {', '.join(PAGE_OPTIMIZERS)}: none of the first "
                f"race's optimizers)")
    else:
        live = ""
    kept = (f" ({counted(len(done['drawn']), 'shot')} drawn, {len(done['kept'])} as drawn before)" if done["kept"]
            else "")
    print(f"wrote {done['path']}/index.html and post.md: {counted(done['figures'], 'figure')}{kept}{live}, "
          f"{human_size(done['bytes'])} in all", file=sys.stderr)
    return 0


def watch_article(args) -> int:
    """--watch: the post written on every save; the page is post/index.html, reloading itself."""
    from pathlib import Path

    from ..lecture.article import write_article
    from .gallery import live_page_html
    from .watching import editable, run_watch
    if args.no_cache:
        raise OptvizError("--watch draws only what an edit changed: it does not take --no-cache")
    path, out = editable(args.file), Path(args.output)

    def build() -> tuple[str, list]:
        notices = []
        done = write_article(path, out, figures=args.figures, theme=args.theme,
                             live_page=None if args.no_live else live_page_html, max_size=args.max_size,
                             workers=args.workers, warn=notices.append)
        n = len(done["drawn"]) + len(done["kept"])
        return (f"drew the figures of {', '.join(done['drawn'])} ({len(done['drawn'])} of {n} shots)" if done["drawn"]
                else f"no figure to draw: the {n} shots' figures are as drawn before"), notices

    def page():
        index = out / "index.html"
        return index.read_text(encoding="utf-8") if index.is_file() else None

    return run_watch(path, build, page, out, lambda rel: True)
