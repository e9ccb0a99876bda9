"""Tests for the backprop explorer page built in Python (the browser tests drive it live)."""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
from pathlib import Path

import pytest

from microgradx import MLP, Value, explorecmd, ops, topological_order
from microgradx.graphcmd import parse_expression
from microgradx.viz.explore import (
    LANGUAGES,
    MAX_NODES,
    MAX_PAGE_BYTES,
    Explorer,
    _tape,
    bundle,
    explore,
    strings,
)

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None, reason="Graphviz `dot` is not installed (apt-get install graphviz)"
)
ENGINE_JS = Path(__file__).parents[1] / "microgradx" / "viz" / "explorer" / "engine.js"


def page_rules() -> set[str]:
    """The names in engine.js's RULES table, read from the source."""
    source = ENGINE_JS.read_text(encoding="utf-8")
    table = source[source.index("export const RULES") :]
    table = table[: table.index("\n});")]
    return set(re.findall(r"^  (\w+): op\(", table, re.M))


def test_every_op_of_the_rule_table_has_a_page_twin():
    missing = set(ops.RULES) - page_rules()
    assert not missing, f"ops.RULES has ops without a twin in viz/explorer/engine.js: {missing}"
    assert page_rules() == set(ops.RULES), "engine.js has rules that ops.RULES does not"


def test_the_parameterised_ops_have_page_twins_too():
    source = ENGINE_JS.read_text(encoding="utf-8")
    assert "export function power(k, name)" in source
    assert "export function leakyRelu(slope)" in source


def test_the_tape_marks_constants_and_parameterised_ops():
    x = Value(2.0, label="x")
    tape = _tape(topological_order((x * 3.0) ** 2 + x.leaky_relu(0.2)))
    by_op = {entry["op"]: entry for entry in tape}
    assert by_op["pow2"]["param"] == 2.0 and by_op["leaky_relu"]["param"] == 0.2
    assert [e.get("constant", False) for e in tape if not e["op"]] == [False, True]


@needs_dot
def test_the_same_input_gives_byte_identical_pages():
    def build() -> str:
        return explore(parse_expression("tanh(x*w + b)", {"x": 2, "w": -3, "b": 1}), title="n").html

    assert build() == build()


@needs_dot
def test_the_page_loads_nothing_from_outside():
    text = explore(parse_expression("x*y + exp(x)", {"x": 1, "y": 2})).html
    assert not re.search(r"""\b(src|href)\s*=\s*["'](?!#|data:)""", text, re.I)
    assert "@import" not in text and "url(" not in text
    assert not re.search(r"https?://(?!www\.w3\.org/)", text)  # SVG namespaces only
    assert "default-src 'none'" in text  # the page's CSP forbids any fetch anyway


@needs_dot
def test_a_graph_at_the_node_limit_stays_under_the_size_cap():
    def size(width: int) -> int:
        out = MLP(2, [width, width, 1], seed=0)([Value(0.5), Value(-0.5)])
        return len(topological_order(out))

    width = max(w for w in range(1, 20) if size(w) <= MAX_NODES)
    assert size(width + 1) > MAX_NODES
    page = explore(MLP(2, [width, width, 1], seed=0))
    assert len(page.html.encode("utf-8")) <= MAX_PAGE_BYTES


def test_a_graph_above_the_node_limit_is_refused_with_its_size():
    x = Value(0.5, label="x")
    out = x
    for _ in range(MAX_NODES):
        out = out * 1.01
    with pytest.raises(ValueError, match=r"explore: the graph has 801 values.*at most 400"):
        explore(out)


def test_explore_rejects_what_it_cannot_show():
    with pytest.raises(TypeError, match="explore: expected a Value or an MLP, got float"):
        explore(3.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="title must be a string"):
        explore(Value(1.0), title=3)  # type: ignore[arg-type]


@needs_dot
def test_save_writes_the_page_and_the_notebook_view_is_a_sandboxed_iframe(tmp_path):
    page = explore(parse_expression("x * x", {"x": 3}))
    path = page.save(tmp_path / "sub" / "e.html")
    assert path.read_text(encoding="utf-8") == page.html
    frame = page._repr_html_()
    assert frame.startswith('<iframe class="microgradx-explorer" sandbox="allow-scripts"')
    assert html.unescape(re.search(r'srcdoc="([^"]*)"', frame).group(1)) == page.html
    assert repr(page) == f"Explorer({len(page.html):,} bytes of HTML)"
    assert isinstance(page, Explorer)


@needs_dot
def test_an_mlp_opens_on_the_training_tab_with_its_graph_on_the_expression_tab():
    page = explore(MLP(2, [3, 1], seed=0)).html
    data = page[page.index('id="mgx-data">') :]
    assert '"tab":"training"' in data
    assert '"layers":[3]' in data and '"activation":"relu"' in data
    assert '"label":"x0"' in data and '"label":"L1.N1.w0"' in data


