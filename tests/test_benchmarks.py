"""benchmarks/: the tiny smoke run executes every workload, and the README quotes RESULTS.md."""

from __future__ import annotations

import gc
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
sys.path.insert(0, str(BENCH))

import common  # noqa: E402
import run_all  # noqa: E402


def test_the_performance_page_figures_are_the_committed_results_block() -> None:
    readme = (ROOT / "docs" / "performance.md").read_text(encoding="utf-8")
    results = (BENCH / "RESULTS.md").read_text(encoding="utf-8")
    assert run_all.between(readme, "docs/performance.md") == run_all.between(results, "RESULTS.md")


def test_interleave_runs_a_lead_in_and_a_block_and_never_collects(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []

    def refuse() -> int:
        raise AssertionError("gc.collect() called while timing")

    monkeypatch.setattr(gc, "collect", refuse)
    steps = {"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}
    times = common.interleave(steps, rounds=2, block={"a": 3, "b": 1}, lead_in=1)
    assert calls == ["a"] * 4 + ["b"] * 2 + ["a"] * 4 + ["b"] * 2
    assert [len(t) for t in times.values()] == [2, 2]
    assert all(t >= 0 for ts in times.values() for t in ts)


def test_replace_between_keeps_the_text_outside_the_markers() -> None:
    text = f"head\n{run_all.BEGIN}old{run_all.END}\ntail"
    assert run_all.replace_between(text, "new") == f"head\n{run_all.BEGIN}new{run_all.END}\ntail"
    with pytest.raises(ValueError, match="README has no"):
        run_all.between("no markers", "README")


def test_tiny_run_writes_every_workload_and_the_readme_block(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{run_all.BEGIN}stale{run_all.END}\noutro\n", encoding="utf-8")
    out = tmp_path / "RESULTS.md"
    args = ["--tiny", "--quiet", "--output", str(out), "--page", str(readme)]
    subprocess.run([sys.executable, str(BENCH / "run_all.py"), *args], check=True, cwd=ROOT)
    results = out.read_text(encoding="utf-8")
    for workload in run_all.WORKLOADS:
        title = workload.__name__.split("_")[0].upper()  # w1_mlp → W1
        assert f"### {title} " in results
    block = run_all.between(results, "RESULTS.md")
    assert (
        readme.read_text(encoding="utf-8") == f"intro\n{run_all.BEGIN}{block}{run_all.END}\noutro\n"
    )
    # micrograd, the eager engine (plain and paused), the replay and torch computed the same
    # first-step loss from the same weights
    spread = float(re.search(r"losses agree across engines to (\S+) \(", results).group(1))
    assert spread < 1e-12
    # With the bench extra (micrograd) each heap's row has micrograd's time; without it the
    # row says the peer was skipped and why (make bench installs it; `make test` need not).
    has_micrograd = importlib.util.find_spec("micrograd") is not None
    for heap in ("bare process", "notebook-like heap", "torch imported"):
        if has_micrograd:
            assert re.search(rf"\| {heap}[^|]*\| \d", block), heap
        else:
            assert re.search(rf"\| {heap}[^|]*\| (—|skipped)", block), heap
