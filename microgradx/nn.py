"""Neural networks from Values: ``Neuron``, ``Layer`` and ``MLP`` (micrograd-compatible).

A neuron computes ``activation(w · x + b)``; a layer is a list of neurons reading the same
input; an MLP chains layers. Every parameter is a leaf ``Value`` labelled by its place in the
network, so drawn graphs are readable::

    L1.N3.w0   layer 1, neuron 3, the weight on input x0
    L1.N3.b    layer 1, neuron 3, the bias

Layers and neurons are counted from 1 (as the lecture notes write ``w¹ₙₘ``); a weight's index
is the 0-based index of the input it multiplies. Graph drawings rely on the ``L<i>.N<j>.``
prefix to collapse a neuron into one box.

Without ``seed=`` (or ``rng=``) parameters are drawn from Python's global ``random`` exactly
as micrograd draws them (``random.uniform(-1, 1)`` per weight, neuron by neuron, zero biases),
so ``random.seed(1337); MLP(2, [16, 16, 1])`` is micrograd's demo model to the last bit; with
``seed=`` they come from a private numpy ``Generator`` and leave the global stream alone.
``nonlin=`` (micrograd's keyword) is ``activation="relu"`` or ``"linear"``, and ``repr`` prints
micrograd's ``MLP of [Layer of [ReLUNeuron(2), …]]``.

Differences from micrograd, on purpose: a ``Layer`` always returns a list (so width-1 layers
work anywhere, e.g. ``MLP(2, [16, 1, 1])``), only ``MLP.__call__`` unwraps a single output;
parameters are labelled; inputs are validated.

>>> model = MLP(2, [4, 1], seed=0)
>>> model.num_parameters()
17
>>> [name for name, _ in model.named_parameters()][:3]
['L1.N1.w0', 'L1.N1.w1', 'L1.N1.b']
>>> type(model([1.0, -2.0])).__name__
'Value'
"""

from __future__ import annotations

import math
import random
import weakref
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from ._checks import is_int
from .data import _rng
from .engine import Value, zero_grad


def _linear(v: Value) -> Value:
    """The identity: a neuron without a nonlinearity (a named function, so models pickle)."""
    return v


ACTIVATIONS: dict[str, Callable[[Value], Value]] = {
    "relu": Value.relu,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "leaky_relu": Value.leaky_relu,  # slope 0.01, PyTorch's default
    "linear": _linear,
}
"""Activation name → function applied to a neuron's pre-activation ``w · x + b``."""

INITS = ("uniform", "he", "xavier")
"""Weight initialisations: micrograd's U(-1, 1), He normal, Xavier (Glorot) uniform."""

_REPR_NAMES = {
    "relu": "ReLU",
    "tanh": "Tanh",
    "sigmoid": "Sigmoid",
    "leaky_relu": "LeakyReLU",
    "linear": "Linear",
}
"""Activation name → the prefix of a neuron's repr (micrograd: ReLUNeuron, LinearNeuron)."""


def _check_choice(kind: str, value: Any, choices: Iterable[str], who: str) -> str:
    choices = list(choices)
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{who}: unknown {kind} {value!r}; choose one of {', '.join(choices)}")
    return value


def _check_count(name: str, value: Any, who: str) -> int:
    if not is_int(value) or value < 1:
        raise ValueError(f"{who}: {name} must be an integer >= 1, got {value!r}")
    return int(value)


def _activation(activation: Any, nonlin: Any, who: str) -> str:
    """The activation name from ``activation=`` or micrograd's ``nonlin=`` (ReLU or linear)."""
    if isinstance(activation, bool) and nonlin is None:  # micrograd's positional Neuron(2, False)
        activation, nonlin = None, activation
    if nonlin is None:
        return _check_choice(
            "activation", "relu" if activation is None else activation, ACTIVATIONS, who
        )
    if not isinstance(nonlin, (bool, np.bool_)):
        raise TypeError(f"{who}: nonlin must be True or False, got {nonlin!r}")
    chosen = "relu" if nonlin else "linear"
    if activation is not None and activation != chosen:
        raise ValueError(
            f"{who}: nonlin={bool(nonlin)} means activation={chosen!r}, "
            f"but activation={activation!r} was given; pass only one of them"
        )
    return chosen


