"""Render optviz's manim scenes (scenes/*.py) from an experiment: `optviz render --engine manim`.

manim runs in processes of its own (it is checked for when asked, not at import), several at once,
forked from one that imported manim once where it can (optviz.render.manim_fork): shots are
split into time segments (the lecture, `optviz.lecture`, into chapter parts, through the same Runner). Each process counts the
frames it writes into a small file (scenes/common.track_progress), which `progress(done, total)` hears
about twice a second. The parts are joined without re-encoding into a temp file that is renamed onto
the target; every MP4 and MOV has its index first (fast start), so a browser plays it while loading.
"""
from __future__ import annotations

import importlib.resources
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..data.experiment import Experiment
from ..data.files import atomic_path, check_writable
from ..errors import OptvizError, unknown
from ..extras import require
from . import manim_fork
from .orphans import PARENT_ENV

SCENES = {  # name -> (file, class, can be split into segments)
    "rolling": ("rolling.py", "RollingBalls", True),
    "topdown": ("rolling.py", "RollingTopDown", True),
    "swarm": ("rolling.py", "Swarm", True),
    "rules": ("rules.py", "UpdateRules", False),
    "lecture": ("lecture.py", "Lecture", False),
}
QUALITIES = {  # name -> (manim flags, frames per second)
    "preview": (["-ql"], 15),                       # 854x480
    "720p30": (["-qm"], 30),                        # 1280x720
    "1080p30": (["-qh", "--fps", "30"], 30),
    "1080p60": (["-qh"], 60),
    "1440p60": (["-qp"], 60),
    "4k": (["-qk"], 60),
}
FORMATS = {"mp4": "mp4", "webm": "webm", "mov": "mov", "gif": "gif"}
LECTURE_FORMATS = ("mp4", "webm", "mov")   # the lecture has chapters and a voice: never a GIF
SECONDS = {"rolling": 10, "topdown": 10, "swarm": 8}   # a shot's length unless options say (the scenes' defaults)


def scenes_dir() -> Path:
    """The folder of the manim scene files: optviz.scenes, wherever the package is installed (the
    source tree's scenes/ in an editable install). Found as a resource: the scenes are not imported."""
    return Path(str(importlib.resources.files("optviz.scenes")))


def check_manim(feature: str = "the manim engine") -> None:
    require("manim", feature=feature)


def check_request(path, scene: str, quality: str, transparent: bool) -> str:
    if scene not in SCENES:
        raise unknown("manim scene", scene, SCENES)
    if quality not in QUALITIES:
        raise unknown("manim quality", quality, QUALITIES)
    check_writable(path, "video", "lecture.mp4" if scene == "lecture" else "out.mp4")
    fmt = Path(path).suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        valid = LECTURE_FORMATS if scene == "lecture" else FORMATS
        raise OptvizError(f"unknown format {fmt!r} for a manim video ({str(path)!r}); choose from: {', '.join(valid)}")
    if transparent and fmt not in ("mov", "webm"):
        raise OptvizError(f"a transparent video needs .mov or .webm, not .{fmt}")
    if scene == "lecture" and fmt == "gif":
        raise OptvizError("the lecture is a video with chapters: write .mp4, .webm or .mov, not .gif")
    return fmt


