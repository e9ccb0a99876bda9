"""Tests for microgradx.io: JSON model files, atomic saves, and hostile-file rejection."""

from __future__ import annotations

import json
import os
import random
import stat
import subprocess
import sys
import tracemalloc

import numpy as np
import pytest

from microgradx import io
from microgradx.nn import MLP


def _model() -> MLP:
    return MLP(2, [5, 3, 1], activation="tanh", seed=4)


def _document(model: MLP | None = None) -> dict:
    model = model or MLP(2, [3, 1], seed=1)
    return {
        "format": io.FORMAT,
        "version": io.VERSION,
        "config": model.config(),
        "parameters": {name: p.data for name, p in model.named_parameters()},
    }


def _outputs(model: MLP, X: np.ndarray) -> list[float]:
    return [model(x).data for x in X]


def test_save_then_load_gives_identical_predictions(tmp_path):
    model = _model()
    path = io.save(model, tmp_path / "m.json")
    loaded = io.load(path)
    X = np.random.default_rng(0).normal(size=(20, 2))
    assert _outputs(loaded, X) == _outputs(model, X)  # bit-for-bit, not approximately
    assert loaded.config() == model.config()


def test_load_leaves_the_global_random_stream_where_it_was(tmp_path):
    path = io.save(_model(), tmp_path / "m.json")
    random.seed(7)
    expected = random.random()
    random.seed(7)
    io.load(path)
    assert random.random() == expected


def test_loaded_parameters_keep_their_names_and_values(tmp_path):
    model = MLP(3, [2, 2], activation="sigmoid", seed=9)
    loaded = io.load(io.save(model, str(tmp_path / "m.json")))
    assert [(n, p.data) for n, p in loaded.named_parameters()] == [
        (n, p.data) for n, p in model.named_parameters()
    ]


def test_saved_file_is_plain_json_with_format_version_config_and_parameters(tmp_path):
    model = MLP(2, [2, 1], seed=0)
    io.save(model, tmp_path / "m.json")
    document = json.loads((tmp_path / "m.json").read_text())
    assert document["format"] == "microgradx-mlp"
    assert document["version"] == 1
    assert document["config"]["nouts"] == [2, 1]
    assert list(document["parameters"]) == [n for n, _ in model.named_parameters()]


def test_save_overwrites_an_existing_file_and_leaves_no_temp_file(tmp_path):
    path = tmp_path / "m.json"
    io.save(MLP(2, [1], seed=0), path)
    io.save(_model(), path)
    assert io.load(path).config() == _model().config()
    assert os.listdir(tmp_path) == ["m.json"]


def test_save_rejects_a_non_model():
    with pytest.raises(TypeError, match="save: expected an MLP, got dict"):
        io.save({}, "m.json")


def test_save_rejects_a_bad_path_type():
    with pytest.raises(TypeError, match=r"save: path must be a str or os\.PathLike, got int"):
        io.save(_model(), 3)


