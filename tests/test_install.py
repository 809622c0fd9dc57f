"""Issue 22, tried as a user would: the sdist and wheel are built with `python -m build`, the wheel is
installed into fresh virtual environments outside the source tree (no -e, no PYTHONPATH), and every
entry point is run from an empty temporary folder.

- the full install (`optviz[all]`): every command of the README and of the docs' tutorial, as written;
  the README's Python; a manim shot; a study; `optviz doctor`.
- the core install alone: GIF, MP4, WebM, the page and trajectories work; the manim, network and
  cluster routes each end in their one-line hint, exit 2, nothing written.

The environments take about a minute each to install (torch's CPU wheel is on the local disk)."""
from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from imports import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.install, pytest.mark.timeout(1800)]

# what `pip install optviz` stands for in the documents: the wheel, installed by the fixtures
INSTALL_WORDS = ("pip", "make", "sudo", "git")
USER_CACHE = Path(__import__("tempfile").mkdtemp(prefix="optviz-user-cache-"))


def clean_env(venv: Path | None = None) -> dict:
    """The environment of a user's shell: this venv's bin first, nothing of the dev environment."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    path = [p for p in env.get("PATH", "").split(os.pathsep) if not p.startswith(str(Path(sys.prefix)))]
    env["PATH"] = os.pathsep.join(([str(venv / "bin")] if venv else []) + path)
    env["MPLBACKEND"] = "Agg"
    env["OPTVIZ_CACHE_DIR"] = str(USER_CACHE)   # a new user's cache: empty at first, not the test session's
    return env


def run(venv: Path, command: str, cwd: Path, timeout=900) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=clean_env(venv), capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="session")
def dists(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)], capture_output=True,
                          text=True, env=clean_env(Path(sys.prefix)))
    assert done.returncode == 0, done.stderr[-2000:]
    return {"wheel": next(out.glob("*.whl")), "sdist": next(out.glob("*.tar.gz"))}


def pip_install(venv: Path, requirement: str) -> None:
    done = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "-c",
                           str(ROOT / "constraints.txt"), requirement], capture_output=True, text=True,
                          env=clean_env(venv), timeout=1500)
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.fixture(scope="session")
def venv(dists, tmp_path_factory) -> dict:
    """One fresh environment: the core install first; the core's tests run in it, then the extras are
    added to it for the full install's tests (the tests below come in that order)."""
    where = tmp_path_factory.mktemp("venvs") / "user"
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True, env=clean_env())
    # a current pip, as `make` and most users have (Python 3.11's own pip 23 shows no project URLs)
    subprocess.run([str(where / "bin" / "python"), "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True,
                   env=clean_env(where), capture_output=True)
    pip_install(where, str(dists["wheel"]))
    return {"path": where, "extras": False}


@pytest.fixture
def core(venv) -> Path:
    if venv["extras"]:
        pytest.fail("the core install's tests must run before the extras are added (run this file in order)")
    return venv["path"]


@pytest.fixture
def full(venv, dists) -> Path:
    if not venv["extras"]:
        pip_install(venv["path"], f"{dists['wheel']}[all]")
        venv["extras"] = True
    return venv["path"]


@pytest.fixture
def folder(tmp_path) -> Path:
    """An empty folder outside the source tree, as a user's own."""
    assert not tmp_path.resolve().is_relative_to(ROOT)
    return tmp_path


# ---- the distributions ------------------------------------------------------------------------------

def source_files() -> set[str]:
    """What the wheel must carry: every module and data file of optviz/, scenes/ and examples/ (the
    latter two mapped into the package), under their installed names."""
    want = set()
    for base, installed in (("optviz", "optviz"), ("scenes", "optviz/scenes"), ("examples", "optviz/examples")):
        for p in (ROOT / base).rglob("*"):
            if p.is_file() and "__pycache__" not in p.parts and p.suffix in (".py", ".js", ".css", ".toml", ".npz",
                                                                              ".md"):
                want.add(f"{installed}/{p.relative_to(ROOT / base).as_posix()}")
    return want


def test_the_wheel_carries_everything_a_user_runs(dists):
    names = set(zipfile.ZipFile(dists["wheel"]).namelist())
    missing = source_files() - names
    assert not missing, sorted(missing)
    assert {"optviz/scenes/rolling.py", "optviz/render/page.js", "optviz/examples/seed-race.toml",
            "optviz/examples/digits-landscape.npz"} <= names
    assert any(n.endswith("licenses/LICENSE") for n in names)
    # the deck's reveal.js works offline from the wheel, its license beside it
    assert {"optviz/lecture/deck/web/reveal/reveal.js", "optviz/lecture/deck/web/reveal/LICENSE",
            "optviz/lecture/deck/web/deck.js"} <= names
    assert not [n for n in names if n.startswith(("tests/", "docs/", "assets/", "scenes/", "examples/"))]


def test_the_sdist_holds_the_tree_to_build_test_and_document_from(dists):
    with tarfile.open(dists["sdist"]) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    for needed in ("pyproject.toml", "LICENSE", "README.md", "constraints.txt", "Makefile", "scenes/rolling.py",
                   "examples/seed-race.toml", "docs/conf.py", "tests/test_install.py", "optviz/render/page.js"):
        assert needed in names, needed
    assert not [n for n in names if n.startswith("assets/")]


def test_metadata_is_what_a_registry_page_needs(dists):
    done = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", str(dists["wheel"]), str(dists["sdist"])],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    with zipfile.ZipFile(dists["wheel"]) as whl:
        meta = whl.read(next(n for n in whl.namelist() if n.endswith("METADATA"))).decode()
    head = meta.split("\n\n", 1)[0]
    assert "License-Expression: MIT" in head
    assert re.search(r"^Author: .+", head, re.M)
    for label in ("Homepage", "Documentation", "Source", "Issues"):
        assert re.search(rf"^Project-URL: {label}, https://", head, re.M), label
    assert "Description-Content-Type: text/markdown" in head
    assert len(re.findall(r"^Classifier: ", head, re.M)) >= 8
    assert re.search(r"^Requires-Dist: torch<3,>=2\.13$", head, re.M), "torch is a range"
    for extra in ("manim", "networks", "cluster", "voice", "browser", "all", "dev"):
        assert f"Provides-Extra: {extra}" in head


# ---- the core install ------------------------------------------------------------------------------

def test_the_core_install_has_no_optional_part(core, folder):
    probe = "import importlib.util as u, json; print(json.dumps({m: u.find_spec(m) is not None for m in " \
            "('manim', 'sklearn', 'distributed', 'playwright', 'cairo', 'piper')}))"
    done = run(core, f"python -c {shlex.quote(probe)}", folder)
    assert json.loads(done.stdout) == {m: False for m in ("manim", "sklearn", "distributed", "playwright", "cairo",
                                                          "piper")}
    done = run(core, "optviz --version", folder)
    assert done.returncode == 0 and done.stdout.strip() == f"optviz {__import__('optviz').__version__}"


def test_the_core_renders_gif_mp4_webm_the_page_and_trajectories(core, folder):
    race = "--surface pathological --optimizer sgd:lr=10 --optimizer adam:lr=1 --start 7,7 --steps 30"
    for out in ("race.gif", "race.mp4", "race.webm"):
        done = run(core, f"optviz render {race} -o {out}", folder)
        assert done.returncode == 0, done.stderr
        assert f"wrote {out} (" in done.stderr
    done = run(core, f"optviz render {race} --view 3d -o race3d.mp4 && optviz render {race} --interactive -o page.html"
               f" && optviz trajectory {race} -o run.npz && optviz render --experiment run.npz --view map -o map.png",
               folder)
    assert done.returncode == 0, done.stderr
    for name in ("race.gif", "race.mp4", "race.webm", "race3d.mp4"):
        probe = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0",
                                str(folder / name)], capture_output=True, text=True)
        assert float(probe.stdout) > 1.0, name
    assert "<canvas" in (folder / "page.html").read_text() and (folder / "map.png").stat().st_size > 10_000
    loaded = run(core, "python -c \"import optviz; e = optviz.Experiment.load('run.npz'); print(e.position.shape)\"",
                 folder)
    assert loaded.stdout.strip() == "(2, 1, 31, 2)"


