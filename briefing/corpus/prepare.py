"""Corpus -> clean -> sentences: the tables every section starts from.

The per-document stages (`clean.clean_table`, `sentences.sentence_table`) are pure functions of
a document and the settings, so their rows are kept in the persistent cache
(`briefing.store.cache`), keyed by each document's content and the stage's settings and code:
a rerun computes only the documents, or the stages, whose inputs changed.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from briefing.compute.engine import Engine, engine_for, map_documents
from briefing.compute.memory import release
from briefing.corpus.clean import Rules, load_rules
from briefing.corpus.dedup import NUM_PERM, SCHEME, set_aside_copies, sketch_table
from briefing.corpus.load import corpus_hash, load_corpus
from briefing.corpus.stages import clean_and_split, counted, in_memory, kept, stage_settings
from briefing.errors import ParamsError
from briefing.params import Params
from briefing.store.cache import DocumentCache, default_root
from briefing.store.fingerprint import code_digest, digest


@dataclass
class Prepared:
    """The cleaned corpus of one briefing, as tables.

    documents: one row per article in a period (id, doc_key, title, outlet, date, period, words, ...).
    sentences (a property): one row per cleaned sentence (doc_id, paragraph, sentence, text,
    words, period, outlet, date); held when prepared in memory (`held_sentences`), else read
    from the per-document cache the first time it is asked for. Sections that read only some
    documents' sentences use `sentences_of`, which never reads the whole table.
    removed: the cleaning log (doc_id, line, text, rule, kind, count).
    outside: articles whose date falls in no period (left out of every section).
    empty: articles with no sentence left after cleaning (all boilerplate; left out of every
    section, so every section counts the same articles).
    key: what these tables were computed from (corpus, periods, cleaning and sentence settings
    and code): section results are keyed by it. sentences_key: the same for the sentence rows.
    cache: where per-document results are kept (None: computed in memory, kept nowhere).
    engine: where per-document stages run for documents not in the cache.
    copies: wire copies and near-duplicates (briefing/corpus/dedup.py), set aside under
    `dedup: drop` (the default) or only listed under `dedup: flag`.
    """

    params: Params
    documents: pd.DataFrame
    removed: pd.DataFrame
    outside: pd.DataFrame
    corpus_hash: str
    empty: pd.DataFrame | None = None
    copies: pd.DataFrame | None = None
    key: str = ""
    sentences_key: str = ""
    cache: DocumentCache | None = None
    engine: Engine | None = None
    #: Counts documents through long stages (`briefing.build.progress.Progress`), or None.
    progress: Any = None
    #: Documents each stage computed (the rest came from the cache), for progress and tests.
    computed: dict[str, int] = field(default_factory=dict)
    #: The whole sentence table when held in memory; None until `sentences` reads it.
    held_sentences: pd.DataFrame | None = None
    #: The settings keying the sentences stage in the cache (`stage_settings`).
    sentence_settings: dict = field(default_factory=dict)

    @property
    def sentences(self) -> pd.DataFrame:
        """Every cleaned sentence (see the class); read from the cache once when not held."""
        if self.held_sentences is None:
            self.held_sentences = self._read_sentences()
        return self.held_sentences

    def release_sentences(self) -> None:
        """Let go of the sentence table held in memory (it is read from the cache again if
        asked for): `briefing run` holds nothing while the notebooks run."""
        self.held_sentences = None
        self.__dict__.pop("_keyed", None)

    def _split_rows(self, keys: Sequence[str]) -> pd.DataFrame:
        """The sentences stage's rows (doc_key, paragraph, sentence, text, words) of `keys` from
        the cache; documents it lacks (a cache pruned meanwhile) are prepared again."""
        def again(missing: list[str]) -> pd.DataFrame:
            if self.cache is None:
                fresh = prepare(self.params, cache=False, engine=self.engine)
                return fresh.sentences_of(missing).reset_index(drop=True)
            docs = load_corpus(self.params.corpus_path)
            docs["doc_key"] = [document_key(t, ti) for t, ti in zip(docs["text"], docs["title"], strict=True)]
            firsts = docs[docs["doc_key"].isin(set(missing))].drop_duplicates("doc_key").set_index("doc_key")
            engine = self.engine or engine_for("local", self.params.jobs)
            known = [k for k in missing if k in firsts.index]  # a document edited meanwhile: none
            return clean_and_split(self.cache, firsts, known, rules_for(self.params), engine)[1]

        if not len(keys):
            return pd.DataFrame({"doc_key": pd.Series(dtype=object), **{
                c: pd.Series(dtype="int64") for c in ("paragraph", "sentence")},
                "text": pd.Series(dtype=object), "words": pd.Series(dtype="int64")})
        if self.cache is None:
            return again(list(dict.fromkeys(keys)))
        return self.cache.stage("sentences", self.sentence_settings).table(keys, again)

    def _read_sentences(self) -> pd.DataFrame:
        split = self._split_rows(list(dict.fromkeys(self.documents["doc_key"])))
        return sentence_rows(self.documents, split, self.period_names)

    @property
    def period_names(self) -> list[str]:
        return [p.name for p in self.params.periods]

    def comparisons(self) -> list[tuple[str, str]]:
        """Consecutive period pairs, and first against last when there are more than two."""
        names = self.period_names
        pairs = list(zip(names, names[1:], strict=False))
        if len(names) > 2:
            pairs.append((names[0], names[-1]))
        return pairs

    def sentence_doc_keys(self) -> pd.Series:
        """The doc_key of each sentence's document (same index as `sentences`)."""
        return self.sentences["doc_id"].map(self.documents.set_index("id")["doc_key"])

    def sentences_of(self, keys: Sequence[str]) -> pd.DataFrame:
        """The sentences (doc_key, paragraph, sentence, text, words) of the documents with these
        content keys, once per key (wire copies share theirs), in the order of `keys` and then
        sentence order; index: their labels in `sentences` when it is held, else 0, 1, ...
        (read from the cache: only these documents' rows are read)."""
        if self.held_sentences is None:
            rows = self._split_rows(keys)
            order = {k: i for i, k in enumerate(dict.fromkeys(keys))}
            pos = rows["doc_key"].map(order).to_numpy()
            rows = rows.iloc[np.lexsort((rows["sentence"].to_numpy(), pos))]
            return rows[["doc_key", "paragraph", "sentence", "text", "words"]].reset_index(drop=True)
        keyed = self.__dict__.get("_keyed")
        if keyed is None:
            sents = self.sentences
            doc_keys = self.sentence_doc_keys()
            first = sents["doc_id"].groupby(doc_keys.to_numpy(), sort=False).transform("first")
            keep = (sents["doc_id"] == first).to_numpy()
            keyed = sents.loc[keep, ["paragraph", "sentence", "text", "words"]]
            keyed.insert(0, "doc_key", doc_keys[keep].to_numpy())
            self.__dict__["_keyed"] = keyed
        order = {k: i for i, k in enumerate(dict.fromkeys(keys))}
        pos = keyed["doc_key"].map(order)
        return keyed[pos.notna().to_numpy()].iloc[pos.dropna().to_numpy().argsort(kind="stable")]


