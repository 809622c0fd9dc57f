"""Text from cached glyph bitmaps (optviz.render.glyphs) against matplotlib's own Agg text: the same
pixels for texts in three families at many sizes, places (every phase within a pixel), rotations
and mathtext, drawn twice so the second drawing comes from the cache."""
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from optviz.render import glyphs


def drawn(canvas_class, seed: int, times: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    fig = Figure(figsize=(4, 3), dpi=100)
    canvas = canvas_class(fig)
    for k in range(40):
        fig.text(rng.random(), rng.random(), f"step {rng.integers(0, 999):>3d} / 200 gÅ", fontsize=rng.uniform(6, 20),
                 family=("monospace", "sans-serif", "serif")[k % 3], rotation=(0, 0, 90, 33)[k % 4], alpha=0.9,
                 antialiased=k % 5 != 0)
    fig.text(0.1, 0.1, r"$\log_{10}$ loss, $\frac{a}{b}$, $w_1$", fontsize=12)
    for _ in range(times):
        canvas.draw()
    return np.array(canvas.buffer_rgba())


@pytest.mark.skipif(not glyphs.SUPPORTED, reason="this matplotlib draws text another way: nothing is cached")
@pytest.mark.parametrize("seed", range(4))
def test_cached_glyphs_draw_matplotlib_s_pixels(seed):
    glyphs._cache.clear()
    ours = drawn(glyphs.Canvas, seed, times=2)
    assert len(glyphs._cache) > 100   # the glyphs came from the cache the second time
    np.testing.assert_array_equal(ours, drawn(FigureCanvasAgg, seed))