ROUTES = {   # command -> the extra its hint must name
    "optviz render --engine manim --scene rolling -o r.mp4": "manim",
    "optviz render --engine manim --scene lecture --quality preview -o l.mp4": "manim",
    "optviz render --task digits-mlp --optimizer adam:lr=0.01 --steps 5 -o d.png": "networks",
    "optviz experiment generalization --seeds 1 -o g": "networks",
    "optviz experiment map --resolution 20 --steps 20 --scheduler processes:2 -o m": "cluster",
    "optviz gallery out --only manim-rolling": "manim",
}


@pytest.mark.parametrize("command", list(ROUTES))
def test_each_optional_route_of_the_core_ends_in_its_one_line_hint(core, folder, command):
    done = run(core, command, folder)
    extra = ROUTES[command]
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert f"pip install 'optviz[{extra}]'" in lines[0]
    if extra == "manim":
        assert "sudo apt-get install -y libcairo2-dev libpango1.0-dev pkg-config" in lines[0]
    assert list(folder.iterdir()) == []   # nothing written


def test_the_core_doctor_works_and_names_each_missing_extra(core, folder):
    done = run(core, "optviz doctor", folder)
    assert done.returncode == 0, done.stdout + done.stderr
    for extra in ("manim", "networks", "cluster", "voice", "browser"):
        assert re.search(rf"^  --\s+optviz\[{extra}\]", done.stdout, re.M), extra
        assert f"to fix: " in done.stdout and f"pip install 'optviz[{extra}]'" in done.stdout
    assert re.search(r"^  ok\s+  MP4 \(H\.264\)\s+libx264 encodes", done.stdout, re.M)
    assert "The core works." in done.stdout


# ---- the full install: the documents, as written ---------------------------------------------------

