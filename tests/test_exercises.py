"""The exercises: solutions pass every check, typical wrong answers fail with the message that
names the mistake, the learner's twins are the solutions with the answers taken out, and the
teacher's command tabulates a class.

The learner's notebooks are not executed by nbmake (pytest's testpaths are tests/ and
notebooks/; exercises/*.ipynb are stored unexecuted): they are run here, cell by cell, and
every check must fail saying the task is not done yet — a placeholder is not a crash.
"""

from __future__ import annotations

import importlib.util
import json
import math
import shutil
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import jupytext
import numpy as np
import pytest

from microgradx import cli
from microgradx.exercises import CHECKS, ExerciseFailed, e01, e02, e03, e04, e05, e06, e07
from microgradx.exercises.runner import code_cells, run

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "exercises"
SOLUTIONS = sorted((FOLDER / "solutions").glob("[0-9]*.py"))
KOREAN = [FOLDER / "solutions" / "ko" / p.name for p in SOLUTIONS]
BOTH = SOLUTIONS + KOREAN
MODULES = [e01, e02, e03, e04, e05, e06, e07]


def _build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ex_build", FOLDER / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _ids(module: ModuleType) -> list[str]:
    prefix = module.__name__[-1] + "."
    return [i for i in CHECKS if i.startswith(prefix)]


def test_seven_exercises_in_the_notes_order() -> None:
    assert [p.stem for p in SOLUTIONS] == [
        "01_derivatives_by_hand",
        "02_differences",
        "03_local_derivatives",
        "04_backprop_from_scratch",
        "05_training_loop",
        "06_optimizers",
        "07_two_layer_network",
    ]


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


@pytest.mark.parametrize("solution", BOTH, ids=_id)
def test_the_solutions_pass_every_check(solution: Path) -> None:
    results = run(solution)
    module = MODULES[int(solution.stem[:2]) - 1]
    assert list(results) == _ids(module) and len(results) >= 1
    assert all(v is None for v in results.values()), results


def _learner(solution: Path) -> Path:
    edition = FOLDER / "ko" if solution.parent.name == "ko" else FOLDER
    return edition / solution.name


@pytest.mark.parametrize("solution", BOTH, ids=_id)
def test_the_learners_twin_fails_every_check_as_not_done_yet(solution: Path) -> None:
    results = run(_learner(solution))
    assert list(results) == list(run(solution))
    for message in results.values():
        assert message is not None
        assert message.startswith(("not written yet", "fill in")), message


@pytest.mark.parametrize("solution", BOTH, ids=_id)
def test_the_learners_twin_is_the_solution_without_its_answers(solution: Path) -> None:
    build = _build()
    learner = _learner(solution)
    assert learner.read_text(encoding="utf-8") == build.learner_version(
        solution.read_text("utf-8")
    ), "edit exercises/solutions/, then run python exercises/build.py"
    assert "begin solution" not in learner.read_text(encoding="utf-8")
    for twin in (solution, learner):
        text = [(c.cell_type, c.source) for c in jupytext.read(twin).cells]
        stored = [(c.cell_type, c.source) for c in jupytext.read(twin.with_suffix(".ipynb")).cells]
        assert text == stored, f"{twin.name}: run python exercises/build.py"
        nb = json.loads(twin.with_suffix(".ipynb").read_text(encoding="utf-8"))
        assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")


@pytest.mark.parametrize("english", SOLUTIONS, ids=_id)
def test_the_korean_edition_has_the_english_code_and_korean_prose(english: Path) -> None:
    korean = FOLDER / "solutions" / "ko" / english.name
    assert korean.read_text(encoding="utf-8") == _build().with_code_of(english, korean), (
        "edit the English solution's code, then run python exercises/build.py"
    )
    en, ko = jupytext.read(english).cells, jupytext.read(korean).cells
    assert [c.source for c in en if c.cell_type == "code"] == [
        c.source for c in ko if c.cell_type == "code"
    ]
    prose = [c.source for c in ko if c.cell_type == "markdown"]
    assert all(any("\uac00" <= ch <= "\ud7a3" for ch in text) for text in prose), "Hangul"


