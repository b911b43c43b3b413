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

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from itertools import chain
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from briefing.compute.engine import map_documents
from briefing.compute.memory import release
from briefing.corpus.prepare import Prepared, counted
from briefing.measures.per_document import sentences_of
from briefing.measures.term_counts import NAMES, compact, count_table
from briefing.store.fingerprint import code_digest

STAGE = "topic_counts"
#: Articles counted per batch when the cache lacks them (bounds the sentences held at once).
CHUNK_DOCS = 4000
#: Articles kept per cache segment when counted (a few segments for a large corpus, not dozens).
PUT_DOCS = 12_000


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


def _compute(prepared: Prepared, keys: list[str], stop: frozenset[str], max_ngram: int
             ) -> Iterator[pd.DataFrame]:
    """The counts of the articles `keys`, `CHUNK_DOCS` articles at a time, each a compact table."""
    fn = partial(count_table, stop=stop, max_ngram=max_ngram)
    for start in range(0, len(keys), CHUNK_DOCS):
        rows = _sentence_rows(prepared, keys[start:start + CHUNK_DOCS])
        yield compact(counted(prepared.progress, "counting terms and names", rows, lambda done, r=rows:
                              map_documents(fn, r, engine=prepared.engine, done=done)))


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Compact tables one after the other, their categoricals kept categorical (unioned)."""
    from pandas.api.types import union_categoricals

    parts = [p for p in parts if len(p)] or parts[:1]
    if len(parts) == 1:
        return parts[0]
    out = {}
    for col in parts[0].columns:
        if any(isinstance(p[col].dtype, pd.CategoricalDtype) for p in parts):
            cats = [_categorical(p[col]) for p in parts]  # categories as objects: an empty one may
            out[col] = union_categoricals([c.cat.rename_categories(c.cat.categories.astype(object))
                                           for c in cats])  # have another dtype
        else:
            out[col] = np.concatenate([p[col].to_numpy() for p in parts])
    return pd.DataFrame(out)


def article_counts(prepared: Prepared, stop: frozenset[str], max_ngram: int
                   ) -> tuple[Iterable[pd.DataFrame], int]:
    """Every article's count rows, in pieces (read from the cache a row group at a time, never
    the whole stage at once), and how many articles were computed. Articles the cache lacks are
    counted first and kept, `PUT_DOCS` articles to a segment."""
    keys = list(dict.fromkeys(prepared.documents["doc_key"]))
    if prepared.cache is None:
        return list(_compute(prepared, keys, stop, max_ngram)), len(keys)
    store = prepared.cache.stage(STAGE, stage_settings(prepared, stop, max_ngram))
    missing = store.missing(keys)
    for start in range(0, len(missing), PUT_DOCS):
        group = missing[start:start + PUT_DOCS]
        store.put(group, _concat(list(_compute(prepared, group, stop, max_ngram))))
        release()
    return store.pieces(keys, arrow=True), len(missing)


def combine(prepared: Prepared, parts: Iterable[pd.DataFrame], computed: int = 0) -> Counts:
    """The corpus's counts from its articles' rows: each article's rows given to every document
    with its content (wire copies kept under `dedup: flag` count twice, as their sentences do).
    `parts` are read one at a time: each becomes a block of paragraph rows (int32 counts of
    global term numbers), so the rows of the whole corpus are never held as a table."""
    docs = prepared.documents
    levels = prepared.period_names
    keys = pd.Index(pd.unique(docs["doc_key"]))
    items: dict[str, int] = {}
    blocks = _Blocks()
    names: dict[str, list[np.ndarray]] = {"k": [], "i": [], "c": [], "r": []}
    seen = 0  # rows read so far: each name row's place, for the first use of a spelling
    held: tuple[np.ndarray, ...] | None = None  # the last document's rows, which may go on
    for piece in chain(_batches(parts), [None]):
        if piece is None:  # the end: what was held back is whole
            if held is None:
                break
            rows, held = held, None
        else:
            if not len(piece):
                continue
            rows = _numbered(piece, keys, items, seen)
            seen += len(piece)
            if held is not None:
                rows = tuple(np.concatenate(pair) for pair in zip(held, rows, strict=True))
            k = rows[0]
            # hold back the last document: its rows may go on in the next piece
            cut = len(k) - int(np.argmax(k[::-1] != k[-1])) if len(k) and (k != k[-1]).any() else 0
            rows, held = tuple(v[:cut] for v in rows), tuple(v[cut:] for v in rows)
        k, p, i, c, r = rows
        name_rows = p == NAMES
        for col, values in zip("kicr", (k, i, c, r), strict=True):
            names[col].append(values[name_rows])
        blocks.add(k[~name_rows], p[~name_rows], i[~name_rows], c[~name_rows])
    item_words = np.array(list(items), dtype=object)
    x, vocab, paras = _paragraphs(docs, keys, blocks, item_words, levels)
    k, i, c, r = (np.concatenate(v) if v else np.zeros(0, np.int64) for v in names.values())
    return Counts(x, vocab, paras, _names(docs, keys, k, i, c, r, item_words, levels), computed)


def _batches(parts: Iterable[Any]) -> Iterator[Any]:
    """Pandas tables as they are, Arrow tables a record batch at a time."""
    for part in parts:
        if isinstance(part, pd.DataFrame):
            yield part
        else:
            yield from part.to_batches()


def _numbered(part: Any, keys: pd.Index, items: dict[str, int], seen: int) -> tuple[np.ndarray, ...]:
    """(document number, paragraph, item number, count, row) of the rows of a piece (a pandas
    table or an Arrow record batch) whose documents are in `keys`; items are numbered in order
    of first appearance (`items` grows). Only the items the piece uses are looked up: a piece
    read from Parquet carries its segment's whole dictionary of terms."""
    doc_codes, doc_words = _codes(part, "doc_key")
    k = keys.get_indexer(pd.Index(doc_words, dtype=object))[doc_codes] if len(doc_codes) else doc_codes
    codes, words = _codes(part, "item", used_only=True)
    lookup = np.full(int(codes.max()) + 1 if len(codes) else 0, -1, dtype=np.int64)
    for j, w in words.items():
        lookup[j] = items.setdefault(w, len(items))
    i = lookup[codes]
    keep = k >= 0
    paragraph = np.asarray(part["paragraph"], dtype=np.int64)
    count = np.asarray(part["count"], dtype=np.int64)
    return k[keep], paragraph[keep], i[keep], count[keep], (seen + np.arange(len(codes)))[keep]


