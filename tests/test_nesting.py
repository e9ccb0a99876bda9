"""Transforms inside transforms: HIPS autograd's closure tests (tests/test_graphs.py), ported.

HIPS autograd checks each function with ``check_grads``: its gradient against central
differences, and the gradient of that gradient too. Here ``check_grads`` does the same with
``numeric.gradcheck`` and ``gradgradcheck``, so a function that calls ``grad`` inside is
differentiated two and three transforms deep. The array-only cases of the original
(indexing, keepdims, complex numbers, in-place assignment) have no scalar counterpart.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Any

import pytest

from microgradx import Value
from microgradx.functional import grad, hessian
from microgradx.numeric import gradcheck, gradgradcheck


def check_grads(f: Callable[..., Any], *point: float) -> None:
    """autograd's check_grads(f)(*point) to order 2: first and second derivatives vs differences."""
    assert gradcheck(f, point, eps=1e-5, atol=1e-7, rtol=1e-5)
    assert gradgradcheck(f, point, eps=1e-5, atol=1e-6, rtol=1e-4)


class TestHIPSAutogradGraphs:
    """autograd/tests/test_graphs.py, one test per original, scalars instead of arrays."""

    def test_grad_fanout(self) -> None:
        fun = lambda x: (x.sin() + x.sin()).sin()  # noqa: E731
        check_grads(fun, -0.7)
        check_grads(grad(fun), 0.4)

    def test_grad_const(self) -> None:
        assert grad(lambda x: Value(1.0))(2.0) == 0.0

    def test_grad_identity(self) -> None:
        df = grad(lambda x: x)
        assert df(2.0) == 1.0
        assert grad(df)(2.0) == 0.0

    def test_hess_vector_prod(self) -> None:
        rng = random.Random(1)
        randv = [rng.gauss(0.0, 1.0) for _ in range(4)]

        def fun(*x: Value) -> Value:
            return sum((xi * ri for xi, ri in zip(x, randv, strict=True)), Value(0.0)).sin()

        df = grad(fun, argnum=(0, 1, 2, 3))

        def vector_product(*xv: Value) -> Value:
            x, v = xv[:4], xv[4:]
            return sum((vi * gi for vi, gi in zip(v, df(*x), strict=True)), Value(0.0)).sin()

        a = [rng.gauss(0.0, 1.0) for _ in range(4)]
        b = [rng.gauss(0.0, 1.0) for _ in range(4)]
        check_grads(fun, *a)
        check_grads(vector_product, *a, *b)

    def test_enclosing_scope_ref(self) -> None:
        def fun(x: Value) -> Value:
            inner_fun = lambda y: x * y  # noqa: E731
            return x * grad(inner_fun)(2.0)

        check_grads(fun, 1.0)
        assert grad(fun)(1.0) == 2.0  # d/dx x·x

    def test_enclosing_scope_ref_2(self) -> None:
        def fun(x: Value) -> Value:
            inner_fun = lambda y: y * x  # noqa: E731
            return x * grad(inner_fun)(2.0)

        check_grads(fun, 1.0)
        assert grad(fun)(1.0) == 2.0

    def test_mutating_outgrad(self) -> None:
        def fun(a: Value) -> Value:
            b = a + 1.0
            c = b + 1.5
            d = a + b
            return d + c

        check_grads(fun, 0.3)
        assert grad(fun)(0.3) == 3.0

    def test_mutating_outgrad_from_indexing(self) -> None:
        def fun(*a: Value) -> Value:
            b = [ai + 1.0 for ai in a]
            c = b[0] + 1.5
            d = [ai + bi for ai, bi in zip(a, b, strict=True)]
            return sum((di + c for di in d), Value(0.0))

        check_grads(fun, 0.1, -0.4, 0.9)
        assert grad(fun, argnum=(0, 1, 2))(0.1, -0.4, 0.9) == (5.0, 2.0, 2.0)

    def test_third_derivative(self) -> None:
        fun = lambda x: (x.sin() + x.sin()).sin()  # noqa: E731
        df = grad(fun)
        ddf = grad(df)
        dddf = grad(ddf)
        check_grads(fun, 0.3)
        check_grads(df, 0.6)
        check_grads(ddf, 0.2)
        check_grads(dddf, -0.5)

    def test_third_derivative_other_args(self) -> None:
        fun = lambda x, y: (x.sin() + y.sin()).sin()  # noqa: E731
        df = grad(fun)
        ddf = grad(df, 1)
        dddf = grad(ddf)
        for f in (fun, df, ddf, dddf):
            check_grads(f, 0.3, -0.8)

    def test_third_derivative_other_args2(self) -> None:
        fun = lambda x, y: (x.sin() + y.sin()).sin()  # noqa: E731
        df = grad(fun, 1)
        ddf = grad(df)
        dddf = grad(ddf, 1)
        for f in (fun, df, ddf, dddf):
            check_grads(f, 0.7, 0.25)


