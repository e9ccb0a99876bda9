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
