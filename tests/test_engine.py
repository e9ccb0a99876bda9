"""Value, graph building, backward semantics, and the errors users see at the boundary."""

from __future__ import annotations

import copy
import doctest
import math
import pickle
import sys
import threading
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import microgradx
from microgradx import (
    Value,
    backprop,
    engine,
    gradmode,
    no_grad,
    numerical_gradient,
    topological_order,
    zero_grad,
)
from microgradx.engine import Constant, gradients
from microgradx.ops import Op

# -- the lecture notes' chain-rule example -------------------------------------------------


@pytest.mark.parametrize(("x0", "y0"), [(1.5, -2.0), (0.0, 1.0), (-3.25, 0.5)])
def test_chain_rule_example_gives_8x_plus_4y_and_4x_plus_2y(x0: float, y0: float) -> None:
    x, y = Value(x0, label="x"), Value(y0, label="y")
    t = 2 * x + y
    z = t**2
    z.backward()
    assert x.grad == pytest.approx(8 * x0 + 4 * y0, rel=1e-15)
    assert y.grad == pytest.approx(4 * x0 + 2 * y0, rel=1e-15)
    assert t.grad == pytest.approx(2 * t.data, rel=1e-15)  # ∂z/∂t = 2t


def test_chain_rule_example_agrees_with_central_differences() -> None:
    x, y = Value(1.5), Value(-2.0)
    ((2 * x + y) ** 2).backward()
    numeric = numerical_gradient(lambda a, b: (2 * a + b) ** 2, [1.5, -2.0], h=1e-5)
    assert [x.grad, y.grad] == pytest.approx(numeric, rel=1e-8)


# -- construction ------------------------------------------------------------------------


@pytest.mark.parametrize("data", [3, 3.0, np.float64(3.0), np.int32(3), np.float32(3.0)])
def test_value_stores_any_real_number_as_float(data: object) -> None:
    v = Value(data)  # type: ignore[arg-type]
    assert type(v.data) is float and v.data == 3.0
    assert v.grad == 0.0 and v.label == "" and v.op == "" and v.parents == ()
    assert v.is_leaf()


def test_value_records_op_and_ordered_parents() -> None:
    a, b = Value(2.0), Value(5.0)
    out = b - a
    assert out.op == "sub"
    assert out.parents == (b, a)
    assert not out.is_leaf()


def test_repr_is_short() -> None:
    assert repr(Value(3.0, label="x")) == "Value(data=3.0, grad=0.0, label='x')"
    assert repr(Value(-1)) == "Value(data=-1.0, grad=0.0)"


def test_micrograd_aliases_match_and_are_read_only() -> None:
    a, b = Value(1.0), Value(2.0)
    out = a * b
    assert out._prev == out.parents == (a, b)
    assert out._op == "*" and out.op == "mul"
    with pytest.raises(AttributeError):
        out._prev = ()  # type: ignore[misc]
    with pytest.raises(AttributeError):
        out._op = "add"  # type: ignore[misc]
    assert out._prev == (a, b) and out._op == "*"


@pytest.mark.parametrize(
    ("build", "symbol", "name"),
    [
        (lambda x: x + 2, "+", "add"),
        (lambda x: x * 2, "*", "mul"),
        (lambda x: x**3, "**3", "pow3"),
        (lambda x: x**-1, "**-1", "pow-1"),
        (lambda x: x**0.5, "**0.5", "pow0.5"),
        (lambda x: x.relu(), "ReLU", "relu"),
        (lambda x: x.tanh(), "tanh", "tanh"),
        (lambda x: x.exp(), "exp", "exp"),
        (lambda x: x - 2, "-", "sub"),
        (lambda x: x / 2, "/", "div"),
        (lambda x: -x, "-", "neg"),
        (lambda x: x.sigmoid(), "sigmoid", "sigmoid"),
    ],
    ids=["add", "mul", "pow3", "pow-1", "pow0.5", "relu", "tanh", "exp", "sub", "div", "neg",
         "sigmoid"],
)  # fmt: skip
def test_underscore_op_is_micrograds_symbol_while_op_keeps_our_name(
    build: Callable[[Value], Value], symbol: str, name: str
) -> None:
    out = build(Value(1.5))
    assert out._op == symbol
    assert out.op == name


def test_a_leaf_has_an_empty_underscore_op_as_in_micrograd() -> None:
    assert Value(1.0)._op == ""


def test_manual_backward_steps_give_the_lectures_neuron_gradients() -> None:
    # The lecture's neuron, backpropagated by hand one node at a time (its published numbers).
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1, x2w2 = x1 * w1, x2 * w2
    x1w1x2w2 = x1w1 + x2w2
    n = x1w1x2w2 + b
    o = n.tanh()
    o.grad = 1.0
    for node in (o, n, x1w1x2w2, x2w2, x1w1, b, x1, x2, w1, w2):
        node._backward()  # leaves: nothing to pass on, as micrograd's `lambda: None`
    assert math.isclose(n.grad, 0.5, rel_tol=1e-12)
    assert math.isclose(x1.grad, -1.5, rel_tol=1e-12)
    assert math.isclose(w1.grad, 1.0, rel_tol=1e-12)
    assert math.isclose(x2.grad, 0.5, rel_tol=1e-12)
    assert w2.grad == 0.0


