"""User-defined primitives: every place a built-in op works, checked against analytic derivatives
and central differences; and the errors of a bad definition."""

from __future__ import annotations

import copy
import math
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import microgradx as mx
from microgradx import Value, central_difference, gradients, ops, primitive
from microgradx.engine import Constant

ROOT = Path(__file__).resolve().parents[1]

cube = primitive("cube", forward=lambda a: a**3, vjps=[lambda g, out, a: g * 3 * a**2], symbol="³")
# A binary primitive, f(a, b) = a·b², written with operators: it runs on floats, Values, arrays.
ab2 = primitive(
    "ab2",
    forward=lambda a, b: a * b * b,
    vjps=[lambda g, out, a, b: g * b * b, lambda g, out, a, b: g * 2 * a * b],
)
# Written with math: floats only; its explicit twins run on arrays, and Value methods record.
msin = primitive(
    "msin",
    forward=math.sin,
    vjps=[lambda g, out, a: g * (a.cos() if isinstance(a, Value) else math.cos(a))],
    batched_forward=np.sin,
    batched_vjps=[lambda g, out, a: g * np.cos(a)],
)


def f(x: Value, y: Value) -> Value:
    """A graph mixing primitives and built-ins: x³·y + x·y² + sin(x·y)."""
    return cube(x) * y + ab2(x, y) + msin(x * y)


def f_float(x: float, y: float) -> float:
    return x**3 * y + x * y * y + math.sin(x * y)


def df(x: float, y: float) -> tuple[float, float]:
    """The analytic gradient of f."""
    c = math.cos(x * y)
    return 3 * x * x * y + y * y + y * c, x**3 + 2 * x * y + x * c


POINTS = [(0.7, -1.3), (-1.1, 0.4), (2.0, 0.5)]


@pytest.mark.parametrize(("x0", "y0"), POINTS)
def test_backward_through_primitives_matches_analytic_and_central_differences(
    x0: float, y0: float
) -> None:
    x, y = Value(x0), Value(y0)
    out = f(x, y)
    assert out.data == pytest.approx(f_float(x0, y0), rel=1e-15)
    out.backward()
    assert (x.grad, y.grad) == pytest.approx(df(x0, y0), rel=1e-14)
    fd = (
        central_difference(lambda t: f_float(t, y0), x0),
        central_difference(lambda t: f_float(x0, t), y0),
    )
    assert (x.grad, y.grad) == pytest.approx(fd, rel=1e-8)


def test_gradients_and_create_graph_give_the_second_derivative() -> None:
    x = Value(1.5)
    (g,) = gradients(cube(x), [x], create_graph=True)
    (h,) = gradients(g, [x])
    assert (g.data, h) == (3 * 1.5**2, 6 * 1.5)
    y = Value(-0.8)
    cube(y).backward(create_graph=True)
    gy = y.grad
    y.grad = 0.0
    gy.backward()
    assert y.grad == pytest.approx(6 * -0.8, rel=1e-15)


@pytest.mark.parametrize(("x0", "y0"), POINTS)
def test_grad_hessian_and_jvp_match_analytic(x0: float, y0: float) -> None:
    assert mx.grad(f, argnum=(0, 1))(x0, y0) == pytest.approx(df(x0, y0), rel=1e-14)
    s, c = math.sin(x0 * y0), math.cos(x0 * y0)
    hxx = 6 * x0 * y0 - y0 * y0 * s
    hxy = 3 * x0 * x0 + 2 * y0 + c - x0 * y0 * s
    hyy = 2 * x0 - x0 * x0 * s
    H = mx.hessian(f)(x0, y0)
    assert np.allclose(H, [[hxx, hxy], [hxy, hyy]], rtol=1e-13, atol=1e-14)
    value, along = mx.jvp(f, (x0, y0), (1.0, 2.0))
    dx, dy = df(x0, y0)
    assert value == pytest.approx(f_float(x0, y0)) and along == pytest.approx(dx + 2 * dy)


def test_a_traced_function_with_primitives_replays_vectorised_as_eager() -> None:
    w = Value(0.3, label="w")
    replay = mx.trace(lambda x, y: f(x, y) * w, 0.5, 0.5)
    xs, ys = np.array([0.7, -1.1, 2.0]), np.array([-1.3, 0.4, 0.5])
    assert np.allclose(
        replay(xs, ys), [f_float(a, b) * 0.3 for a, b in zip(xs, ys, strict=True)], rtol=1e-14
    )
    grads = replay.input_grads(xs, ys)
    expected = np.array([df(a, b) for a, b in zip(xs, ys, strict=True)]).T * 0.3
    assert np.allclose(grads, expected, rtol=1e-13)
    replay.backward(xs, ys, reduction="sum")
    assert w.grad == pytest.approx(
        sum(f_float(a, b) for a, b in zip(xs, ys, strict=True)), rel=1e-13
    )