# -- the cases issue 10 names, and the class they come from --------------------------------


def test_inner_grad_closing_over_the_outer_variable_gives_the_product_rule() -> None:
    assert grad(lambda x: x * grad(lambda y: x * y)(2.0))(1.0) == 2.0


def test_inner_grad_with_sin_of_the_outer_variable_is_differentiable() -> None:
    # The inner gradient is sin(x) (a Value here), not a float the outer grad cannot use.
    assert grad(lambda x: grad(lambda y: x.sin() * y)(2.0))(0.5) == pytest.approx(
        math.cos(0.5), rel=1e-15
    )


def test_inner_grad_of_the_outer_variable_itself_is_not_confused_with_it() -> None:
    # JAX's "perturbation confusion": d/dy (x·y) at y = x is x, whose derivative is 1, not 2.
    assert grad(lambda x: grad(lambda y: x * y)(x))(1.5) == 1.0


def test_hessian_of_a_function_calling_grad_inside() -> None:
    # f(x, y) = x · ∂/∂t (x·y·t)|t=1 = x²y: H = [[2y, 2x], [2x, 0]]
    f = lambda x, y: x * grad(lambda t: x * y * t)(1.0)  # noqa: E731
    assert hessian(f)(3.0, 2.0) == [[4.0, 6.0], [6.0, 0.0]]


# -- random nested programs against torch.func ----------------------------------------------

UNARY = ("sin", "cos", "tanh", "sigmoid", "exp")


def _random_program(rng: random.Random, depth: int) -> list[tuple[str, int, int]]:
    """A straight-line program over slots 0 (x) and 1 (y): (op, i, j) appends a new slot."""
    program = []
    for k in range(2, 2 + depth):
        op = rng.choice(("add", "mul", "sub", *UNARY))
        program.append((op, rng.randrange(k), rng.randrange(k)))
    return program


def _run(
    program: list[tuple[str, int, int]], x: Any, y: Any, unary: Callable[[str, Any], Any]
) -> Any:
    slots = [x, y]
    for op, i, j in program:
        a, b = slots[i], slots[j]
        if op == "add":
            slots.append(a + b)
        elif op == "mul":
            slots.append(a * b)
        elif op == "sub":
            slots.append(a - b)
        else:
            slots.append(unary(op, 0.5 * a))  # halved: exp stays small
    return slots[-1] + 0.1 * x * y  # always depends on both


def _value_unary(op: str, a: Value) -> Value:
    return getattr(a, op)()


@pytest.mark.parametrize("seed", range(40))
def test_random_nested_grads_match_torch_func(seed: int) -> None:
    torch = pytest.importorskip("torch")
    from torch.func import grad as tgrad

    def torch_unary(op: str, a: Any) -> Any:
        return getattr(torch, op)(a)

    rng = random.Random(seed)
    inner = _random_program(rng, rng.randrange(1, 6))
    outer = _random_program(rng, rng.randrange(1, 6))
    x0, c = rng.uniform(-1.5, 1.5), rng.uniform(-1.5, 1.5)

    def ours(x: Value) -> Value:
        g = grad(lambda y: _run(inner, x, y, _value_unary))(c)  # closes over the outer x
        return _run(outer, x, g, _value_unary)

    def theirs(x: Any) -> Any:
        g = tgrad(lambda y: _run(inner, x, y, torch_unary))(torch.tensor(c, dtype=torch.float64))
        return _run(outer, x, g, torch_unary)

    expected = float(tgrad(theirs)(torch.tensor(x0, dtype=torch.float64)))
    assert grad(ours)(x0) == pytest.approx(expected, rel=1e-12, abs=1e-12)
