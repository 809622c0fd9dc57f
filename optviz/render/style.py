"""Colours, themes and size presets shared by every renderer (matplotlib and manim).

One colour per optimizer name, so SGD is the same red in a GIF, a figure and a manim video. When the
same optimizer appears twice, later copies get lighter or darker shades of its colour. A name without
a colour of its own gets one of `_FALLBACK`, each seen against both themes' backgrounds at a contrast
of at least 3 (what a ball, a trail or a legend's dot needs); a text in an optimizer's colour is made
`readable` against its background (4.5, as for text).
"""
from __future__ import annotations

import colorsys
import math
from dataclasses import dataclass

from ..errors import OptvizError, unknown

PALETTE = {
    "sgd": "#e4572e",            # red-orange, as the seed's red
    "momentum": "#2e86de",       # blue, as the seed's
    "adam": "#7b2cbf",           # purple (the seed's grey disappears into a surface)
    "torch-momentum": "#17a589",
    "nesterov": "#00838f",
    "torch-adam": "#9d4edd",
    "adamw": "#c2185b",
    "rmsprop": "#f4a100",
    "adagrad": "#8d6e63",
    "adadelta": "#ec407a",
    "adamax": "#5c6bc0",
    "nadam": "#43a047",
    "radam": "#00acc1",
    "lbfgs": "#607d8b",          # blue-grey (its darker grey was lost on the dark theme: contrast 1.9)
    "sam": "#1b9e45",            # green
}
_FALLBACK = ["#d81b60", "#1e88e5", "#a67c00", "#827717", "#ab47bc", "#a1887f", "#00897b", "#f4511e"]


def optimizer_colors(names: list[str]) -> list[str]:
    """A colour per optimizer in order; repeats of a name get shades of its colour."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        base = PALETTE.get(name) or _FALLBACK[sum(map(ord, name)) % len(_FALLBACK)]
        k = seen.get(name, 0)
        seen[name] = k + 1
        out.append(base if k == 0 else shade(base, k))
    return out


def rgb(hex_color: str) -> tuple[float, float, float]:
    """An #rrggbb colour as (r, g, b), each 0 to 1."""
    return tuple(int(hex_color[i:i + 2], 16) / 255 for i in (1, 3, 5))


def hex_of(r: float, g: float, b: float) -> str:
    """(r, g, b), each 0 to 1, as #rrggbb."""
    return "#{:02x}{:02x}{:02x}".format(*(round(c * 255) for c in (r, g, b)))


