"""Grad mode and the garbage-collector pause: the two switches graph building reads.

Grad mode is per thread, as PyTorch's: ``no_grad()`` in one thread never stops another from
recording.

The cyclic garbage collector is paused while graphs are built and walked. A graph of Values
is freed by reference counting alone (no closures, no cycles), yet while it is built the
collector keeps scanning it: one W1 training step (~65,000 nodes) triggered ~84 young, 8
middle and 1 full collection, and a full one walks the whole heap (75 ms with torch
imported). So the collector is paused inside ``with gc_paused():`` blocks (``fit`` runs each
step in one, every backward pass runs in one) and **automatically, from the first node the
engine records until a backward pass ends** (``backward()``, ``gradients()`` and all that is
built on them): a plain training loop runs at ``gc_paused()`` speed without asking for it.

The rules, under one lock (threads share the collector; docs/performance.md has the table):

- One count of open pauses across all threads; the building pause is one of them. The first
  to open remembers whether gc was enabled, the last to close restores exactly that: a
  ``gc.disable()`` made before stays, thresholds are never touched. (A ``gc.disable()`` made
  *while* a pause is open is undone when it closes.)
- The building pause is bounded in time: a watchdog thread closes it when it has stayed open
  for a whole ``WATCHDOG_SECONDS`` interval (so after 5 to 10 s) without a backward pass — a
  graph built and kept, an evaluation loop without ``no_grad()`` — and the engine pauses
  again only after the next backward pass. The thread exits when no pause is open.
- When a backward pass closes it, the collector resumes, and a young collection is due,
  ``gc.freeze(); gc.unfreeze()`` resets the young-generation count in O(1); otherwise the
  first allocation would scan everything made while paused, the whole live graph (measured
  on W1, bare process: a plain loop at 1.03× a ``gc_paused()`` loop with the reset, 1.39×
  without). The reset moves those
  objects to the oldest generation, so it is skipped when anything is frozen
  (``gc.unfreeze()`` would thaw the user's objects), and every ``FULL_EVERY`` backward
  passes (at most once per ``FULL_INTERVAL`` seconds) a full ``gc.collect()`` looks there
  for cyclic garbage (the user's own: the engine makes none).
"""

from __future__ import annotations

import gc
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class _GradMode(threading.local):
    """Grad mode, one per thread (as PyTorch): ``no_grad()`` in one thread never affects another."""

    enabled = True  # flipped by no_grad(); read on every op


_grad_mode = _GradMode()
# Reading a thread-local costs ~10× a global, so the engine's hot path reads ``all_record`` (no
# thread has grad mode off) and consults the thread's own flag only when it is False.
_threads_without_grad = 0
all_record = True
_mode_lock = threading.Lock()
idle = True
"""No building pause requested since the last backward pass: the next recorded node opens one."""
hot = False
"""``all_record and not idle``: the engine's inline path may build a node (one flag to read).
While False every node goes through ``engine._node``, which opens the pause when ``idle``."""


def recording() -> bool:
    """Whether an op run by this thread now records a node (the slow path of ``all_record``)."""
    return all_record or _grad_mode.enabled


@contextmanager
def no_grad() -> Iterator[None]:
    """Within this block operations build no graph (inference, optimizer updates); per thread."""
    previous = _set_grad_mode(False)
    try:
        yield
    finally:
        _set_grad_mode(previous)


@contextmanager
def enable_grad() -> Iterator[None]:
    """Within this block operations build a graph again, even inside ``no_grad()``; per thread."""
    previous = _set_grad_mode(True)
    try:
        yield
    finally:
        _set_grad_mode(previous)


def is_grad_enabled() -> bool:
    """True unless this thread is inside ``no_grad()``."""
    return _grad_mode.enabled


def _set_grad_mode(enabled: bool) -> bool:
    """Set this thread's grad mode and return the previous one."""
    global _threads_without_grad, all_record
    mode = _grad_mode
    previous = mode.enabled
    if enabled != previous:
        # Ordered so that a thread whose flag is off is always counted (the hot path's rule).
        if enabled:
            mode.enabled = True
        with _mode_lock:
            _threads_without_grad += -1 if enabled else 1
            all_record = _threads_without_grad == 0
            _set_hot()
        if not enabled:
            mode.enabled = False
    return previous


def _set_hot() -> None:
    """Recompute ``hot`` (the caller holds ``_mode_lock``, which guards both its inputs)."""
    global hot
    hot = all_record and not idle


