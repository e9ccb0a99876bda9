"""Tests for microgradx.viz: DOT content, determinism, size limits, rendering, frames, plots."""

from __future__ import annotations

import math
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from microgradx import Value
from microgradx.nn import MLP, Neuron
from microgradx.viz import (
    GraphvizNotFoundError,
    backward_steps,
    draw_dot,
    plot_activation,
    plot_activations,
    plot_decision_boundary,
    plot_fd_error,
    plot_history,
    plot_loss_curves,
    plot_paths,
    render_backward_steps,
    render_graph,
    save_figure,
)
from microgradx.viz.style import _HIGHLIGHT, _ROLE_STYLES

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None, reason="Graphviz `dot` is not installed (apt-get install graphviz)"
)


def neuron() -> tuple[Value, Value, Value, Value]:
    """The issue's tanh neuron o = tanh(x·w + b) with x=2, w=−3, b=6.8814."""
    x = Value(2.0, label="x")
    w = Value(-3.0, label="w")
    b = Value(6.8814, label="b")
    n = x * w + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o, x, w, b


def chain(length: int) -> Value:
    """A deep chain of 4·length + 1 unlabelled nodes: no label prefix to collapse by."""
    v = Value(0.5, label="start")
    for _ in range(length):
        v = v * 1.0 + 0.0
    return v


def labelled_network(neurons: int, inputs: int) -> Value:
    """One layer of labelled neurons summed into a loss, like nn.MLP builds."""
    xs = [float(i) / inputs for i in range(inputs)]
    outs = []
    for j in range(1, neurons + 1):
        act = Value(0.0, label=f"L1.N{j}.b")
        for i, xi in enumerate(xs):
            act = act + Value(0.1 * i - 0.2, label=f"L1.N{j}.w{i}") * xi
        outs.append(act.tanh())
    loss = sum(outs, Value(0.0))
    loss.label = "loss"
    return loss


def drawn_value_nodes(source: str) -> int:
    return len(re.findall(r"^\s*[ng]\d+ \[", source, flags=re.MULTILINE))


def test_dot_has_records_op_nodes_and_local_derivatives_for_the_neuron():
    o, *_ = neuron()
    o.backward()
    src = draw_dot(o).source
    assert "{ x | data 2.000 | grad −1.500 }" in src
    assert "{ w | data −3.000 | grad 1.000 }" in src
    assert "{ b | data 6.881 | grad 0.5000 }" in src
    assert "{ n | data 0.8814 | grad 0.5000 }" in src
    assert "{ o | data 0.7071 | grad 1.000 }" in src
    for symbol in ('label="×"', 'label="+"', "label=tanh"):
        assert symbol in src
    # x and w enter the × node (n0, n1 → o2) with ∂(x·w)/∂x = w and ∂(x·w)/∂w = x
    assert 'n0 -> o2 [label="∂=−3.000"' in src
    assert 'n1 -> o2 [label="∂=2.000"' in src
    assert src.count('label="∂=1.000"') == 2  # both inputs of +
    assert 'label="∂=0.5000"' in src  # 1 − tanh²


def test_local_derivative_labels_can_be_turned_off():
    o, *_ = neuron()
    o.backward()
    assert "∂=" not in draw_dot(o, show_local_grad=False).source


def test_same_graph_gives_byte_identical_dot():
    first, *_ = neuron()
    second, *_ = neuron()
    first.backward()
    second.backward()
    assert draw_dot(first).source == draw_dot(second).source
    assert draw_dot(first).source == draw_dot(first).source


def test_picture_says_grads_are_not_computed_before_backward():
    o, *_ = neuron()
    before = draw_dot(o).source
    assert "grads not computed yet" in before
    assert "grad —" in before and "grad 0.000" not in before
    o.backward()
    assert "grads not computed yet" not in draw_dot(o).source


def test_drawing_leaves_every_grad_untouched():
    o, x, w, b = neuron()
    o.backward()
    n = o.parents[0]
    grads = [v.grad for v in (o, n, x, w, b)]
    draw_dot(o)
    list(backward_steps(o))
    assert [v.grad for v in (o, n, x, w, b)] == grads


def test_roles_are_coloured_and_explained_in_a_legend():
    o, _x, w, b = neuron()
    o.backward()
    src = draw_dot(o, params=[w, b]).source
    styles = _ROLE_STYLES
    assert src.count(styles["parameter"].fill) == 3  # w, b and the legend swatch
    assert src.count(styles["input"].fill) == 2  # x and its swatch
    assert styles["root"].fill in src
    assert "root (output / loss)" in src
    plain = draw_dot(o, colors=False).source
    assert "fillcolor" not in plain and "legend" not in plain.lower()


