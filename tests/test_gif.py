"""The GIF writer (optviz.render.gif) against Pillow's own animated GIF: the same pictures frame by
frame, held as long, in a smaller file with no colour table per frame; delays that keep a GIF's length."""
import io

import numpy as np
import pytest
from PIL import Image, ImageSequence

from optviz.render.encode import span
from optviz.render.gif import GifStream, gif_seconds

SIZE = (64, 48)


def frames(colors: int, count: int = 30):
    """Palette-index frames like a scene's: a fixed background, a square moving across it, a counter
    corner that changes every frame, and a run of repeats at the end (a held last frame)."""
    rng = np.random.default_rng(colors)
    background = rng.integers(0, colors, SIZE[::-1], dtype=np.uint8)
    out = []
    for k in range(count):
        f = background.copy()
        f[10:18, k:k + 8] = (3 * k) % colors
        f[40:, :6] = k % colors
        out.append(f)
    return out + [out[-1]] * 5


def palette(colors: int) -> list[int]:
    rng = np.random.default_rng(7)
    return rng.integers(0, 256, 3 * colors).tolist()


def decoded(data: bytes):
    """Every frame as Pillow shows it (RGB, what came before composited under it), and its delay."""
    im = Image.open(io.BytesIO(data))
    return [(np.asarray(f.convert("RGB")).copy(), f.info["duration"]) for f in ImageSequence.Iterator(im)]


def blocks(data: bytes):
    """The image descriptors' flags of a GIF (bit 7: a local colour table follows)."""
    p, flags = 13 + (3 << ((data[10] & 7) + 1) if data[10] & 0x80 else 0), []
    while data[p] != 0x3B:
        if data[p] == 0x21:
            p += 2
        else:
            flags.append(data[p + 9])
            p += 10 + (3 << ((data[p + 9] & 7) + 1) if data[p + 9] & 0x80 else 0) + 1
        while data[p]:
            p += data[p] + 1
        p += 1
    return flags


@pytest.mark.parametrize("colors", [255, 256])   # 256: no index left for transparency
def test_the_same_pictures_as_pillow_s_animated_gif_without_a_palette_per_frame(colors):
    seq, pal = frames(colors), palette(colors)
    ours = io.BytesIO()
    gif = GifStream(ours, pal, SIZE, fps=20)
    for f in seq:
        gif.add(f)
    gif.close()
    images = []
    for f in seq:
        im = Image.fromarray(f, mode="P")
        im.putpalette(pal)
        images.append(im)
    theirs = io.BytesIO()
    images[0].save(theirs, format="GIF", save_all=True, append_images=images[1:], duration=50, loop=0,
                   optimize=True, disposal=1)
    # told where each frame can differ from the one before (inside the two frames' changes from the
    # first frame, as optviz knows them from the background), the same file
    hinted, before = io.BytesIO(), None
    gif = GifStream(hinted, pal, SIZE, fps=20)
    for f in seq:
        rows, cols = np.flatnonzero((f != seq[0]).any(1)), np.flatnonzero((f != seq[0]).any(0))
        box = (rows[0], rows[-1] + 1, cols[0], cols[-1] + 1) if rows.size else (0, 0, 0, 0)
        gif.add(f, None if before is None else span(before, box))
        before = box
    gif.close()
    assert hinted.getvalue() == ours.getvalue()
    a, b = decoded(ours.getvalue()), decoded(theirs.getvalue())
    assert len(a) == len(b) == 30   # the five repeats merged into the last frame
    for (fa, da), (fb, db) in zip(a, b):
        assert (fa == fb).all() and da == db
    assert a[-1][1] == 50 * 6
    assert Image.open(io.BytesIO(ours.getvalue())).info["loop"] == 0
    assert not any(f & 0x80 for f in blocks(ours.getvalue()))   # no local colour table
    assert any(f & 0x80 for f in blocks(theirs.getvalue()))
    assert len(ours.getvalue()) < len(theirs.getvalue())


def test_delays_keep_the_length_at_any_frame_rate():
    """At 30 fps a frame lasts 3.33 hundredths of a second: delays of 3, 3, 4 ... keep 90 frames at
    3.00 s (Pillow writes int(33.3 / 10) = 3 for each, 2.70 s)."""
    out = io.BytesIO()
    gif = GifStream(out, palette(4), SIZE, fps=30, loop=False)
    for k in range(90):
        gif.add(np.full(SIZE[::-1], k % 4, np.uint8))
    gif.close()
    data = out.getvalue()
    delays = [d for _, d in decoded(data)]
    assert sum(delays) == 3000 and set(delays) == {30, 40}
    assert gif_seconds(data) == 3.0
    assert "loop" not in Image.open(io.BytesIO(data)).info   # plays once


def test_gif_seconds_reads_pillow_s_files_too():
    images = [Image.new("P", SIZE, k) for k in range(4)]
    out = io.BytesIO()
    images[0].save(out, format="GIF", save_all=True, append_images=images[1:], duration=[100, 200, 300, 450])
    assert gif_seconds(out.getvalue()) == 10.5 / 10


def test_a_frame_of_the_wrong_size_or_a_palette_too_large_is_refused():
    with pytest.raises(ValueError, match="1 to 256 colours; got 257"):
        GifStream(io.BytesIO(), [0] * 3 * 257, SIZE, fps=20)
    gif = GifStream(io.BytesIO(), palette(4), SIZE, fps=20)
    with pytest.raises(ValueError, match="a frame of 48x64 in a GIF of 64x48"):
        gif.add(np.zeros(SIZE, np.uint8))
