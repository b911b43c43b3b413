"""Per-article summaries of the framing section: what its statistics need from one article,
computed once per article (a per-document stage, kept in the cache by `articles.py`).

Each function takes the framed rows of whole documents (`articles.framed_rows`): per document, a
row per sentence (`frame` empty; its actor flags, `ACTOR` + name, and with a trained model its
word tokens and those the model has seen) followed by a row per frame hit (frame, cue, start,
end, and a model's probability `prob`, NaN for cue hits), hits in text order (sentence, then
start). Rows come back keyed by doc_key. Counts are of sentences, so the section's sums over
articles are exactly its counts over every sentence; each article keeps the candidates of the
section's choices (its first sentence per frame and cue, its strongest sentences per frame) so
that the period's choice, made among them in document order, is the one made over every hit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

#: Prefix of the actor columns of the sentence rows.
ACTOR = "actor:"
#: Columns of the framed rows besides the actors'.
ROW_COLUMNS = ["doc_key", "sentence", "frame", "cue", "start", "end", "prob", "tokens", "seen"]
DOCUMENT_COLUMNS = ["doc_key", "sentences", "framed", "hits", "tokens", "seen"]
FRAME_COLUMNS = ["doc_key", "frame", "sentences", "first"]
CUE_COLUMNS = ["doc_key", "frame", "cue", "sentences", "sentence", "order"]
ACTOR_COLUMNS = ["doc_key", "actor", "frame", "sentences"]
EVIDENCE_COLUMNS = ["doc_key", "frame", "sentence", "strength"]
#: The parts of an article's summary, each the output of one function below; kept as one table
#: (`article_summary`: the parts' rows one after the other, `part` naming each row's).
PARTS = {"documents": DOCUMENT_COLUMNS, "frames": FRAME_COLUMNS, "cues": CUE_COLUMNS,
         "actors": ACTOR_COLUMNS, "evidence": EVIDENCE_COLUMNS}
_TYPES = {"doc_key": "object", "frame": "object", "cue": "object", "actor": "object", "sentences": "int64",
          "framed": "int64", "hits": "int64", "tokens": "int64", "seen": "int64", "first": "int64",
          "sentence": "int64", "order": "int64", "strength": "float64"}


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=_TYPES[c]) for c in columns})


def _split(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(sentence rows, hit rows with `order`: the hit's place in its document's text order)."""
    is_hit = (rows["frame"] != "").to_numpy()
    hits = rows[is_hit]
    hits = hits.assign(order=hits.groupby("doc_key", sort=False).cumcount().astype("int64"))
    return rows[~is_hit], hits


def document_summary(rows: pd.DataFrame) -> pd.DataFrame:
    """Per article: its sentences, those carrying any frame, its hits (cue hits or a model's frame
    decisions), and its word tokens and those a trained model has seen (0 with the lexicon)."""
    if not len(rows):
        return _empty(DOCUMENT_COLUMNS)
    sents, hits = _split(rows)
    out = sents.groupby("doc_key", sort=False).agg(sentences=("sentence", "size"), tokens=("tokens", "sum"),
                                                   seen=("seen", "sum"))
    out["framed"] = hits.groupby("doc_key", sort=False)["sentence"].nunique().reindex(out.index, fill_value=0)
    out["hits"] = hits.groupby("doc_key", sort=False).size().reindex(out.index, fill_value=0)
    return out.reset_index().astype({c: "int64" for c in DOCUMENT_COLUMNS[1:]})[DOCUMENT_COLUMNS]


def frame_summary(rows: pd.DataFrame) -> pd.DataFrame:
    """Per article and frame it carries: the sentences carrying it and the first of them (what the
    shares, their intervals over articles, the article rule and a period's first example need)."""
    _, hits = _split(rows)
    if not len(hits):
        return _empty(FRAME_COLUMNS)
    out = hits.groupby(["doc_key", "frame"], sort=False)["sentence"].agg(sentences="nunique", first="min")
    return out.reset_index().astype({"sentences": "int64", "first": "int64"})[FRAME_COLUMNS]


def cue_summary(rows: pd.DataFrame) -> pd.DataFrame:
    """Per article, frame and cue that fired in it: the sentences it fired in, the first of them,
    and the place of its first hit in the article's hits (`order`: ties among cues are broken in
    text order, as over every hit)."""
    _, hits = _split(rows)
    hits = hits[hits["cue"] != ""]  # a model's frames have no cue
    if not len(hits):
        return _empty(CUE_COLUMNS)
    g = hits.groupby(["doc_key", "frame", "cue"], sort=False)
    out = g.agg(sentences=("sentence", "nunique"), sentence=("sentence", "first"), order=("order", "first"))
    return out.reset_index().astype({c: "int64" for c in ("sentences", "sentence", "order")})[CUE_COLUMNS]


