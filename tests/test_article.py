"""Issue 31: `optviz article FILE.md -o post/`, the lecture file as a post. One authored lecture (a 2-D
race whose numbers a line quotes, a rule, a shot kept out with figure=no, a line with Markdown's own
characters) written as a post: its numbers against `optviz.simulate` run here, found alike in the page,
post.md, the subtitles and the video's texts (the scenes played without drawing); the page in Chromium
at 400 and 1280 px (every figure loads from the folder, nothing from the network, nothing wider than
the window); the live figure against simulate; post.md read back by markdown-it; bad input in one line,
nothing half-written."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import optviz
from optviz.cli import main
from optviz.cli.browser import ARGS, chromium_path

ROOT = Path(__file__).resolve().parents[1]
START, STEPS, SPECS = [-1.5, 2.5], 40, ["sgd:lr=0.001", "adam:lr=0.05"]
LECTURE = f"""---
title: A valley, two optimizers
theme: light
---

# Into the valley {{#valley}}

::: race surface=rosenbrock start=-1.5,2.5 steps={STEPS} optimizers="{' '.join(SPECS)}" view=2d name=first
Two optimizers set off from the same point.

{{go}}After {{first.steps}} steps, Adam's loss is {{first.loss.adam:.4g}} and SGD's {{first.loss.sgd:.4g}}.
> Adam {{first.loss.adam:.4g}} · SGD {{first.loss.sgd:.4g}}

# Momentum's rule {{#rule}}

::: rule surface=rosenbrock start=-1.5,2.5 steps=20 optimizer=momentum:lr=0.001,momentum=0.9 walk=2 name=mom
{{rule}}Momentum keeps a velocity.

{{walk}}Two single steps, as torch.optim.SGD(params,lr=0.001,momentum=0.9,dampening=0.9) takes them. {{run}}Then *all* of them: a loss < {{mom.loss0:.4g}}, by [design] # or luck.

