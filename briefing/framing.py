"""The framing section: through which frames was the relationship covered in each period?

Entry point: `framing_section(prepared) -> FramingResult`. Frames and cues come from the
lexicon (briefing/lexicon.py), detection from briefing/frames.py, statistics from
briefing/stats.py, figures from briefing/framing_figures.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from briefing import present
from briefing.actors import ActorMatcher
from briefing.findings import Finding
from briefing.frames import FrameDetector
from briefing.lexicon import Lexicon, lexicon_for
from briefing.pipeline import Prepared
from briefing.stats import bootstrap_ratio_diff, compare_counts

#: Fewer documents than this in a period: the numbers describe these articles only.
MIN_DOCUMENTS = 5
_CUES_SHOWN = 6  # cue terms named per frame in the prose
_FRAMES_SHOWN = 6
_CUES_KEPT = 40  # one-period cue terms kept per period in the table


@dataclass
class FramingResult:
    """Everything the framing section shows. Shares are fractions (0..1); changes in points."""

    lexicon: Lexicon
    hits: pd.DataFrame  # row, doc_id, sentence, frame, cue, start, end, matched
    frames: pd.DataFrame  # id, name, definition, cues (count)
    shares: pd.DataFrame  # period, frame, name, sentences, with_frame, share, documents, docs_with, doc_share
    comparisons: pd.DataFrame  # per pair and frame: shares, change, ci_low/high, test
    rising: pd.DataFrame
    falling: pd.DataFrame
    one_period: pd.DataFrame  # only_in, kind (frame|cue), frame, cue, example...
    actors: pd.DataFrame  # period, actor, frame, name, actor_sentences, with_frame, share
    evidence: pd.DataFrame  # frame, name, period, doc_id, sentence, outlet, date, cues, markdown
    prose: str
    findings: list[Finding] = field(default_factory=list)
    small_sample: bool = True
    level: float = 0.95
    period_names: list[str] = field(default_factory=list)

    def figure_shares(self):  # noqa: ANN201 - a matplotlib Figure
        from briefing.framing_figures import shares_figure

        return shares_figure(self)

    def figure_actors(self):  # noqa: ANN201
        from briefing.framing_figures import actors_figure

        return actors_figure(self)


def pct(x: float, digits: int = 0) -> str:
    return "–" if x is None or pd.isna(x) else present.fmt_number(100 * float(x), digits) + "%"


def points(x: float, digits: int = 1) -> str:
    if x is None or pd.isna(x):
        return "–"
    sign = "+" if x > 0 else ""
    return f"{sign}{present.fmt_number(100 * float(x), digits)} points"


def framing_section(prepared: Prepared) -> FramingResult:
    """Detect frames in every sentence and measure how their shares changed between periods."""
    params = prepared.params
    opts = params.framing
    lexicon = lexicon_for(params)
    names = lexicon.names()
    det = FrameDetector(lexicon)
    sents = prepared.sentences
    hits = det.hits(sents)
    has = det.matrix(sents, hits)
    periods = prepared.period_names
    docs = prepared.documents
    frames = pd.DataFrame([(f.id, f.name, f.definition, len(f.cues)) for f in lexicon.frames],
                          columns=["frame", "name", "definition", "cues"])

    # per-document counts: sentences carrying each frame, and sentences
    by_doc = has.groupby(sents["doc_id"]).sum().reindex(docs["id"], fill_value=0)
    n_by_doc = sents.groupby("doc_id").size().reindex(docs["id"], fill_value=0)
    doc_period = pd.Series(docs["period"].astype(str).to_numpy(), index=docs["id"])

    rows = []
    for p in periods:
        ids = doc_period.index[doc_period == p]
        n_s, n_d = int(n_by_doc[ids].sum()), len(ids)
        for f in lexicon.ids:
            k_s, k_d = int(by_doc.loc[ids, f].sum()), int((by_doc.loc[ids, f] > 0).sum())
            rows.append((p, f, names[f], n_s, k_s, k_s / n_s if n_s else np.nan, n_d, k_d,
                         k_d / n_d if n_d else np.nan))
    shares = pd.DataFrame(rows, columns=["period", "frame", "name", "sentences", "with_frame", "share",
                                         "documents", "docs_with", "doc_share"])
    n_docs = docs.groupby("period", observed=False).size().reindex(periods, fill_value=0)
    small = bool(n_docs.min() < MIN_DOCUMENTS)

    comp = _comparisons(prepared, shares, by_doc, n_by_doc, doc_period, small)
    top = opts.top
    rising = comp[comp["change"] > 0].sort_values("change", ascending=False).groupby(
        ["period_a", "period_b"], sort=False).head(top).reset_index(drop=True)
    falling = comp[comp["change"] < 0].sort_values("change").groupby(
        ["period_a", "period_b"], sort=False).head(top).reset_index(drop=True)
    with_period = hits.join(sents[["period", "outlet", "date", "text"]], on="row")
    one = _one_period(prepared, shares, with_period, names)
    actors = _actor_table(prepared, has, names)
    evidence = _evidence(comp, with_period, periods, top, opts.evidence_sentences)
    result = FramingResult(lexicon=lexicon, hits=hits, frames=frames, shares=shares, comparisons=comp,
                           rising=rising, falling=falling, one_period=one, actors=actors, evidence=evidence,
                           prose="", small_sample=small, level=opts.level, period_names=periods)
    result.findings = _findings(result)
    result.prose = _prose(result, n_docs, hits, len(sents), has)
    return result


def _comparisons(prepared: Prepared, shares: pd.DataFrame, by_doc: pd.DataFrame, n_by_doc: pd.Series,
                 doc_period: pd.Series, small: bool) -> pd.DataFrame:
    opts = prepared.params.framing
    rng = np.random.default_rng(opts.seed)
    s = shares.set_index(["period", "frame"])
    out = []
    for a, b in prepared.comparisons():
        ia, ib = doc_period.index[doc_period == a], doc_period.index[doc_period == b]
        low, high = bootstrap_ratio_diff(by_doc.loc[ia].to_numpy(), n_by_doc[ia].to_numpy(),
                                         by_doc.loc[ib].to_numpy(), n_by_doc[ib].to_numpy(),
                                         rounds=opts.bootstrap_rounds, level=opts.level, seed=rng)
        claim_ok = min(len(ia), len(ib)) >= MIN_DOCUMENTS
        for j, f in enumerate(by_doc.columns):
            ra, rb = s.loc[(a, f)], s.loc[(b, f)]
            t = compare_counts(int(ra.with_frame), int(ra.sentences), int(rb.with_frame), int(rb.sentences))
            out.append({
                "period_a": a, "period_b": b, "frame": f, "name": ra["name"],
                "with_a": int(ra.with_frame), "sentences_a": int(ra.sentences),
                "with_b": int(rb.with_frame), "sentences_b": int(rb.sentences),
                "share_a": ra.share, "share_b": rb.share, "change": rb.share - ra.share,
                # below MIN_DOCUMENTS a bootstrap over so few documents is not shown (see the prose)
                "ci_low": low[j] if claim_ok else np.nan, "ci_high": high[j] if claim_ok else np.nan,
                "doc_share_a": ra.doc_share, "doc_share_b": rb.doc_share,
                "test": t.test if claim_ok else "", "p_value": t.p_value if claim_ok else np.nan,
                "claim_ok": claim_ok,
            })
    comp = pd.DataFrame(out)
    comp["abs_change"] = comp["change"].abs()
    return comp


def _example(group: pd.DataFrame) -> str:
    """A cue-highlighted example sentence (the first in the group), with outlet and date."""
    first = group.iloc[0]
    spans = group.loc[group["row"] == first["row"], ["start", "end"]].itertuples(index=False)
    return _quote(first, list(spans))


def _quote(row: pd.Series, spans: list[tuple[int, int]]) -> str:
    date = pd.Timestamp(row["date"]).date().isoformat() if pd.notna(row["date"]) else "undated"
    return f"“{present.bold_spans(row['text'], spans)}” ({present.escape(row['outlet'])}, {date})"


def _one_period(prepared: Prepared, shares: pd.DataFrame, hits: pd.DataFrame, names: dict[str, str]
                ) -> pd.DataFrame:
    """Frames, and cue terms (per frame), found in one period of a comparison and not in the other."""
    counts = shares.set_index(["period", "frame"])["with_frame"]
    rows = []
    for a, b in prepared.comparisons():
        for here, there in ((a, b), (b, a)):
            for f in names:
                if counts[(here, f)] > 0 and counts[(there, f)] == 0:
                    g = hits[(hits["period"] == here) & (hits["frame"] == f)]
                    rows.append((a, b, here, "frame", f, names[f], "", int(counts[(here, f)]), _example(g)))
            h_here = hits[hits["period"] == here]
            only = h_here[~h_here["cue"].isin(set(hits.loc[hits["period"] == there, "cue"]))]
            ranked = (only.groupby(["frame", "cue"], sort=False)["row"].nunique().reset_index(name="n")
                      .sort_values("n", ascending=False, kind="stable").head(_CUES_KEPT))
            for f, cue, n in ranked.itertuples(index=False):
                g = only[(only["cue"] == cue) & (only["frame"] == f)]
                rows.append((a, b, here, "cue", f, names[f], cue.lstrip("="), int(n), _example(g)))
    return pd.DataFrame(rows, columns=["period_a", "period_b", "only_in", "kind", "frame", "name", "cue",
                                       "sentences", "example"])


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


def _actor_table(prepared: Prepared, has: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Per period, actor and frame: of the sentences naming the actor, how many carry the frame."""
    actors = prepared.params.actors
    cols = ["period", "actor", "frame", "name", "actor_sentences", "with_frame", "share"]
    if not actors:
        return pd.DataFrame(columns=cols)
    mention = ActorMatcher(actors).table(prepared.sentences)
    period = prepared.sentences["period"].astype(str)
    rows = []
    for p in prepared.period_names:
        in_p = period == p
        for a in mention.columns:
            sel = in_p & mention[a]
            n = int(sel.sum())
            for f in has.columns:
                k = int((has[f] & sel).sum())
                rows.append((p, a, f, names[f], n, k, k / n if n else np.nan))
    return pd.DataFrame(rows, columns=cols)


