"""A line turned into a Speech: trimmed of leading and trailing silence, resampled to RATE, loudness
normalized (EBU R128: -16 LUFS integrated, true peak at most -2 dBTP), with each
word's time. Synthesized and normalized lines are cached by text, voice and settings, so a render with
one line changed synthesizes that line only. A synthetic voice is given the line as a teacher would
say it (`spoken_form`: 5e-07, 10⁻⁸, RMSprop in words), its word times mapped back onto the written words.
"""
from __future__ import annotations

import json
import re

import numpy as np

from ..version import __version__
from .audio import loudnorm, resample, trim
from ..cache import cache_dir, digest
from .timing import RATE, Speech, proportional_words


def process(samples: np.ndarray, rate: int, words, text: str) -> Speech:
    """Raw speech -> a Speech: trimmed, at RATE, normalized; its word times shifted with the trim (or
    shared out by characters when the voice reported none)."""
    trimmed, lead = trim(samples, rate)
    audio = loudnorm(resample(trimmed, rate, RATE))
    seconds = len(audio) / RATE
    if words:
        shift = lead / rate
        words = [(max(0.0, min(seconds, a - shift)), max(0.0, min(seconds, b - shift))) for a, b in words]
    else:
        words = proportional_words(text, seconds)
    return Speech(seconds, words, audio)


def cached(folder, key: str) -> Speech | None:
    audio_file, meta_file = folder / f"{key}.f32", folder / f"{key}.json"
    if audio_file.exists() and meta_file.exists():
        meta = json.loads(meta_file.read_text())
        return Speech(meta["seconds"], [tuple(w) for w in meta["words"]], np.fromfile(audio_file, dtype=np.float32),
                      meta.get("source", ""))
    return None


def keep(folder, key: str, speech: Speech, text: str) -> Speech:
    audio_file = folder / f"{key}.f32"
    tmp = audio_file.with_name(audio_file.name + ".tmp")
    speech.samples.astype(np.float32).tofile(tmp)
    tmp.replace(audio_file)
    (folder / f"{key}.json").write_text(json.dumps({"seconds": speech.seconds, "words": speech.words, "text": text,
                                                    "source": speech.source}))
    return speech


# a number in scientific notation, as a value's format may write it (3.4e-05): espeak, and piper through
# it, read it "three point four e zero five", the exponent's sign lost
SCIENTIFIC = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)[eE]([+-]?)0*(\d+)(?!\w|\.\w)")


# a power written with superscripts (x², 10⁻⁸): read "x two" and "ten", the power lost
SUPERSCRIPT = re.compile(r"(?<=\S)([⁻⁺]?)([⁰¹²³⁴⁵⁶⁷⁸⁹]+)")
# an optimizer's name as said aloud: espeak reads RMSprop "ar em sprop"
RMSPROP = re.compile(r"(?<![\w-])rmsprop", re.I)
DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


def _power(m: re.Match) -> str:
    n = m[2].translate(DIGITS)
    if not m[1] and n in ("2", "3"):
        return " squared" if n == "2" else " cubed"
    return f" to the {'minus ' * (m[1] == '⁻')}{n}"


def spoken_form(text: str) -> tuple[str, list[int]]:
    """(what a synthetic voice is given to say `text`, how many of its words each word of `text` became):
    a number in scientific notation said as a teacher says it, "3.4 times ten to the minus 5", a power
    in superscripts too ("x squared", "10 to the minus 8"), and RMSprop as "RMS prop"."""
    said, counts = [], []
    for word in text.split():
        out = SCIENTIFIC.sub(lambda m: f"{'' if m[1] == '1' else m[1] + ' times '}ten to the "
                                       f"{'minus ' * (m[2] == '-')}{m[3]}", word)
        out = SUPERSCRIPT.sub(_power, out)
        out = RMSPROP.sub("RMS prop", out)
        said.append(out)
        counts.append(len(out.split()))
    return " ".join(said), counts


def merged(words, counts: list[int]):
    """Word times of the said text back onto the written words: each spans the words it became."""
    if words is None or len(words) != sum(counts):
        return None   # shared out by characters instead (`process`)
    out, at = [], 0
    for n in counts:
        out.append((words[at][0], words[at + n - 1][1]))
        at += n
    return out


def synthesized(voice, text: str) -> Speech:
    """A synthetic line's speech, from the cache when the same voice has said the same text."""
    folder = cache_dir("voice")
    said, counts = spoken_form(text)
    key = digest(voice.settings(), said, "normalized -16 LUFS -2 dBTP", RATE, __version__)
    found = cached(folder, key)
    if found is not None:
        return found
    samples, rate, words = voice.synthesize(said)
    speech = process(samples, rate, merged(words, counts), text)
    speech.source = voice.describe()
    return keep(folder, key, speech, text)


def recorded(samples: np.ndarray, rate: int, text: str, source: str) -> Speech:
    """A recorded line's speech (its word times shared out by characters), cached by its samples."""
    folder = cache_dir("voice", "recorded")
    key = digest("recorded", samples.astype(np.float32).tobytes(), rate, RATE, text, __version__)
    found = cached(folder, key)
    if found is not None:
        found.source = source
        return found
    speech = process(samples, rate, None, text)
    speech.source = source
    return keep(folder, key, speech, text)
