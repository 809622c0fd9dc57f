"""Surfaces: gradients against hand-derived or finite differences, listed minima, safe expressions."""
import math

import numpy as np
import pytest
import torch
from reference import pathological_grad

from optviz import OptvizError
from optviz.core.surfaces import SURFACES, get_surface


def autograd(fn, x, y):
    w = torch.tensor([x, y], dtype=torch.float64, requires_grad=True)
    fn(w[0], w[1]).backward()
    return w.grad.numpy()


def finite_difference(fn, x, y, h=1e-6):
    f = lambda a, b: float(fn(torch.tensor(a, dtype=torch.float64), torch.tensor(b, dtype=torch.float64)))
    return np.array([(f(x + h, y) - f(x - h, y)) / (2 * h), (f(x, y + h) - f(x, y - h)) / (2 * h)])


def test_there_are_at_least_ten_surfaces_with_complete_metadata():
    assert len(SURFACES) >= 10
    for name, s in SURFACES.items():
        (x0, x1), (y0, y1) = s.box
        assert x0 < x1 and y0 < y1 and s.zrange[0] < s.zrange[1], name
        assert x0 <= s.start[0] <= x1 and y0 <= s.start[1] <= y1, name
        assert s.description, name
    assert any(m.kind == "sharp" for m in SURFACES["sharp-wide"].minima)
    assert any(m.kind == "wide" for m in SURFACES["sharp-wide"].minima)


@pytest.mark.parametrize("name", sorted(SURFACES))
def test_gradient_matches_finite_differences(name):
    s = SURFACES[name]
    rng = np.random.default_rng(1)
    (x0, x1), (y0, y1) = s.box
    for x, y in zip(rng.uniform(x0, x1, 20), rng.uniform(y0, y1, 20)):
        if abs(x) < 1e-3 or (name == "ackley" and math.hypot(x, y) < 1e-3):
            continue  # |w1| and Ackley's cone are not differentiable there
        g, fd = autograd(s.fn, x, y), finite_difference(s.fn, x, y)
        np.testing.assert_allclose(g, fd, rtol=1e-5, atol=1e-6 * max(1.0, np.abs(fd).max()))


def test_pathological_gradient_matches_the_hand_derived_one():
    for x, y in [(7, 7), (-0.3, 2.0), (1.5, -4.0)]:
        np.testing.assert_allclose(autograd(SURFACES["pathological"].fn, x, y), pathological_grad((x, y)), rtol=1e-12)


def test_rosenbrock_gradient_matches_the_closed_form():
    for x, y in [(-1.5, 2.5), (0.3, 0.2)]:
        expected = [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)]
        np.testing.assert_allclose(autograd(SURFACES["rosenbrock"].fn, x, y), expected, rtol=1e-12)


@pytest.mark.parametrize("name", [n for n in sorted(SURFACES) if SURFACES[n].minima])
def test_listed_minima_are_minima(name):
    s = SURFACES[name]
    f = lambda x, y: float(s.fn(torch.tensor(x, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)))
    for m in s.minima:
        centre = f(m.x, m.y)
        for angle in np.linspace(0, 2 * np.pi, 16, endpoint=False):
            for r in (1e-3, 1e-2):
                assert f(m.x + r * np.cos(angle), m.y + r * np.sin(angle)) > centre, (m, angle, r)
        if name != "ackley":  # smooth there: a stationary point with a positive definite Hessian
            assert np.abs(autograd(s.fn, m.x, m.y)).max() < 1e-6, m
            w = torch.tensor([m.x, m.y], dtype=torch.float64)
            hess = torch.autograd.functional.hessian(lambda v: s.fn(v[0], v[1]), w)
            assert torch.linalg.eigvalsh(hess).min() > 0, m
    if s.minima and all(m.kind == "global" for m in s.minima):
        values = [f(m.x, m.y) for m in s.minima]
        assert max(values) - min(values) < 1e-8


