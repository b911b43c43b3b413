"""The topics section on the realistic corpus, against the run's baselines.

Target (issue 12): 10,000 realistic articles in at most 60 s on this 2-core machine. Printed
beside: plain NLTK VADER on the same sentences (the issue measured 72 s for real news of that
size, so 60 s is 0.83 × that baseline), counting the unigrams and bigrams of the same paragraphs
(the tokenising the section cannot avoid), and the section on a tenth of the articles (scaling).
"""

from __future__ import annotations

import time

from benchmarks import harness as H
from briefing.measures import terms as T
from briefing.sections.topics.compute import topics_section

TARGET_SECONDS = 60.0
TARGET_RATIO = 60.0 / 72.0


def main() -> None:
    n = H.size()
    prep = H.prepared(n)
    base = H.baseline(n)
    paras = T.paragraphs(prep.sentences)
    t0 = time.perf_counter()
    T.count_matrix(paras["text"], T.stop_words(), prep.params.topics.max_ngram)
    t_count = time.perf_counter() - t0
    with H.stage("topics section", n) as st:
        res = topics_section(prep)
    small = max(100, n // 10)
    with H.stage("topics section", small) as st_small:
        topics_section(H.prepared(small))
    pair = res.comparisons[0]
    print(f"topics section, {n:,} articles ({len(paras):,} paragraphs, {len(prep.sentences):,} sentences, "
          f"{len(res.distinctive[pair]):,} terms; {len(res.topics)} topics, "
          f"{len(res.new[pair]):,} new and {len(res.vanished[pair]):,} vanished items):")
    print(f"  topics section:        {H.against(st.seconds, base)}")
    print(f"  peak memory:           {H.memory(st.peak, base)}")
    print(f"  baseline, counting unigrams+bigrams of the same paragraphs: {t_count:.2f} s "
          f"(section / counting = {st.seconds / t_count:.1f}x)")
    print(f"  baseline, the section on {small:,} articles: {st_small.seconds:.2f} s "
          f"(time ratio {st.seconds / st_small.seconds:.1f}x for {n / small:.0f}x the articles)")
    if n == 10_000:
        met = st.seconds <= TARGET_SECONDS or st.seconds / base.seconds <= TARGET_RATIO
        print(f"  target: at most {TARGET_SECONDS:.0f} s, i.e. {TARGET_RATIO:.2f} x the VADER baseline: "
              f"{'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
