"""A play's static picture drawn once for every play that holds the very same static picture.

At the start of each play manim draws everything that will not move during it (a 3-D stage's hundreds
of faces, its axes, the texts already shown) into a static image, and draws each frame's moving
shapes over a copy of it: for a chapter on a 3-D stage, about 0.15 s a play at preview, several plays
a chapter, where often the picture is the one the play before last drew (a beat's text came and went,
the balls moved, the stage and the camera stayed). Here each static image is kept under a digest of
all it is drawn from: the camera (its angles, zoom, centre, focal distance, light, background, size)
and, in drawing order, every member of every static mobject, each with its type, whether it is fixed
in the frame or in its orientation, and all its array, number and string attributes (points,
colours, widths, opacities, ...). A play whose digest is kept takes that image; any difference in
any of those draws it anew. A few images are kept (the last used).
"""
from __future__ import annotations

import hashlib
from collections import OrderedDict

import numpy as np
from manim.renderer.cairo_renderer import CairoRenderer

KEEP = 4
_save = CairoRenderer.save_static_frame_data


def _camera_digest(h, camera) -> None:
    parts = [camera.pixel_width, camera.pixel_height, camera.frame_width, camera.frame_height,
             str(camera.background_color), camera.background_opacity, getattr(camera, "should_apply_shading", None),
             getattr(camera, "exponential_projection", None)]
    h.update(repr(parts).encode())
    for name in ("get_phi", "get_theta", "get_gamma", "get_zoom", "get_focal_distance"):
        if hasattr(camera, name):
            h.update(np.float64(getattr(camera, name)()).tobytes())
    for name in ("frame_center",):
        if hasattr(camera, name):
            h.update(np.asarray(getattr(camera, name), dtype=np.float64).tobytes())
    light = getattr(camera, "light_source", None)
    if light is not None:
        h.update(np.asarray(light.points, dtype=np.float64).tobytes())


def static_digest(camera, mobjects) -> str:
    """The digest of the static image `camera` draws of `mobjects` (see the module's docstring)."""
    h = hashlib.sha256()
    _camera_digest(h, camera)
    in_frame = {id(m) for m in getattr(camera, "fixed_in_frame_mobjects", ())}
    facing = {id(m) for m in getattr(camera, "fixed_orientation_mobjects", ())}
    for mobject in mobjects:
        for member in mobject.get_family():
            h.update(f"{type(member).__qualname__}|{id(member) in in_frame}|{id(member) in facing}".encode())
            plain = []
            for name, value in vars(member).items():
                if isinstance(value, np.ndarray):
                    h.update(f"{name}{value.dtype}{value.shape}".encode())
                    h.update(np.ascontiguousarray(value).tobytes() if value.dtype != object else repr(value).encode())
                elif value is None or isinstance(value, (bool, int, float, str)):
                    plain.append((name, value))
            h.update(repr(plain).encode())
    return h.hexdigest()


def save_static_frame_data(self, scene, static_mobjects):
    """manim's, but an image drawn before from the very same state is taken again."""
    if not static_mobjects:
        return _save(self, scene, static_mobjects)
    kept = self.__dict__.setdefault("optviz_static", OrderedDict())
    key = static_digest(self.camera, list(static_mobjects))
    if key in kept:
        kept.move_to_end(key)
        self.static_image = kept[key].copy()
        return self.static_image
    image = _save(self, scene, static_mobjects)
    if image is not None:
        kept[key] = np.array(image)
        while len(kept) > KEEP:
            kept.popitem(last=False)
    return image


CairoRenderer.save_static_frame_data = save_static_frame_data
