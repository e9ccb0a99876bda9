"""The explorer page in a real headless browser: its numbers must be the library's.

Debian's Chromium is driven through Python playwright (``executable_path``; playwright's own
browser download is not needed). Where Chromium or playwright is missing these tests skip
with the reason, except under ``CI=true``, where a missing browser is a failure.
"""

from __future__ import annotations

import math
import os
import random
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from microgradx import MLP, Value, data, fit, losses, ops, topological_order
from microgradx.graphcmd import parse_expression
from microgradx.viz import backward_steps
from microgradx.viz.explore import explore
from microgradx.viz.style import _fmt

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DOCS = Path(__file__).parents[1] / "docs"


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Python playwright is not installed (pip install -e '.[dev]')"
    if not os.access(CHROMIUM, os.X_OK):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if shutil.which("dot") is None:
        return "Graphviz `dot` is not installed (apt-get install graphviz)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium per test module (per xdist worker), with a fresh profile."""
    reason = _missing()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but the browser tests cannot run: {reason}")
        print(f"skipping the browser tests: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw, tempfile.TemporaryDirectory() as profile:
        context = pw.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            viewport={"width": 1440, "height": 900},
        )
        yield context
        context.close()


class Opened:
    """A page opened from file://, recording every request and every page error."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.requests: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))

    def js(self, script: str, arg: Any = None) -> Any:
        return self.page.evaluate(script, arg)


@pytest.fixture
def open_page(browser: Any, tmp_path: Path) -> Iterator[Callable[[Any], Opened]]:
    pages: list[Opened] = []

    def opener(
        root: Any,
        title: str | None = None,
        width: int | None = None,
        height: int = 900,
        lang: str = "en",
        fragment: str = "",
    ) -> Opened:
        path = explore(root, title=title, lang=lang).save(tmp_path / f"page{len(pages)}.html")
        opened = Opened(browser.new_page())
        if width is not None:  # before the page loads, as a reader's window would be
            opened.page.set_viewport_size({"width": width, "height": height})
        opened.page.goto(path.as_uri() + fragment)
        opened.page.wait_for_function("window.explorer !== undefined")
        pages.append(opened)
        return opened

    yield opener
    for opened in pages:
        foreign = [u for u in opened.requests if not u.startswith(("file:", "data:", "blob:"))]
        assert not foreign, f"the page made requests: {foreign}"
        assert not opened.errors, f"page errors: {opened.errors}"
        opened.page.close()


def close(a: float, b: float, rel: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b or abs(a - b) <= rel * max(abs(a), abs(b))


# -- the Expression tab ------------------------------------------------------------------------

# One term per primitive, on inputs drawn from [-2, 2], built so no input leaves its domain.
TERMS: dict[str, Callable[[Value, Value, Value], Value]] = {
    "add": lambda x, w, b: x + w,
    "sub": lambda x, w, b: w - b,
    "mul": lambda x, w, b: x * w,
    "div": lambda x, w, b: x / (1.5 + w.sigmoid()),
    "pow": lambda x, w, b: (x * x + 0.5) ** w.tanh(),
    "neg": lambda x, w, b: -b,
    "abs": lambda x, w, b: abs(x - 0.3),
    "exp": lambda x, w, b: (0.5 * w).exp(),
    "log": lambda x, w, b: (b * b + 0.1).log(),
    "sqrt": lambda x, w, b: (x * x + 0.2).sqrt(),
    "tanh": lambda x, w, b: (x * w + b).tanh(),
    "sigmoid": lambda x, w, b: (3 * x).sigmoid(),
    "relu": lambda x, w, b: (x - w).relu(),
    "softplus": lambda x, w, b: (w * b).softplus(),
    "sin": lambda x, w, b: (x * b).sin(),
    "cos": lambda x, w, b: (w + 1).cos(),
    "tan": lambda x, w, b: (0.5 * x.tanh()).tan(),
    "sinh": lambda x, w, b: (x * w).sinh(),
    "cosh": lambda x, w, b: (w - b).cosh(),
    "asin": lambda x, w, b: (0.9 * (x * b).tanh()).asin(),
    "acos": lambda x, w, b: (0.9 * w.tanh()).acos(),
    "atan": lambda x, w, b: (x * b + w).atan(),
    "asinh": lambda x, w, b: (x * w - b).asinh(),
    "acosh": lambda x, w, b: (x * x + 1.1).acosh(),
    "atanh": lambda x, w, b: (0.9 * (w * b).tanh()).atanh(),
    "sign": lambda x, w, b: (x - b).sign() * w,
    "mod": lambda x, w, b: (x * w) % (1.5 + b.sigmoid()),
    "log1p": lambda x, w, b: (b * b).log1p(),
    "expm1": lambda x, w, b: (0.5 * x).expm1(),
}
EXTRA: dict[str, Callable[[Value, Value, Value], Value]] = {
    "power": lambda x, w, b: (x * x + 1) ** 1.5 + b**3,
    "leaky_relu": lambda x, w, b: (x + b).leaky_relu(0.1),
}


def every_op(x: Value, w: Value, b: Value) -> Value:
    """A sum with one term per primitive; terms multiply pairwise, so fan-out is everywhere."""
    terms = [make(x, w, b) for make in [*TERMS.values(), *EXTRA.values()]]
    out = terms[0]
    for i, t in enumerate(terms[1:]):
        out = out + t * (0.5 if i % 2 else -0.25)
    return out


def leaves(values: dict[str, float]) -> tuple[Value, Value, Value]:
    return tuple(Value(values[k], label=k) for k in ("x", "w", "b"))  # type: ignore[return-value]


def test_the_graph_covers_every_op_of_the_rule_table():
    missing = set(ops.RULES) - set(TERMS)
    assert not missing, f"add a term for the new ops {missing} to TERMS (and their page twins)"
    used = {v.op for v in topological_order(every_op(*leaves({"x": 1, "w": 1, "b": 1})))}
    assert set(ops.RULES) <= used


def test_values_and_gradients_equal_pythons_at_200_random_settings(open_page):
    page = open_page(every_op(*leaves({"x": 0.3, "w": -0.7, "b": 1.1})))
    rng = random.Random(12)
    settings = [{k: rng.uniform(-2, 2) for k in ("x", "w", "b")} for _ in range(200)]
    got = page.js(
        """settings => settings.map(s => {
            for (const [k, v] of Object.entries(s)) explorer.set(k, v);
            return explorer.nodes();
        })""",
        settings,
    )
    worst = 0.0
    for values, nodes in zip(settings, got, strict=True):
        root = every_op(*leaves(values))
        root.backward()
        order = topological_order(root)
        assert len(nodes) == len(order)
        for v, n in zip(order, nodes, strict=True):
            assert (n["op"], n["label"]) == (v.op, v.label)
            for mine, theirs in ((n["data"], v.data), (n["grad"], v.grad)):
                assert close(mine, theirs, 1e-12), (values, v.op, mine, theirs)
                if mine != theirs:
                    worst = max(worst, abs(mine - theirs) / max(abs(mine), abs(theirs)))
    print(f"largest relative difference over 200 settings: {worst:.2e}")


def test_number_formatting_equals_the_drawings(open_page):
    page = open_page(parse_expression("x * 2", {"x": 1}))
    rng = random.Random(3)
    xs = [0.0, -0.0, 1.0625, 9.9995, 99995.0, 1e-5, 0.00012345, 1234.0, -3.0, 0.5, 5e-324]
    xs += [rng.uniform(-10, 10) for _ in range(300)]
    xs += [rng.uniform(-1, 1) * 10.0 ** rng.randint(-30, 30) for _ in range(300)]
    assert page.js("xs => xs.map(explorer.fmt)", xs) == [_fmt(x) for x in xs]


def test_stepping_walks_forward_then_backward_with_the_library_numbers(open_page):
    x, w, b = leaves({"x": 2.0, "w": -3.0, "b": 6.8814})
    root = (x * w + b).tanh()
    page = open_page(root)
    n = len(topological_order(root))
    end = {"index": 2 * n, "total": 2 * n, "node_id": 0, "waiting": None}
    assert page.js("explorer.cursor()") == end
    assert page.js("explorer.step(-1000)") == {**end, "index": 0, "node_id": None}
    assert [page.js("explorer.step(1)")["node_id"] for _ in range(n)] == list(range(n))
    steps = list(backward_steps(root))
    for k, step in enumerate(steps):
        cursor = page.js("explorer.step(1)")
        assert cursor["node_id"] == n - 1 - k
        pairs = zip(step.local_grads, step.contributions, strict=True)
        for slot, (local, sent) in enumerate(pairs):
            text = page.js(
                "([i, slot]) => document.querySelectorAll('g.edge.current text')[slot].textContent",
                [cursor["node_id"], slot],
            )
            assert text == f"∂ {_fmt(local)} × {_fmt(step.upstream)} = {_fmt(sent)}"


def test_keys_and_buttons_move_the_cursor(open_page):
    page = open_page(parse_expression("x * y + y", {"x": 1, "y": 2}))
    total = page.js("explorer.cursor().total")
    page.page.keyboard.press("Home")
    assert page.js("explorer.cursor().index") == 0
    page.page.keyboard.press("ArrowRight")
    page.page.keyboard.press("ArrowRight")
    page.page.keyboard.press("ArrowLeft")
    assert page.js("explorer.cursor().index") == 1
    page.page.click("#tab-expression .step-end")
    assert page.js("explorer.cursor().index") == total
    page.page.click("#tab-expression .step-back")
    assert page.js("explorer.cursor().index") == total - 1
    assert page.page.locator("g.node.current").count() == 1


def test_a_fan_out_node_shows_its_running_sum(open_page):
    page = open_page(parse_expression("x * y + x", {"x": 3, "y": 2}))  # x feeds two ops
    texts = page.js(
        """() => {
            explorer.step(-1000);
            const out = [];
            for (let k = 0; k < explorer.cursor().total; k++) {
                explorer.step(1);
                const box = [...document.querySelectorAll('g.node')]
                    .find(g => g.querySelector('title').textContent === 'n0');
                out.push(box.querySelectorAll('text')[2].textContent);
            }
            return out;
        }"""
    )
    # The add node passes 1 to x first, then the mul passes y = 2: the sum runs 1, 3.
    assert [t for t in dict.fromkeys(texts) if t != "grad —"] == [
        f"grad {_fmt(1.0)} (1/2)",
        f"grad {_fmt(3.0)} (2/2)",
    ]


def test_moving_an_input_updates_every_number_live(open_page):
    page = open_page(parse_expression("tanh(x*w + b)", {"x": 2, "w": -3, "b": 6.8814}))
    page.page.fill("input[aria-label='x value']", "0.5")
    page.page.dispatch_event("input[aria-label='x value']", "change")
    root = parse_expression("tanh(x*w + b)", {"x": 0.5, "w": -3, "b": 6.8814})
    root.backward()
    nodes = page.js("explorer.nodes()")
    assert nodes[-1]["data"] == pytest.approx(root.data, rel=1e-12)
    shown = page.js("[...document.querySelectorAll('g.node text')].map(t => t.textContent)")
    assert f"data {_fmt(root.data)}" in shown
    slider = page.page.locator("input[aria-label='x slider']")
    assert float(slider.input_value()) == pytest.approx(0.5, abs=0.02)


def test_an_input_outside_the_domain_is_refused_as_python_refuses_it(open_page):
    page = open_page(parse_expression("log(x)", {"x": 2}))
    with pytest.raises(Exception, match="log: input must be > 0, got -1"):
        page.js("explorer.set('x', -1)")
    assert page.js("explorer.nodes()")[-1]["data"] == pytest.approx(math.log(2))
    assert "log: input must be > 0" in page.page.locator("#tab-expression .error").inner_text()
    page.errors.clear()  # the refused set() above is the error this test expects


def test_the_nudge_check_shows_delta_out_next_to_grad_times_h(open_page):
    values = {"x": 0.7, "w": -1.2, "b": 0.4}
    page = open_page(parse_expression("sigmoid(x*w) * exp(b)", values))
    got = page.js("explorer.nudge('x', 1e-3)")
    before = parse_expression("sigmoid(x*w) * exp(b)", values)
    before.backward()
    after = parse_expression("sigmoid(x*w) * exp(b)", {**values, "x": values["x"] + 1e-3})
    x = next(v for v in topological_order(before) if v.label == "x")
    assert close(got["delta"], after.data - before.data, 1e-9)
    assert close(got["predicted"], x.grad * 1e-3, 1e-12)
    shown = page.page.locator("#tab-expression .nudge-out").inner_text()
    assert _fmt(after.data - before.data) in shown and _fmt(x.grad * 1e-3) in shown


def test_edges_carrying_under_one_percent_of_the_roots_gradient_are_greyed(open_page):
    root = parse_expression("sigmoid(10*x) + x*y", {"x": 2, "y": 1e-3})  # σ' ≈ 2e-9 at 20
    page = open_page(root)
    greyed = page.js(
        "[...document.querySelectorAll('g.edge.vanishing text')].map(t => t.textContent)"
    )
    # The oracle: every contribution backward_steps computes, against 1% of the root's grad 1.
    faint = [
        f"∂ {_fmt(local)} × {_fmt(step.upstream)} = {_fmt(sent)}"
        for step in backward_steps(root)
        for local, sent, parent in zip(
            step.local_grads, step.contributions, step.node.parents, strict=True
        )
        if parent.requires_grad and abs(sent) < 0.01
    ]
    assert len(faint) == 4 and sorted(greyed) == sorted(faint)
    # |local ∂| alone would grey the edge into sigmoid's input (2e-9) but not 10 × 2e-9 → x,
    # nor x·y's edge to x (local ∂ = y = 0.001 carries 0.001): what flows decides.
    assert any("∂ 0.001000 × 1.000 = 0.001000" in g for g in greyed)


def test_the_notebook_view_runs_inside_its_iframe(browser, tmp_path):
    frame_html = explore(parse_expression("x * x", {"x": 3}))._repr_html_()
    path = tmp_path / "notebook.html"
    path.write_text(f"<!DOCTYPE html><html><body>{frame_html}</body></html>", encoding="utf-8")
    opened = Opened(browser.new_page())
    opened.page.goto(path.as_uri())
    frame = opened.page.frame_locator("iframe.microgradx-explorer")
    frame.locator("#tab-expression .cursor-text").wait_for()
    inner = opened.page.frames[1]
    inner.wait_for_function("window.explorer !== undefined")
    assert inner.evaluate("explorer.nodes()")[-1]["grad"] == 1.0
    assert inner.evaluate("explorer.nodes()")[0]["grad"] == 6.0
    assert not opened.errors
    assert all(u.startswith(("file:", "data:", "about:")) for u in opened.requests)
    opened.page.close()


def test_a_screenshot_of_the_expression_tab(open_page, tmp_path):
    page = open_page(
        parse_expression("tanh(x*w + b)", {"x": 2, "w": -3, "b": 6.8814}),
        title="tanh(x*w + b)",
        width=1920,
    )
    page.js("explorer.step(-4)")
    pane = "document.querySelector('.graph')"
    # The whole neuron is in view at a desktop width: no horizontal scrolling in the picture.
    assert page.js(f"{pane}.scrollWidth <= {pane}.clientWidth + 1")
    out = tmp_path / "explorer_expression.png"
    page.page.screenshot(path=str(out))
    assert out.read_bytes().startswith(b"\x89PNG")
    if os.environ.get("MICROGRADX_UPDATE_DOCS") == "1":
        shutil.copyfile(out, DOCS / "explorer_expression.png")


def test_a_model_page_shows_the_graph_of_its_output(open_page):
    model = MLP(2, [3, 1], seed=0)
    page = open_page(model)
    xs = [Value(0.5, label="x0"), Value(-0.5, label="x1")]
    out = model(xs)
    out.backward()
    nodes = page.js("explorer.nodes()")
    assert nodes[-1]["data"] == out.data
    grads = {n["label"]: n["grad"] for n in nodes if n["label"]}
    for name, p in model.named_parameters():
        assert close(grads[name], p.grad, 1e-12)


# -- the Training tab ---------------------------------------------------------------------------

RUNS = [
    dict(dataset="moons", n=100, seed=0, layers=[8], activation="tanh", loss="hinge",
         optimizer="adam", batch_size=16),
    dict(dataset="circles", n=80, seed=1, layers=[6, 4], activation="relu", loss="bce",
         optimizer="momentum", batch_size=8),
    dict(dataset="xor", n=60, seed=2, layers=[5], activation="sigmoid", loss="mse",
         optimizer="rmsprop", lr=0.02, batch_size=None),
    dict(dataset="spirals", n=90, seed=3, layers=[6, 6], activation="leaky_relu",
         loss="cross_entropy", optimizer="sgd", lr=0.1, batch_size=10),
    dict(dataset="moons", n=64, seed=4, layers=[4], activation="tanh", loss="bce",
         optimizer="adagrad", batch_size=1),
]  # fmt: skip


def library_run(o: dict[str, Any], epochs: int) -> tuple[Any, dict[str, float]]:
    """The same run through the library: its generator, split, MLP(seed=) and fit."""
    X, y = getattr(data, f"make_{o['dataset']}")(o["n"], seed=o["seed"])
    (Xtr, ytr), (Xv, yv), _ = data.train_val_test_split(X, y, (0.8, 0.2, 0.0), seed=o["seed"])
    width = len(set(y.tolist())) if o["loss"] == "cross_entropy" else 1
    model = MLP(2, [*o["layers"], width], o["activation"], seed=o["seed"])
    history = fit(
        model, Xtr, ytr, o["loss"], o["optimizer"], o.get("lr"), epochs, o["batch_size"],
        val=(Xv, yv), seed=o["seed"], progress=False,
    )  # fmt: skip
    return history, {name: p.data for name, p in model.named_parameters()}


@pytest.mark.parametrize("run", RUNS, ids=lambda o: f"{o['dataset']}-{o['loss']}-{o['optimizer']}")
def test_30_epochs_in_the_page_equal_fit(open_page, run):
    page = open_page(parse_expression("x * 2", {"x": 1}))
    got = page.js("o => explorer.train(o)", {**run, "epochs": 30})
    history, params = library_run(run, 30)
    assert len(got["losses"]) == 30
    for mine, theirs in zip(got["losses"], history.train_loss, strict=True):
        assert close(mine, theirs, 1e-9)
    for mine, theirs in zip(got["val_losses"], history.val_loss, strict=True):
        assert close(mine, theirs, 1e-9)
    assert set(got["params"]) == set(params)
    worst = max(abs(got["params"][k] - v) / max(abs(v), 1e-300) for k, v in params.items())
    print(f"{run['dataset']}: largest relative parameter difference {worst:.1e}")
    assert all(close(got["params"][k], v, 1e-9) for k, v in params.items())


def test_the_page_draws_the_library_datasets(open_page):
    page = open_page(parse_expression("x * 2", {"x": 1}))
    cases = (("moons", 101, 5), ("circles", 77, 6), ("spirals", 95, 7), ("xor", 40, 8))
    for name, n, seed in cases:
        X, y = getattr(data, f"make_{name}")(n, seed=seed)
        got = page.js("([name, n, seed]) => explorer.dataset(name, n, seed)", [name, n, seed])
        assert got["y"] == y.tolist()  # the shuffle (a permutation) is bit-exact
        for row, want in zip(got["X"], X.tolist(), strict=True):
            assert all(close(a, b, 1e-12) for a, b in zip(row, want, strict=True))


def test_a_clicked_sample_shows_its_loss_graph_with_the_library_gradients(open_page):
    page = open_page(parse_expression("x * 2", {"x": 1}))
    run = dict(RUNS[0], layers=[3])
    page.js("o => explorer.train(o)", {**run, "epochs": 5})
    page.page.click("nav button[data-tab=training]")
    page.page.click("canvas.boundary", position={"x": 180, "y": 180})
    assert page.page.locator("section.sample").is_visible()
    nodes = page.js("explorer.sample(7)")
    _, params = library_run(run, 5)
    X, y = data.make_moons(run["n"], seed=run["seed"])
    model = MLP(2, [3, 1], "tanh", seed=0)
    model.load_parameters([params[name] for name, _ in model.named_parameters()])
    xs = [Value(float(X[7][0]), label="x0"), Value(float(X[7][1]), label="x1")]
    loss = losses.hinge([model(xs)], [1.0 if y[7] > 0 else -1.0])
    loss.backward()
    order = topological_order(loss)
    assert [n["op"] for n in nodes] == [v.op for v in order]
    for n, v in zip(nodes, order, strict=True):
        assert close(n["data"], v.data, 1e-12) and close(n["grad"], v.grad, 1e-12)
    page.page.keyboard.press("ArrowRight")
    assert page.page.locator("section.sample g.node.current").count() == 1


def test_play_pause_and_step_train_the_network(open_page):
    page = open_page(MLP(2, [4, 1], seed=0))
    assert page.page.locator("#tab-training").is_visible()
    page.page.click("button.step-epoch")
    assert "epoch 1 ·" in page.page.locator(".train-status").inner_text()
    page.page.click("button.play")
    page.page.wait_for_function(
        "() => /epoch ([3-9]|\\d\\d)/.test(document.querySelector('.train-status').textContent)"
    )
    page.page.click("button.play")
    assert page.page.locator("button.play").inner_text() == "▶ play"
    assert page.page.locator(".heatmaps canvas").count() == 5  # 4 hidden neurons and the output


def test_a_loss_that_does_not_fit_the_labels_is_refused(open_page):
    page = open_page(parse_expression("x * 2", {"x": 1}))
    with pytest.raises(Exception, match="loss 'hinge' needs labels"):
        page.js("o => explorer.train(o)", {**RUNS[3], "loss": "hinge", "epochs": 1})
    widths = r"layers must be a list of hidden widths from 1 to 64, got \[0\]"
    with pytest.raises(Exception, match=widths):
        page.js("o => explorer.train(o)", {**RUNS[0], "layers": [0], "epochs": 1})
    with pytest.raises(Exception, match="lr must be a finite number > 0, got -1"):
        page.js("o => explorer.train(o)", {**RUNS[0], "lr": -1, "epochs": 1})
    page.errors.clear()


def test_a_screenshot_of_the_training_tab(open_page, tmp_path):
    page = open_page(parse_expression("x * 2", {"x": 1}))
    page.js("o => explorer.train(o)", {**RUNS[0], "layers": [4, 4], "epochs": 60})
    page.page.click("nav button[data-tab=training]")
    # a sample the network still gets wrong: its hinge loss, and so its gradients, are not 0
    page.js("() => { for (let i = 0; explorer.sample(i).at(-1).data < 0.5; i++); }")
    page.page.keyboard.press("End")
    for _ in range(40):  # back into the backward pass, at a first-layer neuron
        page.page.keyboard.press("ArrowLeft")
    out = tmp_path / "explorer_training.png"
    page.page.screenshot(path=str(out))
    assert out.read_bytes().startswith(b"\x89PNG")
    if os.environ.get("MICROGRADX_UPDATE_DOCS") == "1":
        shutil.copyfile(out, DOCS / "explorer_training.png")


def test_a_user_defined_primitive_shows_pythons_numbers_in_the_page(open_page):
    from microgradx import primitive

    cube = primitive("cube_page", forward=lambda a: a**3, vjps=[lambda g, out, a: g * 3 * a**2])
    x, w = Value(1.5, label="x"), Value(-0.5, label="w")
    root = cube(x * w) + x
    page = open_page(root)
    nodes = page.js("() => explorer.nodes()")
    root.backward()
    order = topological_order(root)
    assert [(n["op"], n["data"], n["grad"]) for n in nodes] == [
        (v.op, v.data, v.grad) for v in order
    ]


def test_a_long_chain_on_one_input_steps_backward_with_the_library_numbers(open_page):
    # x feeds every step: drawn along a trunk, each branch still the edge the page updates
    x = Value(1.01, label="x")
    root = x
    for _ in range(39):
        root = root * x
    page = open_page(root)
    n = len(topological_order(root))
    page.js("explorer.step(-1000)")
    page.js(f"explorer.step({n})")  # the forward pass, then backward node by node
    for step in backward_steps(root):
        page.js("explorer.step(1)")
        texts = page.js(
            "[...document.querySelectorAll('g.edge.current text')].map(t => t.textContent)"
        )
        pairs = zip(step.local_grads, step.contributions, strict=True)
        expected = [f"∂ {_fmt(a)} × {_fmt(step.upstream)} = {_fmt(c)}" for a, c in pairs]
        assert sorted(texts) == sorted(expected)
