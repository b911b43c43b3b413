"""The sentiment section: did coverage grow warmer or colder between periods, toward whom,
how sure can we be, and which sentences show it?

Unit: the cleaned sentence, scored with VADER as NLTK ships it (`briefing.measures.vader`). A
document's score is the mean compound of its sentences; a period's is the mean over its
documents, with a bootstrap interval that resamples documents (`briefing.measures.stats`). Prose and
findings are written from these tables in `prose.py` beside this module; figures are drawn
in `figures.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import numpy as np
import pandas as pd

import briefing.sections.sentiment.summaries as summaries
from briefing.corpus.prepare import Prepared
from briefing.measures import stats
from briefing.measures.actors import mention_table
from briefing.measures.per_document import (
    for_documents,
    measure_rows,
    sentences_of,
    summary_stage,
    unique_keys,
)
from briefing.measures.per_sentence import actors_settings, vader_settings
from briefing.measures.vader import score_table
from briefing.params import Actor, SentimentOptions
from briefing.sections.sentiment.prose import write
from briefing.sections.sentiment.result import MIN_DOCS, SentimentResult
from briefing.sections.sentiment.summaries import ACTOR, target_names
from briefing.store.fingerprint import code_digest
from briefing.store.results import section_result

#: Third-person pronouns that may carry an actor into the next sentence (option, off by default).
PRONOUNS = frozenset({"he", "him", "his", "she", "her", "hers"})
#: Above this many sentences, the result lists only the sentences it quotes (the per-sentence
#: scores stay in the per-document cache; `sentence_table` reads any of them).
SENTENCE_CAP = 50_000


def tone(compound: pd.Series, opts: SentimentOptions) -> pd.Series:
    """positive / neutral / negative by VADER's thresholds (compound ≥ 0.05, ≤ −0.05 by default)."""
    out = np.where(compound >= opts.positive_threshold, "positive",
                   np.where(compound <= opts.negative_threshold, "negative", "neutral"))
    return pd.Series(out, index=compound.index)


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


def document_table(documents: pd.DataFrame, per: pd.DataFrame) -> pd.DataFrame:
    """Per document: mean compound of its sentences and its shares of tones (`per`: those
    columns by doc_id, from the articles' summaries)."""
    cols = ["compound", "share_positive", "share_neutral", "share_negative"]
    docs = documents[["id", "period", "outlet", "date", "title", "sentences"]].join(per[cols], on="id")
    return docs.rename(columns={"id": "doc_id"}).reset_index(drop=True)