def test_the_korean_edition_is_detected_from_its_folder() -> None:
    from microgradx import course

    for folder in ("exercises/ko", "exercises/solutions/ko", "notebooks/ko"):
        assert course.detect_lang(Path("/repo") / folder, environ={}) == "ko"
    for folder in ("exercises", "exercises/solutions"):
        assert course.detect_lang(Path("/repo") / folder, environ={}) == "en"


def test_the_build_refuses_unbalanced_markers() -> None:
    build = _build()
    assert (
        build.learner_version("a\n  # begin solution: ...\n  x = 1\n  # end solution\nb\n")
        == "a\n  ...\nb\n"
    )
    for bad in ("# begin solution: ...\n", "# end solution\n", "# begin solution: a\n" * 2):
        with pytest.raises(ValueError):
            build.learner_version(bad)


def test_the_notebook_reader_takes_both_formats(tmp_path: Path) -> None:
    solution = SOLUTIONS[0]
    assert code_cells(solution) == code_cells(solution.with_suffix(".ipynb"))
    assert any("check.local_derivatives" in c for c in code_cells(solution))


# -- the catalogue of typical wrong answers: (check, arguments, words the message must hold) ----


def _fd(f: Callable[[float], float], x: float, h: float) -> float:
    return (f(x + h) - f(x)) / h


def _cd(f: Callable[[float], float], x: float, h: float) -> float:
    return (f(x + h) - f(x - h)) / (2 * h)


def _order(transform: Callable[[list[float], list[float]], float]) -> Callable[..., float]:
    def error_order(diff: Any, f: Any, df: Any, x: float, hs: list[float]) -> float:
        errors = [abs(diff(f, x, h) - df(x)) for h in hs]
        return transform(hs, errors)

    return error_order


def _slope(xs: Any, ys: Any) -> float:
    return float(np.polyfit(xs, ys, 1)[0])


class _Scratch:
    """A from-scratch Value with switchable classic bugs, as learners write it."""

    bug = ""

    def __init__(self, data: float, children: tuple[Any, ...] = ()) -> None:
        self.data, self.grad, self._prev = data, 0.0, children
        self._backward: Callable[[], None] = lambda: None

    def _give(self, v: _Scratch, amount: float) -> None:
        if self.bug == "=":
            v.grad = amount
        else:
            v.grad += amount

    def __add__(self, other: _Scratch) -> _Scratch:
        out = type(self)(self.data + other.data, (self, other))

        def back() -> None:
            self._give(self, out.grad)
            self._give(other, out.grad)

        out._backward = back
        return out

    def __mul__(self, other: _Scratch) -> _Scratch:
        out = type(self)(self.data * other.data, (self, other))

        def back() -> None:
            factor = self.data if self.bug == "mul" else other.data
            self._give(self, factor * out.grad)
            self._give(other, self.data * out.grad)

        out._backward = back
        return out

    def tanh(self) -> _Scratch:
        out = type(self)(math.tanh(self.data), (self,))

        def back() -> None:
            self._give(self, (1 - out.data**2) * out.grad)

        out._backward = back
        return out

    def backward(self) -> None:
        order: list[_Scratch] = []
        seen: set[int] = set()

        def visit(v: _Scratch) -> None:
            if id(v) not in seen:
                seen.add(id(v))
                for c in v._prev:
                    visit(c)
                order.append(v)

        visit(self)
        if self.bug != "seed":
            self.grad = 1.0
        for v in order if self.bug == "order" else reversed(order):
            v._backward()


def _scratch(bug: str) -> type[_Scratch]:
    return type(f"Scratch_{bug}", (_Scratch,), {"bug": bug})


def _train(kind: str) -> Callable[..., list[float]]:
    def train(model: Any, X: Any, y: Any, steps: int, lr: float) -> list[float]:
        history = []
        for _ in range(steps):
            loss = e05.loss_of(model, X, y)
            if kind != "no zero_grad":
                model.zero_grad()
            loss.backward()
            if kind == "late zero_grad":
                model.zero_grad()
            for p in model.parameters():
                p.data += (lr if kind == "sign" else -lr) * p.grad
            history.append(loss.data)
        return history

    return train


