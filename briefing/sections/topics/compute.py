"""The topics section: distinctive words, new and vanished terms, NMF topics, vocabulary divergence.

Entry function: `topics_section(prepared) -> TopicsResult`. The unit of the topic model is the
paragraph (a small corpus still has enough of them); intervals resample documents when every
period has at least `MIN_DOCS` of them, otherwise paragraphs within the articles (which shows
within-article variation only, and is labelled so).
"""

from __future__ import annotations

import re
from functools import partial

import numpy as np
import pandas as pd
from scipy import sparse

import briefing.sections.topics.kept_model as KM
from briefing.compute.memory import release
from briefing.corpus.prepare import Prepared
from briefing.errors import BriefingError
from briefing.measures import terms as T
from briefing.measures import topic_model as M
from briefing.measures.fightin_words import distinctive_terms, top_by_side
from briefing.sections.topics.counts import STAGE, Counts, article_counts, combine, document_sentences
from briefing.sections.topics.prose import findings, prose
from briefing.sections.topics.result import MIN_DOCS, Pair, TopicsResult
from briefing.store.fingerprint import code_digest
from briefing.store.results import section_result

_ACRONYM = re.compile(r"[A-Z.]{2,8}")


def _largest_name_count(names: pd.Series, counts: pd.Series, longest: int) -> dict[str, int]:
    """Each run of up to `longest` words inside a name (lower-cased) -> the largest count of such a name.

    "San Francisco" (12) and "Francisco Garcia" (3) give {"san": 12, "francisco": 12, "garcia": 3,
    "san francisco": 12, "francisco garcia": 3}: a term is inside a name exactly when it is one of
    these runs of whole words, so one dictionary lookup replaces a scan of every name.
    """
    best: dict[str, int] = {}
    for name, count in zip(names.astype(str).str.lower(), counts.to_numpy().tolist(), strict=True):
        words = name.split(" ")
        for size in range(1, min(longest, len(words)) + 1):
            for i in range(len(words) - size + 1):
                run = " ".join(words[i:i + size])
                if best.get(run, -1) < count:
                    best[run] = count
    return best