::: surface surface=rosenbrock point=-1,1 steps=3 figure=no name=hidden
This shot stays out of the post; its words do not.
"""


@pytest.fixture(scope="module")
def post(tmp_path_factory):
    folder = tmp_path_factory.mktemp("article")
    src = folder / "valley.md"
    src.write_text(LECTURE)
    assert main(["article", str(src), "-o", str(folder / "post")]) == 0
    return folder / "post"


def html_text(page: str) -> str:
    import html
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_the_post_holds_every_chapter_line_and_figure(post):
    page = (post / "index.html").read_text()
    assert sorted(p.name for p in (post / "figures").iterdir()) == ["01-first.gif", "02-mom.gif", "live.html"]
    assert "figure=no" not in page and "its words do not" in page   # the kept-out shot: words, no figure
    for gif in ("01-first.gif", "02-mom.gif"):
        im = Image.open(post / "figures" / gif)
        assert im.n_frames > 50 and im.info.get("loop") == 0 and (post / "figures" / gif).stat().st_size <= 2e6
    text = html_text(page)
    for said in ("Two optimizers set off from the same point.", "Momentum keeps a velocity.",
                 "Then *all* of them: a loss <", "by [design] # or luck."):
        assert said in text
    assert "{go}" not in page and "{rule}" not in text   # marks are the video's, not the reader's
    rule = re.search(r'<pre class="formula">(.*?)</pre>', page, re.S).group(1)   # as the registry states it
    assert rule.splitlines() == ["v = momentum*v + (1-momentum)*g with v0 = 0", "w = w - lr*v"]


def test_the_same_numbers_in_the_post_the_subtitles_and_the_video(post, tmp_path):
    exp = optviz.simulate("rosenbrock", SPECS, [START], STEPS)
    adam, sgd = (f"{float(exp.loss[m, 0, STEPS]):.4g}" for m in (1, 0))
    said = f"After {STEPS} steps, Adam's loss is {adam} and SGD's {sgd}."
    shown = f"Adam {adam} · SGD {sgd}"
    page, md = html_text((post / "index.html").read_text()), (post / "post.md").read_text()
    assert said in page and shown in page
    # the caption names the optimizers as the figure's legend does, and the surface as its title does
    title = exp.meta["surface"]["title"]
    assert f"{title}, seen from above: {' · '.join(exp.labels)} from (-1.5, 2.5), {STEPS} steps." in page
    assert said in md.replace("\\", "") and shown in md

    # the subtitles and the video's texts, from the same file through the video's own path
    from optviz.lecture.runs import prepare
    from optviz.lecture.script import plan_to_json
    from optviz.lecture.subtitles import cues, srt
    from optviz.lecture.timing import draft_speech, lines, time_plan
    src = post.parent / "valley.md"
    lecture = prepare(src)
    timing = time_plan(lecture.plan, {ln.key: draft_speech(ln) for ln in lines(lecture.plan)}, 15)
    subtitles = srt(cues(timing, list(range(len(lecture.plan)))))   # as the .srt file beside the video
    assert said in " ".join(line for line in subtitles.splitlines() if line and not line[0].isdigit())
    plan = tmp_path / "plan.json"
    plan.write_text(plan_to_json(timing.plan, 15))
    log = tmp_path / "layout.jsonl"
    done = subprocess.run([sys.executable, "-m", "manim", "render", "-ql", "--dry_run", "-v", "ERROR", "--progress_bar",
                           "none", str(ROOT / "scenes" / "lecture.py"), "LectureChapter"], cwd=tmp_path, text=True,
                          capture_output=True, timeout=300, env={**os.environ, "OPTVIZ_LAYOUT_LOG": str(log),
                                                                 "OPTVIZ_LECTURE_PLAN": str(plan), "OPTVIZ_CHAPTER": "1"})
    assert done.returncode == 0, done.stderr[-2000:]
    on_screen = {t["text"] for beat in map(json.loads, log.read_text().splitlines()) for t in beat["shown"]
                 if t["kind"] == "text"}
    assert shown in on_screen


def test_post_md_reads_back_as_the_page_says(post):
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin
    md = (post / "post.md").read_text()
    tokens = MarkdownIt("commonmark").use(front_matter_plugin).parse(md)
    import yaml
    assert yaml.safe_load(tokens[0].content) == {"title": "A valley, two optimizers", "theme": "light"}
    paragraphs = [t.children for t in tokens if t.type == "inline"]
    plain = [" ".join(c.content for c in kids if c.type == "text") for kids in paragraphs]
    page = (post / "index.html").read_text()
    import html
    said = [html.unescape(p) for p in re.findall(r"<p>(.*?)</p>", page)]
    for p in said:   # every paragraph of the page is a paragraph of post.md, its characters literal
        assert p in plain, p
    images = [c.attrs["src"] for kids in paragraphs for c in kids if c.type == "image"]
    assert images == ["figures/01-first.gif", "figures/02-mom.gif"]
    assert all((post / i).is_file() for i in images)
    assert "figures/live.html" in md


CHROMIUM = chromium_path()


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed")
def test_the_page_in_chromium_offline_at_400_and_1280_px(post, tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        outside = []
        for width in (400, 1280):
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.route("**/*", lambda route: (outside.append(route.request.url), route.abort())
                       if not route.request.url.startswith("file://") else route.continue_())
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto((post / "index.html").as_uri())
            page.evaluate("() => Promise.all([...document.images].map((i) => { i.loading = 'eager'; "
                          "return i.decode(); }))")
            sizes = page.evaluate("[...document.images].map((i) => [i.naturalWidth, i.getBoundingClientRect().width])")
            assert len(sizes) == 2 and all(n > 0 and 0 < w <= width for n, w in sizes), sizes
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= width, (width, wide)
            page.locator("figure.live iframe").scroll_into_view_if_needed()   # it loads when seen (lazy)
            for _ in range(100):   # a file:// frame is its own origin: found among the page's frames
                live = [f for f in page.frames if f.url.split("#")[0].endswith("/figures/live.html")]
                if live:
                    break
                page.wait_for_timeout(100)
            live[0].wait_for_function("document.body.dataset.ready === '1'")
            # it plays on arrival, seen as the race's figure (view=2d: the map)
            live[0].wait_for_function("window.optviz.state.step > 0 && window.optviz.state.view === 'map'")
            page.screenshot(path=str(tmp_path / f"post-{width}.png"), full_page=True)
            assert errors == []
            page.close()
        # the live figure runs what simulate runs (float64, a short stable horizon)
        page = browser.new_page()
        page.goto((post / "figures" / "live.html").as_uri())
        page.wait_for_function("document.body.dataset.ready === '1'")
        config = page.evaluate("window.optviz.config")
        runs = page.evaluate("([s, ps]) => ps.map((o) => window.optviz.run(s, 30, o.kind, o.params))",
                             [START, config["optimizers"]])
        want = optviz.simulate("rosenbrock", SPECS, [START], 30, dtype="float64")
        for m, r in enumerate(runs):
            assert np.abs(np.array(r["pos"]) - want.position[m, 0]).max() < 1e-9
        browser.close()
    assert outside == []


def test_bad_input_is_one_line_and_leaves_the_post_as_it_was(tmp_path, capsys):
    src = tmp_path / "bad.md"
    src.write_text(LECTURE.replace("view=2d", "view=4d"))
    target = tmp_path / "post"
    target.mkdir()
    (target / "index.html").write_text("the last good post")
    line = next(n for n, text in enumerate(LECTURE.splitlines(), 1) if text.startswith("::: race"))
    assert main(["article", str(src), "-o", str(target)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"optviz: error: {src}:{line}: bad view '4d' for a race shot: choose from: 2d, 3d"]
    assert main(["article", str(src), "--figures", "webp", "-o", str(target)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "optviz: error: bad --figures 'webp': choose from gif, mp4, png"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.md", "post"]
    assert [p.name for p in target.iterdir()] == ["index.html"]


def test_a_failure_while_drawing_leaves_nothing_half_written(tmp_path, monkeypatch, capsys):
    from optviz.errors import OptvizError
    from optviz.lecture import article
    src = tmp_path / "valley.md"
    src.write_text(LECTURE)
    calls = []

    def fail(shot, *a, **k):
        calls.append(shot.name)
        if len(calls) == 2:
            raise OptvizError("the disk is full")
        return []
    monkeypatch.setattr(article, "draw", fail)
    assert main(["article", str(src), "-o", str(tmp_path / "post"), "--figures", "png", "--no-cache"]) == 2
    assert "the disk is full" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["valley.md"]


def test_mp4_figures_have_posters_and_the_size_is_reported(tmp_path, capsys):
    src = tmp_path / "valley.md"
    src.write_text(LECTURE.split("# Momentum's rule")[0])
    assert main(["article", str(src), "-o", str(tmp_path / "post"), "--figures", "mp4", "--no-live"]) == 0
    figures = sorted(p.name for p in (tmp_path / "post" / "figures").iterdir())
    assert figures == ["01-first.mp4", "01-first.png"]
    page = (tmp_path / "post" / "index.html").read_text()
    assert 'src="figures/01-first.mp4" poster="figures/01-first.png"' in page and "<iframe" not in page
    total = sum(p.stat().st_size for p in (tmp_path / "post").rglob("*") if p.is_file())
    err = capsys.readouterr().err
    from optviz.data.files import human_size
    assert f"{human_size(total)} in all" in err


def test_writing_again_draws_only_what_the_edit_changed(tmp_path, capsys):
    """A figure drawn before from the same shot and runs is reused (what --watch relies on), and is the
    file drawing it anew gives."""
    from optviz.lecture.article import write_article
    src = tmp_path / "valley.md"
    src.write_text(LECTURE)
    first = write_article(src, tmp_path / "a", figures="png", live_page=None)
    assert first["drawn"] == ["first", "mom"] and first["kept"] == []
    src.write_text(LECTURE.replace("Two optimizers set off", "Two optimizers start"))   # words only
    words = write_article(src, tmp_path / "b", figures="png", live_page=None)
    assert words["drawn"] == [] and "Two optimizers start" in (tmp_path / "b" / "index.html").read_text()
    src.write_text(LECTURE.replace("steps=20 optimizer=momentum", "steps=25 optimizer=momentum"))   # one shot
    shot = write_article(src, tmp_path / "c", figures="png", live_page=None)
    assert shot["drawn"] == ["mom"] and shot["kept"] == ["first"]
    fresh = write_article(src, tmp_path / "d", figures="png", live_page=None, cache=False)
    for name in ("01-first.png", "02-mom.png"):
        assert (tmp_path / "c" / "figures" / name).read_bytes() == (tmp_path / "d" / "figures" / name).read_bytes()
    edited, old = (tmp_path / d / "figures" / "02-mom.png" for d in ("c", "a"))
    assert edited.read_bytes() != old.read_bytes()
    assert fresh["drawn"] == ["first", "mom"]
    assert main(["article", "seed", "--watch"]) == 2
    assert "--watch follows a lecture file you edit, not the built-in 'seed'" in capsys.readouterr().err


def test_the_built_in_article_in_the_gallery_is_whole_and_under_5_mb():
    post = ROOT / "assets" / "seed-article"
    size = sum(p.stat().st_size for p in post.rglob("*") if p.is_file())
    assert size < 5e6, size
    page, md = (post / "index.html").read_text(), (post / "post.md").read_text()
    linked = set(re.findall(r'(?:src|poster|href)="(figures/[^"#]+)', page))
    in_md = {a or b for a, b in re.findall(r'(?:src|poster)="(figures/[^"#]+)|\]\((figures/[^)]+)\)', md)}
    assert linked == in_md
    on_disk = {f"figures/{p.name}" for p in (post / "figures").iterdir()}
    assert linked == on_disk and any(f.endswith(".mp4") for f in on_disk)   # every file used, none missing


@pytest.mark.parametrize("optimizers", ["radam:lr=0.05",
                                        # torch's classes, spelled as page optimizers in another case: the
                                        # page does not run them (it stopped the post, and the deck)
                                        "SGD:lr=0.001,momentum=0.9 RMSprop:lr=0.01"])
def test_a_race_the_live_page_cannot_run_is_said_not_left_out_silently(tmp_path, capsys, optimizers):
    from optviz.render.interactive import PAGE_OPTIMIZERS
    assert not any(spec.split(":")[0] in PAGE_OPTIMIZERS for spec in optimizers.split())
    src = tmp_path / "race.md"
    src.write_text("# A race {#race}\n\n::: race surface=rosenbrock start=-1.5,2.5 steps=20 "
                   f'optimizers="{optimizers}" view=2d name=first\nThey set off.\n')
    assert main(["article", str(src), "-o", str(tmp_path / "post"), "--figures", "png"]) == 0
    err = capsys.readouterr().err
    assert f"no live figure (the interactive page runs {', '.join(PAGE_OPTIMIZERS)}" in err
    assert sorted(p.name for p in (tmp_path / "post" / "figures").iterdir()) == ["01-first.png"]
