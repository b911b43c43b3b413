"""Prose and findings of the topics section, written from its tables (article text escaped)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from briefing.present import escape, fmt_number
from briefing.sections.findings import Finding

if TYPE_CHECKING:  # pragma: no cover
    from briefing.corpus.prepare import Prepared
    from briefing.sections.topics.result import TopicsResult

SECTION = "topics"
IN_PROSE = 5


def _divergence_finding_sentence(a: str, b: str, d) -> str:
    """The divergence set against random splits: larger than chance only when above their range."""
    head = f"The vocabulary of {escape(b)} differs from {escape(a)} by JS {fmt_number(d.js, 3)} bits"
    if d.js > d.chance_high:
        return (f"{head}, more than between random splits of the same {d.units}s "
                f"({fmt_number(d.chance_low, 3)}–{fmt_number(d.chance_high, 3)}).")
    return (f"{head}, no more than between random splits of the same {d.units}s "
            f"({fmt_number(d.chance_low, 3)}–{fmt_number(d.chance_high, 3)}): not a shift beyond chance.")


def fmt_terms(items: list[str]) -> str:
    """Terms for prose: escaped, in quotes, joined by commas."""
    return ", ".join(f"“{escape(t)}”" for t in items)


def pct(x: float) -> str:
    """A share as a whole percentage, written as the other sections write it ("14%")."""
    return f"{fmt_number(100 * float(x), 0)}%"


def _terms_sentence(res: TopicsResult, a: str, b: str) -> str:
    side_a, side_b = res.top((a, b))
    za, zb = side_a.head(IN_PROSE), side_b.head(IN_PROSE)
    parts = []
    for lv, tab in ((a, za), (b, zb)):
        if len(tab):
            zs = tab["z"].abs()
            parts.append(f"{escape(lv)} used {fmt_terms(tab['term'].tolist())} more "
                         f"(|z| {fmt_number(float(zs.min()), 1)} to {fmt_number(float(zs.max()), 1)})")
    text = "; ".join(parts) + "." if parts else "No term leans to either period."
    new, gone = res.new[(a, b)].head(IN_PROSE), res.vanished[(a, b)].head(IN_PROSE)
    if len(new) or len(gone):
        bits = []
        if len(new):
            bits.append(f"only {escape(b)} has {fmt_terms(new['item'].tolist())}")
        if len(gone):
            bits.append(f"only {escape(a)} has {fmt_terms(gone['item'].tolist())}")
        text += " Among terms and names found in one period only, " + "; ".join(bits) + "."
    return text


def _topic_sentence(res: TopicsResult, a: str, b: str) -> str:
    ch = res.topic_change[(res.topic_change.period_a == a) & (res.topic_change.period_b == b)]
    if ch.empty:
        return ""
    row = ch.loc[ch["change"].abs().idxmax()]
    unit = ("paragraphs within the articles (within-article variation only)"
            if res.interval_unit == "paragraph" else "documents")
    verb = "rose" if row.change > 0 else "faded"
    where = "in these articles " if res.small else ""
    text = (f"The largest topic shift: “{escape(row.label)}” {verb} {where}from {pct(row.share_a)} to "
            f"{pct(row.share_b)} of paragraph weight (change {fmt_number(100 * row.change, 0)} points, "
            f"95 % interval {fmt_number(100 * row.ci_low, 0)} to {fmt_number(100 * row.ci_high, 0)}, "
            f"resampling {unit})")
    if row.reading == "no clear change":
        text += "; the interval includes no change."
    else:
        text += "."
    return text


def _divergence_sentence(res: TopicsResult, a: str, b: str) -> str:
    d = res.divergence[(res.divergence.period_a == a) & (res.divergence.period_b == b)].iloc[0]
    contrib = res.contributions[(a, b)].head(IN_PROSE)
    units = "paragraphs" if d.units == "paragraph" else "documents"
    beyond = ("larger than every random split gives" if d.js > d.chance_high
              else "within the range random splits give")
    text = (f"The word distributions differ by a Jensen–Shannon divergence of {fmt_number(d.js, 3)} bits, "
            f"{beyond} ({fmt_number(d.chance_mean, 3)} on average, 95 % of {units}-level random splits "
            f"{fmt_number(d.chance_low, 3)} to {fmt_number(d.chance_high, 3)})")
    if len(contrib):
        text += f"; the words contributing most are {fmt_terms(contrib['word'].tolist())}."
    else:
        text += "."
    return text


def prose(res: TopicsResult, prepared: Prepared) -> str:
    """What each period emphasised, how topics moved, how far the vocabulary moved, and the caveat."""
    out = []
    for a, b in res.comparisons:
        head = f"**{escape(a)} → {escape(b)}.** " if len(res.comparisons) > 1 else ""
        out.append(head + " ".join(s for s in (_terms_sentence(res, a, b), _topic_sentence(res, a, b),
                                                _divergence_sentence(res, a, b)) if s))
    docs = prepared.documents.groupby("period", observed=False).size()
    if res.small:
        n = int(docs.min())
        out.append(
            f"With {fmt_number(n)} article{'s' * (n != 1)} in the smallest period, "
            "these numbers describe these articles only and support no claim about coverage at large: "
            "a term can lean to a period because of one outlet's style or one story, and the intervals "
            "show variation between paragraphs within the articles, not between articles.")
    return "\n\n".join(out)


def findings(res: TopicsResult) -> list[Finding]:
    """The measured changes: divergence beyond chance, the biggest topic shifts, the top terms."""
    out: list[Finding] = []
    claim = not res.small
    for a, b in res.comparisons:
        d = res.divergence[(res.divergence.period_a == a) & (res.divergence.period_b == b)].iloc[0]
        excess = d.js - d.chance_mean
        out.append(Finding(
            # A is what random splits of the pooled text give, B the divergence between the periods;
            # the interval is B minus the 95% range of random splits (excludes 0: beyond chance)
            SECTION, "vocabulary divergence between the periods (Jensen–Shannon)", a, b,
            float(d.chance_mean), float(d.js), float(excess),
            float(d.js - d.chance_high), float(d.js - d.chance_low),
            _divergence_finding_sentence(a, b, d),
            weight=float(excess / max(d.chance_high - d.chance_mean, 1e-9)), claim_ok=claim, unit="bits",
            headline=True))
        ch = res.topic_change[(res.topic_change.period_a == a) & (res.topic_change.period_b == b)]
        for row in ch.sort_values("change", key=np.abs, ascending=False).head(3).itertuples():
            verb = {"rose": "rose", "faded": "faded"}.get(row.reading, "changed little")
            half = max((row.ci_high - row.ci_low) / 2, 1e-9)
            out.append(Finding(
                SECTION, f"topic share: {row.label}", a, b, float(row.share_a), float(row.share_b),
                float(row.change), float(row.ci_low), float(row.ci_high),
                f"Topic “{escape(row.label)}” {verb}: {pct(row.share_a)} of paragraph weight in {escape(a)}, "
                f"{pct(row.share_b)} in {escape(b)}.",
                weight=float(abs(row.change) / half), claim_ok=claim and row.reading != "no clear change",
                unit="share"))
        side_a, side_b = res.top((a, b))
        for lv, tab in ((a, side_a), (b, side_b)):
            if len(tab):
                t = tab.iloc[0]
                out.append(Finding(
                    SECTION, f"“{t.term}”, most distinctive term of {lv}", a, b,
                    float(t.per10k_a), float(t.per10k_b),
                    float(t.z), None, None,
                    f"“{escape(t.term)}” is the term most characteristic of {escape(lv)} "
                    f"(z {fmt_number(float(t.z), 1)}; {fmt_number(int(t.count_a))} vs "
                    f"{fmt_number(int(t.count_b))} uses).",
                    weight=float(abs(t.z) / 2), claim_ok=claim, unit="z"))
    return out
