"""grad, value_and_grad, jacobian and hessian as functions of floats."""

from __future__ import annotations

import doctest
import math
from typing import Any

import numpy as np
import pytest

from microgradx import (
    Value,
    functional,
    grad,
    hessian,
    hvp,
    jacobian,
    jvp,
    no_grad,
    numerical_gradient,
    value_and_grad,
)
from microgradx.numeric import gradcheck


def f3(x: Value, y: Value, z: Value) -> Value:
    """x²y + y·z³ + sin(xz): every second partial derivative is non-zero."""
    return x * x * y + y * z**3 + (x * z).sin()


def f3_gradient(x: float, y: float, z: float) -> list[float]:
    c = math.cos(x * z)
    return [2 * x * y + z * c, x * x + z**3, 3 * y * z * z + x * c]


def f3_hessian(x: float, y: float, z: float) -> list[list[float]]:
    s, c = math.sin(x * z), math.cos(x * z)
    return [
        [2 * y - z * z * s, 2 * x, c - x * z * s],
        [2 * x, 0.0, 3 * z * z],
        [c - x * z * s, 3 * z * z, 6 * y * z - x * x * s],
    ]


POINTS = [(0.5, -1.2, 2.0), (1.0, 2.0, -0.3), (-0.7, 0.1, 1.1)]


def test_docstring_examples_run() -> None:
    result = doctest.testmod(functional)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("point", POINTS)
def test_grad_of_each_argument_matches_analytic(point: tuple[float, float, float]) -> None:
    expected = f3_gradient(*point)
    for i in range(3):
        assert grad(f3, argnum=i)(*point) == pytest.approx(expected[i], rel=1e-14)


@pytest.mark.parametrize("point", POINTS)
def test_grad_with_tuple_argnum_returns_a_tuple(point: tuple[float, float, float]) -> None:
    got = grad(f3, argnum=(0, 1, 2))(*point)
    assert isinstance(got, tuple)
    assert list(got) == pytest.approx(f3_gradient(*point), rel=1e-14)
    assert grad(f3, argnum=(2, 0))(*point) == (got[2], got[0])


def test_grad_accepts_a_negative_argnum() -> None:
    assert grad(f3, argnum=-1)(*POINTS[0]) == grad(f3, argnum=2)(*POINTS[0])


def test_grad_returns_floats_and_defaults_to_the_first_argument() -> None:
    g = grad(lambda x, y: x * y)(3, 4)
    assert type(g) is float and g == 4.0


def test_grad_agrees_with_central_differences() -> None:
    point = [0.3, -0.8, 1.7]
    numeric = numerical_gradient(lambda *xs: f3(*(Value(x) for x in xs)), point, h=1e-6)
    assert list(grad(f3, argnum=(0, 1, 2))(*point)) == pytest.approx(numeric, rel=1e-8)


def test_value_and_grad_returns_the_value_and_the_gradient() -> None:
    point = POINTS[1]
    value, gradient = value_and_grad(f3, argnum=(0, 1, 2))(*point)
    assert value == f3(*(Value(p) for p in point)).data
    assert list(gradient) == pytest.approx(f3_gradient(*point), rel=1e-14)


def test_grad_of_a_function_ignoring_an_argument_is_zero() -> None:
    assert grad(lambda x, y: x * 2, argnum=1)(1.0, 5.0) == 0.0


@pytest.mark.parametrize("point", POINTS)
def test_hessian_of_three_variable_function_matches_analytic(
    point: tuple[float, float, float],
) -> None:
    got = hessian(f3)(*point)
    expected = f3_hessian(*point)
    assert len(got) == 3 and all(len(row) == 3 for row in got)
    for got_row, expected_row in zip(got, expected, strict=True):
        assert got_row == pytest.approx(expected_row, rel=1e-13, abs=1e-14)


