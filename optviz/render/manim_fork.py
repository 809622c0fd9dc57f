"""manim processes forked from one that has imported manim once, instead of each starting Python anew.

A manim process spends about a second importing manim, matplotlib and the scenes' libraries before it
draws a frame; a lecture renders as many parts as it has chapters (more when they are cut for the
cores), and `--watch` renders again on every save. Here one server process (`python -m
optviz.render.manim_fork`, started by `warm()`) imports `PRELOAD` once, then forks a child for each
part it is sent: the child starts with all of that in memory, runs manim's own command line (`manim
render ...`) in its folder, with its environment, its output into a log file, and ends. Each part is
still a process of its own: nothing one part changes reaches the next.

The protocol is JSON lines: to the server {"id", "args", "env", "cwd", "log"}; from it {"id", "pid"}
when the child is forked and {"id", "code"} when it has ended. The server ends when its input closes
(the process that started it has ended or let it go) and when that process dies (PR_SET_PDEATHSIG);
each child ends with the server ($OPTVIZ_PARENT, optviz.render.orphans). Python's own forkserver is not
used: it runs the starting script's main module again in every child, which a script without an
`if __name__ == "__main__"` guard does not survive.

Where there is no fork (Windows), or $OPTVIZ_MANIM_FORK=0, `available()` is False and the Runner
starts `python -m manim` for each part as before.
"""
from __future__ import annotations

import atexit
import json
import os
import queue
import select
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from .orphans import PARENT_ENV, die_with_parent

# what every scene imports: manim, and the parts of optviz the scenes draw with (never torch)
PRELOAD = ["manim", "manim.__main__", "optviz.render.base", "optviz.render.geometry", "optviz.render.occlusion",
           "optviz.render.style", "optviz.lecture.script", "optviz.lecture.timing", "optviz.lecture.layout",
           "optviz.lecture.files", "optviz.data", "scipy.spatial"]


def available() -> bool:
    return os.environ.get("OPTVIZ_MANIM_FORK", "1") != "0" and hasattr(os, "fork") and sys.platform != "win32"


