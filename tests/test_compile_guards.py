"""What a trace watches (microgradx/compile/guards.py): guards per thread and per trace, float().

The oracles are the traced function itself run eagerly on each sample, and the trace's own
guard list (which must hold exactly the comparisons its function made). Threads are real and
synchronised with events (no sleeps), so the interleavings tested happen every run.
"""

from __future__ import annotations

import gc
import math
import threading
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import microgradx as mx
from microgradx import engine
from microgradx.compile.guards import Recorder
from microgradx.engine import Value

ROUNDS = 50


def alive(marker: float) -> int:
    """How many Values holding ``marker`` still exist (Values have no weakref slot)."""
    gc.collect()
    return sum(1 for o in gc.get_objects() if type(o) is Value and o.data == marker)


def run_threads(*targets: Callable[[], Any]) -> list[Any]:
    """Run each target in its own thread; return their results, re-raising a thread's error."""
    results: list[Any] = [None] * len(targets)
    errors: list[BaseException] = []

    def wrap(i: int, target: Callable[[], Any]) -> None:
        try:
            results[i] = target()
        except BaseException as e:  # handed to the main thread, which fails the test
            errors.append(e)

    threads = [threading.Thread(target=wrap, args=(i, t)) for i, t in enumerate(targets)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results


def test_another_threads_comparisons_never_become_this_traces_guards() -> None:
    p = Value(2.0, label="p")
    for _ in range(ROUNDS):
        replay = trace_while_another_thread_compares(p)
        assert [g[5] for g in replay.guards] == ["input 0 > 0.0"]
        p.data = 0.5  # the other thread's branch would now differ: not this trace's business
        xs = np.array([1.0, 2.5])
        assert replay(xs).tolist() == [branchy_eager(x) for x in xs]
        p.data = 2.0


def trace_while_another_thread_compares(p: Value) -> mx.Replay:
    inside, done = threading.Event(), threading.Event()

    def branchy(x: Value) -> Value:
        out = x * 2 if x > 0 else x * -3
        inside.set()
        done.wait()  # the other thread compares while this trace is running
        return out

    def other() -> None:
        inside.wait()
        for _ in range(20):
            assert p > 1.0
        done.set()

    replay, _ = run_threads(lambda: mx.trace(branchy, 1.0), other)
    return replay


def branchy_eager(x: float) -> float:
    return x * 2 if x > 0 else x * -3


def test_overlapping_traces_in_two_threads_leave_no_trace_running_and_free_the_graph() -> None:
    for _ in range(ROUNDS):
        r1, r2 = overlapping_traces()
        assert [g[5] for g in r1.guards] == ["input 0 > 0.0"]
        assert [g[5] for g in r2.guards] == ["input 0 < 5.0"]
    assert engine.TRACING.active == []
    assert run_threads(lambda: list(engine.TRACING.active)) == [[]]
    # A later comparison outside any trace is kept by nobody: its graph is freed.
    x = Value(3.0)
    y = x * x + 1234.5
    assert y > 2.0
    assert alive(1243.5) == 1
    del y
    assert alive(1243.5) == 0


def overlapping_traces() -> tuple[mx.Replay, mx.Replay]:
    """Trace A starts, trace B starts, A ends, B ends: overlapping, not nested."""
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()

    def first(x: Value) -> Value:
        a_in.set()
        b_in.wait()
        return x * 2 if x > 0 else -x

    def second(x: Value) -> Value:
        b_in.set()
        a_out.wait()
        return x + 1 if x < 5 else x

    def trace_first() -> mx.Replay:
        try:
            return mx.trace(first, 1.0)
        finally:
            a_out.set()

    def trace_second() -> mx.Replay:
        a_in.wait()
        return mx.trace(second, 1.0)

    r1, r2 = run_threads(trace_first, trace_second)
    return r1, r2


def test_nested_traces_each_keep_their_own_guards_and_the_outer_keeps_its_inputs() -> None:
    inner_replays: list[mx.Replay] = []

    def outer(x: Value) -> Value:
        scale = x * 3

        def inner(z: Value) -> Value:
            if z > 0.5:  # the inner trace's own branch
                z = z * 2
            return z * scale if scale > 1 else z  # branches on the outer value too

        inner_replays.append(mx.trace(inner, 1.0))
        return scale + 1 if x < 4 else scale

    replay = mx.trace(outer, 1.0)
    inner_texts = [g[5] for g in inner_replays[0].guards]
    assert inner_texts == ["input 0 > 0.5", "mul node (traced value 3.0) > 1.0"]
    # The outer trace keeps the comparison on its own value and its own branch, not the
    # inner trace's `z > 0.5` (it reads none of the outer inputs).
    assert [g[5] for g in replay.guards] == ["mul node (traced value 3.0) > 1.0", "input 0 < 4.0"]
    xs = np.array([0.5, 1.0, 3.0])
    assert replay(xs).tolist() == [x * 3 + 1 for x in xs]
    with pytest.raises(mx.BranchError, match=r"sample\(s\) 0"):
        replay(np.array([0.1]))  # 3 · 0.1 > 1 is False: the inner branch would differ
    with pytest.raises(mx.BranchError, match=r"input 0 < 4\.0"):
        replay(np.array([4.5]))
    assert engine.TRACING.active == []


def test_a_trace_that_fails_is_removed_from_the_running_traces() -> None:
    def broken(x: Value) -> Value:
        assert x > 0
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        mx.trace(broken, 1.0)
    assert engine.TRACING.active == []


def test_the_graphs_of_finished_traces_are_freed() -> None:
    seen: list[int] = []

    def f(x: Value) -> Value:
        y = x * 777.25
        seen.append(alive(777.25))
        return y * 2 if y > 0.5 else y

    for _ in range(5):
        replay = mx.trace(f, 1.0)
        # The replay keeps the tape (ops and slots) and the leaves, not the traced nodes,
        # and no running-trace list keeps them either.
        assert alive(777.25) == 0
        assert replay(np.array([1.0])).tolist() == [777.25 * 2]
    assert seen == [1] * 5


def test_concurrent_traces_of_the_same_function_get_the_same_guards() -> None:
    def f(x: Value) -> Value:
        y = x
        while y < 10:
            y = y * 2
        return y

    def one() -> list[str]:
        return [g[5] for g in mx.trace(f, 1.0).guards]

    serial = one()
    assert len(serial) == 5
    for _ in range(10):
        assert run_threads(*[one] * 4) == [serial] * 4


# -- float() of a traced value ----------------------------------------------------------------


def test_float_of_a_value_computed_from_the_inputs_is_refused_naming_the_node() -> None:
    with pytest.raises(TypeError, match=r"float\(\) of mul node \(traced value 6\.0\)") as info:
        mx.trace(lambda x: x * float(x * 2), 3.0)
    message = str(info.value)
    assert "x.sin()" in message and "every sample" in message and ".data" in message
    assert engine.TRACING.active == []


@pytest.mark.parametrize("convert", [math.sin, math.exp, math.sqrt, float, np.float64])
def test_math_functions_of_a_traced_input_are_refused(convert: Callable[[Any], Any]) -> None:
    with pytest.raises(TypeError, match=r"float\(\) of input 0"):
        mx.trace(lambda x: x + convert(x), 3.0)


def test_the_frozen_number_the_issue_showed_can_no_longer_happen() -> None:
    # Before: float(x) was read once (3.0) and the replay gave 2·3 = 6 for x = 4.5, where the
    # function gives 2·4.5 = 9. Now the trace refuses; the Value method replays correctly.
    def frozen(x: Value) -> Value:
        return x * 0 + float(x) * 2

    with pytest.raises(TypeError):
        mx.trace(frozen, 3.0)
    replay = mx.trace(lambda x: x * 0 + x * 2, 3.0)
    assert replay(np.array([4.5])).tolist() == [9.0]
    replay = mx.trace(lambda x: x.sin() * 2, 3.0)
    assert replay(np.array([4.5])).tolist() == [math.sin(4.5) * 2]


def test_constants_and_parameters_still_convert_while_tracing() -> None:
    w = Value(2.0, label="w")
    c = w * 3  # independent of the inputs: the same for every sample
    replay = mx.trace(lambda x: x * float(w) + math.sin(c), 1.0)
    xs = np.array([0.5, 2.0])
    assert replay(xs).tolist() == [x * 2.0 + math.sin(6.0) for x in xs]


def test_float_outside_a_trace_is_the_data() -> None:
    x = Value(3.0)
    assert float(x * 2) == 6.0 and math.sin(x) == math.sin(3.0)


def test_the_dependence_check_walks_deep_graphs_without_recursion() -> None:
    def deep(x: Value) -> Value:
        y = x
        for _ in range(20_000):
            y = y + 1.0
        float(Value(1.0) + 2.0)  # a constant beside a deep traced chain: fine
        return y

    assert mx.trace(deep, 0.0)(np.array([1.0])).tolist() == [20_001.0]
    x = Value(0.0)
    y = x
    for _ in range(20_000):
        y = y * 1.0
    assert Recorder("deep", [x]).depends(y)
    assert not Recorder("deep", [Value(0.0)]).depends(y)


def test_float_inside_a_trace_in_another_thread_is_not_refused_here() -> None:
    inside, done = threading.Event(), threading.Event()

    def slow(x: Value) -> Value:
        inside.set()
        done.wait()
        return x * 2

    def other() -> float:
        inside.wait()
        try:
            v = Value(2.0)
            return float(v * 3)  # this thread runs no trace
        finally:
            done.set()

    _, got = run_threads(lambda: mx.trace(slow, 1.0), other)
    assert got == 6.0