def _momentum(kind: str) -> type:
    class M:
        def __init__(self, params: Any, lr: float, momentum: float = 0.9) -> None:
            self.params, self.lr, self.mu = list(params), lr, momentum
            self.v = [0.0] * len(self.params)

        def step(self) -> None:
            for i, p in enumerate(self.params):
                if kind == "no velocity":
                    self.v[i] = p.grad
                else:
                    damp = (1 - self.mu) if kind == "damped" else 1.0
                    self.v[i] = self.mu * self.v[i] + damp * p.grad
                p.data -= self.lr * self.v[i]

    return M


def _adam(kind: str) -> type:
    class A:
        def __init__(self, params: Any, lr: float, betas: Any, eps: float) -> None:
            self.params, self.lr, self.betas, self.eps = list(params), lr, betas, eps
            self.m = [0.0] * len(self.params)
            self.v = [0.0] * len(self.params)
            self.t = 0

        def step(self) -> None:
            b1, b2 = self.betas
            if kind != "t from 0":
                self.t += 1
            for i, p in enumerate(self.params):
                g = p.grad
                self.m[i] = b1 * self.m[i] + (1 - b1) * g
                self.v[i] = b2 * self.v[i] + (1 - b2) * g * g
                m, v = self.m[i], self.v[i]
                if kind != "no correction":
                    m, v = m / (1 - b1**self.t), v / (1 - b2**self.t)
                p.data -= self.lr * m / (math.sqrt(v) + self.eps)
            if kind == "t from 0":
                self.t += 1

    return A


def _by_hand(**switches: Any) -> Callable[..., Any]:
    return lambda W1, w2, X, T: e07.by_formula(W1, w2, X, T, **switches)


def _transposed(W1: Any, w2: Any, X: Any, T: Any) -> Any:
    d1, d2 = e07.by_formula(W1, w2, X, T)
    return [list(col) for col in zip(*d1, strict=True)], d2