def test_manual_backward_over_the_topological_order_equals_backward() -> None:
    def build() -> tuple[Value, list[Value]]:
        xs = [Value(0.3), Value(-1.2), Value(2.0)]
        out = ((xs[0] * xs[1] + xs[2] ** 2).exp() / (1 + xs[0].sigmoid())).log() - xs[1] * xs[1]
        return out, xs

    out, xs = build()
    out.grad = 1.0
    for node in reversed(topological_order(out)):
        node._backward()
    expected_out, expected_xs = build()
    expected_out.backward()
    for ours, theirs in zip(xs, expected_xs, strict=True):
        assert math.isclose(ours.grad, theirs.grad, rel_tol=1e-12)


def test_manual_backward_computes_no_derivative_for_a_constant_input() -> None:
    # d(0 ** y)/d(base) is infinite at 0.5; the base is a constant, so nobody needs it.
    y = Value(0.5)
    out = 0.0**y
    out.grad = 1.0
    out._backward()
    assert y.grad == 0.0 and out.parents[0].grad == 0.0


def test_manual_backward_adds_to_the_parents_grad_like_micrograd() -> None:
    x = Value(3.0)
    y = x * x  # the same parent twice: both contributions land on x
    y.grad = 2.0
    x.grad = 1.0
    y._backward()
    assert x.grad == 1.0 + 2.0 * 3.0 + 2.0 * 3.0


def test_values_use_slots_and_hold_no_dict() -> None:
    assert not hasattr(Value(1.0), "__dict__")


# -- operators with numbers on either side ---------------------------------------------------


@pytest.mark.parametrize(
    ("build", "derivative"),
    [
        (lambda x: x + 2, lambda x: 1.0),
        (lambda x: 2 + x, lambda x: 1.0),
        (lambda x: x - 2, lambda x: 1.0),
        (lambda x: 2 - x, lambda x: -1.0),
        (lambda x: x * 3, lambda x: 3.0),
        (lambda x: 3 * x, lambda x: 3.0),
        (lambda x: x / 4, lambda x: 0.25),
        (lambda x: 4 / x, lambda x: -4 / x**2),
        (lambda x: x**3, lambda x: 3 * x**2),
        (lambda x: 2**x, lambda x: 2**x * math.log(2)),
        (lambda x: x ** Value(2.0), lambda x: 2 * x),
        (lambda x: -x, lambda x: -1.0),
        (lambda x: abs(x), lambda x: math.copysign(1.0, x)),
        (lambda x: np.float64(2.0) * x, lambda x: 2.0),
    ],
)
@pytest.mark.parametrize("x0", [-1.5, 0.75])
def test_operators_accept_numbers_on_either_side(build, derivative, x0: float) -> None:
    x = Value(x0)
    out = build(x)
    assert isinstance(out, Value)
    out.backward()
    assert x.grad == pytest.approx(derivative(x0), rel=1e-14)


def test_comparisons_look_at_data() -> None:
    assert Value(1.0) < Value(2.0) and Value(2.0) > 1 and Value(2.0) >= 2 and Value(2.0) <= 2.0
    assert not Value(3.0) < 1


# -- backward semantics ----------------------------------------------------------------------


def test_backward_accumulates_into_leaves_across_calls() -> None:
    x = Value(3.0)
    y = x * x
    y.backward()
    y.backward()
    assert x.grad == 2 * (2 * 3.0)  # leaves accumulate, as in PyTorch
    assert y.grad == 1.0  # the root's own gradient is re-seeded, not summed


def test_backward_recomputes_intermediate_gradients_from_zero() -> None:
    x = Value(3.0)
    t = x * 2
    y = t * t
    y.backward()
    first = t.grad
    y.backward()
    assert t.grad == first == 2 * t.data


def test_zero_grad_resets_the_given_values() -> None:
    x, y = Value(1.0), Value(2.0)
    (x * y).backward()
    assert (x.grad, y.grad) == (2.0, 1.0)
    zero_grad([x, y])
    assert (x.grad, y.grad) == (0.0, 0.0)
    (x * y).backward()
    assert (x.grad, y.grad) == (2.0, 1.0)


def test_no_grad_builds_no_graph_and_restores_the_mode() -> None:
    x = Value(2.0)
    with no_grad():
        assert not microgradx.is_grad_enabled()
        y = x * x + 1
    assert microgradx.is_grad_enabled()
    assert y.data == 5.0 and y.is_leaf() and y.parents == ()
    y.backward()
    assert x.grad == 0.0


