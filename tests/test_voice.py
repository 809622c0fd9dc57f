"""Issue 23: the lecture speaks. Loudness held to ffmpeg's own EBU R128 meter; timing that follows
the voice (beats stretch to their lines, marks fall on their words); the teacher's recordings (tone
bursts of known lengths found again in the rendered file, where their cues say); the default voice
(speech in every chapter, every subtitle on a speech onset); the cache (one changed line: one line
spoken again, one chapter drawn again); bad voices and recordings in one line."""
from __future__ import annotations

import re
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from optviz.errors import OptvizError
from optviz.lecture.audio import TARGET, limit, loudness, loudnorm
from optviz.lecture.script import Beat, Chapter
from optviz.lecture.timing import LEAD, PAUSE, RATE, Speech, frames, lines, time_plan
from optviz.render.encode import ffmpeg_exe

ROOT = Path(__file__).resolve().parents[1]


def ebur128(path_or_samples, rate=RATE) -> tuple[float, float]:
    """ffmpeg's own meter: (integrated LUFS, true peak dBTP) of a file or of float32 mono samples."""
    if isinstance(path_or_samples, np.ndarray):
        cmd, data = ["-f", "f32le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0"], path_or_samples.astype(np.float32).tobytes()
    else:
        cmd, data = ["-i", str(path_or_samples)], None
    done = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostats", *cmd, "-af", "ebur128=peak=true",
                           "-f", "null", "-"], input=data, capture_output=True)
    text = done.stderr.decode()
    return float(re.findall(r"I:\s+(-?[\d.]+) LUFS", text)[-1]), float(re.findall(r"Peak:\s+(-?[\d.inf]+) dBFS", text)[-1])