CATALOGUE: list[tuple[str, Callable[..., None], tuple[Any, ...], str]] = [
    ("1.1 t for 2t", e01.local_derivatives, (3.0, 2.0), "t itself"),
    ("1.1 dt/dx", e01.local_derivatives, (6.0, 1.0), "grows by 2"),
    ("1.2 forgot dt/dx", e01.dz_dx_number, (6.0,), "multiply by ∂t/∂x = 2"),
    ("1.2 z", e01.dz_dx_number, (9.0,), "9 is z"),
    ("1.3 dz/dx for dz/dy", e01.dz_dy_number, (12.0,), "∂t/∂y = 1"),
    ("1.4 2t", e01.dz_dx_formula, (lambda x, y: 4 * x + 2 * y,), "∂t/∂x = 2 is missing"),
    ("1.4 t", e01.dz_dx_formula, (lambda x, y: 2 * x + y,), "t = 2x + y itself"),
    ("1.5 2x", e01.second_example, (4.0,), "y is part of t"),
    ("1.5 unfilled", e01.second_example, (...,), "fill in"),
    ("2.1 central", e02.forward, (_cd,), "the central difference"),
    ("2.1 sign", e02.forward, (lambda f, x, h: (f(x) - f(x + h)) / h,), "sign flipped"),
    ("2.1 2h", e02.forward, (lambda f, x, h: (f(x + h) - f(x)) / (2 * h),), "2h instead of h"),
    ("2.2 forward", e02.backward, (_fd,), "the forward difference"),
    ("2.3 missing 2", e02.central, (lambda f, x, h: (f(x + h) - f(x - h)) / h,), "divide by 2h"),
    ("2.3 forward", e02.central, (_fd,), "the forward difference"),
    (
        "2.4 swapped",
        e02.order,
        (_order(lambda hs, es: _slope(np.log(es), np.log(hs))),),
        "fitted log h against log error",
    ),
    ("2.4 raw", e02.order, (_order(lambda hs, es: _slope(hs, es)),), "slope of the raw errors"),
    (
        "2.4 sign",
        e02.order,
        (_order(lambda hs, es: -_slope(np.log(hs), np.log(es))),),
        "sign is flipped",
    ),
    ("3.1 wrong input", e03.mul, (lambda g, o, a, b: g * a, lambda g, o, a, b: g * a), "other*"),
    ("3.1 missing g", e03.mul, (lambda g, o, a, b: b, lambda g, o, a, b: g * a), "without g"),
    (
        "3.2 out",
        e03.tanh,
        (lambda g, out, a: g * out,),
        "uses out where the derivative is 1 − out²",
    ),
    (
        "3.2 1 - out",
        e03.tanh,
        (lambda g, out, a: g * (1 - out),),
        "1 − out: the derivative squares",
    ),
    ("3.2 signature", e03.tanh, (lambda g, out: g,), "(g, out, *inputs)"),
    ("3.2 missing g", e03.tanh, (lambda g, out, a: 1 - out * out,), "without g"),
    ("3.2 input", e03.tanh, (lambda g, out, a: g * (1 - a * a),), "the input squared"),
    ("3.3 out", e03.sigmoid, (lambda g, out, a: g * out,), "uses out alone"),
    ("3.3 input", e03.sigmoid, (lambda g, out, a: g * a * (1 - a),), "uses the input a"),
    ("3.4 identity", e03.relu, (lambda g, out, a: g,), "relu′ is 0 where a < 0"),
    ("3.4 times a", e03.relu, (lambda g, out, a: g * a,), "relu′ is a step"),
    ("3.4 reversed", e03.relu, (lambda g, out, a: g * (a < 0),), "the wrong way round"),
    (
        "3.5 exponent kept",
        e03.pow,
        (lambda g, o, a, b: g * b * a**b, lambda g, o, a, b: g * o * math.log(a)),
        "the power drops by one",
    ),
    (
        "3.5 no log",
        e03.pow,
        (lambda g, o, a, b: g * b * a ** (b - 1), lambda g, o, a, b: g * o),
        "forgets ln a",
    ),
    ("3.5 raises", e03.pow, (lambda g, o, a, b: 1 / 0, lambda g, o, a, b: g), "ZeroDivisionError"),
    ("4.2 =", e04.notes_graphs, (_scratch("="),), "accumulate (self.grad += …), not assign"),
    ("4.2 seed", e04.notes_graphs, (_scratch("seed"),), "forgotten seed gradient"),
    ("4.3 order", e04.random_graphs, (_scratch("order"),), "reverse topological order"),
    ("4.2 mul", e04.notes_graphs, (_scratch("mul"),), "local derivative in `__mul__`"),
    ("5.1 no zero_grad", e05.loop, (_train("no zero_grad"),), "never calls zero_grad()"),
    ("5.1 sign", e05.loop, (_train("sign"),), "the loss rises"),
    ("5.1 late zero_grad", e05.loop, (_train("late zero_grad"),), "the loss never changes"),
    ("5.2 too large", e05.learning_rate, (10.0,), "too large: the loss rose"),
    ("5.2 too small", e05.learning_rate, (0.001,), "too small"),
    ("5.2 negative", e05.learning_rate, (-0.1,), "positive"),
    ("6.1 no velocity", e06.momentum, (_momentum("no velocity"),), "plain SGD"),
    ("6.1 damped", e06.momentum, (_momentum("damped"),), "(1 − μ)·g"),
    ("6.2 no correction", e06.adam, (_adam("no correction"),), "bias correction is missing"),
    ("6.2 t from 0", e06.adam, (_adam("t from 0"),), "is t counted from 0"),
    ("7.1 no 1/N", e07.gradients, (_by_hand(mean=False),), "N = 4 times too large"),
    ("7.1 no 2", e07.gradients, (_by_hand(two=False),), "keep the 2"),
    ("7.1 relu'", e07.gradients, (_by_hand(relu_prime=False),), "ReLU′(n_m) = 0"),
    ("7.1 sign", e07.gradients, (_by_hand(sign=-1.0),), "sign is flipped"),
    ("7.1 transposed", e07.gradients, (_transposed,), "indices swapped"),
]


@pytest.mark.parametrize(
    ("name", "check", "args", "words"), CATALOGUE, ids=[c[0] for c in CATALOGUE]
)
def test_a_typical_wrong_answer_fails_naming_the_mistake(
    name: str, check: Callable[..., None], args: tuple[Any, ...], words: str
) -> None:
    with pytest.raises(ExerciseFailed) as info:
        check(*args)
    message = str(info.value)
    assert message.startswith(f"✗ {name.split()[0]} ")
    if words.endswith("*"):
        assert words[:-1] in message, message
    else:
        assert words in message, message