def test_hessian_is_symmetric_and_matches_differences_of_the_gradient() -> None:
    point = [0.4, 1.3, -0.6]
    h = hessian(f3)(*point)
    assert np.allclose(h, np.transpose(h), rtol=1e-14, atol=0)
    for j in range(3):
        column = numerical_gradient(lambda *xs, j=j: f3_gradient(*xs)[j], point, h=1e-6)
        assert [h[j][k] for k in range(3)] == pytest.approx(column, rel=1e-7, abs=1e-8)


def test_hessian_of_a_quadratic_is_its_constant_matrix() -> None:
    # f = ½ xᵀAx with A = [[2, 1], [1, 3]]: the Hessian is A everywhere (Newton's method's model)
    def f(x: Value, y: Value) -> Value:
        return 0.5 * (2 * x * x + 2 * x * y + 3 * y * y)

    for point in [(0.0, 0.0), (1.5, -2.0)]:
        assert hessian(f)(*point) == [[2.0, 1.0], [1.0, 3.0]]


def test_jacobian_of_a_vector_function_matches_analytic() -> None:
    def f(x: Value, y: Value) -> list[Value]:
        return [x * y, x.sin() + y, (x / y).exp()]

    x, y = 0.8, -1.5
    e = math.exp(x / y)
    expected = [[y, x], [math.cos(x), 1.0], [e / y, -e * x / y**2]]
    got = jacobian(f)(x, y)
    for got_row, expected_row in zip(got, expected, strict=True):
        assert got_row == pytest.approx(expected_row, rel=1e-14)


def test_jacobian_of_a_scalar_function_is_its_gradient() -> None:
    point = POINTS[2]
    assert jacobian(f3)(*point) == list(grad(f3, argnum=(0, 1, 2))(*point))


def test_transforms_nest_for_higher_derivatives() -> None:
    x = 0.9
    assert grad(grad(lambda v: v**3))(x) == pytest.approx(6 * x, rel=1e-14)
    assert grad(grad(grad(Value.sin)))(x) == pytest.approx(-math.cos(x), rel=1e-14)
    assert grad(grad(lambda v: v * v))(x) == 2.0


def test_transforms_leave_closed_over_values_untouched() -> None:
    w = Value(3.0)
    w.grad = 7.0  # e.g. a parameter's gradient from the training step in progress

    def f(x: Value) -> Value:
        return w * x * x

    assert grad(f)(2.0) == 12.0
    assert hessian(f)(2.0) == [[6.0]]
    assert w.grad == 7.0


def test_transforms_change_no_grad_of_nodes_they_did_not_create() -> None:
    w = Value(3.0)
    h = w * 2.0  # an intermediate of the caller's own graph, with its gradient from backward
    (h * h).backward()
    assert (w.grad, h.grad) == (24.0, 12.0)
    assert grad(lambda x: x * h)(2.0) == 6.0
    assert jacobian(lambda x: [x * h, x + h])(2.0) == [[6.0], [1.0]]
    assert gradcheck(lambda x: (x * h).tanh(), [0.1])
    assert (w.grad, h.grad) == (24.0, 12.0)


def test_grad_needs_no_derivative_of_a_constant_base() -> None:
    assert grad(lambda y: 0.0**y)(0.5) == 0.0  # PyTorch: 0.0


def test_grad_ignores_closed_over_values_nothing_requested_depends_on() -> None:
    c = Value(0.0)  # sqrt has an infinite slope at 0, but nobody asked for dc
    assert grad(lambda x: x + c.sqrt())(2.0) == 1.0


def test_transforms_work_inside_no_grad() -> None:
    with no_grad():
        assert grad(lambda x: x * x)(3.0) == 6.0
        assert hessian(lambda x: x**3)(2.0) == [[12.0]]


def test_grad_with_value_arguments_returns_recorded_values() -> None:
    x = Value(1.5)
    g = grad(lambda v: v**3)(x)
    assert isinstance(g, Value) and g.data == pytest.approx(3 * 1.5**2)
    g.backward()
    assert x.grad == pytest.approx(6 * 1.5)


