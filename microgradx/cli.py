"""Command-line interface: ``microgradx demo`` (train and draw) and ``microgradx graph "EXPR"``.

Each subcommand lives in its own module exposing ``add_parser(subparsers)`` and
``run(args) -> int``; this file only dispatches, so ``microgradx --help`` stays fast.
"""

from __future__ import annotations

import argparse
import codecs
import locale
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

ASCII_FALLBACK = {
    "∂": "d",
    "·": "*",
    "×": "x",
    "→": "->",
    "—": "-",
    "−": "-",
    "…": "...",
    "≥": ">=",
    "≤": "<=",
    "✓": "+",
    "✗": "x",
}
"""How the CLIs' non-ASCII characters are printed on a terminal that cannot show them."""


def _ascii_fallback(error: UnicodeError) -> tuple[str, int]:
    """A codecs error handler: ASCII look-alikes for our symbols, ``?`` for anything else."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = error.object[error.start : error.end]
    return "".join(ASCII_FALLBACK.get(c, "?") for c in text), error.end


codecs.register_error("microgradx-ascii", _ascii_fallback)


def _ascii_locale() -> bool:
    """True under a C/POSIX locale, which Python's automatic UTF-8 mode would print UTF-8 to."""
    explicit = "PYTHONUTF8" in os.environ or "PYTHONIOENCODING" in os.environ
    if not sys.flags.utf8_mode or explicit or not hasattr(locale, "nl_langinfo"):
        return False
    return locale.nl_langinfo(locale.CODESET) in ("ANSI_X3.4-1968", "ASCII", "US-ASCII")


def _printable_output() -> None:
    """Let stdout/stderr print what the terminal can show (PYTHONIOENCODING=ascii, C locale)."""
    encoding = {"encoding": "ascii"} if _ascii_locale() else {}
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="microgradx-ascii", **encoding)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line on stderr (exit code 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _version() -> str:
    """The installed distribution's version (its metadata), else the source tree's own."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("microgradx")
    except PackageNotFoundError:  # run from a source tree that was never installed
        from . import __version__

        return __version__


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with one subparser per command (they inherit the one-line errors)."""
    from . import demo, exercisescmd, explorecmd, graphcmd

    parser = _Parser(
        prog="microgradx", description="A readable scalar autodiff engine: train, draw, teach."
    )
    parser.add_argument("--version", action="version", version=f"microgradx {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo.add_parser(sub)
    graphcmd.add_parser(sub)
    explorecmd.add_parser(sub)
    exercisescmd.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``microgradx`` console script; returns the exit code."""
    _printable_output()
    parser = build_parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else list(argv))
    try:
        return int(args.run(args))
    except KeyboardInterrupt:  # Ctrl-C is not a crash: one line, the shell's code for SIGINT
        print(f"\nmicrogradx {args.command}: interrupted; no files were changed", file=sys.stderr)
        return 130
