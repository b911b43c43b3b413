"""Presentation tables of the sentiment section's main document: stored columns under headers a
reader can read, each interval in one cell, shares as percentages."""

from __future__ import annotations

import pandas as pd

from briefing.present import fmt_number
from briefing.sections.sentiment.result import MIN_DOCS, SentimentResult


def _interval(lo: float, hi: float) -> str:
    """'−0.065 to −0.009', or '–' where no interval was computed."""
    if pd.isna(lo) or pd.isna(hi):
        return "–"
    return f"{fmt_number(float(lo), 3)} to {fmt_number(float(hi), 3)}"


def _pct(x: float) -> str:
    return "–" if pd.isna(x) else f"{100 * float(x):.0f}%"


def _signed(x: float) -> str:
    """A difference with its sign: '+0.052', '−0.104'."""
    return fmt_number(float(x), 3) if pd.isna(x) or x < 0 else f"+{fmt_number(float(x), 3)}"


def aligned(df: pd.DataFrame, text: tuple[str, ...] = ("period", "from", "to")) -> dict[str, str]:
    """Right alignment for every column but the named text ones (`present.table(..., align=)`)."""
    return {c: "right" for c in df.columns if c not in text}


def periods_table(res: SentimentResult) -> pd.DataFrame:
    """Per period: articles, sentences, the mean compound per article with its interval, the
    shares of positive, neutral and negative sentences, and the spread of sentence scores."""
    p = res.periods
    return pd.DataFrame({
        "period": p["period"].astype(str),
        "articles": [f"{int(n):,}" for n in p["documents"]],
        "sentences": [f"{int(n):,}" for n in p["sentences"]],
        "mean compound per article": [fmt_number(float(m), 3) for m in p["mean"]],
        "95% interval": [_interval(lo, hi) for lo, hi in zip(p["ci_low"], p["ci_high"], strict=True)],
        "positive sentences": [_pct(x) for x in p["share_positive"]],
        "neutral": [_pct(x) for x in p["share_neutral"]],
        "negative": [_pct(x) for x in p["share_negative"]],
        "sentence SD": [fmt_number(float(x), 3) for x in p["sentence_sd"]],
        "sentence quartiles": [_interval(lo, hi) for lo, hi in
                               zip(p["sentence_q25"], p["sentence_q75"], strict=True)],
    })


def comparisons_table(res: SentimentResult) -> pd.DataFrame:
    """Per pair of periods: each side's articles and mean, the difference (later minus earlier)
    with its interval, the permutation p-value, and whether both sides have the MIN_DOCS
    articles a claim about the coverage needs."""
    c = res.comparisons
    return pd.DataFrame({
        "from": c["period_a"].astype(str),
        "to": c["period_b"].astype(str),
        "articles": [f"{int(a):,} → {int(b):,}"
                     for a, b in zip(c["documents_a"], c["documents_b"], strict=True)],
        "mean compound": [f"{fmt_number(float(a), 3)} → {fmt_number(float(b), 3)}"
                          for a, b in zip(c["mean_a"], c["mean_b"], strict=True)],
        "difference": [_signed(d) for d in c["difference"]],
        "95% interval": [_interval(lo, hi) for lo, hi in zip(c["ci_low"], c["ci_high"], strict=True)],
        "p (permutation)": [fmt_number(float(p), 3) for p in c["p_value"]],
        f"at least {MIN_DOCS} articles each": ["yes" if ok else "no" for ok in c["claim_ok"]],
    })
