"""Prose and findings of the framing section, written from its tables (article text escaped)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from briefing import present
from briefing.measures.article_frames import NONE
from briefing.sections.findings import Finding
from briefing.sections.framing.result import MIN_DOCUMENTS, FramingResult

_CUES_SHOWN = 6  # cue terms named per frame in the prose
_FRAMES_SHOWN = 6


def pct(x: float, digits: int = 0) -> str:
    return "–" if x is None or pd.isna(x) else present.fmt_number(100 * float(x), digits) + "%"


def points(x: float, digits: int = 1) -> str:
    if x is None or pd.isna(x):
        return "–"
    sign = "+" if x > 0 else ""
    return f"{sign}{present.fmt_number(100 * float(x), digits)} points"


def example(group: pd.DataFrame) -> str:
    """A cue-highlighted example sentence (the first in the group), with outlet and date."""
    first = group.iloc[0]
    spans = group.loc[group["row"] == first["row"], ["start", "end"]].itertuples(index=False)
    return quote(first, list(spans))


def quote(row: pd.Series, spans: list[tuple[int, int]]) -> str:
    date = pd.Timestamp(row["date"]).date().isoformat() if pd.notna(row["date"]) else "undated"
    return f"“{present.bold_spans(row['text'], spans)}” ({present.escape(row['outlet'])}, {date})"


def _one_period_sentence(one: pd.DataFrame, here: str, other: str) -> str:
    o = one[one["only_in"] == here]
    fr = o.loc[o["kind"] == "frame", "name"].tolist()
    cues = o[o["kind"] == "cue"]
    if not fr and cues.empty:
        return ""
    text = f"Only in {present.escape(here)}"
    if fr:
        text += ": the " + ", ".join(present.escape(n) for n in fr) + " frame" + "s" * (len(fr) > 1)
    if len(cues):
        by_frame = cues.groupby("name", sort=False)
        order = by_frame["sentences"].sum().sort_values(ascending=False, kind="stable").index[:_FRAMES_SHOWN]
        quoted = {n: ", ".join(f"“{present.escape(c)}”" for c in by_frame.get_group(n)["cue"][:_CUES_SHOWN])
                  for n in order}
        listed = "; ".join(f"{present.escape(n)} ({q})" for n, q in quoted.items())
        text += ("; and" if fr else ":") + f" cue terms absent from {present.escape(other)}: " + listed
    return text + "."


def _interval(r: pd.Series, level: float) -> str:
    if pd.isna(r["ci_low"]):
        return ""
    return f" ({pct(level)} interval over documents: {points(r['ci_low'])} to {points(r['ci_high'])})"


def _shift_sentence(r: pd.Series, level: float) -> str:
    verb = "rose" if r["change"] > 0 else "fell"
    return (f"**{present.escape(r['name'])}** {verb} from {pct(r['share_a'])} of sentences in "
            f"{present.escape(r['period_a'])} ({int(r['with_a']):,} of {int(r['sentences_a']):,}) "
            f"to {pct(r['share_b'])} in "
            f"{present.escape(r['period_b'])} ({int(r['with_b']):,} of {int(r['sentences_b']):,}), "
            f"{points(r['change'])}{_interval(r, level)}.")


def findings(res: FramingResult) -> list[Finding]:
    out = []
    for _, r in res.comparisons.iterrows():
        if r["with_a"] == 0 and r["with_b"] == 0:
            continue
        out.append(Finding(
            section="framing", measure=f"share of sentences with the {r['name']} frame",
            period_a=r["period_a"], period_b=r["period_b"], value_a=float(r["share_a"]),
            value_b=float(r["share_b"]), change=float(r["change"]),
            ci_low=None if pd.isna(r["ci_low"]) else float(r["ci_low"]),
            ci_high=None if pd.isna(r["ci_high"]) else float(r["ci_high"]),
            sentence=_shift_sentence(r, res.level) if r["change"] else
            f"**{present.escape(r['name'])}** held at {pct(r['share_a'])} of sentences.",
            weight=float(abs(r["change"])), claim_ok=bool(r["claim_ok"]), unit="share of sentences"))
    return sorted(out, key=lambda f: -f.weight)


def _primary_sentence(res: FramingResult) -> str:
    """Which frames dominate the articles of each period (their primary frames), most frequent first."""
    parts = []
    names = res.names()
    for p, g in res.primary.groupby("period", sort=False):
        n = int(g["documents"].iloc[0]) if len(g) else 0
        if not n:
            continue
        top = g[(g["primary_docs"] > 0) & (g["frame"] != NONE)].sort_values(
            "primary_docs", ascending=False, kind="stable").head(3)
        items = [f"{present.escape(names[r.frame])} ({int(r.primary_docs)} of {n})" for r in top.itertuples()]
        none = int(g.loc[g["frame"] == NONE, "primary_docs"].sum())
        if none:
            items.append(f"no substantial frame ({none} of {n})")
        parts.append(f"in {present.escape(p)}, " + ", ".join(items))
    if not parts:
        return ""
    return ("Primary frames, the frame that dominates each article (the frame in most of its sentences, "
            "among those it uses substantially): " + "; ".join(parts) + ".")


def prose(res: FramingResult, n_docs: pd.Series, n_sents: int, framed: int, n_hits: int, model: bool) -> str:
    """The section's text: `n_sents` sentences, `framed` of them with a frame, `n_hits` cue hits
    (or frame decisions of a trained classifier, `model`)."""
    names = res.names()
    parts = [f"Of {present.fmt_number(n_sents)} sentences, {present.fmt_number(framed)} "
             f"({pct(framed / n_sents if n_sents else np.nan)}) carry at least one of the "
             f"{len(names)} frames ({present.fmt_number(n_hits)} "
             f"{'frame decisions of the trained classifier' if model else 'cue hits'})."]
    for (a, b), comp in res.comparisons.groupby(["period_a", "period_b"], sort=False):
        big = comp[comp["change"] != 0].sort_values("abs_change", ascending=False, kind="stable").head(3)
        if big.empty:
            parts.append(f"No frame's share changed between {present.escape(a)} and {present.escape(b)}.")
        else:
            head = f"Largest shifts, {present.escape(a)} to {present.escape(b)}:"
            items = "\n".join(f"- {_shift_sentence(r, res.level)}" for _, r in big.iterrows())
            parts.append(head + "\n\n" + items)
        both = comp[(comp["with_a"] > 0) & (comp["with_b"] > 0)]
        if len(both):
            parts.append(f"Frames present in both {present.escape(a)} and {present.escape(b)}: "
                         + ", ".join(present.escape(n) for n in both["name"]) + ".")
        one = res.one_period[(res.one_period["period_a"] == a) & (res.one_period["period_b"] == b)]
        parts += [t for t in (_one_period_sentence(one, a, b), _one_period_sentence(one, b, a)) if t]
    if not res.primary.empty:
        parts += [t for t in (_primary_sentence(res),) if t]
    if res.small_sample:
        counts = [f"{present.fmt_number(int(v))} document{'s' * (int(v) != 1)} in {present.escape(k)}"
                  for k, v in n_docs.items()]
        listed = ", ".join(counts[:-1]) + " and " + counts[-1]
        parts.append(f"With {listed}, these numbers describe these "
                     "articles only and support no claim about coverage at large; no interval or test is "
                     f"shown where a period has fewer than {MIN_DOCUMENTS} documents.")
    else:
        parts.append("Intervals resample whole documents; tests compare sentence counts (chi-square, or "
                     "Fisher's exact test when an expected count is below 5) and treat sentences as "
                     "independent, which they are not within an article: read them as a rough guide.")
    return "\n\n".join(parts)
