"""The framing section: through which frames was the relationship covered in each period?

Entry function: `framing_section(prepared) -> FramingResult`. Frames and cues come from the
lexicon (`briefing/measures/lexicon.py`), detection from `briefing/measures/frames.py` (or a
trained classifier, `framing.model`), which frames each article uses and its primary frame from
`briefing/measures/article_frames.py`, statistics from `briefing/measures/stats.py`; prose and
findings are written in `prose.py`, figures drawn in `figures.py`, display tables built in
`tables.py`.

Every statistic combines the articles' framing summaries (`summaries.py`, kept per article in
the cache by `articles.py`): counts are sums; intervals resample articles' counts; each choice
of a sentence (a period's first example of a frame or cue, its strongest evidence) is made
among the articles' own candidates in document order, so it is the choice made over every hit.
Nothing here needs every sentence: the sentences quoted are read by id (`quotes.py`). The one
table that is not combined is the published `hits`: every hit up to `quotes.HITS_CAP`
sentences, above it only the hits of the sentences quoted.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache

import numpy as np
import pandas as pd

import briefing.sections.framing.articles as per_article
import briefing.sections.framing.quotes as quotes
import briefing.sections.framing.summaries as summaries
from briefing.corpus.prepare import Prepared
from briefing.measures.article_eval import ARTICLES, evaluate_articles, load_articles, quality_table
from briefing.measures.article_frames import NONE, ArticleRule, counted_table
from briefing.measures.frame_eval import LABELLED, evaluate, load_labelled
from briefing.measures.frame_model import FrameModel, model_for
from briefing.measures.lexicon import DEFAULT_LEXICON, Lexicon, lexicon_for, load_lexicon
from briefing.measures.model_frames import model_method
from briefing.measures.per_document import for_documents
from briefing.measures.stats import bootstrap_ratio_diff, bootstrap_shares, compare_counts
from briefing.sections.framing.articles import article_summaries, detector_for
from briefing.sections.framing.prose import findings, prose
from briefing.sections.framing.quotes import Quoter, published_hits
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
              "code": [code_digest(m.__name__) for m in (per_article, summaries, quotes)]
              + [code_digest(__name__), code_digest("briefing.measures.per_document")]}
    return section_result("framing", FramingResult, prepared, inputs,
                          lambda: compute_framing(prepared, lexicon, model))


def compute_framing(prepared: Prepared, lexicon: Lexicon, model: FrameModel | None = None) -> FramingResult:
    """Combine the articles' framing summaries into the section's tables, prose and findings."""
    params = prepared.params
    opts = params.framing
    names = lexicon.names()
    ids = lexicon.ids
    periods = prepared.period_names
    docs = prepared.documents
    detector = detector_for(lexicon, model)
    parts = article_summaries(prepared, detector, params.actors, opts.evidence_sentences)
    frames = pd.DataFrame([(f.id, f.name, f.definition, len(f.cues)) for f in lexicon.frames],
                          columns=["frame", "name", "definition", "cues"])

    # per-document counts: sentences carrying each frame (and the first of them), and sentences
    per_doc = for_documents(prepared, parts["documents"])
    n_by_doc = pd.Series(per_doc["sentences"].to_numpy(), index=pd.Index(per_doc["doc_id"], name="doc_id"))
    per_frame = for_documents(prepared, parts["frames"])
    per_frame["period"] = per_frame["period"].astype(str)
    counts, first = np.zeros((len(per_doc), len(ids)), dtype="int64"), np.zeros((len(per_doc), len(ids)))
    col = pd.Index(ids).get_indexer(per_frame["frame"])
    known = col >= 0
    at = per_doc["_doc"].searchsorted(per_frame["_doc"].to_numpy()[known])
    counts[at, col[known]] = per_frame["sentences"].to_numpy()[known]
    first[at, col[known]] = per_frame["first"].to_numpy()[known]
    by_doc = pd.DataFrame(counts, index=n_by_doc.index, columns=ids)
    doc_period = pd.Series(per_doc["period"].astype(str).to_numpy(), index=n_by_doc.index)
    # per-document frames and primary frame, by the article rule
    rule = ArticleRule(opts.article_min_share, opts.article_min_sentences)
    substantial, articles = counted_table(counts, first, n_by_doc, ids, rule)
    articles.insert(1, "period", doc_period.to_numpy())

    rows = []
    for p in periods:
        in_p = (doc_period == p).to_numpy()
        n_s, n_d = int(n_by_doc[in_p].sum()), int(in_p.sum())
        for f in ids:
            k_s, k_d = int(by_doc.loc[in_p, f].sum()), int(substantial.loc[in_p, f].sum())
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
    one = _one_period(prepared, shares, per_frame, _with_period(prepared, parts["cues"]), names)
    actors = _actor_table(prepared, _with_period(prepared, parts["actors"]), ids, names)
    evidence = _evidence(comp, _with_period(prepared, parts["evidence"]), periods, top,
                         opts.evidence_sentences)
    quoter = Quoter(prepared, detector, pd.concat([one, evidence], ignore_index=True))
    one = _quoted(one, quoter, "example")
    evidence = _quoted(evidence, quoter, "markdown")
    primary = _primary_shares(prepared, articles, names)
    art_quality = _kept(prepared, "article-quality", [rule.min_share, rule.min_sentences],
                        lambda: article_quality(rule))
    n_sents, tokens = int(per_doc["sentences"].sum()), int(per_doc["tokens"].sum())
    seen = per_doc["seen"].sum() / tokens if tokens else float("nan")
    result = FramingResult(frames=frames, hits=published_hits(prepared, detector, quoter), shares=shares,
                           comparisons=comp, rising=rising, falling=falling, one_period=one, actors=actors,
                           evidence=evidence, quality=_kept(prepared, "lexicon-quality", [], lexicon_quality),
                           prose="", lexicon_version=lexicon.version,
                           small_sample=small, level=opts.level, period_names=periods,
                           primary=primary, articles=articles, article_quality=art_quality,
                           article_method=article_method(rule, art_quality),
                           model_method=model_method(model, seen) if model else "")
    result.findings = findings(result)
    result.prose = prose(result, n_docs, n_sents, int(per_doc["framed"].sum()), int(per_doc["hits"].sum()),
                         detector.model)
    return result


def _with_period(prepared: Prepared, table: pd.DataFrame) -> pd.DataFrame:
    """An articles' summary given to every document, in document order, period as text."""
    out = for_documents(prepared, table)
    out["period"] = out["period"].astype(str)
    return out


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
    """Per pair of periods and frame: shares, change, an interval resampling articles' counts, test."""
    opts = prepared.params.framing
    rng = np.random.default_rng(opts.seed)
    s = shares.set_index(["period", "frame"])
    out = []
    for a, b in prepared.comparisons():
        ia, ib = (doc_period == a).to_numpy(), (doc_period == b).to_numpy()
        low, high = bootstrap_ratio_diff(by_doc.loc[ia].to_numpy(), n_by_doc[ia].to_numpy(),
                                         by_doc.loc[ib].to_numpy(), n_by_doc[ib].to_numpy(),
                                         rounds=opts.bootstrap_rounds, level=opts.level, seed=rng)
        claim_ok = min(int(ia.sum()), int(ib.sum())) >= MIN_DOCUMENTS
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


