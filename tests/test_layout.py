"""Issue 11: the package is layered and its imports point only down. Every import statement of optviz/
and scenes/ (module-level or inside a function) is read from the source; each unit's docstring says
what it may import ("May import: ..."), and the test holds the code to it."""
import pytest
from imports import ROOT, cycles, graph, modules, reachable, rule, unit_of, violations

# the units whose docstrings carry the rules: packages (their __init__), top-level modules, and the
# manim scenes (their package's docstring speaks for the folder)
UNITS = {
    "optviz": "optviz/__init__.py", "optviz.errors": "optviz/errors.py", "optviz.extras": "optviz/extras.py", "optviz.version": "optviz/version.py",
    "optviz.parsing": "optviz/parsing.py", "optviz.cache": "optviz/cache.py", "optviz.progress": "optviz/progress.py",
    "optviz.notebook": "optviz/notebook.py", "optviz.data": "optviz/data/__init__.py",
    "optviz.core": "optviz/core/__init__.py", "optviz.render": "optviz/render/__init__.py",
    "optviz.studies": "optviz/studies/__init__.py", "optviz.cli": "optviz/cli/__init__.py",
    "optviz.lecture": "optviz/lecture/__init__.py",
    "scenes": "scenes/__init__.py",
}
# what each layer may reach at all, directly or through optviz's own imports
FORBIDDEN = {"optviz.data": {"torch", "matplotlib", "manim"}, "optviz.cache": {"torch", "matplotlib", "manim"}, "optviz.core": {"matplotlib", "manim"},
             "optviz.render": {"torch"}, "scenes": {"torch"}}


@pytest.fixture(scope="module")
def rules():
    return {u: rule(ROOT / p) for u, p in UNITS.items()}


@pytest.fixture(scope="module")
def imported():
    return graph()


def test_every_module_belongs_to_a_unit_with_a_rule(rules):
    for name in modules():
        unit_of(name, rules)


def test_the_package_has_no_import_cycle(imported):
    edges, _ = imported
    assert cycles(edges) == []


def test_imports_point_only_down(imported, rules):
    edges, outside = imported
    assert violations(edges, outside, rules) == []


@pytest.mark.parametrize("unit", sorted(FORBIDDEN))
def test_layers_never_reach_what_they_must_not(imported, unit):
    edges, outside = imported
    mine = {m for m in edges if m == unit or m.startswith(unit + ".")}
    reached = set().union(*(outside[m] for m in reachable(edges, mine)))
    assert not reached & FORBIDDEN[unit], f"{unit} reaches {sorted(reached & FORBIDDEN[unit])}"


def test_the_checks_catch_a_cycle_and_an_upward_import():
    """The checker itself: a made-up graph with core -> render and a cycle a -> b -> a is reported."""
    rules = {"optviz.core": ({"optviz.data"}, {"torch"}), "optviz.render": ({"optviz.data"}, {"numpy"}),
             "optviz.data": (set(), {"numpy"})}
    edges = {"optviz.core.a": {"optviz.core.b", "optviz.render.x"}, "optviz.core.b": {"optviz.core.a"},
             "optviz.render.x": {"optviz.data.e"}, "optviz.data.e": set()}
    outside = {"optviz.core.a": {"torch"}, "optviz.core.b": set(), "optviz.render.x": {"torch"},
               "optviz.data.e": {"numpy"}}
    assert cycles(edges) == [["optviz.core.a", "optviz.core.b"]]
    assert violations(edges, outside, rules) == [
        "optviz.core.a imports optviz.render.x (optviz.render is not among what optviz.core may import)",
        "optviz.render.x imports torch (not among optviz.render's third-party packages)"]


def test_function_level_and_relative_imports_are_read(imported):
    """Lazy imports count: the CLI's commands import the studies inside a function."""
    edges, outside = imported
    assert "optviz.studies" in edges["optviz.cli.commands"]
    assert "optviz.core.seed" in edges["optviz.core.optimizers.library"]      # from .. import seed
    assert "scenes.common" in edges["scenes.rolling"]                         # by plain name
    assert "torch" in outside["optviz.core.engine"] and "matplotlib" in outside["optviz.render.base"]
