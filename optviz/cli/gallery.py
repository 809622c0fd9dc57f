"""The default gallery `make render` writes into assets/: the seed's figures and animations, and one
animation per notable surface. Entries whose spec and optviz version are unchanged since the last
render (recorded in DIR/gallery.json) and whose files exist are skipped."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..data.files import atomic_path
from ..errors import unknown
from ..extras import install_hint, problem, require
from ..studies import run_argv
from ..version import __version__
from .browser import ARGS, browser
from .compute import simulate_spec
from .run import render_spec, write_interactive
from .spec import parse_spec

SEED = [{"name": "sgd", "lr": 10}, {"name": "momentum", "lr": 10, "momentum": 0.9}, {"name": "adam", "lr": 1}]
# From the seed's camera (elev 30, azim 75) the ravine's near wall hides Adam's path (the seed's figure
# drew it through the wall); this camera looks down into the ravine.
INTO_RAVINE = {"elev": 55, "azim": 110}

ENTRIES = {
    "seed-50": {
        "surface": "pathological", "steps": 50, "starts": [[7, 7]], "optimizer": SEED,
        "style": INTO_RAVINE, "time": {"fps": 20, "hold": 1.5},
        "output": [{"view": "surface", "path": "seed-surface.png"}, {"view": "map", "path": "seed-map-50.png"},
                   {"view": "2d", "path": "seed-2d-50.gif"}, {"view": "2d", "path": "seed-2d-50.mp4"},
                   {"view": "3d", "path": "seed-3d-50.gif"}, {"view": "3d", "path": "seed-3d-50.mp4"}],
    },
    "seed-1000": {
        "surface": "pathological", "steps": 1000, "starts": [[7, 7]], "optimizer": SEED,
        "style": {"loss_panel": True, **INTO_RAVINE},
        "time": {"fps": 20, "duration": 10, "easing": "ease-in", "hold": 2},
        "output": [{"view": "map", "path": "seed-map-1000.png"}, {"view": "2d", "path": "seed-2d-1000.gif"},
                   {"view": "2d", "path": "seed-2d-1000.mp4"}, {"view": "3d", "path": "seed-3d-1000.gif"},
                   {"view": "3d", "path": "seed-3d-1000.mp4"}],
    },
    "rosenbrock": {
        "surface": "rosenbrock", "steps": 300, "starts": [[-1.5, 2.5]],
        "optimizer": [{"name": "sgd", "lr": 0.0015}, {"name": "momentum", "lr": 0.0015, "momentum": 0.9},
                      {"name": "nesterov", "lr": 0.0002}, {"name": "adam", "lr": 0.05}],
        "style": {"loss_panel": True}, "time": {"fps": 20, "duration": 8, "hold": 1.5},
        "output": [{"view": "2d", "path": "rosenbrock-2d.gif"}],
    },
    "ravine": {
        "surface": "ravine", "steps": 60, "starts": [[-4.5, 1.5]],
        "optimizer": [{"name": "sgd", "lr": 0.095}, {"name": "momentum", "lr": 0.05, "momentum": 0.8},
                      {"name": "adam", "lr": 0.3}, {"name": "sgd", "lr": 0.11}],
        "style": {"arrows": ["gradient"]}, "time": {"fps": 10, "hold": 1.5},
        "output": [{"view": "2d", "path": "ravine-2d.gif"}],
    },
    "himmelblau": {
        "surface": "himmelblau", "steps": 120, "starts": 300, "seed": 1,
        "optimizer": [{"name": "momentum", "lr": 0.01, "momentum": 0.9}],
        "style": {"color_by": "minimum"}, "time": {"fps": 20, "duration": 5, "hold": 1.5},
        "output": [{"view": "2d", "path": "himmelblau-swarm.gif"}],
    },
    "saddle": {
        "surface": "saddle", "steps": 80, "starts": [[-2.2, 0.02]],
        "optimizer": [{"name": "sgd", "lr": 0.05}, {"name": "momentum", "lr": 0.05, "momentum": 0.9},
                      {"name": "adam", "lr": 0.05}],
        "style": {"elev": 45, "azim": -60},   # the balls roll off the saddle toward this camera
        "time": {"fps": 20, "hold": 1.5},
        "output": [{"view": "3d", "path": "saddle-3d.gif"}],
    },
    "sharp-wide": {
        "surface": "sharp-wide", "steps": 200, "starts": 200, "seed": 2,
        "optimizer": [{"name": "momentum", "lr": 0.3, "momentum": 0.9}, {"name": "adam", "lr": 0.05}],
        "time": {"fps": 20, "duration": 6, "hold": 1.5},
        "output": [{"view": "2d", "path": "sharp-wide-swarm.gif"}],
    },
    "rastrigin": {
        "surface": "rastrigin", "steps": 100, "starts": [[4.3, 4.6]],
        "optimizer": [{"name": "sgd", "lr": 0.002}, {"name": "momentum", "lr": 0.01, "momentum": 0.95},
                      {"name": "adam", "lr": 0.3}],
        "style": {"camera": "orbit", "orbit": 90}, "time": {"fps": 20, "duration": 6, "hold": 1},
        "output": [{"view": "3d", "path": "rastrigin-orbit.mp4"}],
    },
}


# manim videos: the rolling-balls shot, and the lecture (1080p, with .srt subtitles and section videos)
ENTRIES["manim-rolling"] = {
    "surface": "pathological", "steps": 50, "starts": [[7, 7]], "optimizer": SEED,
    "engine": "manim", "manim": {"scene": "rolling", "quality": "720p30"}, "time": {"duration": 10},
    "output": [{"path": "manim-rolling.mp4"}],
}
ENTRIES["lecture"] = {
    "engine": "manim", "manim": {"scene": "lecture", "quality": "1080p30"},
    "output": [{"path": "lecture.mp4"}],
}
# a teacher's own lecture: the example file (another surface, other optimizers, every shot), at preview
ENTRIES["own-lecture"] = {
    "engine": "manim", "manim": {"scene": "lecture", "quality": "preview", "lecture": "own-lecture"},
    "output": [{"path": "own-lecture.mp4"}],
}


# a cloud per optimizer: mini-batch SGD on a real least-squares problem (each ball sees its own batches)
ENTRIES["stochastic"] = {
    "surface": "least-squares", "steps": 150, "starts": [[-1.5, 2.5]], "cloud": 40, "batch_size": 4, "seed": 0,
    "optimizer": [{"name": "sgd", "lr": 0.05}, {"name": "momentum", "lr": 0.05, "momentum": 0.9},
                  {"name": "adam", "lr": 0.1}],
    "time": {"fps": 20, "duration": 6, "hold": 1.5},
    "output": [{"view": "2d", "path": "stochastic-cloud.gif"}],
}
ENTRIES["manim-stochastic"] = {**ENTRIES["stochastic"], "engine": "manim",
                               "manim": {"scene": "swarm", "quality": "720p30"}, "time": {"duration": 8},
                               "output": [{"path": "manim-stochastic.mp4"}]}

# a real network: digits-mlp trained by SGD, momentum, Adam and SAM from the same weights, on the PCA plane
# of their paths (its NPZ is committed, so others can draw it again without training)
DIGITS = {
    "task": "digits-mlp", "steps": 300, "batch_size": 64, "seed": 0,
    "optimizer": [{"name": "sgd", "lr": 0.5}, {"name": "momentum", "lr": 0.5, "momentum": 0.9},
                  {"name": "adam", "lr": 0.01},
                  {"name": "sam", "base": "momentum", "lr": 0.5, "momentum": 0.9, "rho": 0.05}],
    "landscape": {"plane": "pca", "resolution": 51, "record_every": 2, "line": "momentum,adam", "both_grids": True},
}
ENTRIES["digits-landscape"] = {
    **DIGITS, "style": {"loss_panel": True, "elev": 50, "azim": -60}, "time": {"fps": 20, "duration": 8, "hold": 1.5},
    "output": [{"view": "2d", "path": "digits-landscape.npz"}, {"view": "2d", "path": "digits-landscape.gif"},
               {"view": "3d", "path": "digits-landscape-3d.gif"}, {"view": "map", "path": "digits-landscape.png"},
               {"view": "line", "path": "digits-line.png"}],
}
ENTRIES["manim-digits"] = {
    **DIGITS, "engine": "manim", "manim": {"scene": "rolling", "quality": "720p30"},
    "style": {"elev": 60, "azim": -60}, "time": {"duration": 10}, "output": [{"path": "manim-digits.mp4"}],
}

# the interactive page of the seed's race (`--interactive`), and a screenshot of it for the README
ENTRIES["seed-explorer"] = {
    "surface": "pathological", "steps": 50, "starts": [[7, 7]], "optimizer": SEED, "interactive": True,
    "output": [{"path": "seed-explorer.html"}],
}
# the real network's page: its recorded paths replayed on the slice, in 2-D and 3-D (nothing runs in the browser)
ENTRIES["digits-explorer"] = {**DIGITS, "interactive": True, "output": [{"path": "digits-explorer.html"}]}
# entry -> [(the page, its picture, the view: the URL hash a reader's link would carry)]
SCREENSHOTS = {
    "seed-explorer": [("seed-explorer.html", "seed-explorer.png", "#start=7,7&step=32&play=0&view=map"),
                      ("seed-explorer.html", "seed-explorer-3d.png", "#start=7,7&step=32&play=0&view=3d")],
    "digits-explorer": [("digits-explorer.html", "digits-explorer.png", "#step=75&play=0&view=both")],
}

# studies (`optviz experiment ...`): argv after the experiment name; outputs are relative to the directory
EXPERIMENT_ENTRIES = {
    "minima": (["minima", "--optimizer", "momentum:lr=1,momentum=0.9", "--optimizer", "adam:lr=0.1",
                "--optimizer", "sam:base=momentum,lr=1,momentum=0.9,rho=0.1", "--starts", "200", "--seeds", "10",
                "-o", "{dir}/minima"],
               ["minima.csv", "minima-bars.png", "minima-swarm.gif"]),
    "sweep": (["sweep", "--surface", "pathological", "--optimizer", "momentum", "--grid", "lr=3,10,20,40",
               "--grid", "momentum=0,0.5,0.9", "--steps", "100", "-o", "{dir}/sweep-seed.gif"],
              ["sweep-seed.gif"]),
    "map": (["map", "--resolution", "1000", "--steps", "1000", "-o", "{dir}/map-ravine"],
            ["map-ravine.png"]),
    "generalization": (["generalization", "--seeds", "5", "-o", "{dir}/generalization"],
                       ["generalization.csv", "generalization.png", "generalization-spectrum.png",
                        "generalization-landscape.png", "generalization-landscape.gif"]),
    # where Adam does lose: Wilson et al. 2017's least squares (no dataset needed)
    "wilson": (["generalization", "--task", "wilson-linear", "--seeds", "5", "-o", "{dir}/wilson"],
               ["wilson.csv", "wilson.png", "wilson-spectrum.png", "wilson-landscape.png", "wilson-landscape.gif"]),
    "batch-size": (["batch-size", "-o", "{dir}/batch-size"], ["batch-size.csv", "batch-size.png"]),
    "map-zoom": (["map", "--surface", "himmelblau", "--optimizer", "sgd", "--x", "lr_x=1e-3:0.1", "--y",
                  "lr_y=1e-3:0.1", "--resolution", "1000", "--steps", "500", "--zoom-frames", "60",
                  "--zoom-depth", "30", "--zoom-resolution", "400x300", "--formats", "mp4",
                  "-o", "{dir}/map-himmelblau"],
                 ["map-himmelblau.png", "map-himmelblau-zoom.mp4"]),
}

# the built-in lecture as a post (`optviz article`): the blog post optviz grew from, its figures moving and
# its numbers measured; MP4 figures keep the folder small
ARTICLE_ENTRIES = {"seed-article": {"lecture": "seed", "figures": "mp4", "output": "seed-article"}}


def screenshot(page: Path, png: Path, view: str) -> Path | None:
    """A PNG of an interactive page as a reader sees it at `view` (its URL hash), or None without a browser."""
    chromium = browser()
    if chromium is None:
        return None
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p, atomic_path(png) as tmp:
        b = p.chromium.launch(executable_path=chromium, args=ARGS)
        tab = b.new_page(viewport={"width": 1000, "height": 820})
        tab.goto(page.resolve().as_uri() + view)
        tab.wait_for_function("document.body.dataset.ready === '1'")
        tab.locator("#app").screenshot(path=str(tmp))
        b.close()
    return png


def entry_hash(doc: dict) -> str:
    return hashlib.sha256(json.dumps([doc, __version__], sort_keys=True).encode()).hexdigest()[:16]


def entry_needs(name: str) -> tuple[str, ...]:
    """The optviz extras a gallery entry cannot be rendered without."""
    if name in EXPERIMENT_ENTRIES:
        argv = EXPERIMENT_ENTRIES[name][0]
        if argv[0] not in ("generalization", "batch-size"):   # the studies on a task
            return ()
        from ..core.networks.tasks import NEEDS
        task = argv[argv.index("--task") + 1] if "--task" in argv else "digits-mlp"
        return NEEDS.get(task.partition(":")[0], ())
    if name in ARTICLE_ENTRIES:   # its lecture's landscape shot trains a network
        return ("networks",)
    doc = ENTRIES[name]
    lecture = doc.get("manim", {}).get("scene") == "lecture"
    return tuple(n for n, wanted in (("manim", doc.get("engine") == "manim"),
                                     ("networks", "task" in doc or lecture)) if wanted)


def render_gallery(directory, only=None, force=False, workers=None, report=lambda line: None,
                   dry_run=False) -> list[Path]:
    """Render the gallery's entries (`only` these) into `directory`. Entries whose extras are missing
    are skipped with the line that installs them; asked for by name, they stop the run with it.
    `dry_run` reports what would be rendered and renders nothing."""
    directory = Path(directory)
    manifest_path = directory / "gallery.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    every = {**ENTRIES, **EXPERIMENT_ENTRIES, **ARTICLE_ENTRIES}
    names = only or list(every)
    for name in names:
        if name not in every:
            raise unknown("gallery entry", name, every)
        if only:
            require(*entry_needs(name), feature=f"the gallery entry {name!r}")
    skipped = {}
    for name in names:
        missing = tuple(n for n in entry_needs(name) if problem(n))
        if missing:
            skipped.setdefault(missing, []).append(name)
    for missing, entries in skipped.items():
        report(f"skipping {', '.join(entries)}: they need optviz[{','.join(missing)}] ({install_hint(missing)})")
    names = [n for n in names if not any(n in e for e in skipped.values())]
    written = []
    for name in names:
        doc = every[name]
        if name in EXPERIMENT_ENTRIES:
            argv, files = doc
            outputs = [directory / f for f in files]
        elif name in ARTICLE_ENTRIES:
            outputs = [directory / doc["output"]]
        else:
            outputs = [directory / o["path"] for o in doc["output"]]
        shots = SCREENSHOTS.get(name, [])
        if shots and browser() is not None:
            outputs += [directory / png for _, png, _ in shots]
        h = entry_hash({**doc, "screenshots": shots} if shots else doc)   # a new view is a new picture
        video = name in ENTRIES and doc.get("manim", {}).get("scene") == "lecture"
        if video or name in ARTICLE_ENTRIES:   # a lecture is its file: an edit renders it again
            from ..lecture.runs import lecture_file
            lecture = doc["lecture"] if name in ARTICLE_ENTRIES else doc["manim"].get("lecture")
            h = entry_hash([h, lecture_file(lecture).read_text(encoding="utf-8")])
        if not force and manifest.get(name) == h and all(p.exists() for p in outputs):
            report(f"{name}: up to date")
            continue
        if dry_run:
            missing = [p.name for p in outputs if not p.exists()]
            why = [*(["its spec, its lecture file or optviz changed"] if manifest.get(name) != h else []),
                   *([f"missing {', '.join(missing)}"] if missing else []), *(["forced"] if force else [])]
            report(f"{name}: would render ({'; '.join(why)})")
            continue
        report(f"{name}: rendering {', '.join(p.name for p in outputs)}")
        if name in EXPERIMENT_ENTRIES:
            written += run_argv([*(a.replace("{dir}", str(directory)) for a in argv),
                                 *(["--workers", str(workers)] if workers else [])])
        elif name in ARTICLE_ENTRIES:
            from ..lecture.article import write_article
            written.append(write_article(doc["lecture"], outputs[0], figures=doc["figures"], live_page=live_page_html,
                                         workers=workers, report=report)["path"])
        else:
            spec = parse_spec({**doc, "output": [{**o, "path": str(directory / o["path"])} for o in doc["output"]]},
                              f"gallery entry {name}")
            written += render_spec(spec, workers=workers)
        for page, png, view in shots:
            picture = screenshot(directory / page, directory / png, view)
            written += [picture] if picture else []
            if picture is None:
                report(f"{name}: no {png} (taking it needs Chromium and optviz[browser]: sudo apt-get install -y "
                       "chromium && pip install 'optviz[browser]')")
        manifest[name] = h
        with atomic_path(manifest_path) as tmp:
            tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        report(f"{name}: wrote {', '.join(p.name for p in outputs)}")
    return written


def live_page_html(race: dict | None = None, theme: str = "dark") -> str | None:
    """The deck's live slide: the interactive page of a lecture's first race (its shot's options; the
    optimizers the page runs), as HTML, or None when the page runs none of them; without a race, the
    gallery's seed race page (its seed-explorer entry). In the lecture's theme: a dark deck, a dark page."""
    import tempfile

    from ..render.interactive import PAGE_OPTIMIZERS
    entry = ENTRIES["seed-explorer"]
    if race is not None:
        from ..core.optimizers import parse_optimizer
        # by the name as written: `SGD` is torch's class, which the page does not run, not its `sgd`
        specs = [s for s in map(parse_optimizer, race["optimizers"]) if s.name in PAGE_OPTIMIZERS]
        if not specs:
            return None
        entry = {"surface": race["surface"], "steps": race["steps"], "interactive": True,
                 "optimizer": [{"name": o.name, **o.hyperparameters, **({"schedule": o.schedule} if o.schedule else {})}
                               for o in specs],
                 **({"starts": [race["start"]]} if race.get("start") else {})}
    with tempfile.TemporaryDirectory(prefix="optviz-live-") as tmp:
        page = Path(tmp) / "live.html"
        spec = parse_spec({**entry, "style": {**entry.get("style", {}), "theme": theme},
                           "output": [{"path": str(page)}]}, "the live slide")
        style, timeline = spec.build()
        write_interactive(simulate_spec(spec.run), page, style, timeline)
        return page.read_text(encoding="utf-8")
