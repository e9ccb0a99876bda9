"""End-to-end tests of ``microgradx demo``: the files it writes, its output, its errors."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from microgradx import demo, io
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


def test_an_unwritable_output_directory_exits_2_before_training(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = cli("demo", "--out", str(blocker / "sub"), "--quiet", *FAST)
    err = one_error_line(result)
    assert f"cannot write to --out {blocker / 'sub'}: Not a directory" in err
    assert "accuracy" not in result.stdout  # refused before training, not after
    assert blocker.read_text() == "not a directory"


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
        ["--epochs", "99999999999999999999"],
        ["--batch-size", "99999999999999999999"],
        ["--lr", "1e300"],
        ["--lr", "11"],
    ],
)
def test_bad_arguments_exit_with_code_2_and_one_line(tmp_path, capsys, args):
    with pytest.raises(SystemExit) as excinfo:
        main(["demo", "--out", str(tmp_path), *args])
    assert excinfo.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("microgradx") and "error: " in err and err.count("\n") == 1
    assert "(see microgradx" in err  # where to read more, instead of the usage block
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


# -- no traceback, no damage: the command as a user runs it ------------------------------------


def cli(*argv: str, env: dict[str, str] | None = None):
    """Run ``python -m microgradx`` and return the completed process (text)."""
    result = subprocess.run(
        [sys.executable, "-m", "microgradx", *argv],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, **(env or {})},
    )
    assert "Traceback" not in result.stderr
    return result


def one_error_line(result) -> str:
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("microgradx demo: error: ")
    return result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--epochs", "99999999999999999999"], "--epochs: expected an integer from 1 to 100000"),
        (["--lr", "1e300"], "--lr: expected a number > 0 and <= 10, got 1e300"),
    ],
)
def test_out_of_range_numbers_are_usage_errors_not_tracebacks(tmp_path, args, message):
    out = tmp_path / "out"
    assert message in one_error_line(cli("demo", "--out", str(out), *args))
    assert not out.exists()


def test_a_device_node_among_the_outputs_is_refused_before_training(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("creating a device node needs root (mknod)")
    node = tmp_path / "model.json"
    os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 7))  # our own /dev/full twin
    err = one_error_line(cli("demo", "--out", str(tmp_path), "--quiet", *FAST))
    assert "model.json: is a character device, not a regular file" in err
    assert stat.S_ISCHR(node.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json"]


def test_a_diverging_run_says_so_in_one_line_and_writes_nothing(tmp_path, monkeypatch, capsys):
    # A linear model under MSE with SGD at lr 10 grows ~10x per step until a float overflows.
    linear = dataclasses.replace(demo.RECIPES["moons"], loss="mse", nouts=(1,))
    monkeypatch.setitem(demo.RECIPES, "moons", linear)
    args = ["--optimizer", "sgd", "--lr", "10", "--batch-size", "1", "--epochs", "5", "--quiet"]
    assert main(["demo", "--out", str(tmp_path), *args]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert re.match(
        r"microgradx demo: error: loss diverged at epoch \d+ .*— lower the learning", err
    )
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def earlier_run(tmp_path_factory):
    """The output directory of one finished run (each test copies it: a run takes seconds)."""
    out = tmp_path_factory.mktemp("earlier") / "out"
    assert main(["demo", "--seed", "1", "--out", str(out), "--quiet", *FAST]) == 0
    return out


def _first_run(earlier_run, out) -> dict[str, bytes]:
    shutil.copytree(earlier_run, out)
    return {p.name: p.read_bytes() for p in out.iterdir()}


def test_an_interrupted_run_leaves_the_previous_runs_files_untouched(
    tmp_path, monkeypatch, capsys, earlier_run
):
    out, staging = tmp_path / "out", tmp_path / "tmp"
    before = _first_run(earlier_run, out)
    staging.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(staging))
    from microgradx import viz

    real_save_figure = viz.save_figure

    def interrupt_at_the_loss_plot(fig, path, *args, **kwargs):
        if Path(path).name == "loss.png":  # model.json and the boundary are already drawn
            raise KeyboardInterrupt
        return real_save_figure(fig, path, *args, **kwargs)

    monkeypatch.setattr(viz, "save_figure", interrupt_at_the_loss_plot)
    assert main(["demo", "--seed", "2", "--out", str(out), "--quiet", *FAST]) == 130
    assert capsys.readouterr().err.strip() == "microgradx demo: interrupted; no files were changed"
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert list(staging.iterdir()) == []  # the staging directory went with the interruption


_SIGTERM_SCRIPT = """
import os, signal, sys
from pathlib import Path
from microgradx import viz
from microgradx.cli import main

