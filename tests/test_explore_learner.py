"""The explorer as a learner's instrument (issue 23), in Chromium: fitting the window, names,
greying, nudging any leaf, predict-the-gradient, Korean, and the Training tab's new controls
(noise, L2, training share, CSV data, regression, learning-rate changes, the URL fragment,
the network view), every number compared with the library's ``fit``.
"""

from __future__ import annotations

import io
import math
import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import test_explore_browser as shared

from microgradx import MLP, Value, data, fit, topological_order
from microgradx.graphcmd import parse_expression
from microgradx.viz import backward_steps
from microgradx.viz.style import _fmt

# The fixtures of test_explore_browser.py (one Chromium per module, pages from file://).
browser, open_page, close = shared.browser, shared.open_page, shared.close

DOCS = Path(__file__).parents[1] / "docs" / "explorer"
NEURON = parse_expression("tanh(x*w + b)", {"x": 2, "w": -3, "b": 6.8814})

# -- the Expression tab ------------------------------------------------------------------------

FITS_INSIDE = """() => {
    explorer.step(0);
    const box = document.querySelector('#tab-expression div.graph').getBoundingClientRect();
    const inside = (r) => r.left >= box.left - 1 && r.right <= box.right + 1
        && r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
    const nodes = [...document.querySelectorAll('#tab-expression g.node, #tab-expression g.edge')];
    const aside = document.querySelector('#tab-expression aside').getBoundingClientRect();
    return {
        cut: nodes.filter((g) => !inside(g.getBoundingClientRect())).length,
        nodes: nodes.length,
        inWindow: box.right <= innerWidth && box.bottom <= innerHeight && aside.right <= innerWidth,
        scrolls: document.documentElement.scrollWidth > innerWidth,
    };
}"""


@pytest.mark.parametrize("size", [(1366, 768), (1600, 900), (1920, 1080)], ids=str)
def test_the_whole_graph_fits_the_window(open_page, size):
    root = parse_expression("tanh(x*w + b*20)", {"x": 2, "w": -3, "b": 1})  # the b = 20
    page = open_page(root, width=size[0], height=size[1])
    got = page.js(FITS_INSIDE)
    assert got["nodes"] > 10 and got["cut"] == 0 and got["inWindow"] and not got["scrolls"]


def test_zoom_and_drag_move_the_view_and_fit_brings_it_back(open_page):
    page = open_page(NEURON, width=1366, height=768)
    box = "document.querySelector('#tab-expression .graph svg').getAttribute('viewBox')"
    fitted = [float(v) for v in page.js(box).split()]
    page.page.click("#tab-expression .zoom-in")
    zoomed = [float(v) for v in page.js(box).split()]
    assert zoomed[2] == pytest.approx(fitted[2] / 1.25)
    pane = page.page.locator("#tab-expression div.graph").bounding_box()
    page.page.mouse.move(pane["x"] + 300, pane["y"] + 300)
    page.page.mouse.down()
    page.page.mouse.move(pane["x"] + 400, pane["y"] + 320, steps=4)
    page.page.mouse.up()
    dragged = [float(v) for v in page.js(box).split()]
    assert dragged[0] < zoomed[0] and dragged[2] == zoomed[2]
    page.page.click("#tab-expression .zoom-fit")
    assert [float(v) for v in page.js(box).split()] == pytest.approx(fitted)


def test_step_text_names_nodes_by_their_op_and_inputs(open_page):
    page = open_page(NEURON)
    texts = page.js(
        """() => { explorer.step(-100); const out = [];
            for (let k = 0; k < explorer.cursor().total; k++) {
                explorer.step(1); out.push(document.querySelector('.step-text').textContent); }
            return out; }"""
    )
    assert not any("node " in t for t in texts)  # no internal ids
    assert "forward: x·w = ×(2.000, −3.000) = −6.000." in texts
    assert any(t.startswith("backward: at x·w + b (a + node)") for t in texts)
    assert any("to x·w + b" in t for t in texts)
    names = [n["name"] for n in page.js("explorer.nodes()")]
    assert names == ["x", "w", "x·w", "b", "x·w + b", "tanh(x·w + b)"]


