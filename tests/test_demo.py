"""End-to-end tests of ``microgradx demo``: the files it writes, its output, its errors."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from microgradx import io
from microgradx.cli import main

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
FAST = ["--epochs", "2", "--batch-size", "64"]
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` not installed")


def _check_files(out) -> None:
    assert sorted(p.name for p in out.iterdir()) == [
        "decision_boundary.png",
        "graph.svg",
        "loss.png",
        "model.json",
    ]
    for png in ("decision_boundary.png", "loss.png"):
        assert (out / png).read_bytes().startswith(PNG_SIGNATURE)
    root = ET.parse(out / "graph.svg").getroot()
    assert root.tag.rsplit("}", 1)[-1] == "svg"
    assert "L1.N" in (out / "graph.svg").read_text()  # the drawn neuron's labelled parameters


@needs_dot
def test_default_demo_reaches_97_percent_test_accuracy(tmp_path, capsys):
    # Accuracy only: speed is measured by benchmarks and reported, never asserted in tests.
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    test_accuracy = float(re.search(r"test (\d+\.\d)%", printed).group(1))
    assert test_accuracy >= 97.0
    _check_files(out)
    model = io.load(out / "model.json")
    assert model.config()["nouts"] == [16, 16, 1]


@needs_dot
def test_multi_class_spirals_write_all_four_valid_files(tmp_path):
    out = tmp_path / "spirals"
    assert main(["demo", "--dataset", "spirals", "--out", str(out), "--quiet", *FAST]) == 0
    _check_files(out)
    assert io.load(out / "model.json").nouts[-1] == 3  # one logit per spiral arm
    assert json.loads((out / "model.json").read_text())["format"] == io.FORMAT


def test_quiet_prints_one_summary_line_and_no_progress_bar(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path), "--quiet", *FAST]) == 0
    captured = capsys.readouterr()
    assert captured.out.count("\n") == 1
    assert "accuracy train" in captured.out
    assert "epoch" not in captured.err


def test_default_output_shows_setup_progress_and_written_files(tmp_path, capsys):
    assert main(["demo", "--optimizer", "momentum", "--out", str(tmp_path), *FAST]) == 0
    captured = capsys.readouterr()
    assert "180 train / 60 validation / 60 test" in captured.out
    assert "momentum, 2 epochs × 3 iterations (batch size 64)" in captured.out
    assert re.search(r"test \d+\.\d%", captured.out)
    assert "model.json" in captured.out
    assert "2/2" in captured.err  # the tqdm bar reached the last epoch


def test_missing_graphviz_prints_the_fix_and_still_writes_the_other_files(
    tmp_path, capsys, monkeypatch
):
    from microgradx.viz import render

    monkeypatch.setattr(render.shutil, "which", lambda name: None)
    assert main(["demo", "--out", str(tmp_path), "--quiet", *FAST]) == 0
    err = capsys.readouterr().err
    assert "apt-get install graphviz" in err
    assert "brew install graphviz" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "decision_boundary.png",
        "loss.png",
        "model.json",
    ]


def test_the_same_seed_writes_the_same_model(tmp_path):
    for name in ("a", "b"):
        main(["demo", "--seed", "3", "--out", str(tmp_path / name), "--quiet", *FAST])
    assert (tmp_path / "a" / "model.json").read_bytes() == (
        tmp_path / "b" / "model.json"
    ).read_bytes()


def test_an_unwritable_output_directory_exits_1_with_a_message(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    assert main(["demo", "--out", str(blocker / "sub"), "--quiet", *FAST]) == 1
    assert "cannot create output directory" in capsys.readouterr().err


@pytest.mark.parametrize(
    "args",
    [
        ["--dataset", "iris"],
        ["--optimizer", "lbfgs"],
        ["--epochs", "0"],
        ["--epochs", "ten"],
        ["--batch-size", "-4"],
        ["--seed", "-1"],
        ["--lr", "0"],
        ["--lr", "nan"],
        ["--unknown"],
    ],
)
def test_bad_arguments_exit_with_code_2(tmp_path, capsys, args):
    with pytest.raises(SystemExit) as excinfo:
        main(["demo", "--out", str(tmp_path), *args])
    assert excinfo.value.code == 2
    assert "usage: microgradx" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []  # nothing was written


def test_python_dash_m_runs_the_cli():
    result = subprocess.run(
        [sys.executable, "-m", "microgradx", "demo", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    assert "--batch-size" in result.stdout


def test_graph_shows_the_drawn_samples_grads_not_leftovers_from_training():
    # fit() leaves the last batch's gradients in .grad; the picture must not add them in.
    from microgradx import MLP, data
    from microgradx.demo import _neuron_graph

    X, _ = data.make_moons(20, seed=0)
    clean = _neuron_graph(MLP(2, [4, 1], seed=0), X).source
    model = MLP(2, [4, 1], seed=0)
    for p in model.parameters():
        p.grad = 123.0
    assert _neuron_graph(model, X).source == clean
    assert all(p.grad == 0.0 for p in model.parameters())
