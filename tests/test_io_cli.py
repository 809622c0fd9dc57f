"""Data files (NPZ, CSV, JSON) and the command line: round trips, clean failures, no partial output."""
import csv
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from optviz import simulate
from optviz.data import Experiment

ROOT = Path(__file__).resolve().parents[1]


def optviz_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "optviz", *args], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def exp():
    return simulate("ravine", ["sgd:lr=0.2", "adam:lr=0.5"], [[-4.5, 1.5], [1.0, 0.5]], 40)


def test_npz_round_trip(exp, tmp_path):
    path = exp.save(tmp_path / "run.npz")
    back = Experiment.load(path)
    for key in ("position", "loss", "grad", "diverged_at", "starts", "grid_x", "grid_y", "grid_z"):
        np.testing.assert_array_equal(getattr(back, key), getattr(exp, key))
    assert back.meta == json.loads(json.dumps(exp.meta))
    assert set(back.state) == set(exp.state) == {"exp_avg", "exp_avg_sq"}
    M, N, T = 2, 2, 41
    assert back.position.shape == (M, N, T, 2) and back.loss.shape == (M, N, T)
    assert back.diverged_at.dtype == np.int64 and back.state["exp_avg"].shape == (M, N, T, 2)
    for key in ("surface", "optimizers", "steps", "dtype", "noise", "seed", "optviz_version"):
        assert key in back.meta
    assert not list(tmp_path.glob(".*tmp*"))


def test_csv_rows(exp, tmp_path):
    rows = list(csv.DictReader(open(exp.save(tmp_path / "run.csv"))))
    assert list(rows[0]) == ["optimizer", "start", "step", "w1", "w2", "loss"]
    first = exp.diverged_at[0, 0]
    assert first > 0  # sgd lr=0.2 diverges on the ravine; its NaN rows are left out
    sgd0 = [r for r in rows if r["optimizer"] == "SGD lr=0.2" and r["start"] == "0"]
    assert len(sgd0) == first
    adam1 = [r for r in rows if r["optimizer"] == "Adam lr=0.5" and r["start"] == "1"]
    assert len(adam1) == 41
    assert float(adam1[7]["w2"]) == exp.position[1, 1, 7, 1] and float(adam1[7]["loss"]) == exp.loss[1, 1, 7]


def test_json_has_nulls_for_diverged_rows(exp, tmp_path):
    doc = json.load(open(exp.save(tmp_path / "run.json")))
    run = doc["trajectories"][0]["runs"][0]
    assert run["diverged_at"] == exp.diverged_at[0, 0]
    assert run["w1"][run["diverged_at"]] is None and run["w1"][0] == -4.5
    assert doc["trajectories"][1]["hyperparameters"]["lr"] == 0.5


def test_renderer_side_loads_without_torch(exp, tmp_path):
    path = exp.save(tmp_path / "run.npz")
    code = ("import sys, optviz.data as e; x = e.Experiment.load(sys.argv[1]); "
            "assert 'torch' not in sys.modules, 'torch imported'; print(x.labels)")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "Adam lr=0.5" in out.stdout


def test_cli_trajectory_writes_each_format(tmp_path):
    for ext in ("npz", "csv", "json"):
        out = optviz_cli("trajectory", "--surface", "pathological", "--optimizer", "sgd:lr=10",
                         "--optimizer", "momentum:lr=10,momentum=0.9", "--optimizer", "adam:lr=1",
                         "--start", "7,7", "--steps", "50", "-o", str(tmp_path / f"seed.{ext}"))
        assert out.returncode == 0, out.stderr
    exp = Experiment.load(tmp_path / "seed.npz")
    assert exp.labels == ["SGD lr=10", "Momentum lr=10, momentum=0.9", "Adam lr=1"]
    assert exp.position.shape == (3, 1, 51, 2)


def test_cli_random_starts_and_float64(tmp_path):
    out = optviz_cli("trajectory", "--surface", "x**2 + 10*sin(y)", "--optimizer", "adam:lr=0.1", "--starts", "5",
                     "--steps", "10", "--dtype", "float64", "--noise", "0.1", "--seed", "3", "-o", str(tmp_path / "r.npz"))
    assert out.returncode == 0, out.stderr
    exp = Experiment.load(tmp_path / "r.npz")
    assert exp.position.dtype == np.float64 and exp.starts.shape == (5, 2) and exp.meta["noise"] == 0.1


def test_cli_list():
    out = optviz_cli("list")
    assert out.returncode == 0
    for word in ("pathological", "sharp-wide", "lbfgs", "torch-momentum", "v = momentum*v + (1-momentum)*g"):
        assert word in out.stdout


