"""`make bench` / `python -m benchmarks`: run every benchmarks/bench_*.py's main() in turn.

`python -m benchmarks NAME...` runs only those (e.g. `python -m benchmarks pipeline`).
Set BENCH_ARTICLES to shrink the synthetic corpora for a quick run.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    names = sorted(p.stem for p in Path(__file__).parent.glob("bench_*.py"))
    if argv:
        names = [n for n in names if n.removeprefix("bench_") in argv or n in argv]
    for name in names:
        print(f"== {name} ==", flush=True)
        importlib.import_module(f"benchmarks.{name}").main()
        print(flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
