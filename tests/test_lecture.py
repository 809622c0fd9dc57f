"""Issues 14 and 30: the lecture, here the built-in one, read from its file (lectures/seed.md). Its script (every chapter readable and narratable at a human pace, subtitles
that never overlap, parts that cover every beat once), and renders of it read back with ffprobe and
PyAV: chapter markers where the script puts them, a video per chapter with exactly the script's
frames, subtitles inside the video, a narration section per chapter, the index first in every MP4,
and a chapter rendered in parts equal to the same chapter rendered whole. Renders are marked slow."""
import json
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from optviz.cli import main
from optviz.lecture.runs import plan_of
from optviz.lecture.script import Beat, Chapter, reading_problems, words
from optviz.lecture.timing import draft_speech, frames, lines, time_plan, timeline
from optviz.lecture.video import PART_START, parts, select
from optviz.render.occlusion import prefix_runs, visibility, visible_runs

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ["gradient", "sgd", "momentum", "adam", "race", "stochastic", "network", "summary"]
TITLES = ["A loss surface and its gradient", "SGD: a step against the gradient", "Momentum: a velocity that builds up",
          "Adam: a step size for every coordinate", "Pathological curvature: 50 steps, then 1000",
          "Stochastic gradients: a cloud, not a line", "Sharp or wide minima? A real network", "Which optimizer, then?"]


@pytest.fixture(scope="module")
def data(seed_lecture):
    return seed_lecture


@pytest.fixture(scope="module")
def plan(data):
    return data.plan


def shot_runs(lecture, name):
    """A shot's runs as the lecture saved them: {stem: data object}."""
    from optviz.lecture.files import load_data
    return load_data(lecture.folders[name])


def drafted(plan, fps=30, pace=1.0):
    """The plan timed as the silent draft (voice none) times it."""
    return time_plan(plan, {ln.key: draft_speech(ln, pace) for ln in lines(plan)}, fps)


# ---- the script -------------------------------------------------------------------------------------

def test_the_chapters_follow_the_post(plan):
    assert [c.key for c in plan] == list(CHAPTERS)
    assert [c.title for c in plan] == TITLES
    assert all(c.narration and c.beats for c in plan)


def test_every_text_can_be_read_as_the_draft_times_it(plan):
    """On the timed plan (the silent draft's: a beat lasts as long as its line at 2.7 words a second),
    every on-screen text can be read at 3 words a second before it leaves."""
    assert reading_problems(drafted(plan).plan) == []


def test_the_pace_check_catches_text_that_leaves_too_soon():
    fast = Chapter("x", "x", (Beat(1.0, "", {"a": "nine words that nobody can read in one second"}),
                              Beat(1.0, "", clear=("a",))))
    problems = reading_problems([fast])
    assert problems == ["x: 'a' (9 words) is read by 3.0 s but leaves at 1.0 s"]


def texts_of(chapter) -> list[str]:
    return [t for b in chapter.beats for t in b.texts.values()]


