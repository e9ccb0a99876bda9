"""Finite differences, their error orders, the error-vs-h study, gradcheck and gradgradcheck."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest

from microgradx import (
    GradcheckError,
    Value,
    backward_difference,
    central_difference,
    fd_errors,
    forward_difference,
    gradcheck,
    gradgradcheck,
    numeric,
    numerical_gradient,
)

DIFFERENCES = {
    "forward": forward_difference,
    "central": central_difference,
    "backward": backward_difference,
}


def _slope(hs: list[float], errors: list[float]) -> float:
    """Least-squares slope of log(error) against log(h)."""
    return float(np.polyfit(np.log(hs), np.log(errors), 1)[0])


def test_docstring_examples_run() -> None:
    result = doctest.testmod(numeric)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("method", list(DIFFERENCES))
@pytest.mark.parametrize(("f", "df", "x"), [(math.exp, math.exp, 1.0), (math.sin, math.cos, 0.3)])
def test_difference_approximates_the_derivative(method: str, f, df, x: float) -> None:
    assert DIFFERENCES[method](f, x, 1e-6) == pytest.approx(df(x), rel=1e-5)


def test_differences_accept_functions_returning_values() -> None:
    approx = central_difference(lambda t: Value(t).tanh(), 0.4)
    assert approx == pytest.approx(1 - math.tanh(0.4) ** 2, rel=1e-9)


@pytest.mark.parametrize("method", list(DIFFERENCES))
def test_differences_accept_functions_written_with_value_methods(method: str) -> None:
    # A float has no .tanh(): the difference must call f with Values, as numerical_gradient does.
    approx = DIFFERENCES[method](lambda x: x.tanh(), 0.5, 1e-6)
    assert approx == pytest.approx(1 - math.tanh(0.5) ** 2, rel=1e-5)


def test_differences_on_value_methods_record_no_graph() -> None:
    parents = []

    def f(x: Value) -> Value:
        out = x.sigmoid()
        parents.append(out.parents)
        return out

    s = 1 / (1 + math.exp(-0.3))
    assert central_difference(f, 0.3) == pytest.approx(s * (1 - s), rel=1e-9)
    assert parents and all(p == () for p in parents)


def test_fd_errors_accepts_value_method_functions_and_derivatives() -> None:
    errors = fd_errors(lambda x: x.exp(), lambda x: x.exp(), 1.0, [1e-2, 1e-3])
    # central error ≈ f'''·h²/6 = e·h²/6
    assert errors["central"] == pytest.approx([math.e * h**2 / 6 for h in (1e-2, 1e-3)], rel=1e-3)


def test_forward_and_backward_errors_follow_the_taylor_leading_term() -> None:
    # forward − f' ≈ +f''h/2 and backward − f' ≈ −f''h/2 (exp: f'' = f' = e^x)
    x, h = 0.5, 1e-4
    leading = math.exp(x) * h / 2
    assert forward_difference(math.exp, x, h) - math.exp(x) == pytest.approx(leading, rel=1e-3)
    assert backward_difference(math.exp, x, h) - math.exp(x) == pytest.approx(-leading, rel=1e-3)


def test_central_error_follows_the_taylor_leading_term() -> None:
    # central − f' ≈ f'''h²/6; for sin, f''' = −cos
    x, h = 0.5, 1e-3
    leading = -math.cos(x) * h**2 / 6
    assert central_difference(math.sin, x, h) - math.cos(x) == pytest.approx(leading, rel=1e-3)


def test_error_vs_h_slopes_are_one_for_one_sided_and_two_for_central() -> None:
    hs = [10.0**-k for k in np.arange(1.0, 3.6, 0.5)]  # truncation-dominated range
    errors = fd_errors(math.exp, math.exp, 1.0, hs)
    assert _slope(hs, errors["forward"]) == pytest.approx(1.0, abs=0.05)
    assert _slope(hs, errors["backward"]) == pytest.approx(1.0, abs=0.05)
    assert _slope(hs, errors["central"]) == pytest.approx(2.0, abs=0.05)


def test_round_off_makes_tiny_steps_worse() -> None:
    errors = fd_errors(math.exp, math.exp, 1.0, [1e-5, 1e-13])
    for method in ("forward", "central", "backward"):
        assert errors[method][1] > errors[method][0]  # the error grows again below the optimum
    # at h = 1e-5 central beats the one-sided formulas by orders of magnitude
    assert errors["central"][0] < errors["forward"][0] / 100


def test_fd_errors_returns_each_methods_absolute_error_per_step() -> None:
    hs = [1e-1, 1e-2, 1e-3]
    errors = fd_errors(math.sin, math.cos, 0.7, hs)
    assert list(errors) == ["forward", "central", "backward"]
    for method, difference in DIFFERENCES.items():
        expected = [abs(difference(math.sin, 0.7, h) - math.cos(0.7)) for h in hs]
        assert errors[method] == expected


def test_fd_errors_accepts_the_exact_derivative_as_a_number() -> None:
    assert fd_errors(math.sin, math.cos(0.7), 0.7, [1e-3]) == fd_errors(
        math.sin, math.cos, 0.7, [1e-3]
    )


@pytest.mark.parametrize(
    ("method", "rel"), [("central", 1e-9), ("forward", 1e-4), ("backward", 1e-4)]
)
def test_numerical_gradient_matches_analytic_gradient(method: str, rel: float) -> None:
    def f(x: float, y: float, z: float) -> float:
        return x * x * y + math.sin(y * z)

    x, y, z = 0.5, -1.2, 2.0
    analytic = [2 * x * y, x * x + z * math.cos(y * z), y * math.cos(y * z)]
    got = numerical_gradient(f, [x, y, z], h=1e-6, method=method)  # type: ignore[arg-type]
    assert got == pytest.approx(analytic, rel=rel)


def test_numerical_gradient_accepts_an_ndarray() -> None:
    got = numerical_gradient(lambda a, b: a * b, np.array([2.0, 3.0]))
    assert got == pytest.approx([3.0, 2.0], rel=1e-9)


def test_numerical_gradient_accepts_functions_written_with_value_methods() -> None:
    def neuron(x: Value, w: Value, b: Value) -> Value:
        return (x * w + b).tanh()  # a float has no .tanh(): f must be called with Values

    x, w, b = 2.0, -3.0, 6.5
    slope = 1 - math.tanh(x * w + b) ** 2
    got = numerical_gradient(neuron, [x, w, b], h=1e-6)
    assert got == pytest.approx([w * slope, x * slope, slope], rel=1e-8)


def test_numerical_gradient_evaluates_value_functions_without_recording_a_graph() -> None:
    recorded = []

    def f(x: Value) -> Value:
        out = x.exp()
        recorded.append(out.parents)
        return out

    assert numerical_gradient(f, [0.0]) == pytest.approx([1.0], rel=1e-9)
    assert recorded and all(parents == () for parents in recorded)


def test_numerical_gradient_reports_a_function_that_takes_neither_floats_nor_values() -> None:
    with pytest.raises(TypeError, match="add: expected a Value or a real number") as info:
        numerical_gradient(lambda x: x + "1", [1.0])
    assert isinstance(info.value.__context__, TypeError)  # the float attempt, chained


# -- gradcheck / gradgradcheck ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("f", "inputs"),
    [
        (lambda x, y: (2 * x + y) ** 2, [1.5, -2.0]),
        (
            lambda x, y, z: (x * y).tanh() * z.exp() + x ** Value(2.5) / y.sigmoid(),
            [0.7, -0.3, 0.2],
        ),
        (lambda x: x.softplus().log() + x.relu(), [0.3]),
    ],
)
def test_gradcheck_and_gradgradcheck_pass_for_correct_gradients(f, inputs: list[float]) -> None:
    assert gradcheck(f, inputs) is True
    assert gradgradcheck(f, inputs) is True


def test_gradcheck_reports_a_detached_input_in_a_table() -> None:
    # y is accidentally detached: autodiff says ∂/∂y = 0, central differences say x.
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x, y: x * y.detach() + y, [2.0, 3.0])
    message = str(info.value)
    assert isinstance(info.value, ValueError)
    assert message.startswith("gradcheck (eps=1e-06): autodiff and central differences disagree")
    assert "at 1 of 2 input(s)" in message
    lines = message.splitlines()
    assert lines[1].split() == ["input", "autodiff", "numeric", "abs", "err", "rel", "err"]
    index, autodiff, numeric_, abs_err, rel_err = lines[2].split()
    assert index == "1"
    assert float(autodiff) == 1.0
    assert float(numeric_) == pytest.approx(3.0, rel=1e-6)  # x + 1
    assert float(abs_err) == pytest.approx(2.0, rel=1e-3)
    assert float(rel_err) == pytest.approx(2 / 3, rel=1e-3)
    assert len(lines) == 4  # input 0 is correct and not listed
    assert lines[3].startswith("check_rules finds every local derivative of the graph right")


def test_gradcheck_flags_a_kink_where_the_derivative_does_not_exist() -> None:
    with pytest.raises(GradcheckError, match=r"(?m)^\s+0\s+0\s+0\.5\s"):
        gradcheck(lambda x: x.relu(), [0.0])  # autodiff takes 0, the central difference ½


def test_gradcheck_flags_nan_gradients() -> None:
    # (−2) ** (0·x + 2) is 4 for every x, but d/db at a negative base is NaN, and NaN · 0 = NaN
    with pytest.raises(GradcheckError, match=r"(?m)^\s+0\s+nan\s+0\s"):
        gradcheck(lambda x: (-2.0) ** (x * 0.0 + 2.0), [1.0])


def test_gradgradcheck_reports_a_gradient_not_recorded_as_a_function_of_x() -> None:
    # f = x · detach(x): the gradient is the constant detach(x), so autodiff's second
    # derivative is 0 while differentiating the gradient numerically gives 1.
    with pytest.raises(GradcheckError, match=r"(?m)^gradgradcheck .* 1 of 1 entry") as info:
        gradgradcheck(lambda x: x * x.detach(), [1.5])
    assert "(0, 0)" in str(info.value)


def test_gradgradcheck_lists_entries_row_major() -> None:
    # every Hessian entry is wrong (autodiff says 0), so all 4 are listed in matrix order
    with pytest.raises(GradcheckError) as info:
        gradgradcheck(lambda x, y: x.detach() * y.detach() * (x + y), [1.0, 2.0])
    rows = [line.split(")")[0].strip() + ")" for line in str(info.value).splitlines()[2:]]
    assert rows == ["(0, 0)", "(0, 1)", "(1, 0)", "(1, 1)"]


def test_gradcheck_tolerances_are_respected() -> None:
    # central differences of x² at eps = 1e-2 are exact; of x³ they are off by eps² = 1e-4
    assert gradcheck(lambda x: x**3, [1.0], eps=1e-2, atol=2e-4, rtol=0.0)
    with pytest.raises(GradcheckError):
        gradcheck(lambda x: x**3, [1.0], eps=1e-2, atol=1e-5, rtol=0.0)


# -- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(DIFFERENCES))
@pytest.mark.parametrize("h", [0.0, -1e-3, math.nan, math.inf])
def test_differences_reject_bad_steps_naming_the_function_and_value(name: str, h: float) -> None:
    with pytest.raises(ValueError, match=rf"{name}_difference: .*h.*{h!r}"):
        DIFFERENCES[name](math.sin, 1.0, h)


@pytest.mark.parametrize("name", list(DIFFERENCES))
def test_differences_reject_non_callable_f(name: str) -> None:
    with pytest.raises(TypeError, match=rf"{name}_difference: expected a function f, got float"):
        DIFFERENCES[name](2.0, 1.0)  # type: ignore[arg-type]


def test_differences_reject_non_numeric_points_and_steps() -> None:
    with pytest.raises(TypeError, match=r"central_difference: x must be a real number, got str"):
        central_difference(math.sin, "1.0")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"forward_difference: h must be a real number, got str"):
        forward_difference(math.sin, 1.0, "1e-5")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"backward_difference: x must be finite, got nan"):
        backward_difference(math.sin, math.nan)


def test_differences_reject_functions_returning_non_numbers() -> None:
    with pytest.raises(TypeError, match=r"central_difference: the function must return .*got str"):
        central_difference(lambda x: "oops", 1.0)


def test_numerical_gradient_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match=r"numerical_gradient: method must be one of .*'midpoint'"):
        numerical_gradient(lambda x: x, [1.0], method="midpoint")  # type: ignore[arg-type]
    with pytest.raises(
        ValueError, match=r"numerical_gradient: method must be one of .*\['central'\]"
    ):
        numerical_gradient(lambda x: x, [1.0], method=["central"])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"numerical_gradient: expected a non-empty sequence"):
        numerical_gradient(lambda x: x, [])
    with pytest.raises(ValueError, match=r"numerical_gradient: step h must be > 0, got -1\.0"):
        numerical_gradient(lambda x: x, [1.0], h=-1.0)


def test_fd_errors_rejects_bad_input() -> None:
    with pytest.raises(TypeError, match=r"fd_errors: hs must be a non-empty sequence"):
        fd_errors(math.sin, math.cos, 1.0, 1e-3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"fd_errors: step h must be > 0, got 0\.0"):
        fd_errors(math.sin, math.cos, 1.0, [1e-3, 0.0])


def test_gradcheck_rejects_bad_input() -> None:
    with pytest.raises(TypeError, match=r"gradcheck: expected a function f, got list"):
        gradcheck([1.0], [1.0])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"gradcheck: step eps must be > 0, got 0\.0"):
        gradcheck(lambda x: x, [1.0], eps=0.0)
    with pytest.raises(ValueError, match=r"gradgradcheck: atol must be >= 0, got -1\.0"):
        gradgradcheck(lambda x: x, [1.0], atol=-1.0)
    with pytest.raises(TypeError, match=r"gradcheck: input 1 must be a real number, got str"):
        gradcheck(lambda x, y: x, [1.0, "2"])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"grad: the function must return a Value .*got float"):
        gradcheck(lambda x: 3.0, [1.0])  # type: ignore[arg-type, return-value]
