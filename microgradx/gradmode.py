"""Grad mode and the garbage-collector pause: the two switches a backward pass reads.

Grad mode is per thread, as PyTorch's: ``no_grad()`` in one thread never stops another from
recording. The cyclic garbage collector is paused while graphs are built and walked
(``gc_paused``), shared safely between threads.
"""

from __future__ import annotations

import gc
import threading
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
        if not enabled:
            mode.enabled = False
    return previous


_gc_lock = threading.Lock()
_gc_pauses = 0  # gc_paused() blocks open right now, in all threads together
_gc_resume = False  # whether the collector was enabled when the first of them opened


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector within this block; re-entrant and thread-safe.

    Backpropagation and training steps allocate only short-lived acyclic objects that
    reference counting frees, while the collector would rescan the whole live graph for
    nothing. The first pause to open (in any thread) remembers whether gc was enabled and the
    last to close restores exactly that: gc is never left disabled when it was enabled, and
    never enabled when it was disabled.
    """
    global _gc_pauses, _gc_resume
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_resume = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_resume:
                gc.enable()
