"""Execute notebooks in place so that re-running an unchanged notebook changes no byte.

``make notebooks-build`` runs it after ``jupytext --update`` has copied each text twin's cells
into its .ipynb. Unlike ``jupyter execute --inplace`` it records no timestamps, merges stdout
that arrived in several chunks, and leaves out what differs between machines and runs: the
kernel's Python version and object addresses in plain-text reprs (``<Digraph at 0x7f…>``).
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from microgradx._files import atomic_write_bytes

ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+>")


def normalise(nb: nbformat.NotebookNode) -> None:
    """Drop what changes between runs and machines from an executed notebook, in place."""
    nb.metadata["language_info"] = {"name": "python"}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/plain" in data:
                data["text/plain"] = ADDRESS.sub(">", data["text/plain"])


def execute(path: Path) -> None:
    """Run one notebook top to bottom in a fresh kernel and store it with its outputs."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        record_timing=False,
        coalesce_streams=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    normalise(nb)
    atomic_write_bytes(path, (nbformat.writes(nb) + "\n").encode("utf-8"))


def main(paths: list[str]) -> int:
    """Execute each notebook named on the command line, printing how long each took."""
    for name in paths:
        start = time.perf_counter()
        execute(Path(name))
        print(f"executed {name} in {time.perf_counter() - start:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
