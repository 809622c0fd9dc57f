"""Issue 24: the lecture as a deck. A narrated lecture (chapters 1 and 8, espeak, preview quality) is
rendered once; the deck is cut from it and judged by what a teacher's tools read: the clips decoded
frame by frame against the chapter they were cut from, the HTML deck driven in Chromium (slides,
keys, playback, sound, the loop, the live slide against `simulate`, the notes), the PPTX read by
python-pptx, the PDF by pypdf, bad input on the command line."""
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import optviz
from optviz.cli import main
from optviz.cli.browser import ARGS, chromium_path
from optviz.lecture.script import spoken

SEED = ["sgd:lr=10", "momentum:lr=10,momentum=0.9", "adam:lr=1"]
CHOSEN = "1,8"


def frames_of(path):
    import av
    with av.open(str(path)) as f:
        return [fr.to_ndarray(format="rgb24") for fr in f.decode(video=0)]


def audio_seconds(path):
    import av
    with av.open(str(path)) as f:
        if not f.streams.audio:
            return 0.0
        s = f.streams.audio[0]
        return sum(fr.samples for fr in f.decode(s)) / s.rate


@pytest.fixture(scope="module")
def lecture(seed_lecture, tmp_path_factory):
    from optviz.lecture.video import render
    out = tmp_path_factory.mktemp("narrated") / "lecture.mp4"
    render(out, quality="preview", voice="espeak", chapters=CHOSEN, workers=2, lecture=seed_lecture, timeout=1200)
    return out


@pytest.fixture(scope="module")
def listing(lecture):
    return json.loads((lecture.with_name("lecture_chapters") / "chapters.json").read_text())


@pytest.fixture(scope="module")
def deck(lecture, tmp_path_factory):
    folder = tmp_path_factory.mktemp("deck") / "lecture-deck"
    assert main(["slides", str(lecture), "-o", str(folder)]) == 0   # the video named as --lecture names it
    return folder


@pytest.mark.slow
def test_every_beat_is_a_clip_cut_exactly_from_its_chapter(lecture, listing, deck, seed_lecture):
    plan = {c.key: c for c in seed_lecture.plan}
    for ch in listing:
        assert len(ch["slides"]) == len(plan[ch["key"]].beats)          # a slide a beat of the script
        whole = frames_of(lecture.with_name("lecture_chapters") / ch["file"])
        first = 0
        for k, s in enumerate(ch["slides"], 1):
            clip = deck / "clips" / f"{ch['number']:02d}-{k:02d}.mp4"
            got = frames_of(clip)
            assert len(got) == s["frames"], clip.name
            # copied, not re-encoded: every pixel of every frame is the chapter's own
            assert all(np.array_equal(a, b) for a, b in zip(got, whole[first:first + s["frames"]])), clip.name
            assert abs(audio_seconds(clip) - s["frames"] / ch["fps"]) < 0.03, clip.name
            first += s["frames"]
        assert first == len(whole)


@pytest.mark.slow
def test_a_slide_before_it_plays_shows_its_beats_last_frame(lecture, listing, deck, browser):
    """Issue 34: the poster (in the overview, before the first click) is where the beat ends, as in
    the PPTX: each slide's JPEG against its chapter's own frame, and Chromium loads every one."""
    from PIL import Image
    markup = (deck / "index.html").read_text()
    for ch in listing:
        whole = frames_of(lecture.with_name("lecture_chapters") / ch["file"])
        end = 0
        for k, s in enumerate(ch["slides"], 1):
            end += s["frames"]
            name = f"{ch['number']:02d}-{k:02d}"
            assert f'data-src="clips/{name}.mp4" poster="clips/{name}.jpg"' in markup
            poster = np.asarray(Image.open(deck / "clips" / f"{name}.jpg").convert("RGB")).astype(int)
            error = np.abs(poster - whole[end - 1]).mean(2)
            assert error.mean() < 1.5 and np.percentile(error, 99.9) < 24, name   # JPEG's rounding only
    page = open_deck(browser, deck / "index.html")
    sizes = page.evaluate("Promise.all([...document.querySelectorAll('video.clip')].map(v => new Promise(r => {"
                          " const i = new Image(); i.onload = () => r(i.naturalHeight); i.onerror = () => r(0);"
                          " i.src = v.poster; })))")
    assert len(sizes) == sum(len(ch["slides"]) for ch in listing) and min(sizes) == whole[0].shape[0]
    page.close()


