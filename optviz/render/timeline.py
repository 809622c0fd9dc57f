"""Map optimizer steps to animation frames.

Every step can get its own frame, or the run is resampled to a target duration with an easing curve
(fractional steps are interpolated, so slow-motion stays smooth); the last frame is held for `hold`
seconds, so a looping GIF pauses on the result.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import OptvizError, unknown

EASINGS = {
    "linear": lambda u: u,
    "ease-in": lambda u: u * u,                      # slow start: the first steps get more frames
    "ease-out": lambda u: 1 - (1 - u) ** 2,
    "ease-in-out": lambda u: u * u * (3 - 2 * u),
}


@dataclass(frozen=True)
class Timeline:
    """fps; duration in seconds (None: one frame per step); easing; hold (s); loop (GIF)."""
    fps: int = 20
    duration: float | None = None
    easing: str = "linear"
    hold: float = 1.0
    loop: bool = True

    def __post_init__(self):
        if not (isinstance(self.fps, (int, np.integer)) and 1 <= self.fps <= 120):
            raise OptvizError(f"fps must be a whole number from 1 to 120, got {self.fps!r}")
        if self.duration is not None and not 0 < self.duration <= 600:
            raise OptvizError(f"duration must be in (0, 600] seconds, got {self.duration!r}")
        if self.easing not in EASINGS:
            raise unknown("easing", self.easing, EASINGS)
        if not 0 <= self.hold <= 60:
            raise OptvizError(f"hold must be in [0, 60] seconds, got {self.hold!r}")

    def frame_steps(self, steps: int) -> np.ndarray:
        """The (fractional) step shown by each frame, holds included: float64 [F]."""
        if self.duration is None:
            moving = np.arange(steps + 1, dtype=np.float64)
        else:
            n = max(2, int(round(self.duration * self.fps)))
            u = np.linspace(0.0, 1.0, n)
            moving = EASINGS[self.easing](u) * steps
        held = np.full(int(round(self.hold * self.fps)), float(steps))
        return np.concatenate([moving, held])


def interpolate(rows: np.ndarray, s: float) -> np.ndarray:
    """rows[..., T, k] at fractional step s along axis -2 (linear between neighbouring rows)."""
    i = int(np.floor(s))
    if i >= rows.shape[-2] - 1:
        return rows[..., -1, :]
    f = s - i
    return rows[..., i, :] if f == 0 else (1 - f) * rows[..., i, :] + f * rows[..., i + 1, :]
