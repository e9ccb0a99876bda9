"""Property tests: random expression graphs, with shared subexpressions and heavy node reuse.

A program is a list of steps; each step applies an op to earlier nodes (chosen by index, so
subexpressions are shared) or reuses one node many times. The output touches every node.
Gradients from ``backward()`` must match central differences; the recorded (create_graph)
pass must match the float pass; second derivatives must match too.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from microgradx import Value, gradcheck, gradgradcheck, topological_order

# Ops that are defined, smooth and tame for every real input, so any program is valid.
UNARY: dict[str, Callable[[Value], Value]] = {
    "neg": lambda v: -v,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "softplus": Value.softplus,
    "sin": Value.sin,
    "cos": Value.cos,
    "square": lambda v: v**2,
    "exp_tanh": lambda v: v.tanh().exp(),
    "sqrt_1p_sq": lambda v: (1 + v * v).sqrt(),
    "log_1p_sq": lambda v: (1 + v * v).log(),
}
BINARY: dict[str, Callable[[Value, Value], Value]] = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (1 + b * b),
    "pow": lambda a, b: (1 + a * a) ** b.tanh(),  # Value ** Value with a positive base
}

Step = tuple[Any, ...]

index = st.integers(min_value=0, max_value=10**6)  # taken modulo the nodes built so far
step = st.one_of(
    st.tuples(st.just("unary"), st.sampled_from(sorted(UNARY)), index),
    st.tuples(st.just("binary"), st.sampled_from(sorted(BINARY)), index, index),
    st.tuples(st.just("reuse"), index, st.integers(min_value=2, max_value=60)),
)
programs = st.integers(min_value=1, max_value=3).flatmap(
    lambda n: st.tuples(
        st.lists(st.floats(min_value=-1.5, max_value=1.5), min_size=n, max_size=n),
        st.lists(step, min_size=1, max_size=10),
    )
)


def compile_program(steps: list[Step]) -> Callable[..., Value]:
    """The program as a function of Values returning a Value."""

    def f(*inputs: Value) -> Value:
        nodes = list(inputs)
        for kind, *args in steps:
            if kind == "unary":
                name, i = args
                nodes.append(UNARY[name](nodes[i % len(nodes)]))
            elif kind == "binary":
                name, i, j = args
                nodes.append(BINARY[name](nodes[i % len(nodes)], nodes[j % len(nodes)]))
            else:
                i, times = args
                node = nodes[i % len(nodes)]
                nodes.append(sum((node for _ in range(times)), Value(0.0)) / times)
        return nodes[-1] + 0.1 * sum(nodes[len(inputs) :], Value(0.0))

    return f


def run(f: Callable[..., Value], xs: list[float]) -> tuple[Value, list[Value]]:
    """Evaluate f on fresh leaves, rejecting examples whose values leave a sane range."""
    leaves = [Value(x) for x in xs]
    try:
        out = f(*leaves)
    except OverflowError:
        assume(False)
    assume(abs(out.data) < 1e6)
    return out, leaves


def roundoff_scale(out: Value) -> float:
    """Sum of |value| over the graph: bounds the round-off in evaluating f."""
    return 1.0 + sum(abs(node.data) for node in topological_order(out))


relaxed = settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


@relaxed
@given(programs)
def test_gradients_match_central_differences(program: tuple[list[float], list[Step]]) -> None:
    xs, steps = program
    f = compile_program(steps)
    out, _ = run(f, xs)
    # Central differences with eps = 1e-6 carry round-off ≈ 1e-10 × scale: tolerate 100×.
    assert gradcheck(f, xs, eps=1e-6, atol=1e-8 * roundoff_scale(out), rtol=1e-5)


@relaxed
@given(programs)
def test_recorded_backward_pass_matches_the_float_pass(
    program: tuple[list[float], list[Step]],
) -> None:
    xs, steps = program
    f = compile_program(steps)
    out, leaves = run(f, xs)
    out.backward()
    floats = [v.grad for v in leaves]
    out2, leaves2 = run(f, xs)
    out2.backward(create_graph=True)
    reached = {id(n) for n in topological_order(out2)}
    for leaf, expected in zip(leaves2, floats, strict=True):
        # inputs the program ignores are not in the graph and keep their float 0.0
        recorded = leaf.grad if id(leaf) in reached else Value(leaf.grad)
        assert isinstance(recorded, Value)
        assert math.isclose(recorded.data, expected, rel_tol=1e-12, abs_tol=1e-12)


@relaxed
@given(programs)
def test_backward_is_deterministic(program: tuple[list[float], list[Step]]) -> None:
    xs, steps = program
    f = compile_program(steps)
    results = []
    for _ in range(2):
        out, leaves = run(f, xs)
        out.backward()
        results.append(([n.op for n in topological_order(out)], [v.grad for v in leaves]))
    assert results[0] == results[1]


@settings(max_examples=15, deadline=None, derandomize=True)
@given(programs)
def test_second_derivatives_match_differences_of_the_gradient(
    program: tuple[list[float], list[Step]],
) -> None:
    xs, steps = program
    f = compile_program(steps)
    out, _ = run(f, xs)
    assume(roundoff_scale(out) < 1e4)
    assert gradgradcheck(f, xs, eps=1e-5, atol=1e-6 * roundoff_scale(out), rtol=1e-4)