def speechlike(seconds: float, seed: int) -> np.ndarray:
    """Noise shaped like speech: syllables of filtered noise with pauses, peaks well above the level."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    envelope = np.clip(np.sin(2 * np.pi * 3.1 * t) * (rng.random() + 0.5), 0, None) ** 2
    envelope *= (np.sin(2 * np.pi * 0.4 * t) > -0.3)
    noise = np.convolve(rng.normal(size=n), np.hanning(24), mode="same")
    return (0.05 * envelope * noise).astype(np.float32)


# ---- loudness ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_loudness_meter_reads_as_ffmpegs(seed):
    x = speechlike(4.0 + seed, seed)
    mine, peak = loudness(x)
    theirs, their_peak = ebur128(x)
    assert mine == pytest.approx(theirs, abs=0.15)
    assert peak == pytest.approx(their_peak, abs=0.2)


def test_a_line_is_normalized_to_minus_16_lufs_under_the_peak_ceiling_and_keeps_its_length():
    x = speechlike(5.0, 7) * 0.3
    y = loudnorm(x)
    level, peak = ebur128(y)
    assert len(y) == len(x)
    assert level == pytest.approx(TARGET, abs=0.3)
    assert peak <= -1.5   # our ceiling is -2 dBTP as we read it; the lecture may reach -1 after AAC


def test_the_limiter_never_raises_a_sample_and_holds_the_ceiling():
    x = speechlike(3.0, 3) * 20
    y = limit(x, -3.0, RATE)
    assert np.all(np.abs(y) <= np.abs(x) + 1e-7)
    assert loudness(y)[1] <= -2.9


# ---- timing -----------------------------------------------------------------------------------------

def test_a_beat_lasts_its_line_plus_a_pause_and_at_least_its_animation():
    ch = Chapter("x", "x", (Beat(2.0, "one two three"), Beat(6.0, "four"), Beat(1.0, "five six seven eight"),
                            Beat(1.0, None), Beat(0.5, "")))
    fps = 30
    speech = {ln.key: Speech(s, []) for ln, s in zip(lines([ch]), (3.0, 0.5, 4.0))}
    timed = time_plan([ch], speech, fps).plan[0]
    n = [frames(b.seconds, fps) for b in timed.beats]
    assert n[0] == int(np.ceil((LEAD + 3.0 + PAUSE) * fps))     # the line is longer than the animation
    assert n[1] == frames(6.0, fps)                             # the animation is longer than the line
    assert n[2] + n[3] == int(np.ceil((LEAD + 4.0 + PAUSE) * fps))   # a line running on over two beats
    assert n[2] == n[3]                                          # ... stretches both alike
    assert n[4] == frames(0.5, fps)


def test_a_mark_falls_on_its_word_and_one_line_retimes_only_its_chapter():
    a = Chapter("a", "a", (Beat(1.0, "first {x}second third fourth"), Beat(1.0, "")))
    b = Chapter("b", "b", (Beat(1.0, "other words here"),))
    words = [(0.0, 0.4), (0.5, 0.9), (1.0, 1.4), (1.5, 1.9)]
    speech = {(0, 1): Speech(1.9, words), (1, 1): Speech(1.2, [(0, 0.3), (0.4, 0.8), (0.9, 1.2)])}
    timed = time_plan([a, b], speech, 30)
    assert timed.plan[0].beats[0].marks == {"x": pytest.approx(LEAD + 0.5)}
    longer = {**speech, (0, 1): Speech(3.0, [(0.0, 0.5), (1.2, 1.5), (2.0, 2.5), (2.6, 3.0)])}
    again = time_plan([a, b], longer, 30)
    assert again.plan[0].beats[0].marks == {"x": pytest.approx(LEAD + 1.2)}
    assert again.chapter_frames(0) > timed.chapter_frames(0) and again.chapter_frames(1) == timed.chapter_frames(1)


# ---- the voices ---------------------------------------------------------------------------------------

def test_unknown_and_missing_voices_are_one_line(tmp_path, capsys, monkeypatch):
    from optviz.cli import main
    monkeypatch.chdir(tmp_path)
    for voice, message in (("robot", "unknown voice 'robot'; choose from: espeak, none, piper, recorded:DIR"),
                           ("recorded:", "needs the folder of recordings"),
                           ("recorded:nowhere", "--voice recorded:nowhere: no such folder"),
                           ("recorded:.+robot", "unknown voice to fill the unrecorded lines 'robot'")):
        assert main(["render", "--engine", "manim", "--scene", "lecture", "--voice", voice, "-o", "l.mp4"]) == 2
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1 and message in err, err
    assert main(["render", "--engine", "manim", "--scene", "rolling", "--voice", "piper", "-o", "r.mp4"]) == 2
    assert "speaks the lecture" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_the_piper_voice_without_its_extra_says_how_to_install_it(monkeypatch):
    import importlib.util

    from optviz.lecture.voice import get_voice
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "piper" else real(name, *a))
    with pytest.raises(OptvizError, match=r"the piper voice needs optviz\[voice\] \(piper-tts is not installed\): "
                                          r"pip install 'optviz\[voice\]'"):
        get_voice("piper")


def test_piper_reports_a_time_for_every_word_in_order():
    from optviz.lecture.speech import synthesized
    from optviz.lecture.voice import Piper
    text = "Put a ball at (1, 1.5): the gradient is w1 times 1000."
    samples, rate, words = Piper().synthesize(text)
    assert words is not None and len(words) == len(text.split())
    assert all(a < b for a, b in words) and all(w1[1] <= w2[0] + 1e-9 for w1, w2 in zip(words, words[1:]))
    assert words[-1][1] <= len(samples) / rate + 1e-6
    speech = synthesized(Piper(), text)
    assert speech.seconds == pytest.approx(len(speech.samples) / RATE)
    assert loudness(speech.samples)[0] == pytest.approx(TARGET, abs=0.3)


def test_a_line_said_once_is_not_said_again(monkeypatch):
    from optviz.lecture import speech as speech_module
    from optviz.lecture.voice import Espeak
    voice, said = Espeak(), []
    real = voice.synthesize
    monkeypatch.setattr(voice, "synthesize", lambda text: said.append(text) or real(text))
    first = speech_module.synthesized(voice, "A line to say once.")
    again = speech_module.synthesized(voice, "A line to say once.")
    other = speech_module.synthesized(voice, "A line changed.")
    assert said == ["A line to say once.", "A line changed."]
    np.testing.assert_array_equal(first.samples, again.samples)
    assert other.seconds != first.seconds


def test_a_number_in_scientific_notation_is_said_as_a_teacher_says_it(monkeypatch):
    """espeak (and piper through it) reads 5e-07 as "five e zero seven": the voice is given the words,
    and each written word keeps one time, spanning what it became."""
    from optviz.lecture import speech as speech_module
    from optviz.lecture.voice import Espeak
    voice, said = Espeak(), []
    real = voice.synthesize

    def synthesize(text):   # espeak's audio, with a time for every word it was given
        samples, rate, _ = real(text)
        said.append(text)
        return samples, rate, [(0.5 + 0.1 * k, 0.6 + 0.1 * k) for k in range(len(text.split()))]
    monkeypatch.setattr(voice, "synthesize", synthesize)
    written = "Adam reaches 5e-07, SGD 1.2e+03 and 1e-4."
    speech = speech_module.synthesized(voice, written)
    assert said == ["Adam reaches 5 times ten to the minus 7, SGD 1.2 times ten to the 3 and ten to the minus 4."]
    assert len(speech.words) == len(written.split()) == 7
    start = speech.words[0][0]   # (shifted by the silence trimmed before the first word)
    assert speech.words[2] == pytest.approx((start + 0.2, start + 0.9))   # "5e-07," said as 7 words
    assert speech.words[6] == pytest.approx((start + 1.7, start + 2.2))   # "1e-4." as 5
    # powers in superscripts, read "x two" and "ten" (the power lost)
    assert speech_module.spoken_form("x² + y³ and 10⁻⁸.") == ("x squared + y cubed and 10 to the minus 8.",
                                                               [2, 1, 2, 1, 5])
    assert speech_module.spoken_form("RMSprop's steps") == ("RMS prop's steps", [2, 1])   # not "ar em sprop"
    # the same words written out are the same line to the voice: said once
    speech_module.synthesized(voice, "Adam reaches 5 times ten to the minus 7, SGD 1.2 times ten to the 3 and ten "
                                     "to the minus 4.")
    assert len(said) == 1


# ---- the teacher's recordings, rendered -------------------------------------------------------------

BURSTS = [0.8, 1.4, 0.6, 2.0, 1.1]   # seconds of tone, one per line of chapter 8 (the summary: 5 lines)


def write_sound(path: Path, samples: np.ndarray, rate: int = 44100) -> Path:
    """A 16-bit mono WAV, as a teacher's recorder writes it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def burst(seconds: float, hz: float, rate: int = 44100, pad: float = 0.25) -> np.ndarray:
    """A tone of `seconds` (5 ms fades) between `pad` seconds of silence."""
    t = np.arange(int(seconds * rate)) / rate
    tone = 0.1 * np.sin(2 * np.pi * hz * t)
    fade = np.minimum(1, np.minimum(t, seconds - t) / 0.005)
    quiet = np.zeros(int(pad * rate))
    return np.concatenate([quiet, tone * fade, quiet])


