"""Tests of microgradx._checks: the shared checks of numeric arguments."""

from __future__ import annotations

import doctest
import math
from collections.abc import Callable
from fractions import Fraction

import numpy as np
import pytest

from microgradx import _checks
from microgradx._checks import finite_real, is_int, is_real, non_negative, positive

CHECKS: dict[str, Callable[[object, str, str], float]] = {
    "finite_real": finite_real,
    "positive": positive,
    "non_negative": non_negative,
}
NUMBERS = [3, 2.5, np.float64(0.5), np.float32(1.5), np.int64(7), Fraction(1, 4)]
NOT_NUMBERS = [True, False, np.bool_(True), "1.0", None, [1.0], 1 + 2j]


def test_docstring_examples_run() -> None:
    result = doctest.testmod(_checks)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("x", NUMBERS)
def test_is_real_accepts_ints_floats_and_numpy_scalars(x: object) -> None:
    assert is_real(x)


@pytest.mark.parametrize("x", NOT_NUMBERS)
def test_is_real_rejects_bools_strings_none_and_containers(x: object) -> None:
    assert not is_real(x)


@pytest.mark.parametrize("x", [3, -1, np.int64(7), np.uint8(2)])
def test_is_int_accepts_python_and_numpy_ints(x: object) -> None:
    assert is_int(x)


@pytest.mark.parametrize("x", [True, 2.0, np.float64(2.0), "2", None])
def test_is_int_rejects_bools_floats_strings_and_none(x: object) -> None:
    assert not is_int(x)


@pytest.mark.parametrize("name", list(CHECKS))
@pytest.mark.parametrize("x", NUMBERS)
def test_checks_return_a_plain_float(name: str, x: object) -> None:
    result = CHECKS[name](x, "f", "x")
    assert type(result) is float
    assert result == float(x)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", list(CHECKS))
@pytest.mark.parametrize("x", NOT_NUMBERS)
def test_checks_reject_non_numbers_with_type_error_naming_where_name_and_value(
    name: str, x: object
) -> None:
    with pytest.raises(TypeError, match=rf"^fit: lr must be a number, got {type(x).__name__} "):
        CHECKS[name](x, "fit", "lr")


@pytest.mark.parametrize("name", list(CHECKS))
@pytest.mark.parametrize("x", [math.nan, math.inf, -math.inf, np.float64("nan")])
def test_checks_reject_nan_and_inf_with_value_error(name: str, x: float) -> None:
    with pytest.raises(ValueError, match=rf"^SGD: eps must be finite, got {float(x)!r}$"):
        CHECKS[name](x, "SGD", "eps")


@pytest.mark.parametrize("name", list(CHECKS))
def test_checks_reject_ints_too_large_for_a_float(name: str) -> None:
    with pytest.raises(ValueError, match=r"^g: h is too large for a float$"):
        CHECKS[name](10**400, "g", "h")


def test_finite_real_accepts_any_sign_and_zero() -> None:
    assert [finite_real(x, "f", "x") for x in (-2, 0, 0.0, 1e300)] == [-2.0, 0.0, 0.0, 1e300]


def test_finite_real_words_the_type_error_as_asked() -> None:
    with pytest.raises(TypeError, match=r"^gradcheck: x must be a real number, got str 'a'$"):
        finite_real("a", "gradcheck", "x", expected="a real number")


@pytest.mark.parametrize("x", [0, 0.0, -0.0, -1, np.float64(-1e-300)])
def test_positive_rejects_zero_and_negatives_naming_where_name_and_value(x: float) -> None:
    with pytest.raises(ValueError, match=rf"^Adam: lr must be > 0, got {float(x)!r}$"):
        positive(x, "Adam", "lr")


def test_positive_accepts_the_smallest_positive_float() -> None:
    assert positive(5e-324, "f", "x") == 5e-324


@pytest.mark.parametrize("x", [-1, -1e-300, np.float32(-0.5)])
def test_non_negative_rejects_negatives_naming_where_name_and_value(x: float) -> None:
    with pytest.raises(ValueError, match=rf"^l2_penalty: alpha must be >= 0, got {float(x)!r}$"):
        non_negative(x, "l2_penalty", "alpha")


@pytest.mark.parametrize("x", [0, 0.0, -0.0])
def test_non_negative_accepts_zero(x: float) -> None:
    assert non_negative(x, "f", "x") == 0.0
