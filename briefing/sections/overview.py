"""Section 1, the corpus overview: what was read, per period, and what cleaning set aside."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from briefing.corpus.prepare import Prepared
from briefing.present import LISTED, escape, fmt_number, some
from briefing.store.fingerprint import code_digest
from briefing.store.results import section_result


@dataclass
class Overview:
    """Tables and prose of the corpus overview."""

    by_period: pd.DataFrame   # period, documents, sentences, words, outlets, first, last
    articles: pd.DataFrame    # period, date, outlet, title, words, sentences, url
    outlets: pd.DataFrame     # outlet x period document counts
    removed: pd.DataFrame     # the cleaning log, with outlet and title
    shared_outlets: list[str]
    prose: str
    copies_by: pd.DataFrame   # period, outlet, copies: wire copies per period and outlet
    copies: pd.DataFrame      # period, date, outlet, title, copy_of, similarity


def outlet_overlap(prepared: Prepared) -> list[str]:
    """Outlets that appear in every period (empty: periods differ by source as well as time)."""
    sets = [set(g["outlet"]) for _, g in prepared.documents.groupby("period", observed=False)]
    return sorted(set.intersection(*sets)) if sets else []


def corpus_overview(prepared: Prepared) -> Overview:
    """The corpus overview: computed once per prepared corpus and code, then read from where it
    is kept (`briefing.store.results`)."""
    return section_result("corpus", Overview, prepared, {"code": code_digest(__name__)},
                          lambda: compute_overview(prepared))


def compute_overview(prepared: Prepared) -> Overview:
    """Documents, sentences and words per period, outlets, date ranges, articles, cleaning log."""
    docs = prepared.documents
    by_period = (
        docs.groupby("period", observed=False)
        .agg(documents=("id", "size"), sentences=("sentences", "sum"), words=("words", "sum"),
             outlets=("outlet", "nunique"), first=("date", "min"), last=("date", "max"))
        .reset_index()
    )
    by_period["period"] = by_period["period"].astype(str)
    articles = docs[["period", "date", "outlet", "title", "words", "sentences", "url"]].copy()
    articles["period"] = articles["period"].astype(str)
    articles["url"] = articles["url"].fillna("")
    if not articles["url"].str.len().any():
        articles = articles.drop(columns=["url"])
    outlets = pd.crosstab(docs["outlet"], docs["period"]).reset_index()
    outlets.columns = [str(c) for c in outlets.columns]
    removed = prepared.removed.merge(docs[["id", "outlet", "title"]], left_on="doc_id",
                                     right_on="id", how="left").drop(columns=["id"])
    shared = outlet_overlap(prepared)
    copies_by, copies = copy_tables(prepared)
    return Overview(by_period, articles, outlets, removed, shared, _prose(prepared, by_period, shared),
                    copies_by, copies)


def copy_tables(prepared: Prepared) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Copies per period and outlet, and the list of copies with the article each copies."""
    found = prepared.copies if prepared.copies is not None else pd.DataFrame(
        columns=["id", "period", "date", "outlet", "title", "copy_of_outlet", "copy_of_title", "similarity"])
    by = (found.groupby(["period", "outlet"]).size().rename("copies").reset_index()
          if len(found) else pd.DataFrame({"period": [], "outlet": [], "copies": []}))
    by["period"] = pd.Categorical(by["period"].astype(str), categories=prepared.period_names, ordered=True)
    by = by.sort_values(["period", "outlet"]).reset_index(drop=True)
    by["period"] = by["period"].astype(str)
    by["copies"] = by["copies"].astype(int)
    listing = found.assign(
        copy_of=found["copy_of_outlet"].astype(str) + ": " + found["copy_of_title"].astype(str))
    listing = listing[["period", "date", "outlet", "title", "copy_of", "similarity"]].reset_index(drop=True)
    return by, listing


