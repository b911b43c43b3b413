"""Framing section speed on the realistic corpus (`python -m benchmarks --size 1k framing`).

Prints the section's seconds next to the run's VADER baseline (preparing the corpus is timed
apart: it belongs to the pipeline), detection throughput, how many distinct words were stemmed
against how many tokens were read, and the ratio against a second baseline measured in the same
process: the same detector stemming every token (no vocabulary cache).
"""

from __future__ import annotations

import time

from benchmarks import harness as H
from briefing.measures import nltk_data
from briefing.measures.frames import TOKEN, FrameDetector
from briefing.measures.lexicon import lexicon_for
from briefing.sections.framing.compute import framing_section


class _NoCacheDetector(FrameDetector):
    """Baseline: folds and stems every token, as if there were no vocabulary cache."""

    def _word(self, token):  # noqa: ANN001, ANN202
        self._vocab.clear()
        self._stems.clear()
        return super()._word(token)


def main() -> None:
    n = H.size()
    nltk_data.ensure()
    prepared = H.prepared(n)
    base = H.baseline(n)
    sents = prepared.sentences
    with H.stage("framing section", n) as st:
        result = framing_section(prepared)

    lexicon = lexicon_for(prepared.params)
    det = FrameDetector(lexicon)
    t0 = time.perf_counter()
    hits = det.hits(sents)
    t_detect = time.perf_counter() - t0
    tokens = sum(len(TOKEN.findall(t)) for t in sents["text"])

    sample = sents.iloc[: min(len(sents), 20000)]
    nocache = _NoCacheDetector(lexicon)
    t0 = time.perf_counter()
    base_hits = nocache.hits(sample)
    t_base = time.perf_counter() - t0
    t0 = time.perf_counter()
    cached_hits = FrameDetector(lexicon).hits(sample)
    t_cached = time.perf_counter() - t0
    assert base_hits.equals(cached_hits), "the cache must not change what is found"

    print(f"bench_framing: {n:,} realistic articles, {len(sents):,} sentences, {tokens:,} tokens, "
          f"{len(lexicon.frames)} frames")
    print(f"  framing section: {H.against(st.seconds, base)}")
    print(f"  peak memory:     {H.memory(st.peak, base)}")
    print(f"  ({len(result.comparisons)} frame comparisons, "
          f"{prepared.params.framing.bootstrap_rounds} bootstrap rounds)")
    print(f"  detection alone: {t_detect:.2f} s, {len(sents) / t_detect:,.0f} sentences/s; "
          f"{det.stem_calls:,} stem calls for {tokens:,} tokens ({det.vocabulary_size:,} distinct words)")
    print(f"  baseline without vocabulary cache on {len(sample):,} sentences: {t_base:.2f} s vs "
          f"{t_cached:.2f} s cached ({t_base / t_cached:.1f}x); {len(hits):,} hits in all")


if __name__ == "__main__":
    main()
