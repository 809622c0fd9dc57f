"""Issue 32: runs computed once are read from optviz's cache: the same pictures, without torch; keyed
by what decides them; bounded, oldest out first; safe under two renders at once; `optviz cache`."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from optviz import cache, simulate
from optviz.data import Experiment

RACE = ["--surface", "ravine", "--steps", "30", "--optimizer", "sgd:lr=0.1", "--optimizer", "adam:lr=0.3",
        "--start=-4.5,1.5", "--width", "320", "--height", "240", "--fps", "10", "--hold", "0"]
# runs the command in this process, then says whether torch (or any of optviz.core) was imported here, and
# how many times runs were simulated (here, or in the child a first render computes them in)
PROBE = ("import json, os, sys, tempfile; import optviz.cli.compute as run; calls = tempfile.mktemp(); "
         "simulate = run.surface_spec; "
         "run.surface_spec = lambda *a, **k: (open(calls, 'a').write('x'), simulate(*a, **k))[1]; "
         "from optviz.cli import main; code = main(sys.argv[1:]); "
         "n = len(open(calls).read()) if os.path.exists(calls) else 0; "
         "print(json.dumps([code, sorted(m for m in sys.modules if m == 'torch' or m.startswith('optviz.core')), n]))")


def probe(cache_dir, *args):
    env = {**os.environ, "OPTVIZ_CACHE_DIR": str(cache_dir)}
    out = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_cached_render_is_the_same_file_and_never_imports_torch(tmp_path):
    first, again, fresh = (tmp_path / f"{n}.gif" for n in ("first", "again", "fresh"))
    code, imported, simulated = probe(tmp_path / "cache", "render", *RACE, "-o", str(first))
    # computed, in a child forked while this process imported the renderers: torch is the child's
    assert code == 0 and simulated == 1 and "torch" not in imported, imported
    code, imported, simulated = probe(tmp_path / "cache", "render", *RACE, "--view", "2d", "-o", str(again))
    assert code == 0 and imported == [] and simulated == 0, imported
    assert again.read_bytes() == first.read_bytes()
    # --no-cache computes again (and gets the same picture: the cache changed nothing)
    code, imported, simulated = probe(tmp_path / "cache", "render", *RACE, "--no-cache", "-o", str(fresh))
    assert simulated == 1 and fresh.read_bytes() == first.read_bytes()
    assert len(list((tmp_path / "cache" / "runs").glob("*.npz"))) == 1


def test_the_cached_runs_equal_the_engine_s():
    """Through the cache (store, then load), every array and the meta come back exactly."""
    run = {"surface": "pathological", "steps": 40, "optimizers": ["sgd:lr=10", "adam:lr=1"], "starts": [[7, 7]]}
    from optviz.cli.compute import simulate_spec
    computed = simulate_spec(run, cache=False)
    cache.store_run(run, computed)
    loaded = cache.load_run(run)
    reference = simulate("pathological", ["sgd:lr=10", "adam:lr=1"], [[7, 7]], 40)
    for k in ("position", "loss", "grad", "diverged_at", "grid_z"):
        np.testing.assert_array_equal(getattr(loaded, k), getattr(reference, k))
    assert loaded.meta == json.loads(json.dumps(reference.meta)) and loaded.labels == reference.labels


def test_the_key_is_what_decides_the_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("OPTVIZ_CACHE_DIR", str(tmp_path))
    base = {"surface": "ravine", "steps": 30, "optimizers": ["sgd:lr=0.1"], "starts": [[-4.5, 1.5]]}
    same = cache.run_entry(dict(reversed(list(base.items()))))
    assert cache.run_entry(base) == same   # the order keys were given in decides nothing
    for change in ({"steps": 31}, {"optimizers": ["sgd:lr=0.11"]}, {"starts": [[-4.5, 1.6]]}, {"seed": 1},
                   {"dtype": "float64"}, {"device": "cuda"}, {"surface": "x**2 + y**2"}):
        assert cache.run_entry({**base, **change}) != same, change
    # a user's code by import path may change under its name: never cached
    assert cache.run_entry({**base, "optimizers": ["user_optim:Lion:lr=0.1"]}) is not None   # no dot: a module
    assert cache.run_entry({**base, "optimizers": ["mypkg.opt:Lion:lr=0.1"]}) is None
    assert cache.run_entry({**base, "optimizers": [("mypkg.opt:Lion", {"lr": 0.1}, "", None)]}) is None
    assert cache.run_entry({"task": "mypkg.task:make_task", "steps": 10}) is None
    assert cache.run_entry({"task": "digits-mlp", "steps": 10}) is not None


def test_the_store_keeps_its_bound_oldest_out_first(tmp_path, monkeypatch):
    monkeypatch.setenv("OPTVIZ_CACHE_DIR", str(tmp_path))
    exp = simulate("ravine", ["sgd:lr=0.1"], [[-4.5, 1.5]], 30)
    runs = [{"surface": "ravine", "steps": 30, "optimizers": ["sgd:lr=0.1"], "seed": s} for s in range(4)]
    for i, run in enumerate(runs):
        cache.store_run(run, exp)
        os.utime(cache.run_entry(run), (1000 + i, 1000 + i))   # written in this order
    size = cache.run_entry(runs[0]).stat().st_size
    assert cache.load_run(runs[0]) is not None   # a use makes it the newest
    monkeypatch.setenv("OPTVIZ_CACHE_SIZE", str(2 * size + size // 2))
    cache.store_run(runs[3], exp)   # written again: the trim runs
    kept = [cache.run_entry(r).exists() for r in runs]
    assert kept == [True, False, False, True], kept


def test_an_entry_gone_or_broken_is_computed_again(tmp_path, monkeypatch):
    monkeypatch.setenv("OPTVIZ_CACHE_DIR", str(tmp_path))
    run = {"surface": "ravine", "steps": 5, "optimizers": ["sgd:lr=0.1"]}
    cache.run_entry(run).parent.mkdir(parents=True)
    cache.run_entry(run).write_bytes(b"half an npz")
    assert cache.load_run(run) is None


def test_two_renders_at_once_share_the_cache(tmp_path):
    env = {**os.environ, "OPTVIZ_CACHE_DIR": str(tmp_path / "cache")}
    procs = [subprocess.Popen([sys.executable, "-m", "optviz", "render", *RACE, "-o", str(tmp_path / f"{i}.gif")],
                              env=env, stderr=subprocess.PIPE, text=True) for i in range(2)]
    assert [p.wait() for p in procs] == [0, 0], [p.stderr.read() for p in procs]
    assert (tmp_path / "0.gif").read_bytes() == (tmp_path / "1.gif").read_bytes()
    entries = list((tmp_path / "cache" / "runs").iterdir())
    assert len(entries) == 1 and Experiment.load(entries[0]).steps == 30   # one whole entry, no temp left


def test_cache_command_shows_and_clears(tmp_path):
    env = {**os.environ, "OPTVIZ_CACHE_DIR": str(tmp_path)}
    cli = lambda *a: subprocess.run([sys.executable, "-m", "optviz", *a], capture_output=True, text=True, env=env)  # noqa: E731
    assert cli("trajectory", "--steps", "5", "-o", str(tmp_path / "t.npz")).returncode == 0
    shown = cli("cache")
    assert shown.returncode == 0 and str(tmp_path) in shown.stdout and "runs" in shown.stdout and "1 files" in shown.stdout
    bad = cli("cache", "clear", "chapters")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "'chapters'" in bad.stderr and "runs" in bad.stderr
    assert "lecture" in bad.stderr and "voice" in bad.stderr   # every part, not only those holding something
    assert cli("cache", "clear", "runs").returncode == 0 and not (tmp_path / "runs").exists()
    again = cli("cache", "clear", "runs")   # already empty: nothing to remove, not an error
    assert again.returncode == 0 and "removed 0 B" in again.stderr, again.stderr
    bad = subprocess.run([sys.executable, "-m", "optviz", "trajectory", "--steps", "5", "-o", str(tmp_path / "u.npz")],
                         capture_output=True, text=True, env={**env, "OPTVIZ_CACHE_SIZE": "lots"})
    assert bad.returncode == 2 and "'lots'" in bad.stderr and "Traceback" not in bad.stderr
    assert not (tmp_path / "u.npz").exists()


@pytest.mark.slow
def test_a_cached_network_run_is_not_trained_again(tmp_path):
    args = ["trajectory", "--task", "moons-mlp", "--steps", "20", "--resolution", "9", "--optimizer", "adam:lr=0.01"]
    code, imported, _ = probe(tmp_path, *args, "-o", str(tmp_path / "a.npz"))
    assert "torch" in imported
    code, imported, _ = probe(tmp_path, *args, "-o", str(tmp_path / "b.npz"))
    assert imported == []
    a, b = Experiment.load(tmp_path / "a.npz"), Experiment.load(tmp_path / "b.npz")
    np.testing.assert_array_equal(a.grid_z, b.grid_z)
    np.testing.assert_array_equal(a.position, b.position)
