"""serialize.py: unpickling refuses what is not a computation graph, with a clear error."""

from __future__ import annotations

import copy
import pickle

import pytest

from microgradx import Value
from microgradx.engine import Constant


def test_a_value_rewired_to_be_its_own_parent_does_not_unpickle() -> None:
    x = Value(2.0, label="x")
    y = x * 3.0
    y._a = y  # a self-cycle, made by hand
    data = pickle.dumps(y)  # pickling walks it without looping forever
    with pytest.raises(ValueError, match="a Value cannot be its own parent"):
        pickle.loads(data)


def test_two_values_rewired_into_a_cycle_do_not_unpickle() -> None:
    x = Value(2.0, label="x")
    a = x * 3.0
    b = a + 1.0
    a._a = b  # a ← b ← a
    with pytest.raises(ValueError, match=r"the graph holds a cycle \(.* is an ancestor of itself"):
        pickle.loads(pickle.dumps(b))
    with pytest.raises(ValueError, match="the graph holds a cycle"):
        pickle.loads(pickle.dumps([x, a]))


def test_a_genuine_graph_with_create_graph_gradients_still_round_trips() -> None:
    x = Value(0.7, label="x")
    f = (x * x).exp()
    f.backward(create_graph=True)  # x.grad is a Value whose graph runs through f itself
    f2, x2 = pickle.loads(pickle.dumps((f, x)))
    assert x2.grad.data == x.grad.data and f2.data == f.data


def test_a_constant_with_an_op_is_refused() -> None:
    c = Constant.__new__(Constant)
    record = (1.0, 0.0, "", "neg", None, Value(1.0), None)
    with pytest.raises(ValueError, match="a Constant has no op, got 'neg'"):
        c.__setstate__((None, record, None, None))


def test_a_root_whose_listing_is_not_a_list_or_misses_it_is_refused() -> None:
    v = Value.__new__(Value)
    record = (1.0, 0.0, "", None, None, None, None)
    with pytest.raises(ValueError, match="no graph listing"):
        v.__setstate__(({"not": "a list"}, record, [], False))
    with pytest.raises(ValueError, match="its graph is not listed"):
        v.__setstate__(([Value(2.0)], record, [], False))


def test_deep_copying_a_rewired_graph_says_it_holds_a_cycle() -> None:
    x = Value(2.0)
    a = x * 3.0
    b = a + 1.0
    a._a = b
    with pytest.raises(ValueError, match=r"deepcopy: the graph holds a cycle"):
        copy.deepcopy(b)
    assert copy.deepcopy(x * 3.0).data == 6.0