def test_the_nudge_moves_any_leaf_of_a_model(open_page):
    model = MLP(2, [3, 1], seed=0)
    page = open_page(model)
    xs = [Value(0.5, label="x0"), Value(-0.5, label="x1")]
    out = model(xs)
    out.backward()
    h = 1e-6
    for name, p in model.named_parameters():
        got = page.js("([name, h]) => explorer.nudge(name, h)", [name, h])
        p.data += h
        moved = model(xs).data
        p.data -= h
        assert close(got["grad"], p.grad, 1e-12)
        assert close(got["delta"], moved - out.data, 1e-6)


def test_editing_the_second_of_two_leaves_named_x_moves_the_second(open_page):
    first, second = Value(1.0, label="x"), Value(2.0, label="x")
    root = first * 3.0 + second * second
    order = topological_order(root)
    a, b = order.index(first), order.index(second)
    page = open_page(root)
    page.page.fill(f"input[aria-label='x #{b} value']", "5")
    page.page.dispatch_event(f"input[aria-label='x #{b} value']", "change")
    data = [n["data"] for n in page.js("explorer.nodes()") if n["label"] == "x"]
    assert data == [1.0, 5.0]
    named = rf"2 leaves are named \"x\"; pass the node id \({a}, {b}\)"
    with pytest.raises(Exception, match=named):
        page.js("explorer.set('x', 3)")
    page.js(f"explorer.set({a}, 4)")
    assert page.js("explorer.nodes()")[-1]["data"] == 4.0 * 3.0 + 25.0
    page.errors.clear()


def test_a_constant_shows_no_grad_as_draw_dot_does(open_page):
    x = Value(2.0, label="x")
    root = 2 * x * x  # 2 is an engine Constant: backward() gives it no gradient
    page = open_page(root)
    shown = page.js("[...document.querySelectorAll('g.node text')].map(t => t.textContent)")
    assert shown.count("no grad (constant)") == 1
    root.backward()
    from microgradx.viz import draw_dot

    assert "no grad (constant)" in draw_dot(root).source
    grads = {n["name"]: n["grad"] for n in page.js("explorer.nodes()")}
    assert grads["x"] == x.grad == 8.0


def test_predicting_the_gradient_checks_each_guess_against_the_product(open_page):
    page = open_page(NEURON)
    page.js("explorer.step(-100); explorer.predict(true)")
    n = len(topological_order(NEURON))
    page.js(f"explorer.step({n})")  # the forward pass needs no guesses
    for step in backward_steps(NEURON):
        if not step.contributions:  # a leaf's step sends nothing: nothing to guess
            page.js("explorer.step(1)")
            continue
        waiting = page.js("explorer.step(1)")["waiting"]
        assert waiting is not None  # blocked until every contribution is guessed
        for slot, sent in enumerate(step.contributions):
            right = slot % 2 == 0
            got = page.js("v => explorer.guess(v)", round(sent, 4) if right else sent + 1.0)
            assert got["correct"] is right and close(got["answer"], sent, 1e-12)
            assert close(got["local"], step.local_grads[slot], 1e-12)
            assert close(got["upstream"], step.upstream, 1e-12)
            shown = page.page.locator("#tab-expression .predict-result").inner_text()
            want = f"{_fmt(step.local_grads[slot])} × upstream {_fmt(step.upstream)} = {_fmt(sent)}"
            assert want in shown
    assert page.js("explorer.cursor()")["index"] == 2 * n


# -- Korean ----------------------------------------------------------------------------------------


