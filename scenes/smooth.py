"""Smooth shading for a surface the camera comes close to: no face edge shows at 1080p.

manim fills each face of a Surface with one colour (by the height of its middle), shaded from the
face's own flat normal, so neighbouring faces differ by a step in colour and in light: far away the
steps read as a surface, zoomed in (the stochastic clouds, 14x) they read as tiles. Here each face of a
smoothed surface is drawn as a cairo mesh patch whose four corners carry the colour of the surface at
that vertex (its height on the colour scale), lit along the surface's normal there (averaged over the
faces around the vertex) by manim's own light: faces that meet agree along their whole edge, so colour
and light vary continuously (Gouraud shading). The faces a frame draws one after another go into one
mesh pattern, painted once: cairo lays its patches edge to edge, so no seam shows where two faces
meet (faces filled one by one leave a faint line of background along every edge, which an edge
stroked in the faces' own colours used to cover, at as much again as the fills cost).
"""
from __future__ import annotations

import cairo
import numpy as np
from manim import ManimColor, ThreeDCamera
from manim.mobject.three_d.three_d_utils import get_3d_vmob_start_corner_unit_normal
from manim.utils.color import get_shaded_rgb


def height_colours(z: np.ndarray, z0: float, z1: float, colours: list[str]) -> np.ndarray:
    """RGB [n, 3] of heights `z` on a scale of evenly spaced `colours` from z0 to z1 (as manim's
    Surface.set_fill_by_value spreads them)."""
    rgb = np.array([ManimColor(c).to_rgb() for c in colours])
    at = np.clip((np.asarray(z, float) - z0) / ((z1 - z0) or 1.0), 0.0, 1.0) * (len(colours) - 1)
    i = np.minimum(at.astype(int), len(colours) - 2)
    f = (at - i)[:, None]
    return rgb[i] * (1 - f) + rgb[i + 1] * f


def vertex_normals(grid: np.ndarray) -> np.ndarray:
    """Unit normals [rows, cols, 3] of a surface sampled as scene points [rows, cols, 3] (central
    differences: the average of the faces around each vertex, to first order), pointing up (+z)."""
    n = np.cross(np.gradient(grid, axis=1), np.gradient(grid, axis=0))
    n *= np.where(n[..., 2:] < 0, -1.0, 1.0)
    return n / np.maximum(np.linalg.norm(n, axis=2, keepdims=True), 1e-12)


def smooth(faces, grid: np.ndarray, axes, colours: list[str], opacity: float = 1.0, background: str = "#000000",
           width: float = 4.0) -> None:
    """Mark each face to be drawn with the surface's colour and normal at its four corners. `grid`: the
    surface's vertices as scene points [rows, cols, 3], from which the faces were built. The faces are
    opaque (translucent ones would overlap in lighter lines along their edges), their colours mixed
    with the `background` as `opacity` would: the same look as the other stages'."""
    flat = grid.reshape(-1, 3)
    normals = vertex_normals(grid).reshape(-1, 3)
    # a face's anchors run c0 c1, c1 c2, c2 c3, c3 c0
    corners = np.array([np.asarray(f.get_anchors())[[0, 1, 3, 5]] for f in faces])   # [F, 4, 3]
    nearest = np.argmin(((corners.reshape(-1, 1, 3) - flat[None]) ** 2).sum(2), axis=1).reshape(-1, 4)
    z = np.array([axes.point_to_coords(p)[2] for p in flat])
    rgb = height_colours(z, axes.z_range[0], axes.z_range[1], colours)
    for f, k in zip(faces, nearest):
        # manim's own flat normal says which side its light falls on: the smooth ones keep that side
        sign = 1.0 if np.dot(normals[k[0]], get_3d_vmob_start_corner_unit_normal(f)) >= 0 else -1.0
        f.optviz_corners = (flat[k].copy(), rgb[k].copy(), sign * normals[k], opacity, ManimColor(background).to_rgb())
        f.set_fill(ManimColor(rgb[k].mean(0)), opacity=1.0).set_stroke(width=width, opacity=1.0)
        # four curves, each starting where the last ended (the last where the first starts): manim draws
        # them as one closed subpath, as _display_face does
        p = f.points
        f.optviz_chained = len(p) == 16 and all(np.array_equal(p[4 * k + 3], p[(4 * k + 4) % 16]) for k in range(4))


