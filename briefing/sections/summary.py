"""The executive summary: three to six key findings and a "what changed" table, from the sections.

Nothing here is hand-written: every finding is a `Finding` that a section computed, and the
wording of certainty comes from its interval and from whether the sample supports a claim.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from briefing.corpus.prepare import Prepared
from briefing.periods import statement
from briefing.present import credit_markdown, escape, fmt_number, some
from briefing.sections.findings import Finding
from briefing.sections.framing.compute import framing_section
from briefing.sections.overview import outlet_overlap
from briefing.sections.sentiment.compute import sentiment_section
from briefing.sections.topics.compute import topics_section
from briefing.store.fingerprint import code_digest
from briefing.store.results import key_of, section_result

SECTIONS = ("sentiment", "framing", "topics")
HEADINGS = {"sentiment": "Sentiment", "framing": "Framing", "topics": "Topics"}
#: The explicit id of each section's heading (`## Sentiment {#sentiment}` in its notebook), which
#: a key finding links to: both renderers make it an HTML id and a Typst label (build/links.py).
ANCHORS = {"sentiment": "sentiment", "framing": "framing", "topics": "topics"}


@dataclass
class Summary:
    """What the first page says."""

    key_findings: list[str]     # Markdown, one sentence each
    changed: pd.DataFrame       # section, measure, measured in, values, change, interval, how sure
    context: str                # Markdown: what was read, and the caveats that bound every claim


def section_results(prepared: Prepared) -> list:
    """The results of the sections the summary reads, through their entry functions: stored
    results when their inputs are unchanged (in `briefing run`, always: they ran first)."""
    return [entry(prepared) for entry in (sentiment_section, framing_section, topics_section)]


def gather(prepared: Prepared) -> list[Finding]:
    """Every section's findings."""
    return [f for result in section_results(prepared) for f in result.findings]


def select(findings: list[Finding], most: int = 6) -> list[Finding]:
    """The most notable findings, taken in turn from each section so no section crowds out the rest."""
    order = lambda f: (not f.headline, -f.weight)  # noqa: E731 - the section's overall measure first
    by_section = {s: sorted([f for f in findings if f.section == s], key=order) for s in SECTIONS}
    others = sorted([f for f in findings if f.section not in SECTIONS], key=lambda f: -f.weight)
    if others:
        by_section["other"] = others
    by_section = {s: [f for f in items if f.change or f.headline] for s, items in by_section.items()}
    chosen: list[Finding] = []
    rank = 0
    while len(chosen) < most and any(rank < len(v) for v in by_section.values()):
        for items in by_section.values():
            if rank < len(items) and len(chosen) < most:
                chosen.append(items[rank])
        rank += 1
    return chosen


#: What each kind of finding is measured in, for the "what changed" table (by `Finding.unit`).
MEASURED_IN = {
    "VADER compound": "mean VADER compound, −1 to +1",
    "share of sentences": "% of sentences; change in points",
    "share": "% of paragraph weight; change in points",
    "bits": "bits beyond random splits",
    "z": "uses per 10,000 terms",
}


def _is_share(f: Finding) -> bool:
    return "share" in f.unit


def fmt_value(f: Finding, value: float | None) -> str:
    """A period's value in the finding's unit, without the unit (the row says what it is in)."""
    if value is None or f.unit == "bits":  # the divergence is between periods, not of one
        return "–"
    return fmt_number(100 * value, 1) if _is_share(f) else fmt_number(value, 3 if f.unit != "z" else 1)


def change_of(f: Finding) -> float | None:
    """The row's change, in the row's unit: B − A (for a distinctive term, in uses per 10,000
    terms; its z-score says how sure, not how much)."""
    if f.unit == "z":
        return None if f.value_a is None or f.value_b is None else f.value_b - f.value_a
    return f.change


def _signed(value: float, digits: int) -> str:
    return f"{value:+,.{digits}f}".replace("-", "−")


def fmt_change(f: Finding, value: float | None) -> str:
    if value is None:
        return "–"
    if _is_share(f):
        return _signed(100 * value, 1)
    return _signed(value, 1 if f.unit == "z" else 3)


def interval(f: Finding) -> str:
    if f.ci_low is None or f.ci_high is None:
        return "–"
    if _is_share(f):
        return f"{_signed(100 * f.ci_low, 1)} to {_signed(100 * f.ci_high, 1)}"
    return f"{_signed(f.ci_low, 3)} to {_signed(f.ci_high, 3)}"