@pytest.mark.slow
def test_the_notes_are_the_narration_every_word_once(listing, seed_lecture):
    plan = {c.key: c for c in seed_lecture.plan}
    for ch in listing:
        notes = " ".join(s["notes"] for s in ch["slides"] if s["notes"])
        assert notes.split() == plan[ch["key"]].narration.split()
        # a slide's notes start with its own line where it has one
        for beat, s in zip(plan[ch["key"]].beats, ch["slides"]):
            if beat.say:
                first_words = spoken(beat.say)[0].split()[:2]
                assert s["notes"].split()[:2] == first_words


# ---- the HTML deck in Chromium -------------------------------------------------------------------------

CHROMIUM = chromium_path()


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    with playwright.sync_playwright() as p:
        # a click starts the deck in a real talk; the test browser is allowed to play sound without one
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS + ["--autoplay-policy=no-user-gesture-required"])
        yield b
        b.close()


def open_deck(browser, path, hash_="", touch=False):
    page = browser.new_page(viewport={"width": 1920, "height": 1080}, has_touch=touch)
    errors, requests = [], []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(Path(path).as_uri() + hash_)
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    page.errors, page.requests = errors, requests
    return page


def current(page):
    return page.evaluate("(() => { const s = Reveal.getCurrentSlide(), v = s.querySelector('video.clip');"
                         " return {id: s.id, cls: s.className, t: v ? v.currentTime : null, d: v ? v.duration : null,"
                         " paused: v ? v.paused : null, ended: v ? v.ended : null, muted: v ? v.muted : null,"
                         " audio: v ? v.webkitAudioDecodedByteCount : null}; })()")


@pytest.mark.slow
def test_the_deck_has_a_slide_a_beat_and_the_arrow_advances(browser, deck, listing):
    page = open_deck(browser, deck / "index.html")
    beats = sum(len(ch["slides"]) for ch in listing)
    assert page.evaluate("document.querySelectorAll('section.beat').length") == beats
    assert page.evaluate("document.querySelectorAll('.slides > section[data-chapter]').length") == len(listing)
    assert page.evaluate("Reveal.getTotalSlides()") == beats + 2   # and the title slide, the live slide
    assert current(page)["id"] == ""                               # the title slide
    page.keyboard.press("ArrowRight")
    assert current(page)["id"] == "s01-01"
    page.keyboard.press("ArrowRight")
    assert current(page)["id"] == "s01-02"
    page.keyboard.press("ArrowLeft")
    assert current(page)["id"] == "s01-01"
    # offline: nothing but the deck's own files is asked for
    assert all(u.startswith("file://") or u.startswith("data:") or u == "about:srcdoc" for u in page.requests)
    assert page.errors == []
    page.close()


@pytest.mark.slow
def test_a_clip_plays_with_its_sound_to_its_end_and_holds(browser, deck):
    page = open_deck(browser, deck / "index.html", "#/2/0")    # chapter 8's first beat
    page.wait_for_function("Reveal.getCurrentSlide().querySelector('video.clip').ended", timeout=30_000)
    state = current(page)
    assert state["id"] == "s08-01" and state["ended"] and abs(state["t"] - state["d"]) < 0.1
    assert state["audio"] > 0                       # its narration was decoded
    time.sleep(0.5)
    held = current(page)
    assert held["id"] == "s08-01" and held["t"] == state["t"]     # it holds its last frame, nothing moves on
    page.close()