def actor_summary(rows: pd.DataFrame, actors: Sequence[str]) -> pd.DataFrame:
    """Per article and actor it names: the sentences naming the actor (frame ""), and per frame
    those of them that carry the frame."""
    if not len(rows) or not actors:
        return _empty(ACTOR_COLUMNS)
    sents, hits = _split(rows)
    framed = hits[["doc_key", "sentence", "frame"]].drop_duplicates()
    parts = []
    for a in actors:
        named = sents.loc[sents[ACTOR + a].to_numpy(dtype=bool), ["doc_key", "sentence"]]
        if not len(named):
            continue
        total = named.groupby("doc_key", sort=False).size().rename("sentences").reset_index()
        both = framed.merge(named, on=["doc_key", "sentence"], how="inner")
        per = both.groupby(["doc_key", "frame"], sort=False).size().rename("sentences").reset_index()
        parts += [total.assign(actor=a, frame=""), per.assign(actor=a)]
    if not parts:
        return _empty(ACTOR_COLUMNS)
    return pd.concat(parts, ignore_index=True).astype({"sentences": "int64"})[ACTOR_COLUMNS]


def evidence_summary(rows: pd.DataFrame, n: int) -> pd.DataFrame:
    """Per article and frame, its `n` strongest sentences (ties: text order): strength is the
    number of cue hits of the frame in the sentence, or a model's probability. A period's `n`
    strongest are among its articles' `n` strongest."""
    _, hits = _split(rows)
    if not len(hits) or n < 1:
        return _empty(EVIDENCE_COLUMNS)
    probs = hits["prob"].to_numpy(dtype=float)
    g = hits.assign(prob=probs).groupby(["doc_key", "frame", "sentence"], sort=False)
    strength = g["prob"].max() if not np.isnan(probs).all() else g.size().astype(float)
    out = strength.rename("strength").reset_index()
    out = out.sort_values("strength", ascending=False, kind="stable")
    out = out.groupby(["doc_key", "frame"], sort=False).head(n)
    return out.reset_index(drop=True).astype({"sentence": "int64", "strength": "float64"})[EVIDENCE_COLUMNS]


def article_summary(rows: pd.DataFrame, actors: Sequence[str], evidence: int) -> pd.DataFrame:
    """Every part of the articles' summaries as one table: `part`, then the union of the parts'
    columns (a column a part lacks is empty: NA, or "" for text)."""
    parts = {"documents": document_summary(rows), "frames": frame_summary(rows), "cues": cue_summary(rows),
             "actors": actor_summary(rows, actors), "evidence": evidence_summary(rows, evidence)}
    columns = list(dict.fromkeys(c for cols in PARTS.values() for c in cols))
    out = pd.concat([t.assign(part=name) for name, t in parts.items()], ignore_index=True)
    out = out.reindex(columns=["part", *columns])
    for c in columns:
        kind = _TYPES[c]
        if kind == "object":
            out[c] = out[c].fillna("").astype(object)
        elif kind == "int64":
            out[c] = out[c].astype("Int64")
        else:
            out[c] = out[c].astype("float64")
    return out


def split(table: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """`article_summary`'s table back as its parts, each with its own columns and types."""
    out = {}
    for name, cols in PARTS.items():
        part = table.loc[table["part"] == name, cols]
        out[name] = part.astype({c: _TYPES[c] for c in cols}).reset_index(drop=True)
    return out


def split_pieces(pieces: Iterable[pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """`split` of the concatenated `pieces` (each a piece of `article_summary`'s table), splitting
    each as it comes: the table of every part's columns for every row is never held whole (at
    100,000 articles, 15 million rows, most of them a part's empty columns)."""
    parts: dict[str, list[pd.DataFrame]] = {name: [] for name in PARTS}
    for piece in pieces:
        for name, table in split(piece).items():
            parts[name].append(table)
    out = {}
    for name, tables in parts.items():
        non_empty = [t for t in tables if len(t)] or tables[:1]
        out[name] = pd.concat(non_empty, ignore_index=True) if non_empty else _empty(PARTS[name])
    return out