def test_tracing_a_primitive_that_cannot_take_arrays_says_what_to_provide() -> None:
    floats_only = primitive(
        "floats_only", forward=math.exp, vjps=[lambda g, out, a: g * out], symbol="e^"
    )
    with pytest.raises(TypeError, match=r"'floats_only'.*forward fails on numpy arrays") as info:
        mx.trace(lambda x: floats_only(x), 0.5)
    assert "batched_forward=" in str(info.value) and "np.sin, not math.sin" in str(info.value)
    assert floats_only(Value(0.5)).data == math.exp(0.5)  # eager use is unaffected


def test_a_batched_twin_that_disagrees_with_the_float_rule_is_refused_at_trace() -> None:
    wrong = primitive(
        "wrong_twin",
        forward=lambda a: a * a,
        vjps=[lambda g, out, a: g * 2 * a],
        batched_vjps=[lambda g, out, a: g * a],  # forgot the 2
    )
    with pytest.raises(TypeError, match=r"'wrong_twin': its vjps\[0\] on arrays gives"):
        mx.trace(lambda x: wrong(x), 1.5)


def test_draw_dot_shows_the_primitive_symbol_and_its_local_derivative() -> None:
    x = Value(2.0, label="x")
    y = cube(x)
    y.backward()
    source = mx.draw_dot(y).source
    assert 'label="³"' in source and 'label="∂=12.00"' in source  # ∂cube/∂x = 3·2²


def test_a_graph_with_primitives_pickles_and_deep_copies_by_name() -> None:
    x, y = Value(0.7, label="x"), Value(-1.3, label="y")
    out = f(x, y)
    data = pickle.dumps((x, y, out))
    assert b"cube" in data and b"lambda" not in data
    for x2, y2, out2 in (pickle.loads(data), copy.deepcopy((x, y, out))):
        out2.backward()
        assert out2.data == out.data and (x2.grad, y2.grad) == pytest.approx(df(0.7, -1.3))
        assert {v._fn for v in mx.topological_order(out2)} >= {cube.op, ab2.op, msin.op}


def _in_fresh_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )


def test_unpickling_where_the_primitive_is_not_defined_names_it() -> None:
    data = pickle.dumps(cube(Value(2.0)))
    code = f"import pickle, microgradx\npickle.loads({data!r})"
    result = _in_fresh_python(code)
    assert result.returncode != 0
    assert "no primitive op named 'cube'" in result.stderr
    assert "microgradx.primitive('cube', ...)" in result.stderr
    defined = (
        "import pickle\nfrom microgradx import primitive\n"
        "primitive('cube', forward=lambda a: a**3, vjps=[lambda g, out, a: g * 3 * a**2])\n"
        f"v = pickle.loads({data!r})\nv.backward()\nprint(v.data, v.parents[0].grad)"
    )
    assert _in_fresh_python(defined).stdout.split() == ["8.0", "12.0"]


def test_a_primitive_is_an_op_of_the_same_kind_as_the_built_ins() -> None:
    assert type(cube.op) is type(ops.MUL) is ops.Op
    assert cube.op.arity == 1 and ab2.op.arity == 2 and len(ab2.op.vjps) == 2
    assert ops.lookup("cube") is cube.op
    assert cube.op.vjp(1.0, 8.0, 2.0) == 12.0 and ab2.op.vjp(1.0, 0.0, 3.0, 2.0) == (4.0, 12.0)


def test_primitives_accept_numbers_and_a_constant_input_gets_no_derivative() -> None:
    assert isinstance(cube(2.0), Constant) and cube(2.0).data == 8.0
    x = Value(3.0)
    out = ab2(2.0, x) + ab2(x, 0.5)  # 2·x² + x·0.25
    out.backward()
    assert x.grad == 4 * 3.0 + 0.25
    with pytest.raises(TypeError, match="cube: takes 1 input"):
        cube(x, x)
    with pytest.raises(TypeError, match="ab2: expected a Value or a real number, got str"):
        ab2(x, "2")