@pytest.mark.slow
def test_a_looping_slide_loops_by_itself_and_finishes_its_loop_before_advancing(browser, deck, listing):
    loops = [k for k, s in enumerate(listing[0]["slides"]) if s["loop"]]
    assert loops, "chapter 1 has a looping beat"
    k = loops[0]
    page = open_deck(browser, deck / "index.html", f"#/1/{k}")
    slide = f"s01-{k + 1:02d}"
    length = listing[0]["slides"][k]["frames"] / listing[0]["fps"]
    # it starts without a click, and comes round again by itself, silent the second time
    page.wait_for_function("Reveal.getCurrentSlide().querySelector('video.clip').muted", timeout=int(3e3 * length))
    assert current(page)["id"] == slide and not current(page)["paused"]
    page.wait_for_function("Reveal.getCurrentSlide().querySelector('video.clip').currentTime > 0.3")
    asked = page.evaluate("Reveal.getCurrentSlide().querySelector('video.clip').currentTime")
    t0 = time.monotonic()
    page.keyboard.press("ArrowRight")
    assert current(page)["id"] == slide and "finishing" in current(page)["cls"]   # not yet
    page.wait_for_function(f"Reveal.getCurrentSlide().id !== '{slide}'", timeout=int(3e3 * length))
    waited = time.monotonic() - t0
    assert current(page)["id"] == f"s01-{k + 2:02d}"
    assert waited >= length - asked - 0.5           # it waited for the rest of the loop
    page.close()


def swipe(page, start, end):
    """A finger dragged from `start` to `end` (CSS pixels), as Chromium's touchscreen reports it."""
    cdp = page.context.new_cdp_session(page)
    steps = [(start[0] + (end[0] - start[0]) * f, start[1] + (end[1] - start[1]) * f) for f in (0, 0.5, 1)]
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": steps[0][0], "y": steps[0][1]}]})
    for x, y in steps[1:]:
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


@pytest.mark.slow
def test_a_swipe_moves_as_the_keys_do_and_waits_for_a_loop_too(browser, deck, listing):
    k = next(k for k, s in enumerate(listing[0]["slides"]) if s["loop"])
    page = open_deck(browser, deck / "index.html", f"#/1/{k}", touch=True)
    slide, length = f"s01-{k + 1:02d}", listing[0]["slides"][k]["frames"] / listing[0]["fps"]
    page.wait_for_function("Reveal.getCurrentSlide().querySelector('video.clip').currentTime > 0.3")
    swipe(page, (960, 540), (975, 548))              # a tap's wobble is not a swipe
    assert current(page)["id"] == slide and "finishing" not in current(page)["cls"]
    swipe(page, (1400, 540), (600, 560))             # to the left: next, once the loop is done
    assert current(page)["id"] == slide and "finishing" in current(page)["cls"]
    page.wait_for_function(f"Reveal.getCurrentSlide().id !== '{slide}'", timeout=int(3e3 * length))
    assert current(page)["id"] == f"s01-{k + 2:02d}"
    swipe(page, (600, 540), (1400, 520))             # to the right: back
    assert current(page)["id"] == slide
    assert page.errors == []
    page.close()


@pytest.mark.slow
def test_the_live_slide_answers_a_click_with_the_path_simulate_computes(browser, deck, listing):
    page = open_deck(browser, deck / "index.html", "#/3/0")
    assert "live" in current(page)["cls"]
    frame = page.frame_locator("iframe.live")
    frame.locator("body[data-ready='1']").wait_for()
    inner = next(f for f in page.frames if f.url == "about:srcdoc")
    # issue 34: the page wears the lecture's theme (a dark deck, a dark page)
    from matplotlib.colors import to_rgb

    from optviz.render.style import Style
    assert listing[0]["theme"] == "dark"
    want = tuple(round(255 * v) for v in to_rgb(Style(theme="dark").colors.background))
    got = inner.evaluate("getComputedStyle(document.body).backgroundColor")
    assert got == f"rgb({want[0]}, {want[1]}, {want[2]})", got
    fg = inner.locator("#fg").bounding_box()       # Playwright gives it in the deck's pixels
    px, py = inner.evaluate("window.optviz.toPx(6, 6)")
    page.mouse.click(fg["x"] + px, fg["y"] + py)
    start = inner.evaluate("window.optviz.state.start")
    assert abs(start[0] - 6) < 0.05 and abs(start[1] - 6) < 0.05
    exp = optviz.simulate("pathological", SEED, [start], 50, dtype="float64")
    # SGD at lr=10 is chaotic from some starts: compare over the steps where gradients perturbed by
    # 1e-13 still agree to 1e-10 (at least 25 of them)
    a, b = (optviz.simulate("pathological", SEED, [start], 50, dtype="float64", noise=1e-13, seed=s) for s in (0, 1))
    spread = (np.abs(a.position - b.position) / np.maximum(np.abs(a.position), 1)).max(axis=(1, 3))
    worst = 0.0
    for m in range(3):
        steps = int(np.argmax(np.append(spread[m] > 1e-10, True)))
        assert steps >= 25, (m, steps)
        pos = np.array(inner.evaluate(f"window.optviz.runs()[{m}].pos"))[:steps]
        want = exp.position[m, 0, :steps]
        worst = max(worst, float((np.abs(pos - want) / np.maximum(np.abs(want), 1)).max()))
    assert worst < 1e-9, worst
    # the clicker's page key still drives the deck from inside the page
    inner.locator("#fg").press("PageUp")
    assert current(page)["id"] == f"s08-{len(listing[-1]['slides']):02d}"
    page.close()