real = viz.save_figure
def terminated(fig, path, *args, **kwargs):
    if Path(path).name == "loss.png":
        os.kill(os.getpid(), signal.SIGTERM)
    return real(fig, path, *args, **kwargs)

viz.save_figure = terminated
main(sys.argv[1:])
"""


def test_sigterm_mid_run_ends_the_process_and_leaves_no_mix_or_temporaries(tmp_path, earlier_run):
    out, staging = tmp_path / "out", tmp_path / "tmp"
    before = _first_run(earlier_run, out)
    staging.mkdir()
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            _SIGTERM_SCRIPT,
            "demo",
            "--seed",
            "2",
            "--out",
            str(out),
            "--quiet",
            *FAST,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "TMPDIR": str(staging)},
    )
    assert result.returncode == -signal.SIGTERM
    assert "Traceback" not in result.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert list(staging.iterdir()) == []


@needs_dot
def test_a_rerun_replaces_the_whole_set_and_keeps_a_private_files_mode(
    tmp_path, monkeypatch, earlier_run
):
    out = tmp_path / "out"
    assert "graph.svg" in _first_run(earlier_run, out)
    (out / "model.json").chmod(0o600)
    from microgradx.viz import render

    monkeypatch.setattr(render.shutil, "which", lambda name: None)
    assert main(["demo", "--seed", "2", "--out", str(out), "--quiet", *FAST]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "decision_boundary.png",
        "loss.png",
        "model.json",
    ]  # the earlier run's graph.svg is gone: it would not match this model
    assert stat.S_IMODE((out / "model.json").stat().st_mode) == 0o600


def test_an_ascii_terminal_gets_ascii_instead_of_a_crash(tmp_path):
    result = cli("demo", "--out", str(tmp_path), *FAST, env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.isascii()
    assert "2 epochs x 3 iterations" in result.stdout and "-> 180 train" in result.stdout


def test_a_read_only_output_directory_is_refused_before_training(tmp_path):
    folder = tempfile.mkdtemp(prefix="mgx-demo-ro-")  # reachable by an unprivileged user
    try:
        os.chmod(folder, 0o555)
        argv = ["demo", "--out", folder, "--quiet", *FAST]
        if os.geteuid() == 0:  # root writes anywhere: try it as an unprivileged user
            pid = os.fork()
            if pid == 0:  # the child: never return into pytest
                code = 99
                try:
                    os.setgid(65534)
                    os.setuid(65534)
                    code = main(argv)
                finally:
                    os._exit(code)
            code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        else:
            code = main(argv)
        assert code == 2
        assert os.listdir(folder) == []
    finally:
        os.chmod(folder, 0o755)
        shutil.rmtree(folder)


def test_a_full_disk_names_the_file_it_could_not_write(tmp_path, monkeypatch, capsys):
    import errno

    from microgradx import _files

    out = tmp_path / "out"
    real_fsync = os.fsync

    def full_disk(fd: int) -> None:
        # ENOSPC, as a full disk reports it: from fsync/close, with no file name attached
        if os.readlink(f"/proc/self/fd/{fd}").startswith(str(out)):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(_files.os, "fsync", full_disk)
    assert main(["demo", "--out", str(out), "--quiet", *FAST]) == 1
    err = capsys.readouterr().err.strip()
    names = "|".join(re.escape(str(out / n)) for n in demo.OUTPUTS)
    assert re.fullmatch(
        rf"microgradx demo: error: cannot write to --out {re.escape(str(out))}: "
        rf"({names}): No space left on device",
        err,
    ), err
    assert list(out.iterdir()) == []
