"""What a trace watched: the comparisons of traced Values, checked again on every replay.

Python control flow in a traced function runs once, on the example; the tracer records each
comparison of a traced Value (``<``, ``<=``, ``>``, ``>=``) as a *guard*, and a replay raises
``BranchError`` for the samples whose comparison comes out the other way.
"""

from __future__ import annotations

import operator

__all__ = ["BranchError"]

SYMBOLS = {operator.lt: "<", operator.le: "<=", operator.gt: ">", operator.ge: ">="}


class BranchError(ValueError):
    """A sample would take a different Python branch than the example the tape was traced on."""
