"""`optviz doctor`: what is installed and working here, and the exact command for each missing piece.

Every check is made for real (a library imported, ffmpeg asked for its encoders and made to encode four
frames with each), not read off a list. The command exits 0 when the core works (trajectories, figures,
GIF, MP4, WebM, the interactive page), whatever optional piece is missing, and 1 when the core does not.
"""
from __future__ import annotations

import importlib
import importlib.metadata
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..extras import EXTRAS, install_hint, problem
from ..version import __version__

# what the core needs, by distribution (pyproject.toml's dependencies; a test holds the two equal)
CORE = ("torch", "numpy", "scipy", "matplotlib", "pillow", "imageio-ffmpeg", "av", "tqdm", "markdown-it-py", "mdit-py-plugins",
        "pyyaml", "watchfiles")
MODULE = {"pillow": "PIL", "imageio-ffmpeg": "imageio_ffmpeg", "markdown-it-py": "markdown_it", "mdit-py-plugins": "mdit_py_plugins",
          "pyyaml": "yaml"}
ENCODERS = {"libx264": ("MP4 (H.264)", "mp4"), "libvpx-vp9": ("WebM (VP9)", "webm"), "gif": ("GIF", "gif")}
LATEX_APT = "sudo apt-get install -y texlive texlive-latex-extra dvisvgm"


@dataclass
class Check:
    ok: bool
    name: str
    detail: str = ""
    fix: str = ""          # the command that installs or repairs it
    needed: bool = False   # part of the core: the doctor fails without it


def version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def core_libraries() -> list[Check]:
    out = []
    for dist in CORE:
        found = version(dist)
        try:
            importlib.import_module(MODULE.get(dist, dist))
            works = found is not None
            why = "not installed" if found is None else ""
        except Exception as exc:  # noqa: BLE001 - any failure to import is the finding
            works, why = False, f"does not import: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
        out.append(Check(works, dist, found if works else why,
                         fix="" if works else f"pip install --force-reinstall 'optviz=={__version__}'", needed=True))
    return out


def torch_device() -> Check:
    try:
        import torch
    except Exception:  # noqa: BLE001 - reported by core_libraries
        return Check(False, "CUDA", "torch does not import")
    if torch.cuda.is_available():
        return Check(True, "CUDA", f"{torch.cuda.get_device_name(0)} (--device cuda or auto)")
    return Check(False, "CUDA", "no CUDA device: everything runs on the CPU (--device auto uses a GPU when there is one)",
                 fix="a CUDA build of torch and an NVIDIA driver: pip install torch --index-url "
                     "https://download.pytorch.org/whl/cu128")


def ffmpeg_checks() -> list[Check]:
    """The ffmpeg optviz uses, and a four-frame encode with each encoder it needs."""
    from ..errors import OptvizError
    from ..render.encode import ffmpeg_exe
    try:
        exe = ffmpeg_exe()
    except OptvizError as exc:
        return [Check(False, "ffmpeg", str(exc), fix="sudo apt-get install -y ffmpeg", needed=True)]
    first = subprocess.run([exe, "-hide_banner", "-version"], capture_output=True, text=True).stdout.split("\n")[0]
    where = "system" if shutil.which("ffmpeg") == exe else "imageio-ffmpeg's own"
    out = [Check(True, "ffmpeg", f"{first.split()[2] if len(first.split()) > 2 else '?'} ({where}: {exe})", needed=True)]
    with tempfile.TemporaryDirectory(prefix="optviz-doctor-") as tmp:
        for codec, (what, ext) in ENCODERS.items():
            target = Path(tmp) / f"probe.{ext}"
            run = subprocess.run([exe, "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                                  "testsrc=size=64x64:rate=4", "-frames:v", "4", "-c:v", codec,
                                  *(["-pix_fmt", "yuv420p"] if ext == "mp4" else []), str(target)],
                                 capture_output=True, text=True)
            works = run.returncode == 0 and target.exists() and target.stat().st_size > 0
            err = (run.stderr.strip().splitlines() or ["no output"])[-1]
            out.append(Check(works, f"  {what}", f"{codec} encodes" if works else f"{codec} fails: {err}",
                             fix="" if works else "sudo apt-get install -y ffmpeg", needed=True))
    return out


def extra_checks() -> list[Check]:
    out = []
    for name, extra in EXTRAS.items():
        why = problem(name)
        dist = extra.dists[0]
        if why:
            out.append(Check(False, f"optviz[{name}]", f"{why}; for {extra.serves}", fix=install_hint([name])))
            continue
        detail = f"{dist} {version(dist)}"
        if name == "manim":
            import cairo
            import manimpango
            detail += f", cairo {cairo.cairo_version_string()}, pango {manimpango.pango_version()}"
        out.append(Check(True, f"optviz[{name}]", detail))
    return out


def tool_checks() -> list[Check]:
    from .browser import chromium_path
    out = []
    latex = shutil.which("latex")
    dvisvgm = shutil.which("dvisvgm")
    out.append(Check(bool(latex and dvisvgm), "LaTeX", f"{latex} and {dvisvgm}: manim sets equations with it"
                     if latex and dvisvgm else "not found: manim's equations are drawn as Pango text instead",
                     fix="" if latex and dvisvgm else LATEX_APT))
    espeak = shutil.which("espeak-ng")
    out.append(Check(bool(espeak), "espeak-ng", f"{espeak}: the lecture's fallback voice (--voice espeak)" if espeak
                     else "not found: --voice espeak needs it", fix="" if espeak else "sudo apt-get install -y espeak-ng"))
    chromium = chromium_path()
    out.append(Check(bool(chromium), "Chromium", f"{chromium}: the gallery's screenshot of the page, the page's tests"
                     if chromium else "not found: needed only for the page's screenshot and tests (the page itself "
                     "runs in any browser)", fix="" if chromium else "sudo apt-get install -y chromium"))
    return out


def diagnose() -> list[tuple[str, list[Check]]]:
    return [("core: trajectories, figures, GIF, MP4, WebM, the interactive page", core_libraries() + ffmpeg_checks()),
            ("optional parts", extra_checks()),
            ("tools", tool_checks() + [torch_device()])]


def run_doctor(out=sys.stdout) -> int:
    """Print the report; 0 when the core works, 1 when it does not."""
    here = Path(__file__).resolve().parents[1]
    out.write(f"optviz {__version__} on Python {sys.version.split()[0]} ({here})\n")
    broken = []
    for title, checks in diagnose():
        out.write(f"\n{title}\n")
        for c in checks:
            mark = "ok" if c.ok else ("FAIL" if c.needed else "--")
            out.write(f"  {mark:4s}  {c.name:22s} {c.detail}\n")
            if c.fix:
                out.write(f"  {'':4s}  {'':22s} to fix: {c.fix}\n")
            if c.needed and not c.ok:
                broken.append(c.name.strip())
    if broken:
        out.write(f"\nThe core does not work here ({', '.join(broken)}): see the lines above.\n")
        return 1
    out.write("\nThe core works. Lines marked -- are optional: each says what it is for and how to add it.\n")
    return 0
