"""Render a scene's frames in order, in forked worker processes when there are enough of them.

Each worker inherits the prepared scene (figure, cached background) through fork and renders every
n-th chunk of frame indices, sending the results down a pipe of its own; reading the pipes in turn
gives the frames in order. Frames whose key equals the previous frame's (a held last frame) are
rendered once and repeated.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
from typing import Callable, Iterator

import numpy as np

from .orphans import die_with_parent

_SCENE = None
_PARENT = None   # the process that forked the workers
_TRANSFORM = None


def _fresh_fonts():
    """Worker initializer. Forked children share the parent's open font files, file offsets included,
    so two children reading glyphs through the parent's FT2Font objects corrupt each other's reads.
    matplotlib empties its font cache at fork; mathtext's parse cache still holds FT2Fonts: empty it.
    Interrupts are the parent's to handle (it stops the pool): a worker ignores Ctrl-C and dies quietly
    on SIGTERM instead of running a handler it inherited through fork."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent(_PARENT)
    from matplotlib import font_manager, mathtext
    mathtext.MathTextParser._parse_cached.cache_clear()
    font_manager._get_font.cache_clear()


def _worker(batches, send):
    """A forked worker: render its batches in order, each sent down its own pipe (an exception is sent
    instead of the batch it broke, for the parent to raise)."""
    _fresh_fonts()
    try:
        for batch in batches:
            try:
                frames = [_render_one(_SCENE, i, _TRANSFORM) for i in batch]
            except Exception as exc:  # noqa: BLE001 - the parent raises it as it is
                send.send((False, exc))
                return
            send.send((True, frames))
    except BrokenPipeError:   # the parent stopped listening
        pass
    finally:
        send.close()


def iter_frames(scene, transform: Callable | None = None, workers: int | None = None,
                chunk: int = 6) -> Iterator:
    """Yield transform(frame) for every frame of `scene` in order."""
    keys = scene.frame_keys()
    unique = [i for i in range(scene.n_frames) if i == 0 or keys is None or keys[i] != keys[i - 1]]
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    # under 36 frames, forking costs more than it saves; chunks of 6 get the first frames back soon
    # (the GIF is written as they come) and leave the workers' last chunks about even
    if workers <= 1 or len(unique) < 36 or "fork" not in multiprocessing.get_all_start_methods():
        results = (_render_one(scene, i, transform) for i in unique)
        yield from _expand(unique, results, scene.n_frames)
        return
    global _SCENE, _TRANSFORM, _PARENT
    _SCENE, _TRANSFORM = scene, transform  # inherited by the forked workers, not pickled per job
    _PARENT = os.getpid()
    jobs = [unique[k:k + chunk] for k in range(0, len(unique), chunk)]
    # Batch j goes to worker j % workers, each with a pipe of its own: reading the pipes in turn gives
    # the frames in order, and a worker killed mid-send (SIGTERM to the process group) leaves no lock
    # shared with the others held, which could hang multiprocessing.Pool's teardown.
    ctx = multiprocessing.get_context("fork")
    procs, pipes = [], []
    try:
        for w in range(workers):
            recv, send = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_worker, args=(jobs[w::workers], send), daemon=True)
            proc.start()
            send.close()
            procs.append(proc)
            pipes.append(recv)

        def results():
            for j in range(len(jobs)):
                try:
                    ok, frames = pipes[j % workers].recv()
                except EOFError:
                    raise RuntimeError(f"a frame-rendering worker died (exit code {procs[j % workers].exitcode})") \
                        from None
                if not ok:
                    raise frames
                yield from frames
        yield from _expand(unique, results(), scene.n_frames)
    finally:
        _SCENE = _TRANSFORM = None
        for proc in procs:
            if proc.is_alive():
                proc.kill()
        for proc in procs:
            proc.join()
        for pipe in pipes:
            pipe.close()


def _render_one(scene, i, transform):
    frame = scene.render(i)
    return transform(frame) if transform else frame


def _expand(unique: list[int], results: Iterator, n: int) -> Iterator:
    """Repeat each rendered frame until the next unique index."""
    bounds = unique[1:] + [n]
    for start, stop, frame in zip(unique, bounds, results):
        for _ in range(stop - start):
            yield frame


def sample_rgb(scene, count: int = 3) -> np.ndarray:
    """A few frames stacked vertically (RGB), to build a shared palette from."""
    idx = np.unique(np.linspace(0, scene.n_frames - 1, count).round().astype(int))
    return np.concatenate([scene.render(int(i))[..., :3] for i in idx], axis=0)
