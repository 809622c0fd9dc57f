"""A command run in a real terminal (tmux) and its screen watched as it runs: what the progress
tests see, as a user would."""
import re
import signal
import subprocess
import time
from pathlib import Path


def ctrl_c_as_in_a_terminal() -> None:
    """A Popen's preexec_fn: the command gets Ctrl-C (SIGINT) as a terminal's foreground command does.
    A shell without job control (a script's `cmd &`, as a CI runner may start the tests) starts its
    background commands with SIGINT ignored, which their children inherit, and Python then never raises
    KeyboardInterrupt: a test of Ctrl-C would test how the tests were started, not optviz."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def watch(command: str, folder: Path, pattern: str, timeout: float, *, joined: bool = False, every: float = 0.1,
          env: dict | None = None) -> tuple[str, list]:
    """Run `command` in a 150x20 tmux window in `folder` until it ends (or `timeout` s); returns the last
    screen (ending "EXIT=status") and every match of `pattern` seen on it meanwhile. `joined`: a line
    tmux wrapped comes back whole."""
    session = f"optviz-{folder.name}"
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "150", "-y", "20", "-c", str(folder),
                    f"{command}; echo EXIT=$?; sleep 60"], check=True, env=env)
    seen, screen = [], ""
    try:
        end = time.time() + timeout
        while time.time() < end and "EXIT=" not in screen:
            screen = subprocess.run(["tmux", "capture-pane", "-p", *(["-J"] if joined else []), "-t", session],
                                    capture_output=True, text=True).stdout
            seen += re.findall(pattern, screen)
            time.sleep(every)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session])
    return screen, seen