def test_leaves_are_coloured_by_role_parameters_of_a_module_inputs_and_constants():
    model = Neuron(2, rng=0)
    x1 = Value(2.0, label="x1")
    out = model([x1, Value(-1.0)]) * 2.0
    out.backward()
    dot = draw_dot(out)
    styles = _ROLE_STYLES

    def fill_of(label: str) -> str:
        line = next(ln for ln in dot.body if f"{{ {label} |" in ln)
        return re.search(r"fillcolor=\"(#\w+)\"", line).group(1)  # type: ignore[union-attr]

    assert fill_of("w0") == fill_of("w1") == fill_of("b") == styles["parameter"].fill
    assert fill_of("x1") == styles["input"].fill  # labelled, but no Module's parameter
    constants = [ln for ln in dot.body if "{ data −1.000 |" in ln or "{ data 2.000 |" in ln]
    assert constants and all(styles["constant"].fill in ln for ln in constants)
    for role in ("parameter", "input", "constant"):
        assert styles[role].legend in dot.source


def test_cli_variables_are_drawn_as_inputs_and_its_numbers_as_constants():
    from microgradx.graphcmd import parse_expression

    live = MLP(2, [2, 1], seed=0)  # a Module alive elsewhere does not make x a parameter
    out = parse_expression("x * 2 + y", {"x": 1.5, "y": -1.0})
    out.backward()
    lines = draw_dot(out).body
    for name in ("x", "y"):
        line = next(ln for ln in lines if f"{{ {name} |" in ln)
        assert _ROLE_STYLES["input"].fill in line
    constant = next(ln for ln in lines if "{ data 2.000 |" in ln)
    assert _ROLE_STYLES["constant"].fill in constant
    assert live.num_parameters() == 9


def test_params_may_be_a_module_or_values_and_anything_else_is_refused():
    o, x, w, b = neuron()  # no Module: the lecture's w and b are inputs unless named
    o.backward()
    assert draw_dot(o).source.count(_ROLE_STYLES["parameter"].fill) == 0
    assert draw_dot(o, params=[w, b]).source.count(_ROLE_STYLES["parameter"].fill) == 3
    model = Neuron(1, rng=0)
    y = model([x])
    assert draw_dot(y, params=model).source.count(_ROLE_STYLES["parameter"].fill) == 3
    with pytest.raises(TypeError, match="draw_dot: params must be a Module or an iterable"):
        draw_dot(o, params=w)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"draw_dot: params must hold Values, got float 1\.0"):
        draw_dot(o, params=[1.0])  # type: ignore[list-item]


def test_draw_dot_returns_an_svg_digraph_so_render_writes_svg_as_micrograd(tmp_path: Path):
    o, *_ = neuron()
    dot = draw_dot(o)
    assert dot.format == "svg"
    if shutil.which("dot") is not None:
        written = Path(dot.render(tmp_path / "gout"))
        assert written.name == "gout.svg"
        assert written.read_text().lstrip().startswith("<?xml")


@needs_dot
def test_legend_keeps_the_space_after_the_derivative_sign_and_puts_one_definition_per_line():
    o, *_ = neuron()
    o.backward()
    svg = draw_dot(o).pipe(format="svg").decode()
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert "\u00a0on an edge: the local derivative ∂out/∂in" in texts  # not "∂on an edge"
    assert any(t.startswith("grad of a node: ∂root/∂node") for t in texts)
    assert not any("·" in t for t in texts)


def test_record_labels_escape_special_characters():
    v = Value(1.0, label='a{b}|c<d>"e\\')
    src = draw_dot(v * 2.0).source
    assert r"a\{b\}\|c\<d\>\"e\\" in src


def test_undefined_local_derivative_is_drawn_as_nan_not_an_error():
    z = Value(0.0, label="z")
    src = draw_dot(z.sqrt()).source  # d sqrt(z)/dz = 1/(2·sqrt(0)) does not exist
    assert "∂=nan" in src


def test_large_labelled_graph_collapses_by_label_prefix():
    loss = labelled_network(neurons=12, inputs=10)
    src = draw_dot(loss, max_nodes=50).source
    for j in range(1, 13):
        assert f"L1.N{j} ⋯" in src
    assert "collapsed into 12 groups by label prefix" in src
    assert "L1.N1.w0" not in src  # parameters live inside their neuron's box
    assert drawn_value_nodes(src) <= 50


