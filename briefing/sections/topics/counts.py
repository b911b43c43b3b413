"""The topics section's counts, combined from each article's summary kept in the cache.

Each article's term counts per paragraph and name counts (`briefing.measures.term_counts`) are
computed once, for the articles the cache lacks, and kept; the section's counts are their sums:
the paragraphs x terms matrix (rows in the order of `terms.paragraphs`: documents in order, then
paragraphs), per-period name counts. They equal counting the whole corpus at once (a test
checks it), so a rerun after adding articles counts only the new ones.

Sentences are read in two places only, both through `per_document.sentences_of` (never the
whole sentence table): `_sentence_rows` (the articles missing from the cache, a chunk at a time)
and `document_sentences` (the few articles whose sentences a section quotes).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd
from scipy import sparse

from briefing.compute.engine import map_documents
from briefing.corpus.prepare import Prepared, counted
from briefing.measures.per_document import sentences_of
from briefing.measures.term_counts import NAMES, compact, count_table
from briefing.store.fingerprint import code_digest

STAGE = "topic_counts"
#: Articles counted per batch when the cache lacks them (bounds the sentences held at once).
CHUNK_DOCS = 4000


@dataclass
class Counts:
    """The corpus's counts: paragraphs x terms, the paragraphs, names per period."""

    x: sparse.csr_matrix       # paragraphs x terms (int32 counts, indices sorted)
    vocab: np.ndarray          # the term of each column, alphabetical
    paras: pd.DataFrame        # doc_id, doc_key, paragraph, period (ordered categorical)
    names: pd.DataFrame        # key, name (most frequent spelling), one count column per period
    computed: int              # articles whose counts were computed (not found in the cache)


def stage_settings(prepared: Prepared, stop: frozenset[str], max_ngram: int) -> dict:
    """What an article's counts depend on besides its content: sentences, stop words, n-grams, code."""
    return {"sentences": prepared.sentences_key, "stop": sorted(stop), "max_ngram": max_ngram,
            "code": code_digest("briefing.measures.term_counts")}


def _sentence_rows(prepared: Prepared, keys: list[str]) -> pd.DataFrame:
    """doc_key, paragraph, sentence, text of the first article with each of `keys`, in order
    (read by `per_document.sentences_of`: from the cache when the corpus keeps them there)."""
    rows = sentences_of(prepared, keys)[["doc_key", "paragraph", "sentence", "text"]]
    return rows.reset_index(drop=True)


def document_sentences(prepared: Prepared, doc_ids) -> pd.DataFrame:  # noqa: ANN001 - any iterable
    """Every sentence row of the articles `doc_ids` (the prepared corpus's columns; index: the
    sentence's place among all sentences, documents in order), in order."""
    docs = prepared.documents
    at = np.flatnonzero(docs["id"].isin(set(doc_ids)).to_numpy())
    chosen = docs.iloc[at]
    sents = sentences_of(prepared, list(dict.fromkeys(chosen["doc_key"])))
    meta = chosen[["id", "doc_key", "period", "outlet", "date"]].rename(columns={"id": "doc_id"})
    meta = meta.reset_index(drop=True).assign(_doc=at)
    out = meta.merge(sents.reset_index(drop=True), on="doc_key", how="inner", sort=False)
    out = out.sort_values(["_doc", "sentence"], kind="stable")
    offsets = np.r_[0, np.cumsum(docs["sentences"].to_numpy())[:-1]]
    out.index = pd.Index(offsets[out["_doc"].to_numpy()] + out["sentence"].to_numpy())
    return out[["doc_id", "paragraph", "sentence", "text", "words", "period", "outlet", "date"]]


