"""The engine: ``Value`` nodes, graph building, and reverse-mode backpropagation.

A ``Value`` wraps one float and remembers the primitive (an ``ops.Op``) and the parent
Values that produced it. One pure core, ``gradients(output, inputs)``, orders the part of the
graph that leads to the requested inputs and walks it once in reverse, applying the chain rule
at every node::

    grad[parent] += rule(upstream grad, node, parents)    # local gradient × upstream gradient

It reads only data and the graph and returns the gradients (``torch.autograd.grad``'s shape);
``loss.backward()`` is that core plus PyTorch's semantics: every ``.grad`` of the graph is
set, leaves' accumulate. A local derivative is computed only for an input that needs one:
a ``Constant`` (a number lifted into an op, a result computed under ``no_grad()`` or from
constants alone, a ``detach()``ed copy) needs none, so the infinite slope of ``sqrt`` at a
constant 0 never breaks a gradient nobody asked for.

Every local derivative lives in the rule table in ``ops.py``; this file only routes numbers.
Threads: grad mode is per thread, and the pause of the cyclic GC during backpropagation is
shared safely between threads (``gc_paused``).

NaN / inf policy: a Value always holds a finite float. Constructing one from NaN or ±inf,
assigning such a number to ``.data``, or combining a Value with one raises ``ValueError``;
an operation whose result would overflow raises ``OverflowError`` naming the op. Gradients
are not restricted: ``a ** b`` has a NaN gradient with respect to ``b`` when ``a < 0`` (and 0
when ``a == 0``), exactly as in PyTorch.
"""

from __future__ import annotations

import gc
import math
import operator
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from typing import Any

from . import ops
from ._checks import is_real
from .ops import Op

Number = float | int


class _GradMode(threading.local):
    """Grad mode, one per thread (as PyTorch): ``no_grad()`` in one thread never affects another."""

    enabled = True  # flipped by no_grad(); read on every op


_grad_mode = _GradMode()
# Reading a thread-local costs ~10× a global, so the hot path reads ``_all_record`` (no
# thread has grad mode off) and consults the thread's own flag only when it is False.
_threads_without_grad = 0
_all_record = True
_mode_lock = threading.Lock()


def _as_float(x: Any, where: str) -> float:
    """Validate a user-supplied number: a finite real (int, float, numpy scalar), else raise."""
    if type(x) is not float:
        if isinstance(x, Value):
            raise TypeError(
                f"{where}: expected a number, got a Value ({x!r}); use the Value itself, or .data"
            )
        if not is_real(x):
            wanted = "a real number" if where.startswith("Value") else "a Value or a real number"
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


def _binary_operator(fn: Op) -> Callable[[Value, Value | Number], Value]:
    """The operator method of a binary op (``Value.__add__`` is ``_binary_operator(ops.ADD)``).

    Two recording Values build their node right here, without the call layers of ``_apply2``
    and ``_node``: these four ops are most of any graph, and the two calls saved were 9% of a
    W1 training step. Anything else (a number, a Constant, grad mode off) goes through
    ``_apply2``'s checks. The derivative stays in the rule table.
    """
    forward = fn.forward

    def operator_method(self: Value, other: Value | Number) -> Value:
        if type(other) is Value and _all_record:  # the hot path
            out = forward(self._data, other._data)
            if not _isfinite(out):
                out = _checked(out, fn, self._data, other._data)
            v = _new(Value)
            v._data = out
            v.grad = 0.0
            v.label = ""
            v._fn = fn
            v._a = self
            v._b = other
            return v
        return _apply2(fn, self, other)

    operator_method.__name__ = operator_method.__qualname__ = f"Value.{fn.name}"
    return operator_method