# -- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize("transform", [grad, value_and_grad, jacobian, hessian])
def test_transforms_reject_non_callables(transform) -> None:
    with pytest.raises(TypeError, match=r"expected a function, got int 3"):
        transform(3)


@pytest.mark.parametrize(
    ("transform", "name"),
    [(grad, "grad"), (value_and_grad, "grad"), (jacobian, "jacobian"), (hessian, "grad")],
)
def test_transforms_reject_a_function_returning_a_float(transform, name: str) -> None:
    with pytest.raises(TypeError, match=rf"{name}: the function must return a Value .*got float"):
        transform(lambda x: 2.0 * x.data)(1.0)


def test_jacobian_rejects_a_list_with_a_non_value() -> None:
    with pytest.raises(TypeError, match=r"jacobian: the function must return a Value .*got int 3"):
        jacobian(lambda x: [x, 3])(1.0)


def test_grad_rejects_bad_argnums() -> None:
    with pytest.raises(ValueError, match=r"grad: argnum 2 is out of range .* 2 argument"):
        grad(lambda x, y: x * y, argnum=2)(1.0, 2.0)
    with pytest.raises(TypeError, match=r"argnum must be an int or a non-empty tuple .*'x'"):
        grad(lambda x: x, argnum="x")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"argnum must be .*\(\)"):
        grad(lambda x: x, argnum=())


def test_value_and_grad_errors_name_value_and_grad() -> None:
    with pytest.raises(ValueError, match=r"^value_and_grad: argnum 2 is out of range"):
        value_and_grad(lambda x, y: x * y, argnum=2)(1.0, 2.0)
    with pytest.raises(TypeError, match=r"^value_and_grad: argument 0 must be a real number"):
        value_and_grad(lambda x: x)("1")


def test_grad_rejects_non_numeric_arguments_naming_them() -> None:
    with pytest.raises(TypeError, match=r"grad: argument 1 must be a real number, got str '2'"):
        grad(lambda x, y: x * y)(1.0, "2")
    with pytest.raises(TypeError, match=r"got list .*pass scalars positionally"):
        grad(lambda x: x)([1.0, 2.0])
    with pytest.raises(ValueError, match="not finite"):
        grad(lambda x: x)(math.nan)


def test_jacobian_and_hessian_need_an_argument() -> None:
    with pytest.raises(ValueError, match=r"jacobian: .*at least one argument"):
        jacobian(lambda: Value(1.0))()
    with pytest.raises(ValueError, match=r"hessian: .*at least one argument"):
        hessian(lambda: Value(1.0))()


# -- forward mode (jvp) and Hessian-vector products (hvp) ------------------------------------


def f_vec(x: Value, y: Value, z: Value) -> list[Value]:
    """Three inputs, two outputs: a non-square Jacobian."""
    return [x * y.sin() + z**2, (x * z).tanh() - y.exp()]


def f_vec_jacobian(x: float, y: float, z: float) -> list[list[float]]:
    s = 1 - math.tanh(x * z) ** 2
    return [[math.sin(y), x * math.cos(y), 2 * z], [z * s, -math.exp(y), x * s]]


@pytest.mark.parametrize("point", POINTS)
def test_jvp_of_a_scalar_function_is_the_gradient_along_the_tangent(
    point: tuple[float, float, float],
) -> None:
    tangent = (0.3, -1.1, 2.0)
    value, derivative = jvp(f3, point, tangent)
    expected = sum(g * t for g, t in zip(f3_gradient(*point), tangent, strict=True))
    assert value == f3(*map(Value, point)).data
    assert derivative == pytest.approx(expected, rel=1e-13)