def corner_colours(camera, face) -> list:
    """The shaded colours of a smoothed face's corners under the camera's light, each (b, g, r) in [0, 1]
    as cairo's pixels read (kept per light)."""
    points, rgb, normals, opacity, background = face.optviz_corners
    light = camera.light_source.points[0]
    kept = getattr(face, "_optviz_lit", None)
    if kept is None or not np.array_equal(kept[0], light):
        shaded = np.array([get_shaded_rgb(c, p, n, light) for c, p, n in zip(rgb, points, normals)])
        lit = np.clip(background + (shaded - background) * opacity, 0, 1)[:, ::-1]
        face._optviz_lit = kept = (light.copy(), [tuple(c) for c in lit.tolist()])
    return kept[1]


_plain = ThreeDCamera.set_cairo_context_color


def _add_patch(mesh, camera, face, xy, alpha: float) -> None:
    """Add the face to a cairo mesh as a patch: it follows the face's own four curves (its edges bend
    with the surface; `xy` its points projected), corner i where curve i starts, in its corners' colours."""
    mesh.begin_patch()
    mesh.move_to(*xy[0, :2])
    for k in range(4):
        mesh.curve_to(*xy[4 * k + 1, :2], *xy[4 * k + 2, :2], *xy[4 * k + 3, :2])
    for i, c in enumerate(corner_colours(camera, face)):
        mesh.set_corner_color_rgba(i, *c, alpha)
    mesh.end_patch()


def _patch(camera, face, xy, alpha: float):
    """The face alone as a cairo mesh pattern (`_add_patch`)."""
    patch = cairo.MeshPattern()
    _add_patch(patch, camera, face, xy, alpha)
    return patch


def _set_colour(self, ctx, rgbas, vmobject):
    """manim's colouring of a path, for a smoothed face its patch (drawn the generic way)."""
    corners = getattr(vmobject, "optviz_corners", None)
    if corners is None or not self.should_apply_shading:
        return _plain(self, ctx, rgbas, vmobject)
    alpha = float(np.asarray(rgbas)[:, 3].max())   # fades still fade it
    ctx.set_source(_patch(self, vmobject, self.transform_points_pre_display(vmobject, vmobject.points), alpha))
    return self


def _alpha(rgbas) -> float:
    """The opacity a face's fill or edge is drawn with: manim's 3-D shading keeps its first two colours'."""
    return float(rgbas[:2, 3].max())


def _outside(camera, ctx, xy) -> bool:
    """Whether a face leaves no pixel in the frame: every control point of its curves (whose hull holds
    the curves) beyond one edge of the frame by more than the two pixels antialiasing may reach."""
    return _outside_box(camera, ctx, xy[:, :2].min(axis=0), xy[:, :2].max(axis=0))


def _outside_box(camera, ctx, lo, hi) -> bool:
    """_outside from the corners of the box around a face's projected points: rounding is monotonic, so
    the largest transformed coordinate is the transformed largest (or smallest, where the axis flips)."""
    xx, _, _, yy, x0, y0 = ctx.get_matrix()
    reach = 2
    (px0, px1), (py0, py1) = sorted((lo[0] * xx + x0, hi[0] * xx + x0)), sorted((lo[1] * yy + y0, hi[1] * yy + y0))
    return bool(px1 < -reach or px0 > camera.pixel_width + reach or py1 < -reach or py0 > camera.pixel_height + reach)


_display = ThreeDCamera.display_vectorized
_to_display = ThreeDCamera.get_mobjects_to_display


