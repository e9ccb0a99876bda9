"""Tests for ``microgradx graph``: the whitelisted expression parser and the command."""

from __future__ import annotations

import argparse
import math
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from microgradx import graphcmd, ops
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


def test_every_unary_function_of_the_rule_table_can_be_called_by_name():
    # neg is unary minus; leaky_relu(x[, slope]) is parsed apart.
    unary = {name for name, op in ops.RULES.items() if op.arity == 1} - {"neg"}
    assert unary <= set(graphcmd.FUNCTIONS)
    for name in sorted(unary):
        x = 1.5 if name == "acosh" else 0.5  # a point inside every op's domain
        out = parse_expression(f"{name}(x)", {"x": x})
        assert out.op == name and out.parents[0].label == "x"


def test_every_binary_op_of_the_rule_table_has_its_operator():
    for text, name in [("x + y", "add"), ("x - y", "sub"), ("x * y", "mul"), ("x / y", "div"),
                       ("x ** y", "pow"), ("x % y", "mod")]:  # fmt: skip
        out = parse_expression(text, {"x": 7.5, "y": 2.0})
        assert out.op == name and [p.label for p in out.parents] == ["x", "y"]
    assert {name for name, op in ops.RULES.items() if op.arity == 2} == {
        "add",
        "sub",
        "mul",
        "div",
        "pow",
        "mod",
    }


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
    "x % 0",
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


# -- the command as a user runs it: a subprocess, one line per mistake, never a traceback -------


def cli(*argv: str, env: dict[str, str] | None = None, cwd: Path | None = None):
    """Run ``python -m microgradx`` and return the completed process (bytes out, text err)."""
    result = subprocess.run(
        [sys.executable, "-m", "microgradx", *argv],
        capture_output=True,
        timeout=120,
        check=False,
        env={**os.environ, **(env or {})},
        cwd=cwd,
    )
    assert b"Traceback" not in result.stderr
    return result


def one_error_line(result) -> str:
    err = result.stderr.decode()
    assert result.returncode == 2
    assert err.count("\n") == 1 and err.startswith("microgradx graph: error: ")
    return err


@needs_dot
def test_output_dash_writes_the_svg_to_stdout_and_the_summary_to_stderr(tmp_path: Path):
    result = cli("graph", *NEURON, "-o", "-", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith(b"<?xml") and result.stdout.rstrip().endswith(b"</svg>")
    assert "wrote the graph to standard output" in result.stderr.decode()
    assert list(tmp_path.iterdir()) == []  # no file named "-"


def test_output_dash_with_dot_format_needs_no_graphviz(tmp_path: Path):
    result = cli("graph", *NEURON, "--format", "dot", "-o", "-", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.decode().startswith("digraph")


@pytest.mark.parametrize("existing", [True, False])
def test_output_to_a_directory_writes_graph_inside_it(tmp_path: Path, existing: bool):
    folder = tmp_path / "pictures"
    if existing:
        folder.mkdir()
    target = f"{folder}/" if not existing else str(folder)
    result = cli("graph", *NEURON, "--format", "dot", "-o", target)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["graph.dot"]
    assert (folder / "graph.dot").read_text().startswith("digraph")


def test_an_empty_output_name_is_a_clear_error(tmp_path: Path):
    err = one_error_line(cli("graph", *NEURON, "-o", "", cwd=tmp_path))
    assert "-o needs a file name" in err
    assert list(tmp_path.iterdir()) == []


def test_output_onto_a_device_node_is_refused_and_the_node_kept(tmp_path: Path):
    if os.geteuid() != 0:
        pytest.skip("creating a device node needs root (mknod)")
    node = tmp_path / "full-device"
    os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 7))  # our own /dev/full twin
    result = cli("graph", *NEURON, "--format", "dot", "-o", str(node))
    err = result.stderr.decode()
    assert result.returncode == 1 and err.count("\n") == 1
    assert "is a character device, not a regular file" in err
    assert stat.S_ISCHR(node.stat().st_mode)


def test_all_missing_variables_are_named_at_once(tmp_path: Path):
    result = cli("graph", "a*b + c + tanh(d) + a", "--set", "b=1", "-o", str(tmp_path / "g.dot"))
    err = one_error_line(result)
    assert "undefined variables 'a', 'c', 'd': give each a value with --set" in err
    assert list(tmp_path.iterdir()) == []


def test_unused_and_repeated_set_names_warn_but_still_draw(tmp_path: Path):
    out = tmp_path / "g.dot"
    result = cli("graph", "x * 2", "--set", "x=1", "--set", "x=3", "--set", "z=4", "-o", str(out))
    assert result.returncode == 0
    err = result.stderr.decode()
    assert "warning: --set x given twice; using the last value, 3" in err
    assert "warning: --set z: the expression does not use z" in err
    assert "x * 2 = 6" in result.stdout.decode()
    assert out.read_text().startswith("digraph")


def test_a_flat_sum_of_240_terms_is_long_not_deep():
    text = "+".join(["x"] * 240)
    assert len(text) <= graphcmd.MAX_EXPRESSION_LENGTH
    out = parse_expression(text, {"x": 0.5})
    out.backward()
    assert out.data == 120.0 and out.parents[1].grad == 240.0


def test_nesting_still_counts_as_depth():
    assert parse_expression("x+(" * 120 + "x" + ")" * 120, {"x": 1.0}).data == 121.0
    with pytest.raises(ExpressionError, match="nested too deeply"):
        parse_expression("-" * 250 + "x", {"x": 1.0})


@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "ascii"}, {"LC_ALL": "C", "LANG": "C"}])
def test_an_ascii_terminal_gets_ascii_instead_of_a_crash(tmp_path: Path, env: dict[str, str]):
    out = tmp_path / "g.dot"
    result = cli("graph", *NEURON, "-o", str(out), env=env)
    assert result.returncode == 0, result.stderr
    printed = result.stdout.decode("ascii")  # every byte is ASCII (or this raises)
    assert "d/dx = -1.49994" in printed
    assert out.read_text(encoding="utf-8").count("∂") > 0  # the file itself stays UTF-8
