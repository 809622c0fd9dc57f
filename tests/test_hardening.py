"""Issue 13: what a new user, a shared spec and a killed job broke. Bad input ends in one line naming
the bad value, exit status 2, no traceback, nothing written and no temp file left; SIGTERM is handled as
Ctrl-C is; a run removes temp files a killed run left; data objects print as one line."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import optviz
from optviz.cli import main

BAD = [
    # 3. an expression constant in x and y
    (["trajectory", "--surface", "5", "-o", "a.npz"], "'5': it does not depend on x or y"),
    # 2. a billion starts: refused with the estimate before they exist
    (["trajectory", "--starts", "1000000000", "-o", "a.npz"], r"about 3386.29 GiB \(1 optimizers x 1000000000 starts"),
    (["trajectory", "--cloud", "100000000", "--starts", "100", "-o", "a.npz"], "GiB .* over the limit"),
    (["experiment", "race", "--budget", "1000000000", "-o", "r.gif"], "1000000000 optimizers x 1 starts"),
    (["experiment", "map", "--resolution", "100000", "-o", "m"], r"447.03 GiB \(1 frame\(s\) of 100000 x 100000"),
    (["experiment", "minima", "--seeds", "100000000", "-o", "mm"], "seeds must be from 1 to 100,000"),
    (["trajectory", "--starts", "60000", "--steps", "100", "-o", "big.json"], "6,060,000 rows are too many for JSON"),
    # 4. a size nothing can render, and other values that rendered garbage or nothing
    (["render", "--steps", "10", "--width", "100000", "-o", "w.gif"], "width must be a whole number of pixels from 16"),
    (["render", "--elev", "nan", "-o", "e.gif"], "elev must be a finite number"),
    (["render", "--workers", "0", "-o", "w.gif"], "bad number of workers '0'"),
    (["trajectory", "--noise", "inf", "-o", "n.npz"], "noise must be a finite number >= 0, got inf"),
    (["trajectory", "--seed", "-1", "--starts", "3", "-o", "s.npz"], "seed must be a whole number >= 0, got -1"),
    (["experiment", "map", "--chunk", "-5", "--resolution", "4", "--steps", "2", "-o", "m"], "chunk must be"),
    (["experiment", "map", "--zoom-frames", "2", "--zoom-depth", "-1", "--resolution", "8", "-o", "m"],
     "zoom-depth must be a magnification >= 1"),
    (["experiment", "minima", "--level", "2", "-o", "mm"], "level must be a confidence level between 0 and 1"),
    (["experiment", "minima", "--radius", "-1", "-o", "mm"], "radius must be > 0"),
    # 5. a folder where the file should go, a file where the folder should be
    (["render", "--steps", "10", "-o", "adir.gif"], "cannot write 'adir.gif': it is a folder"),
    # a folder or a lecture file where a render spec goes (a traceback, and "not valid TOML")
    (["render", "adir.gif"], "spec file 'adir.gif' is a folder; name a .toml file"),
    (["slides", "talk.md"], "'talk.md' is a lecture file, not a TOML spec: render it with `optviz lecture talk.md"),
    (["trajectory", "-o", "afile.txt/a.npz"], "'afile.txt' is a file, not a folder"),
    (["experiment", "minima", "-o", "adir.gif/../afile.txt/m"], "is a file, not a folder"),
    # 7. import paths that name something other than an optimizer class
    (["trajectory", "--optimizer", "os:system", "-o", "a.npz"], "'os:system' is not an optimizer class but a function"),
    (["trajectory", "--optimizer", "subprocess:Popen", "-o", "a.npz"], "a class without step\\(\\) and zero_grad\\(\\)"),
    (["trajectory", "--optimizer", "json:decoder", "-o", "a.npz"], "but a module object"),
    (["trajectory", "--optimizer", "nosuchmodule:Opt", "-o", "a.npz"], "No module named 'nosuchmodule'"),
    # 8. an optimizer that raises during a run: its name, the step and the reason
    (["trajectory", "--optimizer", "SparseAdam", "-o", "a.npz"], "optimizer 'SparseAdam' failed at step 1: RuntimeError"),
    (["trajectory", "--optimizer", "user_optim:Exploding:lr=0.1", "-o", "a.npz"],
     "optimizer 'Exploding lr=0.1' failed at step 3: FloatingPointError: the third step"),
    # 11. torch's class names: options they do not take, and classes for matrices
    (["trajectory", "--optimizer", "SGD:lr=0.1,nesterov=True", "-o", "a.npz"], "Nesterov momentum requires a momentum"),
    (["trajectory", "--optimizer", "Muon", "-o", "a.npz"], "Muon only supports 2D parameters"),
    (["trajectory", "--optimizer", "sam:base=adam,rho=-1", "-o", "a.npz"], "Invalid rho: -1"),
    (["trajectory", "--optimizer", "Nonsense", "-o", "a.npz"], "unknown optimizer 'Nonsense'; choose from: adadelta"),
]


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(Path(__file__).parent))
    (tmp_path / "adir.gif").mkdir()
    (tmp_path / "afile.txt").write_text("not a folder")
    return tmp_path


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.parametrize("argv,message", BAD, ids=[" ".join(a)[:60] for a, _ in BAD])
def test_bad_input_is_one_line_exit_2_nothing_written(workdir, capsys, argv, message):
    before = listing(workdir)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and err.startswith("optviz: error: "), err
    assert __import__("re").search(message, err), err
    assert listing(workdir) == before     # no output, no temp file


def test_negative_numbers_after_flags(workdir, capsys):
    """1. `--start -1.5,2` as users type it (and an expression starting with a minus)."""
    assert main(["trajectory", "--surface", "rosenbrock", "--start", "-1.5,2", "--steps", "3", "-o", "a.npz"]) == 0
    assert main(["trajectory", "--surface", "-x**2/10+y**2", "--start", "-1,-2", "--start=0.5,-.5",
                 "--steps", "3", "-o", "b.npz"]) == 0
    a, b = optviz.Experiment.load("a.npz"), optviz.Experiment.load("b.npz")
    np.testing.assert_array_equal(a.starts, [[-1.5, 2.0]])
    np.testing.assert_array_equal(b.starts, [[-1.0, -2.0], [0.5, -0.5]])
    assert b.meta["surface"]["expr"] == "-x**2/10+y**2"
    assert main(["trajectory", "--start", "-x", "-o", "c.npz"]) == 2   # not a number: still a flag error
    assert "expected one argument" in capsys.readouterr().err


def test_success_names_what_it_wrote(workdir, capsys):
    assert main(["render", "--steps", "5", "-o", "a.gif"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("wrote a.gif (") and err.strip().endswith("kB)")


def test_a_renderer_that_writes_nothing_is_an_error(workdir, monkeypatch, capsys):
    """4. Writing nothing must never report success, whatever swallowed the failure."""
    import optviz.render.animate as animate
    monkeypatch.setattr(animate, "render", lambda exp, path, **kw: Path(path))
    assert main(["render", "--steps", "3", "-o", "a.gif"]) == 2
    assert "'a.gif' was not written" in capsys.readouterr().err


def long_render(tmp_path, target="long.gif"):
    return subprocess.Popen([sys.executable, "-m", "optviz", "render", "--steps", "300", "--view", "3d",
                             "--camera", "orbit", "--workers", "2", "-o", target],
                            cwd=tmp_path, stderr=subprocess.PIPE, text=True, start_new_session=True)


def alive_in_group(pgid: int) -> bool:
    """Whether a process of group pgid is still running (zombies waiting for their parent do not count)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def wait_for_temp(tmp_path, proc, timeout=60):
    end = time.time() + timeout
    while time.time() < end and proc.poll() is None:
        if list(tmp_path.glob(".long.*.tmp.gif")):
            time.sleep(1.0)   # workers are rendering frames now
            return
        time.sleep(0.1)
    raise AssertionError("the render never started writing")