class Runner:
    """manim processes rendering jobs in parallel, each into its own media folder, each counting its
    frames for the progress callback."""

    def __init__(self, tmp: Path, flags: list[str], env: dict, fmt: str, workers: int, progress=None, timeout=None):
        self.tmp, self.flags, self.env, self.fmt = tmp, flags, env, fmt
        self.workers, self.progress, self.timeout = max(1, workers), progress, timeout

    def render(self, jobs: list[dict]) -> list[Path]:
        """Each job: file, cls, options (its $OPTVIZ_MANIM), frames (expected, for the bar), and
        optionally beats (first, last: $OPTVIZ_BEATS). Runs longest first; returns files in job order."""
        done = threading.Event()
        counters = [self.tmp / f"frames{k}" for k in range(len(jobs))]
        total = sum(j.get("frames") or 0 for j in jobs) or None
        watcher = threading.Thread(target=self._watch, args=(counters, total, done), daemon=True)
        watcher.start()
        order = sorted(range(len(jobs)), key=lambda k: -(jobs[k].get("cost") or jobs[k].get("frames") or 0))
        try:
            with ThreadPoolExecutor(min(self.workers, len(jobs))) as pool:
                results = dict(zip(order, pool.map(lambda k: self._run(k, jobs[k], counters[k]), order)))
        finally:
            done.set()
            watcher.join()
        if self.progress and total:
            self.progress(total, total)
        return [results[k] for k in range(len(jobs))]

    def _run(self, k: int, job: dict, counter: Path) -> Path:
        media = self.tmp / f"media{k}"
        env = dict(self.env, OPTVIZ_MANIM=json.dumps(job["options"]), OPTVIZ_PROGRESS=str(counter),
                   **{PARENT_ENV: str(os.getpid())})
        if job.get("beats"):
            env["OPTVIZ_BEATS"] = f"{job['beats'][0]},{job['beats'][1]}"
        env.update(job.get("env", {}))
        args = ["render", *self.flags, "--media_dir", str(media), "-o", f"part{k}", str(scenes_dir() / job["file"]),
                job["cls"]]
        if manim_fork.available():
            log = self.tmp / f"part{k}.log"
            code = manim_fork.run(args, env, self.tmp, log, self.timeout)
            said = log.read_text(errors="replace") if log.exists() else ""
        else:
            out = subprocess.run([sys.executable, "-m", "manim", *args], env=env, cwd=self.tmp, capture_output=True,
                                 text=True, timeout=self.timeout)
            code, said = out.returncode, out.stderr or out.stdout
        found = sorted(media.rglob(f"part{k}.{self.fmt}"))
        if code != 0 or not found:
            tail = said.strip().splitlines()[-3:]
            raise OptvizError(f"manim failed rendering {job['cls']}: {' | '.join(tail) or 'no output'}")
        return found[0]

    def _watch(self, counters, total, done) -> None:
        while not done.wait(0.5):
            if self.progress:
                n = 0
                for c in counters:
                    try:
                        n += int(c.read_text() or 0)
                    except (OSError, ValueError):
                        pass
                self.progress(n, total)


def join(parts: list[Path], target: Path, fmt: str, fps: int, metadata: str | None = None) -> None:
    """Join videos encoded with identical settings, without re-encoding, index first for MP4/MOV;
    `metadata` (ffmpeg's format) adds chapter markers. Each part's duration is given exactly (frames /
    fps): the container's own rounded duration would shift later parts."""
    import av

    from .encode import ffmpeg_exe
    listing = target.with_name(target.name + ".txt")
    meta = target.with_name(target.name + ".meta")
    lines = []
    for p in parts:
        with av.open(str(p)) as container:
            stream = container.streams.video[0]
            # WebM does not record a frame count: count the stream's packets instead
            count = stream.frames or sum(1 for pkt in container.demux(stream) if pkt.size)
        # ffmpeg reads a relative name from the listing's own folder: give it the whole path
        lines.append(f"file '{Path(p).resolve()}'\nduration {count / fps:.9f}\n")
    listing.write_text("".join(lines))
    extra = []
    if metadata is not None:
        meta.write_text(metadata)
        extra = ["-i", str(meta), "-map", "0", "-map_metadata", "1", "-map_chapters", "1"]
    start = ["-movflags", "+faststart"] if fmt in ("mp4", "mov") else []
    try:
        out = subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "concat", "-safe", "0",
                              "-i", str(listing), *extra, "-c", "copy", *start, "-f", {"mov": "mov"}.get(fmt, fmt),
                              str(target)], capture_output=True, text=True)
        if out.returncode != 0:
            raise OptvizError(f"ffmpeg could not join the videos: {out.stderr.strip()[-200:]}")
    finally:
        listing.unlink(missing_ok=True)
        meta.unlink(missing_ok=True)


