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
import os
import sys
import tempfile
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
    "tan": Value.tan,
    "sinh": Value.sinh,
    "cosh": Value.cosh,
    "asin": Value.asin,
    "acos": Value.acos,
    "atan": Value.atan,
    "asinh": Value.asinh,
    "acosh": Value.acosh,
    "atanh": Value.atanh,
    "sign": Value.sign,
    "log1p": Value.log1p,
    "expm1": Value.expm1,
    "abs": Value.__abs__,
}
"""One-argument functions an expression may call; ``leaky_relu(x[, slope])`` is handled apart."""

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Value]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a**b,
    ast.Mod: lambda a, b: a % b,
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


class _UndefinedVariable(ExpressionError):
    """A name with no ``--set`` value; ``parse_expression`` reports all of them at once."""


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
    except _UndefinedVariable:
        missing = undefined_names(tree, leaves)
        if len(missing) == 1:
            raise ExpressionError(
                f"undefined variable {missing[0]!r}: give it a value with --set"
            ) from None
        names = ", ".join(repr(name) for name in missing)
        raise ExpressionError(
            f"undefined variables {names}: give each a value with --set"
        ) from None
    except (ArithmeticError, ValueError, TypeError) as e:
        if isinstance(e, ExpressionError):
            raise
        raise ExpressionError(f"cannot compute: {_one_line(e)}") from None


def variable_names(tree: ast.AST) -> list[str]:
    """The variables an expression reads, in order of first use (function names excluded)."""
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    found = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in called]
    found.sort(key=lambda n: (n.lineno, n.col_offset))  # ast.walk is breadth-first
    names = (n.id for n in found if n.id not in FUNCTIONS and n.id != "leaky_relu")
    return list(dict.fromkeys(names))


def undefined_names(tree: ast.AST, variables: Mapping[str, Any]) -> list[str]:
    """The variables ``tree`` reads that ``variables`` does not give."""
    return [name for name in variable_names(tree) if name not in variables]


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
        if isinstance(node, ast.BinOp):
            return self.binary(node, depth)
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
            raise _UndefinedVariable(node.id)
        if isinstance(node, ast.Constant):  # numbers were taken above
            raise ExpressionError(f"only numbers are allowed as constants, got {node.value!r}")
        if isinstance(node, ast.UnaryOp):
            raise ExpressionError(f"unary {_op_text(node.op)} is not allowed; use - or +")
        what = _SYNTAX_NAMES.get(type(node).__name__, type(node).__name__)
        raise ExpressionError(f"{what} not allowed in an expression")

    def binary(self, node: ast.BinOp, depth: int) -> Value:
        """A chain like ``a + b - c + …`` (left-nested in the tree) walked as a loop.

        A flat sum of hundreds of terms is long, not deep: only the right operands, which
        parentheses can nest, count towards ``MAX_DEPTH``.
        """
        chain: list[ast.BinOp] = []
        left: ast.expr = node
        while isinstance(left, ast.BinOp):
            if type(left.op) not in _BINARY:
                raise ExpressionError(
                    f"operator {_op_text(left.op)} is not allowed; use + - * / **"
                )
            chain.append(left)
            left = left.left
        out = self.visit(left, depth + 1)
        for step in reversed(chain):
            if isinstance(step.op, ast.Pow) and _is_number(step.right):
                # x ** 2 becomes one "**2" op node (the constant-power op), not x ** Value(2)
                out = out ** _constant(step.right, "exponent")
            else:
                out = _BINARY[type(step.op)](out, self.visit(step.right, depth + 1))
        return out

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


# What an expression may contain, for both commands' --help (graph and explore).
ALLOWED = (
    "Allowed: variables, numbers, + - * / ** %, unary -, and "
    f"{', '.join(FUNCTIONS)}, leaky_relu(x[, slope])."
)


def add_parser(subparsers: Any) -> None:
    """Register the ``graph`` subcommand."""
    p = subparsers.add_parser(
        "graph",
        help="draw the computation graph of an expression, with gradients",
        description=(
            'Draw the computation graph of EXPR, e.g. "tanh(x*w + b)", after backward(). ' + ALLOWED
        ),
    )
    _add_expression_arguments(p, "value of a variable (repeat for each variable)")
    p.add_argument("-o", "--output", default="graph.svg", help="output file (default graph.svg)")
    p.add_argument(
        "--format",
        choices=("svg", "png", "dot"),
        help="output format (default: from the file suffix, else svg)",
    )
    p.add_argument("--no-backward", action="store_true", help="draw without running backward()")
    p.add_argument("--rankdir", choices=("LR", "TB"), default="LR", help="layout direction")
    p.set_defaults(run=run)


