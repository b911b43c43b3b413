"""Display-ready tables of the topics section (the notebook only shows them)."""

from __future__ import annotations

import pandas as pd

from briefing import present
from briefing.sections.topics.result import Pair, TopicsResult

#: Terms per side in the main document's table (the appendix lists `TopicsResult.top_terms`).
LEANING_ROWS = 10


def distinctive(res: TopicsResult, pair: Pair, names: bool = False) -> pd.DataFrame:
    """The top terms (or names) of each side, side by side: term, uses in each period, z."""
    a, b = pair
    parts = []
    for side, lv in zip(res.top(pair, names=names), pair, strict=True):
        t = side[["term", "count_a", "count_b", "z"]].rename(columns={"count_a": f"uses {a}",
                                                                      "count_b": f"uses {b}"})
        parts.append(t.assign(**{"leans to": lv}))
    return pd.concat(parts, ignore_index=True)


def leaning(res: TopicsResult, pair: Pair, n: int = LEANING_ROWS) -> pd.DataFrame:
    """The `n` terms leaning most to each period of `pair`, side by side: rank, then each side's
    term with its z (the full table, with counts, is `distinctive`)."""
    a, b = pair
    side_a, side_b = (t.head(n).reset_index(drop=True) for t in res.top(pair))
    rows = max(len(side_a), len(side_b))
    out = pd.DataFrame({"rank": range(1, rows + 1)})
    for lv, side in ((a, side_a), (b, side_b)):
        out[f"leans to {lv}"] = side["term"].reindex(range(rows)).fillna("").astype(str)
        out[f"z ({lv})"] = side["z"].reindex(range(rows))
    return out


def term_evidence_markdown(res: TopicsResult, words: int | None = present.QUOTE_WORDS) -> str:
    """Sentences using the term that leans most to each period (term in bold), per comparison;
    each cut after `words` words (None: whole)."""
    ev = res.term_evidence
    if ev is None or ev.empty:
        return "No term leans to either period."
    blocks = []
    for (a, b, term, lv), g in ev.groupby(["period_a", "period_b", "term", "leans_to"], sort=False):
        head = (f"“{present.escape(term)}”, the term leaning most to {present.escape(lv)} "
                f"(z {present.fmt_number(float(g['z'].iat[0]), 1)}"
                + (f", {present.escape(a)} against {present.escape(b)}" if len(res.comparisons) > 1 else "")
                + "):")
        lines = [head, ""]
        for r in g.itertuples(index=False):
            text = str(r.text)
            cut = len(text) if words is None else present.clip_at(text, words)
            spans = [(int(r.start), int(r.end))] if 0 <= r.start and r.end <= cut else []
            elided = " " + present.escape(present.ELIDED) if cut < len(text) else ""
            shown = present.bold_spans(text[:cut], spans) + elided
            date = pd.Timestamp(r.date).date().isoformat() if pd.notna(r.date) else "undated"
            lines.append(f"- “{shown}” ({present.escape(r.outlet)}, {date})")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


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
    return t.rename(columns={"share": "share %", "ci_low": "95% low", "ci_high": "95% high"})


def changes(res: TopicsResult) -> pd.DataFrame:
    t = res.topic_change[["comparison", "topic", "label", "share_a", "share_b", "change", "ci_low", "ci_high",
                          "reading"]].copy()
    for c in ("share_a", "share_b", "change", "ci_low", "ci_high"):
        t[c] = 100 * t[c]
    return t.rename(columns={"share_a": "earlier %", "share_b": "later %", "change": "change (points)",
                             "ci_low": "95% low", "ci_high": "95% high"})


def divergence(res: TopicsResult) -> pd.DataFrame:
    t = res.divergence.drop(columns=["period_a", "period_b"])
    if res.small:  # a share of random splits reads like a p-value; with so few articles it means nothing
        t = t.drop(columns=["share_splits_above"])
    # "units a" means nothing to a reader: name the unit split at random, and each side's counts
    unit = str(t["units"].iloc[0]) if len(t) else "document"
    label = "articles" if unit == "document" else f"{unit}s"
    t[label] = [f"{int(x):,} → {int(y):,}" for x, y in zip(t["units_a"], t["units_b"], strict=True)]
    t["words"] = [f"{int(x):,} → {int(y):,}" for x, y in zip(t["words_a"], t["words_b"], strict=True)]
    t = t.drop(columns=["units", "units_a", "units_b", "words_a", "words_b"])
    return t.rename(columns={"js": "JS (bits)", "chance_mean": "random splits: mean",
                             "chance_low": "random splits: 2.5%", "chance_high": "random splits: 97.5%",
                             "share_splits_above": "share of splits ≥ JS"})


def contributions(res: TopicsResult, pair: Pair) -> pd.DataFrame:
    a, b = pair
    t = res.contributions[pair].copy()
    t["share_of_js"] = 100 * t["share_of_js"]
    return t.rename(columns={"share_of_js": "share of JS %", "per10k_a": f"per 10,000 in {a}",
                             "per10k_b": f"per 10,000 in {b}", "leans_to": "used more in"})
