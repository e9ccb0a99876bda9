"""One iteration of ``fit``: eager on Values, or compiled (one traced tape, vectorised optimizer).

An iteration takes a batch, computes the loss and its gradient and lets the optimizer update
the parameters. ``EagerStep`` does it the way a user's loop does (a graph per sample,
``backward()``, ``opt.step()``). ``CompiledStep`` traces ONE sample's loss once — the model,
the loss with the targets as tape *inputs* (so any number of classes and regression targets
share one tape) and the L2 penalty — and then runs every batch as numpy array operations
(``microgradx.trace``), the optimizer included (``Optimizer.step_vector``: the same floats as
``step()``). The parameters live in one array while training; the model's Values are written
back by ``sync()`` (``fit`` calls it before each validation pass, at the end and on an error).

The per-sample losses are the named losses of ``microgradx.losses`` written for one sample
with Value targets; their mean over a batch is the batch loss ``fit`` reports. One difference
is forced by tracing: ``cross_entropy`` shifts the logits by the largest one, read as a float,
which a trace would freeze to the example's value; the compiled loss shifts by the sample's
*mean* logit instead (any shift gives the same loss), finite unless logits spread over ~700.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import losses
from .compile.trace import trace
from .engine import Value
from .nn import MLP
from .optim import Optimizer

LossFn = Callable[[list[Any], list[Any]], Value]
"""A batch loss: (model outputs for each sample, targets for each sample) → one Value."""


def as_outputs(preds: list[Any]) -> np.ndarray:
    """Model outputs for a batch → floats, shape (n,) for one output or (n, k) for several."""
    if preds and isinstance(preds[0], list):
        return np.array([[v.data for v in row] for row in preds], dtype=float)
    return np.array([v.data for v in preds], dtype=float)


def _as_list(out: Any) -> list[Value]:
    return out if isinstance(out, list) else [out]


class EagerStep:
    """An iteration on the eager engine: forward and loss on Values, ``backward()``, ``step()``."""

    def __init__(
        self, model: MLP, fn: LossFn, targets: list[Any], l2: float, opt: Optimizer
    ) -> None:
        self.model, self.fn, self.targets, self.l2, self.opt = model, fn, targets, l2, opt
        self.params = model.parameters()

    def __call__(self, Xb: np.ndarray, idx: np.ndarray) -> tuple[float, np.ndarray]:
        """Train on one batch (rows ``Xb``, sample indices ``idx``); (batch loss, outputs)."""
        self.opt.zero_grad()
        preds = [self.model(row) for row in Xb.tolist()]  # lists of Python floats: the fast path
        data_loss = self.fn(preds, [self.targets[i] for i in idx])
        if not isinstance(data_loss, Value):
            raise TypeError(
                f"fit: the loss function must return a Value built from the predictions, "
                f"got {type(data_loss).__name__}; a plain number cannot be backpropagated"
            )
        total = data_loss + losses.l2_penalty(self.params, self.l2) if self.l2 else data_loss
        total.backward()
        self.opt.step()  # all or nothing: no parameter changes if any would be NaN/inf
        return data_loss.data, as_outputs(preds)

    def sync(self) -> None:
        """Nothing to do: the eager step updates the Values themselves."""


# -- one sample's loss with the targets as Values (tape inputs) ------------------------------


def _hinge(z: list[Value], t: list[Value]) -> Value:
    return (1.0 - t[0] * z[0]).relu()  # t is ±1, as fit converts the labels


def _bce(z: list[Value], t: list[Value]) -> Value:
    return z[0].softplus() - t[0] * z[0]


def _mse(z: list[Value], t: list[Value]) -> Value:
    terms = [(zj - tj) * (zj - tj) for zj, tj in zip(z, t, strict=True)]
    return sum(terms[1:], terms[0]) * (1.0 / len(terms))


def _cross_entropy(z: list[Value], t: list[Value]) -> Value:
    # t is one-hot; −log softmax(z)·t = log Σ e^(z−m) − Σ tⱼ(zⱼ − m) for any shift m.
    m = sum(z[1:], z[0]) * (1.0 / len(z))
    shifted = [zj - m for zj in z]
    exps = [s.exp() for s in shifted]
    picked = [tj * s for tj, s in zip(t, shifted, strict=True)]
    return sum(exps[1:], exps[0]).log() - sum(picked[1:], picked[0])


SAMPLE_LOSSES: dict[str, Callable[[list[Value], list[Value]], Value]] = {
    "hinge": _hinge,
    "bce": _bce,
    "mse": _mse,
    "cross_entropy": _cross_entropy,
}
"""Named loss → one sample's loss (model outputs, target Values), as the compiled step traces it."""


