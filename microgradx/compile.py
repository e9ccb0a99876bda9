"""Trace a scalar function once, then replay it on whole batches with numpy.

The eager engine builds a fresh graph of Python objects for every sample. When the *shape*
of the computation is the same for every sample — an MLP's loss on one data point is the
classic case — that is wasted work. ``trace`` runs the function once on one example, keeps
the graph it built as a *tape* (the primitive ops from the rule table in topological order),
and returns a ``Replay``: calling it runs the tape over the whole batch with numpy, forward
and then backward, with the very same rules as the eager engine::

    >>> import microgradx as mx
    >>> w = mx.Value(2.0)
    >>> replay = mx.trace(lambda x, y: (w * x - y) ** 2, 0.0, 0.0)   # one example
    >>> replay([1.0, 2.0, 3.0], [2.0, 4.0, 5.0]).tolist()           # three samples
    [0.0, 0.0, 1.0]
    >>> float(replay.backward([1.0, 2.0, 3.0], [2.0, 4.0, 5.0]).mean())  # d(mean)/dw → w.grad
    0.3333333333333333
    >>> w.grad
    2.0

**Batched by level.** Running one numpy call per tape entry would cost ~1 µs of Python per
entry whatever the batch size. Instead the tape is grouped once, when traced (operation
batching, as DyNet's autobatching and TensorFlow Fold do): every node gets a *level*, one
more than its deepest input, and the nodes with the same op at the same level form one
group, run as one numpy call over a (nodes × samples) block, gathering its inputs with
index arrays computed once. Chains of additions — a neuron's ``b + w₀x₀ + w₁x₁ + …`` — are
recognised as sums ``Σ cᵢ·xᵢ + constant`` and a group of sums runs as one matrix product
``C @ X``, so a layer of an MLP costs one ``@`` however it was written. Nothing here knows
about MLPs: any traced scalar function replays, with the pattern used where it is present.
Sums are added in another order than the eager engine's left-to-right chain, so results
agree to rounding (~1e-15 relative), not bit for bit.

How the two passes are derived from ``ops.py``: each primitive's ``forward`` (or its
``batched`` twin, for the ops whose float version calls ``math``) runs on arrays, and its
VJP rules run unchanged — the rules are polymorphic, and the few that depend on a value
(relu, abs, leaky_relu, pow) branch through helpers that use ``numpy.where`` on arrays, so
*data-dependent choices inside primitives are made per sample*. Values that do not depend
on the inputs (parameters, the L2 penalty) are computed once per call, and their gradients
are the sum over the batch, as if the eager engine had run every sample. As in the eager
engine, a local derivative is computed only for an input that leads back to something that
needs a gradient: the constant base of ``10.0 ** x`` has an overflowing derivative that
nobody asked for.

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
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Literal

import numpy as np

from . import engine
from ._checks import finite_real, is_int
from .engine import Value, enable_grad, topological_order
from .ops import ADD, MUL, SUB, Op
from .primitive import check_replayable, is_user_defined

__all__ = ["BranchError", "Replay", "elementwise_grad", "trace"]

# Domain errors in a batched op (log of a negative, overflow, 0/0) must raise like the eager
# engine; numpy's floating-point traps do this at no cost when nothing goes wrong. Underflow
# to 0 is fine (the eager engine accepts it too).
_TRAPS = {"divide": "raise", "over": "raise", "invalid": "raise", "under": "ignore"}
_SYMBOLS = {operator.lt: "<", operator.le: "<=", operator.gt: ">", operator.ge: ">="}

Index = slice | np.ndarray  # rows of a block: a slice when they are consecutive (no copy)
Mode = Literal["params", "inputs"]  # gradients for the parameters, or for the inputs


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


def elementwise_grad(fn: Callable[..., Value], argnum: int = 0) -> Callable[..., np.ndarray]:
    """d fn / d(argument ``argnum``) at every sample of a batch (HIPS autograd's name).

    ``elementwise_grad(f)(xs, ...)`` returns, for each sample ``s``, the derivative of
    ``f(xs[s], ...)`` with respect to its argument ``argnum`` — what a plot of ∂loss/∂x over a
    grid wants. ``f`` is traced on the first call (on its first sample) and replayed after;
    parameters' ``.grad`` are left alone.
    """
    if not callable(fn):
        raise TypeError(f"elementwise_grad: expected a function, got {type(fn).__name__}")
    if not is_int(argnum) or argnum < 0:
        raise ValueError(f"elementwise_grad: argnum must be an integer >= 0, got {argnum!r}")
    traced: list[Replay] = []

    def gradient(*batches: Any) -> np.ndarray:
        if argnum >= len(batches):
            raise ValueError(
                f"elementwise_grad: argnum {argnum} but the function was given "
                f"{len(batches)} argument(s)"
            )
        if not traced:
            first = [np.ravel(np.asarray(b, dtype=np.float64))[:1] for b in batches]
            if any(f.size == 0 for f in first):
                raise ValueError("elementwise_grad: empty batch (0 samples)")
            traced.append(trace(fn, *(float(f[0]) for f in first)))
        return traced[0].input_grads(*batches)[argnum]

    return gradient


Guard = tuple[engine.Comparison, bool, int, bool, int, float, bool, str]


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
        for v in order:  # a user-defined op must run on arrays, or say what it needs
            if v._fn is not None and is_user_defined(v._fn):
                check_replayable(v._fn, [p._data for p in v.parents], f"trace: {name}")
        self.name = name
        self.n_inputs = len(inputs)
        self._size = len(order)
        # The tape itself (op, input slots) and its leaves, kept for exporters (interop).
        self.tape: list[tuple[Op | None, int, int]] = [
            (
                v._fn,
                -1 if v._a is None else slot[v._a],
                -1 if v._b is None else slot[v._b],
            )
            for v in order
        ]
        self.input_slots = [slot.get(v, -1) for v in inputs]  # -1: argument unused
        self.output_slot = slot[output]
        input_slot = set(self.input_slots)
        self.leaves = {k: v for k, v in enumerate(order) if v._fn is None and k not in input_slot}
        self._plan = _Plan(
            self.tape,
            self.input_slots,
            self.output_slot,
            self.leaves,
            compared_slots={slot[v] for v in compared},
        )
        # Blocks of a finished call, by batch size: fresh memory costs page faults on every call.
        self._spare: dict[int, list[np.ndarray]] = {}
        self._guards: list[Guard] = []
        for cmp, a, b, result in guards:
            batched_a, row_a = self._plan.loc[slot[a]]
            batched_b, row_b = self._plan.loc[slot[b]] if isinstance(b, Value) else (False, -1)
            other = f"{b.data!r}" if isinstance(b, Value) else f"{float(b)!r}"
            text = f"{_describe(a)} {_SYMBOLS.get(cmp, '?')} {other}"
            const = math.nan if isinstance(b, Value) else float(b)
            self._guards.append((cmp, batched_a, row_a, batched_b, row_b, const, result, text))

    def __len__(self) -> int:
        """Number of nodes on the tape (leaves included)."""
        return self._size

    def __repr__(self) -> str:
        plan = self._plan
        return (
            f"Replay({self.name}: {self.n_inputs} inputs, {self._size} nodes, "
            f"{plan.n_batched} batched ops in {len(plan.steps)} steps, "
            f"{len(self._guards)} guards)"
        )

    # -- running ------------------------------------------------------------------------

    def __call__(self, *batches: Any) -> np.ndarray:
        """The traced function on every sample: one 1-D array (or number) per argument."""
        with self._run(batches) as state:
            return state.output()

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
        with self._run(batches) as state:
            n = state.n
            state.backward("params", float(scale) / n if reduction == "mean" else float(scale))
            plan = self._plan
            for leaf, g in zip(plan.grad_leaves, state.Sg[plan.grad_rows].tolist(), strict=True):
                leaf.grad += g
            return state.output()

    def input_grads(self, *batches: Any) -> list[np.ndarray]:
        """d(output)/d(input i) at every sample: one array per input; ``.grad`` is left alone."""
        with self._run(batches) as state:
            state.backward("inputs", 1.0)
            loc = self._plan.loc
            return [
                np.zeros(state.n) if k < 0 else state.Vg[loc[k][1]].copy() for k in self.input_slots
            ]

    def to_torch(self, dtype: Any = None) -> Any:
        """The tape as a ``torch.nn.Module`` over any batch shape; labelled leaves → Parameters.

        Names map ``.`` to ``_`` (torch refuses dots): ``L1.N2.w0`` is the parameter
        ``L1_N2_w0``; ``module.labels`` maps back. dtype defaults to float64. Needs torch.
        """
        from .interop import replay_to_torch  # torch stays optional: imported on use

        return replay_to_torch(self, dtype)

    # -- the two halves -----------------------------------------------------------------

    @contextmanager
    def _run(self, batches: Sequence[Any]) -> Iterator[_State]:
        """Check the batches and run forward; the blocks are reused by the next call of size n."""
        arrays, n = self._check(batches)
        state = _State(self, n, self._spare.pop(n, None))
        try:
            state.forward(arrays)
            self._check_guards(state)
            yield state
        finally:
            if len(self._spare) < 4:  # a few batch sizes: full batches and the last, smaller one
                self._spare[n] = state.blocks

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
        return arrays, 1 if n is None else n

    def _check_guards(self, state: _State) -> None:
        for cmp, batched_a, i, batched_b, j, const, expected, text in self._guards:
            a = state.V[i] if batched_a else state.S[i]
            b = const if j < 0 else state.V[j] if batched_b else state.S[j]
            wrong = np.flatnonzero(np.broadcast_to(cmp(a, b), (state.n,)) != expected)
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


# -- the plan: the tape grouped by level, built once per trace ---------------------------------
#
# Two blocks of values: S holds what every sample shares (leaves, and everything computed from
# them alone), one number per node; V holds what depends on the inputs, one row of samples per
# node. Every group writes its outputs into consecutive rows, so the next level reads them as
# a slice (no copy) whenever it takes a whole group in order, as a layer does.


def _index(rows: Sequence[int]) -> Index:
    """Rows as a slice when they are consecutive (reading a slice copies nothing)."""
    start = rows[0]
    if list(rows) == list(range(start, start + len(rows))):
        return slice(start, start + len(rows))
    return np.asarray(rows, dtype=np.intp)


def _add_rows(block: np.ndarray, index: Index, unique: bool, values: np.ndarray) -> None:
    """block[index] += values, also when index repeats a row (then each copy adds)."""
    if unique:
        block[index] += values
    else:
        assert isinstance(index, np.ndarray)  # a slice never repeats a row
        np.add.at(block, index, values)


class _Operand:
    """Where one input of a group's nodes lives: which block, which rows."""

    __slots__ = ("batched", "index", "rows", "unique")

    def __init__(self, batched: bool, rows: list[int]) -> None:
        self.batched = batched
        self.rows = rows
        self.index = _index(rows)
        self.unique = len(set(rows)) == len(rows)


class _Map:
    """One op over the nodes of a group: ``out[k] = op(a[k], b[k])`` as one numpy call."""

    __slots__ = ("args", "batched", "f", "need", "op", "out")

    def __init__(
        self,
        op: Op,
        batched: bool,
        out: slice,
        args: list[_Operand],
        need: dict[str, tuple[bool, ...]],
    ) -> None:
        self.op = op
        self.f = op.batched or op.forward
        self.batched = batched
        self.out = out
        self.args = args
        self.need = need  # mode → for each input, whether its gradient is needed

    def _values(self, st: _State) -> list[Any]:
        if not self.batched:
            return [st.S[a.index] for a in self.args]
        return [st.V[a.index] if a.batched else st.S[a.index][:, None] for a in self.args]

    def forward(self, st: _State) -> None:
        args = self._values(st)
        try:
            out = self.f(*args)
        except FloatingPointError:
            raise st.explain(_checked_forward(self.op), args, self.batched, "") from None
        (st.V if self.batched else st.S)[self.out] = out

    def backward(self, st: _State, mode: Mode) -> None:
        batched = self.batched
        g = (st.Vg if batched else st.Sg)[self.out]
        out = (st.V if batched else st.S)[self.out]
        args = self._values(st)
        for i, (operand, needed) in enumerate(zip(self.args, self.need[mode], strict=True)):
            if not needed:
                continue
            rule = self.op.vjps[i]
            try:
                d = rule(g, out, *args)
            except (FloatingPointError, ArithmeticError, ValueError) as e:
                where = f"backward through '{self.op.name}'"
                cause = None if isinstance(e, FloatingPointError) else e
                raise st.explain(rule, [g, out, *args], batched, where) from cause
            if np.shape(d) != g.shape:
                d = np.broadcast_to(d, g.shape)
            if batched and not operand.batched:
                d = d.sum(axis=1)  # a value shared by all samples gets the sum of their gradients
            _add_rows(st.Vg if operand.batched else st.Sg, operand.index, operand.unique, d)


class _Sum:
    """A group of sums ``y[k] = Σ cᵢ·x[i] + Σ ±s[j]``, run as one matrix product ``C @ X``.

    ``x`` are per-sample rows, each term's coefficient ``cᵢ`` is ±1 or ± a shared value (a
    weight), and ``s`` are shared values (a bias, constants). ``C`` (K sums × M distinct rows)
    is assembled each call from the current shared values. When ``C`` would be mostly zeros
    (many short sums over different rows) the group is *sparse*: each term's row is scaled by
    its coefficient and the terms of each sum are added with ``np.add.reduceat`` instead.
    A group of shared sums (no samples) has only the ``s`` part.
    """

    __slots__ = (
        "base",
        "batched",
        "coef_pos",
        "coef_rows",
        "coef_sign",
        "const",
        "const_node",
        "const_sign",
        "dense",
        "k",
        "need",
        "out",
        "shape",
        "starts",
        "term_node",
        "x",
    )

    def __init__(
        self,
        batched: bool,
        out: slice,
        x: _Operand | None,
        sparse: tuple[list[int], list[int]] | None,
        shape: tuple[int, ...],
        base: np.ndarray | None,
        coefs: tuple[list[int], list[int], list[float]],
        consts: tuple[list[int], list[int], list[float]],
        need: dict[str, tuple[bool, ...]],
    ) -> None:
        self.batched = batched
        self.out = out
        self.k = out.stop - out.start
        self.x = x  # dense: the distinct rows (C's columns); sparse: every term's row
        self.dense = sparse is None
        if sparse is not None:  # which sum each term belongs to; where each sum's terms start
            self.term_node = np.asarray(sparse[0], dtype=np.intp)
            self.starts = np.asarray(sparse[1], dtype=np.intp)
        self.shape = shape  # of C (K × M), or (terms,) when sparse
        self.base = base  # the ±1 coefficients (None: none)
        pos, rows, sign = coefs  # position in C (or in the terms), the coefficient's S row, sign
        self.coef_pos = np.asarray(pos, dtype=np.intp)
        self.coef_rows = _Operand(False, rows) if rows else None
        self.coef_sign = None if all(s > 0 for s in sign) else np.asarray(sign)
        node, rows, sign = consts  # which sum of the group, the S row, its sign
        self.const_node = np.asarray(node, dtype=np.intp)
        self.const = _Operand(False, rows) if rows else None
        self.const_sign = None if all(s > 0 for s in sign) else np.asarray(sign)
        self.need = need  # mode → (x rows, coefficients, constants) need gradients

    def _coefficients(self, S: np.ndarray) -> np.ndarray:
        """C (dense) or one coefficient per term (sparse), from the current shared values."""
        if self.coef_rows is None:
            assert self.base is not None  # a per-sample sum has a per-sample term
            return self.base
        w = S[self.coef_rows.index]
        if self.coef_sign is not None:
            w = w * self.coef_sign
        size = int(np.prod(self.shape))
        C = np.bincount(self.coef_pos, weights=w, minlength=size).reshape(self.shape)
        if self.base is not None:
            C += self.base
        return C

    def _constants(self, S: np.ndarray) -> np.ndarray:
        assert self.const is not None
        s = S[self.const.index]
        if self.const_sign is not None:
            s = s * self.const_sign
        return np.bincount(self.const_node, weights=s, minlength=self.k)

    def forward(self, st: _State) -> None:
        try:
            if not self.batched:
                st.S[self.out] = self._constants(st.S)
                return
            assert self.x is not None
            C = st.cache[id(self)] = self._coefficients(st.S)
            block = st.V[self.out]
            if self.dense:
                np.matmul(C, st.V[self.x.index], out=block)
            else:
                block[...] = np.add.reduceat(st.V[self.x.index] * C[:, None], self.starts)
            if self.const is not None:
                block += self._constants(st.S)[:, None]
        except FloatingPointError:
            raise st.overflow("add", self.batched) from None

    def backward(self, st: _State, mode: Mode) -> None:
        need_x, need_coef, need_const = self.need[mode]
        try:
            if not self.batched:
                self._backward_consts(st, st.Sg[self.out])
                return
            assert self.x is not None
            G = st.Vg[self.out]
            C = st.cache[id(self)]
            X = st.V[self.x.index]
            if self.dense:
                if need_x:
                    _add_rows(st.Vg, self.x.index, True, C.T @ G)
                if need_coef and self.coef_rows is not None:
                    self._backward_coefs(st, (G @ X.T).ravel())
            else:
                G_terms = G[self.term_node]
                if need_x:
                    _add_rows(st.Vg, self.x.index, self.x.unique, G_terms * C[:, None])
                if need_coef and self.coef_rows is not None:
                    self._backward_coefs(st, (G_terms * X).sum(axis=1))
            if need_const and self.const is not None:
                self._backward_consts(st, G.sum(axis=1))
        except FloatingPointError:
            raise st.overflow("backward through 'add'", self.batched) from None

    def _backward_coefs(self, st: _State, dC: np.ndarray) -> None:
        assert self.coef_rows is not None
        d = dC[self.coef_pos]
        if self.coef_sign is not None:
            d *= self.coef_sign
        _add_rows(st.Sg, self.coef_rows.index, self.coef_rows.unique, d)

    def _backward_consts(self, st: _State, g: np.ndarray) -> None:
        assert self.const is not None
        d = g[self.const_node]
        if self.const_sign is not None:
            d = d * self.const_sign
        _add_rows(st.Sg, self.const.index, self.const.unique, d)


Step = _Map | _Sum


class _Plan:
    """The tape grouped by level into steps, with every node's place in the two blocks."""

    def __init__(
        self,
        tape: list[tuple[Op | None, int, int]],
        inputs: list[int],
        output: int,
        leaves: dict[int, Value],
        compared_slots: set[int],
    ) -> None:
        size = len(tape)
        is_input = [False] * size
        for k in inputs:
            if k >= 0:
                is_input[k] = True
        # Per node: depends on an input (batched); leads back to a leaf wanting a gradient
        # (from_param) or to an input (from_input); how many ops read it.
        batched = [False] * size
        from_param = [False] * size
        from_input = [False] * size
        uses = [0] * size
        consumer = [-1] * size
        for k, (fn, i, j) in enumerate(tape):
            if fn is None:
                batched[k] = from_input[k] = is_input[k]
                from_param[k] = k in leaves and leaves[k].requires_grad  # not a Constant
                continue
            for p in (i, j):
                if p >= 0:
                    uses[p] += 1
                    consumer[p] = k
                    batched[k] |= batched[p]
                    from_param[k] |= from_param[p]
                    from_input[k] |= from_input[p]
        external = set(compared_slots) | {output}
        # Gradients flow back only from the output: nodes off its paths (compared only) get none.
        reaches = [False] * size
        reaches[output] = True
        for k in range(size - 1, -1, -1):
            fn, i, j = tape[k]
            if reaches[k] and fn is not None:
                for p in (i, j):
                    if p >= 0:
                        reaches[p] = True

        # A node is folded into the sum that reads it when that sum is its only reader:
        # an add/sub (the chain), or a product of a shared value and a per-sample one (a term).
        def folds(k: int) -> bool:
            fn, i, j = tape[k]
            if k in external or uses[k] != 1 or tape[consumer[k]][0] not in (ADD, SUB):
                return False
            if fn is ADD or fn is SUB:
                return True
            return fn is MUL and batched[k] and batched[i] != batched[j]

        folded = [fn is not None and folds(k) for k, (fn, _, _) in enumerate(tape)]

        # Levels and groups, over the nodes that are kept.
        level = [0] * size
        keys: dict[tuple[Any, ...], list[int]] = {}
        terms: dict[int, tuple[list[tuple[int, int, float]], list[tuple[int, float]]]] = {}
        for k, (fn, i, j) in enumerate(tape):
            if fn is None or folded[k]:
                continue
            if fn is ADD or fn is SUB:
                per_sample, shared = terms[k] = self._terms(tape, k, folded, batched)
                deps = [t for t, c, _ in per_sample] + [c for _, c, _ in per_sample if c >= 0]
                deps += [s for s, _ in shared]
                level[k] = 1 + max(level[d] for d in deps)
                key: tuple[Any, ...] = (batched[k], level[k], "sum", reaches[k])
            else:
                args = [p for p in (i, j) if p >= 0]
                level[k] = 1 + max(level[p] for p in args)
                key = (batched[k], level[k], id(fn), reaches[k])
                key += tuple((batched[p], from_param[p], from_input[p]) for p in args)
            keys.setdefault(key, []).append(k)

        # Rows: shared leaves first, inputs first among per-sample rows, then group by group.
        self.loc: dict[int, tuple[bool, int]] = {}
        for row, k in enumerate(leaves):
            self.loc[k] = (False, row)
        used = [(pos, k) for pos, k in enumerate(inputs) if k >= 0]
        self.input_rows = [(pos, row) for row, (pos, _) in enumerate(used)]  # argument → V row
        for row, (_, k) in enumerate(used):
            self.loc[k] = (True, row)
        n_rows = [len(leaves), len(self.input_rows)]
        self.steps: list[Step] = []
        for key in sorted(keys, key=lambda key: (key[0], key[1])):
            members = keys[key]
            is_batched = bool(key[0])
            start = n_rows[is_batched]
            n_rows[is_batched] += len(members)
            out = slice(start, start + len(members))
            if key[2] == "sum":
                step: Step = self._sum(members, is_batched, out, terms, from_param, from_input)
            else:
                fn = tape[members[0]][0]
                assert fn is not None
                slots = [[p for p in tape[m][1:] if p >= 0] for m in members]
                first = slots[0]
                operands = [
                    _Operand(batched[first[a]], [self.loc[ins[a]][1] for ins in slots])
                    for a in range(fn.arity)
                ]
                need: dict[str, tuple[bool, ...]] = {
                    "params": tuple(from_param[p] for p in first),
                    "inputs": tuple(from_input[p] for p in first),
                }
                step = _Map(fn, is_batched, out, operands, need)
            if not key[3]:  # off the output's paths: forward only
                step.need = {mode: (False,) * len(flags) for mode, flags in step.need.items()}
            self.steps.append(step)
            for row, k in enumerate(members, start):
                self.loc[k] = (is_batched, row)
        self.shape = (n_rows[False], n_rows[True])
        self.n_batched = sum(batched[k] for k, (fn, _, _) in enumerate(tape) if fn is not None)
        self.leaf_values = list(leaves.values())
        self.output = self.loc[output]
        want = [k for k in leaves if from_param[k] and reaches[k]]
        self.grad_rows = np.asarray([self.loc[k][1] for k in want], dtype=np.intp)
        self.grad_leaves = [leaves[k] for k in want]
        self.backward_steps = {
            mode: [s for s in reversed(self.steps) if any(s.need[mode])]
            for mode in ("params", "inputs")
        }

    @staticmethod
    def _terms(
        tape: list[tuple[Op | None, int, int]], root: int, folded: list[bool], batched: list[bool]
    ) -> tuple[list[tuple[int, int, float]], list[tuple[int, float]]]:
        """The terms of the sum at ``root``: (x, coefficient or -1, sign) and (shared, sign)."""
        per_sample: list[tuple[int, int, float]] = []
        shared: list[tuple[int, float]] = []
        _, i, j = tape[root]
        stack = [(j, -1.0 if tape[root][0] is SUB else 1.0), (i, 1.0)]
        while stack:  # iterative: a chain of 10⁵ additions is fine
            k, sign = stack.pop()
            fn, i, j = tape[k]
            if folded[k] and fn is MUL:
                x, c = (i, j) if batched[i] else (j, i)
                per_sample.append((x, c, sign))
            elif folded[k]:
                stack.append((j, -sign if fn is SUB else sign))
                stack.append((i, sign))
            elif batched[k]:
                per_sample.append((k, -1, sign))
            else:
                shared.append((k, sign))
        return per_sample, shared

    def _sum(
        self,
        members: list[int],
        batched: bool,
        out: slice,
        terms: dict[int, tuple[list[tuple[int, int, float]], list[tuple[int, float]]]],
        from_param: list[bool],
        from_input: list[bool],
    ) -> _Sum:
        columns: dict[int, int] = {}  # per-sample term's slot → its column of C
        n_terms = 0
        for k in members:
            for x, _, _ in terms[k][0]:
                columns.setdefault(x, len(columns))
                n_terms += 1
        m = len(columns)
        # Dense C unless it would be mostly zeros: then the work would grow as K·M, not terms.
        dense = len(members) * m <= 2 * n_terms + 32
        base = np.zeros((len(members), m) if dense else n_terms)
        bare = False  # any per-sample term without a shared coefficient (C's constant part)
        coefs: tuple[list[int], list[int], list[float]] = ([], [], [])
        consts: tuple[list[int], list[int], list[float]] = ([], [], [])
        sparse: tuple[list[int], list[int]] = ([], [])  # each term's sum; each sum's first term
        rows: list[int] = []  # sparse: each term's row
        flags = {mode: [False, False, False] for mode in ("params", "inputs")}

        def note(part: int, slot: int) -> None:
            flags["params"][part] |= from_param[slot]
            flags["inputs"][part] |= from_input[slot]

        for row, k in enumerate(members):
            per_sample, shared = terms[k]
            sparse[1].append(len(rows))
            for x, c, sign in per_sample:
                note(0, x)
                at = row * m + columns[x] if dense else len(rows)
                if not dense:
                    rows.append(self.loc[x][1])
                    sparse[0].append(row)
                if c < 0:
                    base.flat[at] += sign
                    bare = True
                else:
                    note(1, c)
                    coefs[0].append(at)
                    coefs[1].append(self.loc[c][1])
                    coefs[2].append(sign)
            for s, sign in shared:
                note(2, s)
                consts[0].append(row)
                consts[1].append(self.loc[s][1])
                consts[2].append(sign)
        if dense:
            rows = [self.loc[x][1] for x in columns]
        operand = _Operand(True, rows) if rows else None
        need = {mode: tuple(f) for mode, f in flags.items()}
        layout = None if dense else sparse
        kept = base if bare else None
        return _Sum(batched, out, operand, layout, base.shape, kept, coefs, consts, need)


class _State:
    """One call's numbers: the two blocks of values and, for a backward, their gradients."""

    def __init__(self, replay: Replay, n: int, blocks: list[np.ndarray] | None) -> None:
        self.replay = replay
        self.plan = replay._plan
        self.n = n
        shared, per_sample = self.plan.shape
        self.blocks = blocks or [np.empty((per_sample, n))]  # V, and Vg once a backward ran
        self.S = np.empty(shared)
        self.V = self.blocks[0]
        self.cache: dict[int, np.ndarray] = {}
        self.Sg = self.Vg = self.S

    def forward(self, arrays: list[np.ndarray]) -> None:
        plan = self.plan
        leaves = plan.leaf_values
        if leaves:
            self.S[: len(leaves)] = [v.data for v in leaves]  # an optimizer may have changed them
        for pos, row in plan.input_rows:
            self.V[row] = arrays[pos]
        with np.errstate(**_TRAPS):  # type: ignore[arg-type]
            for step in plan.steps:
                step.forward(self)

    def backward(self, mode: Mode, seed: float) -> None:
        self.Sg = np.zeros_like(self.S)
        if len(self.blocks) == 1:
            self.blocks.append(np.zeros_like(self.V))
        else:
            self.blocks[1].fill(0.0)
        self.Vg = self.blocks[1]
        batched, row = self.plan.output
        if batched:
            self.Vg[row] = seed
        else:
            self.Sg[row] = seed * self.n  # every sample's output is this one shared value
        with np.errstate(**_TRAPS):  # type: ignore[arg-type]
            for step in self.plan.backward_steps[mode]:
                step.backward(self, mode)

    def output(self) -> np.ndarray:
        batched, row = self.plan.output
        return self.V[row].copy() if batched else np.full(self.n, self.S[row])

    def explain(
        self, f: Callable[..., Any], args: list[Any], batched: bool, where: str
    ) -> Exception:
        """Rerun a failed group element by element on floats, to raise the eager engine's error."""
        arrays = np.broadcast_arrays(*(np.asarray(a, dtype=np.float64) for a in args))
        prefix = f"{self.replay.name}: {where}" if where else self.replay.name
        for idx in np.ndindex(arrays[0].shape):
            try:
                f(*(float(a[idx]) for a in arrays))
            except (ArithmeticError, ValueError) as e:
                if batched:
                    return type(e)(f"{prefix}: sample {idx[-1]}: {e}")
                return type(e)(f"{prefix}: {e}" if where else str(e))
        return FloatingPointError(f"{prefix}: a non-finite result in the batch")

    def overflow(self, where: str, batched: bool) -> Exception:
        """The error for a sum whose result is not a finite float."""
        scope = "for some samples " if batched else ""
        return OverflowError(f"{self.replay.name}: {where}: a sum is not a finite float {scope}")


def _checked_forward(fn: Op) -> Callable[..., float]:
    """fn.forward with the eager engine's finite-result check, for explaining failures."""

    def forward(*args: float) -> float:
        out = fn.forward(*args)
        return out if math.isfinite(out) else engine._checked(out, fn, *args)

    return forward
