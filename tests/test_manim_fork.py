"""manim parts forked from a server that imported manim once (optviz.render.manim_fork): the same
video a new `python -m manim` process draws, from a user's script with no main guard, run once; a part
past its time killed; a failing part's own words in the error; a server killed replaced; the server
gone with its starter."""
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from optviz import simulate
from optviz.render import manim_fork

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(not manim_fork.available(), reason="no fork here")


def frames(video: Path) -> np.ndarray:
    from optviz.render.encode import ffmpeg_exe
    raw = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(video), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8)


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
def test_a_script_without_a_main_guard_renders_through_the_server_as_a_new_process_would(tmp_path):
    """A user's script that calls optviz at its top level (no `if __name__ == "__main__"`) runs once
    (Python's own forkserver would run it again in every child), and its video, drawn by forked
    children, has the frames a new manim process per part draws."""
    npz = tmp_path / "seed.npz"
    simulate("pathological", ["sgd:lr=10", "adam:lr=1"], [[7, 7]], 20).save(npz)
    script = tmp_path / "make_video.py"
    script.write_text(textwrap.dedent(f"""
        from optviz.render import manim_fork
        from optviz.render.manim_video import render_manim
        print("script ran")
        render_manim({str(npz)!r}, "forked.mp4", scene="rolling", quality="preview", options={{"duration": 1}},
                     workers=2)
        print("server", manim_fork._server.proc.pid, manim_fork._server.alive())
    """))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("OPTVIZ_MANIM_FORK", None)
    out = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, env=env,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("script ran") == 1 and "True" in out.stdout.split("server")[1], out.stdout
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(f"""
        from optviz.render.manim_video import render_manim
        render_manim({str(npz)!r}, "new.mp4", scene="rolling", quality="preview", options={{"duration": 1}}, workers=2)
    """)], cwd=tmp_path, capture_output=True, text=True, env={**env, "OPTVIZ_MANIM_FORK": "0"}, timeout=300)
    assert out.returncode == 0, out.stderr
    forked, new = frames(tmp_path / "forked.mp4"), frames(tmp_path / "new.mp4")
    assert forked.size == new.size > 0 and np.array_equal(forked, new)


def test_a_part_past_its_time_is_killed_and_a_failing_part_says_why(tmp_path):
    """The Runner's timeout kills the forked child (not the server); a scene that raises ends with its
    own error in the part's log, a non-zero status; a part starts with the server's imports frozen."""
    scene = tmp_path / "scene.py"
    scene.write_text(textwrap.dedent("""
        import time
        from manim import Scene

        class Slow(Scene):
            def construct(self):
                time.sleep(60)

        class Broken(Scene):
            def construct(self):
                raise ValueError("no such surface: 'banana'")

        class Frozen(Scene):
            def construct(self):
                import gc
                raise ValueError(f"frozen {gc.get_freeze_count()} collector {gc.isenabled()}")
    """))
    flags = ["render", "-ql", "--disable_caching", "--progress_bar", "none", "--media_dir", str(tmp_path / "media")]
    env = dict(os.environ)
    manim_fork.warm()
    server = manim_fork._server
    t0 = time.perf_counter()
    with pytest.raises(subprocess.TimeoutExpired):
        manim_fork.run([*flags, str(scene), "Slow"], env, tmp_path, tmp_path / "slow.log", timeout=8)
    assert time.perf_counter() - t0 < 20
    code = manim_fork.run([*flags, str(scene), "Broken"], env, tmp_path, tmp_path / "broken.log")
    assert code != 0
    assert "no such surface: 'banana'" in (tmp_path / "broken.log").read_text()
    assert manim_fork._server is server and server.alive()   # the server serves on
    # a part starts with the server's imports (manim, matplotlib, scipy) frozen out of its collections
    assert manim_fork.run([*flags, str(scene), "Frozen"], env, tmp_path, tmp_path / "frozen.log") != 0
    frozen = re.search(r"frozen (\d+) collector (\w+)", (tmp_path / "frozen.log").read_text())
    assert frozen and int(frozen[1]) > 100_000 and frozen[2] == "True", frozen
    server.proc.kill()   # gone (killed by someone): the next part starts a new one
    server.proc.wait()
    code = manim_fork.run([*flags, str(scene), "Broken"], env, tmp_path, tmp_path / "again.log")
    assert code != 0 and "no such surface: 'banana'" in (tmp_path / "again.log").read_text()
    assert manim_fork._server is not server and manim_fork._server.alive()


def test_the_server_ends_with_the_process_that_started_it(tmp_path):
    """SIGKILL to optviz (nothing can be cleaned up then): its server goes too, and so would its parts."""
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
        import time
        from optviz.render import manim_fork
        manim_fork.warm()
        print(manim_fork._server.proc.pid, flush=True)
        time.sleep(120)
    """)], stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    server = int(proc.stdout.readline())
    assert alive(server)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    end = time.time() + 10
    while time.time() < end and alive(server):
        time.sleep(0.1)
    assert not alive(server)