def test_the_korean_page_shows_korean_everywhere(open_page):
    page = open_page(NEURON, lang="ko", width=1366, height=768)
    assert page.js("document.documentElement.lang") == "ko"
    page.js("explorer.step(-1)")
    assert page.page.locator("#tab-expression .step-text").inner_text().startswith("역전파")
    assert "Local Gradient" in page.page.locator(".legend").inner_text()
    page.page.click("nav button[data-tab=training]")
    labels = page.page.locator("form.controls label").all_inner_texts()
    assert any("학습률" in t for t in labels) and any("손실 함수" in t for t in labels)
    # No English sentence is left: each text of the page's chrome with a 5+ letter Latin word
    # is a term the course keeps in English (Gradient, Local, data, grad, op names, file names).
    kept = {"Gradient", "Local", "Value", "backward", "microgradx", "Home", "adam", "momentum",
            "rmsprop", "adagrad", "sigmoid", "leaky_relu", "relu", "tanh"}  # fmt: skip
    words = page.js(
        r"""() => [...document.querySelectorAll(`header, form, .toolbar, .panel h2, .panel p,
            aside h2, aside p, .legend`)].flatMap(e => e.innerText.match(/[A-Za-z_]{5,}/g) ?? [])"""
    )
    assert set(words) <= kept, set(words) - kept


# -- the Training tab ------------------------------------------------------------------------------

BASE = dict(dataset="moons", n=80, seed=0, layers=[4], activation="tanh", loss="bce",
            optimizer="adam", batch_size=16)  # fmt: skip
NEW_RUNS = [
    dict(BASE, noise=0.3, l2=1e-3, ratio=0.7),
    dict(BASE, dataset="circles", noise=0.0, l2=0.01, ratio=0.5, optimizer="sgd", loss="mse"),
    dict(BASE, dataset="xor", noise=0.4, ratio=1.0, layers=[3, 3], l2=0.005),
    dict(BASE, dataset="regression", noise=0.2, loss="mse", layers=[5], batch_size=8),
    dict(BASE, dataset="regression", noise=0.0, loss="mse", l2=0.01, optimizer="rmsprop"),
]


def library_run(o: dict[str, Any], epochs: int, X: Any = None, y: Any = None, lr: Any = None):
    """fit on the library's data: make_<name>(n, noise, seed), the split, MLP(seed=)."""
    if X is None:
        noise = {"noise": o["noise"]} if "noise" in o else {}
        if o["dataset"] == "regression":
            X, y = data.make_regression(o["n"], n_features=2, seed=o["seed"], **noise)
        else:
            X, y = getattr(data, f"make_{o['dataset']}")(o["n"], seed=o["seed"], **noise)
    ratio = o.get("ratio", 0.8)
    (Xtr, ytr), (Xv, yv), _ = data.train_val_test_split(X, y, (ratio, 1 - ratio, 0.0), o["seed"])
    width = len(set(y.tolist())) if o["loss"] == "cross_entropy" else 1
    model = MLP(2, [*o["layers"], width], o["activation"], seed=o["seed"])
    history = fit(
        model, Xtr, ytr, o["loss"], o["optimizer"], lr if lr is not None else o.get("lr"),
        epochs, o["batch_size"], val=(Xv, yv) if len(Xv) else None, l2=o.get("l2", 0.0),
        seed=o["seed"], progress=False,
    )  # fmt: skip
    return history, model


def assert_same_run(got: dict[str, Any], history: Any, model: MLP) -> None:
    assert len(got["losses"]) == len(history.train_loss)
    for mine, theirs in zip(got["losses"], history.train_loss, strict=True):
        assert close(mine, theirs, 1e-9)
    assert len(got["val_losses"]) == len(history.val_loss)
    for mine, theirs in zip(got["val_losses"], history.val_loss, strict=True):
        assert close(mine, theirs, 1e-9)
    params = {name: p.data for name, p in model.named_parameters()}
    assert set(got["params"]) == set(params)
    assert all(close(got["params"][k], v, 1e-9) for k, v in params.items())


@pytest.mark.parametrize("run", NEW_RUNS, ids=lambda o: f"{o['dataset']}-l2={o.get('l2', 0)}")
def test_noise_l2_training_share_and_regression_equal_fit(open_page, run):
    page = open_page(parse_expression("x * 2", {"x": 1}))
    got = page.js("o => explorer.train(o)", {**run, "epochs": 20})
    history, model = library_run(run, 20)
    assert_same_run(got, history, model)
    if run["dataset"] == "regression":
        assert math.isnan(history.train_accuracy[-1])  # no accuracy for regression targets