def assign_periods(documents: pd.DataFrame, params: Params) -> pd.Series:
    """The period name of each document (None when its date is in no period)."""
    period = pd.Series([None] * len(documents), index=documents.index, dtype=object)
    for p in params.periods:
        inside = (documents["date"] >= pd.Timestamp(p.start)) & (documents["date"] <= pd.Timestamp(p.end))
        period[inside] = p.name
    return period


def rules_for(params: Params) -> Rules:
    opts = params.cleaning
    return load_rules(params.resolve(opts.rules) if opts.rules else None,
                      opts.extra_line_patterns, opts.extra_block_markers, opts.extra_inline_patterns)


def document_key(text: str, title: str) -> str:
    """What a document's per-document results depend on: its text and its title (the clean
    stage drops a headline repeated at the top)."""
    h = hashlib.sha256(title.encode("utf-8"))
    h.update(b"\0")
    h.update(text.encode("utf-8"))
    return h.hexdigest()[:32]


def prepare(params: Params, source: str = "params", cache: DocumentCache | bool = True,
            engine: Engine | None = None, progress: Any = None) -> Prepared:
    """Load the corpus, assign periods, clean and split every document in a period.

    `cache`: a DocumentCache, True for the default one ($BRIEFING_CACHE_DIR or reports/.cache),
    False to keep nothing. `engine`: where documents not in the cache are computed (default:
    this machine, with the params' jobs; `briefing run` passes the params' engine).
    `progress`: counts the documents of each stage as they are done (see `counted`).
    """
    store = DocumentCache(default_root()) if cache is True else (cache or None)
    engine = engine or engine_for("local", params.jobs)
    started = time.perf_counter()
    docs = load_corpus(params.corpus_path)
    release()  # reading left freed pages behind, which forked workers would share
    if progress is not None:
        progress(f"read {len(docs):,} articles in {time.perf_counter() - started:.1f}s")
    docs["period"] = assign_periods(docs, params)
    outside = docs[docs["period"].isna()].drop(columns=["text"]).reset_index(drop=True)
    docs = docs[docs["period"].notna()].reset_index(drop=True)
    docs["doc_key"] = [document_key(t, ti) for t, ti in zip(docs["text"], docs["title"], strict=True)]
    before = len(docs)
    whole = corpus_hash(docs) if params.dedup != "keep" and store is not None else None
    docs, copies = _dedup(docs, params, store, engine, progress, whole)
    for i, p in enumerate(params.periods):
        if not (docs["period"] == p.name).any():
            raise ParamsError(
                f"{source}: periods[{i}] ({p.name!r}, {p.start}..{p.end}): no documents in the corpus "
                f"fall in this period; widen the dates or add articles to {params.corpus}"
            )
    # no copy set aside: the same articles, so the same hash (hashing every text again cost seconds)
    chash = whole if whole is not None and len(docs) == before else corpus_hash(docs)
    rules = rules_for(params)
    clean_settings, sentence_settings = stage_settings(rules)
    computed: dict[str, int] = {}
    names = [p.name for p in params.periods]
    if store is None:
        removed, split = in_memory(docs, rules, engine, progress, computed)
        sentences = _per_document(docs, split, ["paragraph", "sentence", "text", "words"], "sentence")
        per_doc = sentences.groupby("doc_id", observed=True).agg(sentences=("text", "size"),
                                                                  words=("words", "sum"))
        sentences = sentence_rows(docs, sentences, names, keyed=False)
    else:
        removed, per_doc = kept(store, docs, rules, engine, progress, computed)
        sentences = None
    removed = _per_document(docs, removed, ["line", "text", "rule", "kind", "count"], "line")
    docs = docs.join(per_doc, on="id" if sentences is not None else "doc_key")
    docs[["sentences", "words"]] = docs[["sentences", "words"]].fillna(0).astype(int)
    docs["period"] = pd.Categorical(docs["period"], categories=names, ordered=True)
    empty = docs[docs["sentences"] == 0].drop(columns=["text"]).reset_index(drop=True)
    docs = docs[docs["sentences"] > 0].drop(columns=["text"]).reset_index(drop=True)
    release()  # the articles' text is no longer held
    for i, p in enumerate(params.periods):
        if not (docs["period"] == p.name).any():
            raise ParamsError(
                f"{source}: periods[{i}] ({p.name!r}): every article in this period is boilerplate "
                "(no sentence left after cleaning); check the articles' text or the cleaning rules"
            )
    sentences_key = digest(sentence_settings)
    key = digest(chash, [(p.name, str(p.start), str(p.end)) for p in params.periods], clean_settings,
                 sentences_key, [params.dedup, params.dedup_threshold, code_digest("briefing.corpus.dedup")],
                 outside[["id", "date", "title"]].astype(str).values.tolist())
    return Prepared(params=params, documents=docs, removed=removed, outside=outside, corpus_hash=chash,
                    empty=empty, key=key, sentences_key=sentences_key, cache=store, engine=engine,
                    progress=progress, computed=computed, copies=copies, held_sentences=sentences,
                    sentence_settings=sentence_settings)


