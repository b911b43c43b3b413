"""Copy detection benchmark: MinHash LSH with exact checks (briefing/corpus/dedup.py) against
comparing every pair of articles exactly, same corpus, same process; then the share of
prepare()'s per-document work (cleaning, sentence splitting) that detection adds.

The corpus is synthetic (benchmarks/synthetic.py) with one article in ten copied into another
outlet a day later, lightly edited (a sentence dropped, a paragraph of boilerplate added), so
recall is measured too.

    python -m benchmarks.bench_dedup          # 4,000 articles (all pairs: 2,000)
    BENCH_ARTICLES=1000 python -m benchmarks.bench_dedup   # quicker
"""

from __future__ import annotations

import os
import random
import time

import pandas as pd

from benchmarks.synthetic import synthetic_corpus
from briefing.corpus.dedup import DEFAULT_THRESHOLD, find_copies, jaccard, shingles
from briefing.corpus.prepare import process_document, rules_for
from briefing.params import CleaningOptions, Params, Period


def with_copies(n_articles: int, seed: int = 3) -> tuple[pd.DataFrame, set[str]]:
    """A synthetic corpus where every tenth article reappears, edited, in another outlet."""
    rng = random.Random(seed)
    docs = synthetic_corpus(n_articles, seed=seed)
    copies, ids = [], set()
    for row in docs.iloc[::10].itertuples(index=False):
        lines = row.text.split("\n")
        if len(lines) > 2:
            lines.pop(rng.randrange(1, len(lines)))
        lines.append("Sign up for our newsletter. Copyright The Wire Service. All rights reserved.")
        cid = f"{row.id}-copy"
        ids.add(cid)
        later = (pd.Timestamp(row.date) + pd.Timedelta(days=1)).date().isoformat()
        copies.append(row._asdict() | {"id": cid, "outlet": "Syndicating Weekly", "text": "\n".join(lines),
                                       "date": later})
    out = pd.concat([docs, pd.DataFrame(copies)], ignore_index=True)
    out["date"] = pd.to_datetime(out["date"])
    return out, ids


def all_pairs(docs: pd.DataFrame, threshold: float) -> int:
    """The baseline: exact Jaccard of every pair of articles; the number of pairs over the cut."""
    sets = [shingles(t) for t in docs["text"]]
    return sum(1 for i in range(len(sets)) for j in range(i + 1, len(sets))
               if jaccard(sets[i], sets[j]) >= threshold)


def main() -> None:
    n = int(os.environ.get("BENCH_ARTICLES", "4000"))
    small, _ = with_copies(min(n, 2000) * 10 // 11)
    t = time.perf_counter()
    pairs = all_pairs(small, DEFAULT_THRESHOLD)
    t_pairs = time.perf_counter() - t
    t = time.perf_counter()
    found = find_copies(small)
    t_lsh = time.perf_counter() - t
    print(f"  {len(small):,} articles: all pairs exactly {t_pairs:.1f} s ({pairs} pairs over "
          f"{DEFAULT_THRESHOLD}); MinHash LSH + exact checks {t_lsh:.2f} s ({len(found)} copies): "
          f"{t_pairs / t_lsh:.1f}x")

    docs, planted = with_copies(n * 10 // 11)
    t = time.perf_counter()
    found = find_copies(docs)
    t_lsh = time.perf_counter() - t
    recall = len(planted & set(found["id"])) / len(planted)
    extra = len(set(found["id"]) - planted)
    periods = [Period(name="a", start="2020-01-01", end="2021-12-31"),
               Period(name="b", start="2022-01-01", end="2023-12-31")]
    rules = rules_for(Params(title="bench", corpus="x", periods=periods, cleaning=CleaningOptions()))
    t = time.perf_counter()
    for row in docs.itertuples(index=False):
        process_document(row.id, row.text, row.title, rules)
    t_clean = time.perf_counter() - t
    print(f"  {len(docs):,} articles: copy detection {t_lsh:.2f} s ({len(docs) / t_lsh:,.0f} articles/s), "
          f"recall of the {len(planted)} planted copies {recall:.0%}, {extra} other(s) found; "
          f"cleaning + sentence splitting {t_clean:.2f} s: detection adds {t_lsh / t_clean:.0%} to it")


if __name__ == "__main__":
    main()
