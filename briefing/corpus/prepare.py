"""Corpus -> clean -> sentences: the tables every section starts from.

The per-document stages (`process_document`) are pure functions of one document and the
settings, so their results are cached per corpus and settings (see `prepare`).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from briefing import __version__
from briefing.corpus.clean import Rules, clean_document, cleaning_log, load_rules
from briefing.corpus.dedup import set_aside_copies
from briefing.corpus.load import corpus_hash, load_corpus
from briefing.corpus.sentences import abbreviations, count_words, split_document
from briefing.errors import ParamsError
from briefing.params import Params


@dataclass
class Prepared:
    """The cleaned corpus of one briefing, as tables.

    documents: one row per article in a period (id, title, outlet, date, period, words, ...).
    sentences: one row per cleaned sentence (doc_id, period, outlet, date, sentence, text, words).
    removed: the cleaning log (doc_id, line, text, rule).
    outside: articles whose date falls in no period (left out of every section).
    empty: articles with no sentence left after cleaning (all boilerplate; left out of every
    section, so every section counts the same articles).
    copies: wire copies and near-duplicates (briefing/corpus/dedup.py), set aside under
    `dedup: drop` (the default) or only listed under `dedup: flag`.
    """

    params: Params
    documents: pd.DataFrame
    sentences: pd.DataFrame
    removed: pd.DataFrame
    outside: pd.DataFrame
    corpus_hash: str
    empty: pd.DataFrame | None = None
    copies: pd.DataFrame | None = None

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


def assign_periods(documents: pd.DataFrame, params: Params) -> pd.Series:
    """The period name of each document (None when its date is in no period)."""
    period = pd.Series([None] * len(documents), index=documents.index, dtype=object)
    for p in params.periods:
        inside = (documents["date"] >= pd.Timestamp(p.start)) & (documents["date"] <= pd.Timestamp(p.end))
        period[inside] = p.name
    return period


def process_document(doc_id: str, text: str, title: str, rules: Rules) -> tuple[pd.DataFrame, list[dict]]:
    """Clean one document and split it into sentences: a pure function of its inputs."""
    paragraphs, removed = clean_document(text, rules, title=title)
    return split_document(doc_id, paragraphs), removed


def rules_for(params: Params) -> Rules:
    opts = params.cleaning
    return load_rules(params.resolve(opts.rules) if opts.rules else None,
                      opts.extra_line_patterns, opts.extra_block_markers)


def _cache_key(chash: str, params: Params) -> str:
    h = hashlib.sha256()
    for part in (chash, params.cleaning.model_dump_json(), ",".join(sorted(abbreviations())), __version__):
        h.update(part.encode("utf-8"))
    if params.cleaning.rules:
        h.update(params.resolve(params.cleaning.rules).read_bytes())
    return h.hexdigest()[:24]


def cache_dir() -> Path | None:
    """$BRIEFING_CACHE_DIR, when set: where per-corpus sentence tables are kept between notebooks."""
    env = os.environ.get("BRIEFING_CACHE_DIR")
    return Path(env) if env else None


def prepare(params: Params, source: str = "params") -> Prepared:
    """Load the corpus, assign periods, clean and split every document in a period."""
    docs = load_corpus(params.corpus_path)
    docs["period"] = assign_periods(docs, params)
    outside = docs[docs["period"].isna()].drop(columns=["text"]).reset_index(drop=True)
    docs = docs[docs["period"].notna()].reset_index(drop=True)
    docs, copies = set_aside_copies(docs, params.dedup, params.dedup_threshold)
    for i, p in enumerate(params.periods):
        if not (docs["period"] == p.name).any():
            raise ParamsError(
                f"{source}: periods[{i}] ({p.name!r}, {p.start}..{p.end}): no documents in the corpus "
                f"fall in this period; widen the dates or add articles to {params.corpus}"
            )
    chash = corpus_hash(docs)
    rules = rules_for(params)
    sentences, removed = None, None
    where = cache_dir()
    key = _cache_key(chash, params)
    if where is not None and (where / f"sentences-{key}.parquet").is_file():
        sentences = pd.read_parquet(where / f"sentences-{key}.parquet")
        removed = pd.read_parquet(where / f"removed-{key}.parquet")
    if sentences is None:
        parts, logs = [], []
        for row in docs.itertuples(index=False):
            sents, log = process_document(row.id, row.text, row.title, rules)
            parts.append(sents)
            logs.append(log)
        sentences = pd.concat(parts, ignore_index=True) if parts else split_document("", [])
        removed = cleaning_log(docs, logs)
        if where is not None:
            where.mkdir(parents=True, exist_ok=True)
            for name, table in (("sentences", sentences), ("removed", removed)):
                tmp = where / f".{name}-{key}.{os.getpid()}.tmp"
                table.to_parquet(tmp)
                os.replace(tmp, where / f"{name}-{key}.parquet")
    meta = docs.set_index("id")[["period", "outlet", "date"]]
    sentences = sentences.join(meta, on="doc_id")
    sentences["period"] = pd.Categorical(sentences["period"], categories=[p.name for p in params.periods],
                                         ordered=True)
    per_doc = sentences.groupby("doc_id", observed=True).agg(sentences=("text", "size"),
                                                              words=("words", "sum"))
    docs = docs.join(per_doc, on="id")
    docs[["sentences", "words"]] = docs[["sentences", "words"]].fillna(0).astype(int)
    docs["words_raw"] = docs["text"].map(count_words)
    docs["period"] = pd.Categorical(docs["period"], categories=[p.name for p in params.periods],
                                    ordered=True)
    empty = docs[docs["sentences"] == 0].drop(columns=["text"]).reset_index(drop=True)
    docs = docs[docs["sentences"] > 0].reset_index(drop=True)
    for i, p in enumerate(params.periods):
        if not (docs["period"] == p.name).any():
            raise ParamsError(
                f"{source}: periods[{i}] ({p.name!r}): every article in this period is boilerplate "
                "(no sentence left after cleaning); check the articles' text or the cleaning rules"
            )
    return Prepared(params=params, documents=docs, sentences=sentences, removed=removed,
                    outside=outside, corpus_hash=chash, empty=empty, copies=copies)
