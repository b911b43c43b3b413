"""Copy detection benchmark: MinHash LSH with exact checks (briefing/corpus/dedup.py) against
comparing every pair of articles exactly, same corpus, same process; then the share of
prepare()'s per-document work (cleaning, sentence splitting) that detection adds.

The corpus is the realistic one (benchmarks/realistic.py) of the run's size, with one article in
ten copied into another outlet a day later, lightly edited (a paragraph dropped, a line of
boilerplate added), so recall is measured too; all pairs are compared on at most 2,000 articles.
"""

from __future__ import annotations

import random
import time
from functools import partial

import pandas as pd

from benchmarks import harness as H
from benchmarks.realistic import realistic_corpus
from briefing.corpus.clean import clean_table
from briefing.corpus.dedup import DEFAULT_THRESHOLD, find_copies, jaccard, shingles
from briefing.corpus.prepare import document_key, rules_for
from briefing.corpus.sentences import sentence_table


def with_copies(n_articles: int, seed: int = 3) -> tuple[pd.DataFrame, set[str]]:
    """A realistic corpus where every tenth article reappears, edited, in another outlet."""
    rng = random.Random(seed)
    docs = realistic_corpus(n_articles, seed=seed)
    copies, ids = [], set()
    for row in docs.iloc[::10].itertuples(index=False):
        lines = row.text.split("\n\n")
        if len(lines) > 2:
            lines.pop(rng.randrange(1, len(lines)))
        lines.append("Sign up for our newsletter. Copyright The Wire Service. All rights reserved.")
        cid = f"{row.id}-copy"
        ids.add(cid)
        later = (pd.Timestamp(row.date) + pd.Timedelta(days=1)).date().isoformat()
        copies.append(row._asdict() | {"id": cid, "outlet": "Syndicating Weekly", "text": "\n\n".join(lines),
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
    n = H.size()
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
    rules = rules_for(H.bench_params(H.corpus(100)))
    batch = pd.DataFrame({"doc_key": [document_key(t, ti) for t, ti in zip(docs["text"], docs["title"],
                                                                            strict=True)],
                          "text": docs["text"], "title": docs["title"]})
    t = time.perf_counter()
    cleaned = partial(clean_table, rules=rules)(batch)
    sentence_table(cleaned[cleaned["kind"] == "paragraph"][["doc_key", "n", "text"]])
    t_clean = time.perf_counter() - t
    print(f"  {len(docs):,} articles: copy detection {t_lsh:.2f} s ({len(docs) / t_lsh:,.0f} articles/s), "
          f"recall of the {len(planted)} planted copies {recall:.0%}, {extra} other(s) found; "
          f"cleaning + sentence splitting {t_clean:.2f} s: detection adds {t_lsh / t_clean:.0%} to it")


if __name__ == "__main__":
    main()
