"""microgradx.interop: an MLP to torch.nn.Sequential and back, a tape as an nn.Module."""

from __future__ import annotations

import operator
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import microgradx as mx
from microgradx import interop, losses, ops
from microgradx.engine import Value

torch = pytest.importorskip("torch")
nn = torch.nn

REL = 1e-12


def close(ours: Any, theirs: Any) -> None:
    np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), rtol=REL, atol=1e-14)


ACTIVATIONS = ["relu", "tanh", "sigmoid", "leaky_relu", "linear"]


# -- MLP ⇄ nn.Sequential --------------------------------------------------------------------


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("output_activation", ["linear", "sigmoid"])
def test_mlp_to_torch_and_back_is_exact(activation: str, output_activation: str) -> None:
    model = mx.MLP(3, [4, 5, 2], activation=activation, output_activation=output_activation)
    back = interop.from_torch(interop.to_torch(model))
    assert back.parameter_values() == model.parameter_values()  # float64 both ways: exact
    assert (back.activation, back.output_activation) == (activation, output_activation)
    assert back.nouts == model.nouts


def test_torch_layout_is_weight_j_i_for_neuron_j_plus_1_input_i() -> None:
    model = mx.MLP(2, [3, 1], seed=4)
    seq = interop.to_torch(model)
    named = dict(model.named_parameters())
    assert seq[0].weight[2, 1].item() == named["L1.N3.w1"].data
    assert seq[0].bias[2].item() == named["L1.N3.b"].data
    assert seq[2].weight[0, 2].item() == named["L2.N1.w2"].data
    assert [type(m).__name__ for m in seq] == ["Linear", "ReLU", "Linear"]


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "leaky_relu"])
def test_outputs_loss_and_every_parameter_gradient_equal_torch(activation: str) -> None:
    rng = np.random.default_rng(1)
    model = mx.MLP(3, [6, 5, 1], activation=activation, seed=2)
    X = rng.normal(size=(12, 3))
    y = rng.choice([-1.0, 1.0], size=12)
    preds = [model(row) for row in X.tolist()]
    loss = losses.hinge(preds, y.tolist()) + losses.l2_penalty(model.parameters(), 1e-3)
    loss.backward()

    seq = interop.to_torch(model)
    out = seq(torch.tensor(X))[:, 0]
    t_loss = torch.relu(1 - torch.tensor(y) * out).mean()
    t_loss = t_loss + 1e-3 * sum((p * p).sum() for p in seq.parameters())
    t_loss.backward()

    close([p.data for p in preds], out.detach().numpy())
    close(loss.data, t_loss.item())
    linears = [m for m in seq if isinstance(m, nn.Linear)]
    for name, p in model.named_parameters():
        layer, neuron, which = name.split(".")
        linear = linears[int(layer[1:]) - 1]
        j = int(neuron[1:]) - 1
        grad = linear.bias.grad[j] if which == "b" else linear.weight.grad[j, int(which[1:])]
        close(p.grad, grad.item())


def test_a_model_trained_in_torch_imports_back_with_the_same_outputs() -> None:
    torch.manual_seed(0)
    seq = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1)).double()
    X = torch.randn(32, 2, dtype=torch.float64)
    y = (X[:, :1] * X[:, 1:]).sign()
    opt = torch.optim.SGD(seq.parameters(), lr=0.1)
    for _ in range(20):
        opt.zero_grad()
        torch.nn.functional.mse_loss(seq(X), y).backward()
        opt.step()
    model = interop.from_torch(seq)
    ours = [model(row).data for row in X.tolist()]
    close(ours, seq(X)[:, 0].detach().numpy())


def test_to_torch_builds_the_requested_dtype() -> None:
    seq = interop.to_torch(mx.MLP(2, [3, 1]), torch.float32)
    assert all(p.dtype == torch.float32 for p in seq.parameters())
    with pytest.raises(TypeError, match="floating-point dtype"):
        interop.to_torch(mx.MLP(2, [1]), torch.int64)