@pytest.mark.parametrize("point", POINTS)
def test_jvp_of_a_vector_function_is_the_jacobian_times_the_tangent(
    point: tuple[float, float, float],
) -> None:
    tangent = (-0.4, 0.9, 1.5)
    values, derivatives = jvp(f_vec, point, tangent)
    expected = [
        sum(j * t for j, t in zip(row, tangent, strict=True)) for row in f_vec_jacobian(*point)
    ]
    assert values == [v.data for v in f_vec(*map(Value, point))]
    assert derivatives == pytest.approx(expected, rel=1e-13)


@pytest.mark.parametrize("point", POINTS)
def test_hvp_is_the_hessian_times_the_vector(point: tuple[float, float, float]) -> None:
    vector = (1.25, -0.5, 0.75)
    expected = [sum(h * v for h, v in zip(row, vector, strict=True)) for row in f3_hessian(*point)]
    assert hvp(f3, point, vector) == pytest.approx(expected, rel=1e-13)


@pytest.mark.parametrize("seed", range(5))
def test_jvp_and_hvp_match_torch(seed: int) -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    point = tuple(float(v) for v in rng.uniform(-1.5, 1.5, 3))
    tangent = tuple(float(v) for v in rng.normal(size=3))

    def t_f3(x: Any, y: Any, z: Any) -> Any:
        return x * x * y + y * z**3 + torch.sin(x * z)

    def t_vec(x: Any, y: Any, z: Any) -> Any:
        return (x * torch.sin(y) + z**2, torch.tanh(x * z) - torch.exp(y))

    tp = tuple(torch.tensor(v, dtype=torch.float64) for v in point)
    tt = tuple(torch.tensor(v, dtype=torch.float64) for v in tangent)
    value, derivative = torch.func.jvp(t_f3, tp, tt)
    assert jvp(f3, point, tangent) == pytest.approx((float(value), float(derivative)), rel=1e-12)
    values, derivatives = torch.func.jvp(t_vec, tp, tt)
    ours_values, ours_derivatives = jvp(f_vec, point, tangent)
    assert ours_values == pytest.approx([float(v) for v in values], rel=1e-14)
    assert ours_derivatives == pytest.approx([float(d) for d in derivatives], rel=1e-12)
    _, products = torch.autograd.functional.hvp(t_f3, tp, tt)
    assert hvp(f3, point, tangent) == pytest.approx([float(p) for p in products], rel=1e-12)


def test_jvp_and_hvp_nest_inside_grad() -> None:
    # hvp of y³·x in y at y = x is 6·y·x = 6x², whose derivative is 12x
    assert grad(lambda x: hvp(lambda y: y**3 * x, (x,), (1.0,))[0])(2.0) == 24.0
    # d/dt (x·t²) along 1 at t = x is 2x², whose derivative is 4x
    assert grad(lambda x: jvp(lambda t: x * t * t, (x,), (1.0,))[1])(1.5) == 6.0


def test_jvp_and_hvp_touch_no_grad() -> None:
    w = Value(2.0)
    w.grad = 5.0
    assert jvp(lambda x: w * x * x, (3.0,), (1.0,)) == (18.0, 12.0)
    assert hvp(lambda x: w * x * x, (3.0,), (1.0,)) == [4.0]
    assert w.grad == 5.0


def test_jvp_and_hvp_reject_mismatched_or_bad_arguments() -> None:
    with pytest.raises(ValueError, match=r"jvp: tangents must have one entry per primal"):
        jvp(f3, (1.0, 2.0, 3.0), (1.0,))
    with pytest.raises(ValueError, match=r"hvp: vector must have one entry per primal"):
        hvp(f3, (1.0, 2.0, 3.0), (1.0, 0.0))
    with pytest.raises(TypeError, match=r"jvp: primals must be a non-empty tuple"):
        jvp(f3, 1.0, (1.0,))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"hvp: vector\[1\] must be a real number, got str"):
        hvp(f3, (1.0, 2.0), (1.0, "x"))
    with pytest.raises(TypeError, match=r"jvp: the function must return a Value"):
        jvp(lambda x: 2.0, (1.0,), (1.0,))
