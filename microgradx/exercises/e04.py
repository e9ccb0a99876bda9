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

from ..course import tr
from ..engine import Value
from ._core import Mistake, check, close

Program = list[tuple[str, int, int]]  # (op, i, j) over earlier nodes; leaves come first


def _new(V: Any, data: float) -> Any:
    try:
        return V(data)
    except Exception as e:
        raised = f"Value({data}): {type(e).__name__}: {e}"
        raise Mistake(tr(f"{raised}", f"오류: {raised}")) from None


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
        raised = f"{type(e).__name__}: {e}"
        raise Mistake(
            tr(
                f"building or backpropagating a graph raised {raised}",
                f"그래프 구성/역전파 중 오류: {raised}",
            )
        ) from e


def _grads(nodes: list[Any]) -> list[float]:
    return [float(getattr(n, "grad", math.nan)) for n in nodes]


def _diagnose(V: Any) -> str:
    """Name the classic bug with small probes, in the order that isolates each."""
    x = _guarded(V, [0.5], [("tanh", 0, 0)])
    if x[1].grad == 0 and x[0].grad == 0:
        return tr(
            "every gradient is 0, even the output's: backward() must seed the output with "
            "self.grad = 1.0 before walking the graph (a forgotten seed gradient)",
            "출력의 기울기까지 모두 0입니다: backward()는 그래프를 돌기 전에 출력에 "
            "self.grad = 1.0을 넣어야 합니다 (출력 기울기 1을 빠뜨림)",
        )
    for op, name in (("+", "__add__"), ("*", "__mul__"), ("tanh", "tanh")):
        ours = _run(Value, [1.5, -0.8], [(op, 0, 1)])
        theirs = _guarded(V, [1.5, -0.8], [(op, 0, 1)])
        for k in range(2 if op != "tanh" else 1):
            if not close(theirs[k].grad, ours[k].grad):
                mine, right = f"{theirs[k].grad:g}", f"{ours[k].grad:g}"
                return tr(
                    f"the local derivative in `{name}` is wrong: for a {op} b with a = 1.5, "
                    f"b = −0.8 input {k}'s grad is {mine}, the library says {right}",
                    f"`{name}`의 국소 미분이 틀렸습니다: a = 1.5, b = −0.8인 a {op} b에서 입력 "
                    f"{k}의 grad가 {mine}, 라이브러리는 {right}",
                )
    twice = _guarded(V, [1.5], [("*", 0, 0)])
    if close(twice[0].grad, 1.5):
        return tr(
            "x * x gives x.grad = 1.5 instead of 3: a Value used twice keeps one contribution; "
            "`_backward` must accumulate (self.grad += …), not assign (=)",
            "x * x에서 x.grad = 3이 아니라 1.5입니다: 두 번 쓰인 Value가 기여를 하나만 "
            "받았습니다. `_backward`는 대입(=)이 아니라 누적(self.grad += …)해야 합니다",
        )
    chain: Program = [("*", 0, 1), ("tanh", 2, 2), ("*", 3, 1)]
    ours = _run(Value, [0.7, 1.3], chain)
    theirs = _guarded(V, [0.7, 1.3], chain)
    if close(theirs[3].grad, ours[3].grad) and not close(theirs[0].grad, ours[0].grad):
        return tr(
            "the node next to the output has the right grad but the inputs further back do "
            "not: each node's _backward must run after every node that uses it, in reverse "
            "topological order (build the order first, then walk it backwards)",
            "출력 바로 앞 노드의 grad는 맞지만 더 뒤의 입력들은 틀립니다: 각 노드의 "
            "_backward는 그 노드를 쓰는 모든 노드 다음에 실행되어야 합니다. 위상 정렬한 "
            "순서를 거꾸로 도세요",
        )
    return ""


