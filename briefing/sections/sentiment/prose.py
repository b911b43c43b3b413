"""Prose and findings of the sentiment section, written from its tables.

Direction words come from the sign of the difference; certainty words from its interval
(a claim of "more negative" needs the 95% interval to exclude zero and at least MIN_DOCS
documents on each side). Everything from articles or params is escaped.
"""

from __future__ import annotations

import math

import pandas as pd

from briefing.present import clip, escape, fmt_number, some
from briefing.sections.findings import Finding
from briefing.sections.sentiment.result import SentimentResult

#: A pair of actors enters the prose when each period has at least this many sentences naming both.
PAIR_MIN = 3
#: How an actor's (or pair's) finding names its measure: this, then the actor.
ACTOR_MEASURE = "mean compound of sentences about "

VADER_NOTE = (
    "Scores come from VADER (Hutto & Gilbert 2014) as NLTK ships it, applied to each cleaned "
    "sentence: the compound score runs from −1 (most negative) to +1 (most positive); a sentence "
    "counts as positive at {pos} or above and negative at {neg} or below. A document's score is "
    "the mean compound of its sentences. On news-editorial sentences VADER agrees with human "
    "raters only moderately (r = 0.49 against the mean of human ratings on 5,190 New York Times "
    "editorial snippets, Hutto & Gilbert 2014), so small differences are noise."
)


def num(x: float) -> str:
    return fmt_number(float(x), 2)


def pval(p: float) -> str:
    """'permutation p = 0.012', or 'p < 0.001' (a permutation p is never zero)."""
    return "permutation p < 0.001" if p < 0.001 else f"permutation p = {fmt_number(float(p), 3)}"


def ci(lo: float, hi: float) -> str:
    return f"95% CI {num(lo)} to {num(hi)}"


def has(x: float) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x))


def direction(diff: float) -> str:
    """The direction word for a difference b − a."""
    if not has(diff) or diff == 0:
        return "no different"
    return "more positive" if diff > 0 else "more negative"


def described(diff: float) -> str:
    """Direction words for a description of these articles only ("slightly" under 0.05)."""
    word = direction(diff)
    return f"slightly {word}" if has(diff) and 0 < abs(diff) < 0.05 else word


def interval_excludes_zero(lo: float, hi: float) -> bool:
    return has(lo) and has(hi) and (lo > 0 or hi < 0)


def plural(n: int, word: str) -> str:
    return f"{fmt_number(int(n))} {word}{'s' * (int(n) != 1)}"


def overall_sentence(row: pd.Series) -> str:
    """One comparison of the mean compound per article, worded no stronger than its interval."""
    a, b = escape(row["period_a"]), escape(row["period_b"])
    d, lo, hi = row["difference"], row["ci_low"], row["ci_high"]
    means = f"mean compound per article {num(row['mean_b'])} in {b} against {num(row['mean_a'])} in {a}"
    if not row["claim_ok"]:
        text = (f"In these articles, sentences in {b} were on average {described(d)} than in {a} "
                f"({means}; difference {num(d)}). With {plural(row['documents_a'], 'article')} in {a} "
                f"and {plural(row['documents_b'], 'article')} in {b}, the numbers describe these "
                "articles only and support no claim about the coverage at large; no p-value is given.")
        if min(row["documents_a"], row["documents_b"]) < 2:
            text += (" A bootstrap over documents is degenerate with a single article in a period "
                     "(every resample is that same article), so no interval is given.")
        elif has(lo):
            text += f" The bootstrap interval ({ci(lo, hi)}) rests on too few articles to lean on."
        return text
    p = pval(row["p_value"])
    if interval_excludes_zero(lo, hi):
        text = (f"Coverage in {b} was {direction(d)} than in {a} ({means}; difference {num(d)}, "
                f"{ci(lo, hi)}; {p}).")
        if abs(d) < 0.05:
            text += (" The difference is small: given VADER's moderate agreement with human raters, "
                     "read it as slight at most.")
        return text
    return (f"Coverage in {b} was not clearly warmer or colder than in {a} ({means}; difference "
            f"{num(d)}, {ci(lo, hi)}, which includes zero; {p}).")


def overall_short(row: pd.Series) -> str:
    """The measured comparison in one sentence (the summary states the sample caveats once)."""
    if row["claim_ok"]:
        return overall_sentence(row)
    a, b, d = escape(row["period_a"]), escape(row["period_b"]), row["difference"]
    means = f"mean compound per article {num(row['mean_b'])} in {b} against {num(row['mean_a'])} in {a}"
    return (f"In these articles, sentences in {b} were on average {described(d)} than in {a} "
            f"({means}; difference {num(d)}).")


