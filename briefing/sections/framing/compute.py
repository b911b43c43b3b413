"""The framing section: through which frames was the relationship covered in each period?

Entry function: `framing_section(prepared) -> FramingResult`. Frames and cues come from the
lexicon (`briefing/measures/lexicon.py`), detection from `briefing/measures/frames.py`, which
frames each article uses and its primary frame from `briefing/measures/article_frames.py`,
statistics from `briefing/measures/stats.py`; prose and findings are written in `prose.py`,
figures drawn in `figures.py`, display tables built in `tables.py`.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache

import numpy as np
import pandas as pd

from briefing.corpus.prepare import Prepared
from briefing.measures.article_eval import ARTICLES, evaluate_articles, load_articles, quality_table
from briefing.measures.article_frames import NONE, ArticleRule, article_table
from briefing.measures.frame_eval import LABELLED, evaluate, load_labelled
from briefing.measures.frame_model import FrameModel, model_for
from briefing.measures.frames import frame_matrix
from briefing.measures.lexicon import DEFAULT_LEXICON, Lexicon, lexicon_for, load_lexicon
from briefing.measures.model_frames import model_hits, model_method
from briefing.measures.per_sentence import actor_mentions, frame_hits
from briefing.measures.stats import bootstrap_ratio_diff, bootstrap_shares, compare_counts
from briefing.sections.framing.prose import example, findings, prose, quote
from briefing.sections.framing.result import MIN_DOCUMENTS, FramingResult
from briefing.store.fingerprint import code_digest, digest
from briefing.store.results import section_result

_CUES_KEPT = 40  # one-period cue terms kept per period in the table


def framing_section(prepared: Prepared) -> FramingResult:
    """The framing section's tables, prose and findings: computed once per corpus, lexicon,
    actors, options and code, then read from where they are kept (`briefing.store.results`)."""
    params = prepared.params
    model = model_for(params)  # framing.model: a trained classifier instead of the lexicon
    lexicon = lexicon_for(params) if model is None else model.lexicon()
    inputs = {"model": model.digest() if model else None,
              "lexicon": [dataclasses.astuple(f) for f in lexicon.frames], "version": lexicon.version,
              "actors": [a.model_dump(mode="json") for a in params.actors],
              "options": params.framing.model_dump(mode="json", exclude={"lexicon", "extra_lexicons"}),
              "quality": digest(LABELLED.read_bytes(), ARTICLES.read_bytes(), DEFAULT_LEXICON.read_bytes()),
              "code": code_digest(__name__)}
    return section_result("framing", FramingResult, prepared, inputs,
                          lambda: compute_framing(prepared, lexicon, model))


def compute_framing(prepared: Prepared, lexicon: Lexicon, model: FrameModel | None = None) -> FramingResult:
    """Detect frames in every sentence and measure how their shares changed between periods."""
    params = prepared.params
    opts = params.framing
    names = lexicon.names()
    sents = prepared.sentences
    hits = frame_hits(prepared, lexicon) if model is None else model_hits(prepared, model)
    has = frame_matrix(hits, sents.index, lexicon.ids)
    periods = prepared.period_names
    docs = prepared.documents
    frames = pd.DataFrame([(f.id, f.name, f.definition, len(f.cues)) for f in lexicon.frames],
                          columns=["frame", "name", "definition", "cues"])

    # per-document counts: sentences carrying each frame, and sentences
    by_doc = has.groupby(sents["doc_id"]).sum().reindex(docs["id"], fill_value=0)
    n_by_doc = sents.groupby("doc_id").size().reindex(docs["id"], fill_value=0)
    doc_period = pd.Series(docs["period"].astype(str).to_numpy(), index=docs["id"])
    # per-document frames and primary frame, by the article rule
    rule = ArticleRule(opts.article_min_share, opts.article_min_sentences)
    substantial, articles = article_table(hits, n_by_doc, lexicon.ids, rule)
    articles.insert(1, "period", doc_period.reindex(n_by_doc.index).to_numpy())

    rows = []
    for p in periods:
        ids = doc_period.index[doc_period == p]
        n_s, n_d = int(n_by_doc[ids].sum()), len(ids)
        for f in lexicon.ids:
            k_s, k_d = int(by_doc.loc[ids, f].sum()), int(substantial.loc[ids, f].sum())
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
    primary = _primary_shares(prepared, articles, names)
    art_quality = _kept(prepared, "article-quality", [rule.min_share, rule.min_sentences],
                        lambda: article_quality(rule))
    result = FramingResult(frames=frames, hits=hits, shares=shares, comparisons=comp,
                           rising=rising, falling=falling, one_period=one, actors=actors, evidence=evidence,
                           quality=_kept(prepared, "lexicon-quality", [], lexicon_quality), prose="",
                           lexicon_version=lexicon.version,
                           small_sample=small, level=opts.level, period_names=periods,
                           primary=primary, articles=articles, article_quality=art_quality,
                           article_method=article_method(rule, art_quality),
                           model_method=model_method(model, sents["text"].tolist()) if model else "")
    result.findings = findings(result)
    result.prose = prose(result, n_docs, hits, len(sents), has)
    return result


def _primary_shares(prepared: Prepared, articles: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Per period and frame (and "none"): articles whose primary frame it is, their share, and a
    bootstrap interval resampling articles (not shown below MIN_DOCUMENTS articles)."""
    opts = prepared.params.framing
    rng = np.random.default_rng(opts.seed + 1)
    labels = [*names, NONE]
    rows = []
    for p in prepared.period_names:
        prim = articles.loc[articles["period"] == p, "primary"]
        counts = prim.value_counts().reindex(labels, fill_value=0).to_numpy()
        share, low, high = bootstrap_shares(counts, rounds=opts.bootstrap_rounds, level=opts.level, seed=rng)
        if len(prim) < MIN_DOCUMENTS:
            low, high = np.full(len(labels), np.nan), np.full(len(labels), np.nan)
        for j, f in enumerate(labels):
            rows.append((p, f, names.get(f, "none (no frame substantial)"), len(prim), int(counts[j]),
                         share[j], low[j], high[j]))
    return pd.DataFrame(rows, columns=["period", "frame", "name", "documents", "primary_docs", "share",
                                       "ci_low", "ci_high"])


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
                    rows.append((a, b, here, "frame", f, names[f], "", int(counts[(here, f)]), example(g)))
            h_here = hits[hits["period"] == here]
            h_here = h_here[h_here["cue"] != ""]  # a model's frames have no cue
            only = h_here[~h_here["cue"].isin(set(hits.loc[hits["period"] == there, "cue"]))]
            ranked = (only.groupby(["frame", "cue"], sort=False)["row"].nunique().reset_index(name="n")
                      .sort_values("n", ascending=False, kind="stable").head(_CUES_KEPT))
            for f, cue, n in ranked.itertuples(index=False):
                g = only[(only["cue"] == cue) & (only["frame"] == f)]
                rows.append((a, b, here, "cue", f, names[f], cue.lstrip("="), int(n), example(g)))
    return pd.DataFrame(rows, columns=["period_a", "period_b", "only_in", "kind", "frame", "name", "cue",
                                       "sentences", "example"])


