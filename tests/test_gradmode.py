"""microgradx.gradmode: the engine pauses the cyclic collector while a graph is built.

Every test checks the collector's real state (``gc.isenabled()``, ``gc.get_freeze_count()``,
weak references to cyclic garbage) around graph building, backward passes, exceptions,
threads, forks and a user's own gc settings.
"""

from __future__ import annotations

import gc
import multiprocessing
import threading
import time
import weakref
from collections.abc import Callable, Iterator

import pytest

from microgradx import MLP, Value, gc_paused, gradients, gradmode


@pytest.fixture(autouse=True)
def _restore_gc() -> Iterator[None]:
    """Give the next test the collector as this one found it (and no pause open)."""
    was = gc.isenabled()
    yield
    gradmode.building_ended()
    (gc.enable if was else gc.disable)()


class _Cycle:
    """Cyclic garbage: only the collector frees it."""

    def __init__(self) -> None:
        self.me = self


def _garbage() -> weakref.ref[_Cycle]:
    return weakref.ref(_Cycle())


def _wait_for(condition: Callable[[], bool], work: Callable[[], object] = lambda: None) -> None:
    """Run ``work`` until ``condition()`` holds (generous: the machine may be loaded)."""
    deadline = time.monotonic() + 60
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        work()
        time.sleep(0.001)


def test_the_first_recorded_node_pauses_the_collector_until_backward_ends() -> None:
    gc.enable()
    x = Value(2.0)
    assert gc.isenabled()  # a leaf records nothing
    y = x * x + x
    assert not gc.isenabled()
    y.backward()
    assert gc.isenabled()
    assert x.grad == 5.0


def test_gradients_ends_the_pause_as_backward_does() -> None:
    gc.enable()
    x = Value(3.0)
    y = (x * x).tanh()
    assert not gc.isenabled()
    gradients(y, [x])
    assert gc.isenabled()


def test_operations_on_constants_or_in_no_grad_open_no_pause() -> None:
    from microgradx import Constant, no_grad

    gc.enable()
    c = Constant(2.0) * 3.0 + Constant(1.0)
    with no_grad():
        Value(1.0) * Value(2.0)
    assert gc.isenabled() and c.data == 7.0


@pytest.mark.parametrize("user_enabled", [True, False])
@pytest.mark.parametrize(
    "how", ["backward", "create_graph", "gradients", "inside gc_paused", "rule raises"]
)
def test_the_users_gc_setting_is_restored_exactly(user_enabled: bool, how: str) -> None:
    (gc.enable if user_enabled else gc.disable)()
    x = Value(0.0 if how == "rule raises" else 1.5)
    if how == "rule raises":
        root = x.sqrt()  # d sqrt/dx at 0 divides by zero inside backward
        with pytest.raises(ZeroDivisionError, match="sqrt"):
            root.backward()
    elif how == "inside gc_paused":
        with gc_paused():
            (x * x).backward()
            assert not gc.isenabled()  # the user's block is still open
    elif how == "gradients":
        gradients(x * x, [x])
    else:
        (x * x).backward(create_graph=how == "create_graph")
    assert gc.isenabled() is user_enabled


def test_user_frozen_objects_stay_frozen() -> None:
    before = gc.get_freeze_count()  # another library in the process may have frozen some
    gc.enable()
    keep = [[i] for i in range(100)]
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert frozen > before
        x = Value(1.0)
        c = x
        for _ in range(2_000):  # enough nodes for a young collection to be due at the end
            c = c * 1.0001
        c.backward()
        assert gc.isenabled()
        assert gc.get_freeze_count() == frozen  # no gc.unfreeze() thawed the user's objects
    finally:
        if before == 0:  # thaw only when everything frozen is this test's
            gc.unfreeze()
    assert keep


def test_the_young_count_is_reset_when_nothing_was_frozen() -> None:
    gc.enable()
    x = Value(1.0)
    c = x
    for _ in range(20_000):
        c = c * 1.0001
    held = gc.get_count()[0]
    assert held >= 20_000  # every node counted while paused
    frozen = gc.get_freeze_count()  # another library in the process may have frozen some
    c.backward()
    assert gc.get_freeze_count() == frozen
    if frozen == 0:  # reset: resuming does not start by scanning the graph
        assert gc.get_count()[0] < 100


