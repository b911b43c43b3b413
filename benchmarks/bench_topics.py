"""Benchmark of the topics section on a synthetic corpus (briefing/synthetic.py).

Prints the section's seconds on BENCH_ARTICLES articles (default 10,000), against two baselines
measured in the same process: counting the terms of the same paragraphs (the tokenising the
section cannot avoid) and the section on a tenth of the articles (scaling).
Run: `python -m benchmarks.bench_topics` (BENCH_ARTICLES=1000 for a quick run).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from benchmarks.synthetic import synthetic_corpus
from briefing import params as P
from briefing.corpus import prepare as pipeline
from briefing.measures import terms as T
from briefing.sections.topics.compute import topics_section


def _prepared(n: int, where: Path) -> pipeline.Prepared:
    synthetic_corpus(n, seed=7).to_parquet(where / f"corpus-{n}.parquet")
    params = P.validate({
        "title": "bench", "corpus": f"corpus-{n}.parquet", "base_dir": str(where),
        "periods": [{"name": "2022", "start": "2022-01-01", "end": "2022-12-31"},
                    {"name": "2023", "start": "2023-01-01", "end": "2023-12-31"}]})
    return pipeline.prepare(params)


def _seconds(fn) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def main() -> None:
    n = int(os.environ.get("BENCH_ARTICLES", "10000"))
    small = max(100, n // 10)
    with tempfile.TemporaryDirectory() as tmp:
        big, little = _prepared(n, Path(tmp)), _prepared(small, Path(tmp))
    paras = T.paragraphs(big.sentences)
    t_tok, _ = _seconds(lambda: T.count_matrix(paras["text"], T.stop_words(), 2))
    t_small, _ = _seconds(lambda: topics_section(little))
    t_big, res = _seconds(lambda: topics_section(big))
    print(f"topics section, {n:,} articles ({len(paras):,} paragraphs, {len(big.sentences):,} sentences): "
          f"{t_big:.2f} s ({n / t_big:,.0f} articles/s); {len(res.topics)} topics")
    print(f"  baseline, counting unigrams+bigrams of the same paragraphs: {t_tok:.2f} s "
          f"(section / counting = {t_big / t_tok:.1f}x)")
    print(f"  baseline, the section on {small:,} articles: {t_small:.2f} s "
          f"(time ratio {t_big / t_small:.1f}x for {n / small:.0f}x the articles)")


if __name__ == "__main__":
    main()
