"""Memory per node (tracemalloc: deterministic) and the gc state around backward()."""

from __future__ import annotations

import gc
import sys
import tracemalloc
from collections.abc import Callable, Iterator

import pytest

from microgradx import Value

N = 20_000


def bytes_per_node(build: Callable[[], list[Value]]) -> float:
    """Bytes allocated per node by ``build``, not counting the list that holds the nodes."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        nodes = build()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    return (after - before - sys.getsizeof(nodes)) / len(nodes)


def test_binary_op_node_takes_at_most_160_bytes() -> None:
    a = [Value(float(i)) for i in range(N)]
    b = [Value(0.5) for _ in range(N)]
    per_node = bytes_per_node(lambda: [x * y for x, y in zip(a, b, strict=True)])
    assert per_node <= 160, f"{per_node:.1f} B per binary-op node"


def test_leaf_takes_at_most_120_bytes() -> None:
    per_leaf = bytes_per_node(lambda: [Value(float(i) + 0.5) for i in range(N)])
    assert per_leaf <= 120, f"{per_leaf:.1f} B per leaf"


def test_unary_op_node_takes_at_most_160_bytes() -> None:
    a = [Value(float(i)) for i in range(N)]
    per_node = bytes_per_node(lambda: [x.tanh() for x in a])
    assert per_node <= 160, f"{per_node:.1f} B per unary-op node"


@pytest.fixture
def gc_state() -> Iterator[None]:
    was_enabled = gc.isenabled()
    yield
    if was_enabled:
        gc.enable()
    else:
        gc.disable()


@pytest.mark.parametrize("enabled", [True, False])
@pytest.mark.usefixtures("gc_state")
def test_backward_restores_the_callers_gc_state(enabled: bool) -> None:
    gc.enable() if enabled else gc.disable()
    x = Value(2.0)
    ((x * x).tanh() + x).backward()
    assert gc.isenabled() is enabled
    assert x.grad != 0.0


@pytest.mark.parametrize("enabled", [True, False])
@pytest.mark.usefixtures("gc_state")
def test_backward_restores_gc_state_when_a_rule_raises(enabled: bool) -> None:
    gc.enable() if enabled else gc.disable()
    root = Value(0.0).sqrt()  # d sqrt(x)/dx at 0 divides by zero in backward
    with pytest.raises(ZeroDivisionError, match="sqrt"):
        root.backward()
    assert gc.isenabled() is enabled


@pytest.mark.usefixtures("gc_state")
def test_backward_restores_gc_state_with_create_graph_and_bad_root() -> None:
    gc.enable()
    x = Value(3.0)
    (x * x).backward(create_graph=True)
    assert gc.isenabled()
    with pytest.raises(TypeError):
        Value.backward(3.0)  # type: ignore[arg-type]
    assert gc.isenabled()


def test_graph_is_freed_without_the_cyclic_collector() -> None:
    # No per-node closures, no cycles: reference counting alone frees a whole graph.
    gc.collect()
    x = Value(1.0)
    c = x * 1.0  # the first recorded node opens the gc pause (and its watchdog thread) here
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        for _ in range(5_000):
            c = c * 1.0001 + 0.001
        c.backward()
        del c
        leftover = tracemalloc.get_traced_memory()[0] - start
    finally:
        tracemalloc.stop()
    assert leftover < 5_000, f"{leftover} B still allocated after dropping the graph"
