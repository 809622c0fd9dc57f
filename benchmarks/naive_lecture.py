"""The lecture as it rendered before the lecture issue, for bench_lecture: the same chapters, one manim
process playing them one after another (scenes/lecture.py `Lecture`), without what that issue added to
the scenes' drawing: trails test what the surface hides afresh every frame (as scenes/rolling.py did),
and mobjects keep the order they were added in (so manim redraws every frame everything added after the
first moving one). The pictures are the same."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scenes"))
import common  # noqa: E402
import lecture  # noqa: E402


def _every_frame(self, k):
    """PathVisibility without its memory: the part shown, tested every frame."""
    import numpy as np
    k = min(k, len(self.pts) - 1)
    i = int(np.floor(k))
    head = self.pts[: i + 1] if k == i else np.vstack([self.pts[: i + 1], self.pts[i] + (k - i) * (self.pts[i + 1] - self.pts[i])])
    return common.visible_runs(head, self.hidden)


common.PathVisibility.runs = _every_frame


class NaiveBeats(lecture.Beats):
    def __call__(self, *animations, steady=(), windows=()):
        bring, self.scene.bring_to_front = self.scene.bring_to_front, lambda *m: self.scene
        try:
            super().__call__(*animations, steady=steady, windows=windows)
        finally:
            self.scene.bring_to_front = bring


lecture.Beats = NaiveBeats


class NaiveLecture(lecture.Lecture):
    pass