def period_table(docs: pd.DataFrame, values: pd.DataFrame, names: list[str],
                 opts: SentimentOptions) -> pd.DataFrame:
    """Per period: mean of document scores with a 95% bootstrap CI over documents, mean shares,
    and the spread of sentence scores (within-article variation when there is one article);
    `values`: how many sentences of each period have each compound score."""
    rows = []
    for k, name in enumerate(names):
        d = docs[(docs["period"] == name) & docs["compound"].notna()]
        v = values[values["period"] == name]
        x, c = v["compound"].to_numpy(), v["count"].to_numpy()
        mean, lo, hi = stats.bootstrap_mean_ci(d["compound"], None, opts.bootstrap_rounds, opts.seed + k)
        rows.append({
            "period": name, "documents": len(d), "sentences": int(c.sum()), "mean": mean,
            "ci_low": lo, "ci_high": hi,
            "interval": "bootstrap over documents" if len(d) >= 2 else "none (one document)",
            "share_positive": d["share_positive"].mean(), "share_neutral": d["share_neutral"].mean(),
            "share_negative": d["share_negative"].mean(),
            "sentence_sd": stats.counted_sd(x, c), "sentence_q25": stats.counted_quantile(x, c, 0.25),
            "sentence_q75": stats.counted_quantile(x, c, 0.75),
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


def _evidence_of(s: pd.DataFrame, mean: float) -> tuple[int, int, float]:
    """Of a target's sentences in a period, the one farthest from their mean (the first in text
    order on ties): (row of `s`, its compound), found among each article's highest and lowest."""
    cand = pd.DataFrame({"row": np.r_[np.arange(len(s)), np.arange(len(s))],
                         "sentence": np.r_[s["max_sentence"].to_numpy(), s["min_sentence"].to_numpy()],
                         "value": np.r_[s["max_value"].to_numpy(), s["min_value"].to_numpy()]})
    cand = cand.sort_values(["row", "sentence"], kind="stable").reset_index(drop=True)
    j = (cand["value"] - mean).abs().idxmax()
    return int(cand.at[j, "row"]), int(cand.at[j, "sentence"]), float(cand.at[j, "value"])


def actor_tables(targets: pd.DataFrame, actors: list[str], names: list[str],
                 pairs: list[tuple[str, str]], opts: SentimentOptions
                 ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Per target and period: mean compound of the sentences that mention it, with a 95% CI
    resampling documents; per target and period pair: difference, CI, p; and per target and
    period the sentence that moves the mean most (largest change when left out). `targets`: the
    articles' target summaries (`summaries.target_summary`) in document order, with period,
    outlet, date; every actor is a target, a pair only when some sentence names both. The
    evidence rows carry doc_key and sentence: their text is read afterwards."""
    rows, cmp_rows, ev_rows = [], [], []
    present = set(targets["target"])
    chosen = [t for t in target_names(actors) if t in actors or t in present]
    for t, target in enumerate(chosen):
        kind = "pair" if " + " in target else "actor"
        sub = targets[targets["target"] == target]
        by_period = {p: sub[sub["period"] == p] for p in names}
        for k, p in enumerate(names):
            s = by_period[p]
            sums, counts = s["sum"].to_numpy(), s["count"].to_numpy(dtype=float)
            mean, lo, hi = stats.bootstrap_mean_ci_sums(sums, counts, opts.bootstrap_rounds,
                                                        opts.seed + 1000 + 10 * t + k)
            n = int(counts.sum())
            rows.append({"target": target, "kind": kind, "period": p, "sentences": n,
                         "documents": len(s), "mean": mean, "ci_low": lo, "ci_high": hi})
            if n:
                i, sentence, value = _evidence_of(s, mean)
                influence = (mean - (mean * n - value) / (n - 1)) if n > 1 else float("nan")
                ev_rows.append({"target": target, "period": p, "compound": value,
                                "mean": mean, "sentences": n, "influence": influence,
                                "outlet": s["outlet"].iat[i], "date": s["date"].iat[i],
                                "doc_key": s["doc_key"].iat[i], "sentence": sentence})
        for k, (a, b) in enumerate(pairs):
            sa, sb = by_period[a], by_period[b]
            ga = (sa["sum"].to_numpy(), sa["count"].to_numpy(dtype=float))
            gb = (sb["sum"].to_numpy(), sb["count"].to_numpy(dtype=float))
            diff, lo, hi = stats.bootstrap_diff_ci_sums(*ga, *gb, opts.bootstrap_rounds,
                                                        opts.seed + 5000 + 10 * t + k)
            claim = min(len(sa), len(sb)) >= MIN_DOCS
            p = (stats.permutation_pvalue_sums(*ga, *gb, opts.permutation_rounds,
                                               opts.seed + 9000 + 10 * t + k) if claim else float("nan"))
            n_a, n_b = int(ga[1].sum()), int(gb[1].sum())
            cmp_rows.append({"target": target, "kind": kind, "period_a": a, "period_b": b,
                             "sentences_a": n_a, "sentences_b": n_b,
                             "documents_a": len(sa), "documents_b": len(sb),
                             "mean_a": ga[0].sum() / n_a if n_a else float("nan"),
                             "mean_b": gb[0].sum() / n_b if n_b else float("nan"),
                             "difference": diff, "ci_low": lo, "ci_high": hi, "p_value": p,
                             "claim_ok": claim})
    cols = ["target", "kind", "period", "sentences", "documents", "mean", "ci_low", "ci_high"]
    return (pd.DataFrame(rows, columns=cols), pd.DataFrame(cmp_rows),
            pd.DataFrame(ev_rows, columns=["target", "period", "compound", "mean", "sentences",
                                           "influence", "outlet", "date", "doc_key", "sentence"]))


def extremes(candidates: pd.DataFrame, names: list[str], n: int = 3) -> pd.DataFrame:
    """Per period, the `n` most positive and `n` most negative sentences (ties: text order), from
    each article's own (`summaries.extreme_sentences`, in document order, with doc_id, period,
    outlet, date). Rows carry doc_key: their text is read afterwards."""
    parts = []
    cands = candidates.sort_values(["_doc", "sentence"], kind="stable")
    for p in names:
        s = cands[cands["period"] == p]
        top = s[s["which"] == "most positive"].sort_values("compound", ascending=False, kind="stable").head(n)
        bottom = s[s["which"] == "most negative"].sort_values("compound", kind="stable").head(n)
        for label, part in (("most positive", top), ("most negative", bottom)):
            part = part.assign(which=label, rank=range(1, len(part) + 1))
            parts.append(part[["period", "which", "rank", "compound", "outlet", "date", "doc_key", "doc_id",
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
              "code": [code_digest(__name__), code_digest(summaries.__name__),
                       code_digest("briefing.measures.per_document")]}
    return section_result("sentiment", SentimentResult, prepared, inputs,
                          lambda: compute_sentiment(prepared, opts))


def measured(prepared: Prepared, keys: Sequence[str], actors: Sequence[Actor], opts: SentimentOptions
             ) -> pd.DataFrame:
    """The sentences of the documents with `keys` (once per key, text order) with their VADER
    scores and a boolean column per actor (`summaries.ACTOR` + name; pronouns attributed when
    the option is on, with the actor carried in `pronoun_for`). Measures come from the cache."""
    sents = sentences_of(prepared, keys)
    scores = measure_rows(prepared, "vader", "scoring sentiment", vader_settings(), score_table, sents)
    out = sents.reset_index(drop=True).merge(scores, on=["doc_key", "sentence"], how="left", sort=False)
    names = [a.name for a in actors]
    flags = pd.DataFrame(False, index=out.index, columns=names)
    if names and len(out):
        found = measure_rows(prepared, "actors", "finding actors", actors_settings(actors),
                             partial(mention_table, actors=list(actors)), sents)
        where = pd.MultiIndex.from_frame(out[["doc_key", "sentence"]])
        for name, part in found.groupby("actor", sort=False):
            flags.loc[where.get_indexer(pd.MultiIndex.from_frame(part[["doc_key", "sentence"]])), name] = True
    if opts.attribute_pronouns:
        flags, carried = attribute_pronouns(out.rename(columns={"doc_key": "doc_id"}), flags)
        out["pronoun_for"] = carried
    for name in names:
        out[ACTOR + name] = flags[name].to_numpy()
    return out


def article_summaries(prepared: Prepared, opts: SentimentOptions, actors: Sequence[Actor]
                      ) -> dict[str, pd.DataFrame]:
    """Each article's sentiment summaries (`summaries.py`), from the cache where kept; computed on
    the engine only for the articles not kept yet (so adding articles computes only theirs)."""
    keys = unique_keys(prepared)
    names = [a.name for a in actors]
    base = {"vader": vader_settings(), "code": code_digest(summaries.__name__)}
    with_actors = {**base, "actors": actors_settings(actors), "pronouns": opts.attribute_pronouns}
    memo: dict[tuple, pd.DataFrame] = {}

    def inputs(missing: list[str]) -> pd.DataFrame:
        if tuple(missing) not in memo:
            memo.clear()
            memo[tuple(missing)] = measured(prepared, missing, actors, opts)
        return memo[tuple(missing)]

    stages = {
        "documents": ({**base, "thresholds": [opts.positive_threshold, opts.negative_threshold]},
                      partial(summaries.document_summary, positive=opts.positive_threshold,
                              negative=opts.negative_threshold)),
        "values": (base, summaries.value_counts),
        "targets": (with_actors, partial(summaries.target_summary, actors=names)),
        "extremes": ({**base, "n": opts.evidence_sentences},
                     partial(summaries.extreme_sentences, n=opts.evidence_sentences)),
    }
    return {part: summary_stage(prepared, f"sentiment-{part}", settings, keys, inputs, fn,
                                what="summarising articles' sentiment")
            for part, (settings, fn) in stages.items()}


def compute_sentiment(prepared: Prepared, opts: SentimentOptions) -> SentimentResult:
    """Combine the articles' summaries into the section's tables, prose and findings."""
    names = prepared.period_names
    pairs = prepared.comparisons()
    actors = selected_actors(prepared, opts)
    parts = article_summaries(prepared, opts, actors)
    per_doc = for_documents(prepared, parts["documents"]).set_index("doc_id")
    docs = document_table(prepared.documents, per_doc)
    values = (for_documents(prepared, parts["values"]).groupby(["period", "compound"], observed=True)["count"]
              .sum().reset_index())
    periods = period_table(docs, values, names, opts)
    comparisons = comparison_table(docs, pairs, opts)
    actor_tab, actor_cmp, actor_ev = actor_tables(for_documents(prepared, parts["targets"]),
                                                  [a.name for a in actors], names, pairs, opts)
    ext = extremes(for_documents(prepared, parts["extremes"]), names, opts.evidence_sentences)
    quoted = pd.concat([ext[["doc_key", "sentence"]], actor_ev[["doc_key", "sentence"]]], ignore_index=True)
    total = int(prepared.documents["sentences"].sum())
    sents = sentence_table(prepared, opts, actors, None if total <= SENTENCE_CAP else quoted)
    texts = sentences_of(prepared, list(dict.fromkeys(quoted["doc_key"])))
    texts = texts.set_index(["doc_key", "sentence"])["text"]
    ext.insert(6, "text", texts.reindex(pd.MultiIndex.from_frame(ext[["doc_key", "sentence"]])).to_numpy())
    actor_ev["text"] = texts.reindex(pd.MultiIndex.from_frame(actor_ev[["doc_key", "sentence"]])).to_numpy()
    result = SentimentResult(sentences=sents, documents=docs, periods=periods, comparisons=comparisons,
                             actors=actor_tab, actor_comparisons=actor_cmp,
                             extremes=ext.drop(columns="doc_key"),
                             actor_evidence=actor_ev.drop(columns=["doc_key", "sentence"]), options=opts,
                             period_names=names, compound_counts=values.astype({"period": str}))
    write(result)
    return result


def sentence_table(prepared: Prepared, opts: SentimentOptions, actors: Sequence[Actor],
                   only: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every sentence of every article with its scores, tone and the actors it names; or, with
    `only` (doc_key, sentence), just those (the corpus is too large to list every sentence in the
    result: SENTENCE_CAP)."""
    keys = unique_keys(prepared) if only is None else list(dict.fromkeys(only["doc_key"]))
    m = measured(prepared, keys, actors, opts)
    if only is not None:
        wanted = pd.MultiIndex.from_frame(only[["doc_key", "sentence"]])
        m = m[pd.MultiIndex.from_frame(m[["doc_key", "sentence"]]).isin(wanted)]
    out = for_documents(prepared, m).sort_values(["_doc", "sentence"], kind="stable")
    cols = ["doc_id", "paragraph", "sentence", "text", "words", "period", "outlet", "date",
            "neg", "neu", "pos", "compound"]
    table = out[cols].reset_index(drop=True)
    table["tone"] = tone(table["compound"], opts)
    mentions = pd.DataFrame({a.name: out[ACTOR + a.name].to_numpy() for a in actors}, index=table.index)
    table["actors"] = _actor_labels(mentions)
    if opts.attribute_pronouns:
        table["pronoun_for"] = pd.Series(out["pronoun_for"].to_numpy(), index=table.index, dtype=object)
    return table


def _actor_labels(mentions: pd.DataFrame) -> pd.Series:
    """'Biden; Mexico' per row, vectorised (for large tables), as a columnar string column."""
    out = pd.Series("", index=mentions.index, dtype=object)
    for c in mentions.columns:
        add = mentions[c].to_numpy()
        out[add] = np.where(out[add] == "", c, out[add] + "; " + c)
    return out.astype("str")