def test_sharp_minimum_is_sharper_than_the_wide_one():
    s = SURFACES["sharp-wide"]
    curv = {}
    for m in s.minima:
        w = torch.tensor([m.x, m.y], dtype=torch.float64)
        curv[m.kind] = torch.linalg.eigvalsh(torch.autograd.functional.hessian(lambda v: s.fn(v[0], v[1]), w)).max()
    assert curv["sharp"] > 10 * curv["wide"]


def test_surfaces_broadcast_over_batches():
    for s in SURFACES.values():
        x = torch.linspace(-1, 1, 12, dtype=torch.float64).reshape(3, 4)
        y = torch.linspace(-0.5, 0.7, 4, dtype=torch.float64)
        z = s.fn(x, y)
        assert z.shape == (3, 4)
        assert float(z[1, 2]) == pytest.approx(float(s.fn(x[1, 2], y[2])), rel=1e-12)


def test_expression_surface_computes_the_expression():
    s = get_surface("x**2 + 10*sin(y) - abs(w1)/2 + exp(-y**2) * pi")
    x = torch.tensor([0.3, -2.0], dtype=torch.float64)
    y = torch.tensor([1.2, 0.1], dtype=torch.float64)
    expected = x ** 2 + 10 * torch.sin(y) - x.abs() / 2 + torch.exp(-y ** 2) * math.pi
    torch.testing.assert_close(s.fn(x, y), expected)
    assert s.zrange[0] < s.zrange[1]
    assert get_surface("3 + 0*x").fn(x, y).shape == (2,)   # constants broadcast inside an expression
    with pytest.raises(OptvizError, match="'3': it does not depend on x or y"):  # but a constant is no surface
        get_surface("3")


def test_a_caret_is_a_power_as_people_write_it():
    # Himmelblau's function as a teacher types it: `^` is a power with a power's precedence (Python's
    # `^` binds looser than `+`, so `x^2 + y` would be x ^ (2 + y) if the tree were changed instead)
    s = get_surface("(x^2 + y - 11)^2 + (x + y^2 - 7)^2")
    x = torch.tensor([3.0, 0.0, -2.805118, 1.5], dtype=torch.float64)
    y = torch.tensor([2.0, 0.0, 3.131312, -0.5], dtype=torch.float64)
    torch.testing.assert_close(s.fn(x, y), (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2)
    assert float(s.fn(x, y)[0]) == 0.0 and float(s.fn(x, y)[1]) == 170.0   # a minimum; 11^2 + 7^2 at 0
    assert float(get_surface("-x^2 + 0*y").fn(torch.tensor(3.0), torch.tensor(0.0))) == -9.0   # -(x^2)
    assert s.title == "(x^2 + y - 11)^2 + (x + y^2 - 7)^2"   # shown as written


@pytest.mark.parametrize("expr,match", [
    ("x & y", "operator '&' is not allowed; the operators are .* and \\*\\* \\(or \\^\\)"),
    ("x < y", "operator '<' is not allowed"),
    ("x // 2 + y", "operator '//' is not allowed"),
    ("not x", "operator 'not' is not allowed"),
    ("__import__('os').system('true')", "not allowed|unknown name"),
    ("x.__class__", "attribute access"),
    ("().__class__.__bases__", "attribute access"),
    ("os", "unknown surface 'os'"),
    ("x + os", "unknown name 'os'"),
    ("eval('1')", "function 'eval' is not allowed"),
    ("x ** 1000", "exponent 1000 is too large"),
    ("9 ** 9 ** 9", "too large"),
    ("x + " * 200 + "1", "characters long"),
    ("lambda: 1", "Lambda"),
    ("[x, y]", "List"),
    ("x[0]", "Subscript"),
    ("'abc'", "only numbers"),
    ("sin(x, y)", "takes 1"),
    ("sin(x=y)", "takes 1"),
    ("x +", "syntax error"),
    ("", "empty"),
    ("x if y else 1", "IfExp"),
])
def test_unsafe_or_bad_expressions_are_rejected(expr, match):
    with pytest.raises(OptvizError, match=match):
        get_surface(expr)


def test_unknown_surface_name_lists_the_choices():
    with pytest.raises(OptvizError, match="unknown surface 'rosenbrok'; choose from: .*rosenbrock"):
        get_surface("rosenbrok")
