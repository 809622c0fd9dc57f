"""`optviz lecture`: a lecture file a teacher writes, rendered as a narrated video, and the commands
around it.

    optviz lecture FILE.md -o lecture.mp4     the video, chapters, subtitles, narration script
    optviz lecture check FILE.md              every problem at once, FILE:LINE: message (exit 1 if any)
    optviz lecture new FILE.md                a short starter lecture to edit
    optviz lecture show seed                  print a built-in lecture (the one optviz renders by default)

The front matter's settings (voice, quality, theme, pace) apply unless a flag says otherwise.
"""
from __future__ import annotations

import sys
from pathlib import Path

from ..errors import OptvizError
from ..parsing import argument, parse_workers

ACTIONS = ("check", "new", "show")

STARTER = """---
title: My first lecture
voice: none         # piper | espeak | none | recorded:DIR (DIR relative to this file)
quality: preview    # preview | 720p30 | 1080p30 | 1080p60 | 1440p60 | 4k
theme: dark         # dark | light
---

<!-- A paragraph is a beat: its plain lines are spoken, its '> ' lines shown on screen.
     '::: KIND key=value' starts a shot; {mark} starts its moment as the voice reaches the next word;
     {shot.value:.3g} is a number from that shot's runs. `optviz lecture check` finds what is wrong. -->

# Two optimizers on Himmelblau's surface

::: race surface=himmelblau start=-0.5,4.5 steps=60 optimizers="momentum:lr=0.005,momentum=0.9 rmsprop:lr=0.05" view=2d
Two optimizers set off from the same point.

{go}Momentum gathers speed; RMSprop scales each step by its own history.

After {race.steps} steps, momentum's loss is {race.loss.momentum:.2g}, and RMSprop's {race.loss.rmsprop:.2g}.
> momentum {race.loss.momentum:.2g} · RMSprop {race.loss.rmsprop:.2g}
"""


def add_parser(sub) -> None:
    p = sub.add_parser("lecture", help="a lecture file (Markdown) as a narrated video: render, check, new, show",
                       description="optviz lecture FILE.md -o lecture.mp4 | check FILE.md | new FILE.md | show NAME")
    p.add_argument("what", metavar="FILE|check|new|show", help="the lecture file to render, or an action")
    p.add_argument("file", nargs="?", help="the lecture file (check, new) or a packaged one's name (show): seed, "
                   "own-lecture")
    p.add_argument("-o", "--output", metavar="FILE", help="the video (.mp4, .webm or .mov; default lecture.mp4)")
    p.add_argument("--chapters", metavar="LIST", help="the chapters to render, e.g. 1,3-5 (default: all)")
    p.add_argument("--voice", help="piper, espeak, none (silent, timed from the text) or recorded:DIR[+VOICE]")
    p.add_argument("--quality", help="preview, 720p30, 1080p30, 1080p60, 1440p60 or 4k")
    p.add_argument("--theme", help="dark or light")
    p.add_argument("--pace", type=float, help="every beat this many times its least length (< 1: a quick draft)")
    p.add_argument("--voice-script", dest="voice_script", metavar="DIR",
                   help="write the lines to record into DIR (a text file per line, a cue sheet) and stop")
    p.add_argument("--workers", type=argument(parse_workers), help="manim processes at once")
    p.add_argument("--no-cache", dest="no_cache", action="store_true", help="draw every chapter again")
    p.add_argument("--watch", action="store_true", help="render again on every save of the file (only the chapters "
                   "the edit changed; preview quality and silent unless --quality, --voice say otherwise) and show "
                   "it on a local page that reloads itself")
    p.set_defaults(func=cmd_lecture)


def cmd_lecture(args) -> int:
    if args.what in ACTIONS:
        if not args.file:
            raise OptvizError(f"optviz lecture {args.what} needs a " + ("built-in lecture's name (seed)" if args.what ==
                                                                         "show" else "lecture file: FILE.md"))
        return {"check": check, "new": new, "show": show}[args.what](args.file)
    if args.file:
        raise OptvizError(f"one lecture file at a time: got {args.what!r} and {args.file!r} (an action is one of: "
                          f"{', '.join(ACTIONS)})")
    return render(args)


def check(path) -> int:
    """Exit 0 when the file is clean, 1 with its problems (one line each), 2 when it cannot be read."""
    from ..data.files import counted
    from ..lecture.plan import check as check_doc
    from ..lecture.runs import lecture_file, own_pace, read_lecture
    path = lecture_file(path)
    doc = read_lecture(path)
    problems = check_doc(doc, own_pace(doc))
    for p in problems:
        print(p)
    beats = sum(1 for c in doc.chapters for it in c.items if not hasattr(it, "kind"))
    if problems:
        print(f"{path}: {counted(len(problems), 'problem')}", file=sys.stderr)
        return 1
    counts = ", ".join(counted(n, what) for n, what in
                       ((len(doc.chapters), "chapter"), (len(doc.shots()), "shot"), (beats, "beat")))
    print(f"{path}: fine ({counts})", file=sys.stderr)
    return 0


def new(path) -> int:
    from ..data.files import atomic_path
    path = Path(path)
    if path.exists():
        raise OptvizError(f"{str(path)!r} exists already: give a new file's name")
    if path.suffix.lower() != ".md":
        raise OptvizError(f"a lecture file is Markdown: give a name ending in .md, not {str(path)!r}")
    if not path.parent.is_dir():
        raise OptvizError(f"no folder {str(path.parent)!r} to write {path.name!r} into")
    with atomic_path(path) as tmp:
        tmp.write_text(STARTER, encoding="utf-8")
    print(f"wrote {path}: render it with `optviz lecture {path} -o {path.with_suffix('.mp4')}`", file=sys.stderr)
    return 0


