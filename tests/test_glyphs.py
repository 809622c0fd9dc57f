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


@pytest.mark.skipif(not glyphs.SUPPORTED, reason="this matplotlib draws text another way: nothing is primed")
def test_texts_primed_ahead_draw_matplotlib_s_pixels_without_measuring_again(monkeypatch):
    """A first render measures and lays out its step counter's texts while it waits for its runs
    (`glyphs.prime`): drawn from what was primed, texts in several fonts, sizes, alignments and a
    box are matplotlib's own pixels, and the renderer never measures a primed text again."""
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    def figure(canvas_class):
        fig = Figure(figsize=(4, 3), dpi=100)
        canvas = canvas_class(fig)
        texts = []
        for k in range(12):
            prop = FontProperties(family=("monospace", "sans-serif", "serif")[k % 3], size=6 + 1.5 * k)
            texts.append(fig.text(0.05 + 0.07 * (k % 4), 0.05 + 0.075 * k, "", fontproperties=prop,
                                  ha=("left", "center", "right")[k % 3], va=("baseline", "top", "center")[k % 3],
                                  bbox=dict(boxstyle="round", fc="w") if k % 4 == 1 else None))
        return fig, canvas, texts

    strings = [f"step {k:>3d} / 200" for k in (0, 7, 42, 199, 200)] + ["step  42 / 200\nAdam: lr 0.003"]
    expected = []
    fig, canvas, texts = figure(FigureCanvasAgg)
    for s in strings:
        for t in texts:
            t.set_text(s)
        canvas.draw()
        expected.append(np.array(canvas.buffer_rgba()))
    measured = []
    measure = RendererAgg.get_text_width_height_descent
    monkeypatch.setattr(RendererAgg, "get_text_width_height_descent",
                        lambda self, s, prop, ismath: (measured.append(s), measure(self, s, prop, ismath))[1])
    glyphs._primed.clear()
    fig, canvas, texts = figure(glyphs.Canvas)
    for t in texts:
        glyphs.prime(strings, t.get_fontproperties(), fig.dpi)
    measured.clear()
    for s, want in zip(strings, expected):
        for t in texts:
            t.set_text(s)
        canvas.draw()
        np.testing.assert_array_equal(np.array(canvas.buffer_rgba()), want)
    assert measured == [], measured   # every line was primed: none measured again
    texts[0].set_text("never primed")
    canvas.draw()
    assert measured == ["never primed"]   # (the spy sees what is measured)
    glyphs._primed.clear()
    stop = iter([False, False, True])
    glyphs.prime(strings, texts[0].get_fontproperties(), fig.dpi, until=lambda: next(stop))
    assert len(glyphs._primed) == 2   # it stops when told its time is over
    glyphs._primed.clear()


@pytest.mark.parametrize("view", ["2d", "3d", "grid"])
def test_the_counter_texts_primed_are_those_the_scene_shows(view):
    """What a first render primes before its runs exist is every text the scene's counter shows (a
    text missed would only be measured as before, but the render would lose what priming saves)."""
    from optviz import simulate
    from optviz.render.animate import make_scene, scene_class
    from optviz.render.style import Style
    from optviz.render.timeline import Timeline
    exp = simulate("pathological", ["sgd:lr=10", "adam:lr=1"], [[7, 7]], 37)
    style, timeline = Style(width=320, height=240), Timeline(fps=10, duration=2.5, hold=0.5)
    scene = make_scene(exp, view, style, timeline)
    shown = {scene.counter_text(s) for s in scene.frame_steps}
    cls = scene_class(view)
    assert shown == set(cls.counter_texts(37, timeline))
    assert cls.counter_font(style) == scene.counter.get_fontproperties()
