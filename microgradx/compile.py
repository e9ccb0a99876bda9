"""Trace a scalar function once, then replay it on whole batches with numpy.

The eager engine builds a fresh graph of Python objects for every sample. When the *shape*
of the computation is the same for every sample — an MLP's loss on one data point is the
classic case — that is wasted work. ``trace`` runs the function once on one example, keeps
the graph it built as a *tape* (the primitive ops from the rule table in topological order),
and returns a ``Replay``: calling it runs every tape entry as one numpy operation over the
whole batch, forward and then backward, with the very same rules as the eager engine::

    >>> import microgradx as mx
    >>> w = mx.Value(2.0)
    >>> replay = mx.trace(lambda x, y: (w * x - y) ** 2, 0.0, 0.0)   # one example
    >>> replay([1.0, 2.0, 3.0], [2.0, 4.0, 5.0]).tolist()           # three samples
    [0.0, 0.0, 1.0]
    >>> float(replay.backward([1.0, 2.0, 3.0], [2.0, 4.0, 5.0]).mean())  # d(mean)/dw → w.grad
    0.3333333333333333
    >>> w.grad
    2.0

How the two passes are derived from ``ops.py``: each primitive's ``forward`` (or its
``batched`` twin, for the ops whose float version calls ``math``) runs on arrays, and its
VJP rule runs unchanged — the rules are polymorphic, and the few that depend on a value
(relu, abs, leaky_relu, pow) branch through helpers that use ``numpy.where`` on arrays, so
*data-dependent choices inside primitives are made per sample*. Values that do not depend
on the inputs (parameters, the L2 penalty) are computed once per call as floats, and their
gradients are the sum over the batch, as if the eager engine had run every sample.

Python control flow in *your* function is different: ``if``/``while``/``max()`` run once,
while tracing, and the tape records only the branch the example took. The tracer watches
every comparison of a traced Value (``<``, ``<=``, ``>``, ``>=``, hence also ``max``/``min``)
and stores it as a *guard*; each replay re-evaluates the guards for every sample and raises
``BranchError`` naming the samples that would have taken another branch. Reading ``.data``
cannot be watched: a number computed from ``.data`` is frozen into the tape as a constant.

Why the name ``trace`` (and not ``compile``, ``jit`` or ``vmap``): nothing is compiled — the
function is *traced* once and replayed, and the name says exactly what limits that implies
(it is ``torch.jit.trace``'s contract, not ``torch.compile``'s); it also does not shadow the
``compile`` builtin.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np

from . import engine
from ._checks import finite_real
from .engine import Value, enable_grad, topological_order
from .ops import Op

__all__ = ["BranchError", "Replay", "trace"]

# Domain errors in a batched op (log of a negative, overflow, 0/0) must raise like the eager
# engine; numpy's floating-point traps do this at no cost when nothing goes wrong. Underflow
# to 0 is fine (the eager engine accepts it too).
_TRAPS = {"divide": "raise", "over": "raise", "invalid": "raise", "under": "ignore"}
_SYMBOLS = {operator.lt: "<", operator.le: "<=", operator.gt: ">", operator.ge: ">="}


class BranchError(ValueError):
    """A sample would take a different Python branch than the example the tape was traced on."""


def trace(fn: Callable[..., Value], *example: float) -> Replay:
    """Record ``fn`` once on one example (one number per argument); return a batched ``Replay``.

    ``fn`` takes Values and returns a scalar Value (typically one sample's loss). Every leaf
    Value it uses that is not one of its arguments — the model's parameters, constants — is
    read afresh on each replay, so parameters updated by an optimizer are picked up.
    """
    if not callable(fn):
        raise TypeError(f"trace: expected a function, got {type(fn).__name__} {fn!r}")
    if not example:
        raise TypeError("trace: give one example number per argument of the function")
    name = getattr(fn, "__name__", type(fn).__name__)
    inputs = [
        Value(finite_real(x, "trace", f"example {i}"), label=f"input {i}")
        for i, x in enumerate(example)
    ]
    guards: list[tuple[engine.Comparison, Value, Any, bool]] = []

    def watch(cmp: engine.Comparison, a: Value, b: Any, result: bool) -> None:
        guards.append((cmp, a, b, result))

    previous = engine._compare_hook
    engine._compare_hook = watch
    try:
        with enable_grad():  # trace even inside no_grad(): the tape is the graph
            out = fn(*inputs)
    finally:
        engine._compare_hook = previous
    if not isinstance(out, Value):
        raise TypeError(
            f"trace: {name} must return a Value (one scalar, e.g. a sample's loss), "
            f"got {type(out).__name__}"
        )
    return Replay(name, inputs, out, guards)


Guard = tuple[engine.Comparison, int, int, float, bool, str]


class Replay:
    """A traced function, run forward (``__call__``) or forward + backward on whole batches."""

    def __init__(
        self,
        name: str,
        inputs: Sequence[Value],
        output: Value,
        guards: Sequence[tuple[engine.Comparison, Value, Any, bool]],
    ) -> None:
        # One tape for the output and every compared Value, each node once, parents first.
        order: list[Value] = []
        slot: dict[Value, int] = {}
        compared = [v for _, a, b, _ in guards for v in (a, b) if isinstance(v, Value)]
        for root in [output, *compared]:
            for node in topological_order(root):
                if node not in slot:
                    slot[node] = len(order)
                    order.append(node)
        input_ids = {id(v) for v in inputs}
        self.name = name
        self.n_inputs = len(inputs)
        self._size = len(order)
        self._out = slot[output]
        self._inputs = [slot.get(v, -1) for v in inputs]  # -1: argument unused
        # A node is *batched* (one value per sample) if it depends on an input; the others
        # are computed once per call, as floats. It needs a gradient if a parameter (a
        # non-input leaf) is upstream of it.
        batched = [False] * len(order)
        needed = [False] * len(order)
        self._leaves: list[tuple[int, Value]] = []
        self._scalar: list[tuple[Op, int, int, int]] = []
        self._batch: list[tuple[Op, Callable[..., Any], int, int, int]] = []
        self._scalar_back: list[tuple[Op, int, int, int, bool, bool]] = []
        self._batch_back: list[tuple[Op, int, int, int, bool, bool]] = []
        boundary: set[int] = set()  # scalar nodes read by batched ones: their gradients get summed
        for k, node in enumerate(order):
            fn = node._fn
            if fn is None:
                batched[k] = id(node) in input_ids
                needed[k] = not batched[k]
                if needed[k]:
                    self._leaves.append((k, node))
                continue
            i = slot[node._a]  # type: ignore[index]
            j = -1 if node._b is None else slot[node._b]
            batched[k] = batched[i] or (j >= 0 and batched[j])
            need_i, need_j = needed[i], j >= 0 and needed[j]
            needed[k] = need_i or need_j
            if batched[k]:
                self._batch.append((fn, fn.batched or fn.forward, k, i, j))
                if needed[k]:
                    self._batch_back.append((fn, k, i, j, need_i, need_j))
                boundary.update(p for p in (i, j) if p >= 0 and not batched[p])
            else:
                self._scalar.append((fn, k, i, j))
                if needed[k]:
                    self._scalar_back.append((fn, k, i, j, need_i, need_j))
        self._batch_back.reverse()
        self._scalar_back.reverse()
        self._boundary = sorted(boundary)
        self._out_batched = batched[self._out]
        self._guards: list[Guard] = []
        for cmp, a, b, result in guards:
            j = slot[b] if isinstance(b, Value) else -1
            other = f"{b.data!r}" if isinstance(b, Value) else f"{float(b)!r}"
            text = f"{_describe(a)} {_SYMBOLS.get(cmp, '?')} {other}"
            const = math.nan if isinstance(b, Value) else float(b)
            self._guards.append((cmp, slot[a], j, const, result, text))

    def __len__(self) -> int:
        """Number of nodes on the tape (leaves included)."""
        return self._size

    def __repr__(self) -> str:
        return (
            f"Replay({self.name}: {self.n_inputs} inputs, {self._size} nodes, "
            f"{len(self._batch)} batched ops, {len(self._guards)} guards)"
        )

    # -- running ------------------------------------------------------------------------

    def __call__(self, *batches: Any) -> np.ndarray:
        """The traced function on every sample: one 1-D array (or number) per argument."""
        vals, n = self._forward(batches)
        return self._output(vals, n)

    def backward(
        self, *batches: Any, reduction: Literal["mean", "sum"] = "mean", scale: float = 1.0
    ) -> np.ndarray:
        """Forward and backward on a batch; add d(mean or sum of outputs)/d(leaf) to ``.grad``.

        Gradients accumulate into the parameters' ``.grad`` exactly as the eager
        ``(sum(fn(*sample) for sample in batch) / n).backward()`` would (``reduction="sum"``:
        without the ``/ n``); ``scale`` multiplies them (to combine several batches into one
        mean). Returns the per-sample outputs.
        """
        if reduction not in ("mean", "sum"):
            raise ValueError(f"{self.name}: reduction must be 'mean' or 'sum', got {reduction!r}")
        vals, n = self._forward(batches)
        grads: list[Any] = [None] * self._size
        scale = float(scale) / n if reduction == "mean" else float(scale)
        # The seed: every sample's output contributes `scale` to the reduced loss.
        grads[self._out] = np.full(n, scale) if self._out_batched else scale * n

        def explain_batch(fn: Op, args: tuple[Any, ...], e: Exception) -> Exception:
            return _explain(fn.vjp, args, n, f"{self.name}: backward through '{fn.name}'")

        def explain_scalar(fn: Op, args: tuple[Any, ...], e: Exception) -> Exception:
            return type(e)(f"backward through '{fn.name}' in {self.name}: {e}")

        with np.errstate(**_TRAPS):  # type: ignore[arg-type]
            _apply_rules(self._batch_back, grads, vals, (FloatingPointError,), explain_batch)
        # A value shared by all samples gets the sum of their gradients.
        for k in self._boundary:
            if isinstance(grads[k], np.ndarray):
                grads[k] = float(grads[k].sum())
        _apply_rules(self._scalar_back, grads, vals, (ArithmeticError, ValueError), explain_scalar)
        for k, leaf in self._leaves:
            if grads[k] is not None:
                leaf.grad += float(grads[k])
        return self._output(vals, n)

    # -- the two halves -----------------------------------------------------------------

    def _forward(self, batches: Sequence[Any]) -> tuple[list[Any], int]:
        arrays, n = self._check(batches)
        vals: list[Any] = [None] * self._size
        for k, leaf in self._leaves:
            vals[k] = leaf.data  # read now: an optimizer may have changed it since tracing
        for k, arr in zip(self._inputs, arrays, strict=True):
            if k >= 0:
                vals[k] = arr
        for fn, k, i, j in self._scalar:  # shared by all samples: plain floats, eager checks
            out = fn.forward(vals[i]) if j < 0 else fn.forward(vals[i], vals[j])
            if not math.isfinite(out):
                out = engine._checked(out, fn, *([vals[i]] if j < 0 else [vals[i], vals[j]]))
            vals[k] = out
        with np.errstate(**_TRAPS):  # type: ignore[arg-type]
            for fn, f, k, i, j in self._batch:
                try:
                    vals[k] = f(vals[i]) if j < 0 else f(vals[i], vals[j])
                except FloatingPointError:
                    args = (vals[i],) if j < 0 else (vals[i], vals[j])
                    raise _explain(_checked_forward(fn), args, n, self.name) from None
        self._check_guards(vals)
        return vals, n

    def _output(self, vals: list[Any], n: int) -> np.ndarray:
        out = vals[self._out]
        return np.array(out, dtype=np.float64) if self._out_batched else np.full(n, float(out))

    def _check(self, batches: Sequence[Any]) -> tuple[list[np.ndarray], int]:
        """Validate the batches: one per argument, numbers, finite, all of the same length."""
        if len(batches) != self.n_inputs:
            raise TypeError(
                f"{self.name}: the traced function takes {self.n_inputs} inputs, so give "
                f"{self.n_inputs} batches (one 1-D array per argument), got {len(batches)}"
            )
        arrays: list[np.ndarray] = []
        n: int | None = None
        first = 0
        for pos, batch in enumerate(batches):
            raw = np.asarray(batch)
            if raw.dtype.kind not in "iuf":
                raise TypeError(
                    f"{self.name}: input {pos} must hold real numbers, got dtype {raw.dtype}"
                )
            arr = raw.astype(np.float64, copy=False)
            if arr.ndim > 1:
                raise ValueError(
                    f"{self.name}: input {pos} must be 1-D (one number per sample), "
                    f"got shape {arr.shape}; pass one array per argument, e.g. *X.T"
                )
            if arr.ndim == 1:
                if n is None:
                    n, first = len(arr), pos
                elif len(arr) != n:
                    raise ValueError(
                        f"{self.name}: mismatched batch lengths: input {first} has {n} "
                        f"samples, input {pos} has {len(arr)}"
                    )
            if not np.isfinite(arr).all():
                raise ValueError(
                    f"{self.name}: input {pos} contains NaN or inf; Values hold finite numbers"
                )
            arrays.append(arr)
        if n == 0:
            raise ValueError(f"{self.name}: empty batch (0 samples)")
        n = 1 if n is None else n
        return [np.full(n, a) if a.ndim == 0 else a for a in arrays], n

    def _check_guards(self, vals: list[Any]) -> None:
        for cmp, i, j, const, expected, text in self._guards:
            taken = cmp(vals[i], vals[j] if j >= 0 else const)
            wrong = np.flatnonzero(np.asarray(taken) != expected)
            if wrong.size:
                which = ", ".join(map(str, wrong[:5].tolist())) + (", …" if wrong.size > 5 else "")
                raise BranchError(
                    f"{self.name}: the comparison `{text}` was {expected} when traced but not "
                    f"for sample(s) {which}. Python control flow is fixed at trace time: "
                    "express the choice with relu/abs/max-free arithmetic, or trace again."
                )


def _describe(v: Value) -> str:
    if v.label:
        return v.label
    return f"{v.op} node (traced value {v.data!r})" if v.op else f"leaf {v.data!r}"


def _checked_forward(fn: Op) -> Callable[..., float]:
    """fn.forward with the eager engine's finite-result check, for explaining failures."""

    def forward(*args: float) -> float:
        out = fn.forward(*args)
        return out if math.isfinite(out) else engine._checked(out, fn, *args)

    return forward


def _apply_rules(
    steps: list[tuple[Op, int, int, int, bool, bool]],
    grads: list[Any],
    vals: list[Any],
    catch: tuple[type[Exception], ...],
    explain: Callable[[Op, tuple[Any, ...], Exception], Exception],
) -> None:
    """The chain rule over tape entries: add each rule's contributions into ``grads``."""
    for fn, k, i, j, need_i, need_j in steps:
        g = grads[k]
        if g is None:  # only compared, never used by the output
            continue
        args = (g, vals[k], vals[i]) if j < 0 else (g, vals[k], vals[i], vals[j])
        try:
            da, db = (fn.vjp(*args), None) if j < 0 else fn.vjp(*args)
        except catch as e:
            # numpy's trap is an implementation detail (hide it); a rule's own error is the cause.
            raise explain(fn, args, e) from (None if isinstance(e, FloatingPointError) else e)
        # Never `+=` in place: a rule may return the same array twice (add: g, g).
        if need_i:
            grads[i] = da if grads[i] is None else grads[i] + da
        if need_j:
            grads[j] = db if grads[j] is None else grads[j] + db


def _explain(f: Callable[..., Any], args: tuple[Any, ...], n: int, where: str) -> Exception:
    """Rerun a failed batched op sample by sample on floats, to raise the eager engine's error."""
    for s in range(n):
        sample = [float(a[s]) if isinstance(a, np.ndarray) else float(a) for a in args]
        try:
            f(*sample)
        except (ArithmeticError, ValueError) as e:
            return type(e)(f"{where}: sample {s}: {e}")
    return FloatingPointError(f"{where}: a non-finite result in the batch")