def manim_flags(quality: str, fmt: str, transparent: bool = False, manim_version: str | None = None) -> list[str]:
    """The manim command line's render flags for a quality and a format (`manim_version`: the installed
    manim's, read from its metadata when not given)."""
    flags = [*QUALITIES[quality][0], "--format", fmt, "--disable_caching", "--progress_bar", "none", "-v", "WARNING"]
    x264 = fmt in ("mp4", "mov") and not transparent
    return flags + (["-t"] if transparent else []) + encoder_flags(manim_version, draft=x264 and quality == "preview")


def encoder_flags(manim_version: str | None = None, draft: bool = False) -> list[str]:
    """manim 0.22 encodes a play's frames in a thread, and by default waits at the end of every play
    for it to finish before the next play draws: with two plays in flight the next one draws while
    the last is encoded (a lecture's parts have a play per beat: the authored example 20.5 -> 19.5 s,
    2 cores). Each play in flight holds up to 8 frames (66 MB at 1080p). Older manims have no flag.

    `draft` (an H.264 preview): x264's veryfast preset in one thread, for 0.22's encoder options. A
    preview is a draft, and its parts already run one per core: x264's own threads only add their
    overhead. Measured on a preview chapter's 367 frames: 1.83 -> 1.08 s of CPU, the file 184 -> 150 kB
    (CRF 23 either way); finished qualities keep x264's defaults."""
    if manim_version is None:
        from importlib.metadata import PackageNotFoundError, version
        try:
            manim_version = version("manim")
        except PackageNotFoundError:
            return []
    try:
        release = tuple(int(p) for p in manim_version.split(".")[:2])
    except ValueError:
        return []
    if release < (0, 22):
        return []
    return ["--max-inflight-encoders", "2"] + (["--encoder-option", "preset=veryfast", "--encoder-option", "threads=1"]
                                               if draft else [])


def render_manim(exp: Experiment | str | Path | None, path, *, scene: str = "rolling", quality: str = "720p30",
                 transparent: bool = False, options: dict | None = None, workers: int | None = None,
                 timeout: float | None = None, progress=None, report=lambda line: None) -> list[Path]:
    """Render a manim scene of `exp` (an Experiment or NPZ path; None: the scene's default run) to
    `path`; returns the files written. `options` go to the scene as $OPTVIZ_MANIM (duration, orbit,
    theme, ...). The lecture has its own entry point, `optviz.lecture.render_lecture` (it is timed by
    its voice and writes chapters, subtitles and narration beside the video)."""
    fmt = check_request(path, scene, quality, transparent)
    if scene == "lecture":
        raise OptvizError("the lecture renders through optviz.lecture.render_lecture (optviz render --scene lecture)")
    check_manim(f"the manim scene {scene!r}")
    manim_fork.warm()
    path = Path(path)
    file, cls, splittable = SCENES[scene]
    options = dict(options or {})
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    fps = QUALITIES[quality][1]
    with tempfile.TemporaryDirectory(prefix="optviz-manim-") as tmp:
        tmp = Path(tmp)
        env = dict(os.environ)
        if exp is not None:
            npz = tmp / "experiment.npz"
            exp.save(npz) if isinstance(exp, Experiment) else shutil.copy(exp, npz)
            env["OPTVIZ_EXPERIMENT"] = str(npz)
        runner = Runner(tmp, manim_flags(quality, fmt, transparent), env, fmt, workers, progress, timeout)
        n = max(1, workers) if splittable else 1
        shot = round(float(options.get("duration", SECONDS[scene])) * fps) if splittable else None
        jobs = [{"file": file, "cls": cls, "options": {**options, "segment": [k, n]},
                 "frames": shot * (k + 1) // n - shot * k // n if shot else None} for k in range(n)]
        parts = runner.render(jobs)
        with atomic_path(path) as target:
            if fmt == "gif" and len(parts) == 1:
                shutil.copyfile(parts[0], target)
            else:
                join(parts, target, fmt, fps)
    return [path]