def test_no_grad_restores_the_mode_after_an_exception() -> None:
    with pytest.raises(ValueError), no_grad():
        Value(-1.0).log()
    assert microgradx.is_grad_enabled()


def test_enable_grad_records_inside_no_grad() -> None:
    x = Value(2.0)
    with no_grad(), microgradx.enable_grad():
        y = x * x
    y.backward()
    assert x.grad == 4.0


def test_detach_returns_a_constant_copy_cut_from_the_graph() -> None:
    x = Value(2.0, label="x")
    y = x * x
    y.label = "y"
    d = y.detach()
    assert d is not y and d.data == y.data and d.is_leaf() and d.parents == ()
    assert isinstance(d, Constant) and not d.requires_grad and d.label == y.label
    w = Value(1.5)
    (d * w).backward()
    assert w.grad == 4.0
    assert d.grad == 0.0  # a detached Value needs no gradient (PyTorch: requires_grad=False)
    assert x.grad == 0.0  # nothing flowed through the cut


def test_backward_on_a_leaf_seeds_its_gradient() -> None:
    x = Value(4.0)
    x.backward()
    assert x.grad == 1.0


def test_unused_leaf_gets_no_gradient() -> None:
    x, unused = Value(1.0), Value(5.0)
    (x * 2).backward()
    assert unused.grad == 0.0


# -- graph structure -------------------------------------------------------------------------


def _expression(x: Value, y: Value) -> Value:
    t = x * y + x.tanh()
    return (t * t + y.exp() / (1 + t**2)).sigmoid() + t


def test_topological_order_is_deterministic_and_parents_come_first() -> None:
    orders = []
    for _ in range(3):
        root = _expression(Value(0.3), Value(-1.1))
        order = topological_order(root)
        assert order[-1] is root
        position = {id(n): i for i, n in enumerate(order)}
        assert len(position) == len(order)  # each node exactly once
        for node in order:
            assert all(position[id(p)] < position[id(node)] for p in node.parents)
        orders.append([(n.op, n.data) for n in order])
    assert orders[0] == orders[1] == orders[2]


def test_topological_order_leaves_gradients_untouched() -> None:
    x = Value(1.5)
    t = x * x
    y = t * 3.0
    y.backward()
    assert t.grad == 3.0
    topological_order(y)
    assert (t.grad, y.grad, x.grad) == (3.0, 1.0, 9.0)  # t.grad was reset to 0 here


def test_gradients_are_identical_across_runs() -> None:
    runs = []
    for _ in range(3):
        x, y = Value(0.3), Value(-1.1)
        _expression(x, y).backward()
        runs.append((x.grad, y.grad))
    assert runs[0] == runs[1] == runs[2]


def test_shared_subexpressions_are_differentiated_once_per_path() -> None:
    x, y = Value(0.7), Value(-0.4)
    s = x * y  # used on three paths
    out = s * s + s.sin() + (s + x) / (1 + s * s)
    out.backward()

    def f(a: float, b: float) -> float:
        s = a * b
        return s * s + math.sin(s) + (s + a) / (1 + s * s)

    numeric = numerical_gradient(f, [0.7, -0.4], h=1e-6)
    assert [x.grad, y.grad] == pytest.approx(numeric, rel=1e-8)


def test_node_reused_many_times_accumulates_every_use() -> None:
    x = Value(1.3)
    t = x.tanh()
    total = sum((t for _ in range(1000)), Value(0.0))
    product = t
    for _ in range(20):
        product = product * t  # t ** 21 by repeated multiplication
    (total + product).backward()
    dt = 1.0 - math.tanh(1.3) ** 2
    expected = (1000 + 21 * math.tanh(1.3) ** 20) * dt
    assert x.grad == pytest.approx(expected, rel=1e-12)


def test_backward_handles_million_node_chain_under_default_recursion_limit() -> None:
    limit = sys.getrecursionlimit()
    x = Value(0.5)
    y = x
    for _ in range(1_000_000):
        y = -y
    y.backward()
    assert x.grad == 1.0  # (−1)^1,000,000
    assert sys.getrecursionlimit() == limit
    del y  # freeing the chain must not recurse either


# -- second derivatives via create_graph -------------------------------------------------


@pytest.mark.parametrize(
    ("build", "first", "second"),
    [
        (lambda x: x**3, lambda x: 3 * x**2, lambda x: 6 * x),
        (lambda x: x * x * x, lambda x: 3 * x**2, lambda x: 6 * x),
        (Value.sin, math.cos, lambda x: -math.sin(x)),
        (
            Value.tanh,
            lambda x: 1 - math.tanh(x) ** 2,
            lambda x: -2 * math.tanh(x) * (1 - math.tanh(x) ** 2),
        ),
    ],
    ids=["x**3", "x*x*x", "sin", "tanh"],
)
@pytest.mark.parametrize("x0", [-1.2, 0.4, 2.0])
def test_second_derivative_via_create_graph(build, first, second, x0: float) -> None:
    x = Value(x0)
    build(x).backward(create_graph=True)
    g = x.grad
    assert isinstance(g, Value)
    assert g.data == pytest.approx(first(x0), rel=1e-14)
    zero_grad([x])  # as in PyTorch, x.grad would otherwise accumulate the second pass
    g.backward()
    assert x.grad == pytest.approx(second(x0), rel=1e-13, abs=1e-15)


