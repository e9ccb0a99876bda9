"""The engine: ``Value`` nodes and graph building, one line per op onto the rule table.

A ``Value`` wraps one float and remembers the primitive (an ``ops.Op``) and the parent
Values that produced it; that is the whole graph. Its derivatives live in the rule table
(``ops.py``), and the algorithm that walks the graph backwards in ``backprop.py``:
``loss.backward()`` and ``gradients(output, inputs)`` are defined there. A ``Constant`` (a
number lifted into an op, a result computed under ``no_grad()`` or from constants alone, a
``detach()``ed copy) needs no gradient. Grad mode and the collector pause are in
``gradmode.py``, pickling in ``serialize.py``.

NaN / inf policy: a Value always holds a finite float. Constructing one from NaN or ±inf,
assigning such a number to ``.data``, or combining a Value with one raises ``ValueError``;
an operation whose result would overflow raises ``OverflowError`` naming the op. Gradients
are not restricted: ``a ** b`` has a NaN gradient with respect to ``b`` when ``a < 0`` (and 0
when ``a == 0``), exactly as in PyTorch.
"""

from __future__ import annotations

import math
import operator
import threading
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from . import backprop, gradmode, ops, serialize
from ._checks import is_real
from .backprop import backward as backward
from .backprop import gradients as gradients
from .backprop import topological_order as topological_order
from .gradmode import enable_grad as enable_grad
from .gradmode import gc_paused as gc_paused
from .gradmode import is_grad_enabled as is_grad_enabled
from .gradmode import no_grad as no_grad
from .ops import Op

Number = float | int


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
    W1 training step. Anything else (a number, a Constant, grad mode off, the first node
    after a backward pass, which pauses the collector) goes through ``_apply2``'s checks.
    The derivative stays in the rule table.
    """
    forward = fn.forward

    def operator_method(self: Value, other: Value | Number) -> Value:
        if type(other) is Value and gradmode.hot:  # the hot path
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


class Value(backprop.Node):
    """A scalar that records how it was computed, so gradients can flow back through it."""

    __slots__ = ()  # its six fields are declared in backprop.Node (slots: no per-node dict)

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
        """The data as a float, as ``float()`` of a 0-d tensor (refused for a traced input's)."""
        for tracer in TRACING.active:  # empty unless this thread runs compile.trace
            tracer.converted(self)
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
        if DISPLAY:  # filled by microgradx.viz (the engine never imports it)
            return DISPLAY[-1](self)
        return {"text/plain": repr(self)}

    # -- pickling and copying: flat validated records, any depth (serialize.py) -----------

    def __getstate__(self) -> tuple[Any, ...]:
        """Pickle support: a plain record, plus the whole graph in order for the root."""
        return serialize.state_of(self)

    def __setstate__(self, state: Any) -> None:
        """Unpickle support: validate a record made by ``__getstate__`` and fill this node."""
        serialize.fill(self, state)

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
        return serialize.deep_copy(self, memo)  # type: ignore[return-value]

    # -- backpropagation (backprop.py) -----------------------------------------------------

    def backward(self, *, create_graph: bool = False) -> None:
        """Compute d(self)/d(node) for every node of the graph and add it to ``node.grad``.

        Leaf gradients accumulate across calls (call ``zero_grad`` between steps); the
        gradients of intermediate nodes are recomputed from zero on every call. A ``Constant``
        gets none. With ``create_graph=True`` the backward pass is itself recorded, so every
        ``.grad`` is a ``Value`` that can be differentiated again (second derivatives).
        """
        backprop.backward(self, create_graph=create_graph)

    def _backward(self) -> None:
        """micrograd's per-node step: add ``grad`` × each local derivative to the parents' grads.

        The chain rule at one node, as ``backward()`` applies it at every node; calling it on
        every node in reverse topological order (after ``root.grad = 1.0``) is backpropagation
        by hand.
        """
        if self._fn is not None:  # a leaf has no rule
            backprop.chain_rule_into_grads((self,))


class Constant(Value):
    """A Value that needs no gradient (PyTorch: ``requires_grad=False``).

    Numbers lifted into an op (the ``2`` in ``2 * x``), results computed under ``no_grad()``
    or from constants alone, and ``detach()``ed copies are Constants. Operations on constants
    alone record no graph, and backpropagation computes no local derivative for a constant
    input. ``Constant(3.0)`` makes one directly.
    """

    __slots__ = ()
    requires_grad = False


# -- graph construction ------------------------------------------------------------------

_new = object.__new__
_isfinite = math.isfinite


def _node(data: float, fn: Op | None, a: Value | None = None, b: Value | None = None) -> Value:
    """Make a Value without re-validating data computed by a rule (hot path)."""
    if gradmode.idle:  # the first recorded node since a backward pass: pause the collector
        gradmode.building_started()
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
        record = gradmode.all_record or gradmode.recording()
    else:
        a = _lift(a, fn)
        if type(b) is Value:
            record = gradmode.all_record or gradmode.recording()
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
    if type(a) is Value and (gradmode.all_record or gradmode.recording()):
        return _node(out, fn, a)
    return _const(out)


def _number(x: Any) -> float:
    return x._data if isinstance(x, Value) else _as_float(x, "compare")


Comparison = Callable[[Any, Any], Any]


class Tracer(Protocol):
    """What a running ``compile.trace`` is told: comparisons (guards) and float conversions."""

    def compared(self, cmp: Comparison, a: Value, b: Any, result: bool) -> None: ...

    def converted(self, v: Value) -> None: ...


class _Tracing(threading.local):
    """This thread's running traces, innermost last: a trace never sees another thread's ops."""

    def __init__(self) -> None:
        self.active: list[Tracer] = []


TRACING = _Tracing()


def _compare(cmp: Comparison, a: Value, b: Any) -> bool:
    result: bool = cmp(a._data, _number(b))
    for tracer in TRACING.active:
        tracer.compared(cmp, a, b, result)
    return result


def zero_grad(values: Iterable[Value]) -> None:
    """Reset ``.grad`` of every given Value to 0 (gradients otherwise accumulate)."""
    for v in values:
        v.grad = 0.0


DISPLAY: list[Callable[[Value], dict[str, str]]] = []
"""How a notebook shows a Value: ``microgradx.viz`` appends its drawing here when imported."""