def test_graph_too_large_even_collapsed_is_cut_with_a_note():
    root = chain(1_500)  # 6,001 nodes, nothing to collapse
    src = draw_dot(root, max_nodes=100).source
    assert drawn_value_nodes(src) == 100
    assert "5,901 more nodes not drawn" in src
    assert "5,901 of 6,001 nodes left out" in src


def test_fifty_thousand_node_graph_is_drawn_bounded_by_max_nodes():
    root = chain(12_500)  # 50,001 nodes
    src = draw_dot(root, max_nodes=300).source
    assert drawn_value_nodes(src) == 300
    assert "49,701 of 50,001 nodes left out" in src


def test_max_nodes_must_be_positive():
    with pytest.raises(ValueError, match="max_nodes"):
        draw_dot(Value(1.0), max_nodes=0)


@needs_dot
def test_svg_renders_when_dot_is_installed(tmp_path: Path):
    o, *_ = neuron()
    o.backward()
    out = render_graph(o, tmp_path / "neuron.svg")
    text = out.read_text()
    assert "<svg" in text and "∂=−3.000" in text
    assert [p.name for p in tmp_path.iterdir()] == ["neuron.svg"]  # no temporary left over


def test_dot_format_needs_no_graphviz_binary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PATH", "")
    o, *_ = neuron()
    out = render_graph(draw_dot(o), tmp_path / "g.dot")
    assert out.read_text().startswith("digraph")


def test_missing_dot_raises_naming_the_install_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("PATH", "")
    o, *_ = neuron()
    assert "digraph" in draw_dot(o).source  # the DOT text works without Graphviz
    with pytest.raises(GraphvizNotFoundError) as info:
        render_graph(o, tmp_path / "g.svg")
    message = str(info.value)
    for fix in ("apt-get install graphviz", "brew install graphviz", "conda install graphviz"):
        assert fix in message
    assert list(tmp_path.iterdir()) == []


def test_unknown_render_format_is_rejected(tmp_path: Path):
    with pytest.raises(ValueError, match="format"):
        render_graph(Value(1.0), tmp_path / "g.gif")


def test_backward_steps_replay_the_chain_rule_per_node():
    o, x, w, b = neuron()
    steps = list(backward_steps(o))
    assert len(steps) == 6  # x, w, x·w, b, n, o
    assert steps[0].node is o and steps[0].upstream == 1.0
    mul = next(s for s in steps if s.node.op == "mul")
    assert mul.local_grads == (-3.0, 2.0)
    assert mul.contributions == pytest.approx((-3.0 * mul.upstream, 2.0 * mul.upstream))
    o.backward()
    final = {s.node: s.upstream for s in steps}
    assert [final[v] for v in (x, w, b)] == [x.grad, w.grad, b.grad]


def test_backward_steps_accumulate_a_reused_input():
    x = Value(3.0, label="x")
    y = x * x + x  # x is read three times: dy/dx = 2x + 1 = 7
    steps = list(backward_steps(y))
    assert steps[-1].node is x and steps[-1].upstream == 7.0


@needs_dot
def test_one_frame_per_node_with_the_current_node_highlighted(tmp_path: Path):
    o, *_ = neuron()
    paths = render_backward_steps(o, tmp_path)
    assert len(paths) == 6
    assert [p.name for p in paths] == [f"step_{k:03d}.svg" for k in range(6)]
    frame = paths[3].read_text()
    assert _HIGHLIGHT in frame
    assert "backward step 4 of 6" in frame


@needs_dot
def test_frames_keep_every_node_in_place_from_step_to_step(tmp_path: Path):
    o, *_ = neuron()
    frames = [p.read_text() for p in render_backward_steps(o, tmp_path)]
    # each node's drawing: its <title> and the outline that follows it
    outline = re.compile(
        r"<title>(n\d+|o\d+)</title>\s*<(?:path|polygon|ellipse)[^>]*?(?:d|points|cx)=\"([^\"]+)\""
    )
    shapes = [dict(outline.findall(frame)) for frame in frames]
    assert len(shapes[0]) == 9  # 6 values and 3 operations
    assert all(shape == shapes[0] for shape in shapes[1:])


@needs_dot
def test_frames_can_leave_out_the_leaves(tmp_path: Path):
    o, *_ = neuron()
    paths = render_backward_steps(o, tmp_path, leaves=False)
    steps = list(backward_steps(o))
    kept = [s.index for s in steps if s.node.parents]
    assert [p.name for p in paths] == [f"step_{k:03d}.svg" for k in kept]
    assert len(kept) < len(steps)
    titles = [re.search(r"operation (\d+) of (\d+)", p.read_text()) for p in paths]
    assert [(t.group(1), t.group(2)) for t in titles if t] == [
        (str(k), str(len(kept))) for k in range(1, len(kept) + 1)
    ]
    with pytest.raises(TypeError, match="leaves"):
        render_backward_steps(o, tmp_path, leaves="no")


