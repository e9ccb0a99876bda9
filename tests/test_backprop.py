"""backprop.py: passes in several threads at once, and where a failing rule is reported.

Concurrency tests run real threads, and make their passes overlap for certain rather than by
luck of scheduling: each pass goes through ``meet``, an identity primitive whose VJP waits at
a ``threading.Barrier`` until the other thread's pass has reached it too (no sleeps). Results
are compared exactly with the same passes run one after the other (the numbers are chosen so
that every sum is exact, in any order).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from microgradx import Value, backprop, gradients, primitive

_rendezvous: list[threading.Barrier] = []  # empty: serial runs, meet waits for nobody


def _wait_for_the_other_pass(g: Any) -> Any:
    if _rendezvous:
        _rendezvous[0].wait(20)
    return g


meet = primitive("meet", forward=lambda a: a, vjps=[lambda g, out, a: _wait_for_the_other_pass(g)])


def _in_threads(work: list[Callable[[], None]]) -> None:
    """Run each function in its own thread; every pass of one meets a pass of the others."""
    _rendezvous.append(threading.Barrier(len(work)))
    errors: list[BaseException] = []

    def run(f: Callable[[], None]) -> None:
        try:
            f()
        except BaseException as e:
            errors.append(e)
            _rendezvous[0].abort()  # release the other threads: the test fails, not hangs

    threads = [threading.Thread(target=run, args=(f,)) for f in work]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        _rendezvous.clear()
    if errors:
        raise errors[0]


def _shared_graph() -> tuple[Value, Value, Value, Value]:
    """Two losses over one intermediate subgraph h; every derivative is a small integer."""
    x = Value(3.0, label="x")
    h = x
    for _ in range(100):
        h = h * 1.0 + x
    h = meet(h)  # both passes go through the shared subgraph at the same time
    return x, h, h * 2.0 + x, h * h


def test_two_threads_backward_through_a_shared_subgraph_equal_the_serial_passes() -> None:
    x, h, loss_a, loss_b = _shared_graph()
    loss_a.backward()
    h_a = h.grad
    loss_b.backward()
    serial, h_b = x.grad, h.grad
    assert (serial, h_a, h_b) == (2 * 101 + 1 + 2 * 303 * 101, 2.0, 606.0)
    for _ in range(30):
        x.grad = 0.0
        _in_threads([loss_a.backward, loss_b.backward])
        assert x.grad == serial
        assert h.grad in (h_a, h_b)  # the intermediate grad of one pass, not a mix


def test_a_shared_leaf_accumulates_every_pass_of_every_thread() -> None:
    x = Value(1.0, label="x")
    loss_a, loss_b = meet(x) * 1.0, meet(x) + 1.0  # each pass adds 1 to x.grad
    start = threading.Barrier(2)  # pass k of one thread starts with pass k of the other

    def passes(loss: Value) -> Callable[[], None]:
        def run() -> None:
            for _ in range(20_001):
                start.wait(20)
                loss.backward()

        return run

    _in_threads([passes(loss_a), passes(loss_b)])
    assert x.grad == 40_002.0  # no update lost


def test_create_graph_passes_in_threads_equal_the_serial_ones() -> None:
    x = Value(0.5, label="x")
    f = meet(x * x) * 4.0  # d/dx = 8x = 4
    for _ in range(30):
        x.grad = 0.0
        _in_threads([lambda: f.backward(create_graph=True) for _ in range(3)])
        assert isinstance(x.grad, Value) and x.grad.data == 12.0


def test_gradients_in_threads_while_another_thread_runs_backward_on_the_same_graph() -> None:
    x, _, loss_a, loss_b = _shared_graph()
    (expected_a,) = gradients(loss_a, [x])
    (expected_b,) = gradients(loss_b, [x])
    seen: dict[str, list[float]] = {"a": [], "b": []}

    def ask(key: str, loss: Value) -> Callable[[], None]:
        def run() -> None:
            for _ in range(20):
                seen[key].append(gradients(loss, [x])[0])

        return run

    def train() -> None:
        for _ in range(20):
            loss_a.backward()

    x.grad = 0.0
    _in_threads([ask("a", loss_a), ask("b", loss_b), train])
    assert set(seen["a"]) == {expected_a} and set(seen["b"]) == {expected_b}
    assert x.grad == 20 * expected_a


class _DomainError(ValueError):
    """A user's exception whose constructor takes more than a message."""

    def __init__(self, x: float, why: str) -> None:
        super().__init__(f"{why} at {x}")
        self.x = x


def _told(e: BaseException) -> str:
    """Everything an exception says: its message and its notes (3.11+)."""
    return "\n".join([str(e), *getattr(e, "__notes__", ())])


@pytest.mark.parametrize("notes", [True, False], ids=["python>=3.11", "python-3.10"])
@pytest.mark.parametrize("create_graph", [False, True])
def test_a_failing_rule_says_where_on_every_python(
    monkeypatch: pytest.MonkeyPatch, notes: bool, create_graph: bool
) -> None:
    monkeypatch.setattr(backprop, "_HAS_NOTES", notes and backprop._HAS_NOTES)
    y = (Value(0.0) * 1.0).sqrt() * 2.0  # forward fine; d sqrt/da at 0 divides by zero
    with pytest.raises(ZeroDivisionError) as info:
        y.backward(create_graph=create_graph)
    assert "backward through 'sqrt' at Value(data=0.0" in _told(info.value)
    if not backprop._HAS_NOTES:
        assert "backward through 'sqrt'" in str(info.value)  # in the message itself


def test_on_3_10_the_message_is_extended_and_the_exception_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from microgradx.ops import Op

    def rule(g: float, out: float, a: float) -> float:
        raise _DomainError(a, "no slope")

    kink = Op("kink", 1, abs, (rule,), "kink")
    monkeypatch.setattr(backprop, "_HAS_NOTES", False)
    x = Value(0.25)
    from microgradx import engine

    with pytest.raises(_DomainError) as info:
        (engine._apply1(kink, x) * 2.0).backward()
    assert info.value.x == 0.25  # the very exception, its class and fields kept
    assert str(info.value).startswith(
        "no slope at 0.25\nbackward through 'kink' at Value(data=0.25"
    )
