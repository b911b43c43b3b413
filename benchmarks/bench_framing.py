"""Framing section speed on a synthetic corpus (default 10,000 articles; BENCH_ARTICLES=1000 for a quick run).

Prints the section's seconds (preparing the corpus is timed apart: it belongs to the pipeline),
detection throughput, how many distinct words were stemmed against how many tokens were read,
and the ratio against a baseline measured in the same process: the same detector stemming
every token (no vocabulary cache).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from benchmarks.synthetic import write_corpus
from briefing.corpus.prepare import prepare
from briefing.measures import nltk_data
from briefing.measures.frames import TOKEN, FrameDetector
from briefing.measures.lexicon import lexicon_for
from briefing.params import load, validate
from briefing.sections.framing.compute import framing_section

ROOT = Path(__file__).resolve().parents[1]


class _NoCacheDetector(FrameDetector):
    """Baseline: folds and stems every token, as if there were no vocabulary cache."""

    def _word(self, token):  # noqa: ANN001, ANN202
        self._vocab.clear()
        self._stems.clear()
        return super()._word(token)


def main() -> None:
    n = int(os.environ.get("BENCH_ARTICLES", "10000"))
    nltk_data.ensure()
    default = load(ROOT / "params" / "biden-amlo-2022-vs-2023.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        write_corpus(str(Path(tmp) / "corpus.parquet"), n, seed=7)
        params = validate({**default.plain(), "corpus": "corpus.parquet", "base_dir": tmp})
        t0 = time.perf_counter()
        prepared = prepare(params)
        t_prep = time.perf_counter() - t0

    sents = prepared.sentences
    t0 = time.perf_counter()
    result = framing_section(prepared)
    t_section = time.perf_counter() - t0

    lexicon = lexicon_for(prepared.params)
    det = FrameDetector(lexicon)
    t0 = time.perf_counter()
    hits = det.hits(sents)
    t_detect = time.perf_counter() - t0
    tokens = sum(len(TOKEN.findall(t)) for t in sents["text"])

    sample = sents.iloc[: min(len(sents), 20000)]
    base = _NoCacheDetector(lexicon)
    t0 = time.perf_counter()
    base_hits = base.hits(sample)
    t_base = time.perf_counter() - t0
    t0 = time.perf_counter()
    cached_hits = FrameDetector(lexicon).hits(sample)
    t_cached = time.perf_counter() - t0
    assert base_hits.equals(cached_hits), "the cache must not change what is found"

    print(f"bench_framing: {n:,} synthetic articles, {len(sents):,} sentences, {tokens:,} tokens, "
          f"{len(lexicon.frames)} frames")
    print(f"  prepare (pipeline, not the section): {t_prep:.2f} s")
    print(f"  framing_section: {t_section:.2f} s ({len(result.hits):,} cue hits, "
          f"{len(result.comparisons)} frame comparisons, "
          f"{prepared.params.framing.bootstrap_rounds} bootstrap rounds)")
    print(f"  detection alone: {t_detect:.2f} s, {len(sents) / t_detect:,.0f} sentences/s; "
          f"{det.stem_calls:,} stem calls for {tokens:,} tokens ({det.vocabulary_size:,} distinct words)")
    print(f"  baseline without vocabulary cache on {len(sample):,} sentences: {t_base:.2f} s vs "
          f"{t_cached:.2f} s cached ({t_base / t_cached:.1f}x); {len(hits):,} hits in all")


if __name__ == "__main__":
    main()