class Value:
    """A scalar that records how it was computed, so gradients can flow back through it."""

    # The inputs of the op live in two slots (_a, _b; None when absent) rather than in a
    # tuple: a tuple is a second GC-tracked allocation per node, and profiling W1 showed it
    # costs 48 B and ~30% of graph-building time (mostly cyclic-GC scans). See ``parents``.
    __slots__ = ("_data", "grad", "label", "_fn", "_a", "_b")

    _data: float  # read through ``data``, which checks what is assigned
    grad: Any  # a float, or a Value after backward(create_graph=True)
    label: str
    _fn: Op | None
    _a: Value | None
    _b: Value | None

    def __init__(self, data: Number, label: str = "") -> None:
        self._data = _as_float(data, "Value")
        self.grad = 0.0
        if type(label) is not str:
            raise TypeError(f"Value: label must be a str, got {type(label).__name__} {label!r}")
        self.label = label
        self._fn = None
        self._a = None
        self._b = None

    @property
    def data(self) -> float:
        """The number this Value holds; assigning NaN, ±inf or a non-number raises."""
        return self._data

    @data.setter
    def data(self, value: Number) -> None:
        # Checked here, where a micrograd-style update loop writes (p.data -= lr * p.grad),
        # so the engine's hot path can read ``_data`` without re-checking it on every op.
        self._data = _as_float(value, "Value.data")

    def __float__(self) -> float:
        """The data as a float, as ``float()`` of a 0-d tensor."""
        return self._data

    def __format__(self, spec: str) -> str:
        """``format(v, ".3f")`` formats the data; an empty spec gives the repr."""
        return format(self._data, spec) if spec else repr(self)

    # -- graph building: every method is one line onto the rule table -------------------
    # (+, −, ×, ÷ of two Values build their node inline: see _binary_operator).

    __add__ = _binary_operator(ops.ADD)

    def __radd__(self, other: Number) -> Value:
        return _apply2(ops.ADD, other, self)

    __sub__ = _binary_operator(ops.SUB)

    def __rsub__(self, other: Number) -> Value:
        return _apply2(ops.SUB, other, self)

    __mul__ = _binary_operator(ops.MUL)

    def __rmul__(self, other: Number) -> Value:
        return _apply2(ops.MUL, other, self)

    __truediv__ = _binary_operator(ops.DIV)

    def __rtruediv__(self, other: Number) -> Value:
        return _apply2(ops.DIV, other, self)

    def __pow__(self, other: Value | Number) -> Value:
        if isinstance(other, Value):
            return _apply2(ops.POW, self, other)
        return _apply1(ops.power(_as_float(other, "pow")), self)

    def __rpow__(self, other: Number) -> Value:
        return _apply2(ops.POW, other, self)

    def __mod__(self, other: Value | Number) -> Value:
        return _apply2(ops.MOD, self, other)

    def __rmod__(self, other: Number) -> Value:
        return _apply2(ops.MOD, other, self)

    def __neg__(self) -> Value:
        return _apply1(ops.NEG, self)

    def __abs__(self) -> Value:
        return _apply1(ops.ABS, self)

    def sign(self) -> Value:
        """−1, 0 or 1; its derivative is 0 (as PyTorch's and HIPS autograd's)."""
        return _apply1(ops.SIGN, self)

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

    def tan(self) -> Value:
        """Tangent (radians)."""
        return _apply1(ops.TAN, self)

    def sinh(self) -> Value:
        """Hyperbolic sine; OverflowError beyond |x| ≈ 710."""
        return _apply1(ops.SINH, self)

    def cosh(self) -> Value:
        """Hyperbolic cosine; OverflowError beyond |x| ≈ 710."""
        return _apply1(ops.COSH, self)

    def asin(self) -> Value:
        """Inverse sine; ValueError outside [-1, 1]."""
        return _apply1(ops.ASIN, self)

    def acos(self) -> Value:
        """Inverse cosine; ValueError outside [-1, 1]."""
        return _apply1(ops.ACOS, self)

    def atan(self) -> Value:
        """Inverse tangent."""
        return _apply1(ops.ATAN, self)

    def asinh(self) -> Value:
        """Inverse hyperbolic sine."""
        return _apply1(ops.ASINH, self)

    def acosh(self) -> Value:
        """Inverse hyperbolic cosine; ValueError below 1."""
        return _apply1(ops.ACOSH, self)

    def atanh(self) -> Value:
        """Inverse hyperbolic tangent; ValueError outside (-1, 1)."""
        return _apply1(ops.ATANH, self)

    def log1p(self) -> Value:
        """log(1 + x), exact for tiny x; ValueError for x <= -1."""
        return _apply1(ops.LOG1P, self)

    def expm1(self) -> Value:
        """e ** x − 1, exact for tiny x."""
        return _apply1(ops.EXPM1, self)

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

    @property
    def requires_grad(self) -> bool:
        """False for a ``Constant`` (numbers lifted into ops, ``no_grad`` results, ``detach()``)."""
        return type(self) is not Constant

    def detach(self) -> Value:
        """A ``Constant`` with the same data and label, cut off from this graph (no gradient)."""
        c = _const(self._data)
        c.label = self.label
        return c

    def _constant(self, data: float) -> Value:
        """A constant holding any float (even NaN); used by rules that must return a constant."""
        return _const(data)

    def __repr__(self) -> str:
        grad = self.grad.data if isinstance(self.grad, Value) else self.grad
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self._data!r}, grad={grad!r}{label})"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """Jupyter display: the graph drawn inline when small, a text summary when large."""
        from .viz.render import _mimebundle  # lazy: plain engine use never imports Graphviz

        return _mimebundle(self)

    # -- pickling and copying --------------------------------------------------------------
    # A graph is as deep as the computation (a 10⁵-step loop makes a 10⁵-deep chain), so
    # neither pickle nor deepcopy may recurse along parents. The first Value pickled (the
    # root) lists its whole graph, parents first, in its state: the pickler then meets every
    # node after its parents, whose references are memo lookups, not recursion. Nodes are
    # stored as plain records (data, grad, label, op name and parameter, parents); ops are
    # looked up by name in the rule table on the way back, never stored as code.

    def __getstate__(self) -> tuple[Any, ...]:
        """Pickle support: a plain record, plus the whole graph in order for the root."""
        pending: set[int] | None = getattr(_pickling, "pending", None)
        if pending is not None and id(self) in pending:  # listed by a root: a record will do
            pending.discard(id(self))
            return (None, _record(self), None, None)
        order = _whole_graph(self)
        _pickling.pending = {id(v) for v in order if v is not self}
        # Gradients that are Values (create_graph) may depend on later nodes: set them last.
        late = [(v, v.grad) for v in order if isinstance(v.grad, Value)]
        return (order, _record(self), late, _EndOfGraph())

    def __setstate__(self, state: Any) -> None:
        """Unpickle support: validate a record made by ``__getstate__`` and fill this node."""
        if not (isinstance(state, tuple) and len(state) == 4):
            raise ValueError("Value.__setstate__: not a pickled microgradx Value")
        _, record, late, _ = state
        if not (isinstance(record, tuple) and len(record) == 7):
            raise ValueError("Value.__setstate__: not a pickled microgradx Value")
        data, grad, label, name, param, a, b = record
        fn = None if name is None else ops.lookup(name, param)
        if not (a is None or isinstance(a, Value)) or not (b is None or isinstance(b, Value)):
            raise ValueError("Value.__setstate__: the parents of a Value must be Values")
        arity = 0 if fn is None else fn.arity
        if (a is not None, b is not None) != (arity > 0, arity > 1):
            given = (a is not None) + (b is not None)
            raise ValueError(f"Value.__setstate__: op {name!r} takes {arity} inputs, got {given}")
        if not isinstance(label, str):
            raise TypeError(f"Value.__setstate__: label must be a string, got {label!r}")
        if type(grad) is not float:
            raise TypeError(f"Value.__setstate__: grad must be a float, got {grad!r}")
        self._data = _as_float(data, "Value")
        self.grad = grad
        self.label = label
        self._fn = fn
        self._a = a
        self._b = b
        for v, g in late or ():
            if not (isinstance(v, Value) and isinstance(g, Value)):
                raise ValueError("Value.__setstate__: a gradient record must pair two Values")
            v.grad = g

    def __copy__(self) -> Value:
        """A new node with the same data, grad, label, op and parents (the graph is shared)."""
        v = _new(type(self))
        v._data = self._data
        v.grad = self.grad
        v.label = self.label
        v._fn = self._fn
        v._a = self._a
        v._b = self._b
        return v

    def __deepcopy__(self, memo: dict[int, Any]) -> Value:
        """A copy of the whole graph behind this Value, iteratively (any depth)."""
        with gc_paused():  # only new acyclic nodes: the collector would rescan them for nothing
            order = _whole_graph(self)
            for v in order:  # parents first: their copies exist when a child is copied
                if id(v) not in memo:
                    copy = _new(type(v))  # a Constant stays a Constant
                    copy._data = v._data
                    copy.grad = v.grad
                    copy.label = v.label
                    copy._fn = v._fn
                    copy._a = None if v._a is None else memo[id(v._a)]
                    copy._b = None if v._b is None else memo[id(v._b)]
                    memo[id(v)] = copy
            for v in order:
                if isinstance(v.grad, Value):
                    memo[id(v)].grad = memo[id(v.grad)]
        result: Value = memo[id(self)]
        return result

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
        g = self.grad
        out = self._data
        if b is None:
            if type(a) is Value:  # as backward: no local derivative for a Constant
                a.grad += fn.vjps[0](g, out, a._data)
        else:
            rule_a, rule_b = fn.vjps
            x = a._data  # type: ignore[union-attr]
            y = b._data
            da = rule_a(g, out, x, y) if type(a) is Value else 0.0
            db = rule_b(g, out, x, y) if type(b) is Value else 0.0
            a.grad += da  # type: ignore[union-attr]
            b.grad += db

    def backward(self, *, create_graph: bool = False) -> None:
        """Compute d(self)/d(node) for every node of the graph and add it to ``node.grad``.

        Leaf gradients accumulate across calls (call ``zero_grad`` between steps); the
        gradients of intermediate nodes are recomputed from zero on every call. A ``Constant``
        gets none. With ``create_graph=True`` the backward pass is itself recorded, so every
        ``.grad`` is a ``Value`` that can be differentiated again (second derivatives).
        """
        _expect_root(self, "backward")  # also for Value.backward(3.0), called unbound
        with gc_paused():
            if not create_graph:
                _backprop_into_grads(self)
                return
            grads = _backprop(self, None, record=True)
            with enable_grad():  # as PyTorch: create_graph records even inside no_grad()
                for node, g in grads.items():
                    g = _as_value(g)
                    node.grad = node.grad + g if node._fn is None else g


class Constant(Value):
    """A Value that needs no gradient (PyTorch: ``requires_grad=False``).

    Numbers lifted into an op (the ``2`` in ``2 * x``), results computed under ``no_grad()``
    or from constants alone, and ``detach()``ed copies are Constants. Operations on constants
    alone record no graph, and backpropagation computes no local derivative for a constant
    input. ``Constant(3.0)`` makes one directly.
    """

    __slots__ = ()


def gradients(output: Value, inputs: Sequence[Value], *, create_graph: bool = False) -> list[Any]:
    """d output / d input for each input, as ``torch.autograd.grad``; no ``.grad`` is touched.

    The order is taken over only the part of the graph that leads to the inputs, and a local
    derivative is computed only on those paths. An input the output does not depend on gets 0.
    With ``create_graph=True`` the pass is recorded and each gradient is a ``Value`` that can be
    differentiated again (the functional transforms nest this way).

    >>> x, y = Value(3.0), Value(4.0)
    >>> gradients(x * y + x, [x, y])
    [5.0, 3.0]
    """
    _expect_root(output, "gradients")
    if isinstance(inputs, Value) or not isinstance(inputs, Iterable):
        raise TypeError(f"gradients: inputs must be a list of Values, got {inputs!r}")
    wanted = list(inputs)
    for i, v in enumerate(wanted):
        if not isinstance(v, Value):
            raise TypeError(f"gradients: input {i} must be a Value, got {type(v).__name__} {v!r}")
    with gc_paused():
        grads = _backprop(output, wanted, record=create_graph)
    if create_graph:
        return [_as_value(grads.get(v, 0.0)) for v in wanted]
    return [float(grads.get(v, 0.0)) for v in wanted]


def _as_value(g: Any) -> Value:
    return g if isinstance(g, Value) else _const(float(g))


def _backprop(root: Value, wanted: Sequence[Value] | None, *, record: bool) -> dict[Value, Any]:
    """The gradient core: {node: d root / d node} for every node that needs a gradient.

    A node needs one if it is ``wanted`` or depends on a wanted Value; with ``wanted=None``
    (``backward``) every Value that is not a Constant is wanted. Only those nodes are ordered
    and visited, and a rule runs only for an input that needs its result. Pure: it reads data
    and the graph and writes only the dict it returns. ``record`` runs the rules on Values
    (``create_graph``), so that the pass is a graph too.
    """
    if wanted is None:
        order = _order(root, None)
        needs: Callable[[Any], bool] = _requires_grad
    else:
        needed = set(wanted)
        order = _order(root, needed)
        needs = needed.__contains__
    grads: dict[Value, Any] = {root: 1.0}  # the seed: d root / d root = 1
    node = root
    try:
        with enable_grad() if record else nullcontext():  # as PyTorch: records in no_grad()
            for node in reversed(order):  # the chain rule, once per node
                g = grads[node]
                fn = node._fn
                a = node._a
                b = node._b
                # Recording passes the Values themselves to the rules, so the pass is a graph.
                if record:
                    out, x, y = node, a, b
                else:
                    out, x, y = node._data, a._data, None if b is None else b._data  # type: ignore[union-attr, assignment]
                if b is None:
                    if needs(a):
                        _accumulate(grads, a, fn.vjps[0](g, out, x))  # type: ignore[union-attr, arg-type]
                else:
                    rule_a, rule_b = fn.vjps  # type: ignore[union-attr]
                    if needs(a):
                        _accumulate(grads, a, rule_a(g, out, x, y))  # type: ignore[arg-type]
                    if needs(b):
                        _accumulate(grads, b, rule_b(g, out, x, y))
    except Exception as e:
        _note_where(e, node)
        raise
    return grads


def _backprop_into_grads(root: Value) -> None:
    """``backward()``'s float pass: the same chain rule as ``_backprop``, summed in ``.grad``.

    Gradients live in the nodes' own ``grad`` slots instead of a dict: measured on W1, the
    dict (and copying it out to ``.grad``) made backward 50% slower. Every op node needs a
    gradient here (it exists only because an input requires one), so the order is not pruned;
    a rule runs only for inputs that are not Constants.
    """
    order = _backward_order(root)
    root.grad = 1.0 if root._fn is not None else root.grad + 1.0  # seed: ∂root/∂root = 1
    node = root
    try:
        for node in reversed(order):  # the chain rule, once per node
            fn = node._fn
            a = node._a
            b = node._b
            g = node.grad
            out = node._data
            if b is None:
                if type(a) is Value:  # ``type(v) is Value`` is False exactly for Constants
                    a.grad += fn.vjps[0](g, out, a._data)  # type: ignore[union-attr]
            else:
                rule_a, rule_b = fn.vjps  # type: ignore[union-attr]
                x = a._data  # type: ignore[union-attr]
                y = b._data
                if type(a) is Value:
                    a.grad += rule_a(g, out, x, y)
                if type(b) is Value:
                    b.grad += rule_b(g, out, x, y)
    except Exception as e:
        _note_where(e, node)
        raise


def _requires_grad(v: Value) -> bool:
    return type(v) is Value


def _note_where(e: BaseException, node: Value) -> None:
    """Add to an exception raised by a rule where it happened; its class stays the user's own."""
    add_note = getattr(e, "add_note", None)  # Python 3.11+; 3.10 shows the bare error
    if add_note is not None:
        add_note(f"backward through '{node.op}' at {node!r}")


