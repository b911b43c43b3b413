"""Per-article summaries: what each section needs from one article, computed once per article.

A section's statistics combine its articles' summaries (sums, counts, each article's extreme
sentences), so adding articles computes only the new articles' summaries and a cheap
combination. A summary is a per-document stage like the measures (`per_sentence.py`): a pure
function of one document's measured sentences and the section's settings, kept in the
persistent cache under the document's content key (`doc_key`), the settings and the code.

API (also for other sections' summaries):
- `sentences_of(prepared, keys)`: the sentences (doc_key, paragraph, sentence, text, words) of
  the documents with these keys, in document and sentence order (wire copies once);
- `measure_rows(prepared, stage, settings, fn, sentences)`: a measure stage's rows (doc_key,
  sentence, ...) for those sentences, from the cache or computed on the engine;
- `summary_stage(prepared, name, settings, keys, inputs, fn)`: the summary rows of every key,
  read from the cache; only documents not kept are computed, as `fn(inputs(missing keys))`
  mapped over the engine's workers (local processes or Dask) in chunks of whole documents;
- `document_chunks(prepared, size)`: the corpus's sentences, a chunk of documents at a time;
- `ensure_measure(prepared, stage, what, settings, fn)`: a measure kept for every document,
  computing only those the cache lacks (without reading the rows it has).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import pandas as pd

from briefing.compute.engine import map_documents
from briefing.compute.memory import release
from briefing.corpus.prepare import Prepared, counted

SENTENCE_COLUMNS = ["doc_key", "paragraph", "sentence", "text", "words"]
#: Summaries of new articles kept per cache segment (a cold run of a large corpus writes them
#: as it goes rather than holding them all until the end).
PUT_DOCS = 10_000


def unique_keys(prepared: Prepared) -> list[str]:
    """Each document's content key once, in document order."""
    return list(dict.fromkeys(prepared.documents["doc_key"]))


def sentences_of(prepared: Prepared, keys: Sequence[str]) -> pd.DataFrame:
    """The sentences of the documents with `keys` (doc_key first, in the order of `keys`, then
    sentence order): read from the per-document cache when the prepared corpus keeps it there,
    else from `prepared.sentences`."""
    return prepared.sentences_of(keys)


def document_chunks(prepared: Prepared, size: int = 2000) -> Iterator[pd.DataFrame]:
    """The sentences of every document (SENTENCE_COLUMNS), `size` documents at a time, in
    document order: what a per-document stage needs without the whole table in memory."""
    keys = unique_keys(prepared)
    for start in range(0, len(keys), size):
        yield sentences_of(prepared, keys[start:start + size])


def measure_rows(prepared: Prepared, stage: str, what: str, settings: dict,
                 fn: Callable[[pd.DataFrame], pd.DataFrame], sentences: pd.DataFrame) -> pd.DataFrame:
    """The rows of measure `stage` (doc_key, sentence, ...) for `sentences` (doc_key, sentence,
    text; whole documents): from the cache where kept, else computed on the engine and kept.
    The same cache folders as `per_sentence` (the settings are keyed alike)."""
    keys = list(dict.fromkeys(sentences["doc_key"]))

    def compute(missing: list[str]) -> pd.DataFrame:
        batch = sentences[sentences["doc_key"].isin(set(missing))][["doc_key", "sentence", "text"]]
        return counted(prepared.progress, what, batch,
                       lambda done: map_documents(fn, batch, engine=prepared.engine, done=done))

    settings = {"sentences": prepared.sentences_key, **settings}
    if prepared.cache is None:
        return compute(keys)
    return prepared.cache.stage(stage, settings).table(keys, compute)


def ensure_measure(prepared: Prepared, stage: str, what: str, settings: dict,
                   fn: Callable[[pd.DataFrame], pd.DataFrame], chunk: int = 10_000) -> int:
    """Compute and keep the rows of measure `stage` for the documents the cache lacks, `chunk`
    documents at a time, without reading the rows it has: what `briefing run` does before the
    notebooks start, at the cost of the new articles. Returns the documents computed."""
    if prepared.cache is None:
        return 0
    store = prepared.cache.stage(stage, {"sentences": prepared.sentences_key, **settings})
    missing = store.missing(unique_keys(prepared))
    for start in range(0, len(missing), chunk):
        keys = missing[start:start + chunk]
        batch = sentences_of(prepared, keys)[["doc_key", "sentence", "text"]]
        rows = counted(prepared.progress, what, batch,
                       lambda done, b=batch: map_documents(fn, b, engine=prepared.engine, done=done))
        store.put(keys, rows)
        del batch, rows
        release()
    prepared.computed[stage] = len(missing)
    return len(missing)