def test_create_graph_grads_match_the_float_path() -> None:
    x, y = Value(0.3), Value(-1.1)
    _expression(x, y).backward()
    floats = (x.grad, y.grad)
    x2, y2 = Value(0.3), Value(-1.1)
    _expression(x2, y2).backward(create_graph=True)
    assert (x2.grad.data, y2.grad.data) == pytest.approx(floats, rel=1e-15)


def test_create_graph_records_the_backward_pass_even_inside_no_grad() -> None:
    x = Value(2.0)
    y = x**3
    with no_grad():
        y.backward(create_graph=True)
    g = x.grad
    assert isinstance(g, Value) and g.data == 12.0
    zero_grad([x])
    g.backward()
    assert x.grad == 12.0  # d/dx 3x² at 2; it was silently 0 when no graph was recorded


def test_third_derivative_by_differentiating_twice() -> None:
    x = Value(0.8)
    x.sin().backward(create_graph=True)
    g1 = x.grad
    zero_grad([x])
    g1.backward(create_graph=True)
    g2 = x.grad
    zero_grad([x])
    g2.backward()
    assert x.grad == pytest.approx(-math.cos(0.8), rel=1e-14)


def test_pow_with_value_exponent_has_nan_gradient_for_negative_base() -> None:
    a, b = Value(-2.0), Value(3.0)
    (a**b).backward()
    assert a.grad == pytest.approx(12.0)
    assert math.isnan(b.grad)


def test_pow_with_value_exponent_nan_gradient_survives_create_graph() -> None:
    a, b = Value(-2.0), Value(2.0)
    (a**b).backward(create_graph=True)
    assert a.grad.data == pytest.approx(-4.0)
    assert math.isnan(b.grad.data)


# -- bad input: clear errors, never silent wrong numbers -----------------------------------


@pytest.mark.parametrize(
    ("data", "type_name"),
    [("3", "str"), ([1.0], "list"), (1 + 2j, "complex"), (None, "NoneType"), (True, "bool")],
)
def test_value_rejects_non_real_data_naming_the_type(data: object, type_name: str) -> None:
    with pytest.raises(TypeError, match=rf"Value: expected a real number, got {type_name}"):
        Value(data)  # type: ignore[arg-type]


def test_value_inside_a_value_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="Value: expected a number, got a Value"):
        Value(Value(1.0))  # type: ignore[arg-type]


@pytest.mark.parametrize("data", [math.nan, math.inf, -math.inf, np.float64("nan")])
def test_value_rejects_non_finite_data(data: float) -> None:
    with pytest.raises(ValueError, match="not finite"):
        Value(data)


def test_an_int_too_large_for_a_float_is_a_value_error_naming_the_op() -> None:
    with pytest.raises(ValueError, match=r"Value: int too large for a float"):
        Value(10**400)
    with pytest.raises(ValueError, match=r"add: int too large for a float"):
        Value(1.0) + 10**400
    with pytest.raises(ValueError, match=r"pow: int too large"):
        Value(1.0) ** 10**400


def test_adding_a_string_is_a_type_error_naming_the_op() -> None:
    with pytest.raises(TypeError, match=r"add: expected a Value or a real number, got str 'a'"):
        Value(1) + "a"  # type: ignore[operator]
    with pytest.raises(TypeError, match=r"add: .*got str 'a'"):
        "a" + Value(1)  # type: ignore[operator]


def test_combining_with_nan_is_a_value_error_naming_the_op() -> None:
    with pytest.raises(ValueError, match=r"mul: nan is not finite"):
        Value(1.0) * math.nan


@pytest.mark.parametrize(
    ("build", "error", "pattern"),
    [
        (lambda: Value(-1).log(), ValueError, r"log: .*-1\.0"),
        (lambda: Value(0).log(), ValueError, r"log: .*0\.0"),
        (lambda: Value(-4).sqrt(), ValueError, r"sqrt: .*-4\.0"),
        (lambda: Value(-8) ** 0.5, ValueError, r"pow: .*-8\.0.*0\.5"),
        (lambda: Value(-8) ** Value(0.5), ValueError, r"pow: .*-8\.0.*0\.5"),
        (lambda: Value(1) / Value(0), ZeroDivisionError, r"div: division by zero"),
        (lambda: Value(1) / 0, ZeroDivisionError, r"div: division by zero"),
        (lambda: Value(0) ** -1, ZeroDivisionError, r"pow: .*-1\.0"),
        (lambda: Value(1000).exp(), OverflowError, r"exp: .*1000\.0"),
        (lambda: Value(1e200) * Value(1e200), OverflowError, r"mul: .*1e\+200"),
    ],
    ids=["log-neg", "log-zero", "sqrt-neg", "pow-neg-frac", "pow-value", "div0", "div0-num",
         "pow-zero-neg", "exp-overflow", "mul-overflow"],
)  # fmt: skip
def test_domain_errors_name_the_op_and_the_value(build, error, pattern: str) -> None:
    with pytest.raises(error, match=pattern):
        build()