def test_the_bundle_turns_imports_into_lookups_of_earlier_modules():
    script = bundle()
    assert "import {" not in script and "\nexport " not in script
    assert 'modules["engine.js"]' in script or "modules['engine.js']" in script
    with pytest.raises(ValueError, match=r"stepper\.js imports engine\.js, not listed before it"):
        bundle(("stepper.js", "engine.js"))


def run_explore(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="microgradx")
    explorecmd.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["explore", *argv])
    return int(args.run(args))


@needs_dot
def test_the_command_writes_the_page(tmp_path, capsys):
    out = tmp_path / "e.html"
    sets = ["--set", "x=2", "--set", "w=-3", "--set", "b=1"]
    code = run_explore("tanh(x*w + b)", *sets, "-o", str(out))
    assert code == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert f"wrote {out}" in capsys.readouterr().out


def test_the_command_refuses_unsafe_or_undefined_expressions(tmp_path, capsys):
    out = tmp_path / "e.html"
    assert run_explore("__import__('os')", "-o", str(out)) == 2
    assert "unknown function '__import__'" in capsys.readouterr().err
    assert run_explore("x + y", "--set", "x=1", "-o", str(out)) == 2
    assert "undefined variable 'y'" in capsys.readouterr().err
    assert not out.exists()


@needs_dot
def test_a_model_too_big_to_draw_shows_its_first_neuron():
    page = explore(MLP(2, [16, 16, 1], seed=0)).html
    assert "neuron L1.N1 of" in page and '"tab":"training"' in page
    assert '"layers":[16,16]' in page