def _as_rng(rng: np.random.Generator | int | None, who: str) -> np.random.Generator | None:
    """A private numpy Generator for an int seed or a Generator; None keeps micrograd's stream."""
    return None if rng is None else _rng(who, rng)


def _draw_weights(
    gen: np.random.Generator | None, init: str, nin: int, fan_out: int
) -> list[float]:
    """``nin`` initial weights, from ``gen`` or (None) from Python's global ``random``."""
    if init == "he":  # He et al. 2015: N(0, 2 / fan_in), suited to ReLU
        sd = math.sqrt(2.0 / nin)
        if gen is None:
            return [random.gauss(0.0, sd) for _ in range(nin)]
        return gen.normal(0.0, sd, nin).tolist()
    # micrograd's U(-1, 1), or Glorot & Bengio 2010: U(-a, a), a = sqrt(6 / (fan_in + fan_out))
    limit = 1.0 if init == "uniform" else math.sqrt(6.0 / (nin + fan_out))
    if gen is None:  # one call per weight, in order: micrograd's exact draw
        return [random.uniform(-limit, limit) for _ in range(nin)]
    return gen.uniform(-limit, limit, nin).tolist()


def _as_inputs(x: Any, nin: int, who: str) -> Sequence[Any]:
    """Validate one input sample: a list/tuple of numbers or Values, or a 1-D numpy array."""
    if isinstance(x, np.ndarray):
        if x.ndim != 1:
            raise ValueError(
                f"{who}: expected one sample (a 1-D array of {nin} numbers), "
                f"got an array of shape {x.shape}; call the model once per row"
            )
        x = x.tolist()
    elif not isinstance(x, (list, tuple)):
        raise TypeError(
            f"{who}: expected a list, tuple or 1-D numpy array of {nin} numbers, "
            f"got {type(x).__name__}"
        )
    if len(x) != nin:
        raise ValueError(f"{who}: expected {nin} inputs, got {len(x)}")
    for i, xi in enumerate(x):
        if isinstance(xi, (list, tuple, np.ndarray)):
            raise ValueError(
                f"{who}: input {i} is a sequence; expected one sample of {nin} numbers, "
                "not a batch (call the model once per sample)"
            )
    return x


class _ModuleType(type):
    """Registers a Module once it is built: never one whose ``__init__`` raised."""

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        # After __init__ rather than in it, so subclasses written micrograd's way (an
        # __init__ that never calls super().__init__()) are known too; and not in __new__,
        # where a half-built module (kept alive by a traceback, as Jupyter keeps the last
        # one) would be registered without its layers and break every later drawing.
        module = super().__call__(*args, **kwargs)
        _LIVE_MODULES.add(module)
        return module


class Module(metaclass=_ModuleType):
    """Base class: anything holding parameters (a neuron, a layer, a whole network)."""

    def named_parameters(self) -> list[tuple[str, Value]]:
        """Every trainable Value with its label, in a fixed order."""
        return []

    def parameters(self) -> list[Value]:
        """Every trainable Value, in ``named_parameters()`` order."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Reset every parameter's gradient to 0 (gradients accumulate across backward calls)."""
        zero_grad(self.parameters())

    def num_parameters(self) -> int:
        """How many scalar parameters the module has."""
        return len(self.named_parameters())

    def parameter_values(self) -> list[float]:
        """The parameters' current values as plain floats, in ``named_parameters()`` order."""
        return [p.data for p in self.parameters()]

    def load_parameters(self, values: Sequence[float]) -> None:
        """Set every parameter from floats given in ``named_parameters()`` order."""
        params = self.parameters()
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence | np.ndarray):
            raise TypeError(
                f"{type(self).__name__}.load_parameters: expected a sequence of "
                f"{len(params)} numbers, got {type(values).__name__}"
            )
        if len(values) != len(params):
            raise ValueError(
                f"{type(self).__name__}.load_parameters: expected {len(params)} values, "
                f"got {len(values)}"
            )
        # Validate everything before touching anything, so a bad list leaves the model intact.
        checked = [Value(v).data for v in values]
        for p, v in zip(params, checked, strict=True):
            p.data = v

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.num_parameters()} parameters)"

    def __setstate__(self, state: Any) -> None:
        """Unpickle and copy support: restore the fields, check they fit together, register."""
        if not isinstance(state, dict):
            raise ValueError(f"{type(self).__name__}: not a pickled microgradx module")
        self.__dict__.update(state)
        try:
            problem = self._state_problem()
        except AttributeError as e:  # a field is missing
            problem = str(e)
        if problem:
            raise ValueError(
                f"{type(self).__name__}: the pickled state does not describe a model: {problem}"
            )
        _LIVE_MODULES.add(self)

    def _state_problem(self) -> str:
        """What is inconsistent in this module's fields ("" if nothing): a tampered pickle."""
        bad = [p for p in self.parameters() if not isinstance(p, Value)]
        return f"parameters that are not Values: {bad[:3]!r}" if bad else ""