@pytest.mark.slow
def test_the_speaker_view_shows_the_narration(browser, deck, listing):
    page = open_deck(browser, deck / "index.html", "#/1/1")
    want = listing[0]["slides"][1]["notes"]
    assert page.evaluate("Reveal.getSlideNotes()") == want
    with page.expect_popup() as opened:
        page.keyboard.press("s")
    view = opened.value
    view.wait_for_function("document.querySelector('.speaker-controls-notes .value') && "
                           "document.querySelector('.speaker-controls-notes .value').textContent.length > 0",
                           timeout=15_000)
    assert " ".join(view.evaluate("document.querySelector('.speaker-controls-notes .value').textContent").split()) \
        == " ".join(want.split())
    page.close()


@pytest.mark.slow
def test_one_file_holds_everything_and_plays_offline(browser, lecture, tmp_path, listing):
    out = tmp_path / "deck.html"
    assert main(["slides", "--lecture", str(lecture), "--one-file", "-o", str(out)]) == 0
    markup = re.sub(r"<(script|style)>.*?</\1>", "", out.read_text(), flags=re.S)
    assert re.findall(r'\b(?:src|href|poster)="(?!data:)[^"]', markup) == []    # no file beside it is needed
    assert "<script src" not in markup and "<link" not in markup
    page = open_deck(browser, out, "#/2/0")
    page.wait_for_function("Reveal.getCurrentSlide().querySelector('video.clip').currentTime > 0.5", timeout=20_000)
    assert current(page)["audio"] > 0
    assert all(u.startswith("file://") or u.startswith("data:") or u == "about:srcdoc" for u in page.requests)
    assert page.evaluate("document.querySelectorAll('section.beat').length") == sum(len(c["slides"]) for c in listing)
    page.close()


# ---- PowerPoint and the handout ------------------------------------------------------------------------


@pytest.mark.slow
def test_the_pptx_has_a_slide_a_beat_with_its_movie_and_notes(lecture, listing, tmp_path):
    pptx = pytest.importorskip("pptx")
    from pptx.enum.shapes import MSO_SHAPE_TYPE
    out = tmp_path / "deck.pptx"
    assert main(["slides", "--lecture", str(lecture), "--to", "pptx", "-o", str(out)]) == 0
    deck = pptx.Presentation(str(out))
    slides = [s for ch in listing for s in ch["slides"]]
    assert len(deck.slides) == len(slides)
    for slide, s in zip(deck.slides, slides):
        movies = [sh for sh in slide.shapes if sh.shape_type == MSO_SHAPE_TYPE.MEDIA]
        assert len(movies) == 1
        assert slide.notes_slide.notes_text_frame.text == s["notes"]
    media = [p for p in deck.part.package.iter_parts() if p.partname.endswith(".mp4")]
    assert len(media) == len(slides)
    # issue 34: a movie's poster, what the slide view shows, is its beat's last frame (the first slide's
    # first frame is black); checked on each chapter's first slide against the chapter's own video
    from io import BytesIO

    from PIL import Image
    k = 0
    for ch in listing:
        frames = frames_of(lecture.with_name("lecture_chapters") / ch["file"])
        movie = next(sh for sh in deck.slides[k].shapes if sh.shape_type == MSO_SHAPE_TYPE.MEDIA)
        blob = deck.slides[k].part.related_part(movie._element.blipFill.blip.rEmbed).blob
        poster = np.asarray(Image.open(BytesIO(blob)).convert("RGB"))
        np.testing.assert_array_equal(poster, frames[ch["slides"][0]["frames"] - 1][..., :3])
        assert poster.mean() > 5   # not the black first frame
        k += len(ch["slides"])