def test_the_network_view_shows_the_weights_and_last_gradients_of_fit(open_page):
    run = dict(BASE, l2=0.01, layers=[3, 2])
    page = open_page(parse_expression("x * 2", {"x": 1}))
    page.js("o => explorer.train(o)", {**run, "epochs": 7})
    view = page.js("explorer.network()")
    _, model = library_run(run, 7)  # fit leaves the last batch's gradients (with l2) in .grad
    params = dict(model.named_parameters())
    assert len(view["weights"]) == 2 * 3 + 3 * 2 + 2 * 1
    for entry in view["weights"]:
        p = params[entry["name"]]
        assert close(entry["w"], p.data, 1e-9) and close(entry["grad"], p.grad, 1e-9)
        assert entry["color"] == ("#2563eb" if p.data >= 0 else "#ea580c")
    widest = max(view["weights"], key=lambda e: abs(e["w"]))
    assert widest["width"] == pytest.approx(4.4)
    for entry in view["biases"]:
        p = params[entry["name"]]
        assert close(entry["b"], p.data, 1e-9) and close(entry["grad"], p.grad, 1e-9)


def csv_text(X: np.ndarray, y: np.ndarray, header: bool = True) -> str:
    out = io.StringIO()
    if header:
        out.write("x0,x1,label\n")
    for (a, b), c in zip(X.tolist(), y.tolist(), strict=True):
        out.write(f"{a!r},{b!r},{c!r}\n")
    return out.getvalue()


@pytest.mark.parametrize("kind", ["classes", "regression"])
def test_a_loaded_csv_trains_as_fit_on_the_same_file(open_page, kind):
    if kind == "classes":
        X, y = data.make_spirals(60, seed=5)
        run = dict(BASE, dataset="csv", loss="cross_entropy", layers=[6], ratio=0.75)
    else:
        X, y = data.make_regression(50, n_features=2, noise=0.3, seed=2)
        y = y * 3.0
        run = dict(BASE, dataset="csv", loss="mse", layers=[4], l2=0.001)
    text = csv_text(X, y)
    page = open_page(parse_expression("x * 2", {"x": 1}))
    loaded = page.js("t => explorer.loadCSV(t)", text)
    table = np.loadtxt(io.StringIO(text), delimiter=",", skiprows=1)  # the library's reading
    Xf, yf = table[:, :2], table[:, 2]
    if kind == "classes":
        yf = yf.astype(np.int64)
    assert loaded["n"] == len(Xf) and loaded["regression"] == (kind == "regression")
    assert loaded["X"] == Xf.tolist() and loaded["y"] == yf.tolist()  # bit for bit
    run.pop("n")
    got = page.js("o => explorer.train(o)", {**run, "epochs": 15})
    history, model = library_run({**run, "n": len(Xf)}, 15, Xf, yf)
    assert_same_run(got, history, model)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x0,x1,label\n1,2\n", "CSV line 2: expected 3 columns (x₀, x₁, label), got 2"),
        ("1,2,0\n3,abc,1\n", "CSV line 2: “abc” is not a number"),
        ("1,2,0\n3,4,1\n", "CSV: found 2 data rows; at least 4 are needed"),
        ("1,2,0\n3,4,2\n5,6,0\n7,8,2\n", "CSV: class labels must be 0, 1, …, k−1; found 0, 2"),
        ("1,2,1\n3,4,1\n5,6,1\n7,8,1\n", "CSV: every label is 1; classification needs"),
        ("".join(f"{i},{i},{i % 2}\n" for i in range(5001)), "CSV: more than 5000 points"),
    ],
    ids=["columns", "number", "few", "gaps", "one-class", "too-many"],
)
def test_a_bad_csv_is_refused_with_the_line_and_value(open_page, text, message):
    page = open_page(parse_expression("x * 2", {"x": 1}))
    with pytest.raises(Exception, match=message.replace("(", r"\(").replace(")", r"\)")):
        page.js("t => explorer.loadCSV(t)", text)
    page.errors.clear()