def test_draw_dot_writes_its_caption_in_korean_and_refuses_other_languages():
    x = Value(2.0, label="x")
    y = x * x
    y.label = "y"
    english, korean = draw_dot(y).source, draw_dot(y, lang="ko").source
    assert "grads not computed yet: call y.backward() first" in english
    assert "기울기를 아직 계산하지 않았습니다: 먼저 y.backward()를 호출하세요" in korean
    assert "입력 (이름 있는 잎 노드)" in korean and "input (labelled leaf)" not in korean
    with pytest.raises(ValueError, match="draw_dot: lang must be one of en, ko, got 'fr'"):
        draw_dot(y, lang="fr")


def test_frames_speak_korean_in_the_notes_terms(tmp_path: Path):
    o, *_ = neuron()
    paths = render_backward_steps(o, tmp_path, "dot", leaves=False, lang="ko")
    frames = [p.read_text(encoding="utf-8") for p in paths]
    n = len(frames)
    assert [f"연산 {n}개 중 {k}번째" in f for k, f in enumerate(frames, start=1)] == [True] * n
    assert all("전달 받은 Gradient" in f and "Local Gradient" in f for f in frames)
    assert not any("backward pass" in f or "upstream" in f for f in frames)
    with pytest.raises(ValueError, match="render_backward_steps: lang must be one of en, ko"):
        render_backward_steps(o, tmp_path, lang="fr")


def test_frames_refuse_graphs_too_large_to_step_through(tmp_path: Path):
    with pytest.raises(ValueError, match="max_steps"):
        render_backward_steps(chain(100), tmp_path, max_steps=50)
    assert list(tmp_path.iterdir()) == []


def test_jupyter_shows_a_summary_for_a_large_graph():
    bundle = chain(150)._repr_mimebundle_()
    assert "image/svg+xml" not in bundle
    assert "601 nodes" in bundle["text/plain"]


@needs_dot
def test_jupyter_draws_a_small_graph_inline():
    o, *_ = neuron()
    bundle = o._repr_mimebundle_()
    assert "<svg" in bundle["image/svg+xml"]


