"""Display-ready tables of the topics section (the notebook only shows them)."""

from __future__ import annotations

import pandas as pd

from briefing.sections.topics.result import Pair, TopicsResult


def distinctive(res: TopicsResult, pair: Pair, names: bool = False) -> pd.DataFrame:
    """The top terms (or names) of each side, side by side: term, uses in each period, z."""
    a, b = pair
    parts = []
    for side, lv in zip(res.top(pair, names=names), pair, strict=True):
        t = side[["term", "count_a", "count_b", "z"]].rename(columns={"count_a": f"uses {a}",
                                                                      "count_b": f"uses {b}"})
        parts.append(t.assign(**{"leans to": lv}))
    return pd.concat(parts, ignore_index=True)


def one_period(res: TopicsResult, pair: Pair, new: bool, names: bool) -> pd.DataFrame:
    """Terms (words and phrases) or names found in one period of the pair only, most used first."""
    t = (res.new if new else res.vanished)[pair]
    t = t[(t["kind"] == "name") == names].head(res.top_terms)
    return t.rename(columns={"per10k": "per 10,000 terms"}).reset_index(drop=True)


def shared_names(res: TopicsResult, pair: Pair) -> pd.DataFrame:
    a, b = pair
    t = res.shared_names(pair)[["term", "count_a", "count_b", "z"]]
    return t.rename(columns={"term": "name", "count_a": f"uses {a}", "count_b": f"uses {b}"})


def topics(res: TopicsResult) -> pd.DataFrame:
    t = res.topics[["topic", "top_terms", "typical_paragraph", "typical_period"]]
    return t.rename(columns={"top_terms": "top terms", "typical_paragraph": "most typical paragraph",
                             "typical_period": "its period"})


def prevalence(res: TopicsResult) -> pd.DataFrame:
    t = res.prevalence.copy()
    for c in ("share", "ci_low", "ci_high"):
        t[c] = 100 * t[c]
    return t.rename(columns={"share": "share %", "ci_low": "95 % low", "ci_high": "95 % high"})


def changes(res: TopicsResult) -> pd.DataFrame:
    t = res.topic_change[["comparison", "topic", "label", "share_a", "share_b", "change", "ci_low", "ci_high",
                          "reading"]].copy()
    for c in ("share_a", "share_b", "change", "ci_low", "ci_high"):
        t[c] = 100 * t[c]
    return t.rename(columns={"share_a": "earlier %", "share_b": "later %", "change": "change (points)",
                             "ci_low": "95 % low", "ci_high": "95 % high"})


def divergence(res: TopicsResult) -> pd.DataFrame:
    t = res.divergence.drop(columns=["period_a", "period_b"])
    if res.small:  # a share of random splits reads like a p-value; with so few articles it means nothing
        t = t.drop(columns=["share_splits_above"])
    return t.rename(columns={"js": "JS (bits)", "chance_mean": "random splits: mean",
                             "chance_low": "random splits: 2.5 %", "chance_high": "random splits: 97.5 %",
                             "share_splits_above": "share of splits ≥ JS"})


def contributions(res: TopicsResult, pair: Pair) -> pd.DataFrame:
    a, b = pair
    t = res.contributions[pair].copy()
    t["share_of_js"] = 100 * t["share_of_js"]
    return t.rename(columns={"share_of_js": "share of JS %", "per10k_a": f"per 10,000 in {a}",
                             "per10k_b": f"per 10,000 in {b}", "leans_to": "used more in"})
