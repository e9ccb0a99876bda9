"""Tests for ``microgradx graph``: the whitelisted expression parser and the command."""

from __future__ import annotations

import argparse
import math
import shutil
from pathlib import Path

import pytest

from microgradx import graphcmd
from microgradx.graphcmd import ExpressionError, parse_expression

NEURON = ["tanh(x*w + b)", "--set", "x=2", "--set", "w=-3", "--set", "b=6.8814"]
needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None, reason="Graphviz `dot` is not installed (apt-get install graphviz)"
)


def run_graph(*argv: str) -> int:
    """Run the graph subcommand alone (independent of the other subcommands in cli.py)."""
    parser = argparse.ArgumentParser(prog="microgradx")
    graphcmd.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["graph", *argv])
    return int(args.run(args))


def test_parser_builds_the_neuron_with_labelled_variables():
    out = parse_expression("tanh(x*w + b)", {"x": 2, "w": -3, "b": 6.8814})
    assert out.data == pytest.approx(math.tanh(2 * -3 + 6.8814))
    mul = out.parents[0].parents[0]
    assert [p.label for p in mul.parents] == ["x", "w"]


def test_a_variable_used_twice_is_one_node():
    out = parse_expression("x * x + x", {"x": 3})
    out.backward()
    x = out.parents[1]
    assert x.label == "x" and x.grad == 7.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("exp(a) + log(a) + sqrt(a)", math.exp(2) + math.log(2) + math.sqrt(2)),
        ("sigmoid(-a) * relu(a) - softplus(0)", 2 / (1 + math.exp(2)) - math.log(2)),
        ("sin(a) ** 2 + cos(a) ** 2", 1.0),
        ("abs(-a) / +a", 1.0),
        ("leaky_relu(-a, 0.25) + leaky_relu(a)", -0.5 + 2.0),
        ("a ** a", 4.0),
    ],
)
def test_parser_supports_the_whitelisted_functions_and_operators(text: str, expected: float):
    assert parse_expression(text, {"a": 2.0}).data == pytest.approx(expected)


def test_constant_exponent_becomes_a_power_op():
    out = parse_expression("x ** 2", {"x": 3})
    assert out.op == "pow2" and len(out.parents) == 1


HOSTILE = [
    "__import__('os').system('echo pwned')",
    "__import__('os')",
    "x.__class__",
    "(lambda: 1)()",
    "[x for x in (1, 2)]",
    "{x: 1 for x in (1,)}",
    "x[0]",
    "'hello'",
    "b'bytes'",
    "f'{x}'",
    "1j",
    "True",
    "...",
    "undefined_name + 1",
    "open('/etc/passwd')",
    "exec('1')",
    "eval('1')",
    "globals()",
    "tanh",
    "tanh(x, x)",
    "tanh(x=1)",
    "tanh(*[x])",
    "leaky_relu(x, x)",
    "x if x else 1",
    "x and 1",
    "x < 1",
    "x // 2",
    "x % 2",
    "x @ x",
    "~x",
    "not x",
    "(x := 2)",
    "x, x",
    "9 ** 9 ** 9 ** 9",
    "10.0 ** 400",
    "exp(1000)",
    "1" + "0" * 400,
    "log(0)",
    "x / 0",
    "x +",
    "",
    "x + " * 200 + "x",
    "-" * 300 + "x",
    "(" * 300 + "x" + ")" * 300,
    "x\x00",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_expressions_exit_2_with_one_line_and_write_nothing(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    out = tmp_path / "graph.svg"
    assert run_graph("--set", "x=2", "-o", str(out), "--", text) == 2  # "--": text may start with -
    err = capsys.readouterr().err
    assert err.startswith("microgradx graph: error: ")
    assert err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_parse_expression_raises_expression_error_not_python_errors():
    with pytest.raises(ExpressionError, match="unknown function '__import__'"):
        parse_expression("__import__('os')", {})
    with pytest.raises(ExpressionError, match="undefined variable 'y'"):
        parse_expression("x + y", {"x": 1.0})


@pytest.mark.parametrize("assignment", ["x", "x=abc", "1x=2", "x=nan", "x=inf", "tanh=1"])
def test_bad_set_exits_2(assignment: str, tmp_path: Path):
    assert run_graph("x + 1", "--set", assignment, "-o", str(tmp_path / "g.dot")) == 2
    assert list(tmp_path.iterdir()) == []


def test_dot_output_has_the_neuron_after_backward(tmp_path: Path, capsys: pytest.CaptureFixture):
    out = tmp_path / "neuron.dot"
    assert run_graph(*NEURON, "-o", str(out)) == 0
    src = out.read_text()
    assert "{ x | data 2.000 | grad −1.500 }" in src
    assert 'label="∂=−3.000"' in src
    assert "∂/∂x = -1.49994" in capsys.readouterr().out


def test_no_backward_draws_the_grads_as_not_computed(tmp_path: Path):
    out = tmp_path / "g.svg"
    assert run_graph(*NEURON, "--no-backward", "--format", "dot", "-o", str(out)) == 0
    assert "grads not computed yet" in out.read_text()


@needs_dot
@pytest.mark.parametrize(("fmt", "signature"), [("svg", b"<?xml"), ("png", b"\x89PNG")])
def test_command_renders_svg_and_png(tmp_path: Path, fmt: str, signature: bytes):
    out = tmp_path / f"neuron.{fmt}"
    assert run_graph(*NEURON, "-o", str(out)) == 0
    assert out.read_bytes().startswith(signature)


def test_missing_dot_gives_the_install_hint_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    monkeypatch.setenv("PATH", "")
    assert run_graph(*NEURON, "-o", str(tmp_path / "g.svg")) == 1
    err = capsys.readouterr().err
    assert "apt-get install graphviz" in err and "--format dot" in err
    assert list(tmp_path.iterdir()) == []


def test_unknown_suffix_without_format_exits_2(tmp_path: Path):
    assert run_graph(*NEURON, "-o", str(tmp_path / "g.gif")) == 2
    assert list(tmp_path.iterdir()) == []


def test_a_variable_spelled_with_compatibility_characters_is_found(tmp_path: Path):
    # Python reads the identifier "ｘ" (fullwidth) as "x" (NFKC), so --set must do the same.
    assert run_graph("ｘ * 2", "--set", "ｘ=5", "-o", str(tmp_path / "g.dot")) == 0
    assert parse_expression("ｘ * 2", {"ｘ": 5}).data == 10.0