def _compare(V: Any, leaves: list[float], program: Program, what: str) -> None:
    ours, theirs = _grads(_run(Value, leaves, program)), _grads(_guarded(V, leaves, program))
    wrong = [k for k in range(len(ours)) if not close(theirs[k], ours[k])]
    if not wrong:
        return
    k = wrong[0]
    if k < len(leaves):
        node = tr(f"leaf {k}", f"잎 노드 {k}")
    else:
        node = tr(f"node {k}", f"노드 {k}") + f" ({program[k - len(leaves)][0]})"
    found = _diagnose(V) or tr(
        "compare your _backward closures with the chain rule",
        "_backward 함수들을 연쇄 법칙과 비교해 보세요",
    )
    mine, right = f"{theirs[k]:.6g}", f"{ours[k]:.6g}"
    raise Mistake(
        tr(
            f"on {what}, {node} has grad {mine}; the library says {right}. {found}",
            f"{what}에서 {node}의 grad가 {mine}, 라이브러리는 {right}. {found}",
        )
    )


def _notes_graphs() -> list[tuple[list[float], Program, str]]:
    # z = t·t with t = 2x + y (leaves x, y, 2), and with t = x + y: the notes' two examples
    first: Program = [("*", 2, 0), ("+", 3, 1), ("*", 4, 4)]
    second: Program = [("+", 0, 1), ("*", 2, 2)]
    return [
        ([1.0, 1.0, 2.0], first, tr("z = (2x + y)² at x = y = 1", "x = y = 1에서 z = (2x + y)²")),
        (
            [2.0, -0.5],
            second,
            tr("z = (x + y)² at x = 2, y = −0.5", "x = 2, y = −0.5에서 z = (x + y)²"),
        ),
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


@check("4.1", tr("your Value's forward pass: +, *, tanh", "여러분의 Value의 순전파: +, *, tanh"))
def forward(V: Any) -> str:
    """Data of the learner's nodes equals the library's on a small graph."""
    program: Program = [("*", 0, 1), ("+", 2, 0), ("tanh", 3, 3)]
    try:
        theirs = _run(V, [0.6, -1.4], program, backward=False)
    except NotImplementedError:
        raise
    except Exception as e:
        raised = f"{type(e).__name__}: {e}"
        raise Mistake(
            tr(
                f"building x*y + x then tanh raised {raised}",
                f"x*y + x, tanh 계산 중 오류: {raised}",
            )
        ) from e
    ours = _run(Value, [0.6, -1.4], program, backward=False)
    for k, (a, b) in enumerate(zip(theirs, ours, strict=True)):
        if not close(float(a.data), b.data):
            raise Mistake(
                tr(
                    f"node {k} holds {a.data!r}; it should hold {b.data:.6g}",
                    f"노드 {k}의 값이 {a.data!r}입니다. {b.data:.6g}이어야 합니다",
                )
            )
    return tr("x*y + x and its tanh hold the right numbers", "x*y + x와 그 tanh의 값이 맞습니다")


@check("4.2", tr("backward() on the notes' graphs", "노트의 그래프에서 backward()"))
def notes_graphs(V: Any) -> str:
    """Gradients of the notes' chain-rule examples equal the library's (8x + 4y, 2(x + y))."""
    for leaves, program, what in _notes_graphs():
        _compare(V, leaves, program, what)
    return tr(
        "∂z/∂x = 8x + 4y and 2(x + y), as the notes derive them",
        "노트가 유도한 대로 ∂z/∂x = 8x + 4y, 2(x + y)입니다",
    )


@check("4.3", tr("backward() on 50 random graphs", "무작위 그래프 50개에서 backward()"))
def random_graphs(V: Any) -> str:
    """Gradients of random graphs (nodes reused) equal the library's."""
    r = random.Random(4)
    for n in range(50):
        leaves = [r.uniform(-1.5, 1.5) for _ in range(3)]
        program = random_program(r, 3, 4 + n % 6)
        _compare(V, leaves, program, tr(f"random graph {n + 1}", f"무작위 그래프 {n + 1}"))
    return tr(
        "every gradient of 50 random graphs matches the library's",
        "무작위 그래프 50개의 기울기가 모두 라이브러리와 같습니다",
    )