def test_jupyter_without_dot_falls_back_to_text(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PATH", "")
    o, *_ = neuron()
    bundle = o._repr_mimebundle_()
    assert set(bundle) == {"text/plain"} and "graphviz" in bundle["text/plain"].lower()


# -- matplotlib -----------------------------------------------------------------------------


def assert_png(path: Path) -> None:
    assert path.read_bytes()[:8] == PNG_SIGNATURE


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu"])
def test_activation_plot_is_a_png(tmp_path: Path, name: str):
    assert_png(save_figure(plot_activation(name), tmp_path / f"{name}.png"))


def test_activation_derivative_comes_from_the_engine():
    fig = plot_activation("tanh")
    f_line, df_line = fig.axes[0].get_lines()[:2]
    for y, dy in zip(f_line.get_ydata(), df_line.get_ydata(), strict=True):
        assert dy == pytest.approx(1.0 - y * y, abs=1e-12)


def test_unknown_activation_is_rejected():
    with pytest.raises(ValueError, match="unknown activation"):
        plot_activation("swish")


def test_activation_grid_has_one_panel_per_name():
    assert len(plot_activations(["relu", "tanh"]).axes) == 2


def test_fd_error_plot_shows_central_more_accurate_than_forward(tmp_path: Path):
    fig = plot_fd_error(lambda v: v.sin() * v.exp(), 0.7, hs=[1e-1, 1e-2, 1e-3])
    lines = {line.get_label(): line.get_ydata() for line in fig.axes[0].get_lines()}
    assert all(c < f for c, f in zip(lines["central"], lines["forward"], strict=True))
    assert "slope 1: O(h)" in lines and "slope 2: O(h²)" in lines
    assert_png(save_figure(fig, tmp_path / "fd.png"))


@dataclass
class FakeHistory:
    train_loss: list[float] = field(default_factory=lambda: [1.0, 0.5, 0.3])
    val_loss: list[float] = field(default_factory=lambda: [1.1, 0.6, 0.4])
    train_accuracy: list[float] = field(default_factory=lambda: [0.5, 0.8, 0.9])
    val_accuracy: list[float] = field(default_factory=lambda: [0.5, 0.7, 0.85])
    iterations: int = 30
    epochs: int = 3
    seconds: float = 1.5


def test_history_plot_has_loss_and_accuracy_panels(tmp_path: Path):
    fig = plot_history(FakeHistory())
    assert [ax.get_title() for ax in fig.axes] == ["loss", "accuracy"]
    assert_png(save_figure(fig, tmp_path / "history.png"))


def test_history_without_accuracy_has_one_panel():
    fig = plot_history(FakeHistory(train_accuracy=[], val_accuracy=[]))
    assert len(fig.axes) == 1


def test_decision_boundary_plot_reports_accuracy(tmp_path: Path):
    def model(x: list[float]) -> Value:  # the line x₁ = x₂
        return Value(x[0]) - x[1]

    X = [[1.0, 0.0], [2.0, 1.0], [0.0, 1.0], [1.0, 3.0]]
    y = [1, 1, -1, 0]
    fig = plot_decision_boundary(model, X, y, resolution=20, points="test")
    assert fig.axes[0].get_title().endswith("accuracy 100.0% on these 4 test points")
    assert_png(save_figure(fig, tmp_path / "boundary.png"))
    default = plot_decision_boundary(model, X, y, resolution=20).axes[0].get_title()
    assert default.endswith("on these 4 points")
    with pytest.raises(TypeError, match="plot_decision_boundary: points must be a str"):
        plot_decision_boundary(model, X, y, points=4)  # type: ignore[arg-type]


def test_decision_boundary_shading_ends_exactly_on_the_drawn_zero_line():
    from matplotlib.contour import ContourSet

    def model(x: list[float]) -> Value:  # a circle of radius 1: a curved boundary
        return Value(x[0] ** 2 + x[1] ** 2 - 1.0)

    X = [[0.0, 0.0], [1.5, 0.0], [0.0, -1.5], [-1.2, 1.2]]
    fig = plot_decision_boundary(model, X, [0, 1, 1, 1], resolution=25)
    sets = [c for c in fig.axes[0].collections if isinstance(c, ContourSet)]
    fills = [c for c in sets if c.filled]
    lines = [c for c in sets if not c.filled]
    assert len(fills) == 1 and len(lines) == 1
    assert list(lines[0].levels) == [0.0]
    assert 0.0 in list(fills[0].levels)  # the fill changes colour on the line's own level
    assert len(fills[0].levels) == 3  # …and nowhere else


def test_decision_boundary_figure_takes_the_datas_shape_so_no_band_opens_above_the_title(
    tmp_path: Path,
):
    import matplotlib.image

    def model(x: list[float]) -> Value:
        return Value(x[1] - 0.2 * x[0])

    wide = [[-3.0, -0.5], [3.0, 0.5], [0.0, 1.0], [1.0, -1.0]]  # 7 wide, 3 tall with margins
    png = save_figure(plot_decision_boundary(model, wide, [0, 1, 1, 0]), tmp_path / "b.png")
    pixels = matplotlib.image.imread(png)[..., :3]
    inked = [r for r in range(pixels.shape[0]) if (pixels[r] < 0.9).any()]
    assert inked[0] <= 25  # the title starts at the top: no ~60 px empty band above it
    assert pixels.shape[0] - inked[-1] <= 25


def test_decision_boundary_supports_several_classes():
    def model(x: list[float]) -> list[Value]:
        return [Value(-abs(x[0])), Value(x[0]), Value(-x[0])]

    fig = plot_decision_boundary(model, [[1.0, 0.0], [-1.0, 0.0]], [1, 2], resolution=10)
    assert fig.axes[0].get_title().endswith("accuracy 100.0% on these 2 points")


def test_history_of_a_regression_has_no_accuracy_panel():
    nan = float("nan")
    fig = plot_history(FakeHistory(train_accuracy=[nan] * 3, val_accuracy=[nan] * 3))
    assert [ax.get_title() for ax in fig.axes] == ["loss"]


def test_loss_curves_draw_one_line_and_legend_entry_per_curve(tmp_path: Path):
    curves = {"SGD": [0.9, 0.5, 0.4], "Adam": [0.9, 0.3, 0.1], "RMSProp": [0.8, 0.4, 0.2]}
    fig = plot_loss_curves(curves, title="optimizers", xlabel="epoch")
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.get_lines()] == list(curves)
    assert [text.get_text() for text in ax.get_legend().get_texts()] == list(curves)
    assert list(ax.get_lines()[1].get_ydata()) == curves["Adam"]
    assert list(ax.get_lines()[1].get_xdata()) == [1, 2, 3]
    assert (ax.get_yscale(), ax.get_xlabel(), ax.get_title()) == ("log", "epoch", "optimizers")
    assert_png(save_figure(fig, tmp_path / "curves.png"))