def _concat(pieces: Iterable[pd.DataFrame]) -> pd.DataFrame:
    parts = list(pieces)
    non_empty = [p for p in parts if len(p)] or parts[:1]
    return pd.concat(non_empty, ignore_index=True)


def summary_stage(prepared: Prepared, name: str, settings: dict, keys: Sequence[str],
                  inputs: Callable[[list[str]], pd.DataFrame], fn: Callable[[pd.DataFrame], pd.DataFrame],
                  what: str = "", min_rows: int = 5000, chunk: int | None = None,
                  read: Callable[[Iterable[pd.DataFrame]], Any] = _concat) -> Any:
    """The rows (doc_key first) of summary stage `name` for every document in `keys`: read from
    the cache where kept; for the rest, `fn` (a module-level function or partial, pure, of whole
    documents' rows) mapped on the engine over `inputs(missing keys)`, then kept. The number of
    documents computed is recorded in `prepared.computed[name]`. On the local engine fewer than
    `min_rows` input rows are summarised in this process. `chunk`: ask `inputs` for that many
    documents at a time (only their inputs are held at once), else for all missing at once.
    `read`: what is made of the rows, given them a piece at a time (each document's rows in one
    piece, pieces in no set order; default: one table), so a large stage need not be held whole."""
    unique = list(dict.fromkeys(keys))

    def summarise(missing: list[str]) -> pd.DataFrame:
        batch = inputs(missing)
        if not len(batch):
            return fn(batch)
        return counted(prepared.progress, what or f"summarising articles ({name})", batch,
                       lambda done: map_documents(fn, batch, engine=prepared.engine, min_rows=min_rows,
                                                  done=done))

    def compute(missing: list[str]) -> pd.DataFrame:
        size = chunk or max(len(missing), 1)
        parts = [summarise(missing[i:i + size]) for i in range(0, len(missing), size)]
        return _concat(parts) if parts else summarise([])

    settings = {"sentences": prepared.sentences_key, **settings}
    if prepared.cache is None:
        prepared.computed[name] = len(unique)
        return read(iter([compute(unique)]))
    store = prepared.cache.stage(name, settings)
    missing = store.missing(unique)
    for start in range(0, len(missing), PUT_DOCS):  # kept as computed: never all new summaries
        group = missing[start:start + PUT_DOCS]      # held beside all those read back
        store.put(group, compute(group))
        release()
    computed = {"pruned": 0}

    def pieces() -> Iterator[pd.DataFrame]:
        seen: set[str] = set()
        for piece in store.pieces(unique):
            seen.update(piece["doc_key"].unique())
            yield piece
        # pruned by another run meanwhile: computed here (a document without rows is never seen)
        pruned = [k for k in store.missing(unique) if k not in seen]
        if pruned or not seen:
            computed["pruned"] = len(pruned)
            fresh = compute(pruned)
            if pruned:
                store.put(pruned, fresh)
            yield fresh

    out = read(pieces())
    prepared.computed[name] = len(missing) + computed["pruned"]
    return out


def for_documents(prepared: Prepared, table: pd.DataFrame, columns: Sequence[str] = ()) -> pd.DataFrame:
    """Rows keyed by doc_key given to every document with that key (wire copies under `dedup:
    keep` share one summary), in document order, with the document's id, period, outlet and date
    (and `columns` of `prepared.documents`) in front; `_doc` is the document's position."""
    docs = prepared.documents[["id", "doc_key", "period", "outlet", "date", *columns]].rename(
        columns={"id": "doc_id"})
    docs = docs.assign(_doc=range(len(docs)))
    out = docs.merge(table, on="doc_key", how="inner", sort=False)
    return out.sort_values("_doc", kind="stable").reset_index(drop=True)
