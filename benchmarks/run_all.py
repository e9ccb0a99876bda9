"""Run every workload; write benchmarks/RESULTS.md and docs/performance.md's figures from one run.

    python benchmarks/run_all.py            # full run (`make bench`; ~15 min on 2 busy cores)
    python benchmarks/run_all.py --quick    # smoke run: fewer rounds, smaller sizes
    python benchmarks/run_all.py --quiet    # no progress bar, no tables on stdout

A full run also rewrites docs/performance.md's block between ``<!-- bench:begin -->`` and
``<!-- bench:end -->`` with RESULTS.md's summary, so every figure the page quotes comes from
the run that wrote RESULTS.md (tests/test_benchmarks.py checks the two agree). ``--tiny`` is
the test suite's smoke configuration. Peers (micrograd 0.1.0 from the ``bench`` extra, torch)
are optional: a missing one gets a "skipped" row. Files are written atomically.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
import w1_mlp
import w2_chain
import w3_memory
import w4_wide_sum
import w5_batch
import w6_fit_width
import w7_digits

from microgradx._files import atomic_open

WORKLOADS: tuple[ModuleType, ...] = (
    w1_mlp,
    w2_chain,
    w3_memory,
    w4_wide_sum,
    w5_batch,
    w6_fit_width,
    w7_digits,
)
"""Each has ``ticks(quick)`` and ``run(quick, tick)`` returning a ``common.Report`` (or a str)."""
HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
PAGE = HERE.parent / "docs" / "performance.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def between(text: str, what: str = "text") -> str:
    """The text between the bench markers (ValueError naming ``what`` when they are missing)."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"run_all: {what} has no {BEGIN} … {END} block")
    return text[start + len(BEGIN) : end]


def replace_between(text: str, block: str, what: str = "text") -> str:
    """``text`` with its bench block replaced by ``block``."""
    old = between(text, what)
    start = text.find(BEGIN) + len(BEGIN)
    return text[:start] + block + text[start + len(old) :]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fast smoke run")
    parser.add_argument("--tiny", action="store_true", help="the test suite's smallest run")
    parser.add_argument("--quiet", action="store_true", help="no progress bar or tables")
    parser.add_argument("--output", type=Path, default=RESULTS, help="markdown file to write")
    parser.add_argument(
        "--page",
        type=Path,
        default=None,
        help="page to update (default: docs/performance.md on a full run, none otherwise)",
    )
    args = parser.parse_args(argv)
    common.TINY = args.tiny
    quick = args.quick or args.tiny
    readme = args.page if args.page is not None or quick else PAGE

    from tqdm import tqdm

    total = sum(w.ticks(quick) for w in WORKLOADS)
    start = time.perf_counter()
    load_before = common.load()
    reports = []
    with tqdm(total=total, disable=args.quiet, unit="step", desc="benchmarks") as bar:
        for workload in WORKLOADS:
            bar.set_postfix_str(workload.__name__)
            began = time.perf_counter()
            report = workload.run(quick, tick=lambda: bar.update(1))
            report = common.Report(report) if isinstance(report, str) else report
            took = f"_{workload.__name__} took {time.perf_counter() - began:.0f} s._\n"
            reports.append(common.Report(f"{report.full}\n{took}", report.summary))
    minutes = (time.perf_counter() - start) / 60
    mode = "tiny smoke run (`--tiny`)" if args.tiny else "quick smoke run (`--quick`)"
    mode = mode if quick else "full run"
    stamp = f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}"
    summary = "\n".join(
        [
            "",
            f"From one {mode} of `make bench` on {stamp} ({minutes:.1f} min; load average "
            f"{load_before} at the start, {common.load()} at the end). Each table's ratios "
            "compare engines timed in the same process; details in "
            "[`benchmarks/RESULTS.md`](../benchmarks/RESULTS.md).",
            "",
            *(r.summary for r in reports if r.summary),
            "",
        ]
    )
    text = "\n".join(
        [
            "# microgradx benchmarks",
            "",
            f"Written by `benchmarks/run_all.py` ({mode}) on {stamp}, in {minutes:.1f} min.",
            "Steady steps, timed as a user's loop runs them: engines interleaved round by round, "
            "each round one untimed lead-in step then a block of timed steps, never a "
            "`gc.collect()`; medians of the time per step; ratios compare engines measured in "
            "the same run (the same process, for W1 and W6).",
            "",
            f"Load average at the start: {load_before}; at the end: {common.load()}.",
            "",
            "## Machine",
            "",
            common.machine_info(),
            "## Summary (docs/performance.md's figures, copied there by run_all.py)",
            "",
            BEGIN + summary + END,
            "",
            "## Results",
            "",
            *(r.full for r in reports),
        ]
    )
    with atomic_open(args.output, "w") as f:  # readers see the old results or the new, never half
        f.write(text)
    if readme is not None:
        updated = replace_between(readme.read_text(encoding="utf-8"), summary, str(readme))
        with atomic_open(readme, "w") as f:
            f.write(updated)
    if not args.quiet:
        print(text)
        print(f"wrote {args.output}" + (f" and the figures in {readme}" if readme else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
