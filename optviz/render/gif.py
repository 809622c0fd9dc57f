"""A GIF written as its frames arrive: one global palette, each frame only the rectangle that changed
since the frame before (its unchanged pixels transparent, so they compress to almost nothing), a frame
equal to the one before merged into it, lasting longer.

Pillow compresses each rectangle (LZW, through its public `getdata`); this module lays out the GIF89a
blocks around them. Pillow's own `save(save_all=True)` does the same deltas but writes a copy of the
palette into every frame (768 bytes each: 40% of a 3-D race's GIF) and holds every frame until the end;
here nothing is held but the previous frame, so a GIF is written while its frames are still being
drawn, and memory does not grow with its length.
"""
from __future__ import annotations

import struct

import numpy as np
from PIL import GifImagePlugin, Image


class GifStream:
    """Write frames of palette indices ([H, W] uint8) to the binary file `fp`.

    `palette`: up to 256 RGB triples, flat. An entry past the palette's colours, when there is one,
    is the transparent index of delta frames. Delays come from each frame's time at `fps`, rounded
    to GIF's hundredths of a second, so a long GIF keeps its length (20 fps: 5/100 s each)."""

    def __init__(self, fp, palette, size: tuple[int, int], fps: float, loop: bool = True):
        colors = len(palette) // 3
        if not 1 <= colors <= 256:
            raise ValueError(f"a GIF palette holds 1 to 256 colours; got {colors}")
        self.fp, self.size, self.fps = fp, size, fps
        self.clear = colors if colors < 256 else None
        table = bytes(palette) + bytes(768 - 3 * colors)
        # header, screen of `size` with a global table of 256 colours (8 bits), background index 0
        fp.write(b"GIF89a" + struct.pack("<HHBBB", *size, 0xF7, 0, 0) + table)
        if loop:   # the NETSCAPE2.0 block: repeat forever
            fp.write(b"!\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00")
        self.previous = None
        self.pending = None   # (first frame number, blocks, transparent) of the frame not yet written
        self.count = 0

    def add(self, index: np.ndarray, within=None) -> None:
        """Append a frame of palette indices. `within` (rows r0:r1, columns c0:c1), when the caller
        knows it: the frame differs from the one before only inside it (the rest is not compared)."""
        if index.shape != self.size[::-1]:
            raise ValueError(f"a frame of {index.shape[1]}x{index.shape[0]} in a GIF of {self.size[0]}x{self.size[1]}")
        prev, self.previous = self.previous, index
        self.count += 1
        if prev is None:
            self._flush(self._blocks(index, 0, 0), None)
            return
        a, b, c, d = within if within is not None else (0, index.shape[0], 0, index.shape[1])
        changed = prev[a:b, c:d] != index[a:b, c:d]
        box = changed_box(changed)
        if box is None:   # the same picture: the pending frame lasts one frame longer
            return
        changed = changed[box[0]:box[1], box[2]:box[3]]
        r0, r1, c0, c1 = a + box[0], a + box[1], c + box[2], c + box[3]
        crop = index[r0:r1, c0:c1]
        if self.clear is not None:   # what did not change shows through
            crop = np.where(changed, crop, np.uint8(self.clear))
        self._flush(self._blocks(crop, c0, r0), self.clear)

    def close(self) -> None:
        """Write the last frame and the trailer."""
        self._flush(None, None)
        self.fp.write(b";")

    def _blocks(self, crop: np.ndarray, x: int, y: int) -> bytes:
        h, w = crop.shape
        im = Image.frombuffer("P", (w, h), np.ascontiguousarray(crop), "raw", "P", 0, 1)
        # image descriptor without a local colour table, LZW code size 8, the data's sub-blocks
        return b"".join(GifImagePlugin.getdata(im, offset=(int(x), int(y))))

    def _flush(self, blocks, transparent) -> None:
        """Write the pending frame, now that its length is known (it lasts until this frame), and
        keep this one pending."""
        if self.pending is not None:
            start, data, clear = self.pending
            stop = self.count - 1 if blocks is not None else self.count
            delay = round(100 * stop / self.fps) - round(100 * start / self.fps)
            packed = (1 << 2) | (clear is not None)   # disposal 1: leave the frame in place
            self.fp.write(b"!\xf9\x04" + struct.pack("<BHB", packed, max(delay, 2), clear or 0) + b"\0" + data)
        self.pending = None if blocks is None else (self.count - 1, blocks, transparent)


def changed_box(changed: np.ndarray):
    """(r0, r1, c0, c1): the smallest box holding every True of a 2-D mask; None when there is none."""
    rows, cols = np.flatnonzero(changed.any(1)), np.flatnonzero(changed.any(0))
    if not rows.size:
        return None
    return rows[0], rows[-1] + 1, cols[0], cols[-1] + 1


def gif_seconds(data: bytes) -> float:
    """How long a GIF plays: the sum of its frames' delays (hundredths of a second), read from its
    graphic control blocks without decoding a pixel."""
    p = 13 + ((3 << ((data[10] & 7) + 1)) if data[10] & 0x80 else 0)
    total = 0
    while p < len(data):
        kind = data[p]
        if kind == 0x21:   # an extension: label, then sub-blocks
            if data[p + 1] == 0xF9:
                total += struct.unpack_from("<H", data, p + 4)[0]
            p += 2
        elif kind == 0x2C:   # an image: descriptor, its local table, code size, then sub-blocks
            flags = data[p + 9]
            p += 10 + ((3 << ((flags & 7) + 1)) if flags & 0x80 else 0) + 1
        else:   # the trailer
            break
        while data[p]:
            p += data[p] + 1
        p += 1
    return total / 100
