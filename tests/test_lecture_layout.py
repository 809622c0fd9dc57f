"""Issues 23 and 30: what the lecture shows can be read, whatever the teacher wrote: the layout places
every shot's texts. Every chapter of the built-in lecture is played through manim without drawing
($OPTVIZ_LAYOUT_LOG), and after every beat the scene records where each visible text, point cloud and
3-D axis is, as the camera draws it (manim's own geometry after layout: fixed in the frame, facing the
camera, or projected). Then, in every beat of every chapter: no two texts overlap, none leaves the
frame, none lies on an axis or under a cloud; every text is big enough to read at 1080p, the network's
numbers larger still. Issue 34's sizes, in every beat of the built-in lecture and of an authored one
with a rule, a cloud, a landscape, a surface without texts and a map whose legend must wrap: clouds
are round dots of at least 12 px, a zoom ends with them at least a quarter of the frame's height, a
landscape's stage takes at least half the frame's width, a surface with no texts beside it the middle,
and every ball is at least 24 px across."""
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
RULE_EM_PX = 30     # an update rule's lines, its chapter's point (Adam's five shrank to 25 px)
DOT_PX = 12         # the least diameter of a cloud's dot at 1080p
BALL_PX = 24        # the least diameter of a ball (3-D or on a map)
AUTHORED = """---
title: A rule, clouds and a landscape
---

# RMSprop, step by step {#rule}

::: rule surface=rosenbrock start=-1.2,1.5 steps=40 optimizer=rmsprop:lr=0.02 walk=2 name=alone
{rule}RMSprop divides each step by a running average of the squared gradients.

{walk}Two steps, one at a time. {run}Then on to step {alone.steps}.
> loss {alone.loss0:.3g} → {alone.loss:.3g}

# Two clouds {#clouds}

::: cloud surface=logistic optimizers="nesterov:lr=0.5,momentum=0.9 rmsprop:lr=0.05" batch=8 copies=20 steps=60 name=clouds
{go}Twenty copies of each optimizer become two clouds.

{zoom}Close up, they never settle.
> Nesterov {clouds.spread.nesterov:.2g} · RMSprop {clouds.spread.rmsprop:.2g}

# A ball, no texts {#ball}

::: surface surface=rosenbrock point=-1.5,2 lr=0.0005 steps=10
{ball}A ball, {gradient}its gradient, {step}a step.

# Long settings {#long}

::: race surface=himmelblau start=0.5,0.5 steps=20 optimizers="SGD:lr=0.005,momentum=0.9,nesterov=True,dampening=0 adam:lr=0.1,beta1=0.85,beta2=0.995,eps=1e-6" view=2d
{go}Their legend wraps beside the map.
> long settings

# Two moons {#moons}

::: landscape task=moons-mlp optimizers="nesterov:lr=0.1,momentum=0.9 rmsprop:lr=0.01" seeds=2 steps=60 study_steps=60 resolution=21 name=moons
{go}The loss on the plane of the two paths.

{numbers}Over two seeds, Nesterov's test accuracy is {moons.test_acc.nesterov:.1%}.
> sharpness: Nesterov {moons.sharpness.nesterov:.2g} · RMSprop {moons.sharpness.rmsprop:.2g}
"""

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def play_layout(lecture, folder) -> dict:
    """{chapter key: [what is on screen after each beat]} of a prepared lecture, timed as the silent draft."""
    plan = time_plan(lecture.plan, {ln.key: draft_speech(ln) for ln in lines(lecture.plan)}, 15).plan
    timed = folder / "plan.json"
    timed.write_text(plan_to_json(plan, 15))

    def play(n):
        log = folder / f"{n}.jsonl"
        # a folder each: manim writes a Text's SVG under ./media, then a copy it parses and deletes, and two
        # chapters writing the same text into one folder raced (one deleted the other's copy)
        (here := folder / f"chapter{n}").mkdir()
        done = subprocess.run([sys.executable, "-m", "manim", "render", "-ql", "--dry_run", "-v", "ERROR",
                               "--progress_bar", "none", str(ROOT / "scenes" / "lecture.py"), "LectureChapter"],
                              cwd=here, capture_output=True, text=True, timeout=600,
                              env={**os.environ, "OPTVIZ_LAYOUT_LOG": str(log), "OPTVIZ_LECTURE_PLAN": str(timed),
                                   "OPTVIZ_CHAPTER": str(n)})
        assert done.returncode == 0, done.stderr[-2000:]
        return [json.loads(line) for line in log.read_text().splitlines()]

    with ThreadPoolExecutor(2) as pool:
        return dict(zip([c.key for c in plan], pool.map(play, range(1, len(plan) + 1))))


@pytest.fixture(scope="module")
def layout(seed_lecture, tmp_path_factory):
    return play_layout(seed_lecture, tmp_path_factory.mktemp("layout"))


@pytest.fixture(scope="module")
def authored(tmp_path_factory):
    """An authored lecture with a rule, a cloud and a landscape shot, prepared, and its layout."""
    from optviz.lecture.runs import prepare
    folder = tmp_path_factory.mktemp("authored")
    (folder / "three.md").write_text(AUTHORED, encoding="utf-8")
    lecture = prepare(folder / "three.md")
    return lecture, play_layout(lecture, folder)


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