def test_every_check_has_an_entry_in_the_catalogue() -> None:
    caught = {name.split()[0] for name, *_ in CATALOGUE}
    assert caught | {"4.1"} == set(CHECKS)


def test_a_forward_pass_that_computes_wrong_data_is_named() -> None:
    class Wrong(_Scratch):
        def tanh(self) -> _Scratch:
            return type(self)(math.sin(self.data), (self,))

    with pytest.raises(ExerciseFailed, match=r"node 4 holds .*; it should hold"):
        e04.forward(Wrong)


# -- the teacher's command ------------------------------------------------------------------


def test_the_teacher_command_tabulates_who_passed_what(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for student, source in (("ada", FOLDER / "solutions"), ("bob", FOLDER)):
        (tmp_path / student).mkdir()
        for stem in ("01_derivatives_by_hand", "03_local_derivatives"):
            shutil.copy(source / f"{stem}.ipynb", tmp_path / student / f"{stem}.ipynb")
    wrong = (tmp_path / "bob" / "03_local_derivatives.ipynb").read_text(encoding="utf-8")
    # both mul rules multiply g by a: right for b, the wrong input for a
    wrong = wrong.replace("raise NotImplementedError  # your code here", "return g * a", 2)
    (tmp_path / "bob" / "03_local_derivatives.ipynb").write_text(wrong, encoding="utf-8")
    code = cli.main(["exercises", "check", str(tmp_path), "--timeout", "120"])
    out = capsys.readouterr().out
    lines = out.splitlines()
    header = lines[0].split()
    assert header[0] == "student" and header[1:4] == ["1.1", "1.2", "1.3"]
    ada = dict(zip(header, lines[1].split(), strict=True))
    bob = dict(zip(header, lines[2].split(), strict=True))
    assert (ada["student"], ada["1.1"], ada["3.5"], ada["4.1"], ada["passed"]) == (
        "ada",
        "✓",
        "✓",
        "·",
        f"10/{len(CHECKS)}",
    )
    assert (bob["student"], bob["1.1"], bob["3.1"], bob["passed"]) == (
        "bob",
        "✗",
        "✗",
        f"0/{len(CHECKS)}",
    )
    assert "bob 3.1: check_rules names the rule for input 0 (a)" in out
    assert "it multiplies g by a, the input itself" in out
    assert "bob 1.1: fill in dz_dt first" in out
    assert code == 1


def test_the_teacher_command_refuses_a_folder_without_notebooks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["exercises", "check", str(tmp_path)]) == 2
    assert "no notebooks" in capsys.readouterr().err
    assert cli.main(["exercises", "check", str(tmp_path / "nope")]) == 2


def test_the_korean_edition_explains_in_korean(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from microgradx.exercises.runner import run_isolated

    text = (FOLDER / "ko" / "03_local_derivatives.py").read_text(encoding="utf-8")
    wrong = text.replace("raise NotImplementedError  # your code here", "return g * a", 2)
    (tmp_path / "03.py").write_text(wrong, encoding="utf-8")
    monkeypatch.setenv("MICROGRADX_LANG", "ko")
    results = run_isolated(tmp_path / "03.py", timeout=120)
    assert results["3.1"] is not None and "입력 a 자신을 곱합니다" in results["3.1"]
    assert results["3.2"] is not None and results["3.2"].startswith("아직 작성하지 않았습니다")


def test_a_notebook_that_hangs_or_breaks_is_stopped_and_reported(tmp_path: Path) -> None:
    from microgradx.exercises.runner import class_table, run_isolated

    hangs = tmp_path / "hangs" / "cy.py"
    hangs.parent.mkdir()
    hangs.write_text("# %%\nwhile True:\n    pass\n", encoding="utf-8")
    assert run_isolated(hangs, timeout=2) == {"*": "stopped after 2 s"}
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "di.py").write_text("# %%\ndef broken(:\n", encoding="utf-8")
    (tmp_path / "class" / "helper.py").write_text("x = 1\n", encoding="utf-8")  # not a row
    table, failures = class_table(tmp_path / "class", timeout=120)
    lines = table.splitlines()
    assert failures == 0 and "helper" not in table  # di ran (its cell did not compile)
    assert lines[1].startswith("di ") and lines[1].endswith(f" 0/{len(CHECKS)}")