@needs_dot
def test_the_command_handles_output_like_graph(tmp_path, capsys):
    assert run_explore("x * 2", "--set", "x=1", "-o", "") == 2
    assert "-o needs a file name" in capsys.readouterr().err
    folder = tmp_path / "pages"
    folder.mkdir()
    assert run_explore("x * 2", "--set", "x=1", "-o", f"{folder}/") == 0
    assert (folder / "explore.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    capsys.readouterr()
    assert run_explore("x * 2", "--set", "x=1", "-o", "-") == 0
    assert capsys.readouterr().out.startswith("<!DOCTYPE html>")


@needs_dot
def test_the_command_warns_about_unused_or_repeated_variables(tmp_path, capsys):
    out = tmp_path / "e.html"
    assert run_explore("x * 2", "--set", "x=1", "--set", "x=3", "--set", "y=2", "-o", str(out)) == 0
    err = capsys.readouterr().err
    assert "microgradx explore: warning: --set x given twice" in err
    assert "--set y: the expression does not use y" in err


# -- the page's words: one table, two languages -------------------------------------------

EXPLORER = ENGINE_JS.parent
TABLE = json.loads((EXPLORER / "strings.json").read_text(encoding="utf-8"))


def test_every_string_of_the_page_is_in_english_and_korean():
    assert set(LANGUAGES) == {"en", "ko"}
    for key, texts in TABLE.items():
        assert set(texts) == set(LANGUAGES), f"{key}: languages {sorted(texts)}"
        for lang, text in texts.items():
            assert text.strip(), f"{key} has no {lang} text"
        # the same placeholders in both languages, so no number goes missing in translation
        en, ko = (set(re.findall(r"\{(\w+)\}", texts[k])) for k in ("en", "ko"))
        assert en == ko, f"{key}: placeholders {en} (en) vs {ko} (ko)"
    korean = [k for k, v in TABLE.items() if not re.search(r"[\uac00-\ud7a3]", v["ko"])]
    assert set(korean) <= {"page.title", "step.start", "step.back", "step.fwd", "step.end",
                           "nudge.by", "text.fwdOp", "error.set", "data.xor"}, korean  # fmt: skip


def used_keys() -> set[str]:
    html_text = (EXPLORER / "page.html").read_text(encoding="utf-8")
    keys = set(re.findall(r'data-i18n(?:-html|-title|-placeholder)?="([\w.]+)"', html_text))
    for js in EXPLORER.glob("*.js"):
        source = js.read_text(encoding="utf-8")
        keys |= set(re.findall(r"""\bt\(\s*"([\w.]+)\"""", source))
        keys |= set(re.findall(r"""\bfail\(\s*"([\w.]+)\"""", source))
        keys |= set(re.findall(r'"(train\.(?:regression|boundary)Hint)"', source))
    # explore.py hands every caption.* word to the Graphviz caption (dot._caption_html);
    # draw_dot and the backward-step frames use dot.* and frame.* (viz/dot.py, viz/steps.py)
    return keys | {k for k in TABLE if k.startswith(("caption.", "dot.", "frame."))}


def test_every_string_the_page_uses_is_in_the_table_and_none_is_unused():
    used = used_keys()
    assert used - set(TABLE) == set(), "strings used by the page but missing from strings.json"
    assert set(TABLE) - used == set(), "strings.json entries that nothing uses"


def test_the_page_template_has_no_text_outside_the_table():
    """Every element of page.html with visible words gets them from the table (data-i18n)."""
    html_text = (EXPLORER / "page.html").read_text(encoding="utf-8")
    body = html_text[html_text.index("<body>") : html_text.index("<script")]
    body = re.sub(r"<option>[\w]+</option>", "", body)  # op, activation and optimizer names
    words = re.findall(r">([^<>{}]*[A-Za-z]{2,}[^<>{}]*)<", body)
    assert words == [], f"page.html has words not from strings.json: {words}"


@needs_dot
def test_explore_refuses_an_unknown_language_and_marks_the_page_with_its_own():
    root = parse_expression("x * 2", {"x": 1})
    with pytest.raises(ValueError, match="explore: lang must be one of en, ko, got 'fr'"):
        explore(root, lang="fr")
    page = explore(root, lang="ko").html
    assert '<html lang="ko">' in page and "역전파 탐색기" in page
    assert strings("ko")["train.lr"] == "학습률" and strings("en")["train.lr"] == "learning rate"


@needs_dot
def test_the_command_writes_a_korean_page_with_lang_ko(tmp_path, capsys):
    from microgradx.cli import main

    out = tmp_path / "ko.html"
    args = ["explore", "x*w", "--set", "x=2", "--set", "w=3", "--lang", "ko", "-o", str(out)]
    assert main(args) == 0
    assert '<html lang="ko">' in out.read_text(encoding="utf-8")
    with pytest.raises(SystemExit):
        main(["explore", "x*w", "--lang", "de"])
    assert "invalid choice: 'de'" in capsys.readouterr().err


@needs_dot
def test_a_constant_reads_no_grad_in_draw_dot_and_its_legend_says_why():
    from microgradx.viz import draw_dot

    x = Value(2.0, label="x")
    root = 2 * x * x
    root.backward()
    source = draw_dot(root).source
    assert source.count("no grad (constant)") == 2  # the box, and the legend's sentence
    assert "backward() skips it" in source
    assert "backward() skips it" not in draw_dot(x * x).source  # said only when it applies


# -- hostile labels, inputs without a gradient, ASCII terminals ----------------------------


def _page_data(page: str) -> dict:
    import json

    match = re.search(r'<script type="application/json" id="mgx-data">(.*?)</script>', page, re.S)
    assert match is not None
    return json.loads(match.group(1))  # strict JSON, as the page's JSON.parse reads it


@needs_dot
@pytest.mark.parametrize("label", ["<!--", "a<!--b-->c", "</script><b>x", "<\\!--", "p & q > 0"])
def test_a_label_with_html_comment_or_script_text_survives_as_valid_json(label):
    x = Value(1.5, label=label)
    page = explore(x * 2).html
    data_text = page.split('id="mgx-data">', 1)[1].split("</script>", 1)[0]
    assert "<!--" not in data_text and "-->" not in data_text and "</" not in data_text
    labels = [node["label"] for node in _page_data(page)["expression"]["nodes"]]
    assert label in labels


def test_the_command_refuses_an_expression_whose_backward_fails_as_graph_does(tmp_path, capsys):
    from microgradx import graphcmd

    out = tmp_path / "e.html"
    assert run_explore("sqrt(x)", "--set", "x=0", "-o", str(out)) == 2
    explore_err = capsys.readouterr().err
    parser = argparse.ArgumentParser(prog="microgradx")
    graphcmd.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["graph", "sqrt(x)", "--set", "x=0", "-o", str(tmp_path / "g.svg")])
    assert args.run(args) == 2
    graph_err = capsys.readouterr().err
    assert "cannot differentiate" in explore_err
    assert explore_err.replace("explore", "graph") == graph_err
    assert not out.exists()


@needs_dot
def test_standard_output_gets_the_pages_bytes_under_an_ascii_locale():
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHON"))}
    env.update(LC_ALL="C", PYTHONPATH=str(Path(__file__).resolve().parents[1]), PYTHONUTF8="0")
    argv = [sys.executable, "-m", "microgradx", "explore", "tanh(x)", "--set", "x=1", "-o", "-"]
    done = subprocess.run(argv, env=env, capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    expected = explore(parse_expression("tanh(x)", {"x": 1.0}), title="tanh(x)").html
    assert done.stdout == expected.encode("utf-8")


@needs_dot
def test_a_long_chain_on_one_input_keeps_every_edge_the_page_looks_up_by_title():
    from collections import Counter

    x = Value(1.0, label="x")
    y = x
    for _ in range(99):
        y = y * x
    page = explore(y).html
    nodes = _page_data(page)["expression"]["nodes"]
    expected = Counter(
        f"n{j}&#45;&gt;o{i}" for i, n in enumerate(nodes) for j in n.get("inputs", [])
    )
    svg = page.split("<svg", 1)[1].split("</svg>", 1)[0]
    titles = re.findall(r'<g id="edge\d+" class="edge">\s*<title>([^<]*)</title>', svg)
    assert Counter(t for t in titles if re.fullmatch(r"n\d+&#45;&gt;o\d+", t)) == expected