def decoded_sound(path) -> np.ndarray:
    import av
    with av.open(str(path)) as c:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
        out = [f.to_ndarray().reshape(-1) for frame in c.decode(audio=0) for f in resampler.resample(frame)]
    return np.concatenate(out)


def bursts_in(samples: np.ndarray) -> list[tuple[float, float]]:
    """(start, length) in seconds of every stretch of sound (1 ms windows above -30 dB of the loudest)."""
    win = RATE // 1000
    m = len(samples) // win
    rms = np.sqrt((samples[:m * win].reshape(m, win).astype(np.float64) ** 2).mean(1) + 1e-20)
    on = 20 * np.log10(rms / rms.max()) > -30
    edges = np.flatnonzero(np.diff(np.concatenate([[0], on.astype(int), [0]])))
    return [(a / 1000, (b - a) / 1000) for a, b in zip(edges[::2], edges[1::2])]


def srt_starts(text: str) -> list[float]:
    out = []
    for h, m, s, ms in re.findall(r"^(\d\d):(\d\d):(\d\d),(\d\d\d) -->", text, re.M):
        out.append(int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000)
    return out


@pytest.fixture(scope="module")
def recordings(seed_lecture, tmp_path_factory):
    """The voice script for the lecture, written by the CLI, and tone bursts recorded for chapter 8."""
    folder = tmp_path_factory.mktemp("voice") / "my-voice"
    done = subprocess.run([sys.executable, "-m", "optviz", "render", "--engine", "manim", "--scene", "lecture",
                           "--voice-script", str(folder)], capture_output=True, text=True,
                          env=dict(__import__("os").environ))
    assert done.returncode == 0, done.stderr
    for k, seconds in enumerate(BURSTS, 1):
        write_sound(folder / "08-summary" / f"{k:02d}.wav", burst(seconds, 300 + 110 * k))
    return folder