_LIVE_MODULES: weakref.WeakSet[Module] = weakref.WeakSet()
"""Every Module still alive: drawings colour their parameters as parameters."""


def _live_parameters() -> set[Value]:
    """The parameters of every Module still alive (what a drawing colours as parameters)."""
    found: set[Value] = set()
    for module in list(_LIVE_MODULES):
        try:
            found.update(p for p in module.parameters() if isinstance(p, Value))
        except Exception:  # a user's broken subclass colours nothing but breaks no drawing
            continue
    return found


class Neuron(Module):
    """One neuron: ``activation(w · x + b)`` with ``nin`` weights and one bias.

    ``nonlin=True``/``False`` (micrograd's keyword) means ``activation="relu"``/``"linear"``.
    Without ``rng`` the weights come from Python's global ``random``, as micrograd's do.
    """

    def __init__(
        self,
        nin: int,
        activation: str | None = None,
        init: str = "uniform",
        rng: np.random.Generator | int | None = None,
        name: str = "",
        *,
        nonlin: bool | None = None,
        fan_out: int = 1,
    ) -> None:
        self.nin = _check_count("nin", nin, "Neuron")
        self.activation = _activation(activation, nonlin, "Neuron")
        self.init = _check_choice("init", init, INITS, "Neuron")
        fan_out = _check_count("fan_out", fan_out, "Neuron")
        self.name = name
        prefix = f"{name}." if name else ""
        ws = _draw_weights(_as_rng(rng, "Neuron"), self.init, self.nin, fan_out)
        self.w = [Value(wi, label=f"{prefix}w{i}") for i, wi in enumerate(ws)]
        self.b = Value(0.0, label=f"{prefix}b")  # zero bias, as micrograd
        self._act = ACTIVATIONS[self.activation]

    def __call__(self, x: Any) -> Value:
        """The neuron's output for one input sample of ``nin`` numbers or Values."""
        return self._forward(_as_inputs(x, self.nin, self.name or "Neuron"))

    def _forward(self, x: Sequence[Any]) -> Value:
        # Inputs already validated by the caller: this is the training hot path.
        total = self.b
        for wi, xi in zip(self.w, x, strict=True):
            total = total + wi * xi
        return self._act(total)

    def named_parameters(self) -> list[tuple[str, Value]]:
        """Weights ``w0 … w{nin-1}`` then bias ``b``, labelled with the neuron's name."""
        return [(p.label, p) for p in (*self.w, self.b)]

    @property
    def nonlin(self) -> bool:
        """micrograd's flag: True unless the neuron is linear."""
        return self.activation != "linear"

    def _state_problem(self) -> str:
        if not (is_int(self.nin) and self.nin >= 1):
            return f"nin is {self.nin!r}"
        if not (isinstance(self.w, list) and all(isinstance(w, Value) for w in self.w)):
            return "its weights are not a list of Values"
        if len(self.w) != self.nin:
            return f"{self.name or 'a neuron'} has nin={self.nin} but {len(self.w)} weights"
        if self.activation not in ACTIVATIONS or self._act is not ACTIVATIONS[self.activation]:
            return f"activation {self.activation!r} does not match its function {self._act!r}"
        return super()._state_problem()

    def __repr__(self) -> str:
        return f"{_REPR_NAMES[self.activation]}Neuron({self.nin})"