def _accumulate(grads: dict[Value, Any], v: Value, contribution: Any) -> None:
    previous = grads.get(v)
    grads[v] = contribution if previous is None else previous + contribution


def _backward_order(root: Value) -> list[Value]:
    """Every op node of root's graph, parents first, each ``grad`` reset to 0 (backward's sort).

    The same depth-first post-order as ``_order``, but a node is marked as visited in its own
    ``grad`` slot (set to a fresh marker object) instead of in a set: an identity test instead
    of a hash lookup per edge. Every op node's grad is reset to 0 afterwards anyway.
    """
    order: list[Value] = []
    if root._fn is None:
        return order
    mark = object()
    stack: list[Value | None] = [root]
    push, pop, emit = stack.append, stack.pop, order.append
    while stack:
        node = pop()
        if node is None:
            emit(pop())  # type: ignore[arg-type]
        elif node.grad is not mark:
            node.grad = mark
            push(node)
            push(None)
            b = node._b
            if b is not None and b._fn is not None and b.grad is not mark:
                push(b)
            a = node._a
            if a._fn is not None and a.grad is not mark:  # type: ignore[union-attr]
                push(a)  # pushed last, so visited first: parents come out in argument order
    for node in order:
        node.grad = 0.0
    return order


def _order(root: Value, needed: set[Value] | None) -> list[Value]:
    """The op nodes that need a gradient, parents before children (root last). Iterative.

    With ``needed`` (the requested Values) a node needs one if it is needed or has a parent
    that does, and ``needed`` is extended in place with every such node; with ``None`` every
    op node does.
    """
    # Depth-first post-order without recursion, so 10⁶-deep chains are fine. A node is
    # expanded by pushing it back under a ``None`` marker and then its unvisited parents;
    # popping the marker means those parents are all done, so the node below it is emitted.
    # (This avoids a (node, flag) tuple per push: 2.5× faster than that on W1.) Leaves are
    # never pushed: they have no rule, and skipping them halves the sort of a wide sum.
    order: list[Value] = []
    if root._fn is None:
        return order
    visited: set[Value] = set()
    stack: list[Value | None] = [root]
    push, pop, emit, mark = stack.append, stack.pop, order.append, visited.add
    while stack:
        node = pop()
        if node is None:
            node = pop()
            if needed is None:
                emit(node)  # type: ignore[arg-type]
            elif node in needed or node._a in needed or node._b in needed:  # type: ignore[union-attr, operator]
                needed.add(node)  # type: ignore[arg-type]
                emit(node)  # type: ignore[arg-type]
        elif node not in visited:
            mark(node)
            push(node)
            push(None)
            b = node._b
            if b is not None and b._fn is not None and b not in visited:
                push(b)
            a = node._a
            if a._fn is not None and a not in visited:  # type: ignore[union-attr]
                push(a)  # pushed last, so visited first: parents come out in argument order
    return order


