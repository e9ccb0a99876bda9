"""``Replay.to_torch`` (microgradx/compile/export.py) checks the trace's guards as the replay does.

Oracles: the traced function run eagerly on each sample, and the Replay on the same batch.
Every guard is exercised on both sides: inputs that take the traced branch (the module equals
the function and the replay), and inputs that would not (the module raises ``BranchError``
like the replay).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import microgradx as mx
from microgradx.engine import Value

torch = pytest.importorskip("torch")


def sign_scaled(x: Any) -> Any:
    return x * 2 if x > 0 else x * -3


def doubled_until_ten(x: Any) -> Any:
    y = x
    while y < 10:
        y = y * 2
    return y


def clipped(x: Any) -> Any:
    return max(x, 0.5 * x * x)  # max compares two traced Values


# (function, example traced at, samples on the traced side, samples on another side)
CASES: list[tuple[Callable[[Any], Any], float, list[float], list[float]]] = [
    (sign_scaled, 1.0, [1.0, 2.0, 0.25], [-1.0, 0.0]),
    (sign_scaled, -1.0, [-1.0, -0.5, 0.0], [0.5, 3.0]),
    (doubled_until_ten, 1.0, [1.0, 1.2, 0.7], [3.0, 0.5, 11.0]),
    (doubled_until_ten, 3.0, [3.0, 2.6, 4.9], [1.0, 5.5]),
    (clipped, 1.0, [1.0, 1.5, 0.1], [2.5, -1.0]),
    (clipped, 3.0, [3.0, 2.5, 10.0], [1.0, 0.5]),
]


@pytest.mark.parametrize(("fn", "example", "same", "other"), CASES)
def test_the_module_equals_the_function_and_the_replay_where_the_branch_is_the_traced_one(
    fn: Callable[[Any], Any], example: float, same: list[float], other: list[float]
) -> None:
    replay = mx.trace(fn, example)
    module = replay.to_torch()
    xs = np.array(same)
    eager = [fn(Value(x)).data for x in same]
    assert module(torch.tensor(xs)).tolist() == pytest.approx(eager, rel=1e-15)
    assert replay(xs).tolist() == pytest.approx(eager, rel=1e-15)


@pytest.mark.parametrize(("fn", "example", "same", "other"), CASES)
def test_the_module_raises_like_the_replay_where_a_sample_takes_another_branch(
    fn: Callable[[Any], Any], example: float, same: list[float], other: list[float]
) -> None:
    replay = mx.trace(fn, example)
    module = replay.to_torch()
    for x in other:
        batch = np.array([*same, x])  # the last sample is the odd one
        with pytest.raises(mx.BranchError) as from_replay:
            replay(batch)
        with pytest.raises(mx.BranchError) as from_module:
            module(torch.tensor(batch))
        assert str(from_module.value) == str(from_replay.value)
        assert f"sample(s) {len(same)}." in str(from_module.value)


def test_the_issues_two_examples_now_raise_instead_of_a_wrong_number() -> None:
    # Before: [2, -2] where the function gives [2, 3], and 4.0 where it gives 16.
    with pytest.raises(mx.BranchError, match=r"`input 0 > 0.0` was True"):
        mx.trace(sign_scaled, 1.0).to_torch()(torch.tensor([1.0, -1.0]))
    with pytest.raises(mx.BranchError, match=r"< 10.0` was"):
        mx.trace(doubled_until_ten, 1.0).to_torch()(torch.tensor([4.0]))
    assert doubled_until_ten(Value(4.0)).data == 16.0


def test_a_guard_on_a_parameter_is_checked_with_the_modules_current_parameter() -> None:
    w = Value(2.0, label="w")
    replay = mx.trace(lambda x: x * w if w > 1 else x, 1.0)
    module = replay.to_torch()
    assert module(torch.tensor([3.0])).tolist() == [6.0]
    with torch.no_grad():
        module.w.fill_(0.5)  # trained past the branch point: the traced branch is now wrong
    with pytest.raises(mx.BranchError, match=r"w > 1\.0"):
        module(torch.tensor([3.0]))


def test_a_failing_element_of_a_2d_batch_is_named_by_its_index() -> None:
    module = mx.trace(sign_scaled, 1.0).to_torch()
    with pytest.raises(mx.BranchError, match=r"sample\(s\) \(1, 0\)"):
        module(torch.tensor([[1.0, 2.0], [-1.0, 3.0]]))


def test_gradients_flow_through_a_guarded_module_as_through_the_replay() -> None:
    w = Value(1.5, label="w")
    replay = mx.trace(lambda x: (x * w) ** 2 if x > 0 else x * w, 1.0)
    xs = np.array([0.5, 1.0, 2.0])
    module = replay.to_torch()
    module(torch.tensor(xs)).sum().backward()
    replay.backward(xs, reduction="sum")
    assert module.w.grad.item() == pytest.approx(w.grad, rel=1e-14)


def test_exporting_a_tape_with_guards_is_refused_saying_why() -> None:
    module = mx.trace(sign_scaled, 1.0).to_torch()
    with pytest.raises(RuntimeError, match="an exported graph cannot check them"):
        torch.jit.trace(module, (torch.ones(3),))
    with pytest.raises(RuntimeError, match=r"1 guard\(s\).*`input 0 > 0.0`"):
        torch.export.export(module, (torch.ones(3),))


def test_a_tape_without_guards_still_exports() -> None:
    w = Value(0.5, label="w")
    module = mx.trace(lambda x: (x * w).tanh(), 0.0).to_torch()
    program = torch.export.export(module, (torch.ones(3, dtype=torch.float64),))
    x = torch.tensor([0.1, -2.0, 3.0], dtype=torch.float64)
    assert program.module()(x).tolist() == module(x).tolist()
