"""Issue 32: a scene drawn again takes its static picture, depth buffer and palette from optviz's cache
(render.static_cache) instead of drawing them: the same frames, byte for byte, on every view; a key
that is what decides the picture; a broken entry drawn again; the cache's bound covers it."""
import matplotlib
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from optviz import cache, simulate
from optviz.render import static_cache
from optviz.render.animate import make_scene, render
from optviz.render.style import Style
from optviz.render.timeline import Timeline

TIME = Timeline(fps=10, hold=0)


@pytest.fixture(scope="module")
def exp():
    return simulate("pathological", ["sgd:lr=10", "momentum:lr=10,momentum=0.9", "adam:lr=1"], [[7, 7]], 24)


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("OPTVIZ_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "scenes"


def draws(monkeypatch):
    """A list that counts whole-figure draws from now on."""
    calls = []
    real = FigureCanvasAgg.draw
    monkeypatch.setattr(FigureCanvasAgg, "draw", lambda self, *a, **k: (calls.append(1), real(self, *a, **k))[1])
    return calls


@pytest.mark.parametrize("view,style", [("2d", Style(width=320, height=240)),
                                        ("2d", Style(width=320, height=240, loss_panel=True, arrows=("gradient",))),
                                        ("3d", Style(width=320, height=240)),
                                        ("3d", Style(width=320, height=240, behind="ghost", elev=60)),
                                        ("grid", Style(width=320, height=240))])
def test_a_kept_static_picture_gives_the_same_frames_without_drawing_it(exp, store, monkeypatch, view, style):
    plain = make_scene(exp, view, style, TIME)
    frames = range(0, plain.n_frames, 5)
    expected = [plain.render(i) for i in frames]
    first = make_scene(exp, view, style, TIME, cache=True)   # drawn, and kept
    assert first.static is None and len(list(store.glob("*-static.npz"))) == 1
    calls = draws(monkeypatch)
    again = make_scene(exp, view, style, TIME, cache=True)
    assert again.static is not None and calls == []   # nothing drawn whole: the kept picture
    np.testing.assert_array_equal(again.background_rgba, plain.background_rgba)
    for i, frame in zip(frames, expected):
        np.testing.assert_array_equal(first.render(i), frame, err_msg=f"frame {i}, drawn")
        np.testing.assert_array_equal(again.render(i), frame, err_msg=f"frame {i}, from the cache")


def test_a_gif_drawn_from_the_cache_is_the_same_file(exp, store, tmp_path):
    style = Style(width=320, height=240)
    render(exp, tmp_path / "plain.gif", view="3d", style=style, timeline=TIME)
    render(exp, tmp_path / "first.gif", view="3d", style=style, timeline=TIME, cache=True)
    assert len(list(store.glob("*-palette255.npz"))) == 1
    render(exp, tmp_path / "again.gif", view="3d", style=style, timeline=TIME, cache=True)
    plain = (tmp_path / "plain.gif").read_bytes()
    assert (tmp_path / "first.gif").read_bytes() == plain and (tmp_path / "again.gif").read_bytes() == plain


def test_the_key_is_what_decides_the_picture(exp):
    style = Style(width=320, height=240)
    key = static_cache.scene_key(make_scene(exp, "2d", style, TIME))
    assert static_cache.scene_key(make_scene(exp, "2d", Style(width=320, height=240), TIME)) == key
    other = simulate("pathological", ["sgd:lr=10", "adam:lr=1"], [[7, 7]], 24)
    for scene in (make_scene(exp, "2d", Style(width=320, height=240, theme="dark"), TIME),
                  make_scene(exp, "2d", Style(width=320, height=241), TIME),
                  make_scene(exp, "2d", style, Timeline(fps=12, hold=0)),
                  make_scene(exp, "grid", style, TIME),
                  make_scene(other, "2d", style, TIME)):
        assert static_cache.scene_key(scene) != key
    with matplotlib.rc_context({"font.size": 13}):   # rcParams changed in the same process (a notebook)
        assert static_cache.scene_key(make_scene(exp, "2d", style, TIME)) != key


def test_an_orbit_keeps_nothing(exp, store):
    make_scene(exp, "3d", Style(width=320, height=240, camera="orbit"), TIME, cache=True)
    assert not store.exists() or not list(store.iterdir())


def test_a_broken_entry_is_drawn_again(exp, store):
    style = Style(width=320, height=240)
    plain = make_scene(exp, "3d", style, TIME)
    make_scene(exp, "3d", style, TIME, cache=True)
    entry, = store.glob("*-static.npz")
    entry.write_bytes(entry.read_bytes()[:1000])
    again = make_scene(exp, "3d", style, TIME, cache=True)
    assert again.static is None   # drawn, and kept again whole
    np.testing.assert_array_equal(again.render(7), plain.render(7))
    assert make_scene(exp, "3d", style, TIME, cache=True).static is not None


def test_the_cache_s_bound_covers_the_pictures(exp, store, monkeypatch):
    make_scene(exp, "2d", Style(width=320, height=240), TIME, cache=True)
    entry, = store.glob("*-static.npz")
    monkeypatch.setenv("OPTVIZ_CACHE_SIZE", str(entry.stat().st_size - 1))
    make_scene(exp, "2d", Style(width=320, height=240, theme="dark"), TIME, cache=True)   # written, then trimmed
    assert not entry.exists() and len(list(store.glob("*-static.npz"))) <= 1
    assert "scenes" in cache.usage()
