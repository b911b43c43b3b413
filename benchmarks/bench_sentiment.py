"""Sentiment benchmark: the project's scoring stage against plain NLTK VADER, same sentences,
same process; then the whole section on a synthetic corpus.

    python -m benchmarks.bench_sentiment          # 10,000 synthetic articles
    BENCH_ARTICLES=1000 python -m benchmarks.bench_sentiment   # quicker
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import numpy as np

from briefing.compute.pool import cpu_count, idle_cpus
from briefing.measures import vader

_HERE = Path(__file__).resolve()
_NAME = "shared/reference/vader-icwsm2014/nytEditorialSnippets_GroundTruth.txt"


def nyt_sentences() -> list[str]:
    """The 5,190 NYT editorial snippets of the VADER paper (real news-opinion sentences)."""
    for d in (_HERE.parents[2], _HERE.parents[3]):
        if (d / _NAME).is_file():
            lines = (d / _NAME).read_text(encoding="utf-8").splitlines()
            return [p[2] for p in (ln.rstrip("\r").split("\t", 2) for ln in lines) if len(p) == 3]
    raise SystemExit(f"reference sentences not found ({_NAME} next to the repository)")


def bench_scoring(texts: list[str], repeats: int = 3) -> None:
    sia = vader.analyzer()
    best_nltk, best_ours, best_one = float("inf"), float("inf"), float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        ref = [sia.polarity_scores(s)["compound"] for s in texts]
        best_nltk = min(best_nltk, time.perf_counter() - t)
        workers = idle_cpus()
        for procs, slot in ((1, "one"), (None, "ours")):
            vader.scorer.cache_clear()  # cold caches: no head start from an earlier run
            t = time.perf_counter()
            ours = vader.score_texts(texts, processes=procs)["compound"].to_numpy()
            dt = time.perf_counter() - t
            if slot == "one":
                best_one = min(best_one, dt)
            else:
                best_ours = min(best_ours, dt)
    n = len(texts)
    same = bool(np.array_equal(np.asarray(ref), ours))
    print(f"  sentences: {n:,} ({len(set(texts)):,} distinct); identical compound scores: {same}")
    print(f"  NLTK SentimentIntensityAnalyzer.polarity_scores: {n / best_nltk:,.0f} sentences/s")
    print(f"  project stage, 1 process:                       {n / best_one:,.0f} sentences/s "
          f"({best_nltk / best_one:.1f}x)")
    print(f"  project stage, score_texts as the section calls it ({workers} worker(s), "
          f"pool from {vader.POOL_MIN:,} distinct): {n / best_ours:,.0f} sentences/s "
          f"({best_nltk / best_ours:.1f}x)")
    print(f"  project stage, {cpu_count()} processes forced:", end=" ", flush=True)
    vader.scorer.cache_clear()
    t = time.perf_counter()
    vader.score_texts(texts, processes=cpu_count())
    dt = time.perf_counter() - t
    print(f"{n / dt:,.0f} sentences/s ({best_nltk / dt:.1f}x; load average {os.getloadavg()[0]:.1f})")
    if not same:
        raise SystemExit("compound scores differ from NLTK's")


def bench_section(n_articles: int) -> None:
    from benchmarks.synthetic import write_corpus
    from briefing import params as params_mod
    from briefing.corpus.prepare import prepare
    from briefing.sections.sentiment.compute import sentiment_section

    with tempfile.TemporaryDirectory() as tmp:
        write_corpus(str(Path(tmp) / "corpus.parquet"), n_articles, seed=1)
        params = params_mod.validate({
            "title": "bench", "corpus": "corpus.parquet", "base_dir": tmp,
            "periods": [{"name": "2022", "start": "2022-01-01", "end": "2022-12-31"},
                        {"name": "2023", "start": "2023-01-01", "end": "2023-12-31"}],
            "actors": [{"name": "Biden", "aliases": ["President Biden"]},
                       {"name": "López Obrador", "aliases": ["AMLO", "Lopez Obrador"]},
                       {"name": "Mexico"}, {"name": "United States", "aliases": ["U.S.", "US"]}],
        })
        t = time.perf_counter()
        prepared = prepare(params)
        t_prep = time.perf_counter() - t
        vader.scorer.cache_clear()
        t = time.perf_counter()
        result = sentiment_section(prepared)
        t_sec = time.perf_counter() - t
    n = len(result.sentences)
    print(f"  {n_articles:,} synthetic articles, {n:,} sentences "
          f"({result.sentences['text'].nunique():,} distinct)")
    print(f"  prepare (corpus, cleaning, sentences; not this section): {t_prep:.2f} s")
    print(f"  sentiment_section: {t_sec:.2f} s ({n / t_sec:,.0f} sentences/s end to end)")


def main() -> None:
    print("sentiment: VADER scoring on the NYT editorial snippets (Hutto & Gilbert 2014)")
    bench_scoring(nyt_sentences())
    n = int(os.environ.get("BENCH_ARTICLES", "10000"))
    print("sentiment: the whole section on a synthetic corpus")
    bench_section(n)


if __name__ == "__main__":
    main()
