"""A first render computes its runs in a child forked first thing (cli.ahead): the
child's errors are the render's own (one line, exit 2, nothing written), and its runs are the ones
the engine computes in process."""
import json
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
from optviz.cli.compute import simulate_spec
run = {"surface": "pathological", "steps": 60, "optimizers": ["sgd:lr=10", "momentum:lr=10,momentum=0.9"],
       "starts": [[7, 7]]}
assert worth_forking(run)
child = Ahead()
child.submit(run, False)
forked = child.result()
child.close()
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


EARLY = """
import json, os, sys
import optviz.cli.ahead as ahead
forks = []
init = ahead.Ahead.__init__
def spy(self):
    forked_before_parsing = "optviz.cli.commands" not in sys.modules
    init(self)
    forks.append((forked_before_parsing, self.pid))
ahead.Ahead.__init__ = spy
sys.argv = ["optviz", *sys.argv[1:]]
from optviz.cli import command
code = command(leave=False)
def gone(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False
print(json.dumps([code, [(before, gone(pid)) for before, pid in forks], "torch" in sys.modules]))
"""


def test_optviz_render_forks_its_child_first_and_leaves_none_behind(tmp_path):
    """`optviz render` forks the child before it reads its arguments; the child computes the runs and
    stores them in the cache after sending them (the render waits for that); a render that needs no
    run, or fails, ends it: no process is left."""
    env = {**os.environ, "OPTVIZ_CACHE_DIR": str(tmp_path / "cache")}
    args = ["render", "--surface", "ravine", "--steps", "20", "--optimizer", "adam:lr=0.3", "--width", "320",
            "--height", "240", "--fps", "10", "--hold", "0"]

    def render(*more):
        out = subprocess.run([sys.executable, "-c", EARLY, *args, *more], capture_output=True, text=True, env=env,
                             timeout=120)
        return json.loads(out.stdout.strip().splitlines()[-1]), out.stderr

    (code, forks, torch), err = render("-o", str(tmp_path / "first.gif"))
    assert code == 0 and forks == [[True, True]] and not torch, err
    assert len(list((tmp_path / "cache" / "runs").glob("*.npz"))) == 1   # stored by the child
    (code, forks, torch), err = render("-o", str(tmp_path / "again.gif"))   # cached: the child ended unused
    assert code == 0 and forks == [[True, True]] and not torch, err
    assert (tmp_path / "again.gif").read_bytes() == (tmp_path / "first.gif").read_bytes()
    (code, forks, torch), err = render("--fps", "zero", "-o", str(tmp_path / "bad.gif"))
    assert code == 2 and forks == [[True, True]] and "zero" in err, err
    assert not (tmp_path / "bad.gif").exists()



COLLECTOR = """
import gc, json, os, sys
import optviz.render.animate as animate
seen = []
make = animate.make_scene
def spy(*a, **k):   # where drawing starts: the renderers imported, frozen or not
    seen.append((gc.get_freeze_count(), gc.isenabled()))
    return make(*a, **k)
animate.make_scene = spy
from optviz.cli import command, main
if os.environ["HOW"] == "command":
    sys.argv = ["optviz", *sys.argv[1:]]
    code = command(leave=False)
else:
    code = main(sys.argv[1:])
print(json.dumps([code, seen]))
"""


def test_optviz_s_own_process_imports_without_the_collector_and_a_caller_s_is_left_alone(tmp_path):
    """The command's process imports the renderers with the garbage collector off, then freezes them
    out of every later collection (cli.imports) and turns it on again, before it draws; a library
    caller's process (a notebook calling `optviz.cli.main`) keeps its collector as it was."""
    args = ["render", "--surface", "ravine", "--steps", "10", "--width", "320", "--height", "240", "--fps", "10",
            "--hold", "0"]
    out = {}
    for how in ("command", "library"):
        env = {**os.environ, "OPTVIZ_CACHE_DIR": str(tmp_path / how), "HOW": how}
        done = subprocess.run([sys.executable, "-c", COLLECTOR, *args, "-o", str(tmp_path / f"{how}.gif")],
                              capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 0, done.stderr
        out[how] = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["command"][0] == 0 and len(out["command"][1]) == 1, out
    frozen, on = out["command"][1][0]
    assert frozen > 50_000 and on, out   # matplotlib and the renderers frozen; the collector on again
    assert out["library"] == [0, [[0, True]]], out
    assert (tmp_path / "command.gif").read_bytes() == (tmp_path / "library.gif").read_bytes()
