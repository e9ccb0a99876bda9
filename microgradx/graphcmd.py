"""``microgradx graph "EXPR"``: draw the computation graph of a one-line expression.

    microgradx graph "tanh(x*w + b)" --set x=2 --set w=-3 --set b=6.8814 -o neuron.svg

The expression is parsed with ``ast`` and walked through a small whitelist — names, numbers,
``+ - * / **``, unary ``-``/``+`` and calls to the Value functions — and never evaluated by
Python, so ``__import__('os')``, attributes, subscripts, lambdas and the like are rejected
with a one-line error (exit code 2) before anything is written.
"""

from __future__ import annotations

import argparse
import ast
import sys
import unicodedata
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ._checks import finite_real, is_real
from .engine import Value, topological_order

MAX_EXPRESSION_LENGTH = 500
MAX_DEPTH = 200  # nesting of the expression tree; far below Python's recursion limit

FUNCTIONS: dict[str, Callable[[Value], Value]] = {
    "exp": Value.exp,
    "log": Value.log,
    "sqrt": Value.sqrt,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "relu": Value.relu,
    "softplus": Value.softplus,
    "sin": Value.sin,
    "cos": Value.cos,
    "abs": Value.__abs__,
}
"""One-argument functions an expression may call; ``leaky_relu(x[, slope])`` is handled apart."""

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Value]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a**b,
}

_SYNTAX_NAMES = {
    "Attribute": "attribute access",
    "Subscript": "subscripts",
    "Lambda": "lambdas",
    "ListComp": "comprehensions",
    "SetComp": "comprehensions",
    "DictComp": "comprehensions",
    "GeneratorExp": "comprehensions",
    "Compare": "comparisons",
    "BoolOp": "and/or",
    "IfExp": "conditional expressions",
    "NamedExpr": "assignment expressions",
    "JoinedStr": "strings",
    "List": "lists",
    "Tuple": "tuples",
    "Dict": "dicts",
    "Set": "sets",
    "Starred": "starred arguments",
    "Await": "await",
    "Yield": "yield",
}


class ExpressionError(ValueError):
    """The expression uses something outside the whitelist, or cannot be computed."""


def parse_expression(text: str, variables: Mapping[str, float]) -> Value:
    """Build the graph of ``text`` from whitelisted syntax; variables become labelled leaves.

    Raises ``ExpressionError`` (one line, naming the problem) for anything else.

    >>> out = parse_expression("tanh(x*w + b)", {"x": 2, "w": -3, "b": 6.8814})
    >>> round(out.data, 4)
    0.7071
    """
    if not isinstance(text, str):
        raise ExpressionError(f"the expression must be a string, got {type(text).__name__}")
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise ExpressionError(
            f"expression too long ({len(text)} characters; at most {MAX_EXPRESSION_LENGTH})"
        )
    if not text.strip():
        raise ExpressionError("empty expression")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as e:
        raise ExpressionError(f"invalid syntax: {e.msg}") from None
    except (ValueError, MemoryError, RecursionError) as e:  # NUL bytes, absurd nesting
        raise ExpressionError(f"cannot parse the expression: {type(e).__name__}") from None
    leaves: dict[str, Value] = {}
    for given, value in variables.items():
        name = _identifier(given)
        leaves[name] = Value(_number(value, name), label=name)
    try:
        return _Walker(leaves).visit(tree.body, 0)
    except (ArithmeticError, ValueError, TypeError) as e:
        if isinstance(e, ExpressionError):
            raise
        raise ExpressionError(f"cannot compute: {_one_line(e)}") from None


def _one_line(e: BaseException) -> str:
    return " ".join(str(e).split()) or type(e).__name__


def _number(value: Any, what: str) -> float:
    try:
        return finite_real(value, what, "value")
    except (TypeError, ValueError) as e:
        raise ExpressionError(str(e)) from None


def _identifier(name: str) -> str:
    """``name`` as the parser sees it: Python folds identifiers to NFKC (``ｘ`` is ``x``)."""
    return unicodedata.normalize("NFKC", name)


class _Walker:
    """Turns a whitelisted syntax tree into Values; every other node type is an error."""

    def __init__(self, leaves: Mapping[str, Value]) -> None:
        self.leaves = leaves

    def visit(self, node: ast.expr, depth: int) -> Value:
        if depth > MAX_DEPTH:
            raise ExpressionError(f"expression nested too deeply (more than {MAX_DEPTH} levels)")
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow) and _is_number(node.right):
            # x ** 2 becomes one "**2" op node (the engine's constant-power op), not x ** Value(2)
            return self.visit(node.left, depth + 1) ** _constant(node.right, "exponent")
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            a = self.visit(node.left, depth + 1)
            b = self.visit(node.right, depth + 1)
            return _BINARY[type(node.op)](a, b)
        if _is_number(node):  # -3 is one constant leaf, not neg(3)
            return Value(_constant(node, "constant"))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = self.visit(node.operand, depth + 1)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        if isinstance(node, ast.Name):
            if node.id in self.leaves:
                return self.leaves[node.id]
            if node.id in FUNCTIONS or node.id == "leaky_relu":
                raise ExpressionError(f"{node.id} is a function: call it, e.g. {node.id}(x)")
            raise ExpressionError(f"undefined variable {node.id!r}: give it a value with --set")
        if isinstance(node, ast.Constant):  # numbers were taken above
            raise ExpressionError(f"only numbers are allowed as constants, got {node.value!r}")
        if isinstance(node, ast.BinOp):
            raise ExpressionError(f"operator {_op_text(node.op)} is not allowed; use + - * / **")
        if isinstance(node, ast.UnaryOp):
            raise ExpressionError(f"unary {_op_text(node.op)} is not allowed; use - or +")
        what = _SYNTAX_NAMES.get(type(node).__name__, type(node).__name__)
        raise ExpressionError(f"{what} not allowed in an expression")

    def call(self, node: ast.Call, depth: int) -> Value:
        if not isinstance(node.func, ast.Name):
            raise ExpressionError("only plain function calls like tanh(x) are allowed")
        name = node.func.id
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise ExpressionError(f"{name}() takes positional arguments only")
        if name == "leaky_relu":
            if len(node.args) not in (1, 2):
                raise ExpressionError("leaky_relu() takes x and an optional numeric slope")
            x = self.visit(node.args[0], depth + 1)
            if len(node.args) == 1:
                return x.leaky_relu()
            return x.leaky_relu(_constant(node.args[1], "leaky_relu slope"))
        if name not in FUNCTIONS:
            allowed = ", ".join([*FUNCTIONS, "leaky_relu"])
            raise ExpressionError(f"unknown function {name!r}; allowed: {allowed}")
        if len(node.args) != 1:
            raise ExpressionError(f"{name}() takes exactly one argument")
        return FUNCTIONS[name](self.visit(node.args[0], depth + 1))