def _articles(n: int) -> str:
    """'1 article', '2,000 articles': a count with its noun, singular or plural."""
    return f"{fmt_number(n)} article{'s' * (n != 1)}"


def _prose(prepared: Prepared, by_period: pd.DataFrame, shared: list[str]) -> str:
    parts = []
    counts = ", ".join(
        f"{fmt_number(int(r.documents))} article{'s' * (r.documents != 1)} in {escape(r.period)} "
        f"({fmt_number(int(r.sentences))} sentences, {fmt_number(int(r.words))} words)"
        for r in by_period.itertuples()
    )
    parts.append(f"The briefing reads {counts}.")
    docs = prepared.documents
    if not shared:
        per = "; ".join(
            f"{escape(p)}: {some([escape(o) for o in sorted(g['outlet'].unique())])}"
            for p, g in docs.groupby("period", observed=False)
        )
        parts.append(
            f"**The periods share no outlet** ({per}), so differences between periods may "
            "reflect the outlets as much as the time."
        )
    else:
        listed = some([escape(o) for o in shared])
        if len(shared) > LISTED:
            listed = f"{len(shared):,} ({listed})"
        parts.append(f"Outlets present in every period: {listed}.")
    smallest = int(by_period["documents"].min())
    if smallest < 5:
        parts.append(
            f"With {fmt_number(smallest)} article{'s' * (smallest != 1)} in the smallest period, "
            "the numbers describe these articles only and support no claim about the coverage "
            "at large."
        )
    log = prepared.removed
    markup = log["kind"] == "markup" if "kind" in log else pd.Series(False, index=log.index)
    n_removed = int((~markup).sum())
    parts.append(
        f"Cleaning set aside {fmt_number(n_removed)} line{'s' * (n_removed != 1)} of web "
        "boilerplate (promo headlines, calls to action, captions, navigation), listed in the appendix."
    )
    if markup.any():
        pieces = int(log.loc[markup, "count"].sum())
        docs_cut = log.loc[markup, "doc_id"].nunique()
        parts.append(
            f"It also cut {fmt_number(pieces)} piece{'s' * (pieces != 1)} of the source's own markup "
            f"(such as a wiki's interview speaker labels) out of the text of {fmt_number(docs_cut)} "
            f"article{'s' * (docs_cut != 1)}, so that markup is never counted as a word."
        )
    copies = prepared.copies
    if copies is not None and len(copies):
        n = len(copies)
        counts = copies.groupby("period").size()
        per = "; ".join(f"{escape(p)}: {fmt_number(int(counts[p]))}" for p in prepared.period_names
                        if p in counts.index)
        tail = "the earliest of each group is kept"
        if prepared.params.dedup == "drop":
            lead = (f"{fmt_number(n)} article{'s were' if n != 1 else ' was'} set aside as "
                    f"{'copies' if n != 1 else 'a copy'} of another article")
        else:
            lead = (f"{fmt_number(n)} article{'s are copies' if n != 1 else ' is a copy'} of another "
                    "article, kept as `dedup: flag` asks")
            tail = "each is listed with the earliest article of its group"
        parts.append(
            f"{lead} ({per}): wire stories and near-duplicates, whose word 3-shingle similarity to "
            f"an earlier article is at least {fmt_number(prepared.params.dedup_threshold)}; "
            f"{tail}. They are listed in the appendix."
        )
    if prepared.empty is not None and len(prepared.empty):
        titles = "; ".join(escape(t) for t in prepared.empty["title"])
        parts.append(f"{_articles(len(prepared.empty))} had nothing left after cleaning "
                     f"and {'is' if len(prepared.empty) == 1 else 'are'} left out: {titles}.")
    if len(prepared.outside):
        n = len(prepared.outside)
        parts.append(f"{_articles(n)} in the corpus {'falls' if n == 1 else 'fall'} outside every "
                     f"period and {'is' if n == 1 else 'are'} left out.")
    return " ".join(parts)
