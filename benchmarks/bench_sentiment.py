"""Sentiment benchmark: the project's scoring stage against plain NLTK VADER on the same sentences
in the same process (the NYT editorial snippets), then the whole section on the realistic corpus
against the run's baseline (plain NLTK VADER on that corpus's sentences, one process).

Target (issue 12): the section at least 10x plain NLTK VADER's throughput, i.e. at most 0.10 x
the baseline.

    python -m benchmarks --size 1k sentiment
"""

from __future__ import annotations

import os
import time

import numpy as np

from benchmarks import harness as H
from benchmarks.realistic import nyt_sentences
from briefing.compute.pool import cpu_count, idle_cpus
from briefing.measures import vader


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


def bench_stage(n: int) -> None:
    """The VADER stage as `briefing run` computes it: per document, over both cores (the local
    engine), on every sentence of the corpus; identical scores checked on a sample against NLTK."""
    import dataclasses

    from briefing.compute.engine import LocalEngine
    from briefing.measures.per_sentence import vader_scores

    prep = dataclasses.replace(H.prepared(n), engine=LocalEngine(cpu_count()), computed={})
    base = H.baseline(n)
    vader.scorer.cache_clear()
    with H.stage("VADER stage, per document, both cores", n) as st:
        scores = vader_scores(prep)
    sample = prep.sentences["text"].sample(min(5000, len(prep.sentences)), random_state=1)
    sia = vader.analyzer()
    same = all(sia.polarity_scores(t)["compound"] == c
               for t, c in zip(sample, scores.loc[sample.index, "compound"], strict=True))
    print(f"  {n:,} realistic articles, {len(scores):,} sentences "
          f"({prep.sentences['text'].nunique():,} distinct); identical compound scores on 5,000: {same}")
    print(f"  VADER stage ({cpu_count()} processes): {H.against(st.seconds, base)}; "
          f"{base.seconds / st.seconds:.1f}x the baseline's throughput (target: at least 10x)")


def bench_section(n: int) -> None:
    from briefing.sections.sentiment.compute import compute_sentiment

    prep = H.prepared(n)
    base = H.baseline(n)
    with H.stage("sentiment section", n) as st:  # scores, statistics (bootstrap, permutations), prose
        compute_sentiment(prep, prep.params.sentiment)
    print(f"  sentiment section (scores and statistics): {H.against(st.seconds, base)}")
    print(f"  peak memory:       {H.memory(st.peak, base)}")


def main() -> None:
    print("sentiment: VADER scoring on the NYT editorial snippets (Hutto & Gilbert 2014)")
    bench_scoring(nyt_sentences())
    print("sentiment: the VADER stage, then the whole section, on the realistic corpus")
    bench_stage(H.size())
    bench_section(H.size())


if __name__ == "__main__":
    main()
