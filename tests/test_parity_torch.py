"""Every op and several composite expressions against PyTorch float64, to 1e-10 relative."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest

from microgradx import Value, hessian, ops

torch = pytest.importorskip("torch")
F = torch.nn.functional

REL = 1e-10
ABS = 1e-13  # for results that are 0 up to the last bits


def close(ours: float, theirs: float) -> bool:
    """Equal to 1e-10 relative; two NaNs count as equal (both libraries mean "undefined")."""
    if math.isnan(theirs):
        return math.isnan(ours)
    return math.isclose(ours, theirs, rel_tol=REL, abs_tol=ABS)


def tensors(*xs: float) -> list[Any]:
    return [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]


# name -> (ours, theirs, points); the same expression written for each library
UNARY: dict[str, tuple[Callable[[Value], Value], Callable[[Any], Any], list[float]]] = {
    "neg": (lambda v: -v, lambda t: -t, [-2.0, 0.0, 3.5]),
    "abs": (abs, torch.abs, [-2.0, 0.0, 3.5]),
    "exp": (Value.exp, torch.exp, [-3.0, 0.0, 2.5]),
    "log": (Value.log, torch.log, [0.01, 1.0, 30.0]),
    "sqrt": (Value.sqrt, torch.sqrt, [0.01, 2.0, 9.0]),
    "tanh": (Value.tanh, torch.tanh, [-1000.0, -2.0, 0.0, 0.3, 20.0, 1000.0]),
    "sigmoid": (Value.sigmoid, torch.sigmoid, [-1000.0, -3.0, 0.0, 0.7, 1000.0]),
    "relu": (Value.relu, torch.relu, [-2.0, 0.0, 1.5]),
    "softplus": (Value.softplus, F.softplus, [-1000.0, -4.0, 0.0, 2.0, 15.0, 1000.0]),
    "sin": (Value.sin, torch.sin, [-2.0, 0.0, 1.3]),
    "cos": (Value.cos, torch.cos, [-2.0, 0.0, 1.3]),
    "tan": (Value.tan, torch.tan, [-1.2, 0.0, 0.5, 1.4]),
    "sinh": (Value.sinh, torch.sinh, [-3.0, 0.0, 0.5, 2.0, 700.0]),
    "cosh": (Value.cosh, torch.cosh, [-3.0, 0.0, 0.5, 2.0, -700.0]),
    "asin": (Value.asin, torch.asin, [-0.9, 0.0, 0.5, 0.99]),
    "acos": (Value.acos, torch.acos, [-0.9, 0.0, 0.5, 0.99]),
    "atan": (Value.atan, torch.atan, [-50.0, 0.0, 0.7, 1e8]),
    "asinh": (Value.asinh, torch.asinh, [-50.0, 0.0, 0.7, 1e8]),
    "acosh": (Value.acosh, torch.acosh, [1.01, 2.0, 1e8]),
    "atanh": (Value.atanh, torch.atanh, [-0.9, 0.0, 0.5, 0.99]),
    "sign": (Value.sign, torch.sign, [-2.0, 0.0, 3.5]),
    "log1p": (Value.log1p, torch.log1p, [-0.9, 0.0, 1e-12, 3.0]),
    "expm1": (Value.expm1, torch.expm1, [-20.0, -1.0, 0.0, 1e-12, 2.0, 700.0]),
    "pow3": (lambda v: v**3, lambda t: t**3, [-1.5, 0.0, 2.0]),
    "pow-0.5": (lambda v: v**-0.5, lambda t: t**-0.5, [0.2, 4.0]),
    "pow0": (lambda v: v**0, lambda t: t**0, [-1.0, 0.0, 2.0]),
    "leaky_relu": (lambda v: v.leaky_relu(0.1), lambda t: F.leaky_relu(t, 0.1), [-2.0, 0.0, 2.0]),
}

BINARY: dict[str, tuple[Callable[[Any, Any], Any], list[tuple[float, float]]]] = {
    "add": (lambda a, b: a + b, [(1.5, -2.0)]),
    "sub": (lambda a, b: a - b, [(1.5, -2.0)]),
    "mul": (lambda a, b: a * b, [(1.5, -2.0), (0.0, 3.0)]),
    "div": (lambda a, b: a / b, [(1.5, -2.0), (-0.1, 7.0)]),
    "pow": (lambda a, b: a**b, [(1.5, 2.0), (0.3, -1.7), (2.0, 0.0), (-2.0, 3.0), (0.0, 2.0)]),
    "mod": (lambda a, b: a % b, [(7.5, 2.0), (-7.5, 2.0), (7.5, -2.0), (0.3, 0.7)]),
}


def test_parity_covers_every_rule() -> None:
    # Adding an op to ops.RULES without a parity case here fails this test.
    assert set(ops.RULES) <= set(UNARY) | set(BINARY)


@pytest.mark.parametrize(("name", "x"), [(n, x) for n, (_, _, xs) in UNARY.items() for x in xs])
def test_unary_op_matches_torch(name: str, x: float) -> None:
    ours_fn, theirs_fn, _ = UNARY[name]
    v = Value(x)
    out = ours_fn(v)
    out.backward()
    (t,) = tensors(x)
    ref = theirs_fn(t)
    ref.backward()
    assert close(out.data, ref.item())
    assert close(v.grad, t.grad.item())


@pytest.mark.parametrize(
    ("name", "a", "b"), [(n, a, b) for n, (_, ps) in BINARY.items() for a, b in ps]
)
def test_binary_op_matches_torch(name: str, a: float, b: float) -> None:
    fn = BINARY[name][0]
    va, vb = Value(a), Value(b)
    out = fn(va, vb)
    out.backward()
    ta, tb = tensors(a, b)
    ref = fn(ta, tb)
    ref.backward()
    assert close(out.data, ref.item())
    assert close(va.grad, ta.grad.item())
    assert close(vb.grad, tb.grad.item())


# Composite expressions written once, run by both libraries: torch tensors have the same
# methods (.tanh(), .exp(), .sigmoid(), ...) except softplus.
def _softplus(x: Any) -> Any:
    return x.softplus() if isinstance(x, Value) else F.softplus(x)


def _chain_rule(x: Any, y: Any, z: Any) -> Any:
    return (2 * x + y) ** 2 + 0 * z


def _neuron(x: Any, y: Any, z: Any) -> Any:
    return (x * 0.7 - y * 1.3 + z).tanh()


def _value_power(x: Any, y: Any, z: Any) -> Any:
    return (x * x + 1) ** (y * z) + x**y


def _mixed(x: Any, y: Any, z: Any) -> Any:
    s = x * y
    return (s.sigmoid() + s.exp() / (1 + z * z)).log() * s.sin() + _softplus(s - z) / y.cos()


def _reuse(x: Any, y: Any, z: Any) -> Any:
    t = x * y + z
    total = t
    for _ in range(30):
        total = total * 0.9 + t * t / (1 + total * total)
    return total


COMPOSITES = {
    "chain_rule": _chain_rule,
    "neuron": _neuron,
    "value_power": _value_power,
    "mixed": _mixed,
    "reuse": _reuse,
}
POINTS = [(1.5, -2.0, 0.3), (0.4, 0.8, -1.1), (1.2, 0.5, 0.9)]


@pytest.mark.parametrize("point", POINTS)
@pytest.mark.parametrize("name", list(COMPOSITES))
def test_composite_gradient_matches_torch(name: str, point: tuple[float, float, float]) -> None:
    fn = COMPOSITES[name]
    vs = [Value(p) for p in point]
    out = fn(*vs)
    out.backward()
    ts = tensors(*point)
    ref = fn(*ts)
    ref.backward()
    assert close(out.data, ref.item())
    for v, t in zip(vs, ts, strict=True):
        assert close(v.grad, t.grad.item())


def _torch_hessian(fn: Callable[..., Any], point: tuple[float, ...]) -> list[list[float]]:
    ts = tensors(*point)
    grads = torch.autograd.grad(fn(*ts), ts, create_graph=True)
    rows = []
    for g in grads:
        if not g.requires_grad:  # a constant first derivative: its row is zero
            rows.append([0.0] * len(ts))
            continue
        second = torch.autograd.grad(g, ts, retain_graph=True, allow_unused=True)
        rows.append([0.0 if s is None else s.item() for s in second])
    return rows


@pytest.mark.parametrize("point", POINTS)
@pytest.mark.parametrize("name", list(COMPOSITES))
def test_composite_hessian_matches_torch(name: str, point: tuple[float, float, float]) -> None:
    fn = COMPOSITES[name]
    ours = hessian(fn)(*point)
    theirs = _torch_hessian(fn, point)
    for ours_row, theirs_row in zip(ours, theirs, strict=True):
        for o, t in zip(ours_row, theirs_row, strict=True):
            assert close(o, t)


@pytest.mark.parametrize(
    ("name", "x"),
    [(n, x) for n in ("exp", "log", "sqrt", "tanh", "sigmoid", "softplus", "sin", "cos", "pow3",
                      "pow-0.5", "tan", "sinh", "cosh", "asin", "acos", "atan", "asinh", "acosh",
                      "atanh", "log1p", "expm1")
     for x in UNARY[n][2] if abs(x) < 100],
)  # fmt: skip
def test_second_derivative_of_each_unary_op_matches_torch(name: str, x: float) -> None:
    ours_fn, theirs_fn, _ = UNARY[name]
    v = Value(x)
    ours_fn(v).backward(create_graph=True)
    g = v.grad
    v.grad = 0.0
    g.backward()
    (t,) = tensors(x)
    (first,) = torch.autograd.grad(theirs_fn(t), t, create_graph=True)
    (second,) = torch.autograd.grad(first, t)
    assert close(g.data, first.item())
    assert close(v.grad, second.item())