def outlet_sentence(row: pd.Series, docs: pd.DataFrame) -> str:
    """The within-outlet shift beside the raw one, or the statement that no outlet is shared."""
    a, b = row["period_a"], row["period_b"]
    if row["shared_outlets"] == 0:
        outlets = {p: sorted(docs.loc[docs["period"] == p, "outlet"].unique()) for p in (a, b)}
        lists = "; ".join(f"{escape(p)}: {some([escape(o) for o in outlets[p]])}" for p in (a, b))
        return (f"**{escape(a)} and {escape(b)} share no outlet** ({lists}): the difference mixes a change "
                "of time with a change of source, and no within-outlet shift can be computed.")
    w, lo, hi = row["within_outlet_shift"], row["within_ci_low"], row["within_ci_high"]
    interval = f", {ci(lo, hi)}" if has(lo) else " (no interval: too few articles per outlet)"
    text = (f"Within the {plural(row['shared_outlets'], 'outlet')} present in both {escape(a)} and "
            f"{escape(b)} ({plural(row['shared_outlet_documents'], 'article')}), the shift is "
            f"{num(w)}{interval}, beside the raw shift of {num(row['difference'])}.")
    raw = row["difference"]
    if has(w) and has(raw) and abs(w - raw) >= 0.05:
        if row["claim_ok"] and has(lo) and not (lo <= raw <= hi):
            text += (" The raw shift lies outside the within-outlet interval: it reflects a change in "
                     "which outlets were sampled more than a change of tone within outlets.")
        else:
            text += (" The gap between the two may partly reflect which outlets were sampled; with "
                     "these few articles per outlet, that cannot be told apart from noise.")
    return text


def actor_sentence(row: pd.Series, actors: pd.DataFrame) -> str:
    """One actor's (or pair's) comparison between two periods."""
    tgt = row["target"]
    subject = (f"Sentences mentioning both {' and '.join(escape(x) for x in tgt.split(' + '))}"
               if row["kind"] == "pair" else f"Sentences about {escape(tgt)}")
    a, b = escape(row["period_a"]), escape(row["period_b"])

    def part(period: str, n: int) -> str:
        r = actors[(actors["target"] == tgt) & (actors["period"] == period)].iloc[0]
        extra = f", {ci(r['ci_low'], r['ci_high'])}" if has(r["ci_low"]) else ""
        return f"mean {num(r['mean'])}{extra}, {plural(n, 'sentence')} in {plural(r['documents'], 'article')}"

    if row["sentences_a"] == 0 or row["sentences_b"] == 0:
        none, some = (a, b) if row["sentences_a"] == 0 else (b, a)
        n = row["sentences_b"] if row["sentences_a"] == 0 else row["sentences_a"]
        if n == 0:
            return ""
        per = row["period_b"] if row["sentences_a"] == 0 else row["period_a"]
        return f"{subject}: none in {none}, so no comparison; in {some}, {part(per, n)}."
    d, lo, hi = row["difference"], row["ci_low"], row["ci_high"]
    pa, pb = part(row["period_a"], row["sentences_a"]), part(row["period_b"], row["sentences_b"])
    if not row["claim_ok"]:
        return (f"In these articles, {subject[0].lower() + subject[1:]} were {described(d)} in {b} "
                f"({pb}) than in {a} ({pa}); with so few articles this describes them only.")
    if interval_excludes_zero(lo, hi):
        return (f"{subject} were {direction(d)} in {b} ({pb}) than in {a} ({pa}); difference {num(d)}, "
                f"{ci(lo, hi)}, {pval(row['p_value'])}.")
    return (f"{subject} were not clearly different in {b} ({pb}) from {a} ({pa}): difference {num(d)}, "
            f"{ci(lo, hi)}, which includes zero.")


def spread_sentence(periods: pd.DataFrame) -> str:
    """For single-article periods: the spread of sentence scores, labelled as within-article."""
    one = periods[periods["documents"] == 1]
    if one.empty:
        return ""
    parts = ", ".join(f"SD {num(r.sentence_sd)} across {plural(r.sentences, 'sentence')} in the "
                      f"{escape(r.period)} article (quartiles {num(r.sentence_q25)} to {num(r.sentence_q75)})"
                      for r in one.itertuples())
    return ("What the period table shows instead is the spread of sentence scores, which is variation "
            f"within each article only, not evidence about coverage: {parts}.")


def quote(row: pd.Series) -> str:
    """A sentence quoted with outlet, date and score (escaped); one of more than QUOTE_WORDS words
    is shortened (the tables hold it whole)."""
    date = row["date"].date().isoformat() if hasattr(row["date"], "date") else escape(row["date"])
    text = clip(str(row["text"]))
    quoted = escape(text) if text[:1] in "“\"'‘" else f"“{escape(text)}”"
    return f"{quoted} ({escape(row['outlet'])}, {date}; compound {num(row['compound'])})"