def test_the_numbers_on_screen_are_the_runs_own(plan, data):
    """What the built-in lecture says about its runs, checked against runs computed here with optviz's
    own calls (simulate, the study's results), not through the lecture's values."""
    from optviz.core.engine import simulate
    race = next(c for c in plan if c.key == "race")
    seed = simulate("pathological", ["sgd:lr=10", "momentum:lr=10,momentum=0.9", "adam:lr=1"], [[7, 7]], 1000)
    assert f"Adam {np.format_float_positional(seed.loss[2, 0, 50], 2, fractional=False)}" in texts_of(race)[1]
    assert f"SGD {float(seed.loss[0, 0, 50]):.3g}" in texts_of(race)[1]
    assert f"SGD {float(seed.loss[0, 0, 1000]):.3g}" in texts_of(race)[2]
    # the post's momentum and torch's at a tenth of the rate: one path, velocities 1/(1 - 0.9) apart
    forms = simulate("pathological", ["momentum:lr=10,momentum=0.9", "torch-momentum:lr=1,momentum=0.9"], [[7, 7]], 50)
    np.testing.assert_allclose(forms.position[1], forms.position[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(forms.state["velocity"][1, :, 1:], 10 * forms.state["velocity"][0, :, 1:], rtol=1e-4)
    momentum = next(c for c in plan if c.key == "momentum")
    assert any("its velocity is 10 times the post's" in b.say for b in momentum.beats)
    # the real network: the study's accuracies and sharpness, as its result reports them
    gen = shot_runs(data, "digits")["study"]
    acc = gen.values[:, :, gen.metrics.index("test_acc")].mean(0)
    net = next(c for c in plan if c.key == "network")
    shown = " ".join(texts_of(net))
    assert f"Adam {100 * acc[1]:.1f}%" in shown and f"momentum {100 * acc[0]:.1f}%" in shown
    titles = ["Momentum", "Adam", "SAM"]
    end = gen.values[:, :, gen.metrics.index("top_eigenvalue")].mean(0)
    common = gen.values[:, :, gen.metrics.index("common_top_eigenvalue")].mean(0)
    said = " ".join(b.say for b in net.beats if b.say)
    assert f"the flattest minimum is {titles[np.argmin(end)]}'s" in said
    assert f"the flattest is {titles[np.argmin(common)]}'s, and the sharpest {titles[np.argmax(common)]}'s" in said
    # the other side: on Wilson et al.'s least squares the adaptive methods call every unseen point
    # positive, so their accuracy is the share of positive test labels of each seed's draw
    from optviz.core.networks.wilson import wilson_data
    wil = shot_runs(data, "wilson")["study"]
    names = [o["name"] for o in wil.meta["optimizers"]]
    wacc = wil.values[:, :, wil.metrics.index("test_acc")]
    positives = np.mean([(wilson_data(100, 0.6, 1000, s)[3] > 0).mean() for s in wil.seeds])
    for name in ("adam", "rmsprop", "adagrad"):
        assert wacc[:, names.index(name)].mean() == pytest.approx(positives, abs=1e-12)
    assert (wacc[:, names.index("sgd")] == 1).all() and (wacc[:, names.index("momentum")] == 1).all()
    assert "SGD 100% · momentum 100%" in shown
    assert f"Adam {100 * positives:.0f}%" in shown


def srt_cues(text: str) -> list[tuple[float, float, str]]:
    stamp = r"(\d\d):(\d\d):(\d\d),(\d\d\d)"
    cues = []
    for block in text.strip().split("\n\n"):
        lines = block.splitlines()
        m = re.fullmatch(f"{stamp} --> {stamp}", lines[1])
        h1, m1, s1, ms1, h2, m2, s2, ms2 = map(int, m.groups())
        cues.append((h1 * 3600 + m1 * 60 + s1 + ms1 / 1000, h2 * 3600 + m2 * 60 + s2 + ms2 / 1000, "\n".join(lines[2:])))
        assert int(lines[0]) == len(cues)
    return cues


def test_subtitles_are_the_spoken_words_each_cue_from_its_first_word_to_its_last():
    """Two chapters of made-up lines with made-up word times: every cue holds consecutive words of one
    line, starts when its first word starts and ends when its last ends, at most 84 characters, and
    no two overlap; a line running on over beats is one line."""
    from optviz.lecture.subtitles import CUE_CHARS, cues
    from optviz.lecture.timing import LEAD, Speech
    long = ("This line is long enough to need two cues, because it goes on and on, well past what a viewer "
            "reads at once.")
    chapter = Chapter("x", "x", (Beat(2.0, "A short line."), Beat(1.5, None), Beat(1.0, ""), Beat(0.5, long),
                                 Beat(1.0, None)))
    plan = [chapter, chapter]
    speech = {}
    for ln in lines(plan):
        n = len(ln.text.split())
        speech[ln.key] = Speech(0.4 * n, [(0.4 * k + 0.05, 0.4 * k + 0.3) for k in range(n)])
    timing = time_plan(plan, speech, 30)
    got = cues(timing, [0, 1])
    assert [len(ln.text.split()) for ln in lines(plan)] == [3, 23, 3, 23]
    assert len(got) == 2 * (1 + 2)
    assert all(len(text.replace("\n", " ")) <= CUE_CHARS for _, _, text in got)
    assert all(a[1] <= b[0] for a, b in zip(got, got[1:]))
    # the first cue: the first line's three words, from 0.05 s after LEAD to 0.3 s into its third word
    assert got[0][2] == "A short line."
    assert got[0][0] == pytest.approx(LEAD + 0.05) and got[0][1] == pytest.approx(LEAD + 0.8 + 0.3)
    joined = " ".join(text.replace("\n", " ") for _, _, text in got[1:3])
    assert joined == long and got[1][2].endswith(",")   # broken where the sense breaks
    # the second chapter's cues come after the first chapter's end
    first_end = timing.chapter_frames(0) / 30
    assert got[3][0] >= first_end


def test_the_parts_cover_every_beat_of_every_chapter_once(plan):
    chosen = select("1,3-5,8", CHAPTERS)
    assert chosen == [0, 2, 3, 4, 7]
    for workers in (1, 2, 4):
        jobs = parts(plan, chosen, 30, workers)
        for i in chosen:
            mine = [p for p in jobs if p.chapter == i]
            assert mine[0].first == 0 and mine[-1].last == len(plan[i].beats) - 1
            assert all(a.last + 1 == b.first for a, b in zip(mine, mine[1:]))
            assert sum(p.frames for p in mine) == sum(frames(b.seconds, 30) for b in plan[i].beats)
        if workers == 1:
            assert len(jobs) == len(chosen)
        else:   # no part costs more than a share of the whole, unless it is a single beat; at most a part per
            # worker of a chapter, and a chapter within its share is one part
            share = (sum(p.cost for p in jobs) + len(chosen) * PART_START) / (workers + 1)
            assert all(p.cost <= share * 1.5 or p.first == p.last for p in jobs)
            for i in chosen:
                mine = [p for p in jobs if p.chapter == i]
                assert len(mine) <= workers
                assert len(mine) == 1 or sum(p.cost for p in mine) > share


@pytest.mark.parametrize("text", ["0", "9", "2-1", "a", "1,,3", "3-"])
def test_bad_chapter_lists_name_the_choices(text):
    from optviz.errors import OptvizError
    with pytest.raises(OptvizError, match=r"bad chapters .* from 1 to 8, e.g. 1,3-5 \(1 gradient, 2 sgd"):
        select(text, CHAPTERS)


def test_bad_chapters_on_the_command_line_are_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for argv, message in ((["--scene", "lecture", "--chapters", "12"], "bad chapters '12'"),
                          (["--scene", "rolling", "--chapters", "2"], "picks chapters of the lecture"),
                          (["--scene", "lecture", "-o", "l.gif"], "the lecture is a video with chapters")):
        out = ["-o", "l.mp4"] if "-o" not in argv else []
        assert main(["render", "--engine", "manim", *argv, *out]) == 2
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1 and message in err, err
    assert list(tmp_path.iterdir()) == []


def test_remembered_trail_visibility_equals_the_per_frame_one():
    """A still camera's trail: the pieces computed from the whole path's visibility, cut at k, are the
    pieces of the path up to k computed afresh (a made-up surface hiding what is below z = sin 3x)."""
    rng = np.random.default_rng(3)
    pts = np.cumsum(rng.normal(size=(60, 3)) * [0.2, 0.2, 0.3], axis=0)
    hidden = lambda p: p[:, 2] < np.sin(3 * p[:, 0])  # noqa: E731
    vis = visibility(pts, hidden)
    for k in [0, 1, 5.5, 17.25, 33, 42.9, 59]:
        i = int(math.floor(k))
        head = pts[:i + 1] if k == i else np.vstack([pts[:i + 1], pts[i] + (k - i) * (pts[i + 1] - pts[i])])
        want, got = visible_runs(head, hidden), prefix_runs(pts, vis, k)
        assert len(want) == len(got)
        for a, b in zip(want, got):
            np.testing.assert_allclose(a, b, atol=2e-3 * np.abs(pts).max())   # bisection: 1/1024 of a segment


def test_the_generalization_result_reads_back(data, tmp_path):
    from optviz.data.generalization import GeneralizationResult
    r = GeneralizationResult.load(data.folders["digits"] / "study.npz")
    r.save(tmp_path / "again.npz")
    again = GeneralizationResult.load(tmp_path / "again.npz")
    assert again.labels == r.labels and again.metrics == r.metrics and again.meta == r.meta
    np.testing.assert_array_equal(again.values, r.values)


# ---- renders -------------------------------------------------------------------------------------

def probe(path, *entries):
    out = subprocess.run(["ffprobe", "-v", "error", "-of", "json", *entries, str(path)], capture_output=True, text=True)
    return json.loads(out.stdout)


def frame_count(path) -> int:
    s = probe(path, "-count_frames", "-select_streams", "v", "-show_entries", "stream=nb_read_frames")
    return int(s["streams"][0]["nb_read_frames"])


def index_first(path) -> bool:
    """True when an MP4's moov box comes before its mdat box (a browser can start playing at once)."""
    data = Path(path).read_bytes()
    at, order = 0, []
    while at + 8 <= len(data):
        size, kind = int.from_bytes(data[at:at + 4], "big"), data[at + 4:at + 8].decode("latin-1")
        order.append(kind)
        at += size if size > 1 else len(data)
    return "moov" in order and "mdat" in order and order.index("moov") < order.index("mdat")


PACE = 0.25


@pytest.fixture(scope="module")
def lecture(data, tmp_path_factory):
    from optviz.lecture.video import render
    out = tmp_path_factory.mktemp("lecture") / "lecture.mp4"
    written = render(out, quality="preview", voice="none", options={"pace": PACE}, workers=2, lecture=data,
                     timeout=1200)
    return out, written


@pytest.mark.slow
def test_the_lecture_has_its_chapters_subtitles_and_narration(lecture, data):
    """The silent draft at a quarter of the pace: chapter markers where the timing puts them, the
    script's frames in every chapter file and in the whole, subtitles inside it, every line in the
    narration script."""
    out, written = lecture
    plan = drafted(plan_of(data, PACE), fps=15, pace=PACE).plan
    times = timeline(plan, list(range(len(plan))), 15)
    assert written == [out, out.with_suffix(".srt"), out.with_suffix(".vtt"), out.with_suffix(".md"),
                       out.with_name("lecture_chapters")]
    marks = probe(out, "-show_chapters")["chapters"]
    assert [c["tags"]["title"] for c in marks] == [f"{n}. {t}" for n, t in enumerate(TITLES, 1)]
    for mark, t in zip(marks, times):
        assert abs(float(mark["start_time"]) - t["start"]) < 1e-3 and abs(float(mark["end_time"]) - t["end"]) < 1e-3
    duration = float(probe(out, "-show_entries", "format=duration")["format"]["duration"])
    assert abs(duration - times[-1]["end"]) < 0.1
    assert frame_count(out) == sum(frames(b.seconds, 15) for c in plan for b in c.beats)
    assert not probe(out, "-select_streams", "a", "-show_entries", "stream=codec_type")["streams"]   # silent
    videos = sorted((out.with_name("lecture_chapters")).glob("*.mp4"))
    assert [v.name for v in videos] == [f"{n:02d}-{k}.mp4" for n, k in enumerate(CHAPTERS, 1)]
    for v, c in zip(videos, plan):
        assert frame_count(v) == sum(frames(b.seconds, 15) for b in c.beats), v.name
        assert index_first(v)
    assert index_first(out)
    cues = srt_cues(out.with_suffix(".srt").read_text())
    assert len(cues) >= 60 and all(a[1] <= b[0] for a, b in zip(cues, cues[1:])) and cues[-1][1] <= duration
    assert all(0 <= a < b for a, b, _ in cues)
    webvtt = out.with_suffix(".vtt").read_text()
    assert webvtt.startswith("WEBVTT\n\n") and webvtt.count(" --> ") == len(cues)
    script = out.with_suffix(".md").read_text()
    sections = re.findall(r"^## (\d)\. (.+) \((\d+):(\d\d\.\d)–(\d+):(\d\d\.\d)\)$", script, re.M)
    assert [s[1] for s in sections] == TITLES
    assert all(ln.text in script for ln in lines(plan))
    assert all(words(c.narration) > 50 for c in plan)


@pytest.mark.slow
def test_each_chapter_shows_its_own_picture(lecture):
    """The frame at each chapter's middle is not blank, and differs from the other chapters' (looked at
    by eye as well: see the closing note)."""
    import av
    out, _ = lecture
    middles = [(float(c["start_time"]) + float(c["end_time"])) / 2 for c in probe(out, "-show_chapters")["chapters"]]
    shots = []
    with av.open(str(out)) as container:
        for t in middles:
            container.seek(int(t * 1e6), any_frame=False, backward=True, stream=None)
            frame = next(f for f in container.decode(video=0) if f.time >= t - 0.07)
            shots.append(frame.to_ndarray(format="rgb24").astype(int))
    assert all(s.std() > 20 for s in shots)
    assert min(np.abs(a - b).mean() for i, a in enumerate(shots) for b in shots[i + 1:]) > 3


@pytest.mark.slow
def test_a_chapter_in_parts_equals_it_rendered_whole(data, tmp_path):
    """The race, cut into parts whose earlier beats are played without drawing, gives the frames of
    the race rendered in one go (up to the encoder: each part starts with a key frame)."""
    import imageio.v3 as iio

    from optviz.lecture.video import render
    whole = render(tmp_path / "whole.mp4", quality="preview", voice="none", options={"pace": PACE}, workers=1,
                   lecture=data, chapters="5", cache=False)[0]
    cut = render(tmp_path / "cut.mp4", quality="preview", voice="none", options={"pace": PACE}, workers=3,
                 lecture=data, chapters="5", cache=False)[0]
    assert len([p for p in parts(drafted(plan_of(data, PACE), 15, PACE).plan, [4], 15, 3)]) >= 2
    a, b = iio.imread(whole, plugin="pyav").astype(int), iio.imread(cut, plugin="pyav").astype(int)
    assert a.shape == b.shape
    diff = np.abs(a - b).mean(axis=(1, 2, 3))
    assert diff.max() < 2.0, diff.max()


@pytest.mark.slow
def test_chapters_subset_from_the_command_line(data, tmp_path, monkeypatch):
    """`optviz render SPEC` with the lecture's chapters 2 and 8 (its runs cached by the session),
    spoken by the default voice: two chapters, their markers, their subtitles, sound in both; and a line
    naming every file written with its length and size."""
    spec = tmp_path / "lecture.toml"
    spec.write_text('engine = "manim"\n[manim]\nscene = "lecture"\nquality = "preview"\nchapters = "2,8"\n'
                    'pace = 0.25\n[[output]]\npath = "out/short.mp4"\n')   # a relative path into a folder
    out = subprocess.run([sys.executable, "-m", "optviz", "render", str(spec), "--workers", "2"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=1200,
                         env=dict(__import__("os").environ))
    assert out.returncode == 0, out.stderr
    tmp_path = tmp_path / "out"
    marks = probe(tmp_path / "short.mp4", "-show_chapters")["chapters"]
    assert [c["tags"]["title"] for c in marks] == ["1. " + TITLES[1], "2. " + TITLES[7]]
    assert sorted(p.name for p in (tmp_path / "short_chapters").glob("*.mp4")) == ["01-sgd.mp4", "02-summary.mp4"]
    said = out.stderr.strip().splitlines()
    assert re.fullmatch(r"wrote .*short\.mp4 \(\d:\d\d\.\d, [\d.]+ [kM]B\)", said[-5]), said
    assert said[-1].endswith("short_chapters/ (3 files)")
    for video in (tmp_path / "short.mp4", *(tmp_path / "short_chapters").glob("*.mp4")):
        assert probe(video, "-select_streams", "a", "-show_entries", "stream=codec_name")["streams"] == \
            [{"codec_name": "aac"}], video.name
    cues = srt_cues((tmp_path / "short.srt").read_text())
    assert cues[-1][1] <= float(marks[-1]["end_time"]) + 1e-6


def test_a_lecture_that_fails_to_join_leaves_nothing_behind(data, tmp_path):
    """The parts render, then ffmpeg fails joining them: no lecture, no chapters folder, no temp files."""
    from optviz.errors import OptvizError
    from optviz.lecture.video import build_lecture

    def run_part(jobs, plan, timing):
        return {p: tmp_path / f"part{k}.mp4" for k, p in enumerate(jobs)}

    def join(files, target, metadata):
        raise OptvizError("ffmpeg could not join the videos: (made up)")

    out = tmp_path / "out" / "lecture.mp4"
    out.parent.mkdir()
    with pytest.raises(OptvizError, match="could not join"):
        build_lecture(data, out, fps=15, fmt="mp4", chapters="1,2", workers=2, options={}, run_part=run_part,
                      join=join, voice="none", cache=False)
    assert list(out.parent.iterdir()) == []


def test_an_entrance_beside_a_steady_animation_is_done_in_the_first_seconds(monkeypatch):
    """A beat with a steady animation (a clock, a zoom) plays for the whole beat; an entrance beside it
    must still be done after QUICK seconds, as the reading test assumes, not spread over the beat."""
    from types import SimpleNamespace

    monkeypatch.syspath_prepend(str(Path(__file__).parents[1] / "scenes"))
    from manim import FadeIn, Square, ValueTracker, config
    import lecture

    plays = []
    scene = SimpleNamespace(mobjects=[], renderer=SimpleNamespace(), always_update_mobjects=False, updaters=[],
                            play=lambda *a, run_time: plays.append((a, run_time)), wait=lambda t: None,
                            get_mobject_family_members=lambda: [], bring_to_front=lambda *m: None)
    chapter = SimpleNamespace(key="x", beats=[SimpleNamespace(seconds=8.0)] * 2)
    beats = lecture.Beats(scene, chapter, "dark")
    beats(FadeIn(Square()), steady=[ValueTracker(0).animate.set_value(1)])
    beats(FadeIn(Square()))
    fps = config.frame_rate
    (steady_beat, played), (alone, quick) = plays
    entrance, clock = steady_beat
    done = lecture.QUICK / 8.0   # the entrance's share of the beat
    assert played == pytest.approx(8.0, abs=1 / fps) and quick == pytest.approx(lecture.QUICK, abs=1 / fps)
    assert entrance.rate_func(done) == pytest.approx(1.0) and entrance.rate_func(done / 2) < 0.9
    assert clock.rate_func(0.5) == pytest.approx(0.5)
    assert alone[0].rate_func(1.0) == pytest.approx(1.0) and alone[0].rate_func(0.5) == pytest.approx(0.5)


def test_a_beat_holds_once_its_last_timed_moment_has_ended(monkeypatch):
    """A moment timed inside a long beat (a quick fade at its mark) is played until it ends and the
    rest of the beat is a wait (drawn once when nothing moves), not frames redrawn with nothing
    changing; a moment that runs to the beat's end plays the whole beat. Either way the beat lasts
    its frames, and the moment is done where it ends."""
    from types import SimpleNamespace

    monkeypatch.syspath_prepend(str(Path(__file__).parents[1] / "scenes"))
    from manim import ValueTracker, config
    import lecture

    plays, waits = [], []
    scene = SimpleNamespace(mobjects=[], renderer=SimpleNamespace(), always_update_mobjects=False, updaters=[],
                            play=lambda *a, run_time: plays.append((a, run_time)), wait=waits.append,
                            get_mobject_family_members=lambda: [], bring_to_front=lambda *m: None)
    chapter = SimpleNamespace(key="x", beats=[SimpleNamespace(seconds=8.0)] * 2)
    beats = lecture.Beats(scene, chapter, "dark")
    fps = config.frame_rate
    beats(windows=[(ValueTracker(0).animate.set_value(1), 1.0, 2.0, True)])
    beats(windows=[(ValueTracker(0).animate.set_value(1), 1.0, None, True)])
    ((fade,), early), ((run,), whole) = plays
    assert early == pytest.approx(2.0, abs=1.5 / fps) and whole == pytest.approx(8.0, abs=1 / fps)
    assert len(waits) == 1 and early + waits[0] == pytest.approx(8.0, abs=1 / fps)   # the held rest, still
    # a play of n frames runs (n - 0.5) / fps; its frames are at k / fps, k < n; rate t: t * n / fps
    # seconds into the beat. By the last frame the fade is done; halfway through it, half done
    n = round(early * fps + 0.5)
    assert fade.rate_func((n - 1) / (n - 0.5)) == pytest.approx(1.0)
    assert fade.rate_func(1.5 / (n / fps)) == pytest.approx(0.5)
    m = round(whole * fps + 0.5)
    assert run.rate_func(4.5 / (m / fps)) == pytest.approx(0.5) and run.rate_func(1.0) == pytest.approx(1.0)


def test_lengths_read_as_minutes_and_tenths_and_carry_into_the_minute():
    from optviz.render.encode import clock
    assert [clock(t) for t in (0, 6.0, 45.04, 349.5, 59.96, 119.95)] == \
        ["0:00.0", "0:06.0", "0:45.0", "5:49.5", "1:00.0", "2:00.0"]
