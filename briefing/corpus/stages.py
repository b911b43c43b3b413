"""The clean and sentences stages of a corpus's documents, kept in the per-document cache.

`prepare` (briefing/corpus/prepare.py) runs them: in memory for a corpus kept nowhere, or a
chunk of documents at a time into the cache, so that no process holds the sentence table of a
large corpus and a rerun reads only each article's small tables (cleaning log, counts).
"""

from __future__ import annotations

from functools import partial
from typing import Any

import pandas as pd

from briefing.compute.engine import Engine, map_documents
from briefing.compute.memory import release
from briefing.corpus.clean import Rules, clean_table, rules_fingerprint
from briefing.corpus.sentences import abbreviations, sentence_table
from briefing.store.cache import DocumentCache
from briefing.store.fingerprint import code_digest, digest

#: Documents cleaned and split per batch when the cache keeps them: bounds the rows held at once.
PREPARE_CHUNK = 10_000


def stage_settings(rules: Rules) -> tuple[dict, dict]:
    """The settings (and code versions) that key the clean and the sentences stages."""
    clean = {"rules": rules_fingerprint(rules), "code": code_digest("briefing.corpus.clean")}
    sentences = {"clean": digest(clean), "abbreviations": sorted(abbreviations()),
                 "code": code_digest("briefing.corpus.sentences")}
    return clean, sentences


def counted(progress: Any, what: str, batch: pd.DataFrame, run) -> pd.DataFrame:
    """`run(done)` for a batch of documents' rows, counting its documents with `progress`."""
    n = int(batch["doc_key"].nunique()) if len(batch) else 0
    if progress is None or n == 0:
        return run(lambda chunk: None)
    with progress.task(what, n, "articles") as step:
        return run(lambda chunk: step(int(chunk["doc_key"].nunique())))


def in_memory(docs: pd.DataFrame, rules: Rules, engine: Engine, progress: Any,
               computed: dict[str, int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(cleaning log rows, sentences-stage rows keyed by doc_key) of every document, computed here
    and kept nowhere (`cache=False`): small corpora and tests."""
    firsts = docs.drop_duplicates("doc_key")
    batch = firsts[["doc_key", "text", "title"]].reset_index(drop=True)
    computed["clean"] = computed["sentences"] = len(batch)
    cleaned = counted(progress, "cleaning", batch, lambda done: map_documents(
        partial(clean_table, rules=rules), batch, engine=engine, min_rows=2000, done=done))
    rows = cleaned[cleaned["kind"] == "paragraph"][["doc_key", "n", "text"]]
    split = counted(progress, "splitting sentences", rows, lambda done: map_documents(
        sentence_table, rows, engine=engine, done=done))
    removed = removed_rows(cleaned)
    return removed, split


def removed_rows(cleaned: pd.DataFrame) -> pd.DataFrame:
    """The cleaning log's rows (doc_key, line, text, rule, kind, count) of clean-stage rows."""
    return cleaned[cleaned["kind"] == "removed"].drop(columns="kind").rename(
        columns={"n": "line", "cut": "kind"}).reset_index(drop=True)


def clean_and_split(store: DocumentCache, firsts: pd.DataFrame, keys: list[str], rules: Rules,
                    engine: Engine, progress: Any = None,
                    computed: dict[str, int] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(clean-stage rows, sentences-stage rows) of the documents `keys` (`firsts`: their text and
    title, indexed by doc_key), read from the cache where kept, else computed and kept."""
    clean_settings, sentence_settings = stage_settings(rules)
    clean = store.stage("clean", clean_settings)
    split = store.stage("sentences", sentence_settings)
    computed = {} if computed is None else computed

    def clean_missing(missing: list[str]) -> pd.DataFrame:
        batch = firsts.loc[missing, ["text", "title"]].reset_index() if missing else \
            pd.DataFrame(columns=["doc_key", "text", "title"])
        return counted(progress, "cleaning", batch, lambda done: map_documents(
            partial(clean_table, rules=rules), batch, engine=engine, min_rows=2000, done=done))

    cleaned = clean.table(keys, clean_missing)
    computed["clean"] = computed.get("clean", 0) + clean.computed
    paragraphs = cleaned[cleaned["kind"] == "paragraph"][["doc_key", "n", "text"]]

    def split_missing(missing: list[str]) -> pd.DataFrame:
        rows = paragraphs[paragraphs["doc_key"].isin(set(missing))]
        return counted(progress, "splitting sentences", rows, lambda done: map_documents(
            sentence_table, rows, engine=engine, done=done))

    sentences = split.table(keys, split_missing)
    computed["sentences"] = computed.get("sentences", 0) + split.computed
    return cleaned, sentences


def kept(store: DocumentCache, docs: pd.DataFrame, rules: Rules, engine: Engine, progress: Any,
          computed: dict[str, int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(cleaning log rows, sentences and words per doc_key) of every document, with the clean and
    sentences stages kept in the cache. Documents the cache lacks are cleaned and split
    `PREPARE_CHUNK` at a time and their rows written, never held for the whole corpus; what the
    run needs of every document (its cleaning log, its sentence and word counts) is kept in two
    small stages beside them, so a rerun reads neither the text nor the sentences."""
    version = {"stages": [digest(s) for s in stage_settings(rules)], "version": 1}
    log = store.stage("cleaning-log", version)
    counts = store.stage("sentence-counts", version)
    firsts = docs.drop_duplicates("doc_key").set_index("doc_key")
    computed["clean"] = computed["sentences"] = 0

    def fill(keys: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Clean and split `keys` a chunk at a time; keep and return their log and counts."""
        logs, tallies = [], []
        for start in range(0, len(keys), PREPARE_CHUNK):
            chunk = keys[start:start + PREPARE_CHUNK]
            cleaned, sentences = clean_and_split(store, firsts, chunk, rules, engine, progress, computed)
            tally = sentences.groupby("doc_key", sort=False, observed=True).agg(
                sentences=("sentence", "size"), words=("words", "sum"))
            tally = tally.reindex(chunk, fill_value=0).rename_axis("doc_key").reset_index()
            removed = removed_rows(cleaned)
            del cleaned, sentences
            log.put(chunk, removed)
            counts.put(chunk, tally)
            logs.append(removed)
            tallies.append(tally)
            release()
        return pd.concat(logs, ignore_index=True), pd.concat(tallies, ignore_index=True)

    unique = list(dict.fromkeys(docs["doc_key"]))
    need = set(log.missing(unique)) | set(counts.missing(unique))
    if need:
        fill([k for k in unique if k in need])
    removed = log.table(unique, lambda missing: fill(missing)[0])
    tally = counts.table(unique, lambda missing: fill(missing)[1])
    per_doc = tally.drop_duplicates("doc_key").set_index("doc_key")[["sentences", "words"]]
    return removed, per_doc
