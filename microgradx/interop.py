"""The way out to PyTorch: an ``MLP`` as a ``torch.nn.Sequential`` and back; every op's torch twin.

A learner who outgrows scalar graphs moves to PyTorch; this makes it one call each way::

    seq = to_torch(model)              # Linear + activation per layer, float64 by default
    model = from_torch(seq)            # back, e.g. after training in PyTorch
    module = mx.trace(loss, 0.0, 0.0).to_torch()   # any traced function (compile/export.py)

The layout is the one PyTorch's ``nn.Linear`` uses: ``weight[j, i]`` is ``L{l}.N{j+1}.w{i}``
(neuron ``j+1`` of layer ``l``, the weight on input ``i``) and ``bias[j]`` is ``L{l}.N{j+1}.b``.
From there ``torch.onnx.export`` reaches every runtime that reads ONNX.

PyTorch is optional (the ``parity`` extra): it is imported when a function here is called, and
a missing install raises an ImportError that says how to get it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from . import ops
from .nn import MLP

__all__ = ["TORCH_OPS", "from_torch", "to_torch", "torch_op"]

LEAKY_SLOPE = 0.01
"""The LeakyReLU slope an MLP uses (``Value.leaky_relu``'s default, PyTorch's default)."""


def _torch() -> Any:
    try:
        import torch
    except ImportError as e:
        raise ImportError(
            "microgradx.interop needs PyTorch, which is optional: "
            "pip install 'microgradx[parity]' (or pip install torch)"
        ) from e
    return torch


# -- the op table: each primitive of ops.py written with torch functions ------------------------
# ``p`` is the op's parameter (Op.param: the exponent of power, the slope of leaky_relu).

TORCH_OPS: dict[str, Callable[..., Any]] = {
    "add": lambda t, p, a, b: a + b,
    "sub": lambda t, p, a, b: a - b,
    "mul": lambda t, p, a, b: a * b,
    "div": lambda t, p, a, b: a / b,
    "pow": lambda t, p, a, b: t.pow(a, b),
    "neg": lambda t, p, a: -a,
    "abs": lambda t, p, a: t.abs(a),
    "exp": lambda t, p, a: t.exp(a),
    "log": lambda t, p, a: t.log(a),
    "sqrt": lambda t, p, a: t.sqrt(a),
    "tanh": lambda t, p, a: t.tanh(a),
    "sigmoid": lambda t, p, a: t.sigmoid(a),
    "relu": lambda t, p, a: t.relu(a),
    "softplus": lambda t, p, a: t.nn.functional.softplus(a),
    "sin": lambda t, p, a: t.sin(a),
    "cos": lambda t, p, a: t.cos(a),
    "tan": lambda t, p, a: t.tan(a),
    "sinh": lambda t, p, a: t.sinh(a),
    "cosh": lambda t, p, a: t.cosh(a),
    "asin": lambda t, p, a: t.asin(a),
    "acos": lambda t, p, a: t.acos(a),
    "atan": lambda t, p, a: t.atan(a),
    "asinh": lambda t, p, a: t.asinh(a),
    "acosh": lambda t, p, a: t.acosh(a),
    "atanh": lambda t, p, a: t.atanh(a),
    "sign": lambda t, p, a: t.sign(a),
    "mod": lambda t, p, a, b: t.remainder(a, b),
    "log1p": lambda t, p, a: t.log1p(a),
    "expm1": lambda t, p, a: t.expm1(a),
    # the parameterised families, by the family's name
    "power": lambda t, p, a: t.pow(a, p),
    "leaky_relu": lambda t, p, a: t.nn.functional.leaky_relu(a, p),
}
"""Primitive name (or parameterised family) → ``f(torch, param, *inputs)``, the same maths."""

_FAMILIES: dict[str, Callable[[float], ops.Op]] = {
    "power": ops.power,
    "leaky_relu": ops.leaky_relu,
}


def torch_op(op: ops.Op) -> Callable[..., Any]:
    """The entry of ``TORCH_OPS`` for ``op``; a parameterised op is found through its family."""
    if op.param is not None:
        for family, build in _FAMILIES.items():
            if build(op.param).name == op.name:
                return TORCH_OPS[family]
    elif op.name in TORCH_OPS:
        return TORCH_OPS[op.name]
    raise ValueError(f"to_torch: no PyTorch equivalent for op {op.name!r}")


# -- MLP ⇄ nn.Sequential ---------------------------------------------------------------------

_ACTIVATIONS = ("relu", "tanh", "sigmoid", "leaky_relu")  # an MLP's activations besides linear


def _activation_module(nn: Any, name: str) -> Any:
    return {
        "relu": nn.ReLU,
        "tanh": nn.Tanh,
        "sigmoid": nn.Sigmoid,
        "leaky_relu": lambda: nn.LeakyReLU(LEAKY_SLOPE),
    }[name]()


def to_torch(model: MLP, dtype: Any = None) -> Any:
    """The MLP as ``torch.nn.Sequential`` (Linear + activation per layer); dtype float64 default.

    ``weight[j, i]`` of layer ``l`` is ``L{l}.N{j+1}.w{i}``, ``bias[j]`` is ``L{l}.N{j+1}.b``.
    """
    if not isinstance(model, MLP):
        raise TypeError(f"to_torch: expected an MLP, got {type(model).__name__}")
    torch = _torch()
    dtype = torch.float64 if dtype is None else dtype
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        raise TypeError(f"to_torch: dtype must be a torch floating-point dtype, got {dtype!r}")
    modules = []
    for layer in model.layers:
        linear = torch.nn.Linear(layer.nin, layer.nout, dtype=dtype)
        with torch.no_grad():
            linear.weight.copy_(
                torch.tensor([[w.data for w in n.w] for n in layer.neurons], dtype=torch.float64)
            )
            linear.bias.copy_(torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64))
        modules.append(linear)
        if layer.activation != "linear":
            modules.append(_activation_module(torch.nn, layer.activation))
    return torch.nn.Sequential(*modules)


def _check_plain(nn: Any, module: Any, where: str) -> None:
    """Refuse a module whose call may compute something else than its torch class does."""
    bases = (nn.Sequential, nn.Linear, nn.LeakyReLU, nn.ReLU, nn.Tanh, nn.Sigmoid, nn.Identity)
    base = next((b for b in bases if isinstance(module, b)), None)
    if base is not None and type(module) is not base:
        for method in ("forward", "__call__", "_call_impl"):
            if getattr(type(module), method) is not getattr(base, method):
                raise ValueError(
                    f"from_torch: {where} is {type(module).__name__}, a subclass of "
                    f"{base.__name__} with its own {method}; its numbers cannot be read from "
                    f"its weights alone (use torch.nn.{base.__name__} itself)"
                )
    hooks = ("_forward_hooks", "_forward_pre_hooks", "_backward_hooks")
    if any(getattr(module, name, None) for name in hooks):
        raise ValueError(
            f"from_torch: {where} has forward or backward hooks, which an MLP cannot hold"
        )


def _activation_name(nn: Any, module: Any, where: str) -> str:
    """The MLP activation a torch module is, or a ValueError saying why it is none."""
    _check_plain(nn, module, where)
    if isinstance(module, nn.LeakyReLU):
        if module.negative_slope != LEAKY_SLOPE:
            raise ValueError(
                f"from_torch: {where} is LeakyReLU with slope {module.negative_slope!r}; an MLP's "
                f"leaky_relu has slope {LEAKY_SLOPE}"
            )
        return "leaky_relu"
    kinds = {nn.ReLU: "relu", nn.Tanh: "tanh", nn.Sigmoid: "sigmoid", nn.Identity: "linear"}
    for kind, name in kinds.items():
        if type(module) is kind:
            return name
    raise ValueError(
        f"from_torch: {where} is {type(module).__name__}, which an MLP cannot hold; an MLP is "
        "Linear layers (with bias), each followed by at most one of ReLU, Tanh, Sigmoid, "
        f"LeakyReLU({LEAKY_SLOPE}), Identity"
    )


def from_torch(sequential: Any) -> MLP:
    """An MLP with the weights of a ``torch.nn.Sequential`` of Linear + activation layers."""
    torch = _torch()
    nn = torch.nn
    if not isinstance(sequential, nn.Sequential):
        raise TypeError(
            f"from_torch: expected torch.nn.Sequential, got {type(sequential).__name__}"
        )
    _check_plain(nn, sequential, "the Sequential")
    layers: list[tuple[Any, str]] = []  # (Linear, activation after it)
    for pos, module in enumerate(sequential):
        where = f"module {pos}"
        if isinstance(module, nn.Linear):
            _check_plain(nn, module, where)
            if any(t is not None and t.is_complex() for t in (module.weight, module.bias)):
                raise ValueError(  # .to(float64) would drop the imaginary part, warning only
                    f"from_torch: {where} has complex weights ({module.weight.dtype}); "
                    "Values hold real numbers"
                )
            if module.bias is None:
                raise ValueError(
                    f"from_torch: {where} is a Linear without bias; MLP neurons have one"
                )
            if layers and layers[-1][0].out_features != module.in_features:
                raise ValueError(
                    f"from_torch: {where} takes {module.in_features} inputs but the layer before "
                    f"gives {layers[-1][0].out_features}"
                )
            layers.append((module, "linear"))
            continue
        name = _activation_name(nn, module, where)
        if not layers:
            raise ValueError(f"from_torch: {where} is an activation before any Linear layer")
        if layers[-1][1] != "linear":
            raise ValueError(f"from_torch: {where} is a second activation after one Linear layer")
        layers[-1] = (layers[-1][0], name)
    if not layers:
        raise ValueError("from_torch: the Sequential holds no Linear layer")
    hidden = {name for _, name in layers[:-1]}
    if len(hidden) > 1:
        raise ValueError(
            f"from_torch: hidden layers mix activations {sorted(hidden)}; an MLP uses one "
            "activation for every hidden layer (and its own for the output layer)"
        )
    values: list[float] = []
    for linear, _ in layers:
        weight = linear.weight.detach().to(torch.float64).tolist()
        bias = linear.bias.detach().to(torch.float64).tolist()
        for w, b in zip(weight, bias, strict=True):
            values += [*w, b]
    if not all(math.isfinite(v) for v in values):
        raise ValueError(
            "from_torch: the weights contain NaN or infinity; Values hold finite numbers"
        )
    model = MLP(
        layers[0][0].in_features,
        [linear.out_features for linear, _ in layers],
        activation=hidden.pop() if hidden else "relu",
        output_activation=layers[-1][1],
    )
    model.load_parameters(values)
    return model
