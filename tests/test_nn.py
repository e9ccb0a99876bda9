"""Tests for microgradx.nn: shapes, labels, seeded init, forward maths, validation, learning."""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable

import numpy as np
import pytest

from microgradx import Value
from microgradx.losses import mse
from microgradx.nn import MLP, Layer, Module, Neuron
from microgradx.optim import Adam


def weights_and_biases(layer: Layer) -> tuple[np.ndarray, np.ndarray]:
    """A layer's parameters as a numpy matrix W (nout × nin) and bias vector b."""
    w = np.array([[wi.data for wi in n.w] for n in layer.neurons])
    b = np.array([n.b.data for n in layer.neurons])
    return w, b


# -- width-1 layers anywhere --------------------------------------------------------------


def test_mlp_with_width_one_hidden_layers_returns_one_value_and_backpropagates() -> None:
    model = MLP(2, [16, 1, 1])  # crashes in micrograd: its Layer returns a bare Value
    out = model([0.5, -1.5])
    assert isinstance(out, Value)
    out.backward()
    last = model.layers[-1].neurons[0]
    # d out / d b of the linear output neuron is exactly 1.
    assert last.b.grad == 1.0


@pytest.mark.parametrize("nouts", [[1], [1, 1], [1, 3, 1], [3, 1, 2], [1, 1, 1, 1]])
def test_width_one_layers_work_in_any_position(nouts: list[int]) -> None:
    model = MLP(1, nouts, activation="tanh")
    out = model([0.3])
    if nouts[-1] == 1:
        assert isinstance(out, Value)
    else:
        assert isinstance(out, list)
        assert len(out) == nouts[-1]


def test_layer_of_width_one_returns_a_list() -> None:
    out = Layer(3, 1)([1.0, 2.0, 3.0])
    assert isinstance(out, list)
    assert len(out) == 1
    assert isinstance(out[0], Value)


def test_mlp_with_wide_last_layer_returns_a_list_of_values() -> None:
    out = MLP(2, [4, 3])([1.0, 2.0])
    assert isinstance(out, list)
    assert [type(v) for v in out] == [Value, Value, Value]


# -- labels and parameter bookkeeping ----------------------------------------------------


def test_parameters_are_labelled_by_layer_neuron_and_input_counted_from_one() -> None:
    model = MLP(2, [2, 1])
    names = [name for name, _ in model.named_parameters()]
    assert names == [
        "L1.N1.w0",
        "L1.N1.w1",
        "L1.N1.b",
        "L1.N2.w0",
        "L1.N2.w1",
        "L1.N2.b",
        "L2.N1.w0",
        "L2.N1.w1",
        "L2.N1.b",
    ]
    assert all(p.label == name for name, p in model.named_parameters())


def test_parameters_follow_named_parameters_order() -> None:
    model = MLP(3, [4, 2])
    assert model.parameters() == [p for _, p in model.named_parameters()]
    assert len({id(p) for p in model.parameters()}) == model.num_parameters()


def test_num_parameters_counts_weights_and_biases() -> None:
    model = MLP(3, [16, 16, 1])
    assert model.num_parameters() == (3 + 1) * 16 + (16 + 1) * 16 + (16 + 1) * 1


def test_standalone_neuron_labels_without_and_with_a_name() -> None:
    assert [n for n, _ in Neuron(2).named_parameters()] == ["w0", "w1", "b"]
    assert [n for n, _ in Neuron(1, name="out").named_parameters()] == ["out.w0", "out.b"]


def test_zero_grad_resets_every_parameter() -> None:
    model = MLP(2, [3, 1])
    model([1.0, -1.0]).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_module_base_has_no_parameters() -> None:
    assert Module().parameters() == []
    assert Module().num_parameters() == 0


def test_repr_is_micrographs_with_one_name_per_neuron() -> None:
    assert repr(MLP(2, [2, 1])) == (
        "MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2)], Layer of [LinearNeuron(2)]]"
    )
    assert repr(MLP(2, [2, 1], activation="tanh", output_activation="sigmoid")) == (
        "MLP of [Layer of [TanhNeuron(2), TanhNeuron(2)], Layer of [SigmoidNeuron(2)]]"
    )
    assert repr(Neuron(3, "leaky_relu")) == "LeakyReLUNeuron(3)"
    assert repr(Layer(3, 2, nonlin=False)) == "Layer of [LinearNeuron(3), LinearNeuron(3)]"


