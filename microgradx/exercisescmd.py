"""``microgradx exercises check DIR``: run every student's exercise notebooks, tabulate results.

    microgradx exercises check submissions/

``DIR`` holds one sub-folder per student (``submissions/alice/03_local_derivatives.ipynb``)
or the notebooks side by side (one file per student). Each notebook runs in its own process
with a time limit; the table has one row per student and one column per check.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def add_parser(subparsers: Any) -> None:
    """Register the ``exercises`` subcommand and its ``check`` action."""
    p = subparsers.add_parser(
        "exercises",
        help="teacher's view of the exercise notebooks: who passed which check",
        description="Run the checks of the exercise notebooks of a class.",
    )
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    c = actions.add_parser(
        "check",
        help="run every notebook under DIR and print a table of who passed what",
        description=(
            "Run every exercise notebook (.ipynb, or a .py text twin) under DIR, one process "
            "each, and print one row per student (sub-folder or file name), one column per check."
        ),
    )
    c.add_argument("dir", metavar="DIR", help="folder of students' notebooks")
    c.add_argument(
        "--timeout", type=float, default=300.0, help="seconds per notebook (default: 300)"
    )
    c.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the class table; exit 0 when every check ran passed, 1 when some failed."""
    from .exercises.runner import class_table, notebooks

    folder = Path(args.dir)
    if not folder.is_dir():
        print(f"microgradx exercises check: {folder} is not a folder", file=sys.stderr)
        return 2
    if args.timeout <= 0:
        print(
            f"microgradx exercises check: --timeout must be > 0, got {args.timeout}",
            file=sys.stderr,
        )
        return 2
    if not notebooks(folder):
        print(
            f"microgradx exercises check: no notebooks (.ipynb or .py) under {folder}",
            file=sys.stderr,
        )
        return 2
    table, failures = class_table(folder, args.timeout)
    print(table)
    return 1 if failures else 0