_ONE_COLUMNS = ["period_a", "period_b", "only_in", "kind", "frame", "name", "cue", "sentences", "example"]
_QUOTE = ["doc_key", "sentence", "outlet", "date", "match"]  # what a quotation is made from


def _one_period(prepared: Prepared, shares: pd.DataFrame, per_frame: pd.DataFrame, cues: pd.DataFrame,
                names: dict[str, str]) -> pd.DataFrame:
    """Frames, and cue terms (per frame), found in one period of a comparison and not in the other,
    each with its first sentence in that period (the first article's first, in text order).
    `per_frame`, `cues`: the articles' frame and cue summaries, in document order."""
    counts = shares.set_index(["period", "frame"])["with_frame"]
    cues = cues.sort_values(["_doc", "order"], kind="stable")
    rows = []
    for a, b in prepared.comparisons():
        for here, there in ((a, b), (b, a)):
            for f in names:
                if counts[(here, f)] > 0 and counts[(there, f)] == 0:
                    g = per_frame[(per_frame["period"] == here) & (per_frame["frame"] == f)].iloc[0]
                    rows.append((a, b, here, "frame", f, names[f], "", int(counts[(here, f)]),
                                 g["doc_key"], int(g["first"]), g["outlet"], g["date"], None))
            c_here = cues[cues["period"] == here]
            only = c_here[~c_here["cue"].isin(set(cues.loc[cues["period"] == there, "cue"]))]
            ranked = (only.groupby(["frame", "cue"], sort=False)["sentences"].sum().reset_index(name="n")
                      .sort_values("n", ascending=False, kind="stable").head(_CUES_KEPT))
            for f, cue, n in ranked.itertuples(index=False):
                g = only[(only["cue"] == cue) & (only["frame"] == f)].iloc[0]
                rows.append((a, b, here, "cue", f, names[f], cue.lstrip("="), int(n),
                             g["doc_key"], int(g["sentence"]), g["outlet"], g["date"], cue))
    return pd.DataFrame(rows, columns=[*_ONE_COLUMNS[:-1], *_QUOTE])