class _Server:
    """The client's side: the server process, a thread reading its replies, the parts waited for."""

    def __init__(self):
        env = dict(os.environ, **{PARENT_ENV: str(os.getpid())})
        # started in the temporary folder: manim reads a manim.cfg in the folder it is imported in
        self.proc = subprocess.Popen([sys.executable, "-m", "optviz.render.manim_fork"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, env=env, cwd=tempfile.gettempdir())
        self.lock, self.next_id, self.waiting, self.ended = threading.Lock(), 0, {}, False
        threading.Thread(target=self._read, daemon=True).start()
        atexit.register(self.close)

    def close(self) -> None:
        """End the server now (it may still be importing: a lecture whose chapters were all drawn before
        never needed it), and so any part still running."""
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        self.proc.kill()
        self.proc.wait()

    def alive(self) -> bool:
        return self.proc.poll() is None

    def _read(self) -> None:
        for line in self.proc.stdout:
            try:
                reply = json.loads(line)
            except ValueError:   # not ours (a library printing as it is imported)
                continue
            slot = self.waiting.get(reply["id"])
            if slot is not None:
                slot.update(reply)
                if "code" in reply:
                    slot["done"].set()
        with self.lock:   # the server has ended: nothing waited for will come
            self.ended = True
            for slot in self.waiting.values():
                slot.setdefault("code", -9)
                slot["done"].set()

    def run(self, args, env, cwd, log, timeout):
        with self.lock:
            self.next_id += 1
            slot = self.waiting[self.next_id] = {"done": threading.Event()}
            job = {"id": self.next_id, "args": list(args), "env": dict(env), "cwd": str(cwd), "log": str(log)}
            try:
                if self.ended:
                    raise BrokenPipeError
                self.proc.stdin.write((json.dumps(job) + "\n").encode())
                self.proc.stdin.flush()
            except OSError:   # the server has ended (killed): said as a failed part, not a broken pipe
                self.waiting.pop(job["id"], None)
                Path(log).write_text("optviz: the process forking manim's processes has ended\n")
                return -9
        try:
            if not slot["done"].wait(timeout):
                if "pid" in slot:
                    os.kill(slot["pid"], signal.SIGKILL)
                slot["done"].wait(10)
                raise subprocess.TimeoutExpired(["manim", *args], timeout)
            return slot["code"]
        finally:
            self.waiting.pop(job["id"], None)


_server: _Server | None = None
_starting = threading.Lock()
_requests: queue.Queue = queue.Queue()


def _starter() -> None:
    """Start servers on request. The kernel's parent-death signal fires when the *thread* that started
    a process ends, not its process: a server started from a short-lived thread (a Runner's) would be
    killed with it, so this one thread, alive as long as the process, starts them all."""
    while True:
        reply = _requests.get()
        try:
            reply.put(_Server())
        except BaseException as failed:   # handed to the caller, raised there
            reply.put(failed)


def warm() -> None:
    """Start the server (it imports PRELOAD while its starter goes on) unless it runs already."""
    global _server
    if not available():
        return
    with _starting:
        if _server is None or not _server.alive():
            if not any(t.name == "optviz-manim-fork" for t in threading.enumerate()):
                threading.Thread(target=_starter, name="optviz-manim-fork", daemon=True).start()
            reply: queue.Queue = queue.Queue()
            _requests.put(reply)
            started = reply.get()
            if isinstance(started, BaseException):
                raise started
            _server = started


def run(args: list[str], env: dict, cwd, log, timeout: float | None = None) -> int:
    """`manim ARGS` in a child of the server, in `cwd` with exactly `env`, its output in the file `log`;
    its exit status. Past `timeout` seconds it is killed and subprocess.TimeoutExpired raised."""
    warm()
    code = _server.run(args, env, cwd, log, timeout)
    if code == -9 and not _server.alive():   # it ended under this part: once more, from a new server
        warm()
        code = _server.run(args, env, cwd, log, timeout)
    return code


# ---- the server ---------------------------------------------------------------------------------------

def _child(job: dict) -> int:
    """In a forked child: manim's command line, as `python -m manim ARGS` would run it."""
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)   # the server's input is not the child's
    out = os.open(job["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(out, 1)
    os.dup2(out, 2)
    signal.signal(signal.SIGINT, signal.default_int_handler)   # Ctrl-C stops a part, as it stops manim
    os.chdir(job["cwd"])
    os.environ.clear()
    os.environ.update(job["env"])
    os.environ[PARENT_ENV] = str(os.getppid())   # the server: the scenes end with it
    from manim import config
    from manim._config.utils import make_config_parser
    config.digest_parser(make_config_parser())   # a manim.cfg in this folder, read as a new process reads it
    from manim.__main__ import main
    sys.argv = ["manim", *job["args"]]
    try:
        main(args=job["args"], prog_name="manim")
        return 0
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)


def serve() -> None:
    """The server's loop: fork a child per job read, report its pid and, when it ends, its status."""
    parent = os.environ.get(PARENT_ENV, "")
    die_with_parent(int(parent) if parent.isdigit() else None)
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # a Ctrl-C reaches the children; the server ends on EOF
    import gc
    import importlib
    # manim, matplotlib and scipy make a few hundred thousand objects and no garbage: imported without
    # the collector, then frozen out of every later collection (each part's walked them all again)
    gc.disable()
    for name in PRELOAD:
        importlib.import_module(name)
    gc.freeze()
    gc.enable()
    running, pending = {}, b""

    def say(reply: dict) -> None:
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()

    while True:
        readable, _, _ = select.select([0], [], [], 0.05)
        if readable:
            data = os.read(0, 1 << 16)
            if not data:
                break
            pending += data
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                job = json.loads(line)
                pid = os.fork()
                if pid == 0:
                    code = 1
                    try:
                        code = _child(job)
                    except BaseException:
                        import traceback
                        traceback.print_exc()
                    finally:
                        sys.stdout.flush()
                        sys.stderr.flush()
                        os._exit(code)
                running[pid] = job["id"]
                say({"id": job["id"], "pid": pid})
        while running:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            say({"id": running.pop(pid), "code": os.waitstatus_to_exitcode(status)})
    for pid in running:   # its starter has gone: so do the parts
        os.kill(pid, signal.SIGKILL)


if __name__ == "__main__":
    serve()