def _evidence(comp: pd.DataFrame, hits: pd.DataFrame, periods: list[str], top: int, per: int
              ) -> pd.DataFrame:
    """For the frames that changed most, up to `per` sentences per period, cue words in bold."""
    order = comp.sort_values("abs_change", ascending=False, kind="stable").drop_duplicates("frame")
    chosen = order.loc[order["abs_change"] > 0, ["frame", "name"]].head(top)
    rows = []
    for f, name in chosen.itertuples(index=False):
        g = hits[hits["frame"] == f]
        for p in periods:
            gp = g[g["period"] == p]
            ranked = gp.groupby("row").size().sort_values(ascending=False, kind="stable").head(per)
            for r in ranked.index:
                h = gp[gp["row"] == r]
                first = h.iloc[0]
                spans = list(h[["start", "end"]].itertuples(index=False, name=None))
                cues = ", ".join(dict.fromkeys(c.lstrip("=") for c in h["cue"]))
                rows.append((f, name, p, first["doc_id"], int(first["sentence"]), first["outlet"],
                             first["date"], cues, _quote(first, spans)))
    return pd.DataFrame(rows, columns=["frame", "name", "period", "doc_id", "sentence", "outlet", "date",
                                       "cues", "markdown"])


def _interval(r: pd.Series, level: float) -> str:
    if pd.isna(r["ci_low"]):
        return ""
    return f" ({pct(level)} interval over documents: {points(r['ci_low'])} to {points(r['ci_high'])})"


def _shift_sentence(r: pd.Series, level: float) -> str:
    verb = "rose" if r["change"] > 0 else "fell"
    return (f"**{present.escape(r['name'])}** {verb} from {pct(r['share_a'])} of sentences in "
            f"{present.escape(r['period_a'])} ({r['with_a']} of {r['sentences_a']}) "
            f"to {pct(r['share_b'])} in "
            f"{present.escape(r['period_b'])} ({r['with_b']} of {r['sentences_b']}), "
            f"{points(r['change'])}{_interval(r, level)}.")


def _findings(res: FramingResult) -> list[Finding]:
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


def _prose(res: FramingResult, n_docs: pd.Series, hits: pd.DataFrame, n_sents: int, has: pd.DataFrame) -> str:
    names = res.lexicon.names()
    framed = int(has.any(axis=1).sum())
    parts = [f"Of {present.fmt_number(n_sents)} sentences, {present.fmt_number(framed)} "
             f"({pct(framed / n_sents if n_sents else np.nan)}) carry at least one of the "
             f"{len(names)} frames ({present.fmt_number(len(hits))} cue hits)."]
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