def topological_order(root: Value, *, leaves: bool = True) -> list[Value]:
    """Every node reachable from root, parents before children (root last). Iterative.

    Read-only: no ``.grad`` changes. With ``leaves=False`` only op nodes are listed (plus root).
    """
    _expect_root(root, "topological_order")
    # The same depth-first post-order as ``_order``, over every node and without pruning.
    order: list[Value | None] = []
    visited: set[Value] = set()
    stack: list[Value | None] = [root]
    push, pop, emit, mark = stack.append, stack.pop, order.append, visited.add
    while stack:
        node = pop()
        if node is None:
            emit(pop())
        elif node not in visited:
            mark(node)
            push(node)
            push(None)
            b = node._b
            if b is not None and (leaves or b._fn is not None) and b not in visited:
                push(b)
            a = node._a
            if a is not None and (leaves or a._fn is not None) and a not in visited:
                push(a)
    return order  # type: ignore[return-value]


def _expect_root(root: Any, where: str) -> None:
    if not isinstance(root, Value):
        raise TypeError(
            f"{where}: expected a Value (a scalar loss), got {type(root).__name__}; "
            "for several outputs, combine them first, e.g. sum(outputs)"
        )


def backward(root: Value, *, create_graph: bool = False) -> None:
    """Function form of ``root.backward()``, with a clear error for a non-Value root."""
    _expect_root(root, "backward")
    root.backward(create_graph=create_graph)