WATCHDOG_SECONDS = 5.0
"""The building pause closes after one to two of these intervals without a backward pass."""

FULL_EVERY = 100
FULL_INTERVAL = 0.1  # seconds: the least time between two of those full collections
_last_full = 0.0
"""Young-count resets (each moves what was made while paused to the oldest generation) per
full collection that looks there for cyclic garbage."""

_gc_lock = threading.Lock()
_gc_pauses = 0  # pauses open right now, in all threads together (the building pause is one)
_gc_resume = False  # whether the collector was enabled when the first of them opened
_building = False  # the building pause is open
_generation = 0  # counts building pauses, so the watchdog tells a new one from an old one
_resets = 0  # backward passes since the last full collection they asked for
_watchdog: threading.Thread | None = None


def _open() -> None:
    """Open one pause (the caller holds ``_gc_lock``)."""
    global _gc_pauses, _gc_resume
    if _gc_pauses == 0:
        _gc_resume = gc.isenabled()
        gc.disable()
    _gc_pauses += 1


def _close(reset_young: bool = False) -> bool:
    """Close one pause (the caller holds ``_gc_lock``); True when a full collection is due."""
    global _gc_pauses, _resets, _last_full
    _gc_pauses -= 1
    if _gc_pauses or not _gc_resume:
        return False
    due = False
    # Only when a young collection is due (else it would come later, when the graph is likely
    # freed), and never when anything is frozen.
    if reset_young:
        if gc.get_count()[0] >= gc.get_threshold()[0] and not gc.get_freeze_count():
            gc.freeze()
            gc.unfreeze()
        # Every backward counts, not only resets: from 3.12 the young count also falls as
        # objects are freed, so it can sit below the threshold at every close, and the collector
        # (enabled only between a backward and the next node) would never run. At most one full
        # collection per FULL_INTERVAL seconds keeps loops of tiny graphs cheap.
        _resets += 1
        now = time.monotonic()
        due = _resets >= FULL_EVERY and now - _last_full >= FULL_INTERVAL
        if due:
            _resets = 0
            _last_full = now
    gc.enable()
    return due


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector within this block; re-entrant and thread-safe.

    Backpropagation and training steps allocate only short-lived acyclic objects that
    reference counting frees, while the collector would rescan the whole live graph for
    nothing. The first pause to open (in any thread) remembers whether gc was enabled and the
    last to close restores exactly that: gc is never left disabled when it was enabled, and
    never enabled when it was disabled.
    """
    with _gc_lock:
        _open()
    try:
        yield
    finally:
        with _gc_lock:
            _close()


def building_started() -> None:
    """The engine records a node while ``idle``: open the building pause (and its watchdog)."""
    global _building, _generation, _watchdog, idle
    with _gc_lock:
        with _mode_lock:
            idle = False
            _set_hot()
        if _building:
            return
        _building = True
        _generation += 1
        _open()
        if _watchdog is None:
            _watchdog = threading.Thread(target=_watch, name="microgradx-gc-watchdog", daemon=True)
            _watchdog.start()


def building_ended() -> None:
    """A backward pass ended: close the building pause; the next recorded node opens another."""
    global _building, idle
    with _gc_lock:
        with _mode_lock:
            idle = True
            _set_hot()
        if not _building:
            return
        _building = False
        due = _close(reset_young=True)
    if due:  # outside the lock: finalizers the collection runs may build Values
        gc.collect()


def _watch() -> None:
    """Close a building pause that stays open for a whole interval; exit when none is open."""
    global _building, _watchdog
    seen = -1
    while True:
        time.sleep(WATCHDOG_SECONDS)
        with _gc_lock:
            if not _building:
                _watchdog = None  # the next building pause starts a new watchdog
                return
            if _generation == seen:  # no backward pass for a whole interval: give up
                _building = False  # (``idle`` stays False: no new pause until a backward)
                _close()  # a plain resume: the next young collection scans what was made
            seen = _generation


def _after_fork_in_child() -> None:
    """Threads do not survive a fork: the child has no watchdog, so it closes the pause now."""
    global _building, _watchdog, _gc_lock, _mode_lock
    _gc_lock, _mode_lock = threading.Lock(), threading.Lock()  # a parent thread may hold one
    _watchdog = None
    if _building:
        _building = False
        _close()


os.register_at_fork(after_in_child=_after_fork_in_child)