class Layer(Module):
    """``nout`` neurons reading the same input; calling it ALWAYS returns a list of Values."""

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str | None = None,
        init: str = "uniform",
        rng: np.random.Generator | int | None = None,
        name: str = "L1",
        *,
        nonlin: bool | None = None,
    ) -> None:
        self.nin = _check_count("nin", nin, "Layer")
        self.nout = _check_count("nout", nout, "Layer")
        self.activation = _activation(activation, nonlin, "Layer")
        self.init = _check_choice("init", init, INITS, "Layer")
        self.name = name
        gen = _as_rng(rng, "Layer")  # one stream shared by all neurons, so they differ
        prefix = f"{name}." if name else ""
        self.neurons = [
            Neuron(nin, self.activation, self.init, gen, f"{prefix}N{j}", fan_out=self.nout)
            for j in range(1, self.nout + 1)
        ]

    def __call__(self, x: Any) -> list[Value]:
        """The layer's outputs (a list, even for width 1) for one input sample."""
        return self._forward(_as_inputs(x, self.nin, self.name or "Layer"))

    def _forward(self, x: Sequence[Any]) -> list[Value]:
        return [n._forward(x) for n in self.neurons]

    def _state_problem(self) -> str:
        neurons = self.neurons
        if not (isinstance(neurons, list) and all(isinstance(n, Neuron) for n in neurons)):
            return "its neurons are not a list of Neurons"
        if len(neurons) != self.nout:
            return f"layer {self.name} has nout={self.nout} but {len(neurons)} neurons"
        for n in neurons:
            if n.nin != self.nin or n.activation != self.activation:
                return (
                    f"layer {self.name} (nin={self.nin}, {self.activation}) holds a neuron "
                    f"with nin={n.nin}, {n.activation}"
                )
        return super()._state_problem()

    def named_parameters(self) -> list[tuple[str, Value]]:
        """Every neuron's parameters, neuron by neuron."""
        return [item for n in self.neurons for item in n.named_parameters()]

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(repr(n) for n in self.neurons)}]"


class MLP(Module):
    """A multi-layer perceptron: hidden layers use ``activation``, the last ``output_activation``.

    ``model(x)`` returns one Value when the last layer has width 1, else a list of Values.
    ``seed=None`` draws from Python's global ``random`` as micrograd does; an int seed gives
    a private, reproducible stream.
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str = "relu",
        seed: int | None = None,
        init: str = "uniform",
        output_activation: str = "linear",
    ) -> None:
        self.nin = _check_count("nin", nin, "MLP")
        if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Sequence) or not nouts:
            raise ValueError(f"MLP: nouts must be a non-empty list of layer widths, got {nouts!r}")
        self.nouts = [_check_count("layer width", n, "MLP") for n in nouts]
        self.activation = _check_choice("activation", activation, ACTIVATIONS, "MLP")
        self.output_activation = _check_choice(
            "output_activation", output_activation, ACTIVATIONS, "MLP"
        )
        self.init = _check_choice("init", init, INITS, "MLP")
        self.seed = seed
        gen = _as_rng(seed, "MLP")
        sizes = [self.nin, *self.nouts]
        last = len(self.nouts)
        self.layers = [
            Layer(
                sizes[i - 1],
                sizes[i],
                self.output_activation if i == last else self.activation,
                self.init,
                gen,
                f"L{i}",
            )
            for i in range(1, last + 1)
        ]

    def __call__(self, x: Any) -> Value | list[Value]:
        """The network's output for one sample: a Value if the last layer has width 1."""
        out: list[Value] = list(_as_inputs(x, self.nin, "MLP"))
        for layer in self.layers:
            out = layer._forward(out)
        return out[0] if len(out) == 1 else out

    def named_parameters(self) -> list[tuple[str, Value]]:
        """Every layer's parameters, layer by layer (``L1.N1.w0`` first)."""
        return [item for layer in self.layers for item in layer.named_parameters()]

    def _state_problem(self) -> str:
        layers = self.layers
        if not (isinstance(layers, list) and all(isinstance(x, Layer) for x in layers)):
            return "its layers are not a list of Layers"
        sizes = [self.nin, *self.nouts]
        if len(layers) != len(self.nouts):
            return f"nouts={self.nouts} but {len(layers)} layers"
        for i, layer in enumerate(layers):
            wanted = self.output_activation if i == len(layers) - 1 else self.activation
            if (layer.nin, layer.nout, layer.activation) != (sizes[i], sizes[i + 1], wanted):
                return (
                    f"layer {i + 1} is {layer.nin} → {layer.nout} ({layer.activation}) but the "
                    f"model says {sizes[i]} → {sizes[i + 1]} ({wanted})"
                )
        return super()._state_problem()

    def config(self) -> dict[str, Any]:
        """The architecture as a JSON-able dict; ``MLP(**model.config())`` rebuilds it.

        Read from what the model computes (its layers and neurons), not from the attributes
        it was built with, so a model changed after construction is described as it now is;
        ValueError when no ``MLP(...)`` call builds it (e.g. mixed hidden activations).
        """
        return _describe(self)

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(repr(layer) for layer in self.layers)}]"