def show(name) -> int:
    from ..lecture.runs import builtin_names, lecture_file
    if name not in builtin_names():
        raise OptvizError(f"no built-in lecture {name!r}; choose from: {', '.join(builtin_names())}")
    sys.stdout.write(lecture_file(name).read_text(encoding="utf-8"))
    return 0


def render(args) -> int:
    """The narrated video (or, with --voice-script, the lines to record)."""
    from ..lecture.runs import lecture_file, load
    from ..lecture.settings import voice_of
    from ..lecture.video import select
    from ..lecture.voice import check_voice_spec, get_voice
    from ..progress import count_bar
    from ..render.manim_video import check_request
    from .run import report_written
    if args.watch:
        return watch_video(args)
    doc = load(args.what)   # every problem of the file, before anything runs
    if not args.voice_script:
        from ..render.manim_video import check_manim
        check_manim("the lecture")
    meta = doc.meta
    voice = args.voice or voice_of(meta, lecture_file(args.what)) or "piper"
    quality = args.quality or meta.get("quality", "1080p30")
    theme = args.theme or meta.get("theme", "dark")
    pace = args.pace if args.pace is not None else float(meta.get("pace", 1.0))
    check_voice_spec(voice)
    check_look(theme, pace)
    select(args.chapters, [c.key for c in doc.chapters])
    if args.voice_script:
        return write_voice_script(args.what, args.voice_script, pace, quality)
    get_voice(voice)   # a voice whose extra is not installed stops here, before any run is computed
    output = args.output or "lecture.mp4"
    check_request(output, "lecture", quality, False)   # its folder takes a file, too
    from ..lecture.runs import prepare
    from ..lecture.video import render as render_video
    with count_bar("computing runs", "shot") as runs_bar, count_bar("speaking", "line") as voice_bar, \
            count_bar(f"rendering {Path(output).name}") as bar:
        lecture = prepare(args.what, report=bar.write, progress=runs_bar, warn=bar.warn)
        written = render_video(output, lecture=lecture, quality=quality, voice=voice, chapters=args.chapters,
                               options={"theme": theme, "pace": pace}, workers=args.workers,
                               cache=not args.no_cache, progress=bar, speaking=voice_bar, report=bar.write)
    report_written(written)
    return 0


def check_look(theme: str | None, pace: float | None) -> None:
    """The theme and pace a render is asked for (None: not asked), each refused in one line."""
    from ..render.style import THEMES
    if pace is not None and not 0.05 <= pace <= 4:
        raise OptvizError(f"--pace must be from 0.05 to 4 (1 is the lecture's own pace), got {pace!r}")
    if theme is not None and theme not in THEMES:
        raise OptvizError(f"unknown theme {theme!r}; choose from: {', '.join(THEMES)}")


def watch_video(args) -> int:
    """--watch: the flags checked once, then the file read, checked and rendered on every save."""
    from ..lecture.preview import video_page
    from ..lecture.runs import load, prepare
    from ..lecture.video import render as render_video
    from ..lecture.video import select
    from ..lecture.voice import get_voice
    from ..progress import count_bar
    from ..render.manim_video import check_manim, check_request
    from .watching import editable, run_watch
    if args.voice_script or args.no_cache:
        flag = "--voice-script" if args.voice_script else "--no-cache"
        raise OptvizError(f"--watch renders what changed: it does not take {flag}")
    path = editable(args.what)
    voice, quality = args.voice or "none", args.quality or "preview"
    get_voice(voice)
    check_look(args.theme, args.pace)   # the file's own are checked with the file, on every save
    output = Path(args.output or "lecture.mp4")
    check_request(output, "lecture", quality, False)
    check_manim("the lecture")
    shown = {"title": path.stem, "fresh": set(), "note": ""}

    def build() -> tuple[str, list]:
        doc = load(path)   # a broken save stops here, its problems on the page
        meta = doc.meta
        theme = args.theme or meta.get("theme", "dark")
        pace = args.pace if args.pace is not None else float(meta.get("pace", 1.0))
        select(args.chapters, [c.key for c in doc.chapters])   # --chapters against the file as saved
        drawn, notices = [], []
        lecture = prepare(path, warn=notices.append)
        with count_bar("rendering") as bar:
            render_video(output, lecture=lecture, quality=quality, voice=voice, chapters=args.chapters,
                         options={"theme": theme, "pace": pace}, workers=args.workers, progress=bar,
                         drawing=drawn.extend)
        which = ", ".join(map(str, drawn))
        note = (f"drew chapter{'s' * (len(drawn) > 1)} {which} of {len(doc.chapters)}" if drawn
                else "nothing to draw: every chapter as drawn before")
        shown.update(title=meta.get("title") or path.stem, fresh={doc.chapters[i - 1].key for i in drawn},
                     note=f"{note} · {quality}, voice {voice}")
        return note, notices

    stem = output.stem
    return run_watch(path, build, lambda: video_page(output, shown["title"], shown["fresh"], shown["note"]),
                     output.parent, lambda rel: rel in (output.name, f"{stem}.vtt")
                     or rel.startswith(f"{stem}_chapters/"))


def write_voice_script(source, folder, pace, quality) -> int:
    from ..lecture.runs import voice_script
    from ..render.manim_video import QUALITIES
    from .run import report_written
    voice_script(source, folder, pace, QUALITIES[quality][1], report=lambda line: print(line, file=sys.stderr))
    report_written([Path(folder)])
    return 0
