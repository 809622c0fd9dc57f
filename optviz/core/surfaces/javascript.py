"""A surface as JavaScript, for the interactive page: the whitelisted expression tree translated, node by
node, into straight-line code that returns the loss and its gradient [f, df/dx, df/dy] (forward-mode
differentiation: every node carries its value and its two partial derivatives).

Nothing the user typed reaches the page as code: only the tree's numbers (written with repr, exactly),
the two variables and the whitelisted operations are emitted. Each operation follows torch's own
definition and derivative, so the page computes what `simulate` computes: pow with 2 and 3 as
products, softplus linear above 20, remainder with the divisor's sign, a tie of min/max shared half
and half, |x|' = sign(x), relu'(0) = 0.
"""
from __future__ import annotations

import ast

from ...errors import OptvizError
from .expression import _CONSTS, _FUNCS, _VARS, _fail, parse_expression
from .registry import Surface, get_surface


def surface_js(surface: Surface) -> str:
    """`function (x, y) { ...; return [f, fx, fy]; }` for the surface (registered or an expression)."""
    if not surface.formula:
        raise OptvizError(f"surface {surface.name!r} has no formula the interactive page can compute "
                          "(register it with formula=\"...\", an expression in x and y)")
    return expression_js(surface.formula, limits=surface.expr is not None)


NOT_A_SURFACE = ("the interactive page runs optimizers on a 2-D surface; a network's landscape is a slice of "
                 "thousands of dimensions (render a GIF, MP4 or manim video of it)")


def experiment_js(meta: dict) -> str:
    """The surface an experiment ran on (its `meta`), as JavaScript for the interactive page."""
    if meta.get("off_surface"):
        raise OptvizError(NOT_A_SURFACE)
    surface = meta["surface"]
    return surface_js(get_surface(surface.get("expr") or surface["name"], box=surface["box"]))


