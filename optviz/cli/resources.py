"""What the package carries besides code, found wherever it is installed: the manim scenes
(`optviz scenes`) and the examples (`optviz examples`: the docs' gallery scripts, example specs and
the small data files the docs use).

    manim -pql "$(optviz scenes path)/rolling.py" RollingBalls
    optviz examples copy my-examples && cd my-examples && optviz render seed-race.toml
"""
from __future__ import annotations

import ast
import importlib.resources
import shutil
import sys
from pathlib import Path

from ..data.files import check_folder
from ..errors import OptvizError

EXAMPLE_FILES = ("*.py", "*.toml", "*.npz")


def package_folder(name: str) -> Path:
    """The folder of a resource package (optviz.scenes, optviz.examples), without importing its modules."""
    try:
        return Path(str(importlib.resources.files(name)))
    except ModuleNotFoundError:
        raise OptvizError(f"this installation of optviz has no {name}: reinstall it (pip install --force-reinstall "
                          "optviz) or, in a checkout, make install") from None


def examples() -> list[Path]:
    folder = package_folder("optviz.examples")
    return sorted(p for pattern in EXAMPLE_FILES for p in folder.glob(pattern) if p.name != "__init__.py")


def describe(path: Path) -> str:
    """An example's first line: a script's docstring title, a spec's first comment, a data file's kind."""
    if path.suffix == ".py":
        doc = ast.get_docstring(ast.parse(path.read_text())) or ""
        lines = [line for line in doc.splitlines() if line.strip() and not set(line.strip()) <= set("=-")]
        return lines[0].strip() if lines else ""
    if path.suffix == ".toml":
        first = next((line for line in path.read_text().splitlines() if line.startswith("#")), "#")
        return first.lstrip("# ").strip()
    return "a saved experiment (optviz render --experiment FILE)"


def cmd_scenes(args) -> int:
    from ..render.manim_video import SCENES
    folder = package_folder("optviz.scenes")
    if args.action == "path":
        print(folder)
        return 0
    print(f"manim scenes in {folder} (optviz render --engine manim --scene NAME, or plain manim):")
    for name, (file, cls, _) in SCENES.items():
        print(f"  {name:8s} {cls:15s} manim -pql \"$(optviz scenes path)/{file}\" {cls}")
    return 0


def cmd_examples(args) -> int:
    folder = package_folder("optviz.examples")
    if args.action == "path":
        print(folder)
        return 0
    if args.action == "copy":
        if not args.directory:
            raise OptvizError("optviz examples copy needs a folder to copy into, e.g. optviz examples copy my-examples")
        return copy_examples(Path(args.directory))
    print(f"examples in {folder} (optviz examples copy DIR puts them in a folder of yours):")
    for p in examples():
        print(f"  {p.name:28s} {describe(p)}")
    return 0


def copy_examples(target: Path) -> int:
    """Copy every example into `target` (made if needed); files already there are left as they are."""
    check_folder(target, "examples folder")
    files = examples()
    target.mkdir(parents=True, exist_ok=True)
    kept = []
    for src in files:
        dst = target / src.name
        if dst.exists():
            kept.append(src.name)
            continue
        tmp = dst.with_name(f".{dst.name}.tmp")
        shutil.copyfile(src, tmp)
        tmp.replace(dst)
    copied = len(files) - len(kept)
    print(f"copied {copied} example file(s) into {target}/" + (f" (kept your {', '.join(kept)})" if kept else ""),
          file=sys.stderr)
    return 0