def _activation_of(neuron: Any, where: str) -> str:
    """The ACTIVATIONS name of the function a neuron applies (what it computes, not its tag)."""
    if type(neuron) is not Neuron:
        raise ValueError(f"{where} is a {type(neuron).__name__}, not a Neuron")
    if not all(isinstance(p, Value) for p in (*neuron.w, neuron.b)):
        raise ValueError(f"{where} holds a parameter that is not a Value")
    for name, fn in ACTIVATIONS.items():
        if neuron._act is fn:
            return name
    raise ValueError(f"{where} applies {neuron._act!r}, not one of {', '.join(ACTIVATIONS)}")


def _describe(model: MLP) -> dict[str, Any]:
    """``model.config()``: the MLP(...) arguments that build a model computing as ``model`` does."""
    try:
        for method in ("__call__", "named_parameters"):
            if getattr(type(model), method) is not getattr(MLP, method):
                raise ValueError(f"{type(model).__name__} has its own {method}")
        width = _check_count("nin", model.nin, "MLP")
        if not isinstance(model.layers, list) or not model.layers:
            raise ValueError("it has no list of layers")
        nouts, activations = [], []
        for i, layer in enumerate(model.layers, 1):
            if type(layer) is not Layer:
                raise ValueError(f"layer {i} is a {type(layer).__name__}, not a Layer")
            if not isinstance(layer.neurons, list) or not layer.neurons:
                raise ValueError(f"layer {i} has no list of neurons")
            names = set()
            for j, neuron in enumerate(layer.neurons, 1):
                names.add(_activation_of(neuron, f"layer {i} neuron {j}"))
                if len(neuron.w) != width:
                    raise ValueError(
                        f"layer {i} neuron {j} has {len(neuron.w)} weights for {width} inputs"
                    )
            if len(names) > 1:
                raise ValueError(f"layer {i} mixes activations {sorted(names)}")
            nouts.append(len(layer.neurons))
            activations.append(names.pop())
            width = len(layer.neurons)
        hidden = set(activations[:-1])
        if len(hidden) > 1:
            raise ValueError(f"its hidden layers mix activations {sorted(hidden)}")
        # One layer: no hidden activation is computed, so the attribute is as good as any.
        activation = (
            hidden.pop()
            if hidden
            else _check_choice("activation", model.activation, ACTIVATIONS, "MLP")
        )
        init = _check_choice("init", model.init, INITS, "MLP")  # how it was drawn: a record
    except (AttributeError, TypeError, ValueError) as e:
        raise ValueError(
            f"MLP.config: no MLP(...) call builds this model: {e}; an MLP is layers of "
            "Neurons, one activation for every hidden layer and one for the output layer"
        ) from None
    return {
        "nin": model.nin,
        "nouts": nouts,
        "activation": activation,
        "output_activation": activations[-1],
        "init": init,
    }