def certainty(f: Finding) -> str:
    """How sure the finding is, in words that follow its interval and sample."""
    if not f.claim_ok:
        return "describes these articles only"
    if f.unit == "z" and f.change is not None:  # distinctive terms: a z-score, not an interval
        z = fmt_number(float(f.change), 1)
        return f"clear lean (z {z}; |z| > 1.96)" if abs(f.change) > 1.96 else f"weak lean (z {z}; |z| < 1.96)"
    if f.ci_low is None or f.ci_high is None:
        return "no interval: too few articles"
    if f.ci_low > 0 or f.ci_high < 0:
        return "clear: the 95% interval excludes zero"
    return "uncertain: the 95% interval includes zero"


def changed_table(findings: list[Finding]) -> pd.DataFrame:
    """One row per finding: what was measured, in what, each period's value, the change (later
    minus earlier) with its 95% interval, and how sure it is. With two periods the value columns
    are named after them; with more, a `periods` column names each row's pair."""
    pairs = list(dict.fromkeys((f.period_a, f.period_b) for f in findings))
    named = len(pairs) == 1 and pairs[0][0] != pairs[0][1]
    col_a, col_b = pairs[0] if named else ("earlier", "later")
    rows = []
    for f in findings:
        row = {"section": HEADINGS.get(f.section, f.section), "measure": f.measure,
               "measured in": MEASURED_IN.get(f.unit, f.unit or "–")}
        if not named:
            row["periods"] = f"{f.period_a} → {f.period_b}"
        row |= {col_a: fmt_value(f, f.value_a), col_b: fmt_value(f, f.value_b),
                "change": fmt_change(f, change_of(f)), "95% interval": interval(f),
                "how sure": certainty(f)}
        rows.append(row)
    columns = ["section", "measure", "measured in", *([] if named else ["periods"]), col_a, col_b,
               "change", "95% interval", "how sure"]
    return pd.DataFrame(rows, columns=columns)


def context(prepared: Prepared) -> str:
    docs = prepared.documents
    counts = docs.groupby("period", observed=False).size()
    read = ", ".join(f"{fmt_number(int(n))} in {escape(p)}" for p, n in counts.items())
    parts = [f"This briefing compares news coverage across {len(counts):,} periods: "
             f"{_articles(len(docs))} ({read})."]
    rolling = statement(prepared.params)
    if rolling:
        parts.append(escape(rolling))
    smallest = int(counts.min())
    if smallest < 5:
        parts.append(f"**With {_articles(smallest)} in the smallest period, every "
                     "number below describes these articles only and supports no claim about the "
                     "coverage at large.**")
    if not outlet_overlap(prepared):
        per = "; ".join(f"{escape(p)}: {some([escape(o) for o in sorted(g['outlet'].unique())])}"
                        for p, g in docs.groupby("period", observed=False))
        parts.append(f"**The periods come from different outlets** ({per}), so a difference between "
                     "periods may reflect the outlets as much as the time.")
    text = " ".join(parts)
    credit = prepared.params.credit
    return f"{text}\n\n{credit_markdown(credit)}" if credit else text


def _articles(n: int) -> str:
    return f"{fmt_number(n)} article{'s' * (n != 1)}"


def executive_summary(prepared: Prepared, findings: list[Finding] | None = None,
                      most: int = 6, per_section: int = 4) -> Summary:
    """Key findings (three to six, each with its number and how sure it is) and the table of the
    `per_section` most notable non-zero changes of each section."""
    if findings is None:
        results = section_results(prepared)
        inputs = {"sections": [key_of(r) for r in results], "most": most, "per_section": per_section,
                  "code": code_digest(__name__)}
        found = [f for r in results for f in r.findings]
        return section_result("summary", Summary, prepared, inputs,
                              lambda: executive_summary(prepared, found, most, per_section))
    chosen = select(findings, most)
    key = []
    for f in chosen:
        ref, anchor = HEADINGS.get(f.section), ANCHORS.get(f.section)
        link = f" ([{ref}](#{anchor}))" if ref and anchor else ""
        says_so = "articles only" in f.sentence or "describes them only" in f.sentence
        tag = "" if says_so else f" *{certainty(f).capitalize()}.*"
        key.append(f"{f.sentence}{tag}{link}")
    shown = [f for f in select(findings, most=per_section * len(SECTIONS)) if f.change]
    table = changed_table(sorted(shown, key=lambda f: (SECTIONS.index(f.section)
                                                       if f.section in SECTIONS else 9,
                                                       not f.headline, -f.weight)))
    return Summary(key, table, context(prepared))
