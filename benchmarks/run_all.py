"""Run every workload (W1–W7) and write the tables to benchmarks/RESULTS.md.

    python benchmarks/run_all.py            # full run (several minutes; `make bench`)
    python benchmarks/run_all.py --quick    # smoke run: fewer rounds, shorter chains
    python benchmarks/run_all.py --quiet    # no progress bar, no tables on stdout

Peers (micrograd 0.1.0 from the ``bench`` extra, torch) are optional: a missing one gets a
"skipped" row. The results file is written atomically (a temporary file, then a rename).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

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

WORKLOADS = (w1_mlp, w2_chain, w3_memory, w4_wide_sum, w5_batch, w6_fit_width, w7_digits)
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fast smoke run")
    parser.add_argument("--quiet", action="store_true", help="no progress bar or tables")
    parser.add_argument("--output", type=Path, default=RESULTS, help="markdown file to write")
    args = parser.parse_args(argv)

    from tqdm import tqdm

    total = sum(w.ticks(args.quick) for w in WORKLOADS)
    start = time.perf_counter()
    tables = []
    with tqdm(total=total, disable=args.quiet, unit="step", desc="benchmarks") as bar:
        for workload in WORKLOADS:
            bar.set_postfix_str(workload.__name__)
            tables.append(workload.run(args.quick, tick=lambda: bar.update(1)))
    minutes = (time.perf_counter() - start) / 60
    mode = "quick smoke run (`--quick`)" if args.quick else "full run"
    text = "\n".join(
        [
            "# microgradx benchmarks",
            "",
            f"Written by `benchmarks/run_all.py` ({mode}) on "
            f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, in {minutes:.1f} min.",
            "Median of interleaved rounds; `gc.collect()` before every timed step (untimed); "
            "ratios compare engines measured in the same run.",
            "",
            "## Machine",
            "",
            common.machine_info(),
            "## Results",
            "",
            *tables,
        ]
    )
    with atomic_open(args.output, "w") as f:  # readers see the old results or the new, never half
        f.write(text)
    if not args.quiet:
        print(text)
        print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