def test_loss_curves_allow_zero_and_negative_values_on_a_linear_axis():
    fig = plot_loss_curves({"a": [1.0, 0.0, -0.5]}, logy=False)
    assert fig.axes[0].get_yscale() == "linear"


@pytest.mark.parametrize(
    ("curves", "logy", "message"),
    [
        ({}, True, "no curves"),
        ({"sgd": []}, True, "curve 'sgd' is empty"),
        ({"sgd": [1.0, float("nan")]}, True, "non-finite value nan at index 1"),
        ({"sgd": [1.0, float("inf")]}, False, "non-finite value inf at index 1"),
        ({"sgd": [1.0, "x"]}, True, "curve 'sgd' must be a sequence of numbers"),
        ({"sgd": [1.0, 0.0]}, True, "log axis needs positive losses; pass logy=False"),
    ],
)
def test_loss_curves_reject_bad_input(curves, logy: bool, message: str):
    with pytest.raises(ValueError, match=f"plot_loss_curves: .*{re.escape(message)}"):
        plot_loss_curves(curves, logy=logy)


def bowl(x: float, y: float) -> float:
    return x * x + 4 * y * y


def test_paths_draw_one_line_per_path_with_its_step_count_in_the_legend(tmp_path: Path):
    paths = {"gd": [(1.0, 1.0), (0.5, 0.2), (0.1, 0.0)], "newton": [(1.0, 1.0), (0.0, 0.0)]}
    fig = plot_paths(bowl, paths, xlim=(-1.5, 1.5), ylim=(-1.2, 1.2), resolution=30)
    ax = fig.axes[0]
    lines = ax.get_lines()
    assert len(lines) == 2
    assert list(zip(lines[0].get_xdata(), lines[0].get_ydata(), strict=True)) == paths["gd"]
    assert all(line.get_marker() == "o" for line in lines)
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == ["gd: 2 steps", "newton: 1 step"]
    assert (ax.get_xlim(), ax.get_ylim()) == ((-1.5, 1.5), (-1.2, 1.2))
    assert ax.collections  # the contour set and the start markers
    assert_png(save_figure(fig, tmp_path / "paths.png"))


def test_paths_evaluate_value_functions_under_no_grad():
    seen = []

    def f(x: Value, y: Value) -> Value:
        out = (x * y).tanh()  # floats have no .tanh(): the grid must be made of Values
        seen.append(out.parents)
        return out

    plot_paths(f, {"p": [(0.0, 0.0)]}, xlim=(-1, 1), ylim=(-1, 1), resolution=5)
    assert len(seen) >= 25 and all(parents == () for parents in seen)


def test_paths_leave_points_where_f_is_not_finite_blank(tmp_path: Path):
    def f(x: float, y: float) -> float:
        return math.log(x) + y * y if x > 0 else math.nan

    fig = plot_paths(f, {"p": [(1.0, 0.5), (1.0, 0.0)]}, xlim=(-1, 2), ylim=(-1, 1), resolution=20)
    assert_png(save_figure(fig, tmp_path / "masked.png"))
    with pytest.raises(ValueError, match="plot_paths: f is not finite anywhere"):
        plot_paths(lambda x, y: math.nan, {"p": [(0, 0)]}, xlim=(0, 1), ylim=(0, 1))


@pytest.mark.parametrize(
    ("paths", "limits", "message"),
    [
        ({}, {}, "no paths to plot"),
        ({"p": []}, {}, "path 'p' has no points"),
        ({"p": [(0.0, 0.0), (1.0,)]}, {}, "point 1 of path 'p' is not an (x, y) pair"),
        ({"p": [(0.0, 0.0, 1.0)]}, {}, "point 0 of path 'p' is not an (x, y) pair"),
        ({"p": [(0.0, 0.0), 3.0]}, {}, "point 1 of path 'p' is not an (x, y) pair"),
        ({"p": [(0.0, float("nan"))]}, {}, "point 0 of path 'p' has a non-finite value nan"),
        ({"p": [(0.0, 0.0)]}, {"xlim": (1.0, -1.0)}, "xlim must be finite with low < high"),
        ({"p": [(0.0, 0.0)]}, {"ylim": (0.0, math.inf)}, "ylim must be finite with low < high"),
        ({"p": [(0.0, 0.0)]}, {"ylim": (0.0,)}, "ylim must be a pair (low, high)"),
        ({"p": [(0.0, 0.0)]}, {"levels": 1}, "levels must be an int >= 2"),
    ],
)
def test_paths_reject_bad_input(paths, limits: dict, message: str):
    kwargs = {"xlim": (-1.0, 1.0), "ylim": (-1.0, 1.0), **limits}
    with pytest.raises(ValueError, match=f"plot_paths: {re.escape(message)}"):
        plot_paths(bowl, paths, **kwargs)