def evidence_text(extremes: pd.DataFrame, names: list[str]) -> str:
    """The most positive and most negative sentence of each period, quoted."""
    lines = []
    for p in names:
        for which in ("most positive", "most negative"):
            hit = extremes[(extremes["period"] == p) & (extremes["which"] == which) & (extremes["rank"] == 1)]
            if len(hit):
                lines.append(f"- {escape(p)}, {which}: {quote(hit.iloc[0])}")
    return "\n".join(lines)


def actor_quotes(result: SentimentResult, most: int = 1) -> str:
    """The evidence of the `most` most notable actor (or pair) findings: for each, the sentence of
    each of its periods that moves the actor's mean most (from `actor_evidence`), quoted."""
    actor = sorted((f for f in result.findings if f.measure.startswith(ACTOR_MEASURE)),
                   key=lambda f: -f.weight)[:most]
    ev = result.actor_evidence
    blocks = []
    for f in actor:
        target = f.measure.removeprefix(ACTOR_MEASURE)
        subject = " and ".join(escape(x) for x in target.split(" + "))
        lines = [f"Sentences naming **{subject}**{' together' if ' + ' in target else ''}: in each "
                 "period, the sentence that moves their mean most."]
        for period in (f.period_a, f.period_b):
            hit = ev[(ev["target"] == target) & (ev["period"] == period)]
            if len(hit):
                r = hit.iloc[0]
                lines.append(f"- {escape(period)} (mean {num(r['mean'])} over "
                             f"{plural(r['sentences'], 'sentence')}): {quote(r)}")
        if len(lines) > 1:
            blocks.append("\n".join(lines[:1] + [""] + lines[1:]))
    return "\n\n".join(blocks)


def write(result: SentimentResult) -> None:
    """Fill `prose`, `outlet_note`, `by_date_note` and `findings` of a SentimentResult."""
    opts = result.options
    paras = [VADER_NOTE.format(pos=num(opts.positive_threshold), neg=num(opts.negative_threshold))]
    small = result.periods[result.periods["documents"] < 5]
    if len(small):
        names = ", ".join(f"{escape(r.period)} ({plural(r.documents, 'article')})"
                          for r in small.itertuples())
        paras.append(f"**Small sample.** Fewer than 5 articles in {names}: the numbers below describe "
                     "these articles only and support no claim about the coverage at large.")
    findings = []
    overall, outlets = [], []
    for _, row in result.comparisons.iterrows():
        s = overall_sentence(row)
        overall.append(s)
        outlets.append(outlet_sentence(row, result.documents))
        # the summary gets the measured sentence; its caveats are stated once, in the summary's context
        findings.append(_finding("mean compound per article", row, overall_short(row), headline=True))
    spread = spread_sentence(result.periods)
    paras.append(" ".join(overall + ([spread] if spread else [])))
    result.outlet_note = " ".join(outlets)
    paras.append(result.outlet_note)
    actor_lines = []
    for _, row in result.actor_comparisons.iterrows():
        if row["kind"] == "pair" and min(row["sentences_a"], row["sentences_b"]) < PAIR_MIN:
            continue
        s = actor_sentence(row, result.actors)
        if s:
            actor_lines.append(f"- {s}")
            if row["sentences_a"] and row["sentences_b"]:
                findings.append(_finding(f"{ACTOR_MEASURE}{row['target']}", row, s))
    if actor_lines:
        paras.append(f"Toward each actor (sentences that name it; pairs of actors named together when "
                     f"each period has at least {PAIR_MIN} such sentences, all pairs in the actor table):"
                     "\n\n" + "\n".join(actor_lines))
    if result.options.attribute_pronouns:
        paras.append("Sentences that name no actor but use he/she/his/her right after a sentence naming "
                     "exactly one actor are attributed to that actor (option `attribute_pronouns`).")
    counts = result.documents.groupby("period", observed=False).size()
    if counts.max() < 10:
        result.by_date_note = ("No period has 10 or more articles, so sentiment is not plotted by date.")
    result.evidence = evidence_text(result.extremes, result.period_names)
    result.prose = "\n\n".join(paras)
    result.findings = findings


def _finding(measure: str, row: pd.Series, sentence: str, headline: bool = False) -> Finding:
    d, lo, hi = row["difference"], row["ci_low"], row["ci_high"]
    width = (hi - lo) if has(lo) and has(hi) else float("nan")
    weight = abs(d) / max(width, 0.05) if has(width) and has(d) else (abs(d) if has(d) else 0.0)
    return Finding(section="sentiment", measure=measure, period_a=str(row["period_a"]),
                   period_b=str(row["period_b"]), value_a=_f(row["mean_a"]), value_b=_f(row["mean_b"]),
                   change=_f(d), ci_low=_f(lo), ci_high=_f(hi), sentence=sentence, weight=float(weight),
                   claim_ok=bool(row["claim_ok"]), unit="VADER compound", headline=headline)


def _f(x: float) -> float | None:
    return float(x) if has(x) else None
