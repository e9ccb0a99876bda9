"""Shared test setup."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _seeded_global_random() -> Iterator[None]:
    """Start every test from random.seed(0), then give the caller's stream back.

    Models built without ``seed=`` draw from Python's global ``random``, as micrograd's do;
    seeding per test keeps such tests reproducible whatever ran before them (or on which
    xdist worker).
    """
    state = random.getstate()
    random.seed(0)
    yield
    random.setstate(state)


@pytest.fixture(autouse=True)
def _no_open_building_pause() -> Iterator[None]:
    """Start every test with the engine's automatic gc pause closed.

    A graph an earlier test built but never backwarded keeps the pause open (for a few
    seconds, until the watchdog closes it); a test that then sets the collector's state would
    see the earlier pause's end restore the state remembered before it.
    """
    from microgradx import gradmode

    gradmode.building_ended()
    yield


# What an optional extra or system tool that is not installed makes the suite skip, matched in
# the skip reasons, and how to get it: `make test` installs the dev extra only.
SKIPPED_GROUPS = (
    ("PyTorch-parity", ("'torch'",), "pip install -e '.[parity]'"),
    ("ONNX export", ("'onnx'", "'onnxscript'", "'onnxruntime'"), "pip install -e '.[onnx]'"),
    ("browser (explorer page)", ("chromium", "playwright"), "apt-get install chromium"),
    ("Graphviz rendering", ("`dot`",), "apt-get install graphviz"),
)


def skipped_groups(reasons: list[str]) -> str | None:
    """One line naming each group of tests skipped for want of an extra, and how to run them."""
    parts = []
    for name, needles, command in SKIPPED_GROUPS:
        count = sum(any(n in r.lower() for n in needles) for r in reasons)
        if count:
            parts.append(f"{count} {name} test{'s' * (count != 1)} ({command})")
    return "skipped for missing extras: " + "; ".join(parts) if parts else None


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say at the end, in one line, which groups were skipped and how to run them."""
    reasons = []
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        reasons.append(str(longrepr[2] if isinstance(longrepr, tuple) else longrepr))
    line = skipped_groups(reasons)
    if line is not None:
        terminalreporter.write_line(line, yellow=True, bold=True)