def sentence_rows(docs: pd.DataFrame, split: pd.DataFrame, periods: list[str],
                  keyed: bool = True) -> pd.DataFrame:
    """The sentence table (doc_id, paragraph, sentence, text, words, period, outlet, date) of the
    documents `docs` from the sentences stage's rows `split` (keyed by doc_key; or already by
    doc_id when not `keyed`)."""
    sentences = _per_document(docs, split, ["paragraph", "sentence", "text", "words"], "sentence") \
        if keyed else split
    meta = docs.set_index("id")[["period", "outlet", "date"]]
    sentences = sentences.join(meta, on="doc_id")
    sentences["period"] = pd.Categorical(sentences["period"], categories=periods, ordered=True)
    return sentences


def _dedup(docs: pd.DataFrame, params: Params, store: DocumentCache | None, engine: Engine | None = None,
           progress: Any = None, whole: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`set_aside_copies`, its copies table kept in the cache per corpus and dedup settings (the
    similarity search reads every article: once, not once per notebook), and each article's
    sketch kept per document, so that adding articles sketches only those. `whole`: the corpus
    hash of `docs` when already computed."""
    if params.dedup == "keep" or store is None:
        return set_aside_copies(docs, params.dedup, params.dedup_threshold)

    def sketch_missing(missing: list[str]) -> pd.DataFrame:
        batch = docs.drop_duplicates("doc_key").set_index("doc_key").loc[missing, ["text"]].reset_index() \
            if missing else pd.DataFrame(columns=["doc_key", "text"])
        return counted(progress, "sketching articles for copies", batch, lambda done: map_documents(
            sketch_table, batch, engine=engine or engine_for("local", params.jobs), min_rows=500, done=done))

    def search() -> pd.DataFrame:
        if progress is not None:
            progress(f"looking for copies among {len(docs):,} articles (dedup: {params.dedup})")
        started = time.perf_counter()
        settings = {"num_perm": NUM_PERM, "scheme": SCHEME, "code": code_digest("briefing.corpus.dedup")}
        sketches = store.stage("sketch", settings).table(docs["doc_key"].tolist(), sketch_missing)
        sketches = sketches.drop_duplicates("doc_key").set_index("doc_key").loc[docs["doc_key"]]
        found = set_aside_copies(docs, params.dedup, params.dedup_threshold,
                                 sketches.reset_index(drop=True))[1]
        if progress is not None:
            progress(f"copies: {len(found):,} found in {time.perf_counter() - started:.1f}s")
        return found

    key = digest(whole or corpus_hash(docs), params.dedup, params.dedup_threshold,
                 code_digest("briefing.corpus.dedup"))
    copies = store.corpus_table("copies", key, search)
    if params.dedup == "drop" and len(copies):
        docs = docs[~docs["id"].astype(str).isin(set(copies["id"].astype(str)))].reset_index(drop=True)
    return docs, copies


def _per_document(docs: pd.DataFrame, rows: pd.DataFrame, columns: list[str], order: str) -> pd.DataFrame:
    """Rows keyed by doc_key, given to every document with that key (wire copies share one), in
    the documents' order and then `order`, with doc_id first and a fresh index."""
    ids = docs[["id", "doc_key"]].rename(columns={"id": "doc_id"})
    ids["_doc"] = range(len(ids))
    out = ids.merge(rows[["doc_key", *columns]], on="doc_key", how="inner")
    out = out.sort_values(["_doc", order], kind="stable")
    return out[["doc_id", *columns]].reset_index(drop=True)

