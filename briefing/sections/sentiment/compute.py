"""The sentiment section: did coverage grow warmer or colder between periods, toward whom,
how sure can we be, and which sentences show it?

Unit: the cleaned sentence, scored with VADER as NLTK ships it (`briefing.measures.vader`). A
document's score is the mean compound of its sentences; a period's is the mean over its
documents, with a bootstrap interval that resamples documents (`briefing.measures.stats`). Prose and
findings are written from these tables in `prose.py` beside this module; figures are drawn
in `figures.py`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from briefing.corpus.prepare import Prepared
from briefing.measures import stats
from briefing.measures.per_sentence import actor_mentions, vader_scores
from briefing.params import SentimentOptions
from briefing.sections.sentiment.prose import write
from briefing.sections.sentiment.result import MIN_DOCS, SentimentResult
from briefing.store.fingerprint import code_digest
from briefing.store.results import section_result

#: Third-person pronouns that may carry an actor into the next sentence (option, off by default).
PRONOUNS = frozenset({"he", "him", "his", "she", "her", "hers"})


def tone(compound: pd.Series, opts: SentimentOptions) -> pd.Series:
    """positive / neutral / negative by VADER's thresholds (compound ≥ 0.05, ≤ −0.05 by default)."""
    out = np.where(compound >= opts.positive_threshold, "positive",
                   np.where(compound <= opts.negative_threshold, "negative", "neutral"))
    return pd.Series(out, index=compound.index)


def score_sentences(prepared: Prepared, opts: SentimentOptions) -> pd.DataFrame:
    """The sentence table with neg, neu, pos, compound (VADER, from the per-document cache) and
    tone added (same row order)."""
    out = pd.concat([prepared.sentences, vader_scores(prepared)], axis=1)
    out["tone"] = tone(out["compound"], opts)
    return out


