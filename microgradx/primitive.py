"""User-defined primitives: add an op without editing the library.

MiniTorch's ``ScalarFunction``, DeZero's ``Function`` and ``torch.autograd.Function`` in one
call, under the built-in rules' contract (``ops.py``)::

    >>> from microgradx import Value, primitive
    >>> cube = primitive("cube", forward=lambda a: a**3, vjps=[lambda g, out, a: g * 3 * a**2])
    >>> x = Value(2.0)
    >>> y = cube(x)
    >>> y.backward()
    >>> y.data, x.grad
    (8.0, 12.0)

``forward`` takes one float per input and returns a number; ``vjps`` holds one rule per input,
``rule(g, out, *inputs) = g · ∂out/∂input``. Rules written with operators (and numpy functions
rather than ``math``) run on floats (``backward``), on Values (``create_graph``, ``hessian``,
nested ``grad``) and on numpy arrays of samples (``trace``'s replay), exactly as the built-in
rules do. A forward or rule that cannot take arrays gets an explicit twin,
``batched_forward=`` / ``batched_vjps=``, or ``trace`` says that it needs one.

The result is an ``ops.Op`` like every built-in one — drawn with its ``symbol``, pickled by
its name (defined again where it is unpickled), checked by the same tools — registered in
``ops.PRIMITIVES`` under a name that no built-in op uses.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import numpy as np

from . import engine, ops
from ._checks import is_real
from .engine import Value

__all__ = ["Primitive", "primitive"]


class Primitive:
    """A user-defined op: call it on Values or numbers to get a Value; ``op`` is its rule."""

    __slots__ = ("op",)

    def __init__(self, op: ops.Op) -> None:
        self.op = op

    def __call__(self, *args: Value | float) -> Value:
        """Apply the op: a Value that records it (a Constant when every input is a number)."""
        op = self.op
        if len(args) != op.arity:
            raise TypeError(f"{op.name}: takes {op.arity} input(s), got {len(args)}")
        if op.arity == 1:
            return engine._apply1(op, engine._lift(args[0], op))
        return engine._apply2(op, args[0], args[1])

    def __repr__(self) -> str:
        return f"primitive({self.op.name!r}, arity={self.op.arity}, symbol={self.op.symbol!r})"


def primitive(
    name: str,
    forward: Callable[..., float],
    vjps: Sequence[Callable[..., Any]],
    *,
    symbol: str | None = None,
    batched_forward: Callable[..., Any] | None = None,
    batched_vjps: Sequence[Callable[..., Any]] | None = None,
) -> Primitive:
    """Define an op from its forward on floats and one VJP rule per input (1 or 2 inputs)."""
    where = f"primitive {name!r}"
    _check_name(name)
    if not callable(forward):
        raise TypeError(f"{where}: forward must be a function, got {type(forward).__name__}")
    rules = _functions(vjps, where, "vjps")
    arity = len(rules)
    if arity not in (1, 2):
        raise ValueError(f"{where}: ops take one or two inputs, so give 1 or 2 VJPs, got {arity}")
    _check_takes(forward, arity, where, "forward", "one number per input")
    for i, rule in enumerate(rules):
        _check_takes(rule, arity + 2, where, f"vjps[{i}]", "(g, out, *inputs)")
    if batched_forward is not None:
        if not callable(batched_forward):
            raise TypeError(f"{where}: batched_forward must be a function")
        _check_takes(batched_forward, arity, where, "batched_forward", "one array per input")
    if batched_vjps is not None:
        twins = _functions(batched_vjps, where, "batched_vjps")
        if len(twins) != arity:
            raise ValueError(f"{where}: give one batched VJP per input ({arity}), got {len(twins)}")
        for i, twin in enumerate(twins):
            _check_takes(twin, arity + 2, where, f"batched_vjps[{i}]", "(g, out, *inputs)")
        rules = tuple(_on_arrays(rule, twin) for rule, twin in zip(rules, twins, strict=True))
    if symbol is None:
        symbol = name
    if not isinstance(symbol, str) or not symbol:
        raise TypeError(f"{where}: symbol must be a non-empty string, got {symbol!r}")
    op = ops.Op(
        name,
        arity,
        _number_valued(forward, name),
        tuple(rules),
        symbol,
        batched_forward if batched_forward is not None else forward,
    )
    ops.PRIMITIVES[name] = op  # defining it again (a re-run notebook cell) replaces it
    return Primitive(op)


def _check_name(name: Any) -> None:
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"primitive: the name must be an identifier such as 'cube', got {name!r}")
    if name in ops.RULES or name == "leaky_relu" or name.startswith("pow"):
        raise ValueError(
            f"primitive {name!r}: shadows the built-in op {name!r} (names starting with 'pow' are "
            "the powers x ** k); choose another name"
        )


def _functions(rules: Any, where: str, what: str) -> tuple[Callable[..., Any], ...]:
    if callable(rules) or isinstance(rules, str | bytes) or not isinstance(rules, Sequence):
        raise TypeError(f"{where}: {what} must be a list of functions, one per input")
    for i, rule in enumerate(rules):
        if not callable(rule):
            raise TypeError(f"{where}: {what}[{i}] must be a function, got {type(rule).__name__}")
    return tuple(rules)


def _check_takes(f: Callable[..., Any], n: int, where: str, what: str, shape: str) -> None:
    """``f`` must accept ``n`` positional arguments (when Python can tell)."""
    try:
        signature = inspect.signature(f)
    except (TypeError, ValueError):  # some builtins have none: the first call will tell
        return
    try:
        signature.bind(*range(n))
    except TypeError:
        raise TypeError(
            f"{where}: {what} must take {n} argument(s), {shape}; its signature is {signature}"
        ) from None


def _number_valued(forward: Callable[..., float], name: str) -> Callable[..., float]:
    """``forward`` checked to return a number (as a float), naming the primitive if not."""

    def checked(*inputs: float) -> float:
        out = forward(*inputs)
        if type(out) is float:
            return out
        if is_real(out):
            return float(out)
        raise TypeError(
            f"primitive {name!r}: forward returned {type(out).__name__} {out!r}, not a number"
        )

    checked.__name__ = checked.__qualname__ = f"{name}_forward"
    return checked


def _on_arrays(rule: Callable[..., Any], twin: Callable[..., Any]) -> Callable[..., Any]:
    """A VJP that runs ``twin`` on numpy arrays of samples (the replay), ``rule`` otherwise."""

    def vjp(g: Any, out: Any, *inputs: Any) -> Any:
        return (twin if isinstance(g, np.ndarray) else rule)(g, out, *inputs)

    return vjp


def is_user_defined(op: ops.Op) -> bool:
    """True for an op made by ``primitive`` (not in the built-in table)."""
    return op.param is None and ops.RULES.get(op.name) is not op


def check_replayable(op: ops.Op, inputs: Sequence[float], where: str) -> None:
    """Run a primitive's batched forward and VJPs on arrays; raise if they cannot replay it.

    Two samples holding the traced inputs must give the float results, elementwise.
    """
    floats = [float(x) for x in inputs]
    arrays = [np.full((1, 2), x) for x in floats]
    out = op.forward(*floats)
    assert op.batched is not None  # primitive() always sets it
    _same_on_arrays(op, "forward", lambda: op.batched(*arrays), out, where)  # type: ignore[misc]
    g, outs = np.ones((1, 2)), np.full((1, 2), out)
    for i, rule in enumerate(op.vjps):
        try:
            want = rule(1.0, out, *floats)
        except (ArithmeticError, ValueError):  # no derivative here: backward would say so
            continue
        _same_on_arrays(op, f"vjps[{i}]", partial(rule, g, outs, *arrays), want, where)


def _same_on_arrays(op: ops.Op, what: str, run: Callable[[], Any], want: float, where: str) -> None:
    hint = (
        "write it with operators and numpy functions (np.sin, not math.sin), or give "
        "primitive(..., batched_forward=..., batched_vjps=...) that work on arrays of samples"
    )
    try:
        with np.errstate(all="ignore"):
            got = np.broadcast_to(np.asarray(run(), dtype=np.float64), (1, 2))
    except Exception as e:
        raise TypeError(
            f"{where}: primitive {op.name!r}: its {what} fails on numpy arrays "
            f"({type(e).__name__}: {e}); {hint}"
        ) from None
    if not np.allclose(got, want, rtol=1e-9, atol=0.0, equal_nan=True):
        raise TypeError(
            f"{where}: primitive {op.name!r}: its {what} on arrays gives {got.ravel()[0]!r}, "
            f"not {want!r} as on floats; {hint}"
        )
