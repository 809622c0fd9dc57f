"""`optviz experiment map`: a trainability map. Every pixel of an (lr, momentum) / (lr, beta) /
(lr_x, lr_y) grid is one run (computed by `optviz.core.trainability`); writes a PNG and the NPZ, and
optionally an animation zooming into the boundary between runs that train and runs that diverge.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import OptvizError
from ..parsing import parse_point
from ..progress import progress_bar
from .base import add_style_arguments, animation_paths, output_paths, study


def _resolution(text: str) -> tuple[int, int]:
    try:
        w, _, h = text.lower().partition("x")
        return int(w), int(h or w)
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad resolution {text!r}; write W or WxH, e.g. 1000") from None


def map_arguments(p):
    p.add_argument("--surface", default="ravine")
    p.add_argument("--optimizer", default="torch-momentum",
                   help="sgd, momentum, torch-momentum, nesterov or adam; fixed settings as name:k=v")
    p.add_argument("--x", default="lr=1e-3:1", help="axis name=lo:hi[:log|linear] (default lr=1e-3:1)")
    p.add_argument("--y", default="momentum=0:0.99", help="axis (default momentum=0:0.99)")
    p.add_argument("--resolution", type=_resolution, default=(1000, 1000), metavar="W[xH]")
    p.add_argument("--steps", type=int, default=1000)
    p.add_argument("--start", help="x,y (default: the surface's start)")
    p.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    p.add_argument("--device", default="cpu", help="cpu, cuda or auto (cuda when torch sees a GPU)")
    p.add_argument("--chunk", type=int, default=None, help="pixels per batch (bounds memory, here or per worker)")
    p.add_argument("--scheduler", default="local", help="where the chunks run: local (here), processes:N (a local "
                                                        "Dask cluster) or a Dask scheduler's address tcp://HOST:8786")
    p.add_argument("--zoom-frames", type=int, default=0, help="frames of a zoom into the boundary (0: none)")
    p.add_argument("--zoom-depth", type=float, default=1000.0, help="total magnification of the zoom")
    p.add_argument("--zoom-resolution", type=_resolution, default=(320, 240), metavar="W[xH]")
    p.add_argument("--zoom-at", help="u,v in [0,1]: zoom into the boundary point nearest here")
    p.add_argument("-o", "--output", default="map", metavar="PREFIX",
                   help="writes PREFIX.png and PREFIX.npz (and PREFIX-zoom.gif)")
    add_style_arguments(p)


@study("map", "trainability map over two hyperparameters (and a zoom into its boundary)", map_arguments)
def trainability_map_study(args) -> list[Path]:
    from ..core.device import resolve_device
    from ..core.distribute import parse_scheduler
    from ..core.optimizers import parse_optimizer
    from ..core.trainability import (
        CHUNK,
        boundary_point,
        trainability_map,
        zoom_maps,
        zoom_windows,
    )
    from ..render.encode import write_animation
    from ..render.style import Style
    from ..render.trainability import ZoomScene, save_map_png

    if args.zoom_frames > 0 and not args.zoom_depth >= 1:
        raise OptvizError(f"zoom-depth must be a magnification >= 1, got {args.zoom_depth!r}")
    png, npz, zoom_path, znpz = output_paths(args.output, ".png", ".npz", "-zoom", "-zoom.npz")
    animations = animation_paths(zoom_path, args.formats)
    resolve_device(args.device)
    opt = parse_optimizer(args.optimizer)
    start = parse_point(args.start) if args.start else None
    parse_scheduler(args.scheduler)
    common = dict(steps=args.steps, start=start, hyperparameters=opt.hyperparameters, dtype=args.dtype,
                  device=args.device, chunk=CHUNK if args.chunk is None else args.chunk, scheduler=args.scheduler)
    W, H = args.resolution
    with progress_bar(W * H * args.steps, "map") as bar:
        tmap = trainability_map(args.surface, opt.name, args.x, args.y, resolution=(W, H),
                                progress=bar.update if bar else None, **common)
    style = Style(preset=args.preset, theme=args.theme)
    written = [tmap.save(npz), save_map_png(tmap, png, style)]
    f = tmap.fractions()
    print(f"{W}x{H} map, {args.steps} steps: " + ", ".join(f"{k} {100 * v:.1f}%" for k, v in f.items()))
    if args.zoom_frames > 0:
        near = parse_point(args.zoom_at) if args.zoom_at else (0.5, 0.5)
        zw, zh = args.zoom_resolution
        # find the boundary on a map at the zoom's own resolution, so its pixel is on the first frame
        centre = boundary_point(tmap if (zw, zh) == (W, H) else trainability_map(
            args.surface, opt.name, args.x, args.y, resolution=(zw, zh), **common), near=near)
        windows = zoom_windows(centre, args.zoom_depth, args.zoom_frames)
        with progress_bar(zw * zh * args.steps * len(windows), "zoom") as bar:
            zoom = zoom_maps(args.surface, opt.name, args.x, args.y, windows, resolution=(zw, zh), follow=True,
                             progress=bar.update if bar else None, **common)
        written.append(zoom.save(znpz))
        scene = ZoomScene(zoom, style, hold_frames=args.fps * 2)
        for path in animations:
            written.append(write_animation(path, scene, args.fps, workers=args.workers))
    return written
