"""Issue 22, read from the source: what the package declares (pyproject.toml) against what its code
imports. Every third-party import is declared; what runs at import time needs only the core; what an
optional feature imports is declared by the extra that feature's one-line hint names. (test_install.py
then builds the wheel and tries it in fresh environments, as a user would.)"""
import importlib.metadata
import re
import tomllib

import pytest
from imports import ROOT, graph, imports, modules

from optviz.extras import EXTRAS, install_hint, problem, require

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]


def dist_name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


CORE = {dist_name(r) for r in PROJECT["dependencies"]}
OPTIONAL = {extra: {dist_name(r) for r in reqs} for extra, reqs in PROJECT["optional-dependencies"].items()}


def providers() -> dict[str, set[str]]:
    """Top-level module -> the distributions installed here that provide it."""
    return {m: {d.lower().replace("_", "-") for d in ds} for m, ds in importlib.metadata.packages_distributions().items()}


def closure(dists: set[str]) -> set[str]:
    """The distributions and everything they require, as installed here."""
    seen, todo = set(), list(dists)
    while todo:
        d = todo.pop()
        if d in seen:
            continue
        seen.add(d)
        try:
            reqs = importlib.metadata.requires(d) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        todo += [dist_name(r) for r in reqs if "extra ==" not in r]
    return seen


def declared_by(module: str, provided: dict) -> set[str]:
    """The distributions declared in pyproject.toml (core or an extra) that provide `module`."""
    dists = provided.get(module, set())
    return {d for d in dists if d in CORE or any(d in reqs for reqs in OPTIONAL.values())}


def test_every_third_party_import_is_declared():
    """optviz/ and scenes/, module-level and inside functions: each third-party module comes from a
    distribution pyproject.toml itself declares (core or an extra), not one that happens to arrive
    with another (av came with manim, so a core install lacked it). The only exceptions are the
    compiled modules an extra's check loads (pycairo, manimpango: brought by manim), which must
    then arrive with that extra."""
    _, outside = graph()
    provided = providers()
    every = CORE | set().union(*OPTIONAL.values())
    loaded = {m: name for name, e in EXTRAS.items() for m in e.loads}
    undeclared = []
    for mod, pkgs in sorted(outside.items()):
        for pkg in sorted(pkgs):
            dists = provided.get(pkg, set())
            if pkg in loaded:
                ok = dists & closure(OPTIONAL[loaded[pkg]])
            else:
                ok = dists & every
            if not ok:
                undeclared.append(f"{mod} imports {pkg} ({', '.join(sorted(dists)) or 'not installed here'})")
    assert undeclared == []


def test_what_runs_at_import_needs_only_the_core():
    """Importing any optviz module (the CLI's, the renderers', the data objects') never imports an
    optional dependency: those are imported inside the functions that need them, after the check."""
    _, outside = graph(module_level=True)
    provided = providers()
    bad = sorted(f"{mod} imports {pkg} when it is imported" for mod, pkgs in outside.items()
                 if not mod.startswith("scenes") for pkg in pkgs if not provided.get(pkg, set()) & CORE)
    assert bad == []


def test_the_scenes_need_only_the_core_and_manim():
    _, outside = graph()
    provided = providers()
    allowed = CORE | OPTIONAL["manim"]
    # the compiled modules manim's check loads (cairo, for the camera fix) may come with manim itself
    brought = {m: closure(OPTIONAL["manim"]) for m in EXTRAS["manim"].loads}
    scenes = {m: p for m, p in outside.items() if m.startswith("scenes")}
    assert scenes, "no scene modules found"
    assert sorted(f"{m} imports {p}" for m, ps in scenes.items() for p in ps
                  if not provided.get(p, set()) & brought.get(p, allowed)) == []


def test_each_optional_import_is_declared_by_the_extra_its_hint_names():
    """The modules each extra is checked for (optviz.extras) are provided by the distributions
    pyproject.toml lists under that extra, and nothing else of optviz imports them."""
    provided = providers()
    for name, extra in EXTRAS.items():
        assert name in OPTIONAL, f"optviz[{name}] is checked for but pyproject.toml has no such extra"
        assert set(extra.dists) == OPTIONAL[name], name
        for module in extra.modules:
            assert provided.get(module, set()) & OPTIONAL[name], f"{module} is not provided by optviz[{name}]"


def test_all_is_every_feature_extra_and_dev_has_all():
    every = {e for e in OPTIONAL if e not in ("all", "dev", "docs")}
    assert every == set(EXTRAS)
    all_ = PROJECT["optional-dependencies"]["all"]
    assert all_ == [f"optviz[{','.join(EXTRAS)}]"]
    assert any(r.startswith("optviz[") and "all" in r for r in PROJECT["optional-dependencies"]["dev"])