@pytest.mark.parametrize(
    ("target", "failure"),
    [("json.dump", TypeError("disk full, simulated")), ("os.replace", OSError("simulated"))],
)
def test_failed_save_keeps_the_old_file_and_leaves_no_temp_file(
    tmp_path, monkeypatch, target, failure
):
    path = tmp_path / "m.json"
    io.save(MLP(2, [1], seed=0), path)
    before = path.read_bytes()

    def fail(*args, **kwargs):
        if target == "json.dump":  # write part of the file first, like a real mid-way failure
            args[1].write('{"format": "microgradx-mlp", "vers')
        raise failure

    module, name = target.split(".")
    monkeypatch.setattr(getattr(io, module), name, fail)
    with pytest.raises(type(failure), match="simulated"):
        io.save(_model(), path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.json"]


def test_interrupted_save_into_a_new_path_creates_nothing(tmp_path, monkeypatch):
    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(io.os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        io.save(_model(), tmp_path / "new.json")
    assert os.listdir(tmp_path) == []


def _rejected(tmp_path, content: str | bytes, pattern: str, **kwargs) -> None:
    """Write hostile content, check load raises ValueError matching, and the file is untouched."""
    path = tmp_path / "bad.json"
    raw = content.encode() if isinstance(content, str) else content
    path.write_bytes(raw)
    with pytest.raises(ValueError, match=pattern) as excinfo:
        io.load(path, **kwargs)
    assert str(path) in str(excinfo.value)
    assert path.read_bytes() == raw


def _dumped(**changes) -> str:
    document = _document()
    document.update(changes)
    return json.dumps(document)


def test_load_rejects_truncated_file(tmp_path):
    full = json.dumps(_document())
    _rejected(tmp_path, full[: len(full) // 2], r"load: .*not valid JSON \(truncated")


def test_load_rejects_empty_file(tmp_path):
    _rejected(tmp_path, "", "not valid JSON")


def test_load_rejects_binary_garbage(tmp_path):
    _rejected(tmp_path, bytes(range(256)) * 4, "not a text")


def test_load_rejects_a_json_list(tmp_path):
    _rejected(tmp_path, "[1, 2, 3]", "expected a JSON object at the top level, got list")


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_load_rejects_nan_and_infinity_tokens(tmp_path, token):
    text = _dumped().replace('"L1.N1.b": 0.0', f'"L1.N1.b": {token}')
    assert token in text
    _rejected(tmp_path, text, f"non-finite number {token}")


@pytest.mark.parametrize("number", ["1e999", "-1e400", "1" * 400])
def test_load_rejects_numbers_too_large_for_a_float(tmp_path, number):
    text = _dumped().replace('"L1.N1.b": 0.0', f'"L1.N1.b": {number}')
    _rejected(tmp_path, text, "too large")


def test_load_rejects_integers_with_absurdly_many_digits(tmp_path):
    text = _dumped().replace('"L1.N1.b": 0.0', f'"L1.N1.b": {"9" * 5000}')
    _rejected(tmp_path, text, "load: ")


@pytest.mark.parametrize("value", ['"0.5"', "null", "true", "[0.5]", "{}"])
def test_load_rejects_parameters_that_are_not_numbers(tmp_path, value):
    text = _dumped().replace('"L1.N1.b": 0.0', f'"L1.N1.b": {value}')
    _rejected(tmp_path, text, r"parameter 'L1.N1.b': expected a number")


def test_load_rejects_wrong_version(tmp_path):
    _rejected(tmp_path, _dumped(version=2), "unsupported version 2")


def test_load_rejects_version_given_as_true(tmp_path):
    _rejected(tmp_path, _dumped(version=True), "unsupported version True")


def test_load_rejects_wrong_format(tmp_path):
    _rejected(tmp_path, _dumped(format="pickle"), "format is 'pickle'")


def test_load_rejects_unknown_top_level_keys(tmp_path):
    _rejected(tmp_path, _dumped(code="__import__('os')"), r"unknown key\(s\) 'code'")


def test_load_rejects_missing_keys(tmp_path):
    document = _document()
    del document["parameters"]
    _rejected(tmp_path, json.dumps(document), r"missing key\(s\) 'parameters'")


def test_load_rejects_duplicate_keys(tmp_path):
    text = _dumped().replace('"L1.N1.b": 0.0', '"L1.N1.b": 0.0, "L1.N1.b": 1.0')
    _rejected(tmp_path, text, "duplicate key 'L1.N1.b'")


def test_load_rejects_unknown_config_keys(tmp_path):
    document = _document()
    document["config"]["dropout"] = 0.5
    _rejected(tmp_path, json.dumps(document), r"config has unknown key\(s\) 'dropout'")


def test_load_rejects_config_missing_required_keys(tmp_path):
    document = _document()
    del document["config"]["nouts"]
    _rejected(tmp_path, json.dumps(document), r"config is missing key\(s\) 'nouts'")


def test_load_rejects_an_invalid_activation(tmp_path):
    document = _document()
    document["config"]["activation"] = "swish"
    _rejected(tmp_path, json.dumps(document), "invalid architecture: .*swish")


@pytest.mark.parametrize(
    ("nouts", "pattern"),
    [([0, 1], "widths must be integers >= 1"), ("3", "non-empty list"), ([2.5], "2.5")],
)
def test_load_rejects_bad_layer_widths(tmp_path, nouts, pattern):
    document = _document()
    document["config"]["nouts"] = nouts
    _rejected(tmp_path, json.dumps(document), pattern)


def test_load_rejects_a_huge_architecture_before_building_it(tmp_path):
    document = _document()
    document["config"]["nouts"] = [10**9, 1]  # would need gigabytes if it were built
    _rejected(tmp_path, json.dumps(document), "the architecture has 4000000001 parameters")


def test_load_rejects_missing_parameter(tmp_path):
    document = _document()
    del document["parameters"]["L2.N1.b"]
    _rejected(
        tmp_path, json.dumps(document), "architecture has 13 parameters but the file holds 12"
    )


def test_load_rejects_renamed_parameter(tmp_path):
    document = _document()
    document["parameters"]["L9.N9.w9"] = document["parameters"].pop("L1.N1.w0")
    _rejected(tmp_path, json.dumps(document), r"missing 'L1.N1.w0'; unknown 'L9.N9.w9'")


def test_load_rejects_parameters_for_a_different_shape(tmp_path):
    document = _document(MLP(2, [3, 1], seed=1))
    document["config"]["nouts"] = [1, 5]  # same count (13), different shape and names
    _rejected(tmp_path, json.dumps(document), "parameter names do not match the architecture")


def test_load_rejects_parameters_given_as_a_list(tmp_path):
    document = _document()
    document["parameters"] = list(document["parameters"].values())
    _rejected(tmp_path, json.dumps(document), "'parameters' must be an object, got list")


def test_load_rejects_oversized_file(tmp_path):
    text = json.dumps(_document()) + " " * 2000
    _rejected(tmp_path, text, "larger than 1000 bytes", max_bytes=1000)


def test_load_rejects_deeply_nested_json(tmp_path):
    _rejected(tmp_path, "[" * 100_000 + "]" * 100_000, "load: ")


def test_load_of_a_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        io.load(tmp_path / "nope.json")


def test_saved_file_permissions_follow_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        path = io.save(_model(), tmp_path / "m.json")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644


# -- files that are not model files at all: refused at once, in bounded memory -----------------


_LOAD_SCRIPT = """
import sys
from microgradx import io
try:
    io.load(sys.argv[1])
except ValueError as e:
    print(e)
"""


def test_load_refuses_a_fifo_at_once_instead_of_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "model.json"
    os.mkfifo(fifo)
    result = subprocess.run(  # a subprocess: if load blocked, the timeout fails the test
        [sys.executable, "-c", _LOAD_SCRIPT, str(fifo)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert f"load: {fifo}: is a FIFO (named pipe), not a model file" in result.stdout


def test_load_refuses_a_directory(tmp_path):
    with pytest.raises(ValueError, match="is a directory, not a model file"):
        io.load(tmp_path)


def test_load_refuses_a_device_node(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("creating a device node needs root (mknod)")
    node = tmp_path / "zero-device"
    os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 5))  # our own /dev/zero twin: endless
    with pytest.raises(ValueError, match="is a character device, not a model file"):
        io.load(node)


def _peak_bytes_while(action) -> int:
    tracemalloc.start()
    try:
        action()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_load_checks_the_size_before_reading(tmp_path):
    path = tmp_path / "huge.json"
    with open(path, "wb") as f:
        f.truncate(io.MAX_BYTES + 1)  # sparse: costs no disk

    def attempt():
        with pytest.raises(ValueError, match=f"larger than {io.MAX_BYTES} bytes"):
            io.load(path)

    assert _peak_bytes_while(attempt) < 1_000_000


def test_load_refuses_a_flood_of_empty_lists_after_its_first_megabyte(tmp_path):
    path = tmp_path / "lists.json"
    path.write_bytes(b"[" + b"[]," * 4_000_000 + b"[]]")  # 12 MB; json would need ~300 MB

    def attempt():
        with pytest.raises(ValueError, match="more than 64 JSON arrays/objects"):
            io.load(path)

    assert _peak_bytes_while(attempt) < 3 * 2**20  # one 1 MiB chunk read, never the file


def test_load_refuses_a_flood_of_values_before_parsing(tmp_path):
    path = tmp_path / "values.json"
    document = _document()
    document["parameters"] = {f"p{i}": 0 for i in range(300_000)}
    path.write_text(json.dumps(document))  # 3.6 MB; parsed, ~40 MB of keys and tuples

    def attempt():
        with pytest.raises(ValueError, match="more than 1000 values; for a bigger model"):
            io.load(path, max_parameters=1000)

    assert _peak_bytes_while(attempt) < 3 * 2**20  # refused in the first chunk, never parsed


def test_load_refuses_an_architecture_beyond_max_parameters(tmp_path):
    path = io.save(MLP(2, [3, 1], seed=1), tmp_path / "m.json")  # 13 parameters
    assert io.load(path, max_parameters=13).num_parameters() == 13
    with pytest.raises(ValueError, match="has 13 parameters, more than max_parameters=12"):
        io.load(path, max_parameters=12)


@pytest.mark.parametrize("name", ["max_bytes", "max_parameters"])
@pytest.mark.parametrize("limit", [0, -1, 2.5, "10"])
def test_load_rejects_bad_limits(tmp_path, name, limit):
    with pytest.raises(ValueError, match=f"load: {name} must be an integer >= 1"):
        io.load(tmp_path / "m.json", **{name: limit})


def test_save_through_a_symlink_updates_the_target(tmp_path):
    real = io.save(MLP(2, [1], seed=0), tmp_path / "real.json")
    link = tmp_path / "current.json"
    link.symlink_to(real)
    io.save(_model(), link)
    assert link.is_symlink()
    assert io.load(real).config() == _model().config()


def test_save_keeps_a_private_files_mode(tmp_path):
    path = io.save(MLP(2, [1], seed=0), tmp_path / "m.json")
    path.chmod(0o600)
    io.save(_model(), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_save_refuses_a_device_node_and_leaves_it_a_device(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("creating a device node needs root (mknod)")
    node = tmp_path / "full-device"
    os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 7))  # our own /dev/full twin
    with pytest.raises(OSError, match="is a character device, not a regular file"):
        io.save(_model(), node)
    assert stat.S_ISCHR(node.stat().st_mode)
    assert os.listdir(tmp_path) == ["full-device"]


# -- a model changed after construction: saved as what it computes -------------------------


def _round_trip_matches(model: MLP, tmp_path) -> MLP:
    """Save and load ``model``; the copy must predict and hold exactly what the model does."""
    path = io.save(model, tmp_path / "changed.json")
    loaded = io.load(path)
    X = np.random.default_rng(3).uniform(-2, 2, (16, model.nin))
    assert [_flat(loaded(x)) for x in X] == [_flat(model(x)) for x in X]
    assert loaded.parameter_values() == model.parameter_values()
    return loaded


def _flat(out) -> list[float]:
    return [v.data for v in out] if isinstance(out, list) else [out.data]


def test_save_after_reassigning_the_activation_attribute_saves_what_the_neurons_compute(
    tmp_path,
):
    model = MLP(2, [4, 1], activation="relu", seed=2)
    model.activation = "tanh"  # a tag only: the neurons still apply relu
    loaded = _round_trip_matches(model, tmp_path)
    assert loaded.config()["activation"] == "relu"


def test_save_after_appending_a_layer_saves_the_longer_model(tmp_path):
    from microgradx.nn import Layer

    model = MLP(2, [3, 1], output_activation="relu", seed=5)
    model.layers.append(Layer(1, 2, activation="linear", rng=6, name="L3"))
    loaded = _round_trip_matches(model, tmp_path)
    assert loaded.config()["nouts"] == [3, 1, 2]


def test_save_of_relabelled_parameters_writes_the_names_load_expects(tmp_path):
    model = MLP(2, [2, 1], seed=7)
    model.layers[0].neurons[1].w[0].label = "my weight"
    _round_trip_matches(model, tmp_path)


@pytest.mark.parametrize(
    ("change", "pattern"),
    [
        ("append_relu_hidden_after_linear", r"hidden layers mix activations"),
        ("one_neuron_tanh", r"layer 1 mixes activations"),
        ("custom_activation", r"layer 2 neuron 1 applies .*not one of"),
        ("layer_width_mismatch", r"layer 2 neuron 1 has 3 weights for 4 inputs"),
    ],
)
def test_save_refuses_a_model_no_mlp_call_builds_and_keeps_the_old_file(tmp_path, change, pattern):
    from microgradx.engine import Value
    from microgradx.nn import Layer, Neuron

    model = MLP(2, [4, 1], seed=8)
    path = io.save(model, tmp_path / "model.json")
    before = path.read_bytes()
    if change == "append_relu_hidden_after_linear":  # L2 (linear) becomes a hidden layer
        model.layers.append(Layer(1, 1, activation="relu", rng=1, name="L3"))
    elif change == "one_neuron_tanh":
        model.layers[0].neurons[0]._act = Value.tanh
    elif change == "custom_activation":
        model.layers[1].neurons[0]._act = lambda v: v * 2
    else:
        model.layers[1].neurons[0] = Neuron(3, "linear", rng=1, name="L2.N1")
    with pytest.raises(ValueError, match=r"^save: MLP.config: no MLP\(\.\.\.\) call .*" + pattern):
        io.save(model, path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json"]