def _codes(part: Any, column: str, used_only: bool = False) -> tuple[np.ndarray, Any]:
    """(code of each row, its words: a list, or with `used_only` a dict code -> word of the codes
    used) of a string column, categorical (pandas), dictionary (Arrow) or plain."""
    import pyarrow as pa

    if isinstance(part, pd.DataFrame):
        col = _categorical(part[column])
        codes, cats = col.cat.codes.to_numpy().astype(np.int64), col.cat.categories
        values = (lambda idx: cats[idx].astype(object).tolist())  # noqa: E731
        size = len(cats)
    else:
        col = part.column(column)
        if not pa.types.is_dictionary(col.type):
            col = col.dictionary_encode()
        codes = col.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        dictionary = col.dictionary
        values = (lambda idx: dictionary.take(pa.array(idx)).to_pylist())  # noqa: E731
        size = len(dictionary)
    if not used_only:
        return codes, values(np.arange(size))
    used = np.flatnonzero(np.bincount(codes, minlength=size)) if len(codes) else codes
    return codes, dict(zip(used.tolist(), values(used), strict=True))


class _Blocks:
    """Paragraph rows of term counts, added a piece at a time: each piece's paragraphs (its rows
    are whole paragraphs, a document's rows consecutive) as a CSR block of int32 counts."""

    def __init__(self) -> None:
        self.data: list[np.ndarray] = []
        self.indices: list[np.ndarray] = []
        self.indptr: list[np.ndarray] = []
        self.unit_key: list[np.ndarray] = []
        self.unit_par: list[np.ndarray] = []
        self.rows = 0

    def add(self, k: np.ndarray, p: np.ndarray, i: np.ndarray, c: np.ndarray) -> None:
        if not len(k):
            return
        start = np.r_[True, (k[1:] != k[:-1]) | (p[1:] != p[:-1])]
        unit = np.cumsum(start) - 1
        on = c > 0
        block = sparse.csr_matrix((c[on].astype(np.int32), (unit[on], i[on])),
                                  shape=(int(unit[-1]) + 1, int(i.max()) + 1 if len(i) else 0))
        block.sum_duplicates()
        self.data.append(block.data.astype(np.int32, copy=False))
        self.indices.append(block.indices.astype(np.int32, copy=False))
        self.indptr.append(block.indptr[1:].astype(np.int64) + (self.indptr[-1][-1] if self.indptr else 0))
        self.unit_key.append(k[start])
        self.unit_par.append(p[start])
        self.rows += block.shape[0]

    def matrix(self, columns: int) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray]:
        """(every paragraph row, in the order added, with `columns` columns; each row's
        document number and paragraph)."""
        indptr = np.concatenate([np.zeros(1, np.int64), *self.indptr])
        cat = (lambda parts, dt: np.concatenate(parts) if parts else np.zeros(0, dt))  # noqa: E731
        x = sparse.csr_matrix((cat(self.data, np.int32), cat(self.indices, np.int32), indptr),
                              shape=(self.rows, columns))
        key, par = cat(self.unit_key, np.int64), cat(self.unit_par, np.int64)
        self.data, self.indices, self.indptr = [], [], []
        return x, key, par


def _categorical(col: pd.Series) -> pd.Series:
    """`col` as a categorical (as kept it is one; a merged piece of the cache may hold strings)."""
    return col if isinstance(col.dtype, pd.CategoricalDtype) else col.astype("category")


def _paragraphs(docs: pd.DataFrame, keys: pd.Index, blocks: _Blocks, words: np.ndarray, levels: list[str]
                ) -> tuple[sparse.csr_matrix, np.ndarray, pd.DataFrame]:
    """Paragraphs x terms of every document, in the documents' order, then their paragraphs';
    the terms (columns) alphabetical, as CountVectorizer sorts them."""
    per_unit, unit_key, unit_par = blocks.matrix(len(words))
    used = np.flatnonzero(np.bincount(per_unit.indices, minlength=len(words)))  # np.unique's, unsorted
    vocab = words[used]
    order = np.argsort(vocab, kind="stable")
    vocab = vocab[order]
    column = np.full(len(words), -1, dtype=np.int32)
    column[used[order]] = np.arange(len(used), dtype=np.int32)
    srt = np.lexsort((unit_par, unit_key))
    unit_key, unit_par = unit_key[srt], unit_par[srt]
    first = np.searchsorted(unit_key, np.arange(len(keys)))
    size = np.searchsorted(unit_key, np.arange(len(keys)), side="right") - first
    dk = keys.get_indexer(docs["doc_key"])
    n = size[dk]
    rows = np.repeat(first[dk] - np.r_[0, np.cumsum(n)[:-1]], n) + np.arange(n.sum())
    x = per_unit[srt[rows]]
    del per_unit
    x.indices = column[x.indices]
    x = sparse.csr_matrix((x.data, x.indices, x.indptr), shape=(x.shape[0], len(vocab)))
    x.has_sorted_indices = False
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
