"""Sphinx configuration for optviz's documentation: `make docs` (warnings are errors).

The gallery is built by sphinx-gallery from examples/*.py, each run in a copy of examples/ under
docs/_build, so nothing is ever written into the source tree; the files an example writes (GIFs,
MP4s, pages) are picked up by the scraper in _ext/optviz_docs.py. The CLI reference is generated
from the argparse parser, the spec and registry tables from the code.
"""
import shutil
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(DOCS / "_ext"))

import optviz_docs  # noqa: E402

from optviz.version import __version__  # noqa: E402

project = "optviz"
author = "The optviz developers"
copyright = "2026, The optviz developers"
version = release = __version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "sphinxarg.ext",
    "sphinx_copybutton",
    "sphinx_gallery.gen_gallery",
    "optviz_docs",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py", "auto_examples/*.zip"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
autodoc_member_order = "bysource"
autodoc_typehints = "description"
suppress_warnings = ["config.cache"]   # sphinx-gallery's conf holds functions, which Sphinx cannot pickle

# a fresh copy of the examples for every build: the examples write their pictures into the folder
# they run in, and that must not be the source tree
GALLERY_SRC = DOCS / "_build" / "gallery-src"
shutil.rmtree(GALLERY_SRC, ignore_errors=True)
shutil.copytree(ROOT / "examples", GALLERY_SRC, ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))

# the gallery tells the story in this order: the post's race, its pictures, then further afield
GALLERY_ORDER = ["plot_seed_race", "plot_3d_surface", "plot_interactive_page", "plot_spec_file", "plot_torch_optimizers",
                 "plot_schedules", "plot_stochastic_cloud", "plot_swarm_minima", "plot_sharp_wide",
                 "plot_trainability_map", "plot_digits_landscape", "plot_manim_rolling"]

sphinx_gallery_conf = {
    "examples_dirs": str(GALLERY_SRC),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "image_scrapers": ("matplotlib", optviz_docs.OutputScraper()),
    "reset_modules": ("matplotlib", optviz_docs.Snapshot()),
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": optviz_docs.GalleryOrder(GALLERY_ORDER),
    "write_computation_times": False,
    "show_memory": False,
    "min_reported_time": 1,
}

html_theme = "pydata_sphinx_theme"
html_title = f"optviz {__version__}"
html_static_path = ["_static"]
html_css_files = ["optviz.css"]
html_theme_options = {
    "github_url": "https://github.com/optviz/optviz",
    "navbar_align": "left",
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc", "sourcelink"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_context = {"default_mode": "light"}