def _compute(prepared: Prepared, keys: list[str], stop: frozenset[str], max_ngram: int) -> pd.DataFrame:
    """The counts of the articles `keys`, a chunk of articles at a time, as one compact table."""
    parts = []
    fn = partial(count_table, stop=stop, max_ngram=max_ngram)
    for start in range(0, len(keys), CHUNK_DOCS):
        rows = _sentence_rows(prepared, keys[start:start + CHUNK_DOCS])
        parts.append(compact(counted(prepared.progress, "counting terms and names", rows, lambda done, r=rows:
                                     map_documents(fn, r, engine=prepared.engine, done=done))))
    if not parts:
        return compact(count_table(_sentence_rows(prepared, []), stop, max_ngram))
    return _concat(parts)


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Compact tables one after the other, their categoricals kept categorical (unioned)."""
    from pandas.api.types import union_categoricals

    if len(parts) == 1:
        return parts[0]
    out = {}
    for col in parts[0].columns:
        if isinstance(parts[0][col].dtype, pd.CategoricalDtype):
            out[col] = union_categoricals([p[col] for p in parts])
        else:
            out[col] = np.concatenate([p[col].to_numpy() for p in parts])
    return pd.DataFrame(out)


def article_counts(prepared: Prepared, stop: frozenset[str], max_ngram: int
                   ) -> tuple[list[pd.DataFrame], int]:
    """Every article's count rows (in pieces, as kept), and how many articles were computed."""
    keys = list(dict.fromkeys(prepared.documents["doc_key"]))
    if prepared.cache is None:
        return [_compute(prepared, keys, stop, max_ngram)], len(keys)
    store = prepared.cache.stage(STAGE, stage_settings(prepared, stop, max_ngram))
    found, parts = store.get(keys)
    missing = [k for k in keys if k not in found]
    if missing:
        fresh = _compute(prepared, missing, stop, max_ngram)
        store.put(missing, fresh)
        parts.append(fresh)
    return parts, len(missing)


def combine(prepared: Prepared, parts: list[pd.DataFrame], computed: int = 0) -> Counts:
    """The corpus's counts from its articles' rows: each article's rows given to every document
    with its content (wire copies kept under `dedup: flag` count twice, as their sentences do)."""
    docs = prepared.documents
    levels = prepared.period_names
    keys = pd.Index(pd.unique(docs["doc_key"]))
    items = pd.Index([], dtype=object)  # every item, numbered in order of first appearance
    cols = {"k": [], "p": [], "i": [], "c": [], "r": []}
    for part in parts:
        if not len(part):
            continue
        dk, it = _categorical(part["doc_key"]), _categorical(part["item"])
        k = keys.get_indexer(dk.cat.categories)[dk.cat.codes.to_numpy()]
        cats = pd.Index(it.cat.categories.astype(object))
        imap = items.get_indexer(cats).astype(np.int64) if len(items) else np.full(len(cats), -1, np.int64)
        new = imap < 0
        imap[new] = len(items) + np.arange(int(new.sum()))
        items = items.append(cats[new])
        keep = k >= 0
        cols["k"].append(k[keep])
        cols["p"].append(part["paragraph"].to_numpy(np.int64)[keep])
        cols["i"].append(imap[it.cat.codes.to_numpy()][keep])
        cols["c"].append(part["count"].to_numpy(np.int64)[keep])
        cols["r"].append(np.arange(len(part))[keep])
    k, p, i, c, r = (np.concatenate(v) if v else np.zeros(0, np.int64) for v in cols.values())
    item_words = items.to_numpy(dtype=object)
    name_rows = p == NAMES
    x, vocab, paras = _paragraphs(docs, keys, k[~name_rows], p[~name_rows], i[~name_rows], c[~name_rows],
                                  item_words, levels)
    names = _names(docs, keys, k[name_rows], i[name_rows], c[name_rows], r[name_rows], item_words, levels)
    return Counts(x, vocab, paras, names, computed)


def _categorical(col: pd.Series) -> pd.Series:
    """`col` as a categorical (as kept it is one; a merged piece of the cache may hold strings)."""
    return col if isinstance(col.dtype, pd.CategoricalDtype) else col.astype("category")


