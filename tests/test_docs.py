"""Every code block in README.md and docs/*.md runs as written; every relative link resolves.

Python blocks run in a fresh interpreter in a temporary directory (so examples that write files
litter nothing); sh blocks are ``microgradx`` commands, run the same way. A block that must not
run says why in a ``<!-- docs-test: skip (why) -->`` line just above it.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest
from docblocks import (
    DOC_FILES,
    README,
    ROOT,
    Block,
    all_blocks,
    blocks,
    clean_env,
    commands,
    run_commands,
    run_python,
)

BLOCKS = all_blocks()
RUN = [b for b in BLOCKS if b.skip_reason is None]
LINK = re.compile(r"!?\[[^\]]*\]\((?P<target>[^)\s]+)\)")


def _needs(block: Block) -> None:
    """Skip a block whose optional extra (torch, ONNX) or system `dot` is missing."""
    if "torch" in block.code:
        pytest.importorskip("torch")
    if "onnx" in block.code:
        pytest.importorskip("onnxscript")
    if block.lang == "sh" and shutil.which("dot") is None:
        pytest.skip("Graphviz `dot` is not installed (apt-get install graphviz)")


def test_the_docs_have_blocks_of_both_kinds_to_run() -> None:
    langs = {b.lang for b in RUN}
    assert {"python", "sh"} <= langs, langs
    assert any(b.path == README for b in RUN)


def test_every_block_is_python_or_sh_or_says_why_it_is_not_run() -> None:
    for block in BLOCKS:
        if block.skip_reason is None:
            assert block.lang in ("python", "sh"), f"{block.name}: a ```{block.lang} block"
        else:
            assert len(block.skip_reason) >= 10, f"{block.name}: say why the block is not run"


def test_skip_marker_is_read_only_from_the_line_just_above(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "<!-- docs-test: skip (installs packages) -->\n```sh\npip install x\n```\n\n"
        "text\n\n```python\nprint(1)\n```\n",
        encoding="utf-8",
    )
    first, second = blocks(page)
    assert (first.lang, first.skip_reason, first.code) == (
        "sh",
        "installs packages",
        "pip install x\n",
    )
    assert (second.lang, second.skip_reason, second.line) == ("python", None, 8)


def test_an_sh_line_that_is_not_a_microgradx_command_is_refused(tmp_path: Path) -> None:
    block = Block(tmp_path / "p.md", 1, "sh", "microgradx --version\nmake demo\n", None)
    with pytest.raises(ValueError, match="'make demo' is not a microgradx command"):
        commands(block)


@pytest.mark.parametrize("block", [b for b in RUN if b.lang == "python"], ids=lambda b: b.name)
def test_python_block_runs(block: Block, tmp_path: Path) -> None:
    _needs(block)
    env = clean_env()
    env["PYTHONPATH"] = str(ROOT)  # the source tree's microgradx, whatever is installed
    run_python(block, sys.executable, tmp_path, env)


@pytest.mark.parametrize("block", [b for b in RUN if b.lang == "sh"], ids=lambda b: b.name)
def test_command_block_runs(block: Block, tmp_path: Path) -> None:
    _needs(block)
    env = clean_env()
    env["PYTHONPATH"] = str(ROOT)
    run_commands(block, [sys.executable, "-m", "microgradx"], tmp_path, env)


def test_readme_example_prints_the_gradients_it_states(tmp_path: Path) -> None:
    # z = (2x + y)²: ∂z/∂x = 4(2x + y), ∂z/∂y = 2(2x + y); Hessian [[8, 4], [4, 2]]
    example = next(b for b in blocks(README) if b.lang == "python")
    env = {**clean_env(), "PYTHONPATH": str(ROOT)}
    out = run_python(example, sys.executable, tmp_path, env).splitlines()
    x, y = 1.5, -2.0
    assert out[0].split() == [str(4 * (2 * x + y)), str(2 * (2 * x + y))]
    assert out[1] == str([[8.0, 4.0], [4.0, 2.0]])


@pytest.mark.parametrize("page", DOC_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_and_pictures_exist(page: Path) -> None:
    for match in LINK.finditer(page.read_text(encoding="utf-8")):
        target = match.group("target").split("#")[0]
        if target and not re.match(r"^[a-z]+:", target):
            assert (page.parent / target).exists(), f"{page.name}: broken link {target}"


def test_package_index_readme_has_no_relative_links() -> None:
    # A package index shows the long description without the repository: relative links break.
    text = (ROOT / "docs" / "pypi.md").read_text(encoding="utf-8")
    relative = [m.group("target") for m in LINK.finditer(text) if "://" not in m.group("target")]
    assert relative == []
