"""Issues 23 and 30: what the lecture shows can be read, whatever the teacher wrote: the layout places
every shot's texts. Every chapter of the built-in lecture is played through manim without drawing
($OPTVIZ_LAYOUT_LOG), and after every beat the scene records where each visible text, point cloud and
3-D axis is, as the camera draws it (manim's own geometry after layout: fixed in the frame, facing the
camera, or projected). Then, in every beat of every chapter: no two texts overlap, none leaves the
frame, none lies on an axis or under a cloud; every text is big enough to read at 1080p, the network's
numbers larger still; the stochastic clouds, zoomed in, fill a good part of the frame."""
from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from optviz.lecture.script import plan_to_json
from optviz.lecture.timing import draft_speech, lines, time_plan

ROOT = Path(__file__).resolve().parents[1]
EM_PX = 18          # the least em of any text at 1080p, in pixels
EDGE_PX = 16        # the least distance of a text from the frame's edge
NUMBERS_EM_PX = 28  # the real network's measured numbers, the chapter's point
CLOUD_PX = 60       # the least spread (standard deviation) of a zoomed-in stochastic cloud, in pixels

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def play_layout(lecture, folder) -> dict:
    """{chapter key: [what is on screen after each beat]} of a prepared lecture, timed as the silent draft."""
    plan = time_plan(lecture.plan, {ln.key: draft_speech(ln) for ln in lines(lecture.plan)}, 15).plan
    timed = folder / "plan.json"
    timed.write_text(plan_to_json(plan, 15))

    def play(n):
        log = folder / f"{n}.jsonl"
        done = subprocess.run([sys.executable, "-m", "manim", "render", "-ql", "--dry_run", "-v", "ERROR",
                               "--progress_bar", "none", str(ROOT / "scenes" / "lecture.py"), "LectureChapter"],
                              cwd=folder, capture_output=True, text=True, timeout=600,
                              env={**os.environ, "OPTVIZ_LAYOUT_LOG": str(log), "OPTVIZ_LECTURE_PLAN": str(timed),
                                   "OPTVIZ_CHAPTER": str(n)})
        assert done.returncode == 0, done.stderr[-2000:]
        return [json.loads(line) for line in log.read_text().splitlines()]

    with ThreadPoolExecutor(2) as pool:
        return dict(zip([c.key for c in plan], pool.map(play, range(1, len(plan) + 1))))


@pytest.fixture(scope="module")
def layout(seed_lecture, tmp_path_factory):
    return play_layout(seed_lecture, tmp_path_factory.mktemp("layout"))


def boxes_meet(a, b, margin=0.02) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > margin and min(a[3], b[3]) - max(a[1], b[1]) > margin


def problems(beat: dict) -> list[str]:
    width, height, _ = beat["frame"]
    px = 1080 / height
    where = f"{beat['chapter']} beat {beat['beat'] + 1}"
    texts = [s for s in beat["shown"] if s["kind"] == "text"]
    clouds = [s for s in beat["shown"] if s["kind"] == "cloud" and s["n"] > 1]
    axes = [s for s in beat["shown"] if s["kind"] == "axis"]
    out = []
    for t in texts:
        x0, y0, x1, y1 = t["box"]
        # a text touching the edge reads as cut off: it keeps EDGE_PX (at 1080p) from every edge
        edge = EDGE_PX / px
        if x0 < -width / 2 + edge or x1 > width / 2 - edge or y0 < -height / 2 + edge or y1 > height / 2 - edge:
            out.append(f"{where}: {t['text']!r} leaves the frame")
        if t["em"] * px < EM_PX:
            out.append(f"{where}: {t['text']!r} is {t['em'] * px:.0f} px high")
        for a in axes:
            line = np.linspace(*a["ends"], 300)
            if ((line[:, 0] > x0) & (line[:, 0] < x1) & (line[:, 1] > y0) & (line[:, 1] < y1)).any():
                out.append(f"{where}: {t['text']!r} lies on an axis")
        for c in clouds:
            if boxes_meet(t["box"], c["box"]):
                out.append(f"{where}: {t['text']!r} is under a cloud of balls")
    for a, b in itertools.combinations(texts, 2):
        if boxes_meet(a["box"], b["box"]):
            out.append(f"{where}: {a['text']!r} overlaps {b['text']!r}")
    return out


def test_every_chapter_logs_every_beat(layout, seed_lecture):
    plan = {c.key: c for c in seed_lecture.plan}
    for key, beats in layout.items():
        assert [b["beat"] for b in beats] == list(range(len(plan[key].beats))), key
        shown = {" ".join(s["text"].split()) for b in beats for s in b["shown"] if s["kind"] == "text"}
        for k, text in ((k, t) for b in plan[key].beats for k, t in b.texts.items()):
            assert " ".join(text.split()) in shown, f"{key}: the script's text {k!r} never showed"


def test_no_text_overlaps_leaves_the_frame_or_is_too_small_in_any_beat(layout):
    found = [p for beats in layout.values() for beat in beats for p in problems(beat)]
    assert found == []


def test_the_checks_catch_an_overlap_an_edge_an_axis_and_a_tiny_text():
    """The checker itself, on a made-up beat: each planted fault is reported."""
    beat = {"chapter": "x", "beat": 0, "frame": [14.2, 8.0, 1080], "shown": [
        {"kind": "text", "text": "a", "box": [0, 0, 2, 1], "em": 0.3},
        {"kind": "text", "text": "b", "box": [1, 0.5, 3, 1.5], "em": 0.3},
        {"kind": "text", "text": "c", "box": [6.5, 0, 7.5, 1], "em": 0.3},
        {"kind": "text", "text": "d", "box": [-5, -3, -4, -2.8], "em": 0.05},
        {"kind": "axis", "ends": [[-6, -2.9], [-3, -2.9]]}]}
    found = problems(beat)
    assert any("'a' overlaps 'b'" in p for p in found)
    assert any("'c' leaves the frame" in p for p in found)
    assert any("'d' lies on an axis" in p for p in found)
    assert any("'d' is 7 px high" in p for p in found)


def test_the_networks_numbers_are_large_and_the_clouds_fill_the_frame(layout, seed_lecture):
    network = next(c for c in seed_lecture.plan if c.key == "network")
    numbers = [t for s in network.shots if s.kind in ("landscape", "text") for k in s.texts for t in [network.text(k)]
               if any(ch.isdigit() for ch in t)]
    assert len(numbers) >= 4
    seen = {" ".join(s["text"].split()): s["em"] for b in layout["network"] for s in b["shown"] if s["kind"] == "text"}
    for text in numbers:
        height = layout["network"][0]["frame"][1]
        assert seen[" ".join(text.split())] * 1080 / height >= NUMBERS_EM_PX, text
    stochastic = next(c for c in seed_lecture.plan if c.key == "stochastic")
    zoom = next(s for s in stochastic.shots if s.kind == "cloud").moments["zoom"][0]
    zoomed = layout["stochastic"][zoom]
    clouds = [s for s in zoomed["shown"] if s["kind"] == "cloud" and s["n"] > 1]
    assert len(clouds) == 3
    for c in clouds:
        assert min(c["spread"]) * 1080 / zoomed["frame"][1] >= CLOUD_PX / 2 and \
            max(c["spread"]) * 1080 / zoomed["frame"][1] >= CLOUD_PX