def _is_number(node: ast.expr) -> bool:
    """A numeric literal, optionally signed: ``2``, ``-0.5``, ``+1e-3``."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        node = node.operand
    return isinstance(node, ast.Constant) and is_real(node.value)


def _constant(node: ast.expr, what: str) -> float:
    """The value of a numeric literal, optionally signed."""
    if not _is_number(node):
        raise ExpressionError(f"{what} must be a number")
    if isinstance(node, ast.UnaryOp):
        inner = _constant(node.operand, what)
        return -inner if isinstance(node.op, ast.USub) else inner
    assert isinstance(node, ast.Constant)
    return _number(node.value, what)


def _op_text(op: ast.AST) -> str:
    return {
        "FloorDiv": "//",
        "Mod": "%",
        "MatMult": "@",
        "LShift": "<<",
        "RShift": ">>",
        "BitOr": "|",
        "BitAnd": "&",
        "BitXor": "^",
        "Invert": "~",
        "Not": "not",
    }.get(type(op).__name__, type(op).__name__)


def _assignment(text: str) -> tuple[str, float]:
    """Parse one ``--set NAME=VALUE``."""
    name, sep, value = text.partition("=")
    name = _identifier(name.strip())
    if not sep or not name.isidentifier():
        raise ExpressionError(f"--set expects NAME=NUMBER, got {text!r}")
    if name in FUNCTIONS or name == "leaky_relu":
        raise ExpressionError(f"--set {name}: {name} is a function name")
    try:
        number = float(value)
    except ValueError:
        raise ExpressionError(f"--set {name}: {value.strip()!r} is not a number") from None
    return name, _number(number, f"--set {name}")


def add_parser(subparsers: Any) -> None:
    """Register the ``graph`` subcommand."""
    p = subparsers.add_parser(
        "graph",
        help="draw the computation graph of an expression, with gradients",
        description=(
            'Draw the computation graph of EXPR, e.g. "tanh(x*w + b)", after backward(). '
            "Allowed: variables, numbers, + - * / **, unary -, and "
            f"{', '.join(FUNCTIONS)}, leaky_relu(x[, slope])."
        ),
    )
    p.add_argument("expression", metavar="EXPR", help='the expression, e.g. "tanh(x*w + b)"')
    p.add_argument(
        "--set",
        dest="assignments",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="value of a variable (repeat for each variable)",
    )
    p.add_argument("-o", "--output", default="graph.svg", help="output file (default graph.svg)")
    p.add_argument(
        "--format",
        choices=("svg", "png", "dot"),
        help="output format (default: from the file suffix, else svg)",
    )
    p.add_argument("--no-backward", action="store_true", help="draw without running backward()")
    p.add_argument("--rankdir", choices=("LR", "TB"), default="LR", help="layout direction")
    p.set_defaults(run=run)


def _fail(message: str, code: int = 2) -> int:
    print(f"microgradx graph: error: {message}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    """Parse, differentiate and render; returns the exit code (2 for a bad expression)."""
    from .viz import GraphvizNotFoundError, draw_dot, render_graph

    output = Path(args.output)
    fmt = args.format or (output.suffix.lstrip(".").lower() or "svg")
    if fmt not in ("svg", "png", "dot"):
        return _fail(f"cannot tell the format from {output.name!r}; use --format svg|png|dot")
    try:
        variables = dict(_assignment(a) for a in args.assignments)
        root = parse_expression(args.expression, variables)
        if not args.no_backward:
            root.backward()
    except ExpressionError as e:
        return _fail(str(e))
    except (ArithmeticError, ValueError) as e:  # backward can still meet e.g. 0 ** -1
        return _fail(f"cannot differentiate: {_one_line(e)}")
    dot = draw_dot(root, rankdir=args.rankdir, title=args.expression)
    try:
        render_graph(dot, output, fmt)
    except GraphvizNotFoundError as e:
        return _fail(f"{e} (or use --format dot)", code=1)
    except OSError as e:
        return _fail(f"cannot write {output}: {e.strerror or e}", code=1)
    summary = f"{args.expression} = {root.data:.6g}"
    if not args.no_backward:
        leaves = {v.label: v for v in topological_order(root) if v.is_leaf() and v.label}
        grads = ", ".join(f"∂/∂{name} = {v.grad:.6g}" for name, v in sorted(leaves.items()))
        summary += f"; {grads}" if grads else ""
    print(summary)
    print(f"wrote {output}")
    return 0
