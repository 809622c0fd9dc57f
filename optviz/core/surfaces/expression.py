"""Safe user-defined surfaces: parse an expression in x/y (or w1/w2) into a torch function.

The expression is parsed with `ast` and compiled node by node into closures over torch operations;
nothing is ever passed to `eval`/`exec`. Only numbers, the variables, + - * / ** %, unary minus and a
whitelist of math functions are accepted (`^` is read as `**`, as people write a power: Python's `^`
is a bitwise operator, meaningless on a surface, and of lower precedence than `+`, so the text is
changed before parsing, not the tree after it); attribute access, subscripts, other names, huge exponents
and over-long inputs are rejected with an error that names the offending piece.
"""
from __future__ import annotations

import ast
import math
from typing import Callable

import torch

from ...errors import OptvizError

MAX_LENGTH = 400
MAX_NODES = 200
MAX_EXPONENT = 64

_FUNCS: dict[str, Callable] = {
    "sin": torch.sin, "cos": torch.cos, "tan": torch.tan, "exp": torch.exp, "log": torch.log,
    "log1p": torch.log1p, "sqrt": torch.sqrt, "abs": torch.abs, "tanh": torch.tanh,
    "sinh": torch.sinh, "cosh": torch.cosh, "atan": torch.atan, "arctan": torch.atan,
    "sigmoid": torch.sigmoid, "softplus": torch.nn.functional.softplus, "relu": torch.relu,
    "sign": torch.sign,
    "atan2": torch.atan2, "min": torch.minimum, "max": torch.maximum,
}
_ARITY = {"atan2": 2, "min": 2, "max": 2}
_CONSTS = {"pi": math.pi, "e": math.e}
_VARS = {"x": 0, "w1": 0, "y": 1, "w2": 1}
OPERATORS = "the operators are + - * / % and ** (or ^) for a power"
# the operators Python parses that a surface does not have, as written (for the message)
_SYMBOLS = {ast.FloorDiv: "//", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>", ast.BitOr: "|", ast.BitAnd: "&",
            ast.Invert: "~", ast.Not: "not", ast.And: "and", ast.Or: "or", ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<",
            ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Is: "is", ast.IsNot: "is not", ast.In: "in",
            ast.NotIn: "not in"}
_BINOPS = {
    ast.Add: torch.add, ast.Sub: torch.sub, ast.Mult: torch.mul, ast.Div: torch.div,
    ast.Pow: torch.pow, ast.Mod: torch.remainder,
}


def _fail(expr: str, why: str) -> OptvizError:
    return OptvizError(f"invalid surface expression {expr!r}: {why}")


def parse_expression(expr: str, limits: bool = True) -> ast.Expression:
    """The syntax tree of `expr`, with its size checked (`limits=False` for optviz's own formulas, such
    as a data surface's sum over its points; names and operations are checked where it is used)."""
    if not isinstance(expr, str) or not expr.strip():
        raise _fail(str(expr), "it is empty")
    if limits and len(expr) > MAX_LENGTH:
        raise _fail(expr[:40] + "...", f"it is {len(expr)} characters long; the limit is {MAX_LENGTH}")
    try:
        tree = ast.parse(expr.strip().replace("^", "**"), mode="eval")
    except SyntaxError as exc:
        raise _fail(expr, f"syntax error at column {exc.offset}") from None
    if limits and sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise _fail(expr, f"more than {MAX_NODES} syntax nodes")
    return tree


def compile_expression(expr: str, limits: bool = True) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """Return f(w1, w2) computing `expr` with torch, broadcasting like any surface function."""
    tree = parse_expression(expr, limits)

    def build(node: ast.AST):
        if isinstance(node, ast.Expression):
            return build(node.body)
        if isinstance(node, ast.Constant):
            if type(node.value) not in (int, float):
                raise _fail(expr, f"only numbers are allowed as constants, not {node.value!r}")
            value = float(node.value)
            return lambda w1, w2: value
        if isinstance(node, ast.Name):
            if node.id in _VARS:
                index = _VARS[node.id]
                return (lambda w1, w2: w1) if index == 0 else (lambda w1, w2: w2)
            if node.id in _CONSTS:
                value = _CONSTS[node.id]
                return lambda w1, w2: value
            raise _fail(expr, f"unknown name {node.id!r}; use x, y (or w1, w2), pi, e and functions "
                              f"{', '.join(sorted(_FUNCS))}")
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            inner = build(node.operand)
            if isinstance(node.op, ast.UAdd):
                return inner
            return lambda w1, w2: -inner(w1, w2)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            op = _BINOPS[type(node.op)]
            left, right = build(node.left), build(node.right)
            if isinstance(node.op, ast.Pow) and not any(isinstance(n, ast.Name) and n.id in _VARS
                                                        for n in ast.walk(node.right)):
                probe = torch.zeros((), dtype=torch.float64)
                exponent = float(_as_tensor(right(probe, probe), probe))
                if not abs(exponent) <= MAX_EXPONENT:
                    raise _fail(expr, f"exponent {exponent:g} is too large (|exponent| <= {MAX_EXPONENT})")
            return lambda w1, w2: _apply(op, left(w1, w2), right(w1, w2), w1)
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in _FUNCS:
                shown = node.func.id if isinstance(node.func, ast.Name) else ast.unparse(node.func)
                raise _fail(expr, f"function {shown!r} is not allowed; choose from: {', '.join(sorted(_FUNCS))}")
            name = node.func.id
            if node.keywords or len(node.args) != _ARITY.get(name, 1):
                raise _fail(expr, f"{name}() takes {_ARITY.get(name, 1)} positional argument(s)")
            fn = _FUNCS[name]
            args = [build(a) for a in node.args]
            return lambda w1, w2: fn(*(_as_tensor(a(w1, w2), w1) for a in args))
        if isinstance(node, ast.Attribute):
            raise _fail(expr, f"attribute access ({ast.unparse(node)}) is not allowed")
        if isinstance(node, (ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare)):
            op = node.ops[0] if isinstance(node, ast.Compare) else node.op
            raise _fail(expr, f"operator {_SYMBOLS.get(type(op), type(op).__name__)!r} is not allowed; {OPERATORS}")
        raise _fail(expr, f"{type(node).__name__} ({ast.unparse(node)}) is not allowed")

    body = build(tree)
    if not any(isinstance(n, ast.Name) and n.id in _VARS for n in ast.walk(tree)):
        raise _fail(expr, "it does not depend on x or y, so it has no slope to follow; write a function of x, y "
                          "(or w1, w2), e.g. x**2 + 10*sin(y)")

    def surface(w1: torch.Tensor, w2: torch.Tensor) -> torch.Tensor:
        w1, w2 = torch.broadcast_tensors(torch.as_tensor(w1), torch.as_tensor(w2))
        return _as_tensor(body(w1, w2), w1)

    return surface


def _as_tensor(value, like: torch.Tensor) -> torch.Tensor:
    if isinstance(value, torch.Tensor):
        return value
    return torch.full_like(like, value)


def _apply(op, a, b, like):
    if not isinstance(a, torch.Tensor) and not isinstance(b, torch.Tensor):
        a = _as_tensor(a, like)
    return op(a, b)
