"""Per-article summaries of the sentiment section: what the section's statistics need from one
article, computed once per article (per-document stages, kept in the cache by `compute.py`).

Each function takes the measured sentences of whole documents (doc_key, paragraph, sentence,
text, compound, and one boolean column per actor, `ACTOR + name`) in document and sentence
order, and returns rows keyed by doc_key. Sums are accumulated sentence by sentence in text
order (`np.bincount`), as `briefing.measures.stats.group_sums` does over the whole table, so the
combined statistics are bit for bit those computed over every sentence at once.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

#: Prefix of the actor columns of the measured sentences.
ACTOR = "actor:"
DOCUMENT_COLUMNS = ["doc_key", "sentences", "compound", "share_positive", "share_neutral", "share_negative"]
VALUE_COLUMNS = ["doc_key", "compound", "count"]
TARGET_COLUMNS = ["doc_key", "target", "count", "sum", "max_sentence", "max_value", "min_sentence",
                  "min_value"]
EXTREME_COLUMNS = ["doc_key", "which", "rank", "sentence", "compound"]


def tones(compound: np.ndarray, positive: float, negative: float) -> np.ndarray:
    """positive / neutral / negative by VADER's thresholds (compound ≥ 0.05, ≤ −0.05 by default)."""
    return np.where(compound >= positive, "positive", np.where(compound <= negative, "negative", "neutral"))


def document_summary(rows: pd.DataFrame, positive: float, negative: float) -> pd.DataFrame:
    """Per article: its sentences, their mean compound and the shares of each tone."""
    if not len(rows):
        return pd.DataFrame(columns=DOCUMENT_COLUMNS).astype({"sentences": "int64"})
    compound = rows["compound"].to_numpy(dtype=float)
    tone = tones(compound, positive, negative)
    codes, uniq = pd.factorize(rows["doc_key"], sort=False)
    n = np.bincount(codes)
    out = pd.DataFrame({"doc_key": np.asarray(uniq, dtype=object), "sentences": n.astype("int64"),
                        "compound": compensated_means(codes, compound, len(uniq))})
    for t in ("positive", "neutral", "negative"):
        out[f"share_{t}"] = np.bincount(codes, weights=(tone == t).astype(float), minlength=len(uniq)) / n
    return out[DOCUMENT_COLUMNS]


def compensated_means(codes: np.ndarray, values: np.ndarray, k: int) -> np.ndarray:
    """The mean of each group's values (codes 0..k−1), each summed in row order with Kahan's
    compensation, as pandas' grouped mean does: s ← s + (v − c), c ← (s_new − s) − (v − c).
    Vectorised over groups, one step per row position."""
    pos = np.arange(len(codes)) - np.r_[0, np.cumsum(np.bincount(codes, minlength=k))][codes]
    order = np.argsort(pos, kind="stable")
    steps = np.bincount(pos) if len(pos) else np.array([], dtype=int)
    total, comp = np.zeros(k), np.zeros(k)
    start = 0
    for size in steps:
        idx = order[start:start + size]
        start += size
        lab, y = codes[idx], values[idx] - comp[codes[idx]]
        t = total[lab] + y
        comp[lab] = (t - total[lab]) - y
        total[lab] = t
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / np.bincount(codes, minlength=k)


def value_counts(rows: pd.DataFrame) -> pd.DataFrame:
    """Per article: how many of its sentences have each compound score (VADER rounds it to four
    decimals, so a period's distribution, its quartiles and spread, combine exactly)."""
    if not len(rows):
        return pd.DataFrame(columns=VALUE_COLUMNS).astype({"compound": "float64", "count": "int64"})
    out = rows.groupby(["doc_key", "compound"], sort=False).size().rename("count").reset_index()
    return out.astype({"count": "int64"})[VALUE_COLUMNS]


def target_names(actors: Sequence[str]) -> list[str]:
    """Each actor, then each pair of actors ('A + B'), in params order."""
    out = list(actors)
    for i, a in enumerate(actors):
        out += [f"{a} + {b}" for b in actors[i + 1:]]
    return out


def target_summary(rows: pd.DataFrame, actors: Sequence[str]) -> pd.DataFrame:
    """Per article and target (actor, or pair of actors named together) that it names: sentences,
    the sum of their compounds (in text order), and its highest and lowest scored sentence (the
    first one on ties): what the actor table, its intervals over articles and its evidence need."""
    parts = []
    flags = {a: rows[ACTOR + a].to_numpy(dtype=bool) for a in actors} if len(rows) else {}
    masks = dict(flags)
    for i, a in enumerate(actors):
        for b in actors[i + 1:]:
            if len(rows):
                masks[f"{a} + {b}"] = flags[a] & flags[b]
    for target in target_names(actors):
        mask = masks.get(target)
        if mask is None or not mask.any():
            continue
        sub = rows.loc[mask, ["doc_key", "sentence", "compound"]]
        codes, uniq = pd.factorize(sub["doc_key"], sort=False)
        values = sub["compound"].to_numpy(dtype=float)
        g = sub.groupby(codes, sort=False)["compound"]
        hi, lo = g.idxmax(), g.idxmin()
        parts.append(pd.DataFrame({
            "doc_key": np.asarray(uniq, dtype=object), "target": target,
            "count": np.bincount(codes).astype("int64"),
            "sum": np.bincount(codes, weights=values, minlength=len(uniq)),
            "max_sentence": sub.loc[hi.to_numpy(), "sentence"].to_numpy().astype("int64"),
            "max_value": sub.loc[hi.to_numpy(), "compound"].to_numpy(),
            "min_sentence": sub.loc[lo.to_numpy(), "sentence"].to_numpy().astype("int64"),
            "min_value": sub.loc[lo.to_numpy(), "compound"].to_numpy(),
        }))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(
            TARGET_COLUMNS, ["object", "object", "int64", "float64", "int64", "float64", "int64", "float64"],
            strict=True)})
    return pd.concat(parts, ignore_index=True)[TARGET_COLUMNS]


def extreme_sentences(rows: pd.DataFrame, n: int) -> pd.DataFrame:
    """Per article, its `n` most positive and `n` most negative sentences (ties: text order):
    every period's top `n` is among its articles' top `n`."""
    parts = []
    for which, part in (("most positive", rows[rows["compound"] > 0].sort_values(
            "compound", ascending=False, kind="stable")),
                        ("most negative", rows[rows["compound"] < 0].sort_values("compound", kind="stable"))):
        top = part.groupby("doc_key", sort=False).head(n)
        top = top.assign(which=which, rank=top.groupby("doc_key", sort=False).cumcount() + 1)
        parts.append(top[EXTREME_COLUMNS])
    out = pd.concat(parts, ignore_index=True)
    return out.astype({"rank": "int64", "sentence": "int64", "compound": "float64"})
