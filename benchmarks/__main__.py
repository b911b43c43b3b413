"""`make bench` / `python -m benchmarks [--size 1k|10k|100k] [NAME...]`: every benchmark in turn.

All of them run on the realistic corpus (benchmarks/realistic.py) of the chosen size (default
10k; $BENCH_SIZE works too), made once and kept in .benchmarks/. `NAME` picks benchmarks by name
(`python -m benchmarks --size 1k topics`). The run closes with every stage's seconds and peak
memory of the process tree next to the baselines timed in the same run.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
from pathlib import Path

#: The order they run in: the corpus first (its statistics), the whole briefing last.
ORDER = ["corpus", "sentiment", "framing", "topics", "pipeline"]
#: Benchmarks that hold the whole prepared corpus in this process: skipped above IN_PROCESS_MAX
#: articles (100,000 would need over 20 GiB); `bench_pipeline` runs briefings in child processes.
WHOLE_CORPUS = {"corpus", "sentiment", "framing", "topics", "engines", "dedup", "document"}
IN_PROCESS_MAX = 20_000


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--size", default=os.environ.get("BENCH_SIZE", "10k"),
                        help="articles in the realistic corpus: 1k, 10k (default), 100k or a number (>= 100)")
    parser.add_argument("--memory-limit", type=float, metavar="GIB",
                        help="stop a briefing run whose process tree passes this PSS (default: 60%% of RAM)")
    parser.add_argument("--time-limit", type=float, metavar="SECONDS",
                        help="stop a briefing run that takes longer (default 14400)")
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default all: {', '.join(ORDER)})")
    args = parser.parse_args(argv)
    from benchmarks import harness

    n = harness.parse_size(args.size)
    os.environ["BENCH_SIZE"] = str(n)
    if args.memory_limit:
        os.environ["BENCH_MEMORY_LIMIT"] = str(args.memory_limit)
    if args.time_limit:
        os.environ["BENCH_TIME_LIMIT"] = str(args.time_limit)
    found = {p.stem.removeprefix("bench_") for p in Path(__file__).parent.glob("bench_*.py")}
    names = [x for x in ORDER if x in found] + sorted(found - set(ORDER))
    if args.names:
        unknown = [x for x in args.names if x.removeprefix("bench_") not in found]
        if unknown:
            parser.error(f"no benchmark named {', '.join(unknown)}; there are {', '.join(names)}")
        names = [x for x in names if x in {a.removeprefix("bench_") for a in args.names}]
    print(f"benchmarks on {n:,} realistic articles, {time.strftime('%Y-%m-%d %H:%M')}, "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}", flush=True)
    failed = []
    for name in names:
        print(f"\n== bench_{name} ==", flush=True)
        if name in WHOLE_CORPUS and n > IN_PROCESS_MAX:
            print(f"bench_{name} skipped: it holds the whole prepared corpus of {n:,} articles in this "
                  f"process; run it with --size 10k")
            skipped = "skipped: whole corpus in one process"
            harness.STAGES.append(harness.Stage(f"bench_{name}", n, status=skipped))
            continue
        try:
            importlib.import_module(f"benchmarks.bench_{name}").main()
        except Exception as exc:  # noqa: BLE001 - one failing benchmark must not hide the others' figures
            failed.append(name)
            first = str(exc).splitlines()[0] if str(exc) else ""
            print(f"bench_{name} FAILED: {type(exc).__name__}: {first}", flush=True)
    print("\n== every stage of this run, next to its baselines ==")
    print(harness.summary())
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
