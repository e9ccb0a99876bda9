"""Pickling and deep-copying Values: flat, validated records, any depth, no stored code.

A graph is as deep as the computation (a 10⁵-step loop makes a 10⁵-deep chain), so neither
pickle nor deepcopy may recurse along parents. The first Value pickled (the root) lists its
whole graph, parents first, in its state: the pickler then meets every node after its parents,
whose references are memo lookups, not recursion. Nodes are stored as plain records (data,
grad, label, op name and parameter, parents); ops are looked up by name in the rule table on
the way back, never stored as code, and every field is checked before a node is filled.
"""

from __future__ import annotations

import math
import threading
from typing import Any

from . import ops
from ._checks import is_real
from .backprop import Node, depth_first
from .gradmode import gc_paused

_pickling = threading.local()
"""``pending``: ids of the nodes a root being pickled has listed; each pickles as a record."""

_new = object.__new__


class _EndOfGraph:
    """The last item of a root's pickled state: once it is pickled, the graph is done."""

    def __reduce__(self) -> tuple[type[bool], tuple[()]]:
        _pickling.pending = None
        return bool, ()  # unpickles as False; only its place in the stream matters


def state_of(v: Node) -> tuple[Any, ...]:
    """``Value.__getstate__``: a plain record, plus the whole graph in order for the root."""
    pending: set[int] | None = getattr(_pickling, "pending", None)
    if pending is not None and id(v) in pending:  # listed by a root: a record will do
        pending.discard(id(v))
        return (None, _record(v), None, None)
    order = whole_graph(v)
    _pickling.pending = {id(n) for n in order if n is not v}
    # Gradients that are Values (create_graph) may depend on later nodes: set them last.
    late = [(n, n.grad) for n in order if isinstance(n.grad, Node)]
    return (order, _record(v), late, _EndOfGraph())


def _record(v: Node) -> tuple[Any, ...]:
    """One node as plain data: (data, grad, label, op name, op parameter, parent, parent)."""
    grad = v.grad
    if type(grad) is float:
        pass
    elif isinstance(grad, Node):
        grad = 0.0  # set afterwards, from the root's list of Value gradients
    elif is_real(grad):
        grad = float(grad)
    else:
        raise TypeError(f"pickle: the grad of {v!r} is {type(grad).__name__}, not a number")
    fn = v._fn
    name, param = (None, None) if fn is None else (fn.name, fn.param)
    return (v._data, grad, v.label, name, param, v._a, v._b)


def fill(v: Node, state: Any) -> None:
    """``Value.__setstate__``: validate a record made by ``state_of`` and fill node ``v``."""
    where = "Value.__setstate__"
    if not (isinstance(state, tuple) and len(state) == 4):
        raise ValueError(f"{where}: not a pickled microgradx Value")
    order, record, late, _ = state
    if not (isinstance(record, tuple) and len(record) == 7):
        raise ValueError(f"{where}: not a pickled microgradx Value")
    data, grad, label, name, param, a, b = record
    fn = None if name is None else ops.lookup(name, param)
    if not (a is None or isinstance(a, Node)) or not (b is None or isinstance(b, Node)):
        raise ValueError(f"{where}: the parents of a Value must be Values")
    arity = 0 if fn is None else fn.arity
    if (a is not None, b is not None) != (arity > 0, arity > 1):
        given = (a is not None) + (b is not None)
        raise ValueError(f"{where}: op {name!r} takes {arity} inputs, got {given}")
    if fn is not None and not v.requires_grad:
        raise ValueError(f"{where}: a Constant has no op, got {name!r}: not a microgradx pickle")
    if v is a or v is b:
        raise ValueError(f"{where}: a Value cannot be its own parent (the pickle holds a cycle)")
    if not isinstance(label, str):
        raise TypeError(f"{where}: label must be a string, got {label!r}")
    if type(grad) is not float:
        raise TypeError(f"{where}: grad must be a float, got {grad!r}")
    if type(data) is not float or not math.isfinite(data):
        raise ValueError(f"{where}: data must be a finite float, got {data!r}: not finite")
    v._data = data
    v.grad = grad
    v.label = label
    v._fn = fn
    v._a = a
    v._b = b
    if order is not None:
        _check_acyclic(order, v)
    for node, g in late or ():
        if not (isinstance(node, Node) and isinstance(g, Node)):
            raise ValueError(f"{where}: a gradient record must pair two Values")
        node.grad = g


def _check_acyclic(order: Any, root: Node) -> None:
    """A root's list of its graph must hold the root and put every node after its parents.

    A genuine pickle does (it is a topological order); a graph whose nodes were rewired into a
    cycle (a node its own ancestor) cannot be listed so, and is refused.
    """
    where = "Value.__setstate__"
    if not isinstance(order, list):
        raise ValueError(f"{where}: not a pickled microgradx Value (no graph listing)")
    position = {id(n): i for i, n in enumerate(order)}
    if id(root) not in position:
        raise ValueError(f"{where}: not a pickled microgradx Value (its graph is not listed)")
    for i, n in enumerate(order):
        if not isinstance(n, Node):
            raise ValueError(f"{where}: the graph listing holds a {type(n).__name__}")
        for parent in (n._a, n._b):
            if parent is not None and position.get(id(parent), i) >= i:
                raise ValueError(
                    f"{where}: the graph holds a cycle ({parent!r} is an ancestor of itself) "
                    "or is not listed parents first; a computation graph never has one"
                )


def deep_copy(root: Node, memo: dict[int, Any]) -> Node:
    """``Value.__deepcopy__``: a copy of the whole graph behind root, iteratively (any depth)."""
    with gc_paused():  # only new acyclic nodes: the collector would rescan them for nothing
        order = whole_graph(root)
        for v in order:  # parents first: their copies exist when a child is copied
            if id(v) not in memo:
                copy = _new(type(v))  # a Constant stays a Constant
                copy._data = v._data
                copy.grad = v.grad
                copy.label = v.label
                copy._fn = v._fn
                copy._a = None if v._a is None else _copied(v._a, memo)
                copy._b = None if v._b is None else _copied(v._b, memo)
                memo[id(v)] = copy
        for v in order:
            if isinstance(v.grad, Node):
                memo[id(v)].grad = memo[id(v.grad)]
    result: Node = memo[id(root)]
    return result


def _copied(parent: Node, memo: dict[int, Any]) -> Node:
    """The copy of a parent, made before its child: missing only when the graph has a cycle."""
    copy = memo.get(id(parent))
    if copy is None:
        raise ValueError(
            f"deepcopy: the graph holds a cycle ({parent!r} is an ancestor of itself); "
            "a computation graph never has one"
        )
    result: Node = copy
    return result


def whole_graph(root: Node) -> list[Node]:
    """Every node reachable from root through parents and Value gradients, parents first."""
    order: list[Node] = []
    seen: set[Node] = set()
    starts = [root]
    while starts:
        start = starts.pop()
        if start in seen:
            continue
        found = depth_first(start, seen)  # the one sort, sharing `seen` across starts
        order += found
        starts += [v.grad for v in found if isinstance(v.grad, Node)]
    return order
