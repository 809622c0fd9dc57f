"""Labels that face the camera, their centre found once a frame instead of once a glyph.

manim's 3-D camera keeps a text added with `add_fixed_orientation_mobjects` facing the camera by
moving each of its glyphs by where the text's centre projects. It registers the text's own
`get_center` for every glyph, so drawing a frame computes the whole text's centre (from all its
glyphs' points) once per glyph: a 26-glyph axis name ("PC 1 (74% of the variance)") 26 times a
frame. Nothing moves while a frame is drawn, so within one `capture_mobjects` each centre, and where
it projects, is computed once and reused: the same numbers, the same picture.
"""
from __future__ import annotations

from manim.camera.camera import Camera
from manim.camera.three_d_camera import ThreeDCamera

_capture = ThreeDCamera.capture_mobjects
_transform = ThreeDCamera.transform_points_pre_display


def capture_mobjects(self, mobjects, **kwargs):
    outer = getattr(self, "optviz_centres", None)   # a capture within a capture (a layer's snapshot)
    self.optviz_centres = {}
    try:
        return _capture(self, mobjects, **kwargs)
    finally:
        self.optviz_centres = outer


def transform_points_pre_display(self, mobject, points):
    centres = getattr(self, "optviz_centres", None)
    centre_of = self.fixed_orientation_mobjects.get(mobject)
    if centres is None or centre_of is None or mobject in self.fixed_in_frame_mobjects:
        return _transform(self, mobject, points)
    points = Camera.transform_points_pre_display(self, mobject, points)   # what manim's first step does
    known = centres.get(centre_of)
    if known is None:
        centre = centre_of()
        known = centres[centre_of] = (centre, self.project_point(centre))
    centre, projected = known
    return points + (projected - centre)


ThreeDCamera.capture_mobjects = capture_mobjects
ThreeDCamera.transform_points_pre_display = transform_points_pre_display
