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

Given floats, the transforms return floats. Given ``Value`` arguments (as they are when one
transform calls another) they return ``Value`` gradients recorded with
``backward(create_graph=True)``, so transforms nest: ``grad(grad(f))`` is the second
derivative, and ``hessian(f)`` is literally ``jacobian`` of the gradient.

Side effects: none that the caller can see. The ``.grad`` of every leaf in f's graph (the
inputs and any Values f closes over, such as model parameters) is restored after each
transform, and the transforms work inside ``no_grad()`` (like ``torch.func.grad``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ._checks import is_real
from .engine import Value, enable_grad, topological_order

__all__ = ["grad", "hessian", "jacobian", "value_and_grad"]

Argnum = int | Sequence[int]


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
        inputs, nested = _lift_args(args, where)
        with enable_grad():
            out = _check_output(f(*inputs), where)
            grads = _gradients(out, [inputs[i] for i in indices], nested)
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
        inputs, nested = _lift_args(args, "jacobian")
        with enable_grad():
            outputs = f(*inputs)
            if isinstance(outputs, Value):
                return _gradients(outputs, inputs, nested)
            if not isinstance(outputs, Sequence) or isinstance(outputs, str):
                _check_output(outputs, "jacobian")  # raises: explains what f must return
            return [_gradients(_check_output(o, "jacobian"), inputs, nested) for o in outputs]

    return jacobian_of_f


def hessian(f: Callable[..., Value]) -> Callable[..., list[list[Any]]]:
    """Return a function computing the matrix of second derivatives ``H[i][j] = ∂²f/∂x_i∂x_j``.

    It is the Jacobian of the gradient; the gradient is recorded with
    ``backward(create_graph=True)`` so it can be differentiated again.

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


# -- the one place that runs backward ------------------------------------------------------


def _gradients(out: Value, inputs: Sequence[Value], nested: bool) -> list[Any]:
    """d out / d input for each input, leaving every leaf's ``.grad`` as it was found.

    With ``nested`` the backward pass is recorded and Values are returned (so an enclosing
    transform can differentiate them); otherwise floats.
    """
    # Leaves of f's graph and the inputs, each once: their .grad is put back afterwards.
    touched = {id(v): v for v in topological_order(out) if v.is_leaf()}
    touched.update((id(v), v) for v in inputs)
    saved = [(v, v.grad) for v in touched.values()]
    for v in inputs:  # start from zero so what we read is this pass's gradient alone
        v.grad = 0.0
    try:
        out.backward(create_graph=nested)
        grads = [v.grad for v in inputs]
    finally:
        for v, g in saved:
            v.grad = g
    if nested:  # an input f ignores keeps grad 0.0: make it a constant Value too
        return [g if isinstance(g, Value) else Value(float(g)) for g in grads]
    return [float(g) for g in grads]


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


def _lift_args(args: Sequence[Any], where: str) -> tuple[list[Value], bool]:
    """Fresh leaf Values for float arguments; Value arguments (a nested transform) as they are."""
    nested = any(isinstance(a, Value) for a in args)
    inputs = []
    for i, a in enumerate(args):
        if isinstance(a, Value):
            inputs.append(a)
        elif is_real(a):
            inputs.append(Value(float(a)))  # Value() rejects NaN and inf with a clear ValueError
        else:
            raise TypeError(
                f"{where}: argument {i} must be a real number, got {type(a).__name__} {a!r}; "
                "pass scalars positionally, e.g. f(*xs) for a list xs"
            )
    return inputs, nested


def _check_output(out: Any, where: str) -> Value:
    if isinstance(out, Value):
        return out
    raise TypeError(
        f"{where}: the function must return a Value computed from its arguments, got "
        f"{type(out).__name__} {out!r}; build the result with Value arithmetic (x * y, x.tanh())"
    )