@pytest.mark.parametrize(
    ("modules", "error", "match"),
    [
        (
            lambda: nn.Sequential(nn.Linear(2, 3), nn.Dropout(), nn.Linear(3, 1)),
            ValueError,
            "module 1 is Dropout, which an MLP cannot hold",
        ),
        (lambda: nn.Sequential(nn.Linear(2, 3, bias=False)), ValueError, "without bias"),
        (
            lambda: nn.Sequential(
                nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 3), nn.Tanh(), nn.Linear(3, 1)
            ),
            ValueError,
            "mix activations",
        ),
        (
            lambda: nn.Sequential(nn.Linear(2, 3), nn.LeakyReLU(0.2), nn.Linear(3, 1)),
            ValueError,
            "slope 0.2",
        ),
        (lambda: nn.Sequential(nn.ReLU(), nn.Linear(2, 1)), ValueError, "before any Linear"),
        (
            lambda: nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.ReLU()),
            ValueError,
            "second activation",
        ),
        (
            lambda: nn.Sequential(nn.Linear(2, 3), nn.Linear(4, 1)),
            ValueError,
            "takes 4 inputs but the layer before gives 3",
        ),
        (lambda: nn.Sequential(), ValueError, "no Linear layer"),
        (lambda: nn.Linear(2, 1), TypeError, "expected torch.nn.Sequential"),
    ],
)
def test_from_torch_names_what_an_mlp_cannot_hold(
    modules: Callable[[], Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        interop.from_torch(modules())


def test_from_torch_refuses_non_finite_weights() -> None:
    seq = nn.Sequential(nn.Linear(2, 1))
    with torch.no_grad():
        seq[0].weight[0, 0] = float("nan")
    with pytest.raises(ValueError, match="NaN or infinity"):
        interop.from_torch(seq)


class _DoubledLinear(nn.Linear):
    """A Linear whose output is not ``x Wᵀ + b``: its weights alone do not say what it computes."""

    def forward(self, x: Any) -> Any:
        return 2 * super().forward(x)


class _ShiftedLeakyReLU(nn.LeakyReLU):
    def forward(self, x: Any) -> Any:
        return super().forward(x) + 1


class _Sequential(nn.Sequential):
    def forward(self, x: Any) -> Any:
        return -super().forward(x)


class _PlainLinear(nn.Linear):
    """A subclass that changes nothing torch computes (as torch's own internal ones)."""


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda cls: nn.Sequential(cls[0](2, 1)), "module 0 is _DoubledLinear, a subclass "),
        (
            lambda cls: nn.Sequential(nn.Linear(2, 2), cls[1](), nn.Linear(2, 1)),
            "module 1 is _ShiftedLeakyReLU, a subclass of LeakyReLU with its own forward",
        ),
        (lambda cls: cls[2](nn.Linear(2, 1)), "the Sequential is _Sequential"),
    ],
)
def test_from_torch_refuses_subclasses_that_compute_something_else(
    build: Callable[[Any], Any], match: str
) -> None:
    seq = build((_DoubledLinear, _ShiftedLeakyReLU, _Sequential))
    plain = build((nn.Linear, nn.LeakyReLU, nn.Sequential))
    plain.load_state_dict(seq.state_dict())
    x = torch.tensor([[0.3, -0.7]])
    assert not torch.equal(seq(x), plain(x))  # the premise: other numbers than its weights give
    with pytest.raises(ValueError, match=match):
        interop.from_torch(seq)


def test_from_torch_takes_a_subclass_that_computes_what_its_base_does() -> None:
    seq = nn.Sequential(_PlainLinear(2, 1))
    model = interop.from_torch(seq)
    x = [0.3, -0.7]
    assert model(x).data == pytest.approx(seq(torch.tensor([x])).item(), rel=1e-6)


def test_from_torch_refuses_a_module_with_a_forward_hook() -> None:
    seq = nn.Sequential(nn.Linear(2, 1))
    seq[0].register_forward_hook(lambda module, inputs, output: output * 3)
    with pytest.raises(ValueError, match="module 0 has forward or backward hooks"):
        interop.from_torch(seq)


def test_from_torch_refuses_complex_weights_instead_of_dropping_their_imaginary_part() -> None:
    seq = nn.Sequential(nn.Linear(2, 1, dtype=torch.complex128))
    with pytest.raises(ValueError, match=r"module 0 has complex weights \(torch.complex128\)"):
        interop.from_torch(seq)


def test_to_torch_refuses_what_is_not_an_mlp() -> None:
    with pytest.raises(TypeError, match="expected an MLP"):
        interop.to_torch(mx.Layer(2, 3))  # type: ignore[arg-type]