def test_the_voice_script_has_a_file_per_line_a_cue_sheet_and_a_how_to(recordings, seed_lecture):
    plan = seed_lecture.plan
    every = lines(plan)
    texts = sorted(recordings.glob("*/*.txt"))
    assert len(texts) == len(every)
    assert (recordings / "03-momentum" / "02.txt").read_text().strip() == \
        next(ln.text for ln in every if ln.chapter == 2 and ln.number == 2)
    cues = (recordings / "cues.md").read_text()
    assert cues.count("\n| ") == len(every) + 2 and "`08-summary/05.wav`" in cues
    how_to = (recordings / "HOW-TO.txt").read_text()
    assert f"    optviz lecture seed --voice recorded:{recordings} -o lecture.mp4\n" in how_to, how_to
    assert "beside the folder (01-gradient.wav)" in how_to


@pytest.fixture(scope="module")
def spoken(recordings, seed_lecture, tmp_path_factory):
    """Chapters 2 and 8: the summary in the recorded bursts, the SGD chapter filled in by espeak."""
    from optviz.lecture.video import render
    out = tmp_path_factory.mktemp("spoken") / "recorded.mp4"
    said = []
    written = render(out, quality="preview", voice=f"recorded:{recordings}+espeak", chapters="2,8",
                     options={"pace": 0.25}, lecture=seed_lecture, workers=2, timeout=900, report=said.append)
    return out, written, said


@pytest.mark.slow
def test_every_recorded_burst_plays_where_its_cue_says_at_its_length(spoken):
    """From the rendered chapter file alone: five bursts, each starting within a frame of a subtitle
    cue and lasting its recorded length within 20 ms."""
    out, _, _ = spoken
    chapter = out.with_name("recorded_chapters") / "02-summary.mp4"
    found = bursts_in(decoded_sound(chapter))
    assert [round(length, 1) for _, length in found] == [round(b, 1) for b in BURSTS]
    for (start, length), want in zip(found, BURSTS):
        assert abs(length - want) <= 0.020
    starts = srt_starts(out.with_suffix(".srt").read_text())
    offset = float(json_chapters(out)[1]["start"])   # chapter 8 follows chapter 2 in the whole lecture
    fps = 15
    for start, _ in found:
        assert min(abs(offset + start - s) for s in starts) <= 1 / fps, start


def json_chapters(out):
    import json
    return json.loads((out.with_name(out.stem + "_chapters") / "chapters.json").read_text())


def probe_streams(path) -> dict:
    import json
    done = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_type,codec_name,duration", "-of",
                           "json", str(path)], capture_output=True, text=True)
    return {s["codec_type"]: s for s in json.loads(done.stdout)["streams"]}


@pytest.mark.slow
def test_the_sound_is_as_long_as_the_picture_and_at_minus_16_lufs(spoken):
    out, _, _ = spoken
    for video in (out, *sorted(out.with_name("recorded_chapters").glob("*.mp4"))):
        streams = probe_streams(video)
        assert streams["audio"]["codec_name"] == "aac"
        assert abs(float(streams["audio"]["duration"]) - float(streams["video"]["duration"])) <= 1 / 15, video.name
    level, peak = ebur128(out)
    assert abs(level - TARGET) <= 1.0 and peak <= -1.0


@pytest.mark.slow
def test_one_line_recorded_again_renders_only_its_chapter(spoken, recordings, seed_lecture, monkeypatch):
    """Line 3 of the summary recorded again, longer: its chapter is drawn again, the SGD chapter is
    reused, and none of the espeak lines is synthesized again."""
    from optviz.lecture import voice as voices
    from optviz.lecture.video import render
    out, _, _ = spoken
    calls = []
    real = voices.Espeak.synthesize
    monkeypatch.setattr(voices.Espeak, "synthesize", lambda self, text: calls.append(text) or real(self, text))
    write_sound(recordings / "08-summary" / "03.wav", burst(1.6, 630))
    said = []
    again = out.with_name("again.mp4")
    render(again, quality="preview", voice=f"recorded:{recordings}+espeak", chapters="2,8", options={"pace": 0.25},
           lecture=seed_lecture, workers=2, timeout=900, report=said.append)
    assert calls == []
    assert [("drawn before" in line) for line in said if line.startswith("chapter ")] == [True, False]
    found = bursts_in(decoded_sound(again.with_name("again_chapters") / "02-summary.mp4"))
    assert abs(found[2][1] - 1.6) <= 0.020
    assert json_chapters(again)[0] == json_chapters(out)[0]            # the SGD chapter: timed alike
    assert json_chapters(again)[1]["end"] > json_chapters(out)[1]["end"]  # the summary: longer