# -- whole models ------------------------------------------------------------------------


def _demo_model_output() -> Value:
    """micrograd's demo model MLP(2, [16, 16, 1]) on one labelled sample, backpropagated."""
    model = MLP(2, [16, 16, 1], seed=0)
    out = model([Value(0.5, label="x0"), Value(-1.0, label="x1")])
    assert isinstance(out, Value)
    out.backward()
    return out


def _group_positions(svg: str) -> dict[str, tuple[float, float]]:
    """Centre of each drawn neuron box, by the text 'L1.N3 ⋯' in the rendered SVG."""
    found = re.findall(r'<text[^>]*x="([-\d.]+)" y="([-\d.]+)"[^>]*>(L\d+\.N\d+) ⋯</text>', svg)
    return {name: (float(x), float(y)) for x, y, name in found}


@needs_dot
def test_whole_model_draws_layers_left_to_right_neurons_in_order_at_a_readable_size():
    svg = draw_dot(_demo_model_output()).pipe(format="svg").decode()
    width, height = (
        float(v) * 4 / 3 for v in re.search(r'width="([\d.]+)pt" height="([\d.]+)pt"', svg).groups()
    )  # type: ignore[union-attr]
    assert width <= 4000 and height <= 2000  # px at 96 dpi; it was 2036 × 8532 before layers
    pos = _group_positions(svg)
    layers = {
        k: [pos[f"L{k}.N{j}"] for j in range(1, n + 1)] for k, n in ((1, 16), (2, 16), (3, 1))
    }
    assert len(pos) == 33
    for k in (1, 2):
        ys = [y for _, y in layers[k]]
        assert ys == sorted(ys)  # N1 at the top, N16 at the bottom (SVG y grows downwards)
        xs = [x for x, _ in layers[k]]
        assert max(xs) - min(xs) < 30  # one column per layer (boxes differ a little in width)
    columns = [[x for x, _ in layers[k]] for k in (1, 2, 3)]
    assert max(columns[0]) < min(columns[1]) and max(columns[1]) < min(columns[2])


def test_all_to_all_edges_between_layers_are_bundled():
    source = draw_dot(_demo_model_output()).source
    assert "all 16 → all 16" in source and "256 connections" in source
    assert "all 2 → all 16" in source  # the two inputs feed every first-layer neuron
    edges = re.findall(r"^\s*(\w+) -> (\w+)", source, flags=re.MULTILINE)
    assert len(edges) < 150  # 16·16 + 2·16 + 16 edges without bundling


def test_expand_draws_one_neuron_value_by_value_and_names_unknown_groups():
    out = _demo_model_output()
    source = draw_dot(out, expand="L1.N3").source
    assert "L1.N3.w0" in source and "L1.N3 (expanded)" in source
    assert "L1.N4 ⋯" in source and "L1.N4.w0" not in source
    with pytest.raises(ValueError, match=r"draw_dot: expand='L9.N1' names no collapsed group"):
        draw_dot(out, expand=["L9.N1"])
    with pytest.raises(TypeError, match="draw_dot: expand must be a group name"):
        draw_dot(out, expand=[3])  # type: ignore[list-item]


# -- Graphviz calls: bounded in time, clear errors for what it cannot read --------------------