def _actor_table(prepared: Prepared, has: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Per period, actor and frame: of the sentences naming the actor, how many carry the frame."""
    actors = prepared.params.actors
    cols = ["period", "actor", "frame", "name", "actor_sentences", "with_frame", "share"]
    if not actors:
        return pd.DataFrame(columns=cols)
    mention = actor_mentions(prepared, actors)
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
            # cue hits per sentence, or a model's confidence
            strength = gp.groupby("row")["prob"].max() if "prob" in gp else gp.groupby("row").size()
            ranked = strength.sort_values(ascending=False, kind="stable").head(per)
            for r in ranked.index:
                h = gp[gp["row"] == r]
                first = h.iloc[0]
                spans = list(h[["start", "end"]].itertuples(index=False, name=None))
                cues = ", ".join(dict.fromkeys(c.lstrip("=") for c in h["cue"]))
                rows.append((f, name, p, first["doc_id"], int(first["sentence"]), first["outlet"],
                             first["date"], cues, quote(first, spans)))
    return pd.DataFrame(rows, columns=["frame", "name", "period", "doc_id", "sentence", "outlet", "date",
                                       "cues", "markdown"])



def _kept(prepared: Prepared, name: str, settings: list, compute) -> pd.DataFrame:
    """A quality table of the shipped lexicon: it depends on the labelled data, the lexicon, the
    rule and the code, not on the corpus, so it is computed once and kept in the cache."""
    if prepared.cache is None:
        return compute()
    key = digest(name, settings, LABELLED.read_bytes(), ARTICLES.read_bytes(), DEFAULT_LEXICON.read_bytes(),
                 code_digest(__name__))
    return prepared.cache.corpus_table(name, key, compute)


def article_quality(rule: ArticleRule) -> pd.DataFrame:
    """Scores of the shipped lexicon with `rule` on the test split of the labelled articles, beside
    the frame-name and majority-class baselines (`briefing evaluate-frames --unit article`)."""
    return _article_quality(rule).copy()


@lru_cache(maxsize=4)
def _article_quality(rule: ArticleRule) -> pd.DataFrame:
    data = load_articles(ARTICLES)
    test = data[data["split"] == "test"]
    table = quality_table(evaluate_articles(load_lexicon(), test, rule))
    table.insert(1, "articles", len(test))
    return table


def article_method(rule: ArticleRule, quality: pd.DataFrame) -> str:
    """The methods paragraph of the article-level measure, with its figures on the test split."""
    q = quality.set_index("method")
    r, b, m = (q.loc[k] for k in ("lexicon + rule", "frame-name baseline", "majority class"))
    n = int(r["articles"])
    return (f"**Articles.** A frame counts for an article when it is substantial there: "
            f"{rule.describe()} (calibrated on hand-labelled Wikinews articles, never on the held-out "
            f"ones). An article's *primary frame* is the substantial frame with the most cue sentences; "
            f"ties go to the frame whose first cue sentence comes first, then to lexicon order; an article "
            f"with no "
            f"substantial frame has none. On {n} held-out labelled articles the rule finds the frames "
            f"an article uses with micro F1 {r['micro F1']:.2f} (precision {r['micro precision']:.2f}, "
            f"recall {r['micro recall']:.2f}), against {b['micro F1']:.2f} for a baseline that looks "
            f"for each frame's own name (\"econom\" for Economic) and {m['micro F1']:.2f} for the majority "
            f"class; it names the primary frame correctly for {r['primary-frame accuracy']:.0%} of them, "
            f"against {b['primary-frame accuracy']:.0%} and {m['primary-frame accuracy']:.0%} "
            f"(an article with no substantial frame counts as the codebook's Other). Counting an article "
            f"as soon as one sentence has a cue, as document shares did before, scores micro F1 "
            f"{q.loc['lexicon, any-cue rule', 'micro F1']:.2f}.")


def lexicon_quality() -> pd.DataFrame:
    """Scores of the shipped lexicon on the held-out (test) and tune splits of the shipped labelled
    sentences: how far its frame decisions can be trusted."""
    data = load_labelled(LABELLED)
    rows = []
    for split in ("test", "tune"):
        sc = evaluate(load_lexicon(), data[data["split"] == split])
        for avg, d in (("micro", sc.micro), ("macro", sc.macro)):
            rows.append((f"{split} ({sc.n_sentences} sentences)", avg, d["precision"], d["recall"], d["f1"]))
    return pd.DataFrame(rows, columns=["split", "average", "precision", "recall", "F1"])
