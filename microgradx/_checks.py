"""Checks for numeric arguments, shared by every module: messages name the function and value.

``where`` is the function the user called, ``name`` the argument; a wrong type raises
TypeError, a wrong value ValueError. ``bool`` is not a number here, although Python says
``True == 1``: ``lr=True`` is a mistake, not a learning rate of 1.

>>> positive(0.1, "SGD", "lr")
0.1
>>> non_negative(-1, "SGD", "momentum")
Traceback (most recent call last):
    ...
ValueError: SGD: momentum must be >= 0, got -1.0
"""

from __future__ import annotations

import math
import numbers
from typing import Any


def is_real(x: object) -> bool:
    """True for an int, a float or a numpy scalar of either; False for a bool and the rest."""
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def is_int(x: object) -> bool:
    """True for an int or a numpy integer; False for a bool, a float and the rest."""
    return isinstance(x, numbers.Integral) and not isinstance(x, bool)


def finite_real(x: Any, where: str, name: str, *, expected: str = "a number") -> float:
    """``x`` as a float if it is a finite real number; ``expected`` words the TypeError."""
    if not is_real(x):
        raise TypeError(f"{where}: {name} must be {expected}, got {type(x).__name__} {x!r}")
    try:
        value = float(x)
    except OverflowError:  # an int beyond the float range
        raise ValueError(f"{where}: {name} is too large for a float") from None
    if not math.isfinite(value):
        raise ValueError(f"{where}: {name} must be finite, got {value!r}")
    return value


def positive(x: Any, where: str, name: str) -> float:
    """``x`` as a float if it is a finite real number > 0."""
    value = finite_real(x, where, name)
    if value <= 0.0:
        raise ValueError(f"{where}: {name} must be > 0, got {value!r}")
    return value


def non_negative(x: Any, where: str, name: str) -> float:
    """``x`` as a float if it is a finite real number >= 0."""
    value = finite_real(x, where, name)
    if value < 0.0:
        raise ValueError(f"{where}: {name} must be >= 0, got {value!r}")
    return value
