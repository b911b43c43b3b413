"""Presentation tables and Markdown blocks of the framing section (the notebook shows these)."""

from __future__ import annotations

import pandas as pd

from briefing import present
from briefing.measures.article_frames import NONE
from briefing.sections.framing.figures import frame_order
from briefing.sections.framing.prose import pct, points
from briefing.sections.framing.result import FramingResult


def _pct(x: float) -> str:
    return pct(x, 1)


def shares_table(res: FramingResult) -> pd.DataFrame:
    """One row per frame: per period, sentences carrying it (k of n, share) and the documents that use
    it substantially (the article rule of briefing/measures/article_frames.py)."""
    s = res.shares.set_index(["period", "frame"])
    out = {"frame": [res.names()[f] for f in frame_order(res)[::-1]]}
    for p in res.period_names:
        rows = [s.loc[(p, f)] for f in frame_order(res)[::-1]]
        out[f"{p}: sentences"] = [f"{int(r.with_frame):,} of {int(r.sentences):,}" for r in rows]
        out[f"{p}: share"] = [_pct(r.share) for r in rows]
        out[f"{p}: documents using it"] = [f"{int(r.docs_with):,} of {int(r.documents):,}" for r in rows]
    return pd.DataFrame(out)


def primary_table(res: FramingResult) -> pd.DataFrame:
    """Per frame and period: the share of sentences carrying it, beside the articles whose primary
    frame it is (k of n, share) and the interval of that share (resampling articles). Frames that
    no sentence carries and no article has as primary frame are left out; "none" comes last."""
    s = res.shares.set_index(["period", "frame"])["share"]
    prim = res.primary.set_index(["period", "frame"])
    level = present.fmt_number(100 * res.level, 0)
    order = [f for f in frame_order(res)[::-1]
             if any(s[(p, f)] > 0 or prim.loc[(p, f), "primary_docs"] > 0 for p in res.period_names)]
    labels = [*order, NONE]
    out = {"frame": [res.names().get(f, "none (no frame substantial)") for f in labels]}
    for p in res.period_names:
        out[f"{p}: sentences"] = [_pct(s[(p, f)]) if f != NONE else "–" for f in labels]
        rows = [prim.loc[(p, f)] for f in labels]
        out[f"{p}: primary in"] = [f"{int(r.primary_docs):,} of {int(r.documents):,} ({_pct(r.share)})"
                                   for r in rows]
        out[f"{p}: {level}% interval"] = ["–" if pd.isna(r.ci_low) else
                                          f"{_pct(r.ci_low)} to {_pct(r.ci_high)}" for r in rows]
    return pd.DataFrame(out)


def changes_table(res: FramingResult) -> pd.DataFrame:
    """Every frame's change per comparison, largest rise first, with interval and test."""
    c = res.comparisons.sort_values(["period_a", "period_b", "change"], ascending=[True, True, False],
                                    kind="stable")
    level = present.fmt_number(100 * res.level, 0)
    return pd.DataFrame({
        "comparison": [f"{a} → {b}" for a, b in zip(c["period_a"], c["period_b"], strict=True)],
        "frame": c["name"],
        "share before": c["share_a"].map(_pct),
        "share after": c["share_b"].map(_pct),
        "change": c["change"].map(points),
        f"{level}% interval": [
            "–" if pd.isna(lo) else f"{points(lo)} to {points(hi)}"
            for lo, hi in zip(c["ci_low"], c["ci_high"], strict=True)],
        "test": [t or "–" for t in c["test"]],
        "p": c["p_value"],
    })


def rising_falling_table(res: FramingResult) -> pd.DataFrame:
    rows = []
    for kind, t in (("rising", res.rising), ("falling", res.falling)):
        for r in t.itertuples(index=False):
            rows.append((f"{r.period_a} → {r.period_b}", kind, r.name, _pct(r.share_a), _pct(r.share_b),
                         points(r.change)))
    return pd.DataFrame(rows, columns=["comparison", "direction", "frame", "share before", "share after",
                                       "change"])


def one_period_table(res: FramingResult) -> pd.DataFrame:
    """Frames and cue terms found in one period only, each with an example (cue words in bold)."""
    o = res.one_period
    return pd.DataFrame({
        "only in": o["only_in"], "what": o["kind"], "frame": o["name"],
        "cue": o["cue"], "sentences": o["sentences"], "example": o["example"],
    })


def evidence_markdown(res: FramingResult, per_period: int | None = None, words: int | None = None) -> str:
    """For each frame that changed most: its example sentences per period, cue words in bold
    (`per_period`: at most that many per period, the first ones; `words`: each quotation cut after
    that many words, see `present.clip_markdown`; None: all of them, whole)."""
    if res.evidence.empty:
        return "No frame changed between periods."
    blocks = []
    for (f, name), g in res.evidence.groupby(["frame", "name"], sort=False):
        definition = res.frames.set_index("frame").loc[f, "definition"]
        lines = [f"**{present.escape(name)}**: {present.escape(definition)}", ""]
        for p, gp in g.groupby("period", sort=False):
            for r in (gp if per_period is None else gp.head(per_period)).itertuples(index=False):
                lines.append(f"- {present.escape(p)}: {_clipped(r.markdown, words)}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _clipped(quoted: str, words: int | None) -> str:
    """A quotation `“...” (outlet, date)` with the words inside the quotes cut after `words`."""
    text, mark, source = quoted.rpartition("” (")
    if words is None or not mark or not text.startswith("“"):
        return quoted
    return f"{present.clip_markdown(text, words)}{mark}{source}"


def actors_table(res: FramingResult) -> pd.DataFrame:
    """The heat map's numbers: per frame, for each period and actor, sentences with the frame."""
    t = res.actors
    if t.empty:
        return pd.DataFrame({"frame": []})
    names = res.names()
    out = {"frame": [names[f] for f in names]}
    for (p, a), g in t.groupby(["period", "actor"], sort=False):
        g = g.set_index("frame").reindex(list(names))
        cells = zip(g["with_frame"], g["actor_sentences"], g["share"], strict=True)
        out[f"{p}: {a}"] = [f"{int(k):,} of {int(n):,}" + (f" ({_pct(s)})" if n else "") for k, n, s in cells]
    return pd.DataFrame(out)


def lexicon_table(res: FramingResult) -> pd.DataFrame:
    return pd.DataFrame({"frame": res.frames["name"], "definition": res.frames["definition"],
                         "cues": res.frames["cues"]})
