"""What a trace watches: comparisons of traced Values (guards) and conversions to float.

Python control flow in a traced function runs once, on the example. While ``trace`` runs,
its ``Recorder`` sits on this thread's stack of running traces (``engine.TRACING``): the
engine tells it of every comparison of a Value (``<``, ``<=``, ``>``, ``>=``), kept as a
*guard* that a replay — and a module exported with ``to_torch`` — checks again for every
sample, raising ``BranchError`` for the samples whose comparison comes out the other way.
``float(x)`` (and so ``math.sin(x)``) of a Value computed from the inputs is refused: its
number would be frozen into the tape for every sample.

The stack is per thread, so another thread's comparisons never become this trace's guards,
and a trace removes only itself when it ends, so overlapping traces leave nothing behind.
"""

from __future__ import annotations

import operator
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ..engine import TRACING, Comparison, Value

__all__ = ["BranchError"]

SYMBOLS = {operator.lt: "<", operator.le: "<=", operator.gt: ">", operator.ge: ">="}

Watched = tuple[Comparison, Value, Any, bool]  # comparison, its two sides, the result traced


class BranchError(ValueError):
    """A sample would take a different Python branch than the example the tape was traced on."""


def branch_error(name: str, text: str, expected: bool, samples: Sequence[str]) -> BranchError:
    """The error for a guard that fails: which comparison, which samples, what to do."""
    which = ", ".join(samples[:5]) + (", …" if len(samples) > 5 else "")
    return BranchError(
        f"{name}: the comparison `{text}` was {expected} when traced but not for sample(s) "
        f"{which}. Python control flow is fixed at trace time: express the choice with "
        "relu/abs/max-free arithmetic, or trace again."
    )


def describe(v: Value) -> str:
    """A node as an error message names it: its label, else its op and traced value."""
    if v.label:
        return v.label
    return f"{v.op} node (traced value {v.data!r})" if v.op else f"leaf {v.data!r}"


class Recorder:
    """One running trace: keeps its guards, refuses ``float()`` of what depends on its inputs."""

    def __init__(self, name: str, inputs: Sequence[Value]) -> None:
        self.name = name
        self.guards: list[Watched] = []
        # Whether a node depends on an input, found once per node (a float() per step of a
        # long loop must not walk the whole graph again each time).
        self._depends: dict[Value, bool] = dict.fromkeys(inputs, True)

    def compared(self, cmp: Comparison, a: Value, b: Any, result: bool) -> None:
        """A comparison while tracing: the branch it chose becomes a guard of this trace.

        Every comparison belongs to the innermost running trace; a trace around it also
        keeps those that read its own inputs (an inner function branching on an outer value).
        """
        innermost = TRACING.active[-1] is self
        if innermost or self.depends(a) or (isinstance(b, Value) and self.depends(b)):
            self.guards.append((cmp, a, b, result))

    def converted(self, v: Value) -> None:
        """``float(v)`` while tracing: fine for a constant, an error for an input's value."""
        if self.depends(v):
            raise TypeError(
                f"trace({self.name}): float() of {describe(v)}, a value that depends on the "
                f"traced inputs, would freeze {v.data!r} into the tape for every sample "
                "(math.sin(x), math.exp(x), float(x) all convert). Use the Value's own "
                "methods (x.sin(), x.exp(), x.tanh(), x ** 0.5, …) so the replay computes it "
                "per sample; read x.data if a constant is really meant."
            )

    def depends(self, v: Value) -> bool:
        """Whether ``v`` was computed from an input of this trace (iteratively: any depth)."""
        known = self._depends
        stack = [v]
        while stack:
            node = stack[-1]
            if node in known:
                stack.pop()
                continue
            parents = [p for p in (node._a, node._b) if p is not None]
            todo = [p for p in parents if p not in known]
            if todo:
                stack.extend(todo)
                continue
            stack.pop()
            known[node] = any(known[p] for p in parents)
        return known[v]


@contextmanager
def recording(recorder: Recorder) -> Iterator[Recorder]:
    """Put ``recorder`` on this thread's stack of running traces for the block."""
    active = TRACING.active
    active.append(recorder)
    try:
        yield recorder
    finally:
        # By identity, wherever it is: traces that overlap (not nested) end in any order.
        del active[next(i for i, r in enumerate(active) if r is recorder)]