def test_the_networks_numbers_are_large(layout, seed_lecture):
    network = next(c for c in seed_lecture.plan if c.key == "network")
    numbers = [t for s in network.shots if s.kind in ("landscape", "text") for k in s.texts for t in [network.text(k)]
               if any(ch.isdigit() for ch in t)]
    assert len(numbers) >= 4
    seen = {" ".join(s["text"].split()): s["em"] for b in layout["network"] for s in b["shown"] if s["kind"] == "text"}
    for text in numbers:
        height = layout["network"][0]["frame"][1]
        assert seen[" ".join(text.split())] * 1080 / height >= NUMBERS_EM_PX, text


def test_every_update_rule_is_large(layout, seed_lecture):
    """The rule chapters' formulas, shrunk with the rest of their column to fit it, stay large: Adam's
    five lines and its two texts, with gaps of a fixed 0.3 frame units between them, came down to
    25 px at 1080p (the gaps now shrink in proportion with the texts)."""
    checked = 0
    for chapter in seed_lecture.plan:
        for shot in chapter.shots:
            if shot.kind != "rule":
                continue
            seen = {" ".join(s["text"].split()): s["em"] for b in layout[chapter.key] for s in b["shown"]
                    if s["kind"] == "text"}
            for line in shot.rule:
                height = layout[chapter.key][0]["frame"][1]
                assert seen[" ".join(line.split())] * 1080 / height >= RULE_EM_PX, (chapter.key, line)
                checked += 1
    assert checked >= 8   # SGD's line, momentum's two and Adam's five


def small_things(plan, layout) -> list[str]:
    """Issue 34's sizes, beat by beat: what is too small, named with its chapter and beat."""
    out = []
    for chapter in plan:
        zooms = {s.moments["zoom"][0] for s in chapter.shots if s.kind == "cloud" and "zoom" in s.moments}
        for beat in layout[chapter.key]:
            width, height, _ = beat["frame"]
            px = 1080 / height
            where = f"{chapter.key} beat {beat['beat'] + 1}"
            shot = next((s for s in chapter.shots if s.first <= beat["beat"] <= s.last), None)
            kind = shot.kind if shot else None
            clouds = [c for c in beat["shown"] if c["kind"] == "cloud" and c["n"] > 1]
            for c in clouds:
                if not c["round"] or c["dot"] * px < DOT_PX:
                    out.append(f"{where}: a cloud's dots are {'' if c['round'] else 'square, '}{c['dot'] * px:.0f} px")
            if beat["beat"] in zooms:
                tall = (max(c["box"][3] for c in clouds) - min(c["box"][1] for c in clouds)) * px if clouds else 0
                if tall < 1080 / 4:
                    out.append(f"{where}: the zoom ends with the clouds {tall:.0f} px high")
            for b in beat["shown"]:
                if b["kind"] == "ball" and b["d"] * px < BALL_PX:
                    out.append(f"{where}: a ball is {b['d'] * px:.0f} px across")
                if b["kind"] == "stage" and kind == "landscape" and (b["box"][2] - b["box"][0]) < width / 2:
                    out.append(f"{where}: the landscape is {(b['box'][2] - b['box'][0]) / width:.0%} of the width")
                # a surface with no texts beside it is not pushed aside for them: it takes the middle
                if b["kind"] == "stage" and kind == "surface" and not shot.texts:
                    middle = (b["box"][0] + b["box"][2]) / 2
                    if abs(middle) > width / 10:
                        out.append(f"{where}: a surface without texts is {middle / width:+.0%} of the width off centre")
    return out


def test_dots_balls_clouds_and_landscapes_are_big_enough(layout, seed_lecture, authored):
    lecture, played = authored
    kinds = {s.kind for c in lecture.plan for s in c.shots}
    assert {"rule", "cloud", "landscape", "surface"} <= kinds
    for plan, log in ((seed_lecture.plan, layout), (lecture.plan, played)):
        shown = {s["kind"] for beats in log.values() for b in beats for s in b["shown"]}
        assert {"cloud", "ball", "stage"} <= shown   # the sizes below are measured, not skipped
        assert small_things(plan, log) == []


def test_the_authored_lectures_texts_fit_too(authored):
    _, played = authored
    assert [p for beats in played.values() for beat in beats for p in problems(beat)] == []


def test_the_size_checks_catch_square_dots_a_far_zoom_a_narrow_landscape_and_a_small_ball():
    """The checker itself, on a made-up plan and log: each planted fault is reported."""
    from types import SimpleNamespace as NS
    plan = [NS(key="x", shots=[NS(kind="cloud", first=0, last=0, moments={"zoom": (0, 0.0)}),
                               NS(kind="landscape", first=1, last=1, moments={}),
                               NS(kind="surface", first=2, last=2, moments={}, texts={})])]
    frame = [14.2, 8.0, 1080]
    log = {"x": [{"beat": 0, "frame": frame, "shown": [
                     {"kind": "cloud", "n": 9, "box": [0, 0, 1, 1], "round": False, "dot": 0.1}]},
                 {"beat": 1, "frame": frame, "shown": [
                     {"kind": "stage", "box": [-6, -2, 0, 2]}, {"kind": "ball", "box": [0, 0, 0.1, 0.1], "d": 0.1}]},
                 {"beat": 2, "frame": frame, "shown": [{"kind": "stage", "box": [-6, -2, 1, 2]}]}]}
    found = small_things(plan, log)
    assert any("square, 14 px" in p for p in found)
    assert any("the clouds 135 px high" in p for p in found)
    assert any("42% of the width" in p for p in found)
    assert any("a ball is 14 px" in p for p in found)
    assert any("a surface without texts is -18% of the width off centre" in p for p in found)
