"""A scene's static picture kept in optviz's cache, so that drawing the same scene again skips its
first draw: the figure laid out and drawn whole (a tenth of a second for a 3-D surface, with its tick
labels and axis names), the surface's depth buffer and the GIF's palette.

An entry (`scenes/KEY-PART.npz`) holds what that draw leaves behind that the frames need: the picture
without its moving artists, where each axes was placed, and what a scene adds (`static_arrays`: the
3-D depth buffer); the palette is a part of its own. The key is everything that decides the picture:
the scene's class, the experiment's arrays and meta, the style and timeline, the versions of optviz,
matplotlib, numpy and Pillow, the renderers' sources, matplotlib's rcParams and the fonts it knows.
Entries are written to a temp file and renamed, and share the cache's bound with the runs
(`cache.trim`, oldest out first). A missing, broken or trimmed entry is drawn again.

May import: optviz.cache, optviz.data, optviz.errors, optviz.version; third-party: numpy, matplotlib, PIL.
"""
from __future__ import annotations

import functools
import hashlib
import os
import zipfile
from pathlib import Path

import numpy as np

from .. import cache
from ..data.experiment import ARRAYS
from ..data.files import atomic_path
from ..errors import OptvizError
from ..version import __version__

FOLDER = "scenes"


@functools.lru_cache(maxsize=1)
def _versions() -> str:
    """The versions and sources that draw a picture (fixed for a process)."""
    import matplotlib
    import PIL
    return cache.digest(matplotlib.__version__, np.__version__, PIL.__version__,
                        cache.sources_digest(Path(__file__).parent))


def _drawn_by() -> str:
    """What draws a picture, besides the scene's own inputs: versions, sources, and matplotlib's
    rcParams and fonts as they are now (a notebook may change them between two renders)."""
    import matplotlib
    from matplotlib import font_manager
    fonts = sorted((f.fname, f.name, f.style, f.weight, f.stretch) for f in font_manager.fontManager.ttflist)
    # the stored values, read past RcParams' lookup: looking up "backend" resolves it by importing
    # pyplot (a third of a cached re-render's set-up), and scenes draw on their own Agg canvas anyway
    params = sorted((k, str(v)) for k, v in dict.items(matplotlib.rcParams) if k != "backend")
    return cache.digest(_versions(), params, fonts)


def _arrays_digest(h, arrays: dict) -> None:
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        h.update(f"{name}:{a.dtype.str}:{a.shape}".encode())
        h.update(a.data if a.dtype != object else repr(a.tolist()).encode())


def scene_key(scene) -> str:
    """The hash of everything that decides `scene`'s pictures."""
    exp = scene.exp
    h = hashlib.sha256()
    h.update(cache.digest(f"{type(scene).__module__}.{type(scene).__qualname__}", repr(scene.style),
                          repr(scene.timeline), exp.meta, _drawn_by(), __version__).encode())
    _arrays_digest(h, {k: getattr(exp, k) for k in ARRAYS})
    _arrays_digest(h, {f"state_{k}": v for k, v in exp.state.items()})
    _arrays_digest(h, {f"extra_{k}": v for k, v in exp.extra.items()})
    if exp.lr is not None:
        _arrays_digest(h, {"lr": exp.lr})
    return h.hexdigest()[:24]


def _entry(key: str, part: str) -> Path:
    return cache.cache_root() / FOLDER / f"{key}-{part}.npz"


def load(key: str, part: str) -> dict | None:
    """The arrays kept as `part` of the scene `key`, or None."""
    entry = _entry(key, part)
    try:
        with np.load(entry, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
        os.utime(entry)   # last use: what the trim keeps longest
    except (OSError, ValueError, EOFError, zipfile.BadZipFile):   # none, or gone or broken (another's trim)
        return None
    return arrays


def store(key: str, part: str, arrays: dict) -> None:
    """Keep `arrays` as `part` of the scene `key` (atomically); a cache that cannot be written costs
    speed, not the render."""
    try:
        limit = cache.size_limit()
        with atomic_path(_entry(key, part)) as tmp:
            with open(tmp, "wb") as out:   # a file object: np.savez would add .npz to a name
                np.savez(out, **arrays)
    except (OSError, OptvizError):
        return
    cache.trim(limit)