def test_a_one_take_chapter_is_split_at_its_pauses(recordings, seed_lecture, tmp_path):
    from optviz.lecture.recorded import RecordedVoice
    plan = seed_lecture.plan
    mine = [ln for ln in lines(plan) if ln.chapter == 1]
    lengths = [0.5 + 0.2 * k for k in range(len(mine))]
    take = np.concatenate([burst(s, 400, pad=0.3) for s in lengths])
    folder = tmp_path / "takes"
    write_sound(folder / "02-sgd.wav", take)
    voice = RecordedVoice(folder)
    voice.check(plan, mine)
    got = [voice.speech(plan, ln).seconds for ln in mine]
    assert got == pytest.approx([s + 0.04 for s in lengths], abs=0.025)   # trimmed to 20 ms either side


@pytest.mark.parametrize("case, message", [
    ("missing", r"missing recordings in .*: 08-summary/04 \(record them"),
    ("empty", r"08-summary/02.wav: the recording is empty"),
    ("silent", r"08-summary/02.wav: the recording is silent"),
    ("unreadable", r"08-summary/02.wav: cannot be read as sound"),
    ("long", r"08-summary/02.wav lasts 45.5 s, more than line 2 of its chapter can take"),
])
def test_a_bad_recording_stops_the_render_in_one_line_naming_it(case, message, seed_lecture, tmp_path):
    folder = tmp_path / "voice"
    for k, seconds in enumerate(BURSTS, 1):
        if not (case == "missing" and k == 4):
            write_sound(folder / "08-summary" / f"{k:02d}.wav", burst(seconds, 500))
    bad = folder / "08-summary" / "02.wav"
    if case == "empty":
        write_sound(bad, np.zeros(0))
    elif case == "silent":
        write_sound(bad, np.zeros(44100))
    elif case == "unreadable":
        bad.write_bytes(b"RIFF not really a recording")
    elif case == "long":
        write_sound(bad, burst(45.0, 500))
    out = tmp_path / "out"
    out.mkdir()
    done = subprocess.run([sys.executable, "-m", "optviz", "render", "--engine", "manim", "--scene", "lecture",
                           "--chapters", "8", "--voice", f"recorded:{folder}", "-o", str(out / "l.mp4")],
                          capture_output=True, text=True,
                          env=dict(__import__("os").environ))
    assert done.returncode == 2, done.stderr
    lines_said = done.stderr.strip().splitlines()
    assert len(lines_said) == 1 and re.search(message, lines_said[0]), done.stderr
    assert list(out.iterdir()) == []


# ---- the default voice ------------------------------------------------------------------------------

@pytest.mark.slow
def test_the_default_voice_speaks_every_chapter_and_every_cue_starts_on_speech(seed_lecture, tmp_path):
    """The whole lecture's narration in the default voice, as the render assembles it (no picture):
    every chapter has speech, and every subtitle cue starts within 0.3 s of a speech onset found in
    the sound by ffmpeg's silencedetect."""
    from optviz.lecture.subtitles import cues
    from optviz.lecture.video import narration_tracks
    from optviz.lecture.voice import get_voice, speak
    plan = seed_lecture.plan
    every = list(range(len(plan)))
    timing = time_plan(plan, speak(get_voice("piper"), plan, lines(plan)), 30, every)
    tracks = narration_tracks(timing, every)
    for i, track in tracks.items():
        assert loudness(track)[0] > -20, plan[i].key   # speech in every chapter
    whole = np.concatenate([tracks[i] for i in every])
    raw = tmp_path / "narration.f32"
    whole.tofile(raw)
    done = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostats", "-f", "f32le", "-ar", str(RATE), "-ac", "1",
                           "-i", str(raw), "-af", "silencedetect=n=-35dB:d=0.05", "-f", "null", "-"],
                          capture_output=True, text=True)
    onsets = [0.0] + [float(v) for v in re.findall(r"silence_end: ([\d.]+)", done.stderr)]
    found = cues(timing, every)
    late = [(round(a, 2), text[:30]) for a, _, text in found if min(abs(a - o) for o in onsets) > 0.3]
    assert len(found) > 80 and late == []


def test_the_default_voice_says_a_line_the_same_every_time():
    """Piper samples noise for its prosody; optviz seeds it, so a render from an empty cache gives the
    same speech as any other (two syntheses of one line, in one process, sample for sample)."""
    from optviz.lecture.voice import Piper
    voice = Piper()
    text = "Every direction gets the same learning rate. And here, every direction is flat."
    a, b = voice.synthesize(text)[0], voice.synthesize(text)[0]
    np.testing.assert_array_equal(a, b)
