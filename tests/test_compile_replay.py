"""``Replay`` (microgradx/compile/replay.py): bounded spare blocks, a checked ``scale``, user ops.

Oracles: the eager engine on each sample, numpy's own byte counts of the blocks kept, and
call counts of a user primitive's forward (vectorised: one call on arrays per group).
"""

from __future__ import annotations

import math
import threading
from typing import Any

import numpy as np
import pytest

import microgradx as mx
from microgradx import primitive
from microgradx.compile import replay as replay_module
from microgradx.engine import Value


def small_replay() -> mx.Replay:
    w = Value(0.5, label="w")
    return mx.trace(lambda x, y: (x * w - y).tanh() ** 2, 0.0, 0.0)


def batch(n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(n)
    return rng.normal(size=n), rng.normal(size=n)


# -- the spare blocks --------------------------------------------------------------------------


def test_spare_blocks_are_kept_for_the_last_two_batch_sizes_only() -> None:
    replay = small_replay()
    for n in (5, 7, 9, 11):
        replay.backward(*batch(n))
    assert sorted(replay._spare) == [9, 11]


def test_a_fits_full_and_last_batches_reuse_their_blocks() -> None:
    replay = small_replay()
    replay.backward(*batch(32))
    replay.backward(*batch(7))
    kept = {n: [id(b) for b in blocks] for n, blocks in replay._spare.items()}
    for _ in range(3):  # epochs: 32, then the smaller last batch
        replay.backward(*batch(32))
        replay.backward(*batch(7))
    assert {n: [id(b) for b in blocks] for n, blocks in replay._spare.items()} == kept


def test_spare_blocks_beyond_the_byte_cap_keep_only_the_last_calls(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(replay_module, "SPARE_BYTES", 20_000)
    replay = small_replay()
    sizes = (1000, 1100, 1200, 1300)  # ~1e6-sample calls in the issue, scaled down
    for n in sizes:
        replay.backward(*batch(n))
        assert list(replay._spare) == [n]
        assert replay.spare_bytes() == sum(b.nbytes for b in replay._spare[n])


def test_spare_blocks_at_the_real_cap_hold_no_more_than_one_large_call() -> None:
    replay = mx.trace(lambda x: x * 3.0, 0.0)  # two rows per sample: 16 bytes a sample
    cap = replay_module.SPARE_BYTES
    sizes = [cap // 16 * 3 // 4 + k for k in range(4)]  # each ¾ of the cap: two would exceed it
    for n in sizes:
        assert replay(np.zeros(n))[0] == 0.0
    assert list(replay._spare) == [sizes[-1]]
    assert replay.spare_bytes() <= cap


def test_one_replay_called_from_several_threads_gives_the_serial_numbers() -> None:
    replay = small_replay()
    sizes = [3, 5, 8, 13]  # more sizes than are kept: the spare blocks churn under the threads
    serial = {n: replay(*batch(n)).tolist() for n in sizes}
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for i in range(200):
                n = sizes[(i + offset) % len(sizes)]
                assert replay(*batch(n)).tolist() == serial[n]
        except BaseException as e:  # handed to the main thread
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(replay._spare) <= replay_module.SPARE_SIZES


# -- backward's scale --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scale", "error", "match"),
    [
        (math.nan, ValueError, "scale must be finite, got nan"),
        (math.inf, ValueError, "scale must be finite, got inf"),
        (-math.inf, ValueError, "scale must be finite, got -inf"),
        ("0.5", TypeError, "scale must be a number, got str"),
        (None, TypeError, "scale must be a number, got NoneType"),
        (True, TypeError, "scale must be a number, got bool"),
        (np.array([0.5, 1.0]), TypeError, "scale must be a number, got ndarray"),
    ],
)
def test_backward_refuses_a_scale_that_is_not_a_finite_number(
    scale: Any, error: type[Exception], match: str
) -> None:
    w = Value(0.5, label="w")
    replay = mx.trace(lambda x: x * w, 0.0)
    with pytest.raises(error, match=f"<lambda>: backward: {match}"):
        replay.backward([1.0, 2.0], scale=scale)
    assert w.grad == 0.0  # nothing accumulated before the refusal


def test_backward_scale_multiplies_the_eager_gradient() -> None:
    w = Value(0.5, label="w")
    xs = [1.0, 2.0, 4.0]
    replay = mx.trace(lambda x: (x * w) ** 2, 0.0)
    replay.backward(xs, scale=0.25)
    scaled = w.grad
    w.grad = 0.0
    (sum((x * w) ** 2 for x in xs) / len(xs)).backward()  # eager mean
    assert scaled == pytest.approx(0.25 * w.grad, rel=1e-15)


# -- user-defined primitives -----------------------------------------------------------------


class Counting:
    """A numpy-safe cube whose forward and VJP count the calls on arrays and on floats."""

    def __init__(self) -> None:
        self.on_arrays = 0
        self.on_floats = 0

    def forward(self, a: Any) -> Any:
        self._count(a)
        return a**3

    def vjp(self, g: Any, out: Any, a: Any) -> Any:
        self._count(a)
        return g * 3 * a**2

    def _count(self, a: Any) -> None:
        if isinstance(a, np.ndarray):
            self.on_arrays += 1
        else:
            self.on_floats += 1


def test_an_array_safe_primitive_runs_once_per_group_on_the_whole_batch() -> None:
    count = Counting()
    cube = primitive("counted_cube", forward=count.forward, vjps=[count.vjp], symbol="³")
    w = Value(0.7, label="w")
    replay = mx.trace(lambda x, y: cube(x * w) + cube(y * w), 0.5, 0.5)  # two cubes, one group
    xs, ys = batch(1000)
    count.on_arrays = count.on_floats = 0
    out = replay.backward(xs, ys, reduction="sum")
    assert (count.on_arrays, count.on_floats) == (2, 0)  # one forward, one VJP for 2000 cubes
    assert out == pytest.approx((xs * 0.7) ** 3 + (ys * 0.7) ** 3, rel=1e-14)
    dw = 3 * (xs * 0.7) ** 2 * xs + 3 * (ys * 0.7) ** 2 * ys  # d/dw of (xw)³ + (yw)³
    assert w.grad == pytest.approx(float(np.sum(dw)), rel=1e-12)


def test_a_primitives_domain_error_in_the_replay_names_it_and_the_sample() -> None:
    ln = primitive("np_log", forward=np.log, vjps=[lambda g, out, a: g / a], symbol="ln")
    replay = mx.trace(lambda x: ln(x) * 2, 1.0)
    assert replay(np.array([1.0, math.e])).tolist() == pytest.approx([0.0, 2.0])
    with pytest.raises(OverflowError, match=r"sample 1: np_log: result of np_log\(-2.0\)"):
        replay(np.array([1.0, -2.0]))
    eager = pytest.raises(OverflowError, match=r"np_log: result of np_log\(-2.0\)")
    with eager, np.errstate(invalid="ignore"):
        ln(Value(-2.0))  # the eager engine's words
    with pytest.raises(OverflowError, match=r"sample 1: np_log: result of np_log\(0.0\)"):
        replay.backward(np.array([1.0, 0.0]))


def test_a_primitive_with_a_python_branch_is_refused_at_trace_time_saying_what_to_give() -> None:
    step = primitive("py_branch", forward=lambda a: a if a > 0 else 0.0, vjps=[lambda g, out, a: g])
    assert step(Value(2.0)).data == 2.0
    with pytest.raises(TypeError, match=r"'py_branch'.*batched_forward="):
        mx.trace(lambda x: step(x), 1.0)
