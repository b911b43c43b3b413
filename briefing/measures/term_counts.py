"""The topics section's summary of one article: its term counts per paragraph and its name counts.

A per-document stage (a pure function of one document's sentences and the term settings), kept
in the persistent cache, so that adding articles counts the new articles' terms only; the
section sums these rows (`briefing.sections.topics.counts`). One long table, one row per item:

- `paragraph >= 0`: `item` a term of that paragraph (`terms.terms` of its sentences joined by a
  space, as `terms.paragraphs` joins them) and `count` its uses there; a paragraph without any
  term has one row with `item` "" and `count` 0, so that every paragraph is kept;
- `paragraph == NAMES`: `item` a name as written (`terms.names(sentence, stop, proper=True)` of
  each sentence) and `count` its uses in the document, in the order of the first use.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from briefing.measures.terms import names, terms

#: The `paragraph` of a document's name rows.
NAMES = -1
COLUMNS = ["doc_key", "paragraph", "item", "count"]


def count_table(rows: pd.DataFrame, stop: frozenset[str], max_ngram: int) -> pd.DataFrame:
    """Term counts per paragraph and name counts per document of the documents in `rows`
    (doc_key, paragraph, text; each document's sentences in consecutive rows, in order)."""
    keys_out: list[str] = []
    paras_out: list[int] = []
    items: list[str] = []
    counts: list[int] = []
    if len(rows) == 0:
        return _table(keys_out, paras_out, items, counts)
    doc = rows["doc_key"].to_numpy()
    par = rows["paragraph"].to_numpy()
    texts = rows["text"].tolist()
    doc_starts = np.flatnonzero(np.r_[True, doc[1:] != doc[:-1]]).tolist() + [len(rows)]
    for a, b in zip(doc_starts, doc_starts[1:], strict=False):
        key = str(doc[a])
        cuts = [a, *(i for i in range(a + 1, b) if par[i] != par[i - 1]), b]
        for s, e in zip(cuts, cuts[1:], strict=False):
            found = Counter(terms(" ".join(texts[s:e]), stop, max_ngram))
            if not found:
                found = Counter({"": 0})
            n = len(found)
            keys_out += [key] * n
            paras_out += [int(par[s])] * n
            items += found.keys()
            counts += found.values()
        in_doc: Counter = Counter()
        for text in texts[a:b]:
            in_doc.update(names(text, stop, proper=True))
        keys_out += [key] * len(in_doc)
        paras_out += [NAMES] * len(in_doc)
        items += in_doc.keys()
        counts += in_doc.values()
    return _table(keys_out, paras_out, items, counts)


def _table(keys: list[str], paras: list[int], items: list[str], counts: list[int]) -> pd.DataFrame:
    return pd.DataFrame({"doc_key": pd.Series(keys, dtype=object),
                         "paragraph": np.asarray(paras, dtype=np.int32),
                         "item": pd.Series(items, dtype=object),
                         "count": np.asarray(counts, dtype=np.int32)}, columns=COLUMNS)


def compact(table: pd.DataFrame) -> pd.DataFrame:
    """`table` with doc_key and item as categoricals: what is kept in the cache (Parquet keeps
    them as dictionaries, so each string is stored, and read back, once per segment)."""
    out = table.copy()
    for col in ("doc_key", "item"):
        if not isinstance(out[col].dtype, pd.CategoricalDtype):
            out[col] = pd.Categorical(out[col].astype(object))
    return out