def shade(hex_color: str, k: int) -> str:
    """The k-th variant of a colour: alternately lighter and darker."""
    h, l, s = colorsys.rgb_to_hls(*rgb(hex_color))
    step = 0.16 * ((k + 1) // 2)
    l = min(0.85, l + step) if k % 2 else max(0.15, l - step)
    return hex_of(*colorsys.hls_to_rgb(h, l, s))


def luminance(hex_color: str) -> float:
    """WCAG's relative luminance of an #rrggbb colour."""
    r, g, b = (x / 12.92 if x <= 0.04045 else ((x + 0.055) / 1.055) ** 2.4 for x in rgb(hex_color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG's contrast ratio of two #rrggbb colours, 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)))
    return (lb + 0.05) / (la + 0.05)


def readable(hex_color: str, background: str, ratio: float = 4.5) -> str:
    """`hex_color` as a text on `background`: its hue kept, lighter on a dark background (darker on a
    light one) until their contrast is at least `ratio` (as it is, when it already reads)."""
    h, l, s = colorsys.rgb_to_hls(*rgb(hex_color))
    towards = 1.0 if luminance(background) < 0.18 else 0.0
    out = hex_color
    while contrast(out, background) < ratio and abs(l - towards) > 1e-9:
        l = min(1.0, l + 0.02) if towards else max(0.0, l - 0.02)
        out = hex_of(*colorsys.hls_to_rgb(h, l, s))
    return out


@dataclass(frozen=True)
class Theme:
    name: str
    background: str
    foreground: str
    muted: str
    cmap: str            # the surface's colour map
    cmap_range: tuple[float, float]   # the part of the colour map used (keeps balls readable)
    contour: str


THEMES = {
    "light": Theme("light", "#ffffff", "#1d1d1f", "#6e6e73", "bone", (0.35, 0.9), "#ffffff"),
    "dark": Theme("dark", "#111418", "#f2f2f2", "#a0a4ab", "bone", (0.12, 0.72), "#000000"),
}

BEHIND = ("auto", "hide", "ghost")
MIN_SIDE, MAX_SIDE = 16, 7680   # pixels; 7680 is 8K video's width
PRESETS = {  # width, height in pixels; font scale
    "blog": (800, 600, 1.0),
    "slide": (1920, 1080, 2.0),
    "square": (1080, 1080, 1.5),
}


@dataclass(frozen=True)
class Style:
    """Everything about how a render looks, independent of the data."""
    preset: str = "blog"
    theme: str = "light"
    width: int | None = None     # override the preset's size (rounded to even for video)
    height: int | None = None
    loss_panel: bool = False
    arrows: tuple[str, ...] = ()  # "gradient", "velocity"
    trail: int = 0               # steps of fading trail; 0 keeps the whole path
    color_by: str = "optimizer"  # or "minimum": colour swarms by the minimum each start reaches
    show_minima: bool = True
    camera: str = "fixed"        # 3-D: "fixed" or "orbit"
    elev: float = 30.0           # 3-D camera elevation and azimuth (degrees); the seed's view
    azim: float = 75.0
    orbit: float = 120.0         # degrees the camera turns over an orbiting animation
    occlude: bool = True         # 3-D: hide what the surface hides (False: matplotlib's draw order)
    behind: str = "auto"         # 3-D, what the surface hides: "hide", "ghost" (drawn faintly), or "auto"
                                 # (ghost on a slice of a network's landscape, hide elsewhere)
    title: str | None = None
    dpi: int = 100

    def __post_init__(self):
        if self.preset not in PRESETS:
            raise unknown("preset", self.preset, PRESETS)
        if self.theme not in THEMES:
            raise unknown("theme", self.theme, THEMES)
        for a in self.arrows:
            if a not in ("gradient", "velocity"):
                raise OptvizError(f"unknown arrow {a!r}; choose from: gradient, velocity")
        if self.color_by not in ("optimizer", "minimum"):
            raise OptvizError(f"unknown color_by {self.color_by!r}; choose from: minimum, optimizer")
        if self.behind not in BEHIND:
            raise unknown("behind", self.behind, BEHIND)
        if self.camera not in ("fixed", "orbit"):
            raise OptvizError(f"unknown camera {self.camera!r}; choose from: fixed, orbit")
        if self.trail < 0:
            raise OptvizError(f"trail must be >= 0, got {self.trail}")
        for angle in ("elev", "azim", "orbit"):
            if not math.isfinite(getattr(self, angle)):
                raise OptvizError(f"{angle} must be a finite number of degrees, got {getattr(self, angle)!r}")
        for side in ("width", "height"):
            value = getattr(self, side)
            if value is not None and not (isinstance(value, int) and MIN_SIDE <= value <= MAX_SIDE):
                raise OptvizError(f"{side} must be a whole number of pixels from {MIN_SIDE} to {MAX_SIDE}, got {value!r}")

    @property
    def size(self) -> tuple[int, int]:
        w, h, _ = PRESETS[self.preset]
        w, h = self.width or w, self.height or h
        return w - w % 2, h - h % 2

    @property
    def scale(self) -> float:
        return PRESETS[self.preset][2] * (self.size[0] / PRESETS[self.preset][0]) ** 0.5

    @property
    def colors(self) -> Theme:
        return THEMES[self.theme]
