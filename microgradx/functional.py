"""Derivatives as functions, in the style of HIPS autograd and JAX: ``grad(f)(x, y)``.

Convention: ``f`` takes its inputs as *positional scalars* and is written with ordinary
arithmetic (and ``Value`` methods such as ``.tanh()``). The transforms call it with ``Value``
arguments and read the gradients off the graph it builds::

    >>> from microgradx.functional import grad, hessian
    >>> f = lambda x, y: (2 * x + y) ** 2
    >>> grad(f, argnum=(0, 1))(1.5, -2.0)          # (8x + 4y, 4x + 2y)
    (4.0, 2.0)
    >>> hessian(f)(1.5, -2.0)
    [[8.0, 4.0], [4.0, 2.0]]

To differentiate a function of a vector, unpack it: ``grad(f, argnum=(0, 1, 2))(*xs)``.

Every transform calls the pure core, ``backprop.gradients`` (``torch.autograd.grad``'s
shape): it reads and writes no ``.grad`` — not of the inputs, not of Values ``f`` closes over,
such as model parameters — and works inside ``no_grad()`` (like ``torch.func.grad``).

Transforms nest, as in JAX and ``torch.func``. Called at the top level with numbers they
return numbers. Called inside another transform (in the same thread), or with ``Value``
arguments, they record their own backward pass and return ``Value`` results, so the outer
transform differentiates through them — also through Values the inner function closes over::

    >>> grad(lambda x: x * grad(lambda y: x * y)(2.0))(1.0)   # d/dx (x · x) = 2x
    2.0

Each call differentiates with respect to fresh copies of its arguments, so an inner transform
never confuses its variable with an outer one passed in: in
``grad(lambda x: grad(lambda y: x * y)(x))`` the inner result is x, whose derivative is 1, not 2.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ._checks import is_real
from .backprop import gradients
from .engine import Value
from .gradmode import enable_grad

__all__ = ["grad", "hessian", "hvp", "jacobian", "jvp", "value_and_grad"]

Argnum = int | Sequence[int]


class _Depth(threading.local):
    """How many transforms are running in this thread: an inner one must record its pass."""

    value = 0


_depth = _Depth()


@contextmanager
def _transform(args: Sequence[Any], where: str) -> Iterator[tuple[list[Value], bool]]:
    """Fresh input Values for one transform call, and whether it must record (nested).

    A call records its backward pass when an outer transform is running in this thread (its
    function may close over the outer inputs) or when given Values (an outer pass's results).
    """
    nested = _depth.value > 0 or any(isinstance(a, Value) for a in args)
    _depth.value += 1
    try:
        with enable_grad():  # record even inside no_grad(), as torch.func does
            yield _lift_args(args, where), nested
    finally:
        _depth.value -= 1


def grad(f: Callable[..., Value], argnum: Argnum = 0) -> Callable[..., Any]:
    """Return a function computing df/d(argument ``argnum``); a tuple of them for a tuple argnum.

    >>> grad(lambda x: x ** 3)(2.0)
    12.0
    """
    gradient_and_value = _value_and_grad(f, argnum, "grad")

    def gradient(*args: Any) -> Any:
        return gradient_and_value(*args)[1]

    gradient.__name__ = f"grad_{getattr(f, '__name__', 'f')}"
    return gradient


def value_and_grad(f: Callable[..., Value], argnum: Argnum = 0) -> Callable[..., tuple[Any, Any]]:
    """Return a function computing ``(f(*args), grad(f, argnum)(*args))`` in one pass.

    >>> value_and_grad(lambda x, y: x * y, argnum=(0, 1))(3.0, 4.0)
    (12.0, (4.0, 3.0))
    """
    return _value_and_grad(f, argnum, "value_and_grad")


def _value_and_grad(
    f: Callable[..., Value], argnum: Argnum, where: str
) -> Callable[..., tuple[Any, Any]]:
    """value_and_grad, with errors naming ``where``: the transform the user called."""
    _check_callable(f, where)
    indices, single = _check_argnum(argnum, where)

    def value_and_gradient(*args: Any) -> tuple[Any, Any]:
        for i in indices:
            if not -len(args) <= i < len(args):
                raise ValueError(
                    f"{where}: argnum {i} is out of range for a call with {len(args)} argument(s)"
                )
        with _transform(args, where) as (inputs, nested):
            out = _check_output(f(*inputs), where)
            grads = gradients(out, [inputs[i] for i in indices], create_graph=nested)
        value = out if nested else out.data
        return value, (grads[0] if single else tuple(grads))

    return value_and_gradient


def jacobian(f: Callable[..., Value | Sequence[Value]]) -> Callable[..., list[Any]]:
    """Return a function computing the Jacobian of f with respect to all its arguments.

    ``J[i][j] = ∂f_i/∂x_j`` for f returning a list of Values; for f returning one Value the
    result is the gradient ``[∂f/∂x_0, ∂f/∂x_1, ...]``.

    >>> jacobian(lambda x, y: [x * y, x + y])(3.0, 4.0)
    [[4.0, 3.0], [1.0, 1.0]]
    """
    _check_callable(f, "jacobian")

    def jacobian_of_f(*args: Any) -> list[Any]:
        if not args:
            raise ValueError("jacobian: the function needs at least one argument, got none")
        with _transform(args, "jacobian") as (inputs, nested):
            outputs = _check_outputs(f(*inputs), "jacobian")
            if isinstance(outputs, Value):
                return gradients(outputs, inputs, create_graph=nested)
            return [gradients(o, inputs, create_graph=nested) for o in outputs]

    return jacobian_of_f


def hessian(f: Callable[..., Value]) -> Callable[..., list[list[Any]]]:
    """Return a function computing the matrix of second derivatives ``H[i][j] = ∂²f/∂x_i∂x_j``.

    It is the Jacobian of the gradient: the inner ``grad`` records its pass, because it runs
    inside ``jacobian``, so the gradient can be differentiated again.

    >>> hessian(lambda x, y: x * x * y)(3.0, 2.0)
    [[4.0, 6.0], [6.0, 0.0]]
    """
    _check_callable(f, "hessian")

    def gradient(*inputs: Value) -> list[Value]:
        return list(grad(f, argnum=tuple(range(len(inputs))))(*inputs))

    jacobian_of_gradient = jacobian(gradient)

    def hessian_of_f(*args: Any) -> list[list[Any]]:
        if not args:
            raise ValueError("hessian: the function needs at least one argument, got none")
        return jacobian_of_gradient(*args)

    return hessian_of_f


def jvp(
    f: Callable[..., Value | Sequence[Value]], primals: Sequence[Any], tangents: Sequence[Any]
) -> tuple[Any, Any]:
    """``(f(*primals), J·tangents)``: f's value and its derivative along ``tangents``.

    Forward mode's answer (``torch.func.jvp``), computed without a second rule table by the
    double-VJP trick: reverse mode gives ``u ↦ Jᵀu`` as a recorded graph that is linear in
    ``u``; differentiating ``tangents · Jᵀu`` with respect to ``u`` gives ``J·tangents``
    (every derivative still comes from the rule table). For f returning one Value both
    results are numbers; for f returning a list of Values, lists.

    >>> jvp(lambda x, y: x * y, (3.0, 4.0), (1.0, 0.0))   # ∂(xy)/∂x = y
    (12.0, 4.0)
    """
    _check_callable(f, "jvp")
    primal_args = _check_vector(primals, "jvp", "primals")
    directions = _check_vector(tangents, "jvp", "tangents")
    _check_same_length(primal_args, directions, "jvp", "tangents")
    with _transform(primal_args, "jvp") as (inputs, nested):
        raw = _check_outputs(f(*inputs), "jvp")
        outputs = [raw] if isinstance(raw, Value) else raw
        if not outputs:
            return [], []
        cotangents = [Value(0.0) for _ in outputs]  # u: any value works, J·t is linear in u
        pulled = gradients(_dot(cotangents, outputs), inputs, create_graph=True)  # Jᵀu
        derivatives = gradients(_dot(directions, pulled), cotangents, create_graph=nested)
    values: list[Any] = outputs if nested else [o.data for o in outputs]
    if isinstance(raw, Value):
        return values[0], derivatives[0]
    return values, derivatives


def hvp(f: Callable[..., Value], primals: Sequence[Any], vector: Sequence[Any]) -> list[Any]:
    """The Hessian of f at ``primals`` times ``vector``, without forming the Hessian.

    Reverse over reverse (as ``torch.autograd.functional.hvp``): the gradient is recorded, and
    the gradient of ``gradient · vector`` is ``H·vector`` — two backward passes for any size.

    >>> hvp(lambda x, y: x * x * y, (3.0, 2.0), (1.0, 0.0))   # first column of the Hessian
    [4.0, 6.0]
    """
    _check_callable(f, "hvp")
    primal_args = _check_vector(primals, "hvp", "primals")
    direction = _check_vector(vector, "hvp", "vector")
    _check_same_length(primal_args, direction, "hvp", "vector")
    with _transform(primal_args, "hvp") as (inputs, nested):
        out = _check_output(f(*inputs), "hvp")
        gradient = gradients(out, inputs, create_graph=True)
        return gradients(_dot(direction, gradient), inputs, create_graph=nested)


def _dot(weights: Sequence[Any], values: Sequence[Value]) -> Value:
    """Σ wᵢ·vᵢ as a recorded Value (weights are numbers or Values)."""
    total = weights[0] * values[0]
    for w, v in zip(weights[1:], values[1:], strict=True):
        total = total + w * v
    return total


# -- validation ----------------------------------------------------------------------------


def _check_callable(f: Any, where: str) -> None:
    if not callable(f):
        raise TypeError(f"{where}: expected a function, got {type(f).__name__} {f!r}")


def _check_argnum(argnum: Any, where: str) -> tuple[tuple[int, ...], bool]:
    """Normalise argnum to a tuple of indices and whether a single gradient is wanted."""
    if isinstance(argnum, int) and not isinstance(argnum, bool):
        return (argnum,), True
    if isinstance(argnum, Sequence) and not isinstance(argnum, str):
        items = tuple(argnum)
        if items and all(isinstance(i, int) and not isinstance(i, bool) for i in items):
            return items, False
    raise TypeError(f"{where}: argnum must be an int or a non-empty tuple of ints, got {argnum!r}")


def _check_vector(xs: Any, where: str, name: str) -> list[Any]:
    """A non-empty sequence (or 1-D array) of numbers or Values, as a list."""
    if isinstance(xs, (str, bytes, Value)) or not hasattr(xs, "__len__") or len(xs) == 0:
        raise TypeError(
            f"{where}: {name} must be a non-empty tuple of numbers (one per argument), got {xs!r}"
        )
    for i, x in enumerate(xs):
        if not (isinstance(x, Value) or is_real(x)):
            raise TypeError(
                f"{where}: {name}[{i}] must be a real number, got {type(x).__name__} {x!r}"
            )
    return list(xs)


def _check_same_length(primals: list[Any], other: list[Any], where: str, name: str) -> None:
    if len(primals) != len(other):
        raise ValueError(
            f"{where}: {name} must have one entry per primal: {len(primals)} primal(s), "
            f"{len(other)} {name}"
        )


def _lift_args(args: Sequence[Any], where: str) -> list[Value]:
    """Fresh input Values: a leaf per number, a new node on each Value argument.

    A Value argument gets a new node (``x + 0``) so that this call differentiates with respect
    to its own variable, while an outer transform still differentiates through it.
    """
    inputs = []
    for i, a in enumerate(args):
        if isinstance(a, Value):
            # A Constant has no gradient to pass on: a new leaf is enough (and records).
            inputs.append(a + 0.0 if a.requires_grad else Value(a.data))
        elif is_real(a):
            inputs.append(Value(float(a)))  # Value() rejects NaN and inf with a clear ValueError
        else:
            raise TypeError(
                f"{where}: argument {i} must be a real number, got {type(a).__name__} {a!r}; "
                "pass scalars positionally, e.g. f(*xs) for a list xs"
            )
    return inputs


def _check_output(out: Any, where: str) -> Value:
    if isinstance(out, Value):
        return out
    raise TypeError(
        f"{where}: the function must return a Value computed from its arguments, got "
        f"{type(out).__name__} {out!r}; build the result with Value arithmetic (x * y, x.tanh())"
    )


def _check_outputs(outputs: Any, where: str) -> Value | list[Value]:
    """One Value, or a list of Values."""
    if isinstance(outputs, Value):
        return outputs
    if not isinstance(outputs, Sequence) or isinstance(outputs, str):
        _check_output(outputs, where)  # raises: explains what f must return
    return [_check_output(o, where) for o in outputs]