def test_results_are_identical_with_and_without_the_automatic_pause(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def train() -> tuple[list[float], list[float], list[bool]]:
        model = MLP(2, [8, 8, 1], seed=0)
        xs = [[0.1 * i, 0.3 - 0.05 * i] for i in range(12)]
        ys = [1.0 if i % 3 else -1.0 for i in range(12)]
        losses, paused = [], []
        for _ in range(5):
            scores = [model(x) for x in xs]
            loss = sum((1 + -y * s).relu() for y, s in zip(ys, scores, strict=True)) / len(xs)
            paused.append(not gc.isenabled())
            model.zero_grad()
            loss.backward()
            for p in model.parameters():
                p.data -= 0.1 * p.grad
            losses.append(loss.data)
        return losses, [p.data for p in model.parameters()], paused

    gc.enable()
    with_pause = train()
    monkeypatch.setattr(gradmode, "building_started", lambda: None)
    without = train()
    assert with_pause[2] == [True] * 5 and without[2] == [False] * 5
    assert with_pause[:2] == without[:2]  # bit for bit


def test_threads_building_and_backwarding_at_once_leave_gc_enabled() -> None:
    gc.enable()
    barrier = threading.Barrier(3)
    errors: list[BaseException] = []

    def train() -> None:
        try:
            barrier.wait(30)
            for i in range(200):
                x = Value(1.0 + i / 100)
                y = (x * x).tanh() + x
                if i % 3:
                    y.backward()
        except BaseException as e:  # surfaced in the main thread
            errors.append(e)

    threads = [threading.Thread(target=train) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    (Value(1.0) * 2.0).backward()  # closes a pause a thread's last graph may have opened
    assert gc.isenabled()


def test_threads_never_enable_gc_the_user_disabled() -> None:
    gc.disable()
    seen: list[bool] = []

    def train() -> None:
        for i in range(200):
            x = Value(1.0 + i / 100)
            ((x * x).tanh() + x).backward()
            seen.append(gc.isenabled())

    threads = [threading.Thread(target=train) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not gc.isenabled() and not any(seen)


def test_a_graph_never_backwarded_lets_the_collector_resume(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(gradmode, "WATCHDOG_SECONDS", 0.02)
    gc.enable()
    x = Value(1.0)
    kept = x * x  # built, kept, never backwarded (a notebook cell)
    assert not gc.isenabled()
    _wait_for(gc.isenabled)
    assert kept.data == 1.0


def test_cyclic_garbage_is_collected_in_a_long_evaluation_loop_without_no_grad(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(gradmode, "WATCHDOG_SECONDS", 0.02)
    gc.enable()
    model = MLP(2, [4, 1], seed=0)
    early: list[weakref.ref[_Cycle]] = []

    def evaluate() -> None:  # no backward, no no_grad(): a pause opens and nobody closes it
        model([0.5, -0.5])
        early.append(_garbage())

    evaluate()
    assert not gc.isenabled()
    _wait_for(gc.isenabled, evaluate)
    late: list[weakref.ref[_Cycle]] = []
    _wait_for(lambda: all(r() is None for r in early), lambda: late.append(_garbage()))
    assert len(early) > 1


def test_cyclic_garbage_made_in_training_steps_is_collected(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Resetting the young count moves what is alive into the oldest generation: a full
    # collection every FULL_EVERY resets still finds the garbage made while paused.
    monkeypatch.setattr(gradmode, "FULL_EVERY", 5)
    monkeypatch.setattr(gradmode, "FULL_INTERVAL", 0.0)
    gc.enable()
    model = MLP(2, [8, 1], seed=0)
    refs = []
    for step in range(40):
        loss = sum(model([0.1 * i, 0.2]) for i in range(60))  # ~3,000 nodes per step
        refs.append(_garbage())  # made while the collector is paused
        assert gc.get_count()[0] >= gc.get_threshold()[0]  # so backward resets the count
        loss.backward()
        del loss  # the next step starts with no graph alive, as in a step function
        if step == 19:
            first = refs[:]
    assert all(r() is None for r in first)


def _child_gc_enabled() -> bool:
    return gc.isenabled()


def test_a_forked_child_does_not_inherit_an_open_pause() -> None:
    gc.enable()
    x = Value(1.0)
    kept = x * x
    assert not gc.isenabled()
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(1) as pool:
        assert pool.apply(_child_gc_enabled)
    kept.backward()
    assert gc.isenabled()
