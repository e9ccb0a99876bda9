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
