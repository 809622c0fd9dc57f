"""The registered analytic surfaces: the blog post's pathological curvature, the classic test functions
(Rosenbrock, Beale, Himmelblau, Rastrigin, Ackley, Booth, six-hump camel) and three built to show one
idea each (an ill-conditioned ravine, a saddle, a sharp minimum beside a wide one).

A new surface is a function of torch tensors `w1, w2` under `@register_surface(...)` here (or in a
module of your own); its docstring is its description.
"""
from __future__ import annotations

import math

import torch

from .registry import register_surface


@register_surface("pathological",
                  formula="tanh(x)**2 + 0.01*abs(x) + sigmoid(y)",
                  box=((-8.0, 8.0), (-6.0, 8.0)), zrange=(0.0, 2.1), start=(7.0, 7.0),
                  title="Pathological curvature")
def pathological_curve_loss(w1, w2):
    """The seed's surface: tanh(w1)^2 + 0.01|w1| + sigmoid(w2). A steep, narrow ravine along w1 = 0
    and a slow slide towards w2 -> -inf; it has no finite minimum (the infimum is at w1 = 0, w2 -> -inf)."""
    x1_loss = torch.tanh(w1) ** 2 + 0.01 * torch.abs(w1)
    x2_loss = torch.sigmoid(w2)
    return x1_loss + x2_loss


@register_surface("rosenbrock",
                  formula="(1 - x)**2 + 100*(y - x**2)**2",
                  box=((-2.0, 2.0), (-1.0, 3.0)), zrange=(0.0, 2500.0), start=(-1.5, 2.5),
                  minima=[(1.0, 1.0)], title="Rosenbrock")
def rosenbrock(w1, w2):
    """(1 - x)^2 + 100 (y - x^2)^2: a curved banana valley; the minimum at (1, 1) is easy to reach
    and slow to approach along the valley floor."""
    return (1 - w1) ** 2 + 100 * (w2 - w1 ** 2) ** 2


@register_surface("beale",
                  formula="(1.5 - x + x*y)**2 + (2.25 - x + x*y**2)**2 + (2.625 - x + x*y**3)**2",
                  box=((-4.5, 4.5), (-4.5, 4.5)), zrange=(0.0, 2e5), start=(1.0, 1.5),
                  minima=[(3.0, 0.5)], title="Beale")
def beale(w1, w2):
    """(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2: flat plateaus and sharp ridges;
    minimum at (3, 0.5)."""
    return ((1.5 - w1 + w1 * w2) ** 2 + (2.25 - w1 + w1 * w2 ** 2) ** 2
            + (2.625 - w1 + w1 * w2 ** 3) ** 2)


@register_surface("himmelblau",
                  formula="(x**2 + y - 11)**2 + (x + y**2 - 7)**2",
                  box=((-5.0, 5.0), (-5.0, 5.0)), zrange=(0.0, 900.0), start=(-0.3, -0.9),
                  minima=[(3.0, 2.0), (-2.805118086952745, 3.131312518250573),
                          (-3.779310253377747, -3.283185991286170), (3.584428340330492, -1.848126526964404)],
                  title="Himmelblau")
def himmelblau(w1, w2):
    """(x^2 + y - 11)^2 + (x + y^2 - 7)^2: four equal minima; which one a run reaches depends on the
    optimizer and the start (the default start sits near the local maximum)."""
    return (w1 ** 2 + w2 - 11) ** 2 + (w1 + w2 ** 2 - 7) ** 2


@register_surface("rastrigin",
                  formula="20 + x**2 - 10*cos(2*pi*x) + y**2 - 10*cos(2*pi*y)",
                  box=((-5.12, 5.12), (-5.12, 5.12)), zrange=(0.0, 81.0), start=(4.3, 4.6),
                  minima=[(0.0, 0.0)], title="Rastrigin")
def rastrigin(w1, w2):
    """20 + x^2 - 10 cos(2 pi x) + y^2 - 10 cos(2 pi y): a bowl covered in local minima; the global
    minimum is at the origin."""
    return (20 + w1 ** 2 - 10 * torch.cos(2 * math.pi * w1)
            + w2 ** 2 - 10 * torch.cos(2 * math.pi * w2))


@register_surface("ackley",
                  formula="-20*exp(-0.2*sqrt(0.5*(x**2 + y**2))) - exp(0.5*(cos(2*pi*x) + cos(2*pi*y))) + e + 20",
                  box=((-5.0, 5.0), (-5.0, 5.0)), zrange=(0.0, 14.5), start=(3.2, 3.9),
                  minima=[(0.0, 0.0)], title="Ackley")
def ackley(w1, w2):
    """-20 exp(-0.2 sqrt((x^2 + y^2)/2)) - exp((cos 2 pi x + cos 2 pi y)/2) + e + 20: a nearly flat,
    rippled outer region around one deep funnel at the origin (not differentiable exactly there)."""
    r = torch.sqrt(0.5 * (w1 ** 2 + w2 ** 2))
    waves = 0.5 * (torch.cos(2 * math.pi * w1) + torch.cos(2 * math.pi * w2))
    return -20 * torch.exp(-0.2 * r) - torch.exp(waves) + math.e + 20