@pytest.mark.slow
def test_manim_processes_end_with_a_killed_render(tmp_path):
    """SIGKILL cannot be caught: the manim processes rendering a video must still end with their parent
    (they used to render on for minutes with nobody to collect the result)."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "optviz", "render", "--engine", "manim", "--scene", "rolling",
                             "--quality", "720p30", "--duration", "60", "--workers", "2", "-o", "long.mp4"],
                            cwd=tmp_path, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            env={**os.environ, "TMPDIR": str(tmp)})
    end = time.time() + 120
    while time.time() < end and proc.poll() is None and not list(tmp.glob("*/media*/**/partial_movie_files/**/*.*")):
        time.sleep(0.2)
    assert proc.poll() is None, proc.stderr.read()
    assert alive_in_group(proc.pid)
    proc.kill()
    proc.wait()
    end = time.time() + 10
    while time.time() < end and alive_in_group(proc.pid):
        time.sleep(0.1)
    left = alive_in_group(proc.pid)
    if left:
        os.killpg(proc.pid, signal.SIGKILL)   # not left running after a failure
    assert not left
    assert not (tmp_path / "long.mp4").exists()


@pytest.mark.parametrize("sig,code,word", [(signal.SIGTERM, 143, "terminated"), (signal.SIGINT, 130, "interrupted")])
def test_sigterm_is_handled_as_ctrl_c(tmp_path, sig, code, word):
    """6. TERM (timeout, CI, a closed terminal) to the whole process group, as `timeout` sends it."""
    from terminal import ctrl_c_as_in_a_terminal
    proc = subprocess.Popen([sys.executable, "-m", "optviz", "render", "--steps", "300", "--view", "3d",
                             "--camera", "orbit", "--workers", "2", "-o", "long.gif"],
                            cwd=tmp_path, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=ctrl_c_as_in_a_terminal)
    wait_for_temp(tmp_path, proc)
    os.killpg(proc.pid, sig)
    err = proc.communicate(timeout=60)[1]
    assert proc.returncode == code
    assert err.strip() == f"optviz: {word}", err
    assert listing(tmp_path) == []


def test_a_run_removes_the_temp_file_a_killed_run_left(tmp_path):
    """6. SIGKILL cannot be caught: the next run writing the same target removes what it left."""
    proc = long_render(tmp_path)
    wait_for_temp(tmp_path, proc)
    proc.kill()
    proc.wait()
    end = time.time() + 10   # its frame workers end with it (they used to wait forever on their pipes)
    while time.time() < end and alive_in_group(proc.pid):
        time.sleep(0.1)
    assert not alive_in_group(proc.pid)
    left = list(tmp_path.glob(".long.*.tmp.gif"))
    assert len(left) == 1
    other = tmp_path / f".long.{os.getpid()}-alive.tmp.gif"   # a live writer's temp file is kept
    other.write_bytes(b"")
    assert main(["render", "--steps", "3", "-o", str(tmp_path / "long.gif")]) == 0
    assert not left[0].exists() and other.exists() and (tmp_path / "long.gif").is_file()


def test_data_objects_print_as_one_line():
    """10. In a terminal and as a notebook's text/plain, a summary instead of the arrays or bytes."""
    exp = optviz.simulate("pathological", ["sgd:lr=10", "adam:lr=1"], [[7, 7]], 50)
    arrays = [exp.position, exp.loss, exp.grad, exp.diverged_at, exp.starts, exp.grid_x, exp.grid_y, exp.grid_z,
              exp.lr, *exp.state.values()]
    size = sum(a.nbytes for a in arrays) / 1e3
    assert repr(exp) == ("Experiment(surface='pathological', optimizers=['SGD lr=10', 'Adam lr=1'], starts=1, steps=50, "
                         f"diverged=0/2 runs, {size:.1f} kB)")
    anim = optviz.animate(exp, format="gif")
    assert repr(anim).startswith("Animation(gif, 800x600, ") and "\n" not in repr(anim) and len(repr(anim)) < 100
    tmap = optviz.trainability_map(resolution=(6, 4), steps=20)
    assert repr(tmap).startswith("TrainabilityMap(torch-momentum on ravine, lr x momentum, 6x4 pixels, 1 frame(s), "
                                 "20 steps: converged ")
    from optviz.studies.minima import run_minima
    result, _ = run_minima(seeds=2, starts=4, steps=5)
    assert repr(result).endswith("2 seeds x 4 starts)") and "\n" not in repr(result)


def test_an_error_in_a_frame_worker_reaches_the_caller(tmp_path, monkeypatch):
    """Frames rendered in forked workers: an exception in one is raised in the parent, as it is."""
    from optviz.render.animate import render
    from optviz.render.scene2d import Scene2D
    from optviz.render.timeline import Timeline
    exp = optviz.simulate("ravine", ["sgd:lr=0.05"], None, 120)
    original = Scene2D.render

    def failing(self, i):
        if i == 90:
            raise ArithmeticError(f"frame {i}")
        return original(self, i)
    monkeypatch.setattr(Scene2D, "render", failing)
    with pytest.raises(ArithmeticError, match="frame 90"):
        render(exp, tmp_path / "a.mp4", timeline=Timeline(), workers=2)
    assert listing(tmp_path) == []
