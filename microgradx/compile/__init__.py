"""Trace a scalar function once, then replay it on whole batches with numpy.

The eager engine builds a fresh graph of Python objects for every sample. When the *shape*
of the computation is the same for every sample — an MLP's loss on one data point is the
classic case — that is wasted work. ``trace`` runs the function once on one example, keeps
the graph it built as a *tape* (the primitive ops from the rule table in topological order),
and returns a ``Replay``: calling it runs the tape over the whole batch with numpy, forward
and then backward, with the very same rules as the eager engine::

    >>> import microgradx as mx
    >>> w = mx.Value(2.0)
    >>> replay = mx.trace(lambda x, y: (w * x - y) ** 2, 0.0, 0.0)   # one example
    >>> replay([1.0, 2.0, 3.0], [2.0, 4.0, 5.0]).tolist()           # three samples
    [0.0, 0.0, 1.0]
    >>> float(replay.backward([1.0, 2.0, 3.0], [2.0, 4.0, 5.0]).mean())  # d(mean)/dw → w.grad
    0.3333333333333333
    >>> w.grad
    2.0

**Batched by level.** Running one numpy call per tape entry would cost ~1 µs of Python per
entry whatever the batch size. Instead the tape is grouped once, when traced (operation
batching, as DyNet's autobatching and TensorFlow Fold do): every node gets a *level*, one
more than its deepest input, and the nodes with the same op at the same level form one
group, run as one numpy call over a (nodes × samples) block, gathering its inputs with
index arrays computed once. Chains of additions — a neuron's ``b + w₀x₀ + w₁x₁ + …`` — are
recognised as sums ``Σ cᵢ·xᵢ + constant`` and a group of sums runs as one matrix product
``C @ X``, so a layer of an MLP costs one ``@`` however it was written. Nothing here knows
about MLPs: any traced scalar function replays, with the pattern used where it is present.
Sums are added in another order than the eager engine's left-to-right chain, so results
agree to rounding (~1e-15 relative), not bit for bit.

How the two passes are derived from ``ops.py``: each primitive's ``forward`` (or its
``batched`` twin, for the ops whose float version calls ``math``) runs on arrays, and its
VJP rules run unchanged — the rules are polymorphic, and the few that depend on a value
(relu, abs, leaky_relu, pow) branch through helpers that use ``numpy.where`` on arrays, so
*data-dependent choices inside primitives are made per sample*. Values that do not depend
on the inputs (parameters, the L2 penalty) are computed once per call, and their gradients
are the sum over the batch, as if the eager engine had run every sample. As in the eager
engine, a local derivative is computed only for an input that leads back to something that
needs a gradient: the constant base of ``10.0 ** x`` has an overflowing derivative that
nobody asked for.

Python control flow in *your* function is different: ``if``/``while``/``max()`` run once,
while tracing, and the tape records only the branch the example took. The tracer watches
every comparison of a traced Value (``<``, ``<=``, ``>``, ``>=``, hence also ``max``/``min``)
and stores it as a *guard*; each replay re-evaluates the guards for every sample and raises
``BranchError`` naming the samples that would have taken another branch (and so does the
module ``Replay.to_torch`` makes). ``float(x)`` — and so ``math.sin(x)`` — of a Value computed
from the inputs raises ``TypeError`` while tracing, since its number would be frozen for every
sample. Reading ``.data`` cannot be watched: it is how to say that a constant is meant.
The watching is per thread: another thread's comparisons never become this trace's guards.

Why the name ``trace`` (and not ``compile``, ``jit`` or ``vmap``): nothing is compiled — the
function is *traced* once and replayed, and the name says exactly what limits that implies
(it is ``torch.jit.trace``'s contract, not ``torch.compile``'s); it also does not shadow the
``compile`` builtin.

A training loop calls ``Replay.value_and_grad`` instead of ``backward``: one checked block of
inputs and an array of leaf values in; outputs, the ``has_aux`` Values and the leaves'
gradients out as arrays, no Value read or written (``fit(compiled=True)``, docs/training.md).

The package, one module per question: ``trace`` (recording a function), ``guards``
(``BranchError``, what a running trace watches), ``steps`` (the numpy kernels a plan is made
of, one call's blocks), ``plan`` (the tape grouped by level), ``replay`` (``Replay``),
``export`` (the tape as a ``torch.nn.Module``). See docs/replay.md.
"""

from __future__ import annotations

from .guards import BranchError
from .replay import Replay
from .trace import elementwise_grad, trace

__all__ = ["BranchError", "Replay", "elementwise_grad", "trace"]
