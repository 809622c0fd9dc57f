"""What manim's 3-D camera computes for every face on every frame, computed once per face while the face
holds still: its shading, the ends of its shading gradient and its depth for sorting.

manim shades a 3-D face from its own points and the light (fixed in the scene), and sorts faces by their
centres; none of these depend on the camera. Yet each frame recomputes them (unit normals, a bounding box
per face): for a 24 x 24 surface under a moving camera that is about 40 % of a frame's time. Each value
is kept on the face, keyed by the bytes of its points (and the colours and light it was shaded with, not
their opacities, which shading leaves as they are: a fade is shaded once), so a face that moves or
changes colour is computed afresh: the pictures are the same, only sooner.
"""
from __future__ import annotations

import numpy as np
from manim import ThreeDCamera, VMobject
from manim.camera.camera import Camera


def _remembered(mob, slot: str, key: bytes, compute):
    """compute(), or the value kept on `mob` under `slot` for this key (two per slot: a face's fill and
    stroke are shaded alike, each with its own colours)."""
    kept = mob.__dict__.setdefault("_optviz_kept", {}).setdefault(slot, {})
    value = kept.get(key)
    if value is None:
        if len(kept) >= 2:
            kept.clear()
        value = kept[key] = compute()
    return value


_modified_rgbas = ThreeDCamera.modified_rgbas
_gradient_ends = VMobject.get_gradient_start_and_end_points


def modified_rgbas(self, vmobject, rgbas):
    if not (self.should_apply_shading and vmobject.shade_in_3d and vmobject.get_num_points() > 0):
        return rgbas
    rgbas = np.asarray(rgbas)
    # manim shades the colours and keeps their opacities: the shading is kept by colour alone, so a face
    # fading in or out (its opacity changing every frame, its colour not) is shaded once
    key = vmobject.points.tobytes() + rgbas[:, :3].tobytes() + self.light_source.points[0].tobytes()
    shaded = _remembered(vmobject, "shade", key, lambda: _modified_rgbas(self, vmobject, rgbas)).copy()
    shaded[:, 3] = rgbas[:2, 3] if len(rgbas) >= 2 else rgbas[0, 3]
    return shaded


def gradient_ends(self):
    if not self.shade_in_3d or self.submobjects:
        return _gradient_ends(self)
    return _remembered(self, "ends", self.points.tobytes(), lambda: _gradient_ends(self))


def _centre(mob) -> np.ndarray:
    if getattr(mob, "z_index_group", mob) is not mob or mob.submobjects:
        return mob.get_z_index_reference_point()
    return _remembered(mob, "centre", mob.points.tobytes(), mob.get_z_index_reference_point)


def get_mobjects_to_display(self, *args, **kwargs):
    """ThreeDCamera's: nearest last, by each face's centre seen through the camera's rotation."""
    mobjects = Camera.get_mobjects_to_display(self, *args, **kwargs)
    rot = self.get_rotation_matrix()

    def z_key(mob) -> float:
        if getattr(mob, "optviz_layer", False):   # a fading stage's picture: where its faces are, first
            return -np.inf
        if not getattr(mob, "shade_in_3d", False):
            return np.inf
        return float(np.dot(_centre(mob), rot.T)[2])
    return sorted(mobjects, key=z_key)


ThreeDCamera.modified_rgbas = modified_rgbas
ThreeDCamera.get_mobjects_to_display = get_mobjects_to_display
VMobject.get_gradient_start_and_end_points = gradient_ends
