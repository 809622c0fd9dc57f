"""Issue 22: the documentation builds with Sphinx, warnings as errors, every gallery example run afresh;
the gallery shows every example with what it wrote; the references are generated from the code (every
subcommand and flag of the parser, every spec table, every registered surface and optimizer)."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from imports import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]
EXAMPLES = sorted(p.stem for p in (ROOT / "examples").glob("plot_*.py"))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("docs")
    done = subprocess.run([sys.executable, "-m", "sphinx", "-E", "-W", "--keep-going", "-q", "-b", "html",
                           "-d", str(out / "doctrees"), "-D", "sphinx_gallery_conf.run_stale_examples=True",
                           str(ROOT / "docs"), str(out / "html")], capture_output=True, text=True,
                          env={**os.environ, "MPLBACKEND": "Agg"})
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    assert "WARNING" not in done.stderr and "ERROR" not in done.stderr, done.stderr[-4000:]
    return out / "html"


def test_the_gallery_shows_every_example_with_its_output(site):
    assert len(EXAMPLES) >= 10
    index = (site / "auto_examples" / "index.html").read_text()
    for name in EXAMPLES:
        page = (site / "auto_examples" / f"{name}.html").read_text()
        outputs = re.findall(rf'<img[^>]+src="[^"]*sphx_glr_{name}_\d+\.(?:png|gif|svg)"', page)
        embedded = re.findall(r'<video |<iframe class="optviz-page"', page)
        assert outputs or embedded, f"{name}: no output on its page"
        assert f"sphx_glr_{name}_thumb" in index, f"{name}: no thumbnail in the gallery"


def test_the_gallery_embeds_videos_and_the_live_page(site):
    manim = (site / "auto_examples" / "plot_manim_rolling.html").read_text()
    assert re.search(r'<video [^>]*src="data:video/mp4;base64,', manim)
    page = (site / "auto_examples" / "plot_interactive_page.html").read_text()
    assert '<iframe class="optviz-page" srcdoc="' in page and "&lt;canvas" in page


def test_the_cli_reference_lists_every_subcommand_and_flag(site):
    from optviz.cli.commands import build_parser
    text = (site / "reference" / "cli.html").read_text()

    def walk(parser, path):
        for action in parser._actions:
            if action.__class__.__name__ == "_SubParsersAction":
                for name, p in action.choices.items():
                    assert re.search(rf"<h\d[^>]*>{re.escape(name)}<", text), " ".join([*path, name])
                    yield from walk(p, [*path, name])
            for flag in action.option_strings:
                if flag.startswith("--") and flag != "--help":
                    yield " ".join(path), flag

    flags = list(walk(build_parser(), []))
    assert any(path == "experiment minima" for path, _ in flags)
    missing = [f"{path} {flag}" for path, flag in flags if flag not in text]
    assert missing == []


def test_the_spec_and_registry_references_come_from_the_code(site):
    from optviz.cli.spec import TABLES
    from optviz.core.optimizers import OPTIMIZERS
    from optviz.core.surfaces import SURFACES
    spec = (site / "reference" / "spec.html").read_text()
    for table, schema in TABLES.items():
        for key in schema:
            assert key in spec, f"{table} {key}"
    tables = (site / "reference" / "surfaces.html").read_text()
    for name in [*SURFACES, *OPTIMIZERS]:
        assert f'<span class="pre">{name}</span>' in tables, name