def _paragraphs(docs: pd.DataFrame, keys: pd.Index, k, p, i, c, words: np.ndarray, levels: list[str]
                ) -> tuple[sparse.csr_matrix, np.ndarray, pd.DataFrame]:
    """Paragraphs x terms of every document, in the documents' order, then their paragraphs'."""
    used = np.flatnonzero(np.bincount(i[c > 0], minlength=len(words)))  # np.unique's, without sorting
    vocab = words[used]
    order = np.argsort(vocab, kind="stable")  # alphabetical, as CountVectorizer sorts its terms
    vocab = vocab[order]
    column = np.full(len(words), -1, dtype=np.int64)
    column[used[order]] = np.arange(len(used))
    srt = np.lexsort((p, k))
    k, p, i, c = k[srt], p[srt], i[srt], c[srt]
    start = np.r_[True, (k[1:] != k[:-1]) | (p[1:] != p[:-1])] if len(k) else np.zeros(0, bool)
    unit = np.cumsum(start) - 1
    unit_key, unit_par = k[start], p[start]
    on = c > 0
    per_unit = sparse.csr_matrix((c[on].astype(np.int32), (unit[on], column[i[on]])),
                                 shape=(len(unit_key), len(vocab)))
    per_unit.sum_duplicates()
    per_unit.sort_indices()
    first = np.searchsorted(unit_key, np.arange(len(keys)))
    size = np.searchsorted(unit_key, np.arange(len(keys)), side="right") - first
    dk = keys.get_indexer(docs["doc_key"])
    n = size[dk]
    rows = np.repeat(first[dk] - np.r_[0, np.cumsum(n)[:-1]], n) + np.arange(n.sum())
    x = per_unit[rows]
    x.sort_indices()
    paras = pd.DataFrame({"doc_id": np.repeat(docs["id"].to_numpy(), n),
                          "doc_key": np.repeat(docs["doc_key"].to_numpy(), n),
                          "paragraph": unit_par[rows]})
    paras["period"] = pd.Categorical(np.repeat(docs["period"].astype(str).to_numpy(), n),
                                     categories=levels, ordered=True)
    return x, vocab, paras


def _names(docs: pd.DataFrame, keys: pd.Index, k, i, c, r, words: np.ndarray, levels: list[str]
           ) -> pd.DataFrame:
    """Names per period, as `terms.name_counts` counts them sentence by sentence: one row per name
    (lower-cased key), shown in its most frequent spelling (ties: the one used first)."""
    forms, f = np.unique(i, return_inverse=True)
    key_form = sparse.csr_matrix((c.astype(np.int64), (k, f)), shape=(len(keys), len(forms)))
    dk = keys.get_indexer(docs["doc_key"])
    period = pd.Categorical(docs["period"].astype(str), categories=levels).codes
    on = period >= 0
    per_doc = sparse.csr_matrix((np.ones(on.sum()), (period[on], dk[on])), shape=(len(levels), len(keys)))
    by_level = np.asarray((per_doc @ key_form).todense()).round().astype(np.int64)  # levels x forms
    spelled = words[forms].astype(str) if len(forms) else np.array([], dtype=str)
    lower = pd.Series(spelled, dtype=object).str.lower().to_numpy()
    name_keys, g = np.unique(lower, return_inverse=True) if len(lower) else (np.array([], dtype=object),
                                                                             np.zeros(0, np.int64))
    # first use of each spelling: the first document (in order) whose content has it, then its row
    first_doc = np.full(len(keys), np.iinfo(np.int64).max)
    np.minimum.at(first_doc, dk, np.arange(len(dk)))
    rank = np.full(len(forms), np.iinfo(np.int64).max)
    np.minimum.at(rank, f, first_doc[k] * (int(r.max()) + 1 if len(r) else 1) + r)
    total = by_level.sum(axis=0)
    best = np.lexsort((rank, -total, g))
    pick = best[np.r_[True, g[best][1:] != g[best][:-1]]] if len(best) else best
    table = pd.DataFrame({"key": name_keys.astype(object), "name": spelled[pick].astype(object)})
    for j, lv in enumerate(levels):
        table[lv] = np.bincount(g, weights=by_level[j], minlength=len(name_keys)).round().astype(np.int64)
    return table
