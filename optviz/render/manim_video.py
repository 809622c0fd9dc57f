"""Render optviz's manim scenes (scenes/*.py) from an experiment: `optviz render --engine manim`.

manim runs in subprocesses (it is checked for when asked, not at import). Shots that support it are
split into time segments rendered in parallel processes and joined without re-encoding; the result is
written to a temp file and renamed. The lecture also writes its .srt subtitles and section videos.
"""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..data.experiment import Experiment
from ..data.files import atomic_path
from ..errors import OptvizError, unknown

SCENES_DIR = Path(__file__).resolve().parents[2] / "scenes"
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


def check_manim() -> None:
    if importlib.util.find_spec("manim") is None:
        raise OptvizError("the manim engine needs manim: pip install manim (and apt-get install libcairo2-dev "
                          "libpango1.0-dev pkg-config)")
    if not SCENES_DIR.is_dir():
        raise OptvizError(f"manim scenes not found at {SCENES_DIR}; install optviz from its source tree")


def check_request(path, scene: str, quality: str, transparent: bool) -> str:
    if scene not in SCENES:
        raise unknown("manim scene", scene, SCENES)
    if quality not in QUALITIES:
        raise unknown("manim quality", quality, QUALITIES)
    fmt = Path(path).suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise OptvizError(f"unknown format {fmt!r} for a manim video ({str(path)!r}); choose from: {', '.join(FORMATS)}")
    if transparent and fmt not in ("mov", "webm"):
        raise OptvizError(f"a transparent video needs .mov or .webm, not .{fmt}")
    return fmt


def render_manim(exp: Experiment | str | Path | None, path, *, scene: str = "rolling", quality: str = "720p30",
                 transparent: bool = False, options: dict | None = None, workers: int | None = None,
                 extra_experiments: dict | None = None, timeout: float | None = None) -> Path:
    """Render a manim scene of `exp` (an Experiment or NPZ path; None: the scene's default run) to `path`.
    `options` go to the scene as $OPTVIZ_MANIM (duration, orbit, theme, ...)."""
    fmt = check_request(path, scene, quality, transparent)
    check_manim()
    path = Path(path)
    file, cls, splittable = SCENES[scene]
    options = dict(options or {})
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    n = max(1, workers) if splittable else 1
    with tempfile.TemporaryDirectory(prefix="optviz-manim-") as tmp:
        tmp = Path(tmp)
        env = dict(os.environ)
        if exp is not None:
            npz = tmp / "experiment.npz"
            exp.save(npz) if isinstance(exp, Experiment) else shutil.copy(exp, npz)
            env["OPTVIZ_EXPERIMENT"] = str(npz)
        for key, value in (extra_experiments or {}).items():
            env[key] = str(value)
        flags = [*QUALITIES[quality][0], "--format", fmt, "--disable_caching", "--progress_bar", "none", "-v", "WARNING"]
        if transparent:
            flags.append("-t")
        if scene == "lecture":
            flags.append("--save_sections")

        def run(k: int) -> Path:
            media = tmp / f"media{k}"
            seg_env = dict(env, OPTVIZ_MANIM=json.dumps({**options, "segment": [k, n]}))
            cmd = [sys.executable, "-m", "manim", "render", *flags, "--media_dir", str(media), "-o", f"part{k}",
                   str(SCENES_DIR / file), cls]
            out = subprocess.run(cmd, env=seg_env, cwd=tmp, capture_output=True, text=True, timeout=timeout)
            found = sorted(media.rglob(f"part{k}.{fmt}"))
            if out.returncode != 0 or not found:
                tail = (out.stderr or out.stdout).strip().splitlines()[-3:]
                raise OptvizError(f"manim failed rendering {cls}: {' | '.join(tail) or 'no output'}")
            return found[0]

        with ThreadPoolExecutor(n) as pool:
            parts = list(pool.map(run, range(n)))
        with atomic_path(path) as target:
            if len(parts) == 1:
                shutil.copyfile(parts[0], target)
            else:
                concat(parts, target, fmt, QUALITIES[quality][1])
        if scene == "lecture":
            _copy_lecture_extras(parts[0], path)
    return path


def concat(parts: list[Path], target: Path, fmt: str, fps: int) -> None:
    """Join segments encoded with identical settings, without re-encoding. Each part's duration is
    given exactly (frames / fps): the container's own rounded duration would shift later parts."""
    import av

    from .encode import ffmpeg_exe
    listing = target.with_name(target.name + ".txt")
    lines = []
    for p in parts:
        with av.open(str(p)) as container:
            stream = container.streams.video[0]
            # WebM does not record a frame count: count the stream's packets instead
            frames = stream.frames or sum(1 for pkt in container.demux(stream) if pkt.size)
        lines.append(f"file '{p}'\nduration {frames / fps:.9f}\n")
    listing.write_text("".join(lines))
    try:
        out = subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "concat", "-safe", "0",
                              "-i", str(listing), "-c", "copy", "-f", {"mov": "mov"}.get(fmt, fmt), str(target)],
                             capture_output=True, text=True)
        if out.returncode != 0:
            raise OptvizError(f"ffmpeg could not join the segments: {out.stderr.strip()[-200:]}")
    finally:
        listing.unlink(missing_ok=True)


def _copy_lecture_extras(video: Path, path: Path) -> None:
    """The .srt beside the video, and the section videos in <name>_sections/."""
    srt = video.with_suffix(".srt")
    if srt.exists():
        with atomic_path(path.with_suffix(".srt")) as tmp:
            shutil.copyfile(srt, tmp)
    sections = video.parent / "sections"
    if sections.is_dir():
        dest = path.with_name(path.stem + "_sections")
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(sections, dest)