def test_backward_error_names_the_op_it_went_through() -> None:
    x = Value(0.0)
    y = x ** Value(0.5)  # forward is fine (0.0); d/dx = 0.5 · 0^(−0.5) is not
    with pytest.raises(ZeroDivisionError, match=r"backward through 'pow'"):
        y.backward()


@pytest.mark.parametrize("root", [[Value(1.0), Value(2.0)], 3.0, None])
def test_backward_on_something_not_a_value_is_a_clear_type_error(root: object) -> None:
    with pytest.raises(TypeError, match=rf"backward: expected a Value .*got {type(root).__name__}"):
        microgradx.backward(root)  # type: ignore[arg-type]


def test_leaky_relu_slope_must_be_a_number() -> None:
    with pytest.raises(TypeError, match="leaky_relu slope"):
        Value(1.0).leaky_relu("0.1")  # type: ignore[arg-type]


# -- the gradient core: gradients(output, inputs) --------------------------------------------


def test_gradients_returns_the_partial_derivatives_of_the_requested_inputs() -> None:
    x, y = Value(1.5), Value(-2.0)
    t = 2 * x + y
    assert gradients(t**2, [x, y]) == [8 * 1.5 + 4 * -2.0, 4 * 1.5 + 2 * -2.0]
    assert gradients(t**2, [y]) == [4 * 1.5 + 2 * -2.0]


def test_gradients_touches_no_grad_at_all() -> None:
    x, w = Value(3.0), Value(4.0)
    x.grad, w.grad = 7.0, -1.0  # stale values must neither be read nor changed
    out = (x * w).tanh() + x
    assert gradients(out, [x]) == pytest.approx([4.0 * (1 - math.tanh(12.0) ** 2) + 1.0])
    assert (x.grad, w.grad, out.grad) == (7.0, -1.0, 0.0)


def test_gradients_of_an_unused_input_is_zero() -> None:
    x, unused = Value(2.0), Value(5.0)
    assert gradients(x * x, [unused, x]) == [0.0, 4.0]


def test_gradients_with_respect_to_an_intermediate_node() -> None:
    x = Value(2.0)
    h = x * x
    out = h.sin() + x
    # d out / d h with x held as it is, and the total d out / d x through both paths
    assert gradients(out, [h, x]) == pytest.approx([math.cos(4.0), math.cos(4.0) * 4.0 + 1.0])


def test_gradients_with_create_graph_can_be_differentiated_again() -> None:
    x = Value(0.7)
    (dx,) = gradients(x.sin() * x, [x], create_graph=True)
    (ddx,) = gradients(dx, [x])
    assert dx.data == pytest.approx(math.cos(0.7) * 0.7 + math.sin(0.7), rel=1e-15)
    assert ddx == pytest.approx(-math.sin(0.7) * 0.7 + 2 * math.cos(0.7), rel=1e-14)
    assert x.grad == 0.0


def test_gradients_rejects_non_values_naming_them() -> None:
    x = Value(1.0)
    with pytest.raises(TypeError, match=r"gradients: input 1 must be a Value, got float"):
        gradients(x * x, [x, 2.0])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"gradients: expected a Value"):
        gradients(2.0, [x])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"gradients: inputs must be a list of Values"):
        gradients(x * x, x)  # type: ignore[arg-type]


# -- gradients only where needed: constants need none ------------------------------------------


def test_numbers_lifted_into_ops_and_no_grad_results_are_constants() -> None:
    x = Value(2.0)
    y = x * 3.0
    assert isinstance(y.parents[1], Constant) and not y.parents[1].requires_grad
    assert x.requires_grad and y.requires_grad
    with no_grad():
        z = x * x
    assert isinstance(z, Constant)
    c = Constant(1.0) * Constant(2.0) + 1.0  # constants alone record no graph
    assert isinstance(c, Constant) and c.is_leaf() and c.data == 3.0


def test_constant_base_zero_to_a_variable_power_backpropagates() -> None:
    # d/dy 0^y = 0 for y > 0; the constant base's derivative (infinite here) is not needed.
    y = Value(0.5)
    (0.0**y).backward()
    assert y.grad == 0.0
    y2 = Value(0.5)
    (0.0**y2).backward(create_graph=True)
    assert y2.grad.data == 0.0


def test_constant_at_a_singular_point_does_not_break_the_gradient() -> None:
    x = Value(2.0)
    c = Value(0.0).detach()
    (x + c.sqrt() * x + Constant(0.0) ** x).backward()
    assert x.grad == 1.0