def _one_period_only(dist: pd.DataFrame, names: pd.DataFrame, a: str, b: str, min_count: int,
                     totals: tuple[float, float]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Terms and names used in b but never in a (new) and in a but never in b (vanished).

    A word or phrase that is itself a name ("china"), or part of a one-period name used at least
    as often ("francisco" in "San Francisco"), is listed as the name only.
    """
    name_keys = set(names["key"].tolist())  # lists, not Arrow strings, below: one hash lookup per term
    out = []
    for here, there, n in (("count_b", "count_a", totals[1]), ("count_a", "count_b", totals[0])):
        lv_here, lv_there = (b, a) if here == "count_b" else (a, b)
        nm = names[(names[lv_there] == 0) & (names[lv_here] >= min_count)]
        t = dist[(dist[there] == 0) & (dist[here] >= min_count)]
        t = t[np.array([w not in name_keys for w in t["term"].tolist()], dtype=bool)]
        terms = t["term"].astype(str)
        longest = int(terms.str.count(" ").max()) + 1 if len(terms) else 1
        inside = _largest_name_count(nm["name"], nm[lv_here], longest)
        covered = [inside.get(term, -1) >= c
                   for term, c in zip(terms.tolist(), t[here].to_numpy().tolist(), strict=True)]
        t = t[~np.array(covered, dtype=bool)]
        kind = np.where(t["term"].str.contains(" "), "phrase", "word")
        rows = pd.concat([pd.DataFrame({"item": t["term"], "kind": kind, "count": t[here]}),
                          pd.DataFrame({"item": nm["name"], "kind": "name", "count": nm[lv_here]})])
        rows["per10k"] = 1e4 * rows["count"] / max(n, 1.0)
        # among equal counts: multi-word names, acronyms, single-word names, phrases, words
        item = rows["item"].astype(str).to_numpy()
        kinds = rows["kind"].astype(str).to_numpy()
        multi = np.array([" " in i for i in item], dtype=bool)
        acronym = np.array([bool(_ACRONYM.fullmatch(i)) for i in item], dtype=bool)
        rows["_k"] = np.select([kinds == "phrase", kinds == "word", multi, acronym], [3, 4, 0, 1], 2)
        rows = rows.sort_values(["count", "_k", "item"], ascending=[False, True, True])
        out.append(rows.drop(columns="_k").reset_index(drop=True))
    return out[0], out[1]


def _prevalence(model: M.TopicModel, paras: pd.DataFrame, levels: list[str], unit: str, rounds: int,
                rng: np.random.Generator, labels: list[str]) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    share, ok = M.shares(model.weights)
    rows, boots = [], {}
    units = paras["doc_id"] if unit == "document" else paras["doc_id"] + "#" + paras["paragraph"].astype(str)
    for lv in levels:
        sel = ok & (paras["period"].astype(str) == lv).to_numpy()
        est, boot = M.bootstrap_means(share[sel], units.to_numpy()[sel], rounds, rng)
        boots[lv] = boot
        lo, hi = np.nanpercentile(boot, [2.5, 97.5], axis=0) if sel.any() else (est, est)
        for t in range(share.shape[1]):
            rows.append({"topic": t + 1, "label": labels[t], "period": lv, "share": est[t],
                         "ci_low": lo[t], "ci_high": hi[t], "paragraphs": int(sel.sum())})
    return pd.DataFrame(rows), boots


def _changes(prev: pd.DataFrame, boots: dict[str, np.ndarray], pairs: list[Pair], labels: list[str],
             small: bool) -> pd.DataFrame:
    rows = []
    for a, b in pairs:
        diff = boots[b] - boots[a]
        lo, hi = np.nanpercentile(diff, [2.5, 97.5], axis=0)
        for t, label in enumerate(labels):
            sa = prev[(prev.period == a) & (prev.topic == t + 1)]["share"].iat[0]
            sb = prev[(prev.period == b) & (prev.topic == t + 1)]["share"].iat[0]
            clear = lo[t] > 0 or hi[t] < 0
            reading = ("rose" if sb > sa else "faded") if clear else "no clear change"
            rows.append({"comparison": f"{a} → {b}", "period_a": a, "period_b": b, "topic": t + 1,
                         "label": label, "share_a": sa, "share_b": sb, "change": sb - sa,
                         "ci_low": lo[t], "ci_high": hi[t], "reading": reading})
    return pd.DataFrame(rows)


def _divergence(x_uni, paras: pd.DataFrame, vocab: np.ndarray, pairs: list[Pair], unit: str, rounds: int,
                rng: np.random.Generator, top: int) -> tuple[pd.DataFrame, dict[Pair, pd.DataFrame]]:
    rows, contrib = [], {}
    unit_ids = paras["doc_id"] if unit == "document" else paras.index.astype(str)
    for a, b in pairs:
        sel = paras["period"].astype(str).isin([a, b]).to_numpy()
        sub = paras[sel]
        codes, uniq = pd.factorize(unit_ids[sel])
        ind = sparse.csr_matrix((np.ones(len(codes), dtype=np.int32), (codes, np.arange(len(codes)))),
                                shape=(len(uniq), len(codes)))
        # integer counts (exact, as the float sums were), without copying x when every row is in
        per_unit = (ind @ (x_uni if sel.all() else x_uni[sel])).tocsr()
        unit_period = pd.Series(sub["period"].astype(str).to_numpy()).groupby(codes).first()
        is_a = (unit_period == a).to_numpy()
        ya = np.asarray(per_unit[is_a].sum(axis=0), float).ravel()
        yb = np.asarray(per_unit[~is_a].sum(axis=0), float).ravel()
        parts = M.js_terms(ya, yb)
        js = float(parts.sum())
        chance = M.random_split_js(per_unit, int(is_a.sum()), rounds, rng)
        lo, hi = np.nanpercentile(chance, [2.5, 97.5])
        rows.append({"comparison": f"{a} → {b}", "period_a": a, "period_b": b, "js": js,
                     "chance_mean": float(np.nanmean(chance)), "chance_low": lo, "chance_high": hi,
                     "share_splits_above": float(np.mean(chance >= js)), "units": unit,
                     "units_a": int(is_a.sum()), "units_b": int((~is_a).sum()), "words_a": int(ya.sum()),
                     "words_b": int(yb.sum())})
        order = np.argsort(-parts)[:top]
        contrib[(a, b)] = pd.DataFrame({
            "word": vocab[order], "contribution": parts[order], "share_of_js": parts[order] / max(js, 1e-300),
            "per10k_a": 1e4 * ya[order] / max(ya.sum(), 1), "per10k_b": 1e4 * yb[order] / max(yb.sum(), 1),
        })
        table = contrib[(a, b)]
        table["leans_to"] = np.where(table["per10k_b"] > table["per10k_a"], b, a)
    return pd.DataFrame(rows), contrib


#: Sentences quoted per term as evidence, and the length (in words) of a sentence quoted first.
EVIDENCE_PER_TERM = 2
READABLE_WORDS = (8, 45)


def term_span(text: str, term: str) -> tuple[int, int] | None:
    """Where `term` (folded, lower-case, words joined by spaces) stands in `text`, as a character
    span of `text`; None when it cannot be found literally (the span is for bold type only)."""
    pattern = re.compile(r"(?<![\w'])" + r"[\s\-]+".join(map(re.escape, term.split())) + r"(?![\w])",
                         re.IGNORECASE)
    folded = T.fold(text, possessive=False)
    m = pattern.search(folded if len(folded) == len(text) else text)
    return (m.start(), m.end()) if m else None


def term_evidence(prepared: Prepared, counts: Counts, distinctive: dict[Pair, pd.DataFrame],
                  stop: frozenset[str], max_ngram: int, per_term: int = EVIDENCE_PER_TERM) -> pd.DataFrame:
    """For the term leaning most to each period of each pair (the summary's term findings), up to
    `per_term` sentences of that period that use it, from different articles: sentences of
    READABLE_WORDS length first, then by date, article and position. A sentence uses a term when
    the term is among its counted terms (`terms.terms`), as the counts behind z were made.

    Only the articles whose paragraphs use the term are read (their counts say which), by date
    and id, a batch at a time, until `per_term` articles with a sentence of readable length are found."""
    rows = []
    index = pd.Index(counts.vocab)
    dates = prepared.documents.set_index("id")["date"]
    for (a, b), dist in distinctive.items():
        for lv, side in zip((a, b), top_by_side(dist, 1), strict=True):
            if side.empty:
                continue
            term, z = str(side["term"].iat[0]), float(side["z"].iat[0])
            col = index.get_indexer([term])[0]
            if col < 0:
                continue
            in_period = (counts.paras["period"].astype(str) == lv).to_numpy()
            used = (counts.x[:, col].toarray().ravel() > 0) & in_period
            docs = pd.DataFrame({"doc_id": pd.unique(counts.paras["doc_id"].to_numpy()[used])})
            docs["date"] = dates.reindex(docs["doc_id"]).to_numpy()
            docs = docs.sort_values(["date", "doc_id"], kind="stable")["doc_id"].tolist()
            picked = _evidence_sentences(prepared, docs, term, stop, max_ngram, per_term)
            for r in picked.itertuples(index=False):
                span = term_span(r.text, term)
                rows.append({"period_a": a, "period_b": b, "term": term, "leans_to": lv, "z": z,
                             "doc_id": r.doc_id, "sentence": int(r.sentence), "outlet": r.outlet,
                             "date": r.date, "text": r.text, "start": span[0] if span else -1,
                             "end": span[1] if span else -1})
    columns = ["period_a", "period_b", "term", "leans_to", "z", "doc_id", "sentence", "outlet", "date",
               "text", "start", "end"]
    return pd.DataFrame(rows, columns=columns)


#: Articles read at a time when looking for sentences that use a term.
EVIDENCE_BATCH = 50


def _evidence_sentences(prepared: Prepared, docs: list, term: str, stop: frozenset[str], max_ngram: int,
                        per_term: int) -> pd.DataFrame:
    """The first sentence using `term` of each of the first `per_term` articles of `docs` (in
    order) that have one of readable length; then, if too few, of those that have only others."""
    lo, hi = READABLE_WORDS
    first = term.split()[0]
    readable, other = [], []
    for start in range(0, len(docs), EVIDENCE_BATCH):
        batch = docs[start:start + EVIDENCE_BATCH]
        sub = document_sentences(prepared, batch)
        lower = sub["text"].map(lambda t: T.fold(t, possessive=False).lower())
        cand = sub[lower.str.contains(first, regex=False).to_numpy()]
        cand = cand[[term in T.terms(t, stop, max_ngram) for t in cand["text"]]]
        cand = cand.assign(_long=~cand["words"].between(lo, hi), _doc=cand["doc_id"].map(
            {d: i for i, d in enumerate(batch)})).sort_values(["_doc", "_long", "paragraph", "sentence"],
                                                              kind="stable")
        for _, group in cand.groupby("_doc", sort=True):
            (other if bool(group["_long"].iat[0]) else readable).append(group.iloc[:1])
        if len(readable) >= per_term:
            break
    picked = (readable + other)[:per_term]
    columns = ["doc_id", "sentence", "outlet", "date", "text"]
    return pd.concat(picked) if picked else pd.DataFrame(columns=columns)


def _paragraph_text(prepared: Prepared, paras: pd.DataFrame, row: int) -> str:
    """The text of paragraph `row` of `paras`: its sentences joined by a space (as `terms.paragraphs`)."""
    doc_id, paragraph = paras["doc_id"].iat[row], paras["paragraph"].iat[row]
    sents = document_sentences(prepared, [doc_id])
    return " ".join(sents.loc[sents["paragraph"] == paragraph, "text"].tolist())


def _paragraph_topics(model: M.TopicModel, paras: pd.DataFrame) -> pd.DataFrame:
    """Each paragraph's topic weights as shares of its weight (the data behind prevalence)."""
    share, _ = M.shares(model.weights)
    out = paras[["doc_id", "paragraph"]].reset_index(drop=True)
    out["period"] = paras["period"].astype(str).to_numpy()
    for t in range(share.shape[1]):
        out[f"topic_{t + 1}"] = share[:, t]
    return out


class TopicsError(BriefingError):
    """The corpus gives the topics section nothing to compare."""


def topics_section(prepared: Prepared, refit: bool | None = None) -> TopicsResult:
    """The topics section's tables, prose and findings: computed once per corpus, options, code
    and topic model, then read from where they are kept (`briefing.store.results`). `refit`: fit
    the topic model again rather than keep the last one (None: as `briefing run --refit` says)."""
    chosen = KM.plan(prepared, KM.refit_asked() if refit is None else refit)
    inputs = {"options": prepared.params.topics.model_dump(mode="json"), "code": code_digest(__name__),
              "model": chosen.id}
    return section_result("topics", TopicsResult, prepared, inputs, lambda: compute_topics(prepared, chosen))


def compute_topics(prepared: Prepared, chosen: KM.Plan | None = None) -> TopicsResult:
    """Distinctive and new terms per comparison, NMF topics with prevalence, vocabulary divergence.
    `chosen`: fit the topic model or keep the last one (`kept_model.plan`; None: as it says)."""
    opts = prepared.params.topics
    levels = prepared.period_names
    pairs = prepared.comparisons()
    stop = T.stop_words(opts.extra_stop_words)
    docs_per = prepared.documents.groupby("period", observed=False).size()
    small = int(docs_per.min()) < MIN_DOCS
    unit = "paragraph" if small else "document"
    rng = np.random.default_rng(opts.seed)

    parts, computed = article_counts(prepared, stop, opts.max_ngram)
    counts = combine(prepared, parts, computed)
    del parts
    release()  # combining numbers millions of terms through Python objects: 1 GiB freed at 100k
    prepared.computed[STAGE] = computed
    x, vocab, paras = counts.x, counts.vocab, counts.paras
    by_period = T.group_sums(x, paras["period"], levels) if len(vocab) else None
    empty = [p for i, p in enumerate(levels) if by_period is None or by_period[i].sum() == 0]
    if empty:
        raise TopicsError(f"topics: period(s) {', '.join(map(repr, empty))} have no content words once "
                          "stop words and numbers are left out, so vocabularies cannot be compared; "
                          "check the corpus text or topics.extra_stop_words")
    names = counts.names
    distinctive, name_z, new, vanished = {}, {}, {}, {}
    for a, b in pairs:
        ia, ib = levels.index(a), levels.index(b)
        dist = distinctive_terms(vocab, by_period[ia], by_period[ib], prior_scale=opts.prior_scale,
                                 min_count=opts.min_count)
        distinctive[(a, b)] = dist
        name_z[(a, b)] = distinctive_terms(names["name"].to_numpy(), names[a].to_numpy(), names[b].to_numpy(),
                                           prior_scale=opts.prior_scale, min_count=opts.min_count)
        new[(a, b)], vanished[(a, b)] = _one_period_only(
            dist, names, a, b, opts.min_count, (by_period[ia].sum(), by_period[ib].sum()))

    model, use = KM.fit_or_keep(prepared, x, vocab, paras, chosen or KM.plan(prepared, False))
    topics = M.topic_table(model, paras, partial(_paragraph_text, prepared, paras))
    labels = topics["label"].tolist()
    prevalence, boots = _prevalence(model, paras, levels, unit, opts.bootstrap_rounds, rng, labels)
    change = _changes(prevalence, boots, pairs, labels, small)

    uni = np.flatnonzero([" " not in t for t in vocab])
    divergence, contrib = _divergence(x[:, uni], paras, vocab[uni], pairs, unit, opts.split_rounds, rng,
                                      opts.top_terms)
    result = TopicsResult(pairs, distinctive, name_z, new, vanished, topics, model.choice, prevalence, change,
                          divergence, contrib, unit, small, prose="", top_terms=opts.top_terms,
                          paragraph_topics=_paragraph_topics(model, paras),
                          term_evidence=term_evidence(prepared, counts, distinctive, stop, opts.max_ngram),
                          model_use=use)
    result.prose = prose(result, prepared)
    result.findings = findings(result)
    return result