def commands(document: Path) -> list[str]:
    """The shell commands of a Markdown document's bash blocks, continuation lines joined; the
    install steps (pip, make, sudo, git) are what the fixtures did with the wheel."""
    text = document.read_text()
    out = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        for line in block.replace("\\\n", " ").splitlines():
            line = line.strip()
            if line and not line.startswith("#") and line.split()[0] not in INSTALL_WORDS:
                out.append(line)
    return out


def python_blocks(document: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", document.read_text(), re.S)


def run_document(venv: Path, document: Path, folder: Path) -> str:
    """Every bash command of the document in one shell (a `cd` carries over), stopping at the first
    that fails; then every Python block, in that folder."""
    script = "set -euo pipefail\n" + "\n".join(commands(document)) + "\n"
    done = run(venv, script, folder, timeout=1500)
    assert done.returncode == 0, f"{document.name}: {done.stderr[-3000:]}"
    for k, code in enumerate(python_blocks(document)):
        (folder / f"block{k}.py").write_text(code)
        ran = run(venv, f"cd {shlex.quote(str(folder))} && python block{k}.py", folder, timeout=600)
        assert ran.returncode == 0, f"{document.name}, Python block {k + 1}: {ran.stderr[-3000:]}"
    return done.stderr


def media_length(path: Path) -> float:
    probe = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
                           capture_output=True, text=True)
    return float(probe.stdout)


def test_every_readme_command_works_as_written(full, folder):
    lines = commands(ROOT / "README.md")
    assert any(line.startswith("manim ") for line in lines) and any("--interactive" in line for line in lines)
    run_document(full, ROOT / "README.md", folder)
    assert media_length(folder / "rolling.mp4") == pytest.approx(4.0, abs=0.2)
    assert media_length(folder / "race-3d.mp4") > 2
    assert (folder / "explorer.html").stat().st_size > 20_000
    assert list(folder.glob("media/videos/rolling/*/RollingBalls.mp4")), "plain manim wrote no video"


def test_every_tutorial_command_works_as_written(full, folder):
    run_document(full, ROOT / "docs" / "tutorial.md", folder)
    work = folder / "optviz-tutorial"
    assert (work / "my-lecture.md").read_text().startswith("---\n")   # the built-in lecture, from the wheel
    for name in ("seed.npz", "race.gif", "race-3d.mp4", "race-map.png", "race-1000.gif", "explorer.html",
                 "rolling.mp4", "lecture.mp4", "lecture.srt", "lecture.vtt", "lecture.md", "examples/seed-race.toml",
                 "lecture-deck/index.html", "lecture-deck/reveal/LICENSE", "handout.pdf"):
        assert (work / name).exists(), name
    assert media_length(work / "rolling.mp4") == pytest.approx(4.0, abs=0.2)
    chapters = list((work / "lecture_chapters").glob("*.mp4"))
    assert [p.name for p in chapters] == ["01-momentum.mp4"]   # numbered in the order rendered
    probe = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "a", "-show_entries", "stream=codec_name",
                            "-of", "csv=p=0", str(work / "lecture.mp4")], capture_output=True, text=True)
    assert probe.stdout.strip() == "aac"   # spoken by the default voice, from the wheel's extras
    assert "Spoken by piper" in (work / "lecture.md").read_text()
    beats = len(json.loads((work / "lecture_chapters" / "chapters.json").read_text())[0]["slides"])
    assert len(list((work / "lecture-deck" / "clips").glob("03-*.mp4"))) == beats


def test_the_full_doctor_finds_every_extra_working(full, folder):
    done = run(full, "optviz doctor", folder)
    assert done.returncode == 0
    for extra in ("manim", "networks", "cluster", "voice", "browser"):
        assert re.search(rf"^  ok\s+optviz\[{extra}\]", done.stdout, re.M), done.stdout
    assert re.search(r"optviz\[manim\]\s+manim [\d.]+, cairo [\d.]+, pango [\d.]+", done.stdout)


def test_a_study_and_the_saved_landscape_from_the_installed_package(full, folder):
    done = run(full, "optviz experiment minima --starts 30 --seeds 2 --steps 100 -o minima && "
                     "optviz examples copy ex && optviz render --experiment ex/digits-landscape.npz --view map -o d.png",
               folder)
    assert done.returncode == 0, done.stderr
    assert (folder / "minima.csv").exists() and (folder / "minima-bars.png").exists()
    assert (folder / "d.png").stat().st_size > 10_000
    assert re.search(r"^Adam lr=0\.1\s+\d", done.stdout, re.M)


def test_pip_show_names_the_project(full, folder):
    done = run(full, "pip show optviz", folder)
    assert re.search(r"^Home-page: https://github\.com/optviz/optviz$", done.stdout, re.M), done.stdout
    assert re.search(r"^Author: The optviz developers$", done.stdout, re.M), done.stdout
    assert re.search(r"^License-Expression: MIT$", done.stdout, re.M), done.stdout
    assert re.search(r"^Location: .*site-packages$", done.stdout, re.M) and str(ROOT) not in done.stdout
