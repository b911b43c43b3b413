"""The realistic corpus against the real news of issue 12: vocabulary, sentences, outlets, topics.

The figures are measured on the prepared (cleaned, split) corpus, as the issue measured its real
corpora; the real figure of the nearest size is printed beside each (— where the issue has none).
"""

from __future__ import annotations

from benchmarks import harness as H
from benchmarks.realistic import REAL, statistics

_ROWS = [("articles", "articles", "{:,.0f}"), ("outlets", "outlets", "{:,.0f}"),
         ("sentences per article", "sentences_per_article", "{:.1f}"),
         ("words per article", "words_per_article", "{:,.0f}"),
         ("words per sentence", "words_per_sentence", "{:.1f}"),
         ("word types (lower-cased, numbers included)", "word_types", "{:,.0f}"),
         ("distinct sentences", "distinct_sentences", "{:.1%}"),
         ("distinct names (in a sample of 50,000 sentences)", "names_in_sample", "{:,.0f}"),
         ("sentences with a number", "sentences_with_numbers", "{:.1%}")]


def main() -> None:
    n = H.size()
    prep = H.prepared(n)
    stats = statistics(prep.documents, prep.sentences)
    real = REAL.get(n, {})
    print(f"the realistic corpus of {n:,} articles (seed 0), prepared: {stats['sentences']:,} sentences")
    print(f"  {'figure':50} {'this corpus':>12} {'real news':>12}")
    for title, key, fmt in _ROWS:
        ref = fmt.format(real[key]) if key in real else "—"
        print(f"  {title:50} {fmt.format(stats[key]):>12} {ref:>12}")
    for period, words in stats["distinctive"].items():
        print(f"  most distinctive of {period}: {', '.join(words)}")


if __name__ == "__main__":
    main()