def test_missing_torch_raises_an_import_error_naming_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` now fails
    with pytest.raises(ImportError, match=r"microgradx\[parity\]"):
        interop.to_torch(mx.MLP(2, [1]))


# -- the op table ----------------------------------------------------------------------------

BINARY = {"add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv}
BINARY["pow"] = operator.pow
BINARY["mod"] = operator.mod
UNARY = {"neg": operator.neg, "abs": abs, "acosh": lambda a: (a + 1.0).acosh()}  # acosh: a ≥ 1


def apply(name: str) -> Callable[[Value, Value], Value]:
    """The fixed op ``name`` as a function of two Values (the Value method of that name)."""
    if name in BINARY:
        return BINARY[name]
    method = UNARY.get(name) or getattr(Value, name)
    return lambda a, b: method(a) + 0 * b


def test_the_torch_table_covers_every_rule_and_both_families() -> None:
    # Adding an op to ops.RULES without a torch entry fails this test.
    assert set(ops.RULES) <= set(interop.TORCH_OPS)
    for op in [*ops.RULES.values(), ops.power(3.0), ops.leaky_relu(0.2)]:
        assert interop.torch_op(op) is not None


@pytest.mark.parametrize("name", sorted(ops.RULES))
def test_every_rule_runs_in_torch_as_in_the_replay(name: str) -> None:
    w = Value(0.7, label="w")
    replay = mx.trace(lambda x, y: apply(name)(x * w, y), 0.5, 0.5)
    xs, ys = np.array([0.2, 0.4, 0.9]), np.array([0.3, 0.6, 0.8])  # in every op's domain
    module = replay.to_torch()
    tx, ty = torch.tensor(xs), torch.tensor(ys)
    out = module(tx, ty)
    out.sum().backward()
    got = replay.backward(xs, ys, reduction="sum")
    close(out.detach().numpy(), got)
    close(module.w.grad.item(), w.grad)


@pytest.mark.parametrize("op", [ops.power(3.0), ops.power(-0.5), ops.leaky_relu(0.2)])
def test_parameterised_ops_run_in_torch_with_their_param(op: ops.Op) -> None:
    fn = interop.torch_op(op)
    x = torch.tensor([0.3, 2.0, -1.5 if op.name == "leaky_relu" else 0.8], dtype=torch.float64)
    close(fn(torch, op.param, x).numpy(), [op.forward(v) for v in x.tolist()])


# -- Replay.to_torch -------------------------------------------------------------------------


def test_replay_module_runs_over_any_batch_shape_with_labelled_parameters() -> None:
    model = mx.MLP(2, [4, 1], activation="tanh", seed=3)
    bias = Value(0.25)  # unlabelled: a constant buffer, not a parameter
    replay = mx.trace(lambda a, b: model([a, b]) + bias, 0.0, 0.0)
    module = replay.to_torch()
    names = dict(module.named_parameters())
    assert set(names) == {name.replace(".", "_") for name, _ in model.named_parameters()}
    assert module.labels["L1_N2_w0"] == "L1.N2.w0"
    X = np.random.default_rng(0).normal(size=(3, 5, 2))
    out = module(torch.tensor(X[..., 0]), torch.tensor(X[..., 1]))
    assert out.shape == (3, 5)
    close(out.detach().numpy().ravel(), replay(X[..., 0].ravel(), X[..., 1].ravel()))


def test_replay_module_gradients_equal_the_replay_backward() -> None:
    model = mx.MLP(3, [5, 1], activation="sigmoid", seed=1)
    params = model.named_parameters()
    replay = mx.trace(lambda *x: (model(list(x)) - 1.0) ** 2, 0.0, 0.0, 0.0)
    X = np.random.default_rng(2).normal(size=(7, 3))
    replay.backward(*X.T, reduction="mean")
    module = replay.to_torch()
    module(*torch.tensor(X.T)).mean().backward()
    grads = dict(module.named_parameters())
    for name, p in params:
        close(grads[name.replace(".", "_")].grad.item(), p.grad)


def test_replay_module_output_independent_of_inputs_still_has_the_batch_shape() -> None:
    w = Value(2.0, label="w")
    module = mx.trace(lambda x: w * w, 0.0).to_torch()
    assert module(torch.zeros(4)).tolist() == [4.0] * 4


def test_replay_module_checks_the_number_of_inputs() -> None:
    module = mx.trace(lambda x, y: x * y, 1.0, 1.0).to_torch()
    with pytest.raises(TypeError, match="takes 2 inputs, got 1"):
        module(torch.zeros(2))


# -- ONNX ------------------------------------------------------------------------------------


def test_mlp_exports_to_onnx_and_runs_in_onnxruntime(tmp_path: Any) -> None:
    pytest.importorskip("onnx")
    pytest.importorskip("onnxscript")  # torch.onnx.export's exporter
    ort = pytest.importorskip("onnxruntime")
    model = mx.MLP(2, [8, 1], seed=0)
    seq = interop.to_torch(model, torch.float32)
    path = tmp_path / "mlp.onnx"
    torch.onnx.export(
        seq,
        (torch.zeros(1, 2),),
        str(path),
        input_names=["x"],
        output_names=["score"],
        dynamic_shapes={"input": {0: torch.export.Dim("batch")}},
    )
    X = np.random.default_rng(0).normal(size=(5, 2)).astype(np.float32)
    (scores,) = ort.InferenceSession(str(path)).run(None, {"x": X})
    ours = [model(row).data for row in X.astype(float).tolist()]
    np.testing.assert_allclose(scores[:, 0], ours, rtol=1e-5, atol=1e-6)  # float32