def test_torch_is_a_range_and_make_pins_the_wheel_on_disk():
    torch = next(r for r in PROJECT["dependencies"] if dist_name(r) == "torch")
    assert "==" not in torch and ">=" in torch and "<3" in torch, torch
    assert "torch==2.13.0" in (ROOT / "constraints.txt").read_text().splitlines()
    make = (ROOT / "Makefile").read_text()
    assert "-c constraints.txt -e '.[dev]'" in make
    assert importlib.metadata.version("torch").startswith("2.13.0")


def test_the_doctor_checks_exactly_the_core():
    from optviz.cli.doctor import CORE as DOCTOR
    assert set(DOCTOR) == CORE


def test_every_package_folder_is_in_the_wheel_list():
    """pyproject.toml lists the packages (scenes/ and examples/ are mapped into optviz; the folders of
    data files only are listed too, as setuptools asks): every folder of optviz/ with modules is listed,
    the mapped folders exist, and each listed data folder holds its data and no module."""
    tool = PYPROJECT["tool"]["setuptools"]
    listed, mapped = set(tool["packages"]), tool["package-dir"]
    folders = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "optviz").rglob("__init__.py")}
    data = {name for name in tool["package-data"]
            if name not in mapped and not (ROOT.joinpath(*name.split(".")) / "__init__.py").exists()}
    assert folders | set(mapped) | data == listed
    for package, folder in mapped.items():
        assert (ROOT / folder / "__init__.py").exists(), package
    for name in data:
        folder = ROOT.joinpath(*name.split("."))
        assert any(folder.iterdir()) and not list(folder.glob("*.py")), name


def test_a_missing_extra_is_one_line_naming_it(monkeypatch):
    """The check itself: with manim's module hidden, require() raises the one line the CLI prints,
    with the apt line first (manim's wheels build against cairo and pango); with it present, nothing."""
    import importlib.util
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "manim" else real(name, *a))
    assert problem("manim") == "manim is not installed"
    with pytest.raises(Exception) as err:
        require("manim", "networks", feature="the lecture")
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith("the lecture needs optviz[manim] (manim is not installed): sudo apt-get install -y "
                              "libcairo2-dev libpango1.0-dev pkg-config && pip install 'optviz[manim]'")
    assert install_hint(["networks"]) == "pip install 'optviz[networks]'"
    monkeypatch.undo()
    require("manim", "networks", "cluster", feature="everything")   # all installed in the dev environment


def test_the_source_tree_modules_are_all_reachable_as_installed_names():
    """Every scene module is importable by file from optviz.scenes' folder (what manim runs)."""
    from optviz.render.manim_video import SCENES, scenes_dir
    folder = scenes_dir()
    assert folder.resolve() == (ROOT / "scenes").resolve()   # an editable install maps it to the tree
    for file, _, _ in SCENES.values():
        assert (folder / file).exists(), file
    assert {n for n in modules() if n.startswith("scenes.")} >= {f"scenes.{f[:-3]}" for f, _, _ in SCENES.values()}


def test_what_the_tests_benchmarks_and_docs_import_comes_with_dev():
    """`make` installs '.[dev]' into a fresh environment: every third-party module the tests, the
    benchmarks, the docs' extension and the gallery examples import is provided by a distribution that
    optviz[dev] brings (declared, or required by one declared), not one an older environment still holds
    (imageio stayed in the developers' .venv after manim stopped bringing it; a clean CI lacked it)."""
    dev = {d for r in PROJECT["optional-dependencies"]["dev"] if not r.startswith("optviz[") for d in [dist_name(r)]}
    brought = closure(CORE | dev | set().union(*(OPTIONAL[e] for e in OPTIONAL if e not in ("all", "dev"))))
    provided = providers()
    local = {p.stem for p in (ROOT / "tests").glob("*.py")} | {p.stem for p in (ROOT / "benchmarks").glob("*.py")} \
        | {p.stem for p in (ROOT / "docs" / "_ext").glob("*.py")} | {p.stem for p in (ROOT / "scenes").glob("*.py")}
    files = [*(ROOT / "tests").glob("*.py"), *(ROOT / "benchmarks").glob("*.py"), *(ROOT / "docs").rglob("*.py"),
             *(ROOT / "examples").glob("*.py")]
    assert len(files) > 20
    missing = []
    for path in files:
        if "_build" in path.parts:
            continue
        _, outside = imports(path.stem, path, set())
        for pkg in sorted(outside - local - {"optviz", "scenes"}):
            if not provided.get(pkg, set()) & brought:
                missing.append(f"{path.relative_to(ROOT)} imports {pkg} ({', '.join(sorted(provided.get(pkg, ()))) or 'not installed'})")
    assert missing == []
