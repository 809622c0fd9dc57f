"""A first render computes its runs in a forked child while it imports the renderers (cli.ahead): the
child's errors are the render's own (one line, exit 2, nothing written), and its runs are the ones
the engine computes in process."""
import os
import subprocess
import sys


FAILING = '''
import os, torch
class Failing(torch.optim.SGD):
    def step(self, closure=None):
        raise ValueError(f"no step in process {os.getpid()}")
'''


def test_an_error_in_the_child_is_the_render_s_own(tmp_path):
    (tmp_path / "failing.py").write_text(FAILING)
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "OPTVIZ_CACHE_DIR": str(tmp_path / "cache")}
    out = tmp_path / "out.gif"
    proc = subprocess.Popen([sys.executable, "-m", "optviz", "render", "--optimizer", "failing:Failing:lr=0.1",
                             "--steps", "5", "-o", str(out)], env=env, stderr=subprocess.PIPE, text=True)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "failed at step 1: ValueError: no step in process" in lines[0], err
    assert int(lines[0].rsplit(" ", 1)[1]) != proc.pid   # raised in the child, reported by the render
    assert not out.exists() and not list(tmp_path.glob("*.gif*"))


PROBE = """
import json, sys
import numpy as np
from optviz.cli.ahead import Ahead, worth_forking
from optviz.cli.run import simulate_spec
run = {"surface": "pathological", "steps": 60, "optimizers": ["sgd:lr=10", "momentum:lr=10,momentum=0.9"],
       "starts": [[7, 7]]}
assert worth_forking(run)
forked = Ahead(lambda: simulate_spec(run, cache=False)).result()
assert "torch" not in sys.modules   # computed in the child
here = simulate_spec(run, cache=False)
print(json.dumps(all(np.array_equal(getattr(forked, k), getattr(here, k), equal_nan=True)
                     for k in ("position", "loss", "grad", "diverged_at", "grid_z")) and forked.meta == here.meta))
"""


def test_the_child_s_runs_are_the_engine_s(tmp_path):
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "OPTVIZ_CACHE_DIR": str(tmp_path)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "true"
