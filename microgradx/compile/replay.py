"""``Replay``: a traced function run forward, or forward and backward, on whole batches."""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Literal

import numpy as np

from .._checks import finite_real
from ..backprop import depth_first
from ..engine import Comparison, Value
from ..ops import Op
from ..primitive import check_replayable, is_user_defined
from .export import tape_to_torch
from .guards import SYMBOLS, Watched, branch_error, describe
from .plan import _Plan
from .steps import _State

# A guard on the tape: comparison, left slot, right slot (-1: the constant), constant, result
# when traced, how the message shows it. The torch export (export.py) reads these.
TapeGuard = tuple[Comparison, int, int, float, bool, str]

SPARE_SIZES = 2
"""Batch sizes whose blocks a Replay keeps for reuse: a fit's full batches and its last one."""
SPARE_BYTES = 64 * 2**20
"""Beyond this many bytes of spare blocks, only the last call's are kept."""


class Replay:
    """A traced function, run forward (``__call__``) or forward + backward on whole batches."""

    def __init__(
        self,
        name: str,
        inputs: Sequence[Value],
        output: Value,
        guards: Sequence[Watched],
        aux: Sequence[Value] = (),
    ) -> None:
        # One tape for the output, every compared Value and the aux, each node once, parents
        # first: one walk with one visited set, so a root inside another's graph costs nothing.
        order: list[Value] = []
        visited: set[Value] = set()
        compared = [v for _, a, b, _ in guards for v in (a, b) if isinstance(v, Value)]
        for root in [output, *compared, *aux]:
            order += depth_first(root, visited)
        slot = {node: k for k, node in enumerate(order)}
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
        self.leaf_values = list(self.leaves.values())  # value_and_grad's ``leaves`` order
        self._plan = _Plan(
            self.tape,
            self.input_slots,
            self.output_slot,
            self.leaves,
            compared_slots={slot[v] for v in [*compared, *aux]},  # read from outside the plan
        )
        self._aux = [self._plan.loc[slot[v]] for v in aux]
        # Blocks of a finished call, by batch size: fresh memory costs page faults on every call.
        self._spare: dict[int, list[np.ndarray]] = {}
        self._spare_lock = threading.Lock()  # one Replay may be called from several threads
        self.guards: list[TapeGuard] = []
        for cmp, a, b, result in guards:
            other = f"{b.data!r}" if isinstance(b, Value) else f"{float(b)!r}"
            text = f"{describe(a)} {SYMBOLS.get(cmp, '?')} {other}"
            const = math.nan if isinstance(b, Value) else float(b)
            self.guards.append(
                (cmp, slot[a], slot[b] if isinstance(b, Value) else -1, const, result, text)
            )

    def __len__(self) -> int:
        """Number of nodes on the tape (leaves included)."""
        return self._size

    def __repr__(self) -> str:
        plan = self._plan
        return (
            f"Replay({self.name}: {self.n_inputs} inputs, {self._size} nodes, "
            f"{plan.n_batched} batched ops in {len(plan.steps)} steps, "
            f"{len(self.guards)} guards)"
        )

    # -- running ------------------------------------------------------------------------

    def __call__(self, *batches: Any) -> np.ndarray:
        """The traced function on every sample: one 1-D array (or number) per argument."""
        with self._run(batches) as state:
            return self._plan.result(state)

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
        scale = finite_real(scale, f"{self.name}: backward", "scale")
        plan = self._plan
        with self._run(batches) as state:
            seed = scale / state.n if reduction == "mean" else scale
            plan.backward(state, "params", seed)
            for leaf, g in zip(plan.grad_leaves, state.Sg[plan.grad_rows].tolist(), strict=True):
                leaf.grad += g
            return plan.result(state)

    def input_grads(self, *batches: Any) -> list[np.ndarray]:
        """d(output)/d(input i) at every sample: one array per input; ``.grad`` is left alone."""
        with self._run(batches) as state:
            self._plan.backward(state, "inputs", 1.0)
            loc = self._plan.loc
            return [
                np.zeros(state.n) if k < 0 else state.Vg[loc[k][1]].copy() for k in self.input_slots
            ]

    def value_and_grad(
        self, inputs: np.ndarray, leaves: np.ndarray | None = None, scale: float = 1.0
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Forward and backward on a batch, touching no Value: (outputs, aux, leaf gradients).

        ``inputs`` is one 2-D float64 block, a row per argument and a column per sample (a
        training loop's batch, validated once). ``leaves`` gives the values of
        ``leaf_values`` (say, the parameters an optimizer holds in an array) instead of
        reading their ``.data``. Returns the per-sample outputs, the aux Values per sample
        (one row each, ``trace(..., has_aux=True)``) and d(scale · Σ outputs)/d(leaf) in
        ``leaf_values`` order (0 for a Constant), as ``backward(reduction="sum")`` would add.
        """
        n = self._check_block(inputs)
        plan = self._plan
        if leaves is not None:
            shape = (len(self.leaf_values),)
            if not isinstance(leaves, np.ndarray) or leaves.shape != shape:
                raise ValueError(f"{self.name}: leaves must be an array of shape {shape}")
            if not np.isfinite(leaves).all():
                raise ValueError(f"{self.name}: leaves contain NaN or inf")
        with self._run_block(inputs, n, leaves) as state:
            plan.backward(
                state, "params", finite_real(scale, f"{self.name}: value_and_grad", "scale")
            )
            grads = np.zeros(len(self.leaf_values))
            grads[plan.grad_rows] = state.Sg[plan.grad_rows]
            aux = np.empty((len(self._aux), n))
            for i, (batched, row) in enumerate(self._aux):
                aux[i] = state.V[row] if batched else state.S[row]
            return plan.result(state), aux, grads

    def to_torch(self, dtype: Any = None) -> Any:
        """The tape as a ``torch.nn.Module`` over any batch shape; labelled leaves → Parameters.

        Names map ``.`` to ``_`` (torch refuses dots): ``L1.N2.w0`` is the parameter
        ``L1_N2_w0``; ``module.labels`` maps back. dtype defaults to float64. Needs torch.
        """
        return tape_to_torch(self, dtype)

    # -- the two halves -----------------------------------------------------------------

    @contextmanager
    def _run(self, batches: Sequence[Any]) -> Iterator[_State]:
        """Check the batches and run forward; the blocks are reused by the next call of size n."""
        arrays, n = self._check(batches)
        with self._run_block(arrays, n, None) as state:
            yield state

    @contextmanager
    def _run_block(
        self, arrays: Sequence[np.ndarray] | np.ndarray, n: int, leaves: np.ndarray | None
    ) -> Iterator[_State]:
        """Run forward on checked inputs (a list of rows or one block) and leaf values."""
        with self._spare_lock:
            blocks = self._spare.pop(n, None)  # a concurrent call of this size makes its own
        state = _State(self.name, self._plan.shape, n, blocks)
        try:
            self._plan.forward(state, arrays, leaves)
            self._check_guards(state)
            yield state
        finally:
            self._keep(n, state.blocks)

    def _keep(self, n: int, blocks: list[np.ndarray]) -> None:
        """Keep a call's blocks for the next call of ``n`` samples, within the bounds above."""
        # Fresh memory costs a page fault per 4 kB on every call, so reuse pays; but a few
        # calls of ~10⁶ samples must not keep gigabytes alive: oldest sizes go first.
        cap = max(SPARE_BYTES, sum(b.nbytes for b in blocks))
        with self._spare_lock:
            spare = self._spare
            spare.pop(n, None)
            spare[n] = blocks  # now the most recent
            while len(spare) > 1 and (len(spare) > SPARE_SIZES or _nbytes(spare) > cap):
                del spare[next(iter(spare))]

    def spare_bytes(self) -> int:
        """Bytes held by the blocks kept for reuse (at most two batch sizes, see SPARE_BYTES)."""
        with self._spare_lock:
            return _nbytes(self._spare)

    def _check_block(self, inputs: Any) -> int:
        """Validate value_and_grad's block: float64, one row per argument, finite; → n."""
        if not isinstance(inputs, np.ndarray) or inputs.dtype != np.float64 or inputs.ndim != 2:
            raise TypeError(
                f"{self.name}: inputs must be a 2-D float64 array (a row per argument), "
                f"got {type(inputs).__name__} {getattr(inputs, 'shape', '')}"
            )
        if inputs.shape[0] != self.n_inputs or inputs.shape[1] == 0:
            raise ValueError(
                f"{self.name}: inputs must have shape ({self.n_inputs}, n ≥ 1), got {inputs.shape}"
            )
        if not np.isfinite(inputs).all():
            raise ValueError(f"{self.name}: inputs contain NaN or inf; Values hold finite numbers")
        return int(inputs.shape[1])

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
        loc = self._plan.loc
        for cmp, i, j, const, expected, text in self.guards:
            a = state.row(*loc[i])
            b = const if j < 0 else state.row(*loc[j])
            wrong = np.flatnonzero(np.broadcast_to(cmp(a, b), (state.n,)) != expected)
            if wrong.size:
                raise branch_error(self.name, text, expected, [str(k) for k in wrong[:6]])


def _nbytes(spare: dict[int, list[np.ndarray]]) -> int:
    return sum(b.nbytes for blocks in spare.values() for b in blocks)
