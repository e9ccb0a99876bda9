"""The level plan: a tape grouped once, when traced, into steps that each run as one numpy call.

Every node gets a *level*, one more than its deepest input; the nodes with the same op at the
same level form a group (a ``_Map``), and chains of additions are recognised as sums
``Σ cᵢ·xᵢ + constant`` whose groups run as one matrix product (a ``_Sum``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..engine import Value
from ..ops import ADD, MUL, SUB, Op
from .steps import TRAPS, Mode, Step, _Map, _Operand, _State, _Sum


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
        self.input_positions = np.asarray([pos for pos, _ in used], dtype=np.intp)
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
        # A matrix product does a multiply-add per zero ~10x cheaper than the sparse path does
        # per term (a gather, a product, a reduceat, and np.add.at back for repeated rows):
        # the 10 sums zⱼ − m of a softmax, K·M = 110 for 20 terms, are 10x faster dense.
        dense = len(members) * m <= 16 * n_terms + 1024
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

    def forward(
        self, st: _State, arrays: Sequence[np.ndarray] | np.ndarray, leaves: np.ndarray | None
    ) -> None:
        """Run the steps forward: the leaves' values (given, or read) and the inputs in blocks."""
        if leaves is not None:
            st.S[: len(leaves)] = leaves
        elif self.leaf_values:  # an optimizer may have changed them since the last call
            st.S[: len(self.leaf_values)] = [v.data for v in self.leaf_values]
        if isinstance(arrays, np.ndarray):  # one block: the used rows in one copy
            st.V[: len(self.input_rows)] = arrays[self.input_positions]
        else:
            for pos, row in self.input_rows:
                st.V[row] = arrays[pos]
        with np.errstate(**TRAPS):  # type: ignore[arg-type]
            for step in self.steps:
                step.forward(st)

    def backward(self, st: _State, mode: Mode, seed: float) -> None:
        """Run the steps backward from d(output) = ``seed`` per sample, for ``mode``'s leaves."""
        st.Sg = np.zeros_like(st.S)
        if len(st.blocks) == 1:
            st.blocks.append(np.zeros_like(st.V))
        else:
            st.blocks[1].fill(0.0)
        st.Vg = st.blocks[1]
        batched, row = self.output
        if batched:
            st.Vg[row] = seed
        else:
            st.Sg[row] = seed * st.n  # every sample's output is this one shared value
        with np.errstate(**TRAPS):  # type: ignore[arg-type]
            for step in self.backward_steps[mode]:
                step.backward(st, mode)

    def result(self, st: _State) -> np.ndarray:
        """The output row of every sample (a shared output repeated ``n`` times)."""
        batched, row = self.output
        return st.V[row].copy() if batched else np.full(st.n, st.S[row])
