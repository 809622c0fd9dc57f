"""`optviz lecture FILE.md --watch`, as a writer uses it: a running watch, its page open in Chromium,
the file edited under it. One chapter's line changed: only that chapter is drawn again and the page
reloads; a broken save: its FILE:LINE problem on the page and in the terminal, the last render kept;
Ctrl-C: the command exits 0 and leaves no process and no server behind.
"""
from __future__ import annotations

import hashlib
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from optviz.cli.browser import ARGS, chromium_path

TALK = """---
title: Two chapters
theme: dark
---

# First {#one}

::: text name=t1
The first chapter says one thing.
> one thing

# Second {#two}

::: race surface=himmelblau start=-0.5,4.5 steps=20 optimizers="sgd:lr=0.01 adam:lr=0.1" view=2d name=r
Two optimizers set off.

After {r.steps} steps, Adam's loss is {r.loss.adam:.2g}.
"""


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Watch:
    """The command running in its own process group (as in a terminal), its stderr read line by line."""

    def __init__(self, folder: Path, *args):
        from terminal import ctrl_c_as_in_a_terminal
        self.proc = subprocess.Popen([sys.executable, "-m", "optviz", *args], cwd=folder, stderr=subprocess.PIPE,
                                     stdout=subprocess.DEVNULL, text=True, start_new_session=True,
                                     preexec_fn=ctrl_c_as_in_a_terminal)
        self.lines: queue.Queue = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=lambda: [self.lines.put(line.rstrip("\n")) for line in self.proc.stderr],
                         daemon=True).start()

    def until(self, pattern: str, timeout: float = 240) -> re.Match:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                assert self.proc.poll() is None, f"the watch exited: {self.seen}"
                continue
            self.seen.append(line)
            found = re.search(pattern, line)
            if found:
                return found
        raise AssertionError(f"no line matching {pattern!r} in {self.seen}")


@pytest.mark.skipif(chromium_path() is None, reason="headless Chromium is not installed")
def test_a_running_watch_redraws_the_edited_chapter_and_reports_a_broken_save(tmp_path):
    pytest.importorskip("manim")
    playwright = pytest.importorskip("playwright.sync_api")
    src = tmp_path / "talk.md"
    src.write_text(TALK)
    watch = Watch(tmp_path, "lecture", "talk.md", "-o", "out/talk.mp4", "--watch", "--workers", "1")
    try:
        url = watch.until(r"the preview is at (http://127\.0\.0\.1:\d+/)").group(1)
        race = next(n for n, text in enumerate(TALK.splitlines(), 1) if text.startswith("::: race"))
        notice = watch.until(rf"talk\.md:{race}: the paths span \d+% of the view across .* frames them$").group(0)
        watch.until(r"drew chapters 1, 2 of 2 .*the page reloads")
        chapters = tmp_path / "out" / "talk_chapters"
        one, two, video = chapters / "01-one.mp4", chapters / "02-two.mp4", tmp_path / "out" / "talk.mp4"
        before = {p: sha(p) for p in (one, two, video)}
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=ARGS)
            page = browser.new_page()
            page.goto(url)
            page.wait_for_function("window.optvizWatch && window.optvizWatch.loaded === 1")
            assert page.locator("li.new").count() == 2   # the first build drew both
            # what the teacher should know of the render shown is on the page, as in the terminal
            assert page.evaluate("window.optvizWatch.notices") == [notice]
            page.wait_for_function("document.getElementById('optviz-watch').innerText.length > 0")
            assert page.locator("#optviz-watch").inner_text() == notice

            src.write_text(TALK.replace("Two optimizers set off.", "Two optimizers set off from one point."))
            watch.until(r"drew chapter 2 of 2 .*the page reloads")
            page.wait_for_function("window.optvizWatch && window.optvizWatch.loaded === 2")   # it reloaded itself
            assert page.locator("li.new").all_inner_texts() == ["two · drawn now"]
            assert sha(one) == before[one] and sha(two) != before[two] and sha(video) != before[video]
            good = {p: sha(p) for p in (one, two, video)}

            src.write_text(TALK.replace("steps=20", "steps=abc"))
            problem = f"talk.md:{race}: bad steps 'abc' for a race shot: write a whole number"
            assert watch.until(re.escape(problem)).group(0) == problem
            page.wait_for_function("window.optvizWatch.problems.length === 1")
            assert problem in page.locator("#optviz-watch").inner_text()
            assert page.evaluate("window.optvizWatch.loaded") == 2   # the last good render stays on the page
            assert {p: sha(p) for p in (one, two, video)} == good     # and on disk
            assert page.evaluate("fetch('talk.mp4').then((r) => r.status)") == 200
            browser.close()
    finally:
        os.killpg(watch.proc.pid, signal.SIGINT)   # Ctrl-C in a terminal: the whole foreground group
        code = watch.proc.wait(timeout=30)
    time.sleep(0.5)   # the reader thread's last lines
    rest = [watch.lines.get() for _ in range(watch.lines.qsize())]
    assert code == 0 and rest[-1:] == ["stopped watching talk.md"], (code, rest)
    with pytest.raises(ProcessLookupError):
        os.killpg(watch.proc.pid, 0)   # nothing of it left: no worker, no server thread's process
    port = int(url.rsplit(":", 1)[1].strip("/"))
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_a_failing_render_is_reported_and_the_watch_goes_on():
    """Any failure of a build (a bad save, or a render that breaks) is a problem on the page; the next
    save builds again."""
    from optviz.errors import OptvizError
    from optviz.lecture.watch import watch

    class Page:
        def __init__(self):
            self.events = []

        def start(self):
            pass

        def done(self, note, notices):
            self.events.append(("done", note, notices))

        def failed(self, problems):
            self.events.append(("failed", problems))

    bad = OptvizError("a.md:3: bad steps 'x'\na.md:9: unknown optimizer 'adm'")
    results = iter([bad, OSError("disk full"), ("drew 1", ["a.md:5: the path spans 8% of the view across"])])

    def build():
        r = next(results)
        if isinstance(r, Exception):
            raise r
        return r

    page, said = Page(), []
    watch(Path("a.md"), build, page, report=said.append, changes=iter([1, 2]))
    assert page.events == [("failed", ["a.md:3: bad steps 'x'", "a.md:9: unknown optimizer 'adm'"]),
                           ("failed", ["the render failed: OSError: disk full"]),
                           ("done", "drew 1", ["a.md:5: the path spans 8% of the view across"])]
    assert said[:2] == ["a.md:3: bad steps 'x'", "a.md:9: unknown optimizer 'adm'"]
    assert said[-2] == "a.md:5: the path spans 8% of the view across"   # a notice: in the terminal too
    assert said[-1].endswith("the page reloads")


def test_a_save_made_while_a_build_runs_is_built_too(tmp_path):
    """The folder is watched once the first build is done; a save made before (the writer is quick,
    the first render slow) is built as soon as the watch looks, not lost until the next save."""
    from optviz.lecture.watch import watch

    class Page:
        def start(self):
            pass

        def done(self, note, notices):
            pass

        def failed(self, problems):
            raise AssertionError(problems)

    src = tmp_path / "a.md"
    src.write_text("one")
    stop, builds = threading.Event(), []

    def build():
        builds.append(src.read_text())
        if len(builds) == 1:
            src.write_text("two")   # saved while the first build runs
        else:
            stop.set()
        return "built", []

    guard = threading.Timer(30, stop.set)
    guard.start()
    watch(src, build, Page(), stop=stop)
    guard.cancel()
    assert builds == ["one", "two"]