@pytest.mark.slow
def test_the_pdf_handout_has_a_page_a_slide(lecture, listing, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    out = tmp_path / "handout.pdf"
    assert main(["slides", "--lecture", str(lecture), "--to", "pdf", "-o", str(out)]) == 0
    reader = pypdf.PdfReader(str(out))
    slides = [s for ch in listing for s in ch["slides"]]
    assert len(reader.pages) == len(slides)
    k = next(i for i, s in enumerate(slides) if len(s["notes"].split()) > 6)
    page_text = " ".join(reader.pages[k].extract_text().split())
    assert " ".join(slides[k]["notes"].split()[:6]) in page_text


# ---- bad input -------------------------------------------------------------------------------------------


def run_cli(args, cwd):
    return subprocess.run([sys.executable, "-m", "optviz", "slides", *args], cwd=cwd, capture_output=True, text=True)


def test_without_a_rendered_lecture_it_says_which_command_makes_one(tmp_path):
    done = run_cli(["-o", "deck"], tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "optviz lecture LECTURE.md -o lecture.mp4" in done.stderr and "no rendered lecture" in done.stderr
    assert list(tmp_path.iterdir()) == []
    # the lecture's file, or another file beside its video, named where the video goes
    (tmp_path / "talk.md").write_text("# A\n\nx\n")
    done = run_cli(["--lecture", "talk.md"], tmp_path)
    assert done.returncode == 2 and done.stderr.strip() == (
        "optviz: error: talk.md is the lecture's file, not its video: render it with `optviz lecture talk.md -o "
        "talk.mp4`, then cut the deck with `optviz slides --lecture talk.mp4`")
    done = run_cli(["--lecture", "talk.srt"], tmp_path)
    assert done.returncode == 2 and "talk.srt is not a rendered lecture's video" in done.stderr
    # the video named without --lecture is the lecture (it was read as a TOML spec: "can't decode byte 0x8e")
    for name in ("talk.mp4", "talk.WEBM"):
        done = run_cli([name], tmp_path)
        assert done.returncode == 2 and done.stderr == run_cli(["--lecture", name], tmp_path).stderr
        assert done.stderr.startswith(f"optviz: error: no rendered lecture at {name}"), done.stderr
    done = run_cli(["talk.mp4", "--lecture", "other.mp4"], tmp_path)
    assert done.returncode == 2 and "two lectures: talk.mp4 and --lecture other.mp4" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["talk.md"]


@pytest.mark.slow
@pytest.mark.parametrize("args, message", [
    (["--chapters", "9"], "from 1 to 8"),
    (["--chapters", "3"], "holds chapters 1, 8 only"),
    (["--voice", "piper"], "rendered with --voice espeak"),
    (["--quality", "1080p30"], "rendered with --quality preview"),
    (["--to", "pptx", "-o", "deck.pdf"], "writes a .pptx file"),
    (["--to", "pdf", "--one-file"], "--one-file is for the HTML deck"),
    (["-o", "taken"], "is a file"),
])
def test_bad_input_is_one_line_and_writes_nothing(lecture, tmp_path, args, message):
    (tmp_path / "taken").write_text("mine")
    args = [*args, *([] if "-o" in args else ["-o", "deck"])]
    done = run_cli(["--lecture", str(lecture), *args], tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and message in done.stderr, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"] and (tmp_path / "taken").read_text() == "mine"