def _actor_table(prepared: Prepared, per_actor: pd.DataFrame, ids: list[str], names: dict[str, str]
                 ) -> pd.DataFrame:
    """Per period, actor and frame: of the sentences naming the actor, how many carry the frame
    (`per_actor`: the articles' actor summaries; frame "" counts the sentences naming it)."""
    actors = prepared.params.actors
    cols = ["period", "actor", "frame", "name", "actor_sentences", "with_frame", "share"]
    if not actors:
        return pd.DataFrame(columns=cols)
    total = per_actor.groupby(["period", "actor", "frame"], sort=False)["sentences"].sum().to_dict()
    rows = []
    for p in prepared.period_names:
        for a in (x.name for x in actors):
            n = int(total.get((p, a, ""), 0))
            for f in ids:
                k = int(total.get((p, a, f), 0))
                rows.append((p, a, f, names[f], n, k, k / n if n else np.nan))
    return pd.DataFrame(rows, columns=cols)


def _evidence(comp: pd.DataFrame, candidates: pd.DataFrame, periods: list[str], top: int, per: int
              ) -> pd.DataFrame:
    """For the frames that changed most, up to `per` sentences per period: the strongest (most cue
    hits of the frame, or a model's highest confidence; ties in text order), among the articles'
    own strongest (`candidates`, in document order)."""
    order = comp.sort_values("abs_change", ascending=False, kind="stable").drop_duplicates("frame")
    chosen = order.loc[order["abs_change"] > 0, ["frame", "name"]].head(top)
    cands = candidates.sort_values(["_doc", "sentence"], kind="stable")
    rows = []
    for f, name in chosen.itertuples(index=False):
        g = cands[cands["frame"] == f]
        for p in periods:
            ranked = g[g["period"] == p].sort_values("strength", ascending=False, kind="stable").head(per)
            for r in ranked.itertuples(index=False):
                rows.append((f, name, p, r.doc_id, int(r.sentence), r.outlet, r.date, r.doc_key, None))
    return pd.DataFrame(rows, columns=["frame", "name", "period", "doc_id", "sentence", "outlet", "date",
                                       "doc_key", "match"])


def _quoted(table: pd.DataFrame, quoter: Quoter, column: str) -> pd.DataFrame:
    """`table` with its quotations (cue words in bold) in `column`, the cues that fired in `cues`
    (evidence), and the columns it was quoted from dropped."""
    made = [quoter.quote(r.doc_key, r.sentence, r.frame, r.outlet, r.date,
                         r.match if isinstance(r.match, str) else None)
            for r in table.itertuples(index=False)]
    out = table.copy()

    def values(i: int) -> list[str] | pd.Series:  # no rows: an object column, as a table of no rows has
        return [m[i] for m in made] if made else pd.Series([], index=out.index, dtype=object)

    out[column] = values(1)
    if column == "markdown":
        out["cues"] = values(0)
        return out[["frame", "name", "period", "doc_id", "sentence", "outlet", "date", "cues", "markdown"]]
    return out[_ONE_COLUMNS]


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