# -- micrograd's keyword and draw --------------------------------------------------------


def test_nonlin_keyword_chooses_relu_or_linear_as_micrograd() -> None:
    assert Neuron(2, nonlin=True).activation == "relu"
    assert Neuron(2, nonlin=False).activation == "linear"
    assert Neuron(2, False).activation == "linear"  # micrograd's positional form
    assert Layer(2, 3, nonlin=False).activation == "linear"
    assert Neuron(2).nonlin is True
    assert Neuron(2, "linear").nonlin is False
    n = Neuron(2, nonlin=False, rng=0)
    n.load_parameters([2.0, 3.0, -10.0])
    assert n([1.0, 1.0]).data == -5.0  # not clipped to 0 by a ReLU


def test_nonlin_and_a_different_activation_together_are_refused() -> None:
    with pytest.raises(ValueError, match="Neuron: nonlin=False means activation='linear'"):
        Neuron(2, "tanh", nonlin=False)
    with pytest.raises(TypeError, match="Layer: nonlin must be True or False, got 'yes'"):
        Layer(2, 2, nonlin="yes")  # type: ignore[arg-type]
    assert Neuron(2, "relu", nonlin=True).activation == "relu"  # consistent: accepted


def test_without_seed_weights_are_micrographs_draws_from_global_random() -> None:
    random.seed(1337)
    expected = []
    for nin, nout in ((2, 3), (3, 1)):  # micrograd: per neuron, nin uniforms; biases are 0
        for _ in range(nout):
            expected += [random.uniform(-1, 1) for _ in range(nin)] + [0.0]
    random.seed(1337)
    assert MLP(2, [3, 1]).parameter_values() == expected


def test_global_random_stream_also_feeds_he_and_xavier_inits() -> None:
    random.seed(3)
    a = MLP(2, [4, 1], init="he").parameter_values()
    random.seed(3)
    b = MLP(2, [4, 1], init="he").parameter_values()
    c = MLP(2, [4, 1], init="he").parameter_values()  # the stream moved on
    assert a == b
    assert a != c
    random.seed(4)
    w, _ = weights_and_biases(Layer(30, 10, init="xavier"))
    assert np.abs(w).max() <= math.sqrt(6.0 / 40)


def test_a_seed_gives_a_private_stream_that_leaves_global_random_alone() -> None:
    random.seed(5)
    before = random.getstate()
    model = MLP(2, [4, 1], seed=5)
    assert random.getstate() == before
    random.seed(99)
    assert MLP(2, [4, 1], seed=5).parameter_values() == model.parameter_values()


# -- seeded initialisation ---------------------------------------------------------------


def test_same_seed_gives_identical_parameters() -> None:
    a = MLP(2, [8, 8, 1], seed=7).parameter_values()
    b = MLP(2, [8, 8, 1], seed=7).parameter_values()
    assert a == b


def test_different_seeds_give_different_parameters() -> None:
    assert MLP(2, [8, 1], seed=1).parameter_values() != MLP(2, [8, 1], seed=2).parameter_values()


def test_neurons_of_a_layer_get_different_weights() -> None:
    layer = Layer(4, 3, rng=0)
    rows = [tuple(w.data for w in n.w) for n in layer.neurons]
    assert len(set(rows)) == 3


def test_uniform_init_is_in_minus_one_one_with_zero_biases() -> None:
    layer = Layer(50, 100, init="uniform", rng=1)
    w, b = weights_and_biases(layer)
    assert w.min() >= -1.0
    assert w.max() <= 1.0
    # U(-1, 1) has variance 1/3; 5000 samples put the estimate well within 10 %.
    assert w.var() == pytest.approx(1.0 / 3.0, rel=0.1)
    assert np.all(b == 0.0)


def test_he_init_has_std_sqrt_two_over_fan_in() -> None:
    w, _ = weights_and_biases(Layer(50, 200, init="he", rng=2))
    assert w.mean() == pytest.approx(0.0, abs=0.01)
    assert w.std() == pytest.approx(math.sqrt(2.0 / 50), rel=0.05)