# -- pickling --------------------------------------------------------------------------------

_pickling = threading.local()
"""``pending``: ids of the nodes a root being pickled has listed; each pickles as a record."""


class _EndOfGraph:
    """The last item of a root's pickled state: once it is pickled, the graph is done."""

    def __reduce__(self) -> tuple[type[bool], tuple[()]]:
        _pickling.pending = None
        return bool, ()  # unpickles as False; only its place in the stream matters


def _record(v: Value) -> tuple[Any, ...]:
    """One node as plain data: (data, grad, label, op name, op parameter, parent, parent)."""
    grad = v.grad
    if type(grad) is float:
        pass
    elif isinstance(grad, Value):
        grad = 0.0  # set afterwards, from the root's list of Value gradients
    elif is_real(grad):
        grad = float(grad)
    else:
        raise TypeError(f"pickle: the grad of {v!r} is {type(grad).__name__}, not a number")
    fn = v._fn
    name, param = (None, None) if fn is None else (fn.name, fn.param)
    return (v._data, grad, v.label, name, param, v._a, v._b)


def _whole_graph(root: Value) -> list[Value]:
    """Every node reachable from root through parents and Value gradients, parents first."""
    order: list[Value] = []
    seen: set[Value] = set()
    starts = [root]
    while starts:
        start = starts.pop()
        if start in seen:
            continue
        stack: list[Value | None] = [start]
        while stack:  # the post-order walk of _sort, sharing `seen` across starts
            node = stack.pop()
            if node is None:
                node = stack.pop()
                order.append(node)  # type: ignore[arg-type]
                grad = node.grad  # type: ignore[union-attr]
                if isinstance(grad, Value) and grad not in seen:
                    starts.append(grad)
            elif node not in seen:
                seen.add(node)
                stack.append(node)
                stack.append(None)
                b = node._b
                if b is not None and b not in seen:
                    stack.append(b)
                a = node._a
                if a is not None and a not in seen:
                    stack.append(a)
    return order


