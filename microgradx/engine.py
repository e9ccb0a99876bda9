"""The engine: ``Value`` nodes, graph building, and reverse-mode backpropagation.

A ``Value`` wraps one float and remembers the primitive (an ``ops.Op``) and the parent
Values that produced it. ``loss.backward()`` orders the graph topologically and walks it
once in reverse, applying the chain rule at every node::

    parent.grad += rule(upstream grad, node, parents)     # local gradient × upstream gradient

Every local derivative lives in the rule table in ``ops.py``; this file only routes numbers.

NaN / inf policy: a Value always holds a finite float. Constructing one from NaN or ±inf, or
combining a Value with such a number, raises ``ValueError``; an operation whose result would
overflow raises ``OverflowError`` naming the op. Gradients are not restricted: ``a ** b`` has a
NaN gradient with respect to ``b`` when ``a < 0`` (and 0 when ``a == 0``), exactly as in PyTorch.
"""

from __future__ import annotations

import gc
import math
import operator
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from . import ops
from ._checks import is_real
from .ops import Op

Number = float | int

_grad_enabled = True  # flipped by no_grad(); read on every op


def _as_float(x: Any, where: str) -> float:
    """Validate a user-supplied number: a finite real (int, float, numpy scalar), else raise."""
    if type(x) is not float:
        if isinstance(x, Value):
            raise TypeError(
                f"{where}: expected a number, got a Value ({x!r}); use the Value itself, or .data"
            )
        if not is_real(x):
            wanted = "a real number" if where == "Value" else "a Value or a real number"
            raise TypeError(f"{where}: expected {wanted}, got {type(x).__name__} {x!r}")
        try:
            x = float(x)
        except OverflowError:  # an int beyond the float range
            raise ValueError(
                f"{where}: {type(x).__name__} too large for a float; "
                "microgradx Values hold finite numbers only"
            ) from None
    if not math.isfinite(x):
        raise ValueError(
            f"{where}: {x!r} is not finite; microgradx Values hold finite numbers only"
        )
    return x