def test_a_csv_file_chosen_in_the_form_is_read_without_the_network(open_page, tmp_path):
    X, y = data.make_moons(40, seed=1)
    path = tmp_path / "mine.csv"
    path.write_text(csv_text(X, y, header=False), encoding="utf-8")
    page = open_page(parse_expression("x * 2", {"x": 1}))
    page.page.click("nav button[data-tab=training]")
    page.page.select_option("select[name=dataset]", "csv")
    page.page.set_input_files("input[name=csv]", str(path))
    page.page.wait_for_function("() => explorer.state().dataset === 'csv'")
    assert "40" in page.page.locator(".train-info").inner_text()
    assert page.js("explorer.state()")["loss"] == "bce"


def test_changing_the_learning_rate_mid_run_keeps_the_weights(open_page):
    run = dict(BASE, batch_size=20)  # 64 training samples: 4 steps per epoch
    page = open_page(parse_expression("x * 2", {"x": 1}))
    page.js("o => explorer.train(o)", {**run, "epochs": 5})
    before = page.js("explorer.params()")
    page.js("explorer.setLr(0.002)")
    assert page.js("explorer.params()") == before  # nothing reset
    page.js("explorer.more(6)")
    got = page.js("explorer.state()")
    assert got["epochs"] == 11 and got["lr_changes"] == [[5, 0.002]]
    steps = data.iterations_per_epoch(64, 20) * 5
    history, model = library_run(run, 11, lr=lambda t: 0.01 if t < steps else 0.002)
    mine = page.js("explorer.params()")
    params = {name: p.data for name, p in model.named_parameters()}
    assert all(close(mine[k], v, 1e-9) for k, v in params.items())
    assert close(page.js("explorer.state()")["epochs"], len(history.train_loss), 0)


def test_the_url_fragment_reproduces_a_run_bit_for_bit(open_page):
    run = dict(BASE, noise=0.25, l2=0.002, ratio=0.6, layers=[5, 3], optimizer="momentum")
    page = open_page(parse_expression("x * 2", {"x": 1}))
    page.js("o => explorer.train(o)", {**run, "epochs": 9})
    page.js("explorer.setLr(0.02)")
    page.js("explorer.more(4)")
    fragment = page.js("explorer.fragment()")
    assert page.js("location.hash") == fragment  # the address bar holds the run
    assert "lr_changes=9:0.02" in fragment and "epochs=13" in fragment
    again = open_page(parse_expression("x * 2", {"x": 1}), fragment=fragment)
    assert again.page.locator("#tab-training").is_visible()
    assert again.js("explorer.params()") == page.js("explorer.params()")  # bit for bit
    assert again.js("explorer.state()") == page.js("explorer.state()")
    state = page.js("explorer.state()")
    assert again.js("s => explorer.setState(s)", state) == state


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"epochs": -5}, "epochs must be an integer from 0 to 100000, got -5"),
        ({"epochs": "abc"}, 'epochs must be an integer from 0 to 100000, got "abc"'),
        ({"epochs": 2.5}, "epochs must be an integer from 0 to 100000, got 2.5"),
        ({"dataset": "toString"}, 'unknown dataset "toString"'),
        ({"loss": "constructor"}, 'unknown loss "constructor"'),
        ({"n": 20000}, "n must be an integer from 4 to 5000, got 20000"),
        ({"noise": -1}, "noise must be a finite number >= 0, got -1"),
        ({"l2": -0.1}, "l2 must be a finite number >= 0, got -0.1"),
        ({"ratio": 0}, r"ratio \(the training share\) must be a number in \(0, 1\], got 0"),
        ({"epoch": 3}, 'unknown option "epoch"'),
    ],
    ids=lambda c: str(c)[:24],
)
def test_bad_train_options_get_clear_errors(open_page, change, message):
    page = open_page(parse_expression("x * 2", {"x": 1}))
    with pytest.raises(Exception, match=message):
        page.js("o => explorer.train(o)", {**BASE, **change})
    with pytest.raises(Exception, match="epochs must be an integer from 0 to 100000, got NaN"):
        page.js("o => explorer.train({...o, epochs: NaN})", BASE)
    page.errors.clear()