def test_xavier_init_is_uniform_within_glorot_limit() -> None:
    nin, nout = 30, 70
    w, _ = weights_and_biases(Layer(nin, nout, init="xavier", rng=3))
    limit = math.sqrt(6.0 / (nin + nout))
    assert np.abs(w).max() <= limit
    assert np.abs(w).max() > 0.95 * limit  # the whole range is used, not a narrower one
    assert w.std() == pytest.approx(limit / math.sqrt(3.0), rel=0.05)


# -- forward maths against numpy ---------------------------------------------------------


def test_mlp_forward_equals_numpy_matrix_computation() -> None:
    model = MLP(3, [5, 4, 2], activation="relu", seed=4, init="he")
    x = np.array([0.2, -1.1, 0.7])
    h = x
    for i, layer in enumerate(model.layers):
        w, b = weights_and_biases(layer)
        z = w @ h + b
        h = z if i == len(model.layers) - 1 else np.maximum(z, 0.0)
    out = model(x)
    assert isinstance(out, list)
    np.testing.assert_allclose([v.data for v in out], h, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    ("activation", "f"),
    [
        ("relu", lambda z: max(z, 0.0)),
        ("tanh", math.tanh),
        ("sigmoid", lambda z: 1.0 / (1.0 + math.exp(-z))),
        ("leaky_relu", lambda z: z if z > 0 else 0.01 * z),
        ("linear", lambda z: z),
    ],
)
def test_neuron_applies_its_activation(activation: str, f: object) -> None:
    n = Neuron(2, activation, rng=5)
    n.load_parameters([0.5, -2.0, 0.25])
    for x in ([1.0, 1.0], [-3.0, 0.5], [2.0, -1.0]):
        z = 0.5 * x[0] - 2.0 * x[1] + 0.25
        assert n(x).data == pytest.approx(f(z), rel=1e-12, abs=1e-15)  # type: ignore[operator]


def test_output_activation_applies_to_last_layer_only() -> None:
    model = MLP(2, [3, 1], activation="tanh", output_activation="sigmoid", seed=0)
    lin = MLP(2, [3, 1], activation="tanh", seed=0)
    x = [0.4, -0.9]
    out, z = model(x), lin(x)
    assert isinstance(out, Value)
    assert isinstance(z, Value)
    assert out.data == pytest.approx(1.0 / (1.0 + math.exp(-z.data)), rel=1e-12)


def test_input_values_receive_gradients() -> None:
    model = MLP(2, [3, 1], activation="tanh")
    x = [Value(0.3), Value(-0.2)]
    out = model(x)
    assert isinstance(out, Value)
    out.backward()
    # Central difference in x0 as the oracle.
    h = 1e-6
    up, down = model([0.3 + h, -0.2]), model([0.3 - h, -0.2])
    assert isinstance(up, Value)
    assert isinstance(down, Value)
    assert x[0].grad == pytest.approx((up.data - down.data) / (2 * h), rel=1e-6)


def test_numpy_array_and_list_inputs_agree() -> None:
    model = MLP(2, [4, 1])
    a, b = model(np.array([0.1, 0.2])), model([0.1, 0.2])
    assert isinstance(a, Value)
    assert isinstance(b, Value)
    assert a.data == b.data


# -- input validation --------------------------------------------------------------------


def test_wrong_input_length_names_expected_and_actual() -> None:
    with pytest.raises(ValueError, match="expected 2 inputs, got 3"):
        MLP(2, [4, 1])([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="expected 3 inputs, got 1"):
        Layer(3, 2)([1.0])
    with pytest.raises(ValueError, match="expected 2 inputs, got 0"):
        Neuron(2)([])


def test_two_dimensional_array_is_rejected_with_its_shape() -> None:
    with pytest.raises(ValueError, match=r"shape \(4, 2\)"):
        MLP(2, [4, 1])(np.zeros((4, 2)))


def test_batch_given_as_nested_list_is_rejected() -> None:
    with pytest.raises(ValueError, match="not a batch"):
        MLP(2, [4, 1])([[0.0, 1.0], [1.0, 0.0]])


def test_non_sequence_input_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="expected a list"):
        MLP(2, [4, 1])("ab")