@register_surface("booth",
                  formula="(x + 2*y - 7)**2 + (2*x + y - 5)**2",
                  box=((-10.0, 10.0), (-10.0, 10.0)), zrange=(0.0, 2500.0), start=(-8.0, 8.0),
                  minima=[(1.0, 3.0)], title="Booth")
def booth(w1, w2):
    """(x + 2y - 7)^2 + (2x + y - 5)^2: a convex quadratic with a tilted valley; minimum at (1, 3)."""
    return (w1 + 2 * w2 - 7) ** 2 + (2 * w1 + w2 - 5) ** 2


@register_surface("camel",
                  formula="(4 - 2.1*x**2 + x**4/3)*x**2 + x*y + (-4 + 4*y**2)*y**2",
                  box=((-2.5, 2.5), (-1.5, 1.5)), zrange=(-1.1, 10.0), start=(-2.0, 1.2),
                  minima=[(0.08984201368301331, -0.7126564032704135),
                          (-0.08984201368301331, 0.7126564032704135),
                          (1.7036067157, -0.7960835694, "local"),
                          (-1.7036067157, 0.7960835694, "local"),
                          (1.6071047539, 0.5686514522, "local"),
                          (-1.6071047539, -0.5686514522, "local")],
                  title="Six-hump camel")
def six_hump_camel(w1, w2):
    """(4 - 2.1 x^2 + x^4/3) x^2 + xy + (-4 + 4 y^2) y^2: two global and four local minima."""
    return (4 - 2.1 * w1 ** 2 + w1 ** 4 / 3) * w1 ** 2 + w1 * w2 + (-4 + 4 * w2 ** 2) * w2 ** 2


@register_surface("ravine",
                  formula="0.5*(x**2 + 20*y**2)",
                  box=((-5.0, 5.0), (-2.0, 2.0)), zrange=(0.0, 52.5), start=(-4.5, 1.5),
                  minima=[(0.0, 0.0)], title="Ill-conditioned ravine", hessian=[[1.0, 0.0], [0.0, 20.0]])
def ravine(w1, w2):
    """(x^2 + 20 y^2) / 2: a convex quadratic with condition number 20 (Hessian diag(1, 20)); plain
    gradient descent is stable only for lr < 2/20 = 0.1 and zig-zags across the steep axis."""
    return 0.5 * (w1 ** 2 + 20 * w2 ** 2)


@register_surface("saddle",
                  formula="x**2 - y**2 + y**4/4",
                  box=((-2.5, 2.5), (-2.5, 2.5)), zrange=(-1.0, 6.0), start=(-2.2, 0.02),
                  minima=[(0.0, math.sqrt(2.0)), (0.0, -math.sqrt(2.0))], title="Saddle")
def saddle(w1, w2):
    """x^2 - y^2 + y^4/4: a saddle point at the origin between two minima at (0, +-sqrt 2). Starts near
    the ridge y = 0 crawl towards the saddle before they escape."""
    return w1 ** 2 - w2 ** 2 + w2 ** 4 / 4


SHARP = (-1.5, 0.0, 0.18, 1.0)   # centre x, centre y, width, depth
WIDE = (1.5, 0.0, 1.0, 0.8)


@register_surface("sharp-wide", formula=(
                  f"1 + (x**2 + y**2)/50 - {SHARP[3]!r}*exp(-((x - {SHARP[0]!r})**2 + (y - {SHARP[1]!r})**2)/(2*{SHARP[2]!r}**2))"
                  f" - {WIDE[3]!r}*exp(-((x - {WIDE[0]!r})**2 + (y - {WIDE[1]!r})**2)/(2*{WIDE[2]!r}**2))"), box=((-4.0, 4.0), (-3.0, 3.0)), zrange=(0.0, 1.35), start=(0.0, 2.5),
                  minima=[(-1.4971889696716767, 0.0, "sharp"), (1.428396838005242, 0.0, "wide")],
                  title="Sharp and wide minima")
def sharp_wide(w1, w2):
    """1 + (x^2 + y^2)/50 - exp(-r_s^2 / (2 * 0.18^2)) - 0.8 exp(-r_w^2 / 2): a sharp, slightly deeper
    minimum near (-1.5, 0) beside a wide, shallower one near (1.5, 0), on a gentle bowl. The seed's
    "why not always Adam": which basin does each optimizer settle in?"""
    bowl = (w1 ** 2 + w2 ** 2) / 50
    sx, sy, ss, sd = SHARP
    wx, wy, ws, wd = WIDE
    sharp = sd * torch.exp(-((w1 - sx) ** 2 + (w2 - sy) ** 2) / (2 * ss ** 2))
    wide = wd * torch.exp(-((w1 - wx) ** 2 + (w2 - wy) ** 2) / (2 * ws ** 2))
    return 1 + bowl - sharp - wide

