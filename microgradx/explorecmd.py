"""``microgradx explore "EXPR"``: write the backprop explorer page of a one-line expression.

    microgradx explore "tanh(x*w + b)" --set x=2 --set w=-3 --set b=6.8814 -o explore.html
    microgradx explore "tanh(x*w + b)" --set x=2 --lang ko     # the page in Korean

The expression goes through ``graph``'s whitelisted parser (never ``eval``); every variable
becomes a slider in the page. The page is one offline HTML file: open it in any browser.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .graphcmd import (
    ALLOWED,
    ExpressionError,
    _add_expression_arguments,
    _fail,
    _named_leaves,
    _one_line,
    _output,
    _variables,
    parse_expression,
)


def add_parser(subparsers: Any) -> None:
    """Register the ``explore`` subcommand."""
    p = subparsers.add_parser(
        "explore",
        help="write an interactive backprop explorer page (one offline HTML file)",
        description=(
            'Write the backprop explorer of EXPR, e.g. "tanh(x*w + b)": move the inputs, step '
            "through the forward and backward pass node by node, and train a small network. "
            + ALLOWED
        ),
    )
    _add_expression_arguments(p, "starting value of a variable (repeat for each variable)")
    p.add_argument(
        "--lang",
        choices=("en", "ko"),
        default="en",
        help="the page's language: en (English) or ko (Korean, the course's terms)",
    )
    p.add_argument(
        "-o",
        "--output",
        default="explore.html",
        help="output file, a directory (writes explore.html there) or - for standard output",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Parse the expression and write the page; returns the exit code (2 for bad input)."""
    from .viz import GraphvizError, GraphvizNotFoundError
    from .viz.explore import explore

    if not args.output:
        return _fail("-o needs a file name, a directory, or - for standard output", 2, "explore")
    output = _output(args.output, "explore.html")
    try:
        variables = _variables(args.assignments, "explore")
        root = parse_expression(args.expression, variables)
    except ExpressionError as e:
        return _fail(str(e), 2, "explore")
    try:
        root.backward()  # graph's check: the page's own backward would throw on load
    except (ArithmeticError, ValueError) as e:
        return _fail(f"cannot differentiate: {_one_line(e)}", 2, "explore")
    try:
        page = explore(root, title=args.expression, lang=args.lang)
    except ValueError as e:
        return _fail(str(e), 2, "explore")
    except (GraphvizNotFoundError, GraphvizError) as e:
        return _fail(str(e), 1, "explore")
    _named_leaves(variables, root, "explore")
    if output is None:
        # Bytes, as graph writes them: a text stream in an ASCII locale (LC_ALL=C) would turn
        # the page's non-ASCII characters (JavaScript included) into escapes or errors.
        sys.stdout.flush()
        sys.stdout.buffer.write(page.html.encode("utf-8"))
        sys.stdout.buffer.flush()
        return 0
    try:
        path = page.save(output)
    except OSError as e:
        return _fail(f"cannot write {output}: {e.strerror or e}", 1, "explore")
    print(f"wrote {path} ({len(page.html.encode('utf-8')):,} bytes): open it in a browser")
    return 0
