"""``trace``: record a scalar function once on one example; ``elementwise_grad`` built on it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, overload

import numpy as np

from .._checks import finite_real, is_int
from ..engine import Value
from ..gradmode import enable_grad
from .guards import Recorder, recording
from .replay import Replay

__all__ = ["elementwise_grad", "trace"]


@overload
def trace(fn: Callable[..., Value], *example: float) -> Replay: ...
@overload
def trace(fn: Callable[..., Any], *example: float, has_aux: bool) -> Replay: ...


def trace(fn: Callable[..., Any], *example: float, has_aux: bool = False) -> Replay:
    """Record ``fn`` once on one example (one number per argument); return a batched ``Replay``.

    ``fn`` takes Values and returns a scalar Value (typically one sample's loss). Every leaf
    Value it uses that is not one of its arguments — the model's parameters, constants — is
    read afresh on each replay, so parameters updated by an optimizer are picked up.
    With ``has_aux=True`` (JAX's name) ``fn`` returns ``(output, aux)``, ``aux`` a list of
    Values it also computed (a model's outputs, say): ``Replay.value_and_grad`` returns their
    values per sample too, without differentiating them.
    """
    if not callable(fn):
        raise TypeError(f"trace: expected a function, got {type(fn).__name__} {fn!r}")
    if not example:
        raise TypeError("trace: give one example number per argument of the function")
    name = getattr(fn, "__name__", type(fn).__name__)
    inputs = [
        Value(finite_real(x, "trace", f"example {i}"), label=f"input {i}")
        for i, x in enumerate(example)
    ]
    # trace even inside no_grad(): the tape is the graph
    with recording(Recorder(name, inputs)) as recorder, enable_grad():
        out = fn(*inputs)
    aux: list[Value] = []
    if has_aux:
        if not isinstance(out, tuple) or len(out) != 2 or not isinstance(out[1], (list, tuple)):
            raise TypeError(
                f"trace: with has_aux=True, {name} must return (output, [aux Values]), "
                f"got {type(out).__name__}"
            )
        out, aux = out[0], list(out[1])
        if not all(isinstance(v, Value) for v in aux):
            raise TypeError(f"trace: the aux of {name} must be Values")
    if not isinstance(out, Value):
        raise TypeError(
            f"trace: {name} must return a Value (one scalar, e.g. a sample's loss), "
            f"got {type(out).__name__}"
        )
    return Replay(name, inputs, out, recorder.guards, aux)


def elementwise_grad(fn: Callable[..., Value], argnum: int = 0) -> Callable[..., np.ndarray]:
    """d fn / d(argument ``argnum``) at every sample of a batch (HIPS autograd's name).

    ``elementwise_grad(f)(xs, ...)`` returns, for each sample ``s``, the derivative of
    ``f(xs[s], ...)`` with respect to its argument ``argnum`` — what a plot of ∂loss/∂x over a
    grid wants. ``f`` is traced on the first call (on its first sample) and replayed after;
    parameters' ``.grad`` are left alone.
    """
    if not callable(fn):
        raise TypeError(f"elementwise_grad: expected a function, got {type(fn).__name__}")
    if not is_int(argnum) or argnum < 0:
        raise ValueError(f"elementwise_grad: argnum must be an integer >= 0, got {argnum!r}")
    traced: list[Replay] = []

    def gradient(*batches: Any) -> np.ndarray:
        if argnum >= len(batches):
            raise ValueError(
                f"elementwise_grad: argnum {argnum} but the function was given "
                f"{len(batches)} argument(s)"
            )
        if not traced:
            first = [np.ravel(np.asarray(b, dtype=np.float64))[:1] for b in batches]
            if any(f.size == 0 for f in first):
                raise ValueError("elementwise_grad: empty batch (0 samples)")
            traced.append(trace(fn, *(float(f[0]) for f in first)))
        return traced[0].input_grads(*batches)[argnum]

    return gradient