def target_columns(name: str, targets: Sequence[Any], width: int) -> np.ndarray:
    """The targets as tape inputs: one row per sample (one-hot rows for cross-entropy)."""
    if name == "cross_entropy":
        return np.eye(width)[np.asarray(targets, dtype=np.intp)]
    T = np.asarray(targets, dtype=np.float64)
    T = T.reshape(len(T), -1)
    if T.shape[1] != width:
        raise ValueError(
            f"fit: loss {name!r} compares each of the model's {width} outputs with a target, "
            f"but y has {T.shape[1]} value(s) per sample"
        )
    return T


class CompiledStep:
    """An iteration on arrays: one traced tape, the parameters in one array, ``step_vector``."""

    def __init__(
        self,
        model: MLP,
        X: np.ndarray,
        name: str,
        targets: list[Any],
        l2: float,
        opt: Optimizer,
    ) -> None:
        self.opt = opt
        self.width = model.nouts[-1]
        T = target_columns(name, targets, self.width)
        # The tape's inputs, a row per argument (features, then targets) and a column per
        # sample, checked once here: a batch is then one gather of columns.
        self.inputs = np.ascontiguousarray(np.concatenate([X, T], axis=1).T)
        nin, params = model.nin, model.parameters()
        sample_loss = SAMPLE_LOSSES[name]

        def one_sample(*args: Value) -> tuple[Value, list[Value]]:
            z = _as_list(model(list(args[:nin])))
            data = sample_loss(z, list(args[nin:]))
            total = data + losses.l2_penalty(params, l2) if l2 else data
            return total, [data, *z]  # the loss without the penalty, and the outputs

        example = [0.0] * nin + T[0].tolist()
        self.replay = trace(one_sample, *example, has_aux=True)
        # The tape's leaves are the optimizer's parameters (read from self.values every
        # step) and everything else (constants, parameters it does not train: fixed).
        self.params = opt.params
        position = {id(p): i for i, p in enumerate(self.params)}
        leaves = self.replay.leaf_values
        self.leaves = np.array([v.data for v in leaves])
        self.trained = np.array([id(v) in position for v in leaves])
        self.where = np.array([position[id(v)] for v in leaves if id(v) in position], np.intp)
        self.values = np.array([p.data for p in self.params])
        self.grads: np.ndarray | None = None  # the last batch's gradients, for .grad
        self.synced = True

    def __call__(self, Xb: np.ndarray, idx: np.ndarray) -> tuple[float, np.ndarray]:
        """Train on one batch (rows ``Xb``, sample indices ``idx``); (batch loss, outputs)."""
        self.leaves[self.trained] = self.values[self.where]
        _, aux, leaf_grads = self.replay.value_and_grad(
            self.inputs[:, idx], self.leaves, scale=1.0 / len(idx)
        )
        grads = np.zeros(len(self.params))
        grads[self.where] = leaf_grads[self.trained]
        self.values = self.opt.step_vector(self.values, grads)
        self.grads, self.synced = grads, False
        outputs = aux[1:].T
        return float(aux[0].mean()), outputs[:, 0] if self.width == 1 else outputs

    def sync(self) -> None:
        """Write the trained values, and the last batch's gradients, into the parameters."""
        if not self.synced and self.grads is not None:
            for p, v, g in zip(self.params, self.values.tolist(), self.grads.tolist(), strict=True):
                p.data, p.grad = v, g
            self.synced = True