@pytest.mark.parametrize("args,message", [
    (["--surface", "rosenbrok"], "unknown surface 'rosenbrok'; choose from:"),
    (["--surface", "x + __import__('os')"], "invalid surface expression"),
    (["--optimizer", "adma"], "unknown optimizer 'adma'; choose from:"),
    (["--optimizer", "adam:lr=-1"], "Invalid learning rate: -1"),
    (["--optimizer", "momentum:momentum=1"], "Invalid momentum value: 1"),
    (["--optimizer", "adam:lr"], "bad hyperparameter 'lr'"),
    (["--optimizer", "adam:learning_rate=1"], "unknown hyperparameter 'learning_rate'"),
    (["--start", "7"], "bad start '7'"),
    (["--start", "7,7", "--starts", "3"], "either --start points or --starts N"),
    (["--steps", "-3"], "steps must be a whole number"),
    (["--steps", "ten"], "argument --steps: invalid int value: 'ten'"),
    (["--dtype", "float16"], "invalid choice: 'float16'"),
    (["--bogus"], "unrecognized arguments: --bogus"),
])
def test_cli_bad_input_is_one_line_exit_2_nothing_written(tmp_path, args, message):
    target = tmp_path / "out.npz"
    out = optviz_cli("trajectory", *args, "-o", str(target))
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in out.stderr, out.stderr
    assert list(tmp_path.iterdir()) == []


def test_cli_unknown_output_format(tmp_path):
    out = optviz_cli("trajectory", "-o", str(tmp_path / "out.xlsx"))
    assert out.returncode == 2 and "unknown output format 'xlsx'" in out.stderr and "npz, csv, json" in out.stderr
    assert list(tmp_path.iterdir()) == []


def test_failed_save_leaves_no_file(exp, tmp_path, monkeypatch):
    target = tmp_path / "run.npz"

    def boom(*a, **k):
        raise KeyboardInterrupt
    monkeypatch.setattr(np, "savez_compressed", boom)
    with pytest.raises(KeyboardInterrupt):
        exp.save(target)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [
    ["slides", "--lecture", "lecture.mp4", "-o", "{out}"],
    ["render", "--engine", "manim", "--scene", "lecture", "--voice-script", "{out}"],
    ["examples", "copy", "{out}"],
])
@pytest.mark.parametrize("where", ["under-a-file", "read-only"])
def test_a_folder_that_cannot_be_made_is_one_line_exit_2_nothing_left(tmp_path, command, where):
    """Issue 32: every command that writes a folder names the folder it cannot make, before any work."""
    (tmp_path / "a-file").write_text("not a folder\n")
    out = tmp_path / "a-file" / "deck" if where == "under-a-file" else Path("/proc/optviz-test-folder")
    before = sorted(tmp_path.rglob("*"))
    done = optviz_cli(*(a.replace("{out}", str(out)) for a in command), cwd=tmp_path)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert "cannot make the" in lines[0] and repr(str(out)) in lines[0], lines[0]
    assert sorted(tmp_path.rglob("*")) == before and not out.exists()


@pytest.mark.parametrize("command", [
    ["render", "--steps", "10", "-o", "/proc/optviz-test.gif"],
    ["trajectory", "--steps", "10", "-o", "/proc/optviz-test.npz"],
    ["lecture", "seed", "--voice", "none", "-o", "/proc/optviz-test.mp4"],
])
def test_a_file_where_no_file_can_be_made_is_one_line_exit_2_before_any_work(tmp_path, command):
    """A folder whose permissions say yes but that takes no file (/proc, as root; a read-only mount) is
    found before anything runs: the lecture rendered every chapter, then failed with a traceback."""
    done = optviz_cli(*command, cwd=tmp_path)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert f"cannot write {command[-1]!r}: '/proc' takes no new files" in lines[0], lines[0]
    assert list(tmp_path.iterdir()) == []


def test_a_terminal_shows_the_gif_s_bar_then_its_notes_and_the_file_each_on_its_own_line(tmp_path):
    """In a real terminal (tmux), `optviz render` of a 3-D GIF shows a bar of frames; what it says of
    the render while the bar is up (a path behind the surface) is a line of its own, not run on from
    the bar's, and the bar is gone once the file is written."""
    import os
    import re

    from terminal import watch
    screen, bars = watch(f"{sys.executable} -m optviz render --surface pathological --steps 400 --optimizer sgd:lr=10 "
                         "--optimizer adam:lr=1 --start 7,7 --view 3d -o r.gif", tmp_path,
                         r"rendering r\.gif: +\d+%\|.*\| \d+/(\d+)", 120, joined=True,
                         env={**os.environ, "OPTVIZ_CACHE_DIR": str(tmp_path / "cache")})
    assert "EXIT=0" in screen, screen
    assert bars, screen   # the bar was seen
    notes = re.findall(r"^(.*)r\.gif: \d+% of .*'s path is behind the surface", screen, re.M)
    assert notes and all(n == "" for n in notes), screen   # each note at the start of its own line
    # (a line the bar was cleared from keeps its blanks in tmux's capture)
    assert re.search(r"^wrote r\.gif \(0:\d\d\.\d, [\d.]+ kB\) *$", screen, re.M), screen
    assert "rendering" not in screen.split("wrote r.gif")[-1]