def _add_expression_arguments(p: argparse.ArgumentParser, set_help: str) -> None:
    """EXPR and ``--set NAME=VALUE``, as ``graph`` and ``explore`` both take them."""
    p.add_argument("expression", metavar="EXPR", help='the expression, e.g. "tanh(x*w + b)"')
    p.add_argument(
        "--set",
        dest="assignments",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help=set_help,
    )


def _fail(message: str, code: int = 2, command: str = "graph") -> int:
    print(f"microgradx {command}: error: {message}", file=sys.stderr)
    return code


def _warn(message: str, command: str = "graph") -> None:
    print(f"microgradx {command}: warning: {message}", file=sys.stderr)


def _variables(assignments: list[str], command: str = "graph") -> dict[str, float]:
    """``--set`` values by name; a name given twice warns and the last value wins."""
    variables: dict[str, float] = {}
    for text in assignments:
        name, value = _assignment(text)
        if name in variables:
            _warn(f"--set {name} given twice; using the last value, {value:g}", command)
        variables[name] = value
    return variables


def _named_leaves(
    variables: dict[str, float], root: Value, command: str = "graph"
) -> dict[str, Value]:
    """The expression's labelled leaves by name; warns about each ``--set`` name it never uses."""
    leaves = {v.label: v for v in topological_order(root) if v.is_leaf() and v.label}
    for name in variables:
        if name not in leaves:
            _warn(f"--set {name}: the expression does not use {name}", command)
    return leaves


def _output(text: str, default_name: str) -> Path | None:
    """Where ``-o`` writes: a file, ``default_name`` inside a directory, or None for stdout."""
    if text == "-":
        return None
    output = Path(text)
    if text.endswith(("/", os.sep)) or output.is_dir():
        return output / default_name
    return output


def run(args: argparse.Namespace) -> int:
    """Parse, differentiate and render; returns the exit code (2 for a bad expression)."""
    from .viz import GraphvizError, GraphvizNotFoundError, draw_dot, render_graph

    if not args.output:
        return _fail("-o needs a file name, a directory, or - for standard output")
    output = _output(args.output, f"graph.{args.format or 'svg'}")
    suffix = output.suffix.lstrip(".").lower() if output is not None else ""
    fmt = args.format or suffix or "svg"
    if fmt not in ("svg", "png", "dot"):
        assert output is not None  # stdout has no suffix to guess from
        return _fail(f"cannot tell the format from {output.name!r}; use --format svg|png|dot")
    try:
        variables = _variables(args.assignments)
        root = parse_expression(args.expression, variables)
        if not args.no_backward:
            root.backward()
    except ExpressionError as e:
        return _fail(str(e))
    except (ArithmeticError, ValueError) as e:  # backward can still meet e.g. 0 ** -1
        return _fail(f"cannot differentiate: {_one_line(e)}")
    leaves = _named_leaves(variables, root)
    dot = draw_dot(root, rankdir=args.rankdir, title=args.expression)
    try:
        if output is None:
            with tempfile.TemporaryDirectory() as folder:
                data = render_graph(dot, Path(folder) / f"graph.{fmt}", fmt).read_bytes()
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            render_graph(dot, output, fmt)
    except (GraphvizNotFoundError, GraphvizError) as e:
        return _fail(f"{e} (or use --format dot)", code=1)
    except OSError as e:
        return _fail(f"cannot write {output or 'to standard output'}: {e.strerror or e}", code=1)
    summary = f"{args.expression} = {root.data:.6g}"
    if not args.no_backward:
        grads = ", ".join(f"∂/∂{name} = {v.grad:.6g}" for name, v in sorted(leaves.items()))
        summary += f"; {grads}" if grads else ""
    report = sys.stdout if output is not None else sys.stderr  # stdout carries the picture
    print(summary, file=report)
    print(f"wrote {output or 'the graph to standard output'}", file=report)
    return 0
