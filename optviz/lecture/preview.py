"""The watch's page: a local server (127.0.0.1, a free port) that shows the last good render and
reloads itself when a new one is done, and shows a broken save's problems above it.

    /                    the page: `page()`'s HTML, with the reloader added
    /__optviz__/state    {"version", "problems", "note", "building", "notices"} as JSON: what the reloader polls
    /PATH                a file under `root` that `serves(path)` allows (the post's figures, the video)

Every answer says `no-store`: a reloaded page never shows a stale figure or video. The server runs in
a daemon thread; `close()` stops it and frees the port.
"""
from __future__ import annotations

import html
import json
import mimetypes
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

STATE = "/__optviz__/state"
POLL_MS = 400

# polls the state; reloads when a newer render is done; shows on top the problems of a broken save, or
# what the teacher should know of the render shown (a line quoting a diverged run, paths lost in their view)
RELOADER = """<div id="optviz-watch" role="status" style="display:none; position:fixed; z-index:99; top:0; left:0;
 right:0; max-height:45vh; overflow:auto; margin:0; padding:.7rem 1rem; background:#7f1d1d; color:#fff;
 font:14px/1.45 'DejaVu Sans Mono', monospace; white-space:pre-wrap; box-shadow:0 2px 8px #0008"></div>
<script>
(() => {
  const loaded = %(version)d, box = document.getElementById("optviz-watch");
  window.optvizWatch = {loaded, problems: [], notices: []};
  async function poll() {
    try {
      const s = await (await fetch("%(state)s", {cache: "no-store"})).json();
      if (s.version !== loaded && !s.problems.length && !s.building) { location.reload(); return; }
      window.optvizWatch.problems = s.problems;
      window.optvizWatch.notices = s.notices;
      box.textContent = s.problems.length
        ? s.problems.join("\\n") + "\\n\\n(the last good render is below; save the file again to retry)"
        : s.building ? "rendering the new save..." : s.notices.join("\\n");
      box.style.background = s.problems.length ? "#7f1d1d" : s.building ? "#1e3a5f" : "#5c3d0a";
      box.style.display = box.textContent ? "block" : "none";
      document.body.style.paddingTop = box.textContent ? box.offsetHeight + "px" : "";   // nothing hidden under it
    } catch (e) { /* the watch has stopped: keep the page as it is */ }
    setTimeout(poll, %(poll)d);
  }
  poll();
})();
</script>
"""


@dataclass
class State:
    version: int = 0
    problems: list = field(default_factory=list)
    note: str = ""
    building: bool = False
    notices: list = field(default_factory=list)   # of the render shown: not problems, it was drawn


def with_reloader(page: str, version: int) -> str:
    script = RELOADER % {"version": version, "state": STATE, "poll": POLL_MS}
    return page.replace("</body>", script + "</body>", 1) if "</body>" in page else page + script


class Preview:
    """The server. `page()`: the page's HTML now (None: nothing rendered yet); `root` and
    `serves(relative_path)`: which files it may send."""

    def __init__(self, page, root: Path, serves=lambda rel: True, port: int = 0):
        self.page, self.root, self.serves = page, Path(root), serves
        self.state, self.lock = State(), threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def start(self) -> None:
        """A build has begun: the page says so, and stays."""
        with self.lock:
            self.state.building = True

    def done(self, note: str, notices=()) -> None:
        """A new render is in place: the page reloads, with what the teacher should know of it."""
        with self.lock:
            self.state = State(self.state.version + 1, [], note, notices=list(notices))

    def failed(self, problems: list[str]) -> None:
        """The save is broken: its problems go on the page, the render stays."""
        with self.lock:
            self.state = State(self.state.version, list(problems), self.state.note, notices=self.state.notices)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    def _handler(self):
        preview = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):   # the terminal shows what the watch does, not each request
                pass

            def send(self, code: int, body: bytes, kind: str) -> None:
                self.send_response(code)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def do_HEAD(self):
                self.do_GET()

            def do_GET(self):
                path = unquote(urlsplit(self.path).path)
                with preview.lock:
                    state = preview.state
                if path == STATE:
                    return self.send(200, json.dumps(state.__dict__).encode(), "application/json")
                if path in ("/", "/index.html"):
                    page = preview.page() or waiting_page(state)
                    return self.send(200, with_reloader(page, state.version).encode(), "text/html; charset=utf-8")
                rel = path.lstrip("/")
                file = (preview.root / rel).resolve()
                if (not file.is_relative_to(preview.root.resolve()) or not file.is_file()
                        or not preview.serves(rel)):
                    return self.send(404, b"not found", "text/plain")
                kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
                return self.send(200, file.read_bytes(), kind)   # a frame in the page reloads with it

        return Handler


def waiting_page(state: State) -> str:
    said = "The file has problems: fix them and save." if state.problems else "Rendering the first time..."
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>optviz watch</title></head>"
            f"<body style='font:16px system-ui; padding:4rem 2rem'><p>{html.escape(said)}</p></body></html>")


def video_page(video: Path, title: str, fresh, note: str) -> str | None:
    """The lecture's preview: the whole video with its subtitles, then each chapter's video, those the
    last build drew (`fresh`: their keys) marked new. None until the video exists."""
    video = Path(video)
    if not video.is_file():
        return None
    e = html.escape
    folder = video.with_name(video.stem + "_chapters")
    chapters = sorted(folder.glob(f"[0-9][0-9]-*{video.suffix}"))
    vtt = video.with_suffix(".vtt")
    track = (f'<track kind="subtitles" src="{e(vtt.name)}" srclang="en" label="subtitles" default>'
             if vtt.is_file() else "")
    items = "\n".join(   # a chapter's file: NN-KEY, NN its place in the video
        f'<li{" class=new" if c.stem[3:] in fresh else ""}><span>{e(c.stem[3:])}'
        f'{" · drawn now" if c.stem[3:] in fresh else ""}</span>'
        f'<video src="{e(folder.name)}/{e(c.name)}" controls preload="metadata"></video></li>' for c in chapters)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)} · optviz watch</title>
<style>
body {{ margin: 0; background: #111318; color: #e8e8ea; font: 16px/1.5 system-ui, "DejaVu Sans", sans-serif; }}
main {{ max-width: 64rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }}
h1 {{ font-size: 1.4rem; margin: 0 0 .2rem; }} .note {{ color: #a0a0a8; margin: 0 0 1rem; }}
video {{ width: 100%; display: block; background: #000; border-radius: 4px; }}
ol {{ list-style: none; padding: 0; display: grid; gap: 1rem;
      grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); }}
li span {{ display: block; font-size: .9rem; color: #a0a0a8; margin-bottom: .3rem; }}
li.new span {{ color: #7cc4ff; font-weight: bold; }}
</style></head>
<body><main>
<h1>{e(title)}</h1>
<p class="note">{e(note)}</p>
<video id="lecture" src="{e(video.name)}" controls preload="metadata">{track}</video>
<ol>
{items}
</ol>
</main></body></html>
"""