def _fake_graphviz(tmp_path, monkeypatch, script: str) -> None:
    """Put a stand-in ``dot`` first on PATH (a hung or failing Graphviz, made to order)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    fake = folder / "dot"
    fake.write_text(f"#!/bin/sh\n{script}\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}:{__import__('os').environ['PATH']}")


def test_a_graphviz_call_that_hangs_is_stopped_with_the_graphs_size(tmp_path, monkeypatch):
    from microgradx.viz import GraphvizTimeoutError, render

    _fake_graphviz(tmp_path, monkeypatch, "exec sleep 60")
    monkeypatch.setattr(render, "GRAPHVIZ_TIMEOUT", 0.5)
    x = Value(2.0, label="x")
    y = x * x + x  # 3 values, 2 op nodes; edges x→* twice, x*x→+, x→+, and each op→its value
    with pytest.raises(GraphvizTimeoutError, match=r"\(5 nodes, 6 edges\) within 0.5 s"):
        render_graph(y, tmp_path / "g.svg")
    assert not (tmp_path / "g.svg").exists()


def test_a_failing_graphviz_call_raises_its_message(tmp_path, monkeypatch):
    from microgradx.viz import GraphvizError

    _fake_graphviz(tmp_path, monkeypatch, "echo 'Error: out of memory' >&2; exit 3")
    with pytest.raises(GraphvizError, match=r"exit 3: Error: out of memory"):
        render_graph(Value(1.0, label="x") * 2, tmp_path / "g.svg")


@needs_dot
def test_a_label_with_a_nul_character_is_drawn_with_its_picture(tmp_path):
    x = Value(1.0, label="a\x00b\x07")
    svg = render_graph(x * 2, tmp_path / "g.svg").read_text(encoding="utf-8")
    assert "a\u2400b\u2407" in svg


def test_a_label_longer_than_graphviz_reads_is_refused_naming_it(tmp_path):
    from microgradx.viz.render import DOT_STRING_BYTES

    x = Value(1.0, label="long" + "g" * DOT_STRING_BYTES)
    with pytest.raises(ValueError, match=r"the label 'longggg.*'… is 16,4\d\d bytes; Graphviz"):
        render_graph(x * 2, tmp_path / "g.svg")
    assert not (tmp_path / "g.svg").exists()


def test_a_title_with_a_nul_character_is_refused_naming_it(tmp_path):
    with pytest.raises(ValueError, match=r"holds a NUL character"):
        render_graph(draw_dot(Value(1.0) * 2, title="t\x00"), tmp_path / "g.svg")


def _chain_of_sums(n: int) -> Value:
    """``x + x + … + x`` (n terms): one input feeding every step of a chain of n - 1 ops."""
    x = Value(1.0, label="x")
    y = x
    for _ in range(n - 1):
        y = y + x
    return y


def test_an_input_feeding_every_step_of_a_chain_is_drawn_along_one_trunk_keeping_every_edge():
    from collections import Counter

    from microgradx import topological_order

    y = _chain_of_sums(240)
    y.backward()
    source = draw_dot(y).source
    order = topological_order(y)
    index = {v: i for i, v in enumerate(order)}
    expected = Counter(
        (f"n{index[p]}", f"o{i}", "∂=1.000") for i, v in enumerate(order) for p in v.parents
    )
    edges = re.findall(r'^\s*(\w+) -> (o\d+) \[label="([^"]*)"', source, re.M)
    drawn = Counter((re.sub(r"_r\d+$", "", tail), head, label) for tail, head, label in edges)
    assert drawn == expected  # every input edge, with its ∂, from the Value it stands for
    junctions = re.findall(r"^\s*(n0_r\d+) \[", source, re.M)
    assert 200 < len(junctions) < len(order)  # one trunk for x, not 239 parallel long edges
    trunk = re.findall(r"^\s*(n0(?:_r\d+)?) -> (n0_r\d+) \[arrowhead=none\]", source, re.M)
    assert len(trunk) == len(junctions)  # a single line: x → first junction → … → last


def test_a_short_or_single_far_input_edge_is_drawn_directly():
    x, w = Value(1.0, label="x"), Value(2.0, label="w")
    y = ((x * w).tanh().exp() + 1) * x  # x's second use is far, but it is its only far one
    source = draw_dot(y).source
    assert "shape=point" not in source and "_r" not in source


def test_a_drawings_own_pipe_and_notebook_display_are_bounded_too(tmp_path, monkeypatch):
    from microgradx.viz import GraphvizTimeoutError, render

    x = Value(2.0, label="x")
    drawing = draw_dot(x * 3)
    _fake_graphviz(tmp_path, monkeypatch, "exec sleep 60")
    monkeypatch.setattr(render, "GRAPHVIZ_TIMEOUT", 0.5)
    with pytest.raises(GraphvizTimeoutError, match=r"\(4 nodes, 3 edges\)"):  # x, 3, x*3, *
        drawing.pipe(format="svg")
    with pytest.raises(GraphvizTimeoutError):
        drawing._repr_mimebundle_()  # what Jupyter calls to show the Digraph


@needs_dot
def test_a_drawings_own_pipe_gives_what_graphviz_gives():
    import graphviz

    drawing = draw_dot(Value(2.0, label="x") * 3)
    plain = graphviz.Source(drawing.source)
    assert drawing.pipe(format="svg", encoding="utf-8") == plain.pipe(
        format="svg", encoding="utf-8"
    )
    assert drawing.pipe(format="png") == plain.pipe(format="png")
