"""Issue 30: the lecture as a Markdown file a teacher writes. The parser's rules and every error it
reports (FILE:LINE: message, all at once), values written from the runs (checked against `simulate`
run here), the commands (`check`, `new`, `show`, the render's bad input), and an authored lecture on
another surface with other optimizers rendered end to end (preview, silent), its subtitles holding the
numbers simulate gives."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

from optviz.cli import main
from optviz.lecture.markdown import Para, ShotLine, parse
from optviz.lecture.plan import Values, build, check
from optviz.lecture.shots import format_value, g

HEAD = "---\ntitle: T\nvoice: none\n---\n\n"


def problems(text: str) -> list[str]:
    doc = parse(text, "l.md")
    return [str(p) for p in check(doc)]


def plan_of(text: str):
    doc = parse(text, "l.md")
    assert check(doc) == []
    return build(doc, Values(doc))


# ---- reading the file -----------------------------------------------------------------------------

def test_a_file_reads_as_chapters_shots_and_beats():
    doc = parse(HEAD + "# One {#first}\n\nSpoken before any shot.\n> on the title card\n\n"
                "::: race surface=himmelblau optimizers=\"adam:lr=0.1 sgd:lr=0.01\" steps=30\n"
                "{go}They set off,\nboth of them.\n> a text\n> another\n\n> silent\n\n[pause 1.5]\n\n"
                "<!-- a comment\nover lines -->\n# Two\n\n::: text\nA <!-- inline --> line.\n", "l.md")
    assert doc.problems == [] and doc.meta == {"title": "T", "voice": "none"}
    one, two = doc.chapters
    assert (one.title, one.key, two.key) == ("One", "first", "two")
    card, shot, beat, silent, pause = one.items
    assert card == Para(8, "Spoken before any shot.", ((9, "on the title card"),), None, 8)
    assert shot == ShotLine("race", {"surface": "himmelblau", "optimizers": "adam:lr=0.1 sgd:lr=0.01", "steps": "30"},
                            "race", 11)
    assert beat.say == "{go}They set off, both of them." and beat.texts == ((14, "a text"), (15, "another"))
    assert silent.say == "" and silent.texts == ((17, "silent"),)
    assert pause.pause == 1.5
    assert two.items[1].say == "A line."


def test_the_plan_has_a_title_card_a_closing_beat_per_shot_and_texts_that_leave_with_their_shot():
    plan = plan_of(HEAD + "# One\n\nBefore.\n> card\n\n::: race surface=himmelblau optimizers=adam:lr=0.1 "
                   "steps=20\nOff {race.steps} steps.\n> r {race.loss.adam:.2f}\n\n{go}Go.\n\n:::\nAfter the shot.\n")
    (c,) = plan
    assert [s.kind for s in c.shots] == ["", "race", "text"]
    card, race, text = c.shots
    assert c.beats[0].texts == {"title": "One", "L9": "card"}
    assert (race.first, race.last) == (1, 2) and c.beats[3].say == "" and set(c.beats[3].clear) == set(race.texts)
    assert "L9" in c.beats[1].clear                    # the card's text leaves as the shot comes in
    assert race.moments == {"go": [2, 0.0]} and c.beats[2].seconds >= 10   # the run's beat lasts its least
    assert c.beats[1].say == "Off 50 steps." and c.beats[1].texts["L13"] == "r 0.01"   # samples of the types
    assert (text.first, text.last) == (4, 4)


def test_unmarked_moments_follow_the_beats_and_marked_ones_start_at_their_word():
    plan = plan_of(HEAD + "# One\n\n::: surface surface=rosenbrock\nIn.\n\nTwo.\n\n{step}Three.\n\nFour.\n")
    shot = plan[0].shots[0]
    # ball and gradient unmarked: the second and third beats; step spoken in the third; walk the fourth
    assert shot.moments == {"ball": [1, 0.0], "gradient": [2, 0.0], "step": [2, 2.0], "walk": [3, 0.0]}
    assert plan[0].beats[2].seconds >= 6.0 and plan[0].beats[3].loop


@pytest.mark.parametrize("text, message", [
    ("---\ncolour: red\n---\n# A\n\nx\n", "l.md:2: unknown front matter key 'colour'; choose from: title, voice"),
    ("---\nquality: 8k\n---\n# A\n\nx\n", "l.md:2: unknown quality '8k'; choose from: preview, 720p30"),
    ("---\npace: 9\n---\n# A\n\nx\n", "l.md:2: pace must be a number from 0.05 to 4"),
    ("---\nvoice: pipr\n---\n# A\n\nx\n", "l.md:2: unknown voice 'pipr'"),
    ("---\n: [\n---\n# A\n\nx\n", "the front matter is not YAML"),
    ("Hello.\n# A\n\nx\n", "l.md:1: this comes before the first chapter"),
    ("# A\n\n::: racee\nx\n", "l.md:3: unknown shot 'racee'; choose from: surface, rule, race, cloud, landscape, text"),
    ("# A\n\n::: race surface=himmelblau optimizers=adam stepz=3\nx\n",
     "l.md:3: unknown key 'stepz' for a race shot; choose from: name, figure, surface, start, steps, optimizers, view, then"),
    ("# A\n\n::: race surface=himmelblau\nx\n", "l.md:3: a race shot needs optimizers=..."),
    ("# A\n\n::: race surface=himmelblau optimizers=adam view=4d\nx\n",
     "l.md:3: bad view '4d' for a race shot: choose from: 2d, 3d"),
    ("# A\n\n::: race surface=himmelblau optimizers=adamm\nx\n", "l.md:3: bad optimizers 'adamm' for a race shot: "
                                                               "unknown optimizer 'adamm'; choose from: adadelta"),
    ("# A\n\n::: race surface=himalaya optimizers=adam\nx\n", "l.md:3: bad surface 'himalaya' for a race shot: "
                                                             "unknown surface 'himalaya'; choose from: "),
    ("# A\n\n::: race surface=himmelblau optimizers=adam start=1\nx\n", "l.md:3: bad start '1' for a race shot: "
                                                                       "write two numbers: x,y"),
    ("# A\n\n::: race surface=himmelblau optimizers=\"adam\nx\n", "l.md:3: a shot's line could not be read"),
    ("# A\n\n::: race surface=himmelblau optimizers=adam steps\nx\n", "l.md:3: 'steps' is not key=value"),
    ("# A\n\n::: race surface=himmelblau optimizers=adam\nx\n\n::: race surface=himmelblau optimizers=sgd\ny\n",
     "l.md:6: shot name 'race' is taken by line 3: give one of them name=SOMETHING"),
    ("# A\n\n::: race surface=himmelblau optimizers=adam\n{goo}x\n",
     "l.md:4: unknown mark {goo} in a race shot; choose from: {go}"),
    ("# A\n\n{go}x\n", "l.md:3: unknown mark {go} in the title, before any shot; choose from: none"),
    # keys each good alone, wrong together: found by check, not by the render after the runs
    ("# A\n\n::: race surface=himmelblau optimizers=adam steps=50 then=30\nx\n",
     "l.md:3: a race shot's then=30 must be more than steps=50 (or 0: no second leg)"),
    ("# A\n\n::: cloud surface=himmelblau optimizers=adam\nx\n",
     "l.md:3: a cloud shot's surface 'himmelblau' has no data to draw mini-batches from; choose from: least-squares, "
     "logistic"),
    ("# A\n\n::: rule surface=himmelblau optimizer=adam compare=sgd:lr=0.1\nx\n",
     "l.md:3: a rule shot's compare=sgd:lr=0.1 keeps none of adam's state (exp_avg, exp_avg_sq): nothing to plot"),
    ("# A\n\n::: rule surface=himmelblau optimizer=SGD:lr=0.1 compare=adam\nx\n",
     "l.md:3: a rule shot's compare plots a state both optimizers keep, and SGD keeps none"),
    ("# A\n\n::: race surface=himmelblau optimizers=adam box=5,-1;-1,4\nx\n",
     "l.md:3: bad box '5,-1;-1,4' for a race shot: write x0,x1;y0,y1 with x0 < x1 and y0 < y1"),
    # a mark the kind has with other settings says which
    ("# A\n\n::: race surface=himmelblau optimizers=adam\n{go}x\n\n{then}y\n",
     "l.md:6: mark {then} needs then=N in a race shot; its marks now: {go}"),
    ("# A\n\n::: landscape optimizers=adam slice=no\n{numbers}x\n",
     "l.md:4: mark {numbers} needs slice=yes in a landscape shot; its marks now: none"),
    ("# A\n\n::: rule surface=himmelblau optimizer=adam\n{compare}x\n",
     "l.md:4: mark {compare} needs compare=SPEC in a rule shot; its marks now: {rule}, {walk}, {run}"),
    ("# A\n\n::: race surface=himmelblau optimizers=adam then=90\n{then}x\n\n{go}y\n",
     "l.md:4: mark {then} comes before the moment it follows (go, then happen in that order)"),
    ("# A\n\n::: race surface=himmelblau optimizers=adam\n{go}x\n\n{go}y\n",
     "l.md:6: mark {go} is spoken twice in this shot"),
    ("# A\n\n::: race surface=himmelblau optimizers=adam\nx\n> {go} y\n", "l.md:5: a mark ({go}) belongs in a spoken"),
    ("# A\n\n::: race surface=himmelblau optimizers=adam\nx {race.los.adam}\n",
     "l.md:4: {race.los.adam}: a race shot has no value 'los'; choose from: steps, then, start, loss0, loss,"),
    ("# A\n\n::: race surface=himmelblau optimizers=adam\nx {rac.loss.adam}\n",
     "l.md:4: {rac.loss.adam}: there is no shot named 'rac'; the shots: race"),
    ("# A\n\n::: race surface=himmelblau optimizers=\"adam sgd\"\nx {race.loss.rmsprop}\n",
     "l.md:4: {race.loss.rmsprop}: no optimizer 'rmsprop' in shot 'race' (or two share that name); choose from: "
     "adam, sgd (or its place: 1 to 2)"),
    ("# A\n\n::: race surface=himmelblau optimizers=\"adam:lr=1 adam:lr=2\"\nx {race.loss.adam}\n",
     "no optimizer 'adam' in shot 'race' (or two share that name)"),
    ("# A\n\n::: race surface=himmelblau optimizers=adam\nx {race.loss}\n",
     "l.md:4: {race.loss}: loss is one per optimizer: write {race.loss.NAME} with NAME one of: adam"),
    ("# A\n\n::: race surface=himmelblau optimizers=adam\nx {race.steps.adam}\n",
     "l.md:4: {race.steps.adam}: steps is one number for the shot: write {race.steps}"),
    ("# A\n\n::: race surface=himmelblau optimizers=adam\nx {race.steps:.2q}\n",
     "l.md:4: {race.steps:.2q}: bad format '.2q' for a number"),
    ("# A\n\n::: rule surface=himmelblau optimizer=adam\nx {rule.ratio}\n",
     "l.md:4: {rule.ratio}: ratio compares with another optimizer: add compare=SPEC to the shot on line 3"),
    ("# A\n\nx {nothing here}\n", "l.md:3: {nothing here} is neither a mark"),
    ("# A\n\nx\n[pause 2]\n", "l.md:4: [pause N] stands alone in its paragraph"),
    ("# A\n\n[pause soon]\n", "l.md:3: bad pause 'soon': write [pause N] with N seconds, from 0.1 to 60"),
    ("# A\n\n[Pause: soon]\n", "l.md:3: bad pause 'soon'"),   # a pause however capitalized, never spoken
    ("# A\n\n::: race surface = himmelblau optimizers=adam\nx\n",
     "l.md:3: no spaces around '=' in a shot's line: write surface=himmelblau"),
    ("# A\n\n::: race surface=himmelblau optimizers= steps=3\nx\n", "l.md:3: bad optimizers '' for a race shot"),
    ("# A\n\nx <!-- open\n", "l.md:3: a comment opened here is not closed on its line"),
    ("# A\n\n- a\n- b\n", "l.md:3: a list is not part of a lecture: write paragraphs (spoken), '> ' lines"),
    ("# A\n\n```\ncode\n```\n", "l.md:3: a code block is not part of a lecture"),
    ("# A\n\n## B\n\nx\n", "l.md:3: ## headings are not part of a lecture: '# ' starts a chapter"),
    ("# A\n\nx\n\n#Second one\n\ny\n", "l.md:5: '#Second' starts no chapter: put a space after the '#' "
                                         "('# Second one')"),
    ("# A\n\nx\n\n# A\n\ny\n", "l.md:5: chapter key 'a' is taken by line 1"),
    ("# A\n\n::: race surface=himmelblau optimizers=adam\n", "l.md:3: the race shot has no beat"),
    ("# A\n\n# B\n\nx\n", "l.md:1: chapter 'A' has nothing to play"),
    ("", "l.md:1: no chapter: a lecture starts a chapter with '# Title'"),
])
def test_every_mistake_is_one_line_naming_its_line_the_bad_value_and_the_choices(text, message):
    found = problems(text)
    assert any(message in p for p in found), found
    assert all(re.match(r"l\.md:\d+: \S", p) for p in found)


def test_curly_double_quotes_quote_a_value_as_straight_ones_do():
    straight = parse(HEAD + '# A\n\n::: race surface=himmelblau optimizers="adam:lr=0.1 sgd"\nx\n', "l.md")
    curly = parse(HEAD + "# A\n\n::: race surface=himmelblau optimizers=\u201cadam:lr=0.1 sgd\u201d\nx\n", "l.md")
    assert curly.problems == [] and curly.shots()[0][1].options == straight.shots()[0][1].options == {
        "surface": "himmelblau", "optimizers": "adam:lr=0.1 sgd"}


def test_a_shot_with_bad_settings_is_one_problem_not_one_per_value_quoting_it():
    found = problems("# A\n\n::: race surface=himmelblau optimizers=\"adam radm\" name=r\nx {r.loss.adam}\n"
                     "> {r.loss.adam:.2g}\n")
    assert found == ["l.md:3: bad optimizers 'adam radm' for a race shot: unknown optimizer 'radm'; choose from: "
                     + found[0].split("choose from: ", 1)[1]]


def test_every_problem_of_a_file_is_reported_at_once_in_line_order():
    found = problems("---\ncolour: red\n---\n# A\n\n::: racee\nx\n\n::: race surface=himmelblau optimizers=adam\n"
                     "x {race.lose.adam}\n")
    assert [p.split(":")[1] for p in found] == ["2", "6", "10"]


@pytest.mark.skipif(shutil.which("fc-list") is None, reason="fontconfig's fc-list tells the fonts installed")
def test_a_character_no_font_can_draw_is_named_by_its_line():
    """U+0378 is assigned to nothing, so no font has it: drawn, it is an empty box. DejaVu Sans draws
    the rest (Cyrillic, ∇, →, ²), which is no problem."""
    found = problems("# Descent \u0378\n\n::: race surface=himmelblau optimizers=adam\nHere we go, over three "
                     "seconds of words.\n> градиент ∇f → 0, x² \u0378 and \u0378\n")
    assert found == ["l.md:1: the title: no font installed here can draw \u0378 (U+0378): it would show as an "
                     "empty box; install a font that has it (Debian: fonts-noto, fonts-noto-cjk) or leave it out",
                     "l.md:5: this text: no font installed here can draw \u0378 (U+0378): it would show as an "
                     "empty box; install a font that has it (Debian: fonts-noto, fonts-noto-cjk) or leave it out"]


def test_a_text_that_cannot_fit_or_be_read_is_named_by_its_line():
    long = " ".join(["a long on-screen text"] * 150)
    found = problems(f"# A\n\n::: race surface=himmelblau optimizers=adam\nx\n> {long}\n")
    assert any(p.startswith("l.md:5: the text") and "does not fit the race shot's room" in p for p in found), found
    words = " ".join(["word"] * 40)
    found = problems(f"# A\n\n::: text\nShort.\n> {words}\n")
    assert any(p.startswith("l.md:5: this text (40 words) is read by") for p in found), found


def test_a_rule_shot_shows_the_registrys_rule_split_into_its_formulas():
    from optviz.core.optimizers import OPTIMIZERS
    from optviz.lecture.plan import rule_lines
    assert rule_lines("adam:lr=1") == ("m = b1*m + (1-b1)*g", "v = b2*v + (1-b2)*g^2", "m_hat = m/(1-b1^t)",
                                       "v_hat = v/(1-b2^t)", "w = w - lr * m_hat / (sqrt(v_hat) + eps)")
    assert rule_lines("nadam") == (OPTIMIZERS["nadam"].rule,)   # words, one line: not cut inside its brackets
    assert all(rule_lines(name) for name in OPTIMIZERS)


@pytest.mark.parametrize("spec, twin", [
    ("SGD:lr=0.05", "sgd:lr=0.05"),
    ("SGD:lr=0.05,momentum=0.9", "torch-momentum:lr=0.05,momentum=0.9"),
    ("SGD:lr=0.05,momentum=0.9,nesterov=True", "nesterov:lr=0.05,momentum=0.9"),
    ("Adam:lr=0.05", "adam:lr=0.05"),
    ("Adam:lr=0.05,amsgrad=True", "torch-adam:lr=0.05,amsgrad=True"),
    ("RMSprop:lr=0.01", "rmsprop:lr=0.01"),
    ("Adadelta", "adadelta"),
])
def test_a_torch_class_by_its_own_name_shows_the_rule_of_the_same_update(spec, twin):
    """`RMSprop:lr=0.01`, torch's class as a PyTorch user writes it, showed "torch.optim.RMSprop with
    torch's defaults" in a rule shot, whatever its settings: it shows the rule of the registered
    optimizer that makes the same update, its settings deciding which (SGD with momentum is torch's
    momentum). The same update: the same path, step by step, in float64."""
    from optviz import simulate
    from optviz.lecture.plan import rule_lines
    ours, torchs = (simulate("rosenbrock", [s], [[-1.5, 2]], 20, dtype="float64") for s in (twin, spec))
    np.testing.assert_allclose(torchs.position, ours.position, rtol=1e-10, atol=1e-12)
    assert rule_lines(spec) == rule_lines(twin)
    # and the saved run says the same rule (it said the class's rule at torch's defaults: SGD's, for momentum)
    assert torchs.meta["optimizers"][0]["rule"] == ours.meta["optimizers"][0]["rule"]


def test_every_registered_rule_shows_as_formulas_without_prose():
    """A rule shot draws the registry's rule line by line: L-BFGS's was cut into broken sentences
    ("... (torch.optim.LBFGS). optviz's default", "... Not coordinate-wise:"), torch-adam's was
    "torch.optim.Adam: as `adam`" (a pointer, with markdown's backticks, in a video)."""
    from optviz.core.optimizers import OPTIMIZERS
    from optviz.lecture.plan import rule_lines
    for name in OPTIMIZERS:
        for line in rule_lines(name):
            assert "`" not in line and not re.search(r"\.\s+\S|[.:]$", line), (name, line)
    assert all("=" in line for line in rule_lines("torch-adam") + rule_lines("lbfgs"))


def test_a_torch_class_without_a_stated_rule_is_named_not_described():
    from optviz.lecture.plan import rule_lines
    assert rule_lines("Rprop:lr=0.01") == ("torch.optim.Rprop, as torch implements it",)   # not "torch's defaults"


def test_values_print_as_the_format_says_pairs_each_number():
    assert format_value([1.23456, -0.5], ".2f") == "(1.23, -0.50)"
    assert format_value([1.23456, -0.5], None) == "(1.2, -0.5)"
    assert format_value(0.9444, ".1%") == "94.4%" and format_value(50, None) == "50"
    assert g(0.000012345) == "1.2e-05" and g(123456.0) == "120000" and g(float("nan")) == "diverged"
    # a diverged run's value reads as a word whatever the format (Python's "nan" is read aloud as "nan")
    assert format_value(float("nan"), ".3g") == "diverged" and format_value(np.float32("nan"), ".1%") == "diverged"
    assert format_value(float("inf"), ".2g") == "∞" and format_value([float("nan")] * 2, ".2f") == "diverged"


# ---- the commands ------------------------------------------------------------------------------------

def test_check_exits_0_clean_1_with_problems_2_unreadable(tmp_path, capsys):
    good = tmp_path / "good.md"
    # as Windows' Notepad saves it: a byte-order mark first, CRLF line ends
    text = "\ufeff" + HEAD + "# A\n\n::: race surface=himmelblau optimizers=adam:lr=0.1\nx {race.loss.adam}\n"
    good.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    assert main(["lecture", "check", str(good)]) == 0
    assert "fine (1 chapter, 1 shot, 1 beat)" in capsys.readouterr().err
    bad = tmp_path / "bad.md"
    bad.write_text("# A\n\n::: racee\nx\n\n::: race surface=himmelblau optimizers=adam\n{goo}y\n")
    assert main(["lecture", "check", str(bad)]) == 1
    out = capsys.readouterr()
    assert out.out.splitlines() == [f"{bad}:3: unknown shot 'racee'; choose from: surface, rule, race, cloud, "
                                    "landscape, text",
                                    f"{bad}:7: unknown mark {{goo}} in a race shot; choose from: {{go}}"]
    assert main(["lecture", "check", str(tmp_path / "none.md")]) == 2
    assert "cannot read the lecture" in capsys.readouterr().err
    latin = tmp_path / "latin.md"   # saved in another encoding: the line of its first foreign byte
    latin.write_bytes((HEAD + "# Café\n").encode("latin-1"))
    assert main(["lecture", "check", str(latin)]) == 2
    assert f"{latin}:6: byte 0xe9 is not UTF-8 text" in capsys.readouterr().err
    wide = tmp_path / "wide.md"
    wide.write_text(HEAD, encoding="utf-16")
    assert main(["lecture", "check", str(wide)]) == 2
    assert f"{wide}:1: the file is UTF-16 text; save it as UTF-8" in capsys.readouterr().err


def test_the_builtin_lecture_is_a_file_that_checks_clean_and_is_shown(capsys):
    import time
    t = time.perf_counter()
    assert main(["lecture", "check", "seed"]) == 0
    assert time.perf_counter() - t < 30   # the benchmark holds it under 10 s; here: nothing runs
    assert "fine (8 chapters" in capsys.readouterr().err
    assert main(["lecture", "show", "seed"]) == 0
    shown = capsys.readouterr().out
    from optviz.lecture.runs import BUILTIN
    assert shown == (BUILTIN / "seed.md").read_text(encoding="utf-8")
    assert main(["lecture", "show", "seeed"]) == 2
    assert "no built-in lecture 'seeed'; choose from: own-lecture, seed" in capsys.readouterr().err


def test_new_writes_a_starter_that_checks_clean_and_never_overwrites(tmp_path, capsys):
    path = tmp_path / "mine.md"
    assert main(["lecture", "new", str(path)]) == 0
    assert main(["lecture", "check", str(path)]) == 0
    before = path.read_text()
    assert main(["lecture", "new", str(path)]) == 2
    assert path.read_text() == before and "exists already" in capsys.readouterr().err
    assert main(["lecture", "new", str(tmp_path / "no" / "x.md")]) == 2
    assert main(["lecture", "new", str(tmp_path / "x.txt")]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.md"]


def test_a_bad_file_stops_the_render_with_its_lines_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_text("# A\n\n::: race surface=himmelblau optimizers=adam view=4d\nx\n\n::: racee\ny\n")
    out = tmp_path / "out"
    out.mkdir()
    done = subprocess.run([sys.executable, "-m", "optviz", "lecture", str(bad), "-o", str(out / "l.mp4")],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [f"{bad}:3: bad view '4d' for a race shot: choose from: 2d, 3d",
                                        f"{bad}:6: unknown shot 'racee'; choose from: surface, rule, race, cloud, "
                                        "landscape, text"]
    assert list(out.iterdir()) == []
    for argv, message in ((["--quality", "8k"], "unknown manim quality '8k'"), (["--chapters", "3"], "bad chapters '3'"),
                          (["--voice", "pipr"], "unknown voice 'pipr'"), (["-o", str(out / "l.gif")], "lecture is"),
                          (["-o", str(out / "l.avi")], "'avi' for a manim video ('" + str(out / "l.avi") + "'); choose "
                                                       "from: mp4, webm, mov\n"),
                          (["-o", str(out)], f"cannot write {str(out)!r}: it is a folder; name a video in it, e.g. "
                                             f"{str(out / 'lecture.mp4')!r}")):
        good = tmp_path / "good.md"
        good.write_text("# A\n\n::: text\nx\n")
        done = subprocess.run([sys.executable, "-m", "optviz", "lecture", str(good), "-o", str(out / "l.mp4"), *argv],
                              capture_output=True, text=True)
        assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert message in done.stderr, done.stderr
    assert list(out.iterdir()) == []


# ---- an authored lecture, end to end ---------------------------------------------------------------

AUTHORED = """---
title: Rosenbrock's valley
voice: none
quality: preview
---

# RMSprop alone {#rmsprop}

::: rule surface=rosenbrock start=-1.2,1.5 steps=40 optimizer=rmsprop:lr=0.02 walk=2 name=alone
RMSprop divides each step by a running average of the squared gradients.

{rule}From {alone.start}, its loss starts at {alone.loss0:.4g}.

{walk}Two steps, one at a time. {run}Then on to step {alone.steps}: the loss is {alone.loss:.4g}.
> loss {alone.loss0:.4g} → {alone.loss:.4g}

# Nesterov against AdamW {#race}

::: race surface=rosenbrock start=-1.2,1.5 steps=60 optimizers="nesterov:lr=0.0005,momentum=0.9 adamw:lr=0.05" view=2d name=duel
{go}Nesterov and AdamW set off from {duel.start}.

After {duel.steps} steps, Nesterov's loss is {duel.loss.nesterov:.4g} and AdamW's {duel.loss.2:.4g}.
> Nesterov {duel.loss.nesterov:.4g} · AdamW {duel.loss.adamw:.4g}
"""


@pytest.fixture(scope="module")
def authored(tmp_path_factory):
    folder = tmp_path_factory.mktemp("authored")
    (folder / "valley.md").write_text(AUTHORED)
    done = subprocess.run([sys.executable, "-m", "optviz", "lecture", "valley.md", "-o", "valley.mp4", "--pace",
                           "0.5", "--workers", "2"], cwd=folder, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stderr
    return folder, done.stderr


@pytest.mark.slow
def test_an_authored_lecture_renders_with_the_numbers_simulate_gives(authored):
    """Another surface, other optimizers: the video, its two chapters and markers, and in the subtitles
    the numbers `simulate` computes here for the same specs."""
    import optviz
    folder, said = authored
    assert re.search(r"wrote .*valley\.mp4 \(\d:\d\d\.\d, ", said)
    chapters = json.loads((folder / "valley_chapters" / "chapters.json").read_text())
    assert [c["title"] for c in chapters] == ["RMSprop alone", "Nesterov against AdamW"]
    assert sorted(p.name for p in (folder / "valley_chapters").glob("*.mp4")) == ["01-rmsprop.mp4", "02-race.mp4"]
    subtitles = " ".join(" ".join((folder / "valley.srt").read_text().split()).split(" "))
    alone = optviz.simulate("rosenbrock", ["rmsprop:lr=0.02"], [[-1.2, 1.5]], 40)
    duel = optviz.simulate("rosenbrock", ["nesterov:lr=0.0005,momentum=0.9", "adamw:lr=0.05"], [[-1.2, 1.5]], 60)
    for number in (f"{alone.loss[0, 0, 0]:.4g}", f"{alone.loss[0, 0, -1]:.4g}", f"{duel.loss[0, 0, -1]:.4g}",
                   f"{duel.loss[1, 0, -1]:.4g}"):
        assert number in subtitles, number
    assert "(-1.2, 1.5)" in subtitles and "{" not in (folder / "valley.srt").read_text()
    # the narration script would be valley.md, the lecture file itself: it goes beside it instead
    assert (folder / "valley.md").read_text() == AUTHORED
    assert f"{alone.loss[0, 0, -1]:.4g}" in (folder / "valley-narration.md").read_text()
    assert re.search(r"wrote .*valley-narration\.md", said)


@pytest.mark.slow
def test_an_authored_lecture_gives_a_deck_whose_live_slide_is_its_race(authored, tmp_path):
    folder, _ = authored
    assert main(["slides", "--lecture", str(folder / "valley.mp4"), "-o", str(tmp_path / "deck")]) == 0
    html = (tmp_path / "deck" / "index.html").read_text()
    assert "nesterov" in html.lower() and "iframe" in html
    clips = sorted(p.name for p in (tmp_path / "deck" / "clips").glob("*.mp4"))
    assert clips[0] == "01-01.mp4" and any(c.startswith("02-") for c in clips)


def test_editing_a_shot_recomputes_only_that_shots_runs(tmp_path, monkeypatch):
    from optviz.lecture import runs
    monkeypatch.setenv("OPTVIZ_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "l.md"
    text = HEAD + ("# A\n\n::: race surface=himmelblau optimizers=adam:lr=0.1 steps=10 name=a\nx\n\n"
                   "# B\n\n::: race surface=himmelblau optimizers=sgd:lr=0.01 steps=10 name=b\ny\n")
    source.write_text(text)
    first = runs.prepare(source)
    made = {p: p.stat().st_mtime_ns for p in (tmp_path / "cache" / "lecture" / "shots").iterdir()}
    source.write_text(text.replace("steps=10 name=b", "steps=12 name=b").replace("\ny\n", "\nz\n"))
    second = runs.prepare(source)
    assert first.folders["a"] == second.folders["a"] and first.folders["b"] != second.folders["b"]
    now = {p: p.stat().st_mtime_ns for p in (tmp_path / "cache" / "lecture" / "shots").iterdir()}
    assert len(now) == 3 and all(now[p] == t for p, t in made.items())   # shot a's runs: not made again
    assert second.plan[1].beats[0].say == "z"


def test_a_quoted_value_of_a_diverged_run_reads_diverged_and_the_teacher_is_told(tmp_path, monkeypatch, capsys):
    """A run that diverges has NaN for a loss: quoted with a format it read "nan" (Python's), in the
    voice and on screen; it reads "diverged", and the render names the line that quotes it."""
    from optviz import simulate
    from optviz.lecture import runs
    monkeypatch.setenv("OPTVIZ_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "l.md"
    source.write_text(HEAD + "# A\n\n::: race surface=rosenbrock start=-1.5,2 optimizers=\"sgd:lr=1 adam:lr=0.01\" "
                      "box=-2,2;-1,3 steps=10 name=a\nSGD ends at {a.loss.sgd:.3g}, Adam at {a.loss.adam:.3g}.\n")
    assert np.isnan(simulate("rosenbrock", "sgd:lr=1", [[-1.5, 2]], 10).loss[0, 0, -1])   # it diverges
    said = []
    lecture = runs.prepare(source, report=said.append)
    spoken = lecture.plan[0].beats[0].say
    assert spoken.startswith("SGD ends at diverged, Adam at ") and "nan" not in spoken, spoken
    assert said[1:] == [f"{source}:{HEAD.count(chr(10)) + 4}: {{a.loss.sgd:.3g}} is from a run that diverged: "
                    "it reads \"diverged\""], said
    # the command says it whether or not its output is a terminal (a log, a Makefile)
    from optviz.lecture import video
    monkeypatch.setattr(video, "render", lambda *a, **k: [])   # the warning, not the drawing
    assert main(["lecture", str(source), "-o", str(tmp_path / "a.mp4")]) == 0
    err = capsys.readouterr().err
    assert said[1] in err.splitlines(), err


def test_the_voice_script_of_a_lecture_file_says_how_to_render_that_file(tmp_path, monkeypatch, capsys):
    """HOW-TO.txt's command renders the teacher's file with the recordings (it named `optviz render
    --scene lecture`, the built-in lecture), and its one-take example is one of the file's chapters."""
    import shlex

    from optviz.cli.commands import build_parser
    monkeypatch.setenv("OPTVIZ_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "my talk.md").write_text(HEAD + "# Hello there {#hi}\n\n::: text\nOne line.\n> one\n")
    assert main(["lecture", "my talk.md", "--voice-script", "takes"]) == 0
    how_to = (tmp_path / "takes" / "HOW-TO.txt").read_text()
    assert (tmp_path / "takes" / "01-hi" / "01.txt").read_text() == "One line.\n"
    assert "beside the folder (01-hi.wav)" in how_to
    command = next(line.strip() for line in how_to.splitlines() if line.strip().startswith("optviz "))
    args = build_parser().parse_args(shlex.split(command)[1:])
    assert (args.what, args.voice, args.output) == ("my talk.md", "recorded:takes", "my talk.mp4"), command


def test_paths_lost_in_their_view_are_told_the_box_that_frames_them(tmp_path, monkeypatch, seed_lecture):
    """A rule or a race without box= is shown in the surface's box: RMSprop at lr=0.01 crawls 8% of
    Rosenbrock's across in 200 steps (the example's rule was a dot that hardly moved). The teacher is
    told so at the shot's line, with a box= that frames the path; pasted in, the path fills it and
    nothing more is said. A race that crosses its surface is not advised, nor is any shot of the
    built-in lecture or the example."""
    from optviz import simulate
    from optviz.lecture import runs
    from optviz.lecture.files import load_data
    from optviz.lecture.framing import FRAMED
    from optviz.lecture.markdown import read
    from optviz.lecture.shots import SHOTS, parse_options, view_box
    monkeypatch.setenv("OPTVIZ_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "l.md"
    rule = "::: rule surface=rosenbrock start=-1.5,2 steps=200 optimizer=rmsprop:lr=0.01 name=r"
    text = HEAD + f"# A\n\n{rule}\nx\n\n# B\n\n::: race surface=rosenbrock start=-1.5,2 steps=300 " \
                  "optimizers=\"adam:lr=0.05 rmsprop:lr=0.01\" name=a\ny\n"
    source.write_text(text)
    said = []
    runs.prepare(source, warn=said.append)
    path = simulate("rosenbrock", "rmsprop:lr=0.01", [[-1.5, 2]], 200).position[0, 0].astype(float)
    span = (path.max(0) - path.min(0)) / [4, 4]   # Rosenbrock's box: [-2, 2] x [-1, 3]
    assert span.max() < FRAMED
    line = HEAD.count("\n") + 3
    assert len(said) == 1 and said[0].startswith(
        f"{source}:{line}: the path spans {int(span[0] * 100)}% of the view across and {int(span[1] * 100)}% up"), said
    advised = re.search(r"box=(\S+) frames it$", said[0])[1]
    box = np.array(view_box(advised))
    assert (path >= box[:, 0]).all() and (path <= box[:, 1]).all()
    assert ((path.max(0) - path.min(0)) / (box[:, 1] - box[:, 0])).max() > 0.75   # it fills the box
    source.write_text(text.replace("name=r", f"box={advised} name=r"))
    said.clear()
    again = runs.prepare(source, warn=said.append)
    assert said == [] and np.allclose(load_data(again.folders["r"])["run"].box, box)
    # the built-in lecture's and the example's views hold their paths
    for doc, folders in ((seed_lecture.doc, seed_lecture.folders), (read(runs.lecture_file("own-lecture")), None)):
        for _, shot in doc.shots():
            opts, _ = parse_options(SHOTS[shot.kind], shot.options)
            if shot.kind in ("rule", "race"):
                data = load_data(folders[shot.name]) if folders else SHOTS[shot.kind].compute(opts)
                assert SHOTS[shot.kind].advise(opts, data) == [], (doc.path, shot.line)