def test_five_thousand_points_train_and_draw(open_page):
    page = open_page(parse_expression("x * 2", {"x": 1}))
    page.page.click("nav button[data-tab=training]")
    got = page.js("o => explorer.train(o)", {**BASE, "n": 5000, "batch_size": 500, "epochs": 1})
    history, model = library_run({**BASE, "n": 5000, "batch_size": 500}, 1)
    assert_same_run(got, history, model)
    page.page.click("canvas.boundary", position={"x": 100, "y": 100})
    assert page.page.locator("section.sample").is_visible()


def test_a_clicked_sample_shows_one_box_per_neuron_and_opens_on_click(open_page):
    page = open_page(parse_expression("x * 2", {"x": 1}))
    page.js("o => explorer.train(o)", {**BASE, "layers": [3, 2], "epochs": 2})
    page.page.click("nav button[data-tab=training]")
    nodes = page.js("explorer.sample(4)")
    groups = page.page.locator("section.sample g.node.group")
    assert groups.count() == 3 + 2 + 1
    boxes = page.page.locator("section.sample g.node").count()
    groups.first.click()
    assert page.page.locator("section.sample g.node.group").count() == 5
    assert page.page.locator("section.sample g.node").count() > boxes
    everything = page.js("explorer.expandNeurons(true)")
    assert page.page.locator("section.sample g.node.group").count() == 0
    assert everything == len(nodes) + sum(1 for n in nodes if n["op"])  # boxes and op nodes
    assert page.js("explorer.expandNeurons(false)") == boxes
    assert page.js("explorer.step(1)")["index"] == 1  # stepping works inside a closed neuron


def test_the_default_loss_is_bce_and_play_trains_until_paused(open_page):
    page = open_page(MLP(2, [4, 1], seed=0))
    assert page.page.locator("select[name=loss]").input_value() == "bce"
    assert page.js("explorer.state()")["loss"] == "bce"
    page.page.click("button.step-epoch")
    page.page.click("button.play")
    page.page.wait_for_function("() => explorer.state().epochs >= 5")
    page.page.click("button.play")
    epochs = page.js("explorer.state().epochs")
    assert page.js("explorer.state().epochs") == epochs  # paused


# -- the screenshots of docs/explorer.md ---------------------------------------------------------

SHOTS = [(1366, 768), (1920, 1080)]


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("size", SHOTS, ids=lambda s: f"{s[0]}x{s[1]}")
def test_screenshots_of_both_tabs_show_everything(open_page, tmp_path, lang, size):
    width, height = size
    page = open_page(NEURON, title="tanh(x*w + b)", width=width, height=height, lang=lang)
    page.js("explorer.step(-4)")
    got = page.js(FITS_INSIDE)
    assert got["cut"] == 0 and got["inWindow"] and not got["scrolls"]
    shots = {f"expression_{lang}_{width}.png": tmp_path / "e.png"}
    page.page.screenshot(path=str(shots[f"expression_{lang}_{width}.png"]))
    page.js("o => explorer.train(o)", {**BASE, "n": 200, "layers": [4, 4], "epochs": 80})
    page.page.click("nav button[data-tab=training]")
    panels = page.js(
        """() => [...document.querySelectorAll('#tab-training form, #tab-training .panel')]
            .map(e => e.getBoundingClientRect()).every(r => r.right <= innerWidth)"""
    )
    assert panels and not page.js("document.documentElement.scrollWidth > innerWidth")
    shots[f"training_{lang}_{width}.png"] = tmp_path / "t.png"
    page.page.screenshot(path=str(shots[f"training_{lang}_{width}.png"]))
    page.js("() => { for (let i = 0; i < 199 && explorer.sample(i).at(-1).data < 0.3; i++); }")
    page.js("explorer.step(1000); explorer.step(-30)")
    shots[f"sample_{lang}_{width}.png"] = tmp_path / "s.png"
    page.page.screenshot(path=str(shots[f"sample_{lang}_{width}.png"]))
    for path in shots.values():
        assert path.read_bytes().startswith(b"\x89PNG")
    if os.environ.get("MICROGRADX_UPDATE_DOCS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        for name, path in shots.items():
            shutil.copyfile(path, DOCS / name)
