"""What every exercise check shares: the verdict, the record of results, the placeholders.

A check is a function decorated with ``@check("3.2")``. It runs the learner's code, and either
returns the sentence to print when all is well or raises ``Mistake`` with the sentence that
says what is wrong. The decorator prints ``✓ …`` or raises ``ExerciseFailed`` (an
``AssertionError``, so a notebook stops there), and records the verdict in ``RESULTS`` — which
the teacher's runner reads after executing a notebook. Messages follow the notebook's edition
(``course.tr``: Korean under ``exercises/ko``).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any, TypeVar

from ..course import tr

__all__ = ["CHECKS", "RESULTS", "ExerciseFailed", "Mistake", "check", "number"]

RESULTS: dict[str, str | None] = {}
"""Check id → None when it passed, else the message of its last failure (this process)."""

CHECKS: dict[str, str] = {}
"""Every check id → the one-line description of what it checks, in the order defined."""

F = TypeVar("F", bound=Callable[..., Any])


class Mistake(Exception):
    """Raised inside a check: the learner's answer is wrong, and the message says how."""


class ExerciseFailed(AssertionError):
    """What a learner sees when a check fails: the check's id and what to look at."""


def check(check_id: str, what: str) -> Callable[[F], F]:
    """Register a check under ``check_id`` (e.g. "3.2"), described as ``what``."""

    def wrap(fn: F) -> F:
        CHECKS[check_id] = what

        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> None:
            try:
                praise = fn(*args, **kwargs)
            except Mistake as e:
                message = str(e)
            except NotImplementedError:
                message = tr(
                    "not written yet: replace `raise NotImplementedError` with your code",
                    "아직 작성하지 않았습니다: "
                    "`raise NotImplementedError`를 여러분의 코드로 바꾸세요",
                )
            else:
                RESULTS[check_id] = None
                print(f"✓ {check_id} {praise}")
                return
            RESULTS[check_id] = message
            raise ExerciseFailed(f"✗ {check_id} {what}: {message}") from None

        return run  # type: ignore[return-value]

    return wrap


def number(answer: Any, name: str) -> float:
    """The learner's answer as a float, or a Mistake saying it is not filled in / not a number."""
    if answer is Ellipsis:
        raise Mistake(
            tr(
                f"fill in {name} first (it is still `...`)",
                f"먼저 {name}을(를) 채우세요 (아직 `...`입니다)",
            )
        )
    if isinstance(answer, bool) or not isinstance(answer, (int, float)):
        if hasattr(answer, "data"):  # a Value: they may well have computed it with the library
            answer = answer.data
        else:
            kind = f"{type(answer).__name__} {answer!r}"
            raise Mistake(
                tr(
                    f"{name} should be a number, got {kind}",
                    f"{name}은(는) 숫자여야 합니다: {kind}",
                )
            )
    value = float(answer)
    if not math.isfinite(value):
        raise Mistake(
            tr(
                f"{name} should be a finite number, got {value!r}",
                f"{name}이(가) 유한한 수가 아닙니다: {value!r}",
            )
        )
    return value


def call(fn: Any, name: str, *args: Any) -> Any:
    """Call the learner's function, turning a crash into a Mistake that names it."""
    if fn is Ellipsis or not callable(fn):
        raise Mistake(
            tr(
                f"{name} should be a function; write it in the cell above",
                f"{name}은(는) 함수여야 합니다. 위 셀에 작성하세요",
            )
        )
    try:
        return fn(*args)
    except NotImplementedError:
        raise
    except Exception as e:  # their code may raise anything; say what and where
        raised = f"{type(e).__name__}: {e}"
        raise Mistake(
            tr(f"{name}{args!r} raised {raised}", f"{name}{args!r}에서 오류가 났습니다: {raised}")
        ) from None


def close(a: float, b: float, rel: float = 1e-6, abs_: float = 1e-9) -> bool:
    """True when a and b agree to ``rel`` (relative) or ``abs_`` (absolute)."""
    return abs(a - b) <= abs_ + rel * max(abs(a), abs(b))