def test_a_forward_returning_a_non_number_is_refused_on_first_call_naming_it() -> None:
    bad = primitive("gives_text", forward=lambda a: "oops", vjps=[lambda g, out, a: g])
    with pytest.raises(TypeError, match=r"primitive 'gives_text': forward returned str 'oops'"):
        bad(Value(1.0))
    ok = primitive("gives_numpy", forward=lambda a: np.float64(a) * 2, vjps=[lambda g, out, a: g])
    assert type(ok(Value(1.0)).data) is float


def test_a_forward_overflowing_raises_like_a_built_in_naming_the_primitive() -> None:
    huge = primitive("huge", forward=lambda a: a * 1e308, vjps=[lambda g, out, a: g * 1e308])
    with pytest.raises(OverflowError, match=r"huge: result of huge\(10.0\) is not a finite"):
        huge(Value(10.0))


def test_a_failing_vjp_is_reported_where_it_happened() -> None:
    kink = primitive("kink2", forward=lambda a: a, vjps=[lambda g, out, a: g / 0.0])
    with pytest.raises(ZeroDivisionError) as info:
        kink(Value(1.0)).backward()
    told = [str(info.value), *getattr(info.value, "__notes__", ())]  # 3.10: in the message
    assert "backward through 'kink2'" in "\n".join(told)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"forward": lambda a: a, "vjps": [lambda g, o, a: g, lambda g, o, a: g]},
            TypeError,
            r"'p': forward must take 2 argument\(s\)",
        ),
        (
            {"forward": lambda a, b: a, "vjps": [lambda g, o, a, b: g]},
            TypeError,
            r"'p': forward must take 1 argument\(s\)",
        ),
        ({"forward": lambda a: a, "vjps": []}, ValueError, "give 1 or 2 VJPs, got 0"),
        (
            {"forward": lambda *a: a[0], "vjps": [lambda g, o, *a: g] * 3},
            ValueError,
            "give 1 or 2 VJPs, got 3",
        ),
        ({"forward": 3.0, "vjps": [lambda g, o, a: g]}, TypeError, "forward must be a function"),
        ({"forward": lambda a: a, "vjps": lambda g, o, a: g}, TypeError, "must be a list"),
        ({"forward": lambda a: a, "vjps": ["g"]}, TypeError, r"vjps\[0\] must be a function"),
        (
            {"forward": lambda a: a, "vjps": [lambda g, a: g]},
            TypeError,
            r"vjps\[0\] must take 3 argument\(s\), \(g, out, \*inputs\)",
        ),
        (
            {"forward": lambda a: a, "vjps": [lambda g, o, a: g], "batched_vjps": []},
            ValueError,
            r"one batched VJP per input \(1\), got 0",
        ),
        (
            {"forward": lambda a: a, "vjps": [lambda g, o, a: g], "symbol": ""},
            TypeError,
            "symbol must be a non-empty string",
        ),
    ],
    ids=[
        "2-vjps-unary",
        "1-vjp-binary",
        "no-vjp",
        "3-ary",
        "forward",
        "vjps-callable",
        "vjp-str",
        "vjp-sig",
        "twins",
        "symbol",
    ],
)
def test_a_bad_definition_is_refused_at_definition_time(
    kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        primitive("p", **kwargs)  # type: ignore[arg-type]
    assert "p" not in ops.PRIMITIVES


@pytest.mark.parametrize("name", ["tanh", "mul", "pow3", "powerful", "leaky_relu"])
def test_a_name_that_shadows_a_built_in_op_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match=f"primitive '{name}': shadows the built-in op"):
        primitive(name, forward=lambda a: a, vjps=[lambda g, out, a: g])


@pytest.mark.parametrize("name", ["", "two words", 3, "x-y"])
def test_a_name_must_be_an_identifier(name: object) -> None:
    with pytest.raises(ValueError, match="the name must be an identifier"):
        primitive(name, forward=lambda a: a, vjps=[lambda g, out, a: g])  # type: ignore[arg-type]


def test_the_explorer_page_carries_pythons_numbers_and_says_what_it_cannot_mirror() -> None:
    import html
    import json
    import re

    x = Value(1.5, label="x")
    out = cube(x) * 2.0
    out.backward()
    page = mx.explore(out).html
    data = json.loads(re.search(r'<script[^>]*id="mgx-data"[^>]*>(.*?)</script>', page, re.S)[1])
    assert data["python_only"] == ["cube"]
    (entry,) = [n for n in data["expression"]["nodes"] if n["op"] == "cube"]
    assert entry["primitive"] is True and entry["local"] == [3 * 1.5**2]
    note = "'cube': user-defined primitive(s) the page cannot recompute"
    assert note in html.unescape(page)  # in the picture's caption, in red