def attribute_pronouns(sentences: pd.DataFrame, mentions: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Mentions with pronouns attributed, and which sentences got their actor from a pronoun: a
    sentence that names no actor but contains he/him/his/she/her is attributed to the single
    actor named by the sentence before it (same paragraph). An explicit option, off by default."""
    table = mentions.copy()
    carried = pd.Series("", index=sentences.index, dtype=object)
    if table.shape[1] == 0:
        return table, carried
    named = table.sum(axis=1)
    prev_key = None
    prev_single: str | None = None
    for idx, row in sentences[["doc_id", "paragraph", "text"]].iterrows():
        key = (row["doc_id"], row["paragraph"])
        if named[idx] == 0 and key == prev_key and prev_single is not None:
            words = {w.strip(".,;:!?\"'()").lower() for w in str(row["text"]).split()}
            if words & PRONOUNS:
                table.loc[idx, prev_single] = True
                carried[idx] = prev_single
        single = table.columns[table.loc[idx]].tolist()
        prev_single = single[0] if len(single) == 1 else None
        prev_key = key
    return table, carried


def document_table(documents: pd.DataFrame, sents: pd.DataFrame) -> pd.DataFrame:
    """Per document: mean compound of its sentences and its shares of tones."""
    flags = pd.DataFrame({"compound": sents["compound"], "doc_id": sents["doc_id"]})
    for t in ("positive", "neutral", "negative"):
        flags[f"share_{t}"] = (sents["tone"] == t).astype(float)
    per = flags.groupby("doc_id", observed=True).mean()
    docs = documents[["id", "period", "outlet", "date", "title", "sentences"]].join(per, on="id")
    return docs.rename(columns={"id": "doc_id"}).reset_index(drop=True)


def period_table(docs: pd.DataFrame, sents: pd.DataFrame, names: list[str],
                 opts: SentimentOptions) -> pd.DataFrame:
    """Per period: mean of document scores with a 95% bootstrap CI over documents, mean shares,
    and the spread of sentence scores (within-article variation when there is one article)."""
    rows = []
    for k, name in enumerate(names):
        d = docs[(docs["period"] == name) & docs["compound"].notna()]
        s = sents.loc[sents["period"] == name, "compound"]
        mean, lo, hi = stats.bootstrap_mean_ci(d["compound"], None, opts.bootstrap_rounds, opts.seed + k)
        rows.append({
            "period": name, "documents": len(d), "sentences": len(s), "mean": mean,
            "ci_low": lo, "ci_high": hi,
            "interval": "bootstrap over documents" if len(d) >= 2 else "none (one document)",
            "share_positive": d["share_positive"].mean(), "share_neutral": d["share_neutral"].mean(),
            "share_negative": d["share_negative"].mean(),
            "sentence_sd": s.std(), "sentence_q25": s.quantile(0.25), "sentence_q75": s.quantile(0.75),
        })
    return pd.DataFrame(rows)


def comparison_table(docs: pd.DataFrame, pairs: list[tuple[str, str]], opts: SentimentOptions
                     ) -> pd.DataFrame:
    """Per period pair: mean(b) − mean(a) over documents with CI and permutation p (p only
    reported with MIN_DOCS documents on each side), and the within-outlet shift."""
    rows = []
    docs = docs[docs["compound"].notna()]
    for k, (a, b) in enumerate(pairs):
        da, db = docs[docs["period"] == a], docs[docs["period"] == b]
        diff, lo, hi = stats.bootstrap_diff_ci(da["compound"], db["compound"], rounds=opts.bootstrap_rounds,
                                               seed=opts.seed + 100 + k)
        claim = min(len(da), len(db)) >= MIN_DOCS
        p = (stats.permutation_pvalue(da["compound"], db["compound"], rounds=opts.permutation_rounds,
                                      seed=opts.seed + 200 + k) if claim else float("nan"))
        both = pd.concat([da, db])
        w, wlo, whi, n_shared = stats.stratified_diff(both["compound"], both["period"] == b, both["outlet"],
                                                      rounds=opts.bootstrap_rounds, seed=opts.seed + 300 + k)
        shared = sorted(set(da["outlet"]) & set(db["outlet"]))
        rows.append({
            "period_a": a, "period_b": b, "documents_a": len(da), "documents_b": len(db),
            "mean_a": da["compound"].mean(), "mean_b": db["compound"].mean(), "difference": diff,
            "ci_low": lo, "ci_high": hi, "p_value": p, "shared_outlets": n_shared,
            "shared_outlet_documents": int(both["outlet"].isin(shared).sum()),
            "within_outlet_shift": w, "within_ci_low": wlo, "within_ci_high": whi, "claim_ok": claim,
        })
    return pd.DataFrame(rows)


def targets(mentions: pd.DataFrame) -> dict[str, pd.Series]:
    """Each actor's mention column, and one for each pair of actors mentioned together."""
    out = {c: mentions[c] for c in mentions.columns}
    cols = list(mentions.columns)
    for i, a in enumerate(cols):
        for b in cols[i + 1:]:
            both = mentions[a] & mentions[b]
            if both.any():
                out[f"{a} + {b}"] = both
    return out


def actor_tables(sents: pd.DataFrame, mentions: pd.DataFrame, names: list[str],
                 pairs: list[tuple[str, str]], opts: SentimentOptions
                 ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Per target and period: mean compound of the sentences that mention it, with a 95% CI
    resampling documents; per target and period pair: difference, CI, p; and per target and
    period the sentence that moves the mean most (largest change when left out)."""
    rows, cmp_rows, ev_rows = [], [], []
    for t, (target, mask) in enumerate(targets(mentions).items()):
        kind = "pair" if " + " in target else "actor"
        sub = sents[mask]
        by_period = {p: sub[sub["period"] == p] for p in names}
        for k, p in enumerate(names):
            s = by_period[p]
            mean, lo, hi = stats.bootstrap_mean_ci(s["compound"], s["doc_id"], opts.bootstrap_rounds,
                                                   opts.seed + 1000 + 10 * t + k)
            rows.append({"target": target, "kind": kind, "period": p, "sentences": len(s),
                         "documents": s["doc_id"].nunique(), "mean": mean, "ci_low": lo, "ci_high": hi})
            if len(s):
                dev = (s["compound"] - mean).abs()
                j = dev.idxmax()
                n = len(s)
                influence = (mean - (mean * n - s.at[j, "compound"]) / (n - 1)) if n > 1 else float("nan")
                ev_rows.append({"target": target, "period": p, "compound": s.at[j, "compound"],
                                "mean": mean, "sentences": n, "influence": influence,
                                "outlet": s.at[j, "outlet"], "date": s.at[j, "date"],
                                "text": s.at[j, "text"]})
        for k, (a, b) in enumerate(pairs):
            sa, sb = by_period[a], by_period[b]
            diff, lo, hi = stats.bootstrap_diff_ci(sa["compound"], sb["compound"], sa["doc_id"], sb["doc_id"],
                                                   opts.bootstrap_rounds, opts.seed + 5000 + 10 * t + k)
            claim = min(sa["doc_id"].nunique(), sb["doc_id"].nunique()) >= MIN_DOCS
            p = (stats.permutation_pvalue(sa["compound"], sb["compound"], sa["doc_id"], sb["doc_id"],
                                          opts.permutation_rounds, opts.seed + 9000 + 10 * t + k)
                 if claim else float("nan"))
            cmp_rows.append({"target": target, "kind": kind, "period_a": a, "period_b": b,
                             "sentences_a": len(sa), "sentences_b": len(sb),
                             "documents_a": sa["doc_id"].nunique(), "documents_b": sb["doc_id"].nunique(),
                             "mean_a": sa["compound"].mean() if len(sa) else float("nan"),
                             "mean_b": sb["compound"].mean() if len(sb) else float("nan"),
                             "difference": diff, "ci_low": lo, "ci_high": hi, "p_value": p,
                             "claim_ok": claim})
    cols = ["target", "kind", "period", "sentences", "documents", "mean", "ci_low", "ci_high"]
    return (pd.DataFrame(rows, columns=cols), pd.DataFrame(cmp_rows),
            pd.DataFrame(ev_rows, columns=["target", "period", "compound", "mean", "sentences",
                                           "influence", "outlet", "date", "text"]))


def extremes(sents: pd.DataFrame, names: list[str], n: int = 3) -> pd.DataFrame:
    """Per period, the `n` most positive and `n` most negative sentences (ties: text order)."""
    parts = []
    for p in names:
        s = sents[sents["period"] == p]
        top = s[s["compound"] > 0].sort_values("compound", ascending=False, kind="stable").head(n)
        bottom = s[s["compound"] < 0].sort_values("compound", kind="stable").head(n)
        for label, part in (("most positive", top), ("most negative", bottom)):
            part = part.assign(which=label, rank=range(1, len(part) + 1))
            parts.append(part[["period", "which", "rank", "compound", "outlet", "date", "text", "doc_id",
                               "sentence"]])
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    out["period"] = out["period"].astype(str)
    return out


def selected_actors(prepared: Prepared, opts: SentimentOptions) -> list:
    """The params' actors, or only those named in `sentiment.actors`."""
    return prepared.params.sentiment_actors(opts)


def sentiment_section(prepared: Prepared, options: SentimentOptions | None = None) -> SentimentResult:
    """The sentiment section's tables, prose and findings: computed once per corpus, actors,
    options and code, then read from where they are kept (`briefing.store.results`)."""
    opts = options or prepared.params.sentiment
    actors = selected_actors(prepared, opts)
    inputs = {"actors": [a.model_dump(mode="json") for a in actors], "options": opts.model_dump(mode="json"),
              "code": code_digest(__name__)}
    return section_result("sentiment", SentimentResult, prepared, inputs,
                          lambda: compute_sentiment(prepared, opts))


def compute_sentiment(prepared: Prepared, opts: SentimentOptions) -> SentimentResult:
    """Score every sentence and build the section's tables, prose and findings."""
    names = prepared.period_names
    pairs = prepared.comparisons()
    sents = score_sentences(prepared, opts)
    mentions = actor_mentions(prepared, selected_actors(prepared, opts))
    if opts.attribute_pronouns:
        mentions, carried = attribute_pronouns(sents, mentions)
    sents["actors"] = _actor_labels(mentions)
    if opts.attribute_pronouns:
        sents["pronoun_for"] = carried
    docs = document_table(prepared.documents, sents)
    periods = period_table(docs, sents, names, opts)
    comparisons = comparison_table(docs, pairs, opts)
    actor_tab, actor_cmp, actor_ev = actor_tables(sents, mentions, names, pairs, opts)
    result = SentimentResult(sentences=sents, documents=docs, periods=periods, comparisons=comparisons,
                             actors=actor_tab, actor_comparisons=actor_cmp,
                             extremes=extremes(sents, names, opts.evidence_sentences),
                             actor_evidence=actor_ev, options=opts, period_names=names)
    write(result)
    return result


def _actor_labels(mentions: pd.DataFrame) -> pd.Series:
    """'Biden; Mexico' per row, vectorised (for large tables), as a columnar string column."""
    out = pd.Series("", index=mentions.index, dtype=object)
    for c in mentions.columns:
        add = mentions[c].to_numpy()
        out[add] = np.where(out[add] == "", c, out[add] + "; " + c)
    return out.astype("str")