class Value:
    """A scalar that records how it was computed, so gradients can flow back through it."""

    # The inputs of the op live in two slots (_a, _b; None when absent) rather than in a
    # tuple: a tuple is a second GC-tracked allocation per node, and profiling W1 showed it
    # costs 48 B and ~30% of graph-building time (mostly cyclic-GC scans). See ``parents``.
    __slots__ = ("data", "grad", "label", "_fn", "_a", "_b")

    data: float
    grad: Any  # a float, or a Value after backward(create_graph=True)
    label: str
    _fn: Op | None
    _a: Value | None
    _b: Value | None

    def __init__(self, data: Number, label: str = "") -> None:
        self.data = _as_float(data, "Value")
        self.grad = 0.0
        self.label = label
        self._fn = None
        self._a = None
        self._b = None

    # -- graph building: every method is one line onto the rule table -------------------

    def __add__(self, other: Value | Number) -> Value:
        return _apply2(ops.ADD, self, other)

    def __radd__(self, other: Number) -> Value:
        return _apply2(ops.ADD, other, self)

    def __sub__(self, other: Value | Number) -> Value:
        return _apply2(ops.SUB, self, other)

    def __rsub__(self, other: Number) -> Value:
        return _apply2(ops.SUB, other, self)

    def __mul__(self, other: Value | Number) -> Value:
        return _apply2(ops.MUL, self, other)

    def __rmul__(self, other: Number) -> Value:
        return _apply2(ops.MUL, other, self)

    def __truediv__(self, other: Value | Number) -> Value:
        return _apply2(ops.DIV, self, other)

    def __rtruediv__(self, other: Number) -> Value:
        return _apply2(ops.DIV, other, self)

    def __pow__(self, other: Value | Number) -> Value:
        if isinstance(other, Value):
            return _apply2(ops.POW, self, other)
        return _apply1(ops.power(_as_float(other, "pow")), self)

    def __rpow__(self, other: Number) -> Value:
        return _apply2(ops.POW, other, self)

    def __neg__(self) -> Value:
        return _apply1(ops.NEG, self)

    def __abs__(self) -> Value:
        return _apply1(ops.ABS, self)

    def exp(self) -> Value:
        """e ** self."""
        return _apply1(ops.EXP, self)

    def log(self) -> Value:
        """Natural logarithm; ValueError for inputs <= 0."""
        return _apply1(ops.LOG, self)

    def sqrt(self) -> Value:
        """Square root; ValueError for negative inputs."""
        return _apply1(ops.SQRT, self)

    def tanh(self) -> Value:
        """Hyperbolic tangent."""
        return _apply1(ops.TANH, self)

    def sigmoid(self) -> Value:
        """Logistic sigmoid 1 / (1 + e^-x), stable for large |x|."""
        return _apply1(ops.SIGMOID, self)

    def relu(self) -> Value:
        """max(0, x); the derivative at 0 is taken as 0, as PyTorch."""
        return _apply1(ops.RELU, self)

    def leaky_relu(self, slope: float = 0.01) -> Value:
        """max(x, slope·x) for a small positive slope."""
        return _apply1(ops.leaky_relu(_as_float(slope, "leaky_relu slope")), self)

    def softplus(self) -> Value:
        """log(1 + e^x), stable for large |x|."""
        return _apply1(ops.SOFTPLUS, self)

    def sin(self) -> Value:
        """Sine (radians)."""
        return _apply1(ops.SIN, self)

    def cos(self) -> Value:
        """Cosine (radians)."""
        return _apply1(ops.COS, self)

    # -- comparisons look at data only (they are not differentiable) ----------------------
    # __eq__ is deliberately left as identity: Values are dictionary keys in graph code.

    def __lt__(self, other: Value | Number) -> bool:
        return _compare(operator.lt, self, other)

    def __le__(self, other: Value | Number) -> bool:
        return _compare(operator.le, self, other)

    def __gt__(self, other: Value | Number) -> bool:
        return _compare(operator.gt, self, other)

    def __ge__(self, other: Value | Number) -> bool:
        return _compare(operator.ge, self, other)

    # -- introspection --------------------------------------------------------------------

    @property
    def op(self) -> str:
        """Name of the operation that produced this Value ("" for a leaf)."""
        return self._fn.name if self._fn is not None else ""

    @property
    def parents(self) -> tuple[Value, ...]:
        """The Values this one was computed from, in argument order (``()`` for a leaf)."""
        if self._b is not None:
            return (self._a, self._b)  # type: ignore[return-value]
        return () if self._a is None else (self._a,)

    @property
    def _op(self) -> str:
        """micrograd's symbol for the op: "+", "*", "**3", "ReLU", "tanh" ("" for a leaf)."""
        fn = self._fn
        if fn is None:
            return ""
        return fn.micrograd or fn.name

    @property
    def _prev(self) -> tuple[Value, ...]:
        """micrograd's name for ``parents`` (read-only)."""
        return self.parents

    def is_leaf(self) -> bool:
        """True for Values created directly, not by an operation."""
        return self._fn is None

    def detach(self) -> Value:
        """A new leaf with the same data and label, cut off from this graph."""
        return Value(self.data, self.label)

    def _constant(self, data: float) -> Value:
        """A leaf holding any float (even NaN); used by rules that must return a constant."""
        return _node(data, None)

    def __repr__(self) -> str:
        grad = self.grad.data if isinstance(self.grad, Value) else self.grad
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={grad!r}{label})"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """Jupyter display: the graph drawn inline when small, a text summary when large."""
        from .viz.render import _mimebundle  # lazy: plain engine use never imports Graphviz

        return _mimebundle(self)

    # -- backpropagation ------------------------------------------------------------------

    def _backward(self) -> None:
        """micrograd's per-node step: add ``grad`` × each local derivative to the parents' grads.

        The derivatives come from the rule table, as in ``backward()``; calling it on every
        node in reverse topological order (after ``root.grad = 1.0``) is backpropagation by hand.
        """
        fn = self._fn
        if fn is None:
            return
        a = self._a
        b = self._b
        if b is None:
            a.grad += fn.vjp(self.grad, self.data, a.data)  # type: ignore[union-attr]
        else:
            da, db = fn.vjp(self.grad, self.data, a.data, b.data)  # type: ignore[union-attr]
            a.grad += da  # type: ignore[union-attr]
            b.grad += db

    def backward(self, *, create_graph: bool = False) -> None:
        """Compute d(self)/d(node) for every node of the graph and add it to ``node.grad``.

        Leaf gradients accumulate across calls (call ``zero_grad`` between steps); the
        gradients of intermediate nodes are recomputed from zero on every call. With
        ``create_graph=True`` the backward pass is itself recorded, so every ``.grad`` is a
        ``Value`` that can be differentiated again (second derivatives, Hessians).
        """
        # The pass allocates only acyclic, short-lived objects (floats, pairs of floats, the
        # order list), which reference counting frees at once; the cyclic collector would find
        # nothing, yet it would rescan the whole live graph several times (40% of backward on
        # W1). So it is paused here, and the caller's setting is restored even if a rule raises.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        node = self
        try:
            # Leaves are needed in the order only to turn their grads into Values below.
            order = _sort(self, leaves=create_graph, reset_grads=True)
            self.grad = 1.0 if self._fn is not None else self.grad + 1.0  # seed: ∂self/∂self = 1
            if create_graph:
                with enable_grad():  # as PyTorch: create_graph records even inside no_grad()
                    for node in reversed(order):
                        _backprop_recording(node)
                for node in order:
                    if not isinstance(node.grad, Value):
                        node.grad = _node(float(node.grad), None)
            else:
                for node in reversed(order):  # the chain rule, once per node
                    fn = node._fn
                    if fn is None:
                        continue
                    a = node._a
                    b = node._b
                    if b is None:
                        a.grad += fn.vjps[0](node.grad, node.data, a.data)  # type: ignore[union-attr]
                    else:
                        rule_a, rule_b = fn.vjps
                        a.grad += rule_a(node.grad, node.data, a.data, b.data)  # type: ignore[union-attr]
                        b.grad += rule_b(node.grad, node.data, a.data, b.data)  # type: ignore[union-attr]
        except (ArithmeticError, ValueError) as e:
            raise type(e)(f"backward through '{node.op}' at {node!r}: {e}") from e
        finally:
            if gc_was_enabled:
                gc.enable()


def _backprop_recording(node: Value) -> None:
    """The chain rule at one node with Values instead of floats, so the pass is a graph too."""
    fn = node._fn
    if fn is None:
        return
    g = node.grad
    a = node._a
    b = node._b
    if b is None:
        a.grad = a.grad + fn.vjps[0](g, node, a)  # type: ignore[union-attr]
    else:
        rule_a, rule_b = fn.vjps
        a.grad = a.grad + rule_a(g, node, a, b)  # type: ignore[union-attr]
        b.grad = b.grad + rule_b(g, node, a, b)


def topological_order(root: Value, *, leaves: bool = True) -> list[Value]:
    """Every node reachable from root, parents before children (root last). Iterative.

    Read-only: no ``.grad`` changes. With ``leaves=False`` only op nodes are listed (plus root).
    """
    return _sort(root, leaves=leaves, reset_grads=False)


def _expect_root(root: Any) -> None:
    if not isinstance(root, Value):
        raise TypeError(
            f"backward: expected a Value (a scalar loss), got {type(root).__name__}; "
            "for several outputs, combine them first, e.g. sum(outputs)"
        )


def _sort(root: Value, *, leaves: bool, reset_grads: bool) -> list[Value]:
    """The topological sort behind ``topological_order`` and ``backward``.

    backward() passes ``reset_grads``: intermediate nodes get their ``grad`` reset to 0 as they
    are emitted, so a second backward() never double-counts them, without a second pass over
    the graph; leaves keep theirs (they accumulate, as in PyTorch). It also passes
    ``leaves=False``, since a leaf has no rule to apply — skipping them halves the sort when
    half the nodes are leaves (constants in a chain, the 2·10⁵ inputs of a wide sum).
    """
    _expect_root(root)  # also for Value.backward(3.0), called unbound
    # Depth-first post-order without recursion, so 10⁶-deep chains are fine. A node is
    # expanded by pushing it back under a ``None`` marker and then its unvisited parents;
    # popping the marker means those parents are all done, so the node below it is emitted.
    # (This avoids a (node, flag) tuple per push: 2.5× faster than that on W1.)
    order: list[Value | None] = []
    visited: set[Value] = set()
    stack: list[Value | None] = [root]
    push, pop, emit, mark = stack.append, stack.pop, order.append, visited.add
    while stack:
        node = pop()
        if node is None:
            node = pop()
            if reset_grads and node._fn is not None:  # type: ignore[union-attr]
                node.grad = 0.0  # type: ignore[union-attr]
            emit(node)
        elif node not in visited:
            mark(node)
            push(node)
            push(None)
            b = node._b
            if b is not None and (leaves or b._fn is not None) and b not in visited:
                push(b)
            a = node._a
            if a is not None and (leaves or a._fn is not None) and a not in visited:
                push(a)  # pushed last, so visited first: parents come out in argument order
    return order  # type: ignore[return-value]


def backward(root: Value, *, create_graph: bool = False) -> None:
    """Function form of ``root.backward()``, with a clear error for a non-Value root."""
    _expect_root(root)
    root.backward(create_graph=create_graph)


# -- graph construction ------------------------------------------------------------------

_new = object.__new__
_isfinite = math.isfinite


def _node(data: float, fn: Op | None, a: Value | None = None, b: Value | None = None) -> Value:
    """Make a Value without re-validating data computed by a rule (hot path)."""
    v = _new(Value)
    v.data = data
    v.grad = 0.0
    v.label = ""
    v._fn = fn
    v._a = a
    v._b = b
    return v


def _lift(x: Any, fn: Op) -> Value:
    """A Value operand as-is; a plain number becomes a constant leaf."""
    if isinstance(x, Value):
        return x
    return _node(_as_float(x, fn.name), None)


def _checked(out: float, fn: Op, *args: float) -> float:
    # NaN in, NaN out: a NaN gradient constant (d(a**b)/db for a < 0) may flow through a
    # recorded backward pass; only a non-finite result from finite inputs is an error.
    if math.isfinite(out) or not all(math.isfinite(a) for a in args):
        return out
    shown = ", ".join(repr(a) for a in args)
    raise OverflowError(f"{fn.name}: result of {fn.name}({shown}) is not a finite float")


def _apply2(fn: Op, a: Any, b: Any) -> Value:
    """Run a binary primitive forward and, unless in no_grad, record it in the graph."""
    if type(a) is not Value:  # exact-type tests first: the common case costs no call
        a = _lift(a, fn)
    if type(b) is not Value:
        b = _lift(b, fn)
    out = fn.forward(a.data, b.data)
    if not _isfinite(out):
        out = _checked(out, fn, a.data, b.data)
    return _node(out, fn, a, b) if _grad_enabled else _node(out, None)


def _apply1(fn: Op, a: Value) -> Value:
    """Run a unary primitive forward and, unless in no_grad, record it in the graph."""
    out = fn.forward(a.data)
    if not _isfinite(out):
        out = _checked(out, fn, a.data)
    return _node(out, fn, a) if _grad_enabled else _node(out, None)


def _data(x: Any) -> float:
    return x.data if isinstance(x, Value) else _as_float(x, "compare")


Comparison = Callable[[Any, Any], Any]
_compare_hook: Callable[[Comparison, Value, Any, bool], None] | None = None
"""Set by ``compile.trace`` while tracing: it sees every comparison, to guard the branch taken."""


def _compare(cmp: Comparison, a: Value, b: Any) -> bool:
    result: bool = cmp(a.data, _data(b))
    if _compare_hook is not None:
        _compare_hook(cmp, a, b, result)
    return result


# -- gradient mode and helpers ------------------------------------------------------------


@contextmanager
def no_grad() -> Iterator[None]:
    """Within this block operations build no graph (inference, optimizer updates)."""
    global _grad_enabled
    previous = _grad_enabled
    _grad_enabled = False
    try:
        yield
    finally:
        _grad_enabled = previous


@contextmanager
def enable_grad() -> Iterator[None]:
    """Within this block operations build a graph again, even inside ``no_grad()``."""
    global _grad_enabled
    previous = _grad_enabled
    _grad_enabled = True
    try:
        yield
    finally:
        _grad_enabled = previous


def is_grad_enabled() -> bool:
    """True unless inside ``no_grad()``."""
    return _grad_enabled


def zero_grad(values: Iterable[Value]) -> None:
    """Reset ``.grad`` of every given Value to 0 (gradients otherwise accumulate)."""
    for v in values:
        v.grad = 0.0
