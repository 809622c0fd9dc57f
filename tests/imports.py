"""Read the import graph of optviz and its manim scenes from the source (every import statement,
module-level or inside a function), and the layer rules from the packages' own docstrings.

A rule is the paragraph of a package's (or top-level module's) docstring that starts with
"May import:": optviz parts it may import, comma-separated (or "nothing"), then optionally
"; third-party: ..." with the outside packages it may import. The standard library is always allowed.
"""
from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def modules() -> dict[str, Path]:
    """Dotted name -> file for every module of optviz/ and scenes/ (a package is its __init__)."""
    out = {}
    for path in sorted((ROOT / "optviz").rglob("*.py")) + sorted((ROOT / "scenes").glob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _package(name: str, path: Path) -> str:
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def _statements(tree: ast.AST, module_level: bool):
    """Every node of `tree`; with `module_level`, none inside a function (what importing the module runs)."""
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        if module_level and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        todo.extend(ast.iter_child_nodes(node))


def imports(name: str, path: Path, known: set[str], module_level: bool = False) -> tuple[set[str], set[str]]:
    """(optviz/scenes modules, third-party top-level names) that module `name` imports; with
    `module_level`, only the imports that run when the module is imported (none inside a function)."""
    local, outside = set(), set()
    tree = ast.parse(path.read_text(), str(path))

    def add(target: str):
        if target.split(".")[0] in ("optviz", "scenes"):
            while target not in known and "." in target:
                target = target.rpartition(".")[0]
            local.add(target)
        elif name.startswith("scenes.") and f"scenes.{target.split('.')[0]}" in known:
            local.add(f"scenes.{target.split('.')[0]}")   # the scenes import each other by plain name
        elif target.split(".")[0] not in sys.stdlib_module_names and target != "__future__":
            outside.add(target.split(".")[0])

    for node in _statements(tree, module_level):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = _package(name, path)
                for _ in range(node.level - 1):
                    base = base.rpartition(".")[0]
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                add(sub if sub in known else base)
    local.discard(name)
    return local, outside


def graph(module_level: bool = False) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    known = modules()
    edges, outside = {}, {}
    for name, path in known.items():
        edges[name], outside[name] = imports(name, path, set(known), module_level)
    return edges, outside


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def rule(path: Path) -> tuple[set[str], set[str]]:
    """The (optviz parts, third-party packages) a docstring's "May import:" paragraph allows."""
    doc = ast.get_docstring(ast.parse(path.read_text())) or ""
    m = re.search(r"^May import:(.*?)(?:\n\s*\n|\Z)", doc, re.S | re.M)
    if m is None:
        raise AssertionError(f"{path.relative_to(ROOT)}: its docstring has no 'May import:' paragraph")
    text = re.sub(r"\([^)]*\)", "", " ".join(m.group(1).split())).strip().rstrip(".")
    parts, _, third = text.partition("; third-party:")

    def names(s):
        return {n.strip() for n in s.split(",") if n.strip() and n.strip() != "nothing"}
    return names(parts), names(third)


def unit_of(name: str, units: dict) -> str:
    """The longest unit (package or top-level module with a rule) that contains module `name`."""
    best = max((u for u in units if name == u or name.startswith(u + ".")), key=len, default=None)
    if best is None:
        raise AssertionError(f"{name} belongs to no unit with a 'May import:' rule")
    return best


def violations(edges, outside, units) -> list[str]:
    """Imports that the importing unit's rule does not allow (between units, and third-party)."""
    bad = []
    for name in sorted(edges):
        u = unit_of(name, units)
        allowed, third = units[u]
        for target in sorted(edges[name]):
            v = unit_of(target, units)
            if v != u and v not in allowed:
                bad.append(f"{name} imports {target} ({v} is not among what {u} may import)")
        for pkg in sorted(outside[name] - third):
            bad.append(f"{name} imports {pkg} (not among {u}'s third-party packages)")
    return bad


def reachable(edges, start: set[str]) -> set[str]:
    seen, todo = set(), list(start)
    while todo:
        v = todo.pop()
        if v not in seen:
            seen.add(v)
            todo.extend(edges.get(v, ()))
    return seen
