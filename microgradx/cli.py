"""Command-line interface: ``microgradx demo`` (train and draw) and ``microgradx graph "EXPR"``.

Each subcommand lives in its own module exposing ``add_parser(subparsers)`` and
``run(args) -> int``; this file only dispatches, so ``microgradx --help`` stays fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with one subparser per command."""
    from . import demo, graphcmd

    parser = argparse.ArgumentParser(
        prog="microgradx", description="A readable scalar autodiff engine: train, draw, teach."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo.add_parser(sub)
    graphcmd.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``microgradx`` console script; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else list(argv))
    return int(args.run(args))