@pytest.mark.parametrize("nin", [0, -1, 1.5, True])
def test_bad_nin_is_rejected(nin: object) -> None:
    with pytest.raises(ValueError, match="nin must be an integer >= 1"):
        MLP(nin, [1])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("build", "who"),
    [
        (lambda: MLP(2, [1], seed="a"), "MLP"),
        (lambda: MLP(2, [1], seed=1.5), "MLP"),
        (lambda: Layer(2, 1, rng="a"), "Layer"),
        (lambda: Neuron(2, rng=[0.5]), "Neuron"),
    ],
)
def test_bad_seed_is_a_type_error_naming_the_class(build, who: str) -> None:
    with pytest.raises(TypeError, match=rf"{who}: seed must be an int"):
        build()


def test_unknown_activation_lists_the_choices() -> None:
    with pytest.raises(ValueError, match="relu, tanh, sigmoid, leaky_relu, linear"):
        MLP(2, [1], activation="gelu")
    with pytest.raises(ValueError, match="output_activation 'softmax'"):
        MLP(2, [1], output_activation="softmax")


def test_unknown_init_lists_the_choices() -> None:
    with pytest.raises(ValueError, match="uniform, he, xavier"):
        Neuron(2, init="zeros")


@pytest.mark.parametrize("nouts", [[], [4, 0], "4", 3])
def test_bad_layer_widths_are_rejected(nouts: object) -> None:
    with pytest.raises(ValueError, match=r"nouts|layer width"):
        MLP(2, nouts)  # type: ignore[arg-type]


# -- config and parameter loading (used by io.py) ----------------------------------------


def test_config_is_json_and_rebuilds_the_same_architecture() -> None:
    model = MLP(3, [5, 1, 2], activation="leaky_relu", init="xavier", output_activation="tanh")
    config = json.loads(json.dumps(model.config()))
    rebuilt = MLP(**config)
    assert rebuilt.config() == model.config()
    assert [n for n, _ in rebuilt.named_parameters()] == [n for n, _ in model.named_parameters()]


def test_load_parameters_sets_every_value_in_order() -> None:
    model = MLP(2, [2, 1])
    values = [0.1 * i for i in range(model.num_parameters())]
    model.load_parameters(values)
    assert model.parameter_values() == values
    assert model.layers[1].neurons[0].b.data == values[-1]


def test_load_parameters_copies_predictions_between_models() -> None:
    a, b = MLP(2, [3, 1], seed=1), MLP(2, [3, 1], seed=2)
    b.load_parameters(a.parameter_values())
    out_a, out_b = a([0.3, 0.4]), b([0.3, 0.4])
    assert isinstance(out_a, Value)
    assert isinstance(out_b, Value)
    assert out_a.data == out_b.data


def test_load_parameters_rejects_wrong_length() -> None:
    with pytest.raises(ValueError, match="expected 9 values, got 8"):
        MLP(2, [2, 1]).load_parameters([0.0] * 8)


def test_load_parameters_rejects_nan_and_leaves_model_untouched() -> None:
    model = MLP(2, [2, 1])
    before = model.parameter_values()
    bad = [0.0] * 8 + [math.nan]
    with pytest.raises(ValueError, match="not finite"):
        model.load_parameters(bad)
    assert model.parameter_values() == before


# -- learning ------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mlp_learns_xor(seed: int) -> None:
    xs = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    ys = [0.0, 1.0, 1.0, 0.0]
    model = MLP(2, [4, 1], activation="tanh", seed=seed)
    opt = Adam(model.parameters(), lr=0.1)
    first = None
    for _ in range(150):
        loss = mse([model(x) for x in xs], ys)
        first = loss.data if first is None else first
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert loss.data < 1e-3 < first
    preds = [model(x) for x in xs]
    assert [p.data > 0.5 for p in preds if isinstance(p, Value)] == [False, True, True, False]


# -- pickling and copying models -------------------------------------------------------------


def _loss_and_grads(model: MLP) -> tuple[float, list[float]]:
    model.zero_grad()
    loss = mse([model([0.3, -1.2]), model([1.0, 0.5])], [1.0, -1.0])
    loss.backward()
    return loss.data, [p.grad for p in model.parameters()]


def _train_elsewhere(data: bytes) -> tuple[float, list[float]]:
    """Runs in a worker process: unpickle a model, return its loss and gradients."""
    import pickle

    return _loss_and_grads(pickle.loads(data))


