"""Checks of exercise 4: backpropagation from scratch, a 30-line ``Value`` of the learner's own.

The learner's class (``Value(data)``, ``+``, ``*``, ``.tanh()``, ``.backward()``, ``.grad``)
runs the notes' graphs and random graphs with shared nodes; every gradient is compared with
the library's. When they differ, small probes say which classic bug it is: a forgotten seed
(every gradient 0), ``=`` for ``+=`` (a Value used twice gets one contribution), a wrong
order (the nodes next to the output are right, those further back are not), or one op's
local derivative.
"""

from __future__ import annotations

import math
import random
from typing import Any

from ..engine import Value
from ._core import Mistake, check, close

Program = list[tuple[str, int, int]]  # (op, i, j) over earlier nodes; leaves come first


def _new(V: Any, data: float) -> Any:
    try:
        return V(data)
    except Exception as e:
        raise Mistake(f"Value({data}) raised {type(e).__name__}: {e}") from None


def _run(V: Any, leaves: list[float], program: Program, backward: bool = True) -> list[Any]:
    """Build the program with class V (theirs or the library's); every node, leaves first."""
    nodes = [_new(V, x) for x in leaves]
    for op, i, j in program:
        a, b = nodes[i], nodes[j]
        nodes.append(a + b if op == "+" else a * b if op == "*" else a.tanh())
    if backward:
        nodes[-1].backward()
    return nodes


def _guarded(V: Any, leaves: list[float], program: Program) -> list[Any]:
    try:
        return _run(V, leaves, program)
    except NotImplementedError:
        raise
    except Mistake:
        raise
    except Exception as e:  # their class may raise anything; say where
        raise Mistake(f"building or backpropagating a graph raised {type(e).__name__}: {e}") from e


def _grads(nodes: list[Any]) -> list[float]:
    return [float(getattr(n, "grad", math.nan)) for n in nodes]


def _diagnose(V: Any) -> str:
    """Name the classic bug with small probes, in the order that isolates each."""
    x = _guarded(V, [0.5], [("tanh", 0, 0)])
    if x[1].grad == 0 and x[0].grad == 0:
        return (
            "every gradient is 0, even the output's: backward() must seed the output with "
            "self.grad = 1.0 before walking the graph (a forgotten seed gradient)"
        )
    for op, name in (("+", "__add__"), ("*", "__mul__"), ("tanh", "tanh")):
        ours = _run(Value, [1.5, -0.8], [(op, 0, 1)])
        theirs = _guarded(V, [1.5, -0.8], [(op, 0, 1)])
        for k in range(2 if op != "tanh" else 1):
            if not close(theirs[k].grad, ours[k].grad):
                which = "first" if k == 0 else "second"
                return (
                    f"the local derivative in `{name}` is wrong: for a {op} b with a = 1.5, "
                    f"b = −0.8 the {which} input's grad is {theirs[k].grad:g}, "
                    f"the library says {ours[k].grad:g}"
                )
    twice = _guarded(V, [1.5], [("*", 0, 0)])
    if close(twice[0].grad, 1.5):
        return (
            "x * x gives x.grad = 1.5 instead of 3: a Value used twice keeps one contribution; "
            "`_backward` must accumulate (self.grad += …), not assign (=)"
        )
    chain: Program = [("*", 0, 1), ("tanh", 2, 2), ("*", 3, 1)]
    ours = _run(Value, [0.7, 1.3], chain)
    theirs = _guarded(V, [0.7, 1.3], chain)
    if close(theirs[3].grad, ours[3].grad) and not close(theirs[0].grad, ours[0].grad):
        return (
            "the node next to the output has the right grad but the inputs further back do "
            "not: each node's _backward must run after every node that uses it, in reverse "
            "topological order (build the order first, then walk it backwards)"
        )
    return ""


def _compare(V: Any, leaves: list[float], program: Program, what: str) -> None:
    ours, theirs = _grads(_run(Value, leaves, program)), _grads(_guarded(V, leaves, program))
    wrong = [k for k in range(len(ours)) if not close(theirs[k], ours[k])]
    if not wrong:
        return
    k = wrong[0]
    node = f"leaf {k}" if k < len(leaves) else f"node {k} ({program[k - len(leaves)][0]})"
    found = _diagnose(V) or "compare your _backward closures with the chain rule"
    raise Mistake(
        f"on {what}, {node} has grad {theirs[k]:.6g}; the library says {ours[k]:.6g}. {found}"
    )


def _notes_graphs() -> list[tuple[list[float], Program, str]]:
    # z = t·t with t = 2x + y (leaves x, y, 2), and with t = x + y: the notes' two examples
    first: Program = [("*", 2, 0), ("+", 3, 1), ("*", 4, 4)]
    second: Program = [("+", 0, 1), ("*", 2, 2)]
    return [
        ([1.0, 1.0, 2.0], first, "z = (2x + y)² at x = y = 1"),
        ([2.0, -0.5], second, "z = (x + y)² at x = 2, y = −0.5"),
    ]


def random_program(r: random.Random, n_leaves: int, n_ops: int) -> Program:
    """A random graph of +, * and tanh over earlier nodes (nodes reused, some used twice)."""
    program: Program = []
    for k in range(n_ops):
        size = n_leaves + k
        op = r.choice(["+", "*", "tanh"])
        i = r.randrange(size) if k == 0 else r.choice([size - 1, r.randrange(size)])
        program.append((op, i, r.randrange(size)))
    return program


@check("4.1", "your Value's forward pass: +, * and tanh compute the right data")
def forward(V: Any) -> str:
    """Data of the learner's nodes equals the library's on a small graph."""
    program: Program = [("*", 0, 1), ("+", 2, 0), ("tanh", 3, 3)]
    try:
        theirs = _run(V, [0.6, -1.4], program, backward=False)
    except NotImplementedError:
        raise
    except Exception as e:
        raise Mistake(f"building x*y + x then tanh raised {type(e).__name__}: {e}") from e
    ours = _run(Value, [0.6, -1.4], program, backward=False)
    for k, (a, b) in enumerate(zip(theirs, ours, strict=True)):
        if not close(float(a.data), b.data):
            raise Mistake(f"node {k} holds {a.data!r}; it should hold {b.data:.6g}")
    return "x*y + x and its tanh hold the right numbers"


@check("4.2", "backward() on the notes' graphs z = (2x + y)² and z = (x + y)²")
def notes_graphs(V: Any) -> str:
    """Gradients of the notes' chain-rule examples equal the library's (8x + 4y, 2(x + y))."""
    for leaves, program, what in _notes_graphs():
        _compare(V, leaves, program, what)
    return "∂z/∂x = 8x + 4y and 2(x + y), as the notes derive them"


@check("4.3", "backward() on 50 random graphs with shared nodes")
def random_graphs(V: Any) -> str:
    """Gradients of random graphs (nodes reused) equal the library's."""
    r = random.Random(4)
    for n in range(50):
        leaves = [r.uniform(-1.5, 1.5) for _ in range(3)]
        program = random_program(r, 3, 4 + n % 6)
        _compare(V, leaves, program, f"random graph {n + 1}")
    return "every gradient of 50 random graphs matches the library's"