def test_an_op_node_does_not_give_its_constant_input_a_gradient() -> None:
    x, k = Value(3.0), Constant(5.0)
    (x * k).backward()
    assert (x.grad, k.grad) == (5.0, 0.0)


# Constant terms at points where their own derivative is infinite or undefined; each adds
# ``slope · x`` to the function. The gradient with respect to x must stay finite and exact.
SINGULAR_TERMS: list[tuple[str, Callable[[Value], Value], float]] = [
    ("0 ** x", lambda x: 0.0**x, 0.0),
    ("x + sqrt(const 0)", lambda x: x + Constant(0.0).sqrt(), 1.0),
    ("x * sqrt(detached 0)", lambda x: x * Value(0.0).detach().sqrt(), 0.0),
    ("x * (const 0) ** 0.5", lambda x: x * Constant(0.0) ** 0.5, 0.0),
    ("(const 0) ** x * x", lambda x: Constant(0.0) ** x * x, 0.0),
    ("abs(const 0) * x", lambda x: abs(Constant(0.0)) * x, 0.0),
    ("x / (1 + sqrt(no_grad 0))", lambda x: x / (1.0 + _no_grad_sqrt(0.0)), 1.0),
]


def _no_grad_sqrt(a: float) -> Value:
    with no_grad():
        return Value(a).sqrt()


@settings(max_examples=60, deadline=None)
@given(
    term=st.sampled_from(SINGULAR_TERMS),
    x0=st.floats(0.05, 3.0),
    how=st.sampled_from(["backward", "create_graph", "grad"]),
)
def test_constants_at_singular_points_never_break_a_gradient(
    term: tuple[str, Callable[[Value], Value], float], x0: float, how: str
) -> None:
    _, build, slope = term
    f = lambda x: build(x) + x.sin()  # noqa: E731
    expected = slope + math.cos(x0)
    if how == "grad":
        got = microgradx.grad(f)(x0)
    else:
        x = Value(x0)
        f(x).backward(create_graph=how == "create_graph")
        got = x.grad.data if how == "create_graph" else x.grad
    assert got == pytest.approx(expected, rel=1e-14, abs=1e-15)


# -- threads: grad mode per thread, the gc pause shared safely -------------------------------


def test_no_grad_in_one_thread_does_not_stop_recording_in_another() -> None:
    entered, release = threading.Event(), threading.Event()

    def evaluate() -> None:
        with no_grad():
            entered.set()
            release.wait(5)

    worker = threading.Thread(target=evaluate)
    worker.start()
    try:
        assert entered.wait(5)
        x = Value(2.0)
        (x * x).backward()  # recorded here while the other thread is inside no_grad()
        assert microgradx.is_grad_enabled()
        assert x.grad == 4.0
    finally:
        release.set()
        worker.join()


def test_no_grad_blocks_overlapping_in_two_threads_restore_grad_mode_in_both() -> None:
    # A enters, B enters, A leaves, B leaves: with one process-wide flag B restored "off".
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    after: dict[str, bool] = {}

    def a() -> None:
        with no_grad():
            a_in.set()
            b_in.wait(5)
        a_out.set()
        after["a"] = microgradx.is_grad_enabled()

    def b() -> None:
        a_in.wait(5)
        with no_grad():
            b_in.set()
            a_out.wait(5)
        after["b"] = microgradx.is_grad_enabled()

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert after == {"a": True, "b": True}
    assert microgradx.is_grad_enabled()
    x = Value(3.0)
    (x * x).backward()
    assert x.grad == 6.0


