"""The numpy kernels a replay is made of, and the blocks one call works in.

Two blocks of values: S holds what every sample shares (leaves, and everything computed from
them alone), one number per node; V holds what depends on the inputs, one row of samples per
node. Every group writes its outputs into consecutive rows, so the next level reads them as
a slice (no copy) whenever it takes a whole group in order, as a layer does. A ``_Map`` runs
one op over a group, a ``_Sum`` a group of sums as one matrix product.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np

from .. import engine
from ..ops import Op

# Domain errors in a batched op (log of a negative, overflow, 0/0) must raise like the eager
# engine; numpy's floating-point traps do this at no cost when nothing goes wrong. Underflow
# to 0 is fine (the eager engine accepts it too).
TRAPS = {"divide": "raise", "over": "raise", "invalid": "raise", "under": "ignore"}

Index = slice | np.ndarray  # rows of a block: a slice when they are consecutive (no copy)
Mode = Literal["params", "inputs"]  # gradients for the parameters, or for the inputs


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


class _State:
    """One call's numbers: the two blocks of values and, for a backward, their gradients.

    The plan (``plan._Plan``) runs its steps on it; the steps read and write its blocks.
    """

    def __init__(
        self, name: str, shape: tuple[int, int], n: int, blocks: list[np.ndarray] | None
    ) -> None:
        self.name = name
        self.n = n
        shared, per_sample = shape
        self.blocks = blocks or [np.empty((per_sample, n))]  # V, and Vg once a backward ran
        self.S = np.empty(shared)
        self.V = self.blocks[0]
        self.cache: dict[int, np.ndarray] = {}
        self.Sg = self.Vg = self.S

    def row(self, batched: bool, row: int) -> Any:
        """A node's values: its row of samples, or the one number every sample shares."""
        return self.V[row] if batched else self.S[row]

    def explain(
        self, f: Callable[..., Any], args: list[Any], batched: bool, where: str
    ) -> Exception:
        """Rerun a failed group element by element on floats, to raise the eager engine's error."""
        arrays = np.broadcast_arrays(*(np.asarray(a, dtype=np.float64) for a in args))
        prefix = f"{self.name}: {where}" if where else self.name
        first_bad = ""  # the first element whose result is not finite, if none raises
        # A user primitive written with numpy gives NaN/inf on floats too (its float forward
        # then raises the eager engine's error, naming the op), not numpy's own words.
        with np.errstate(all="ignore"):
            for idx in np.ndindex(arrays[0].shape):
                floats = [float(a[idx]) for a in arrays]
                try:
                    out = f(*floats)
                except (ArithmeticError, ValueError) as e:
                    if batched:
                        return type(e)(f"{prefix}: sample {idx[-1]}: {e}")
                    return type(e)(f"{prefix}: {e}" if where else str(e))
                if not first_bad and not np.isfinite(out):
                    sample = f"sample {idx[-1]}: " if batched else ""
                    first_bad = f"{sample}{out!r} from {', '.join(map(repr, floats))}"
        if first_bad:
            return FloatingPointError(f"{prefix}: {first_bad}, not a finite float")
        return FloatingPointError(f"{prefix}: a non-finite result in the batch")

    def overflow(self, where: str, batched: bool) -> Exception:
        """The error for a sum whose result is not a finite float."""
        scope = "for some samples " if batched else ""
        return OverflowError(f"{self.name}: {where}: a sum is not a finite float {scope}")


def _checked_forward(fn: Op) -> Callable[..., float]:
    """fn.forward with the eager engine's finite-result check, for explaining failures."""

    def forward(*args: float) -> float:
        out = fn.forward(*args)
        return out if math.isfinite(out) else engine._checked(out, fn, *args)

    return forward