# -- graph construction ------------------------------------------------------------------

_new = object.__new__
_isfinite = math.isfinite


def _node(data: float, fn: Op | None, a: Value | None = None, b: Value | None = None) -> Value:
    """Make a Value without re-validating data computed by a rule (hot path)."""
    v = _new(Value)
    v._data = data
    v.grad = 0.0
    v.label = ""
    v._fn = fn
    v._a = a
    v._b = b
    return v


def _const(data: float) -> Value:
    """Make a Constant (a leaf that needs no gradient) without re-validating data."""
    v = _new(Constant)
    v._data = data
    v.grad = 0.0
    v.label = ""
    v._fn = None
    v._a = None
    v._b = None
    return v


def _lift(x: Any, fn: Op) -> Value:
    """A Value operand as-is; a plain number becomes a Constant."""
    if isinstance(x, Value):
        return x
    return _const(_as_float(x, fn.name))


def _checked(out: float, fn: Op, *args: float) -> float:
    # NaN in, NaN out: a NaN gradient constant (d(a**b)/db for a < 0) may flow through a
    # recorded backward pass; only a non-finite result from finite inputs is an error.
    if math.isfinite(out) or not all(math.isfinite(a) for a in args):
        return out
    shown = ", ".join(repr(a) for a in args)
    raise OverflowError(f"{fn.name}: result of {fn.name}({shown}) is not a finite float")