class _FakeGC:
    """Stands in for the gc module inside the engine: a flag, and hooks to force interleavings."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.ever_enabled = False
        self.on_isenabled: Callable[[bool], None] = lambda state: None
        self.on_disable: Callable[[], None] = lambda: None

    def isenabled(self) -> bool:
        state = self.enabled
        self.on_isenabled(state)
        return state

    def disable(self) -> None:
        self.enabled = False
        self.on_disable()

    def enable(self) -> None:
        self.enabled = True
        self.ever_enabled = True


def _in_thread(name: str) -> bool:
    return threading.current_thread().name == name


def test_backward_in_two_threads_never_leaves_gc_disabled(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _FakeGC(enabled=True)
    monkeypatch.setattr(gradmode, "gc", fake)
    a_paused, b_started, a_done = threading.Event(), threading.Event(), threading.Event()

    def on_disable() -> None:  # A holds its pause open until B has started
        if _in_thread("A"):
            a_paused.set()
            b_started.wait(5)

    def on_isenabled(state: bool) -> None:
        # B looks while A's pause is open and acts only after A has finished: the
        # check-then-act race that left gc disabled for good.
        if _in_thread("B") and not state:
            a_done.wait(5)

    fake.on_disable = on_disable
    fake.on_isenabled = on_isenabled

    def a() -> None:
        x = Value(1.0)
        (x * x).backward()
        a_done.set()

    def b() -> None:
        a_paused.wait(5)
        b_started.set()
        x = Value(2.0)
        (x * x).backward()

    threads = [threading.Thread(target=a, name="A"), threading.Thread(target=b, name="B")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert fake.enabled


def test_backward_in_two_threads_never_enables_gc_the_user_disabled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = _FakeGC(enabled=False)
    monkeypatch.setattr(gradmode, "gc", fake)
    barrier = threading.Barrier(2)

    def train() -> None:
        barrier.wait(5)
        for _ in range(50):
            x = Value(1.5)
            ((x * x).tanh() + x).backward()

    threads = [threading.Thread(target=train) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not fake.enabled and not fake.ever_enabled


@pytest.mark.parametrize("enabled", [True, False])
def test_gc_paused_nests_and_restores_the_callers_setting(
    monkeypatch: pytest.MonkeyPatch, enabled: bool
) -> None:
    fake = _FakeGC(enabled=enabled)
    monkeypatch.setattr(gradmode, "gc", fake)
    with microgradx.gc_paused():
        assert not fake.enabled
        with microgradx.gc_paused():
            assert not fake.enabled
        assert not fake.enabled  # the outer pause is still open
    assert fake.enabled is enabled


# -- invariants: a Value holds a finite float; conversions -----------------------------------


@pytest.mark.parametrize("bad", [math.inf, -math.inf, math.nan])
def test_assigning_a_non_finite_number_to_data_is_a_value_error(bad: float) -> None:
    p = Value(1.0)
    with pytest.raises(ValueError, match=r"Value\.data: .* is not finite"):
        p.data = bad
    with pytest.raises(ValueError, match=r"Value\.data"):
        p.data -= bad  # a micrograd-style update with an exploded gradient
    assert p.data == 1.0


def test_assigning_a_non_number_to_data_is_a_type_error() -> None:
    p = Value(1.0)
    with pytest.raises(TypeError, match=r"Value\.data: expected a real number, got str"):
        p.data = "2.0"  # type: ignore[assignment]
    with pytest.raises(TypeError, match=r"Value\.data: expected a number, got a Value"):
        p.data = Value(2.0)  # type: ignore[assignment]


def test_assigning_data_stores_a_float_that_the_next_op_uses() -> None:
    p = Value(1.0)
    p.data = 3  # an int, stored as a float
    p.data -= np.float64(0.5)
    assert type(p.data) is float and p.data == 2.5
    assert (p * 2).data == 5.0


def test_a_label_that_is_not_a_string_is_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"Value: label must be a str, got int 3"):
        Value(2.0, label=3)  # type: ignore[arg-type]


def test_float_and_format_read_the_data() -> None:
    v = Value(2.0 / 3.0, label="v")
    assert float(v) == 2.0 / 3.0 and math.isclose(math.sqrt(Value(4.0)), 2.0)
    assert format(v, ".3f") == "0.667" and f"{v:>8.2e}" == "6.67e-01"
    assert format(v) == repr(v) == f"{v}"


class _DomainError(ValueError):
    """A user's exception whose constructor takes more than a message."""

    def __init__(self, x: float, why: str) -> None:
        super().__init__(f"{why} at {x}")
        self.x = x


def _raising_op() -> Op:
    def rule(g: float, out: float, a: float) -> float:
        raise _DomainError(a, "no slope")

    return Op("kink", 1, abs, (rule,), "kink")


@pytest.mark.parametrize("create_graph", [False, True])
def test_backward_keeps_the_exception_a_rule_raised_and_says_where(create_graph: bool) -> None:
    x = Value(0.25)
    y = engine._apply1(_raising_op(), x) * 2.0
    with pytest.raises(_DomainError) as info:
        y.backward(create_graph=create_graph)
    assert float(info.value.x) == 0.25  # the very exception, not a copy rebuilt from its message
    told = [str(info.value), *getattr(info.value, "__notes__", ())]  # 3.10: in the message
    assert any("backward through 'kink'" in line for line in told)


def test_backprop_docstring_examples_run() -> None:
    result = doctest.testmod(backprop)
    assert result.attempted > 0 and result.failed == 0


# -- pickling and copying ------------------------------------------------------------------


def _chain(depth: int) -> tuple[Value, Value]:
    x = Value(0.5, label="x")
    y = x
    for _ in range(depth):
        y = (y * 0.999).tanh() + x  # three nodes a step; x is shared by every step
    return x, y


def test_a_pickled_graph_comes_back_with_its_data_labels_ops_and_order() -> None:
    _, y = _chain(20)
    copy_y = pickle.loads(pickle.dumps(y))
    ours, theirs = topological_order(y), topological_order(copy_y)
    assert [(v.data, v.label, v.op, v._op) for v in ours] == [
        (v.data, v.label, v.op, v._op) for v in theirs
    ]
    assert not set(map(id, ours)) & set(map(id, theirs))  # a copy, sharing nothing