def get_mobjects_to_display(self, *args, **kwargs):
    """The frame's mobjects, as before; and the points of its smoothed faces projected in one call
    (kept on the camera for this frame, by face), where manim projects each face on its own and
    reads the camera's aim, zoom and rotation again for each: under a zooming camera, which redraws
    all the faces every frame, a sixth of a frame's time."""
    mobjects = _to_display(self, *args, **kwargs)
    faces = [m for m in mobjects if getattr(m, "optviz_chained", False) and len(m.points) == 16
             and m not in self.fixed_in_frame_mobjects and m not in self.fixed_orientation_mobjects]
    self.optviz_projected = {}
    if faces:
        points = np.array([f.points for f in faces])
        finite = np.isfinite(points).all(axis=(1, 2))
        projected = self.project_points(points.reshape(-1, 3)).reshape(points.shape)
        lo, hi = projected[..., :2].min(axis=1), projected[..., :2].max(axis=1)
        self.optviz_projected = {id(f): (f.points, xy, a, b)
                                 for f, xy, a, b, ok in zip(faces, projected, lo, hi, finite) if ok}
    return mobjects


def _projected(camera, vmobject):
    """(points, box): a face's points as transform_points_pre_display gives them and the corners of the
    box around them, from this frame's one projection when it holds the face (and the face's points
    are the ones projected); else (points, None)."""
    kept = getattr(camera, "optviz_projected", {}).get(id(vmobject))
    if kept is not None and kept[0] is vmobject.points:
        return kept[1], kept[2:]
    return camera.transform_points_pre_display(vmobject, vmobject.points), None


def _smoothed(camera, vmobject) -> bool:
    """Whether the face is drawn by `_paint_faces` (a smoothed face of four joined curves, shaded, with no
    background stroke); anything else is drawn manim's way."""
    return (getattr(vmobject, "optviz_chained", False) and len(vmobject.points) == 16 and camera.should_apply_shading
            and vmobject.get_stroke_width(True) == 0)


def _paint_faces(camera, ctx, faces) -> None:
    """Smoothed faces, in order, as the patches of one mesh pattern painted once: each face's points
    projected once (from the frame's one projection), its corners in their colours at the face's fill
    opacity; a face wholly outside the frame (zoomed in, most are) or wholly transparent is left out."""
    mesh = None
    for face in faces:
        fill = _alpha(face.get_fill_rgbas())
        if fill <= 0:
            continue
        xy, box = _projected(camera, face)
        if _outside(camera, ctx, xy) if box is None else _outside_box(camera, ctx, *box):
            continue
        if mesh is None:
            mesh = cairo.MeshPattern()
        _add_patch(mesh, camera, face, xy, fill)
    if mesh is not None:
        ctx.set_source(mesh)
        ctx.paint()


def _display_face(self, vmobject, ctx):
    """A smoothed face drawn alone, as `_paint_faces` draws it among others; anything else, manim's way."""
    if not _smoothed(self, vmobject):
        return _display(self, vmobject, ctx)
    _paint_faces(self, ctx, [vmobject])
    return self


_display_many = ThreeDCamera.display_multiple_non_background_colored_vmobjects


def display_many(self, vmobjects, pixel_array):
    """manim's loop over a frame's shapes, each run of smoothed faces in it painted as one mesh."""
    ctx = self.get_cairo_context(pixel_array)
    run = []
    for vmobject in vmobjects:
        if _smoothed(self, vmobject):
            run.append(vmobject)
            continue
        if run:
            _paint_faces(self, ctx, run)
            run = []
        self.display_vectorized(vmobject, ctx)
    if run:
        _paint_faces(self, ctx, run)
    return self


ThreeDCamera.set_cairo_context_color = _set_colour
ThreeDCamera.display_vectorized = _display_face
ThreeDCamera.get_mobjects_to_display = get_mobjects_to_display
ThreeDCamera.display_multiple_non_background_colored_vmobjects = display_many