def _apply2(fn: Op, a: Any, b: Any) -> Value:
    """Run a binary primitive forward; record it unless in no_grad or both inputs are constant."""
    # Exact-type tests first: the common case (two Values that need gradients) costs no call,
    # and ``type(x) is Value`` is False exactly for Constants and plain numbers.
    if type(a) is Value:
        if type(b) is not Value:
            b = _lift(b, fn)
        record = _all_record or _grad_mode.enabled
    else:
        a = _lift(a, fn)
        if type(b) is Value:
            record = _all_record or _grad_mode.enabled
        else:
            b = _lift(b, fn)
            record = False
    out = fn.forward(a._data, b._data)
    if not _isfinite(out):
        out = _checked(out, fn, a._data, b._data)
    return _node(out, fn, a, b) if record else _const(out)


def _apply1(fn: Op, a: Value) -> Value:
    """Run a unary primitive forward; record it unless in no_grad or its input is constant."""
    out = fn.forward(a._data)
    if not _isfinite(out):
        out = _checked(out, fn, a._data)
    if type(a) is Value and (_all_record or _grad_mode.enabled):
        return _node(out, fn, a)
    return _const(out)


def _number(x: Any) -> float:
    return x._data if isinstance(x, Value) else _as_float(x, "compare")


Comparison = Callable[[Any, Any], Any]
_compare_hook: Callable[[Comparison, Value, Any, bool], None] | None = None
"""Set by ``compile.trace`` while tracing: it sees every comparison, to guard the branch taken."""