def expression_js(expr: str, limits: bool = True) -> str:
    tree = parse_expression(expr, limits)
    lines: list[str] = []
    counter = iter(range(10**9))

    def new(value: str, dx: str | None, dy: str | None):
        k = next(counter)
        lines.append(f"const v{k} = {value};")
        out_dx = out_dy = None
        if dx is not None:
            lines.append(f"const a{k} = {dx};")
            out_dx = f"a{k}"
        if dy is not None:
            lines.append(f"const b{k} = {dy};")
            out_dy = f"b{k}"
        return f"v{k}", out_dx, out_dy

    def chain(factor: str | None, d: str | None) -> str | None:
        return None if d is None else d if factor is None else f"({factor}) * {d}"

    def plus(*terms) -> str | None:
        terms = [t for t in terms if t is not None]
        return " + ".join(f"({t})" for t in terms) if terms else None

    def mix(*terms):
        """(d/dx, d/dy) of a node whose operands are (factor, operand) pairs: the chain rule summed
        over the operands (factor None: the operand's own derivative). A lone operand's term is not
        bracketed: brackets would change the order a chain of factors is multiplied in, and so its rounding."""
        if len(terms) == 1:
            (factor, node), = terms
            return chain(factor, node[1]), chain(factor, node[2])
        return tuple(plus(*(chain(factor, node[axis]) for factor, node in terms)) for axis in (1, 2))

    def unary(name: str, a):
        v, dx, dy = a
        if name in ("sign",):
            return new(f"Math.sign({v})", None, None)
        if name == "relu":
            out = new(f"({v} > 0 ? {v} : 0)", None, None)
            return (out[0], *mix((f"{v} > 0 ? 1 : 0", a)))
        if name == "softplus":   # torch: beta 1, threshold 20
            z = new(f"Math.exp({v})", None, None)[0]
            out = new(f"({v} > 20 ? {v} : Math.log1p({z}))", None, None)[0]
            return (out, *mix((f"{v} > 20 ? 1 : {z} / ({z} + 1)", a)))
        value, factor = {
            "sin": (f"Math.sin({v})", f"Math.cos({v})"),
            "cos": (f"Math.cos({v})", f"-Math.sin({v})"),
            "exp": (f"Math.exp({v})", "RESULT"),
            "log": (f"Math.log({v})", f"1 / {v}"),
            "log1p": (f"Math.log1p({v})", f"1 / (1 + {v})"),
            "sqrt": (f"Math.sqrt({v})", "1 / (2 * RESULT)"),
            "abs": (f"Math.abs({v})", f"Math.sign({v})"),
            "tanh": (f"Math.tanh({v})", "1 - RESULT * RESULT"),
            "tan": (f"Math.tan({v})", "1 + RESULT * RESULT"),
            "sinh": (f"Math.sinh({v})", f"Math.cosh({v})"),
            "cosh": (f"Math.cosh({v})", f"Math.sinh({v})"),
            "atan": (f"Math.atan({v})", f"1 / (1 + {v} * {v})"),
            "arctan": (f"Math.atan({v})", f"1 / (1 + {v} * {v})"),
            "sigmoid": (f"1 / (1 + Math.exp(-{v}))", "(1 - RESULT) * RESULT"),
        }[name]
        out = new(value, None, None)[0]
        return (out, *mix((factor.replace("RESULT", out), a)))

    def binary(op, a, b, b_constant: bool):
        (va, xa, ya), (vb, xb, yb) = a, b
        if isinstance(op, ast.Add):
            return new(f"{va} + {vb}", *mix((None, a), (None, b)))
        if isinstance(op, ast.Sub):
            neg = lambda d: None if d is None else f"-({d})"   # noqa: E731
            return new(f"{va} - {vb}", plus(xa, neg(xb)), plus(ya, neg(yb)))
        if isinstance(op, ast.Mult):
            return new(f"{va} * {vb}", *mix((vb, a), (va, b)))
        if isinstance(op, ast.Div):
            out = new(f"{va} / {vb}", None, None)[0]
            # torch: d/da = 1/b, d/db = -a/b^2
            return (out, *mix((f"1 / {vb}", a), (f"-{va} / ({vb} * {vb})", b)))
        if isinstance(op, ast.Mod):   # torch.remainder: the result takes the divisor's sign
            m = new(f"{va} % {vb}", None, None)[0]
            out = new(f"({m} !== 0 && (({vb} < 0) !== ({m} < 0)) ? {m} + {vb} : {m})", None, None)[0]
            return (out, *mix((None, a), (f"-Math.floor({va} / {vb})", b)))
        if isinstance(op, ast.Pow):
            if b_constant:
                e = vb
                key = float(e) if _is_number(e) else None
                out = new(_power(va, e, key), None, None)[0]
                if key == 0.0:
                    return out, None, None
                # torch: exponent * self.pow(exponent - 1), that pow special-cased as well
                factor = f"{e} * {_power(va, repr(key - 1), key - 1)}" if key is not None else \
                    f"{e} * Math.pow({va}, {e} - 1)"
                return (out, *mix((factor, a)))
            out = new(f"Math.pow({va}, {vb})", None, None)[0]
            da = f"{vb} * Math.pow({va}, {vb} - 1)"
            db = f"({va} === 0 && {vb} >= 0) ? 0 : {out} * Math.log({va})"
            return (out, *mix((da, a), (db, b)))
        raise _fail(expr, f"{type(op).__name__} is not allowed")

    def extreme(name, a, b):
        """torch.minimum / maximum: the gradient goes to the smaller (larger) one, half each on a tie."""
        va, vb = a[0], b[0]
        first, second = ("<", ">") if name == "min" else (">", "<")
        out = new(f"Math.{name}({va}, {vb})", None, None)[0]
        wa = f"({va} === {vb} ? 0.5 : ({va} {first} {vb} ? 1 : 0))"
        wb = f"({va} === {vb} ? 0.5 : ({va} {second} {vb} ? 1 : 0))"
        return (out, *mix((wa, a), (wb, b)))

    def build(node):
        if isinstance(node, ast.Expression):
            return build(node.body)
        if isinstance(node, ast.Constant):
            if type(node.value) not in (int, float):
                raise _fail(expr, f"only numbers are allowed as constants, not {node.value!r}")
            return repr(float(node.value)), None, None
        if isinstance(node, ast.Name):
            if node.id in _VARS:
                return ("x", "1", None) if _VARS[node.id] == 0 else ("y", None, "1")
            if node.id in _CONSTS:
                return repr(_CONSTS[node.id]), None, None
            raise _fail(expr, f"unknown name {node.id!r}")
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            v, dx, dy = build(node.operand)
            if isinstance(node.op, ast.UAdd):
                return v, dx, dy
            if _is_number(v):   # a negative number is a number (x**-2 is special-cased as torch does)
                return repr(-float(v)), None, None
            return new(f"-({v})", None if dx is None else f"-({dx})", None if dy is None else f"-({dy})")
        if isinstance(node, ast.BinOp):
            constant = not any(isinstance(n, ast.Name) and n.id in _VARS for n in ast.walk(node.right))
            return binary(node.op, build(node.left), build(node.right), constant)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCS:
            args = [build(a) for a in node.args]
            name = node.func.id
            if name in ("min", "max"):
                return extreme(name, *args)
            if name == "atan2":
                (va, _, _), (vb, _, _) = args
                out = new(f"Math.atan2({va}, {vb})", None, None)[0]
                den = f"({va} * {va} + {vb} * {vb})"
                return (out, *mix((f"{vb} / {den}", args[0]), (f"-{va} / {den}", args[1])))
            return unary(name, args[0])
        raise _fail(expr, f"{type(node).__name__} is not allowed in a surface")

    value, dx, dy = build(tree)
    body = "\n  ".join(lines)
    return f"function (x, y) {{\n  {body}\n  return [{value}, {dx or '0'}, {dy or '0'}];\n}}"


def _power(base: str, exponent: str, key) -> str:
    """base ** exponent as torch's pow computes it for a number exponent: a few are special-cased."""
    special = {2.0: f"{base} * {base}", 3.0: f"{base} * {base} * {base}", 0.5: f"Math.sqrt({base})",
               -1.0: f"1 / {base}", -0.5: f"1 / Math.sqrt({base})", -2.0: f"1 / ({base} * {base})",
               1.0: base, 0.0: "1"}
    return special.get(key, f"Math.pow({base}, {exponent})")


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False