@pytest.mark.parametrize("output_activation", ["linear", "tanh"])
def test_an_mlp_pickles_and_gives_the_same_loss_and_gradients(output_activation: str) -> None:
    import pickle

    model = MLP(2, [4, 3, 1], seed=3, output_activation=output_activation)
    copy_ = pickle.loads(pickle.dumps(model))
    assert copy_.parameter_values() == model.parameter_values()
    assert [n for n, _ in copy_.named_parameters()] == [n for n, _ in model.named_parameters()]
    assert _loss_and_grads(copy_) == _loss_and_grads(model)


def test_a_deep_copied_mlp_trains_independently_of_the_original() -> None:
    import copy

    model = MLP(2, [4, 1], seed=5)
    before = model.parameter_values()
    twin = copy.deepcopy(model)
    assert _loss_and_grads(twin) == _loss_and_grads(model)
    Adam(twin.parameters(), lr=0.1).step()
    assert model.parameter_values() == before != twin.parameter_values()


def test_an_mlp_round_trips_through_a_multiprocessing_worker() -> None:
    import multiprocessing
    import pickle

    model = MLP(2, [3, 1], seed=7)
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        theirs = pool.apply(_train_elsewhere, (pickle.dumps(model),))
        returned = pool.apply(pickle.loads, (pickle.dumps(model),))  # and back again
    assert theirs == _loss_and_grads(model)
    assert returned.parameter_values() == model.parameter_values()


# -- the registry of live modules (what drawings colour as parameters) --------------------


def test_a_failed_construction_kept_alive_by_its_traceback_breaks_no_drawing() -> None:
    import sys

    from microgradx import draw_dot
    from microgradx.nn import _LIVE_MODULES, _live_parameters

    model = MLP(2, [2, 1], seed=0)
    try:
        MLP(2, [4, 0])  # fails inside __init__, after the module object exists
    except ValueError:
        kept = sys.exc_info()[2]  # what Jupyter keeps as sys.last_traceback
    assert kept is not None
    assert all(hasattr(m, "layers") for m in _LIVE_MODULES if isinstance(m, MLP))
    assert set(model.parameters()) <= _live_parameters()
    source = draw_dot(model([1.0, 2.0])).source
    assert source.count("L1.N1.w0") == 1


def test_a_module_whose_parameters_raise_colours_nothing_and_breaks_no_drawing() -> None:
    from microgradx import draw_dot
    from microgradx.nn import _live_parameters

    class Broken(Module):
        def named_parameters(self):  # type: ignore[override]
            raise RuntimeError("not ready")

    broken = Broken()
    model = MLP(1, [1], seed=0)
    assert set(model.parameters()) <= _live_parameters()
    assert "L1.N1.w0" in draw_dot(model([0.5])).source
    del broken


def test_copied_and_unpickled_modules_are_registered() -> None:
    import copy
    import pickle

    from microgradx.nn import _live_parameters

    model = MLP(2, [2, 1], seed=0)
    for twin in (copy.deepcopy(model), pickle.loads(pickle.dumps(model))):
        assert set(twin.parameters()) <= _live_parameters()


def _tampered(model: MLP, change: Callable[[MLP], None]) -> bytes:
    """A pickle of ``model`` after ``change`` rewired it (as an edited byte stream would)."""
    import copy
    import pickle

    twin = copy.deepcopy(model)
    change(twin)
    return pickle.dumps(twin)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m.layers[1].neurons[0].w.append(Value(0.5)), "L2.N1 has nin=3 but 4 weights"),
        (lambda m: m.layers[0].neurons.pop(), "layer L1 has nout=3 but 2 neurons"),
        (lambda m: setattr(m, "nin", 5), r"layer 1 is 2 → 3 \(relu\) but the model says 5 → 3"),
        (lambda m: m.nouts.append(4), r"nouts=\[3, 1, 4\] but 2 layers"),
        (lambda m: setattr(m, "output_activation", "tanh"), r"layer 2 is 3 → 1 \(linear\)"),
        (lambda m: setattr(m.layers[0].neurons[1], "activation", "tanh"), "does not match"),
    ],
    ids=["weights", "neurons", "nin", "nouts", "output-activation", "activation"],
)
def test_a_pickled_mlp_whose_sizes_disagree_with_its_layers_is_refused(
    change: Callable[[MLP], None], message: str
) -> None:
    import pickle

    data = _tampered(MLP(2, [3, 1], seed=1), change)
    with pytest.raises(ValueError, match=message):
        pickle.loads(data)