def _compare(cmp: Comparison, a: Value, b: Any) -> bool:
    result: bool = cmp(a._data, _number(b))
    if _compare_hook is not None:
        _compare_hook(cmp, a, b, result)
    return result


# -- gradient mode and helpers ------------------------------------------------------------


@contextmanager
def no_grad() -> Iterator[None]:
    """Within this block operations build no graph (inference, optimizer updates); per thread."""
    previous = _set_grad_mode(False)
    try:
        yield
    finally:
        _set_grad_mode(previous)


@contextmanager
def enable_grad() -> Iterator[None]:
    """Within this block operations build a graph again, even inside ``no_grad()``; per thread."""
    previous = _set_grad_mode(True)
    try:
        yield
    finally:
        _set_grad_mode(previous)


def is_grad_enabled() -> bool:
    """True unless this thread is inside ``no_grad()``."""
    return _grad_mode.enabled


def _set_grad_mode(enabled: bool) -> bool:
    """Set this thread's grad mode and return the previous one."""
    global _threads_without_grad, _all_record
    mode = _grad_mode
    previous = mode.enabled
    if enabled != previous:
        # Ordered so that a thread whose flag is off is always counted (the hot path's rule).
        if enabled:
            mode.enabled = True
        with _mode_lock:
            _threads_without_grad += -1 if enabled else 1
            _all_record = _threads_without_grad == 0
        if not enabled:
            mode.enabled = False
    return previous


_gc_lock = threading.Lock()
_gc_pauses = 0  # gc_paused() blocks open right now, in all threads together
_gc_resume = False  # whether the collector was enabled when the first of them opened


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector within this block; re-entrant and thread-safe.

    Backpropagation and training steps allocate only short-lived acyclic objects that
    reference counting frees, while the collector would rescan the whole live graph for
    nothing. The first pause to open (in any thread) remembers whether gc was enabled and the
    last to close restores exactly that: gc is never left disabled when it was enabled, and
    never enabled when it was disabled.
    """
    global _gc_pauses, _gc_resume
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_resume = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_resume:
                gc.enable()


def zero_grad(values: Iterable[Value]) -> None:
    """Reset ``.grad`` of every given Value to 0 (gradients otherwise accumulate)."""
    for v in values:
        v.grad = 0.0