def test_a_gradient_computed_on_an_unpickled_graph_equals_the_originals() -> None:
    x, y = _chain(30)
    x2, y2 = pickle.loads(pickle.dumps((x, y)))
    y.backward()
    y2.backward()
    assert x2.grad == x.grad != 0.0
    assert y2.parents[1] is x2  # the leaf pickled next to the graph is the graph's own leaf


def test_a_gradient_computed_on_a_deep_copy_equals_the_originals() -> None:
    x, y = _chain(30)
    x2, y2 = copy.deepcopy((x, y))
    assert y2.parents[1] is x2 and x2 is not x
    y2.backward()
    assert x.grad == 0.0  # the original is untouched
    y.backward()
    assert x2.grad == x.grad != 0.0


@pytest.mark.parametrize("how", ["pickle", "deepcopy"])
def test_a_hundred_thousand_deep_graph_pickles_and_deep_copies(how: str) -> None:
    x = Value(0.5, label="x")
    y = x
    for _ in range(100_000):
        y = -y  # one node a step: depth 10⁵, far beyond the recursion limit
    y2 = pickle.loads(pickle.dumps(y)) if how == "pickle" else copy.deepcopy(y)
    y2.backward()
    order = topological_order(y2)
    assert len(order) == 100_001 and order[0].label == "x" and order[0].grad == 1.0


def test_pickled_gradients_come_back_floats_and_create_graph_values() -> None:
    x = Value(0.7, label="x")
    f = (x * x).exp()
    f.backward(create_graph=True)
    g = x.grad  # a Value: d/dx e^(x²) = 2x·e^(x²), itself a graph over x and f
    f2, x2 = pickle.loads(pickle.dumps((f, x)))
    g2 = x2.grad
    assert isinstance(g2, Value) and g2.data == g.data
    assert f2 in topological_order(g2)  # the gradient's graph still runs through f's copy
    x.grad = x2.grad = 0.0
    g.backward()
    g2.backward()  # differentiating the copy's gradient again: the same second derivative
    assert x2.grad == x.grad == pytest.approx((2 + 4 * 0.49) * math.exp(0.49), rel=1e-12)
    plain = Value(2.0)
    (plain * 3).backward()
    assert pickle.loads(pickle.dumps(plain)).grad == 3.0


def test_values_pickle_without_code_only_op_names() -> None:
    _, y = _chain(3)
    data = pickle.dumps(y)
    assert b"lambda" not in data and b"forward" not in data
    for name in (b"tanh", b"mul", b"add"):
        assert name in data


def test_pickling_a_parameterised_op_keeps_its_exact_parameter() -> None:
    x = Value(1.3)
    y = (x**0.1234567).leaky_relu(0.2) + x**0.1234568  # two exponents that print alike
    y2 = pickle.loads(pickle.dumps(y))
    assert y2.data == y.data
    assert [v._fn for v in topological_order(y2)] == [v._fn for v in topological_order(y)]


@pytest.mark.parametrize(
    ("record", "error", "message"),
    [
        ((1.0, 0.0, "", "eval", None, None, None), ValueError, "no primitive op named 'eval'"),
        ((1.0, 0.0, "", "add", None, None, None), ValueError, "op 'add' takes 2 inputs, got 0"),
        ((math.inf, 0.0, "", None, None, None, None), ValueError, "not finite"),
        ((1.0, 0.0, 3, None, None, None, None), TypeError, "label must be a string"),
        ((1.0, "0", "", None, None, None, None), TypeError, "grad must be a float"),
        ((1.0, 0.0, "", "neg", None, "x", None), ValueError, "parents of a Value must be Values"),
    ],
    ids=["unknown-op", "arity", "inf", "label", "grad", "parent"],
)
def test_unpickling_validates_every_field(record: tuple, error: type, message: str) -> None:
    v = Value.__new__(Value)
    with pytest.raises(error, match=message):
        v.__setstate__((None, record, None, None))


def test_unpickling_refuses_a_state_that_is_not_a_values() -> None:
    with pytest.raises(ValueError, match="not a pickled microgradx Value"):
        Value.__new__(Value).__setstate__({"data": 1.0})


@pytest.mark.parametrize("how", ["pickle", "deepcopy"])
def test_constants_stay_constants_through_pickle_and_deepcopy(how: str) -> None:
    from microgradx.engine import Constant

    x = Value(1.5, label="x")
    y = 2 * x + Constant(0.25)
    y2 = pickle.loads(pickle.dumps(y)) if how == "pickle" else copy.deepcopy(y)
    kinds = [type(v) for v in topological_order(y2)]
    assert kinds == [type(v) for v in topological_order(y)]
    assert kinds.count(Constant) == 2


def test_a_shallow_copy_shares_the_parents() -> None:
    a, b = Value(1.0), Value(2.0)
    c = a * b
    c.label = "c"
    d = copy.copy(c)
    assert d is not c and d.parents == (a, b) and d.op == "mul" and d.label == "c"
