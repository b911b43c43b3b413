"""The topic model kept between runs: NMF topics do not combine from articles' summaries.

Term counts add up article by article (`counts.py`), a topic model does not: its topics, and the
automatic choice of their number, depend on every paragraph at once. So the fitted model is kept
(its terms, their IDF weights, its topics, the choice of k, the topic weights of every paragraph
it has seen), and a rerun on a grown archive weighs only the new paragraphs by it (NMF's
transform: the topics held fixed). It is fitted again, on the whole corpus, when

- asked (`briefing run --refit`, or `topics_section(prepared, refit=True)`);
- there is none for this corpus and these settings, or it cannot be read;
- the articles added or removed since the fit exceed REFIT_CHANGED_SHARE of those it was fit on;
- the new paragraphs use terms the model does not know: their term uses outside its terms
  exceed the fitted paragraphs' own share by more than REFIT_OUTSIDE_POINTS.

The section's methods say which happened and why (`TopicModelUse.sentence`). Kept at
`<cache>/models/topics/<corpus, periods and settings>/`, written atomically and checked like a
section result (`briefing.store.results`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel
from scipy import sparse

from briefing.corpus.prepare import Prepared
from briefing.measures import topic_model as M
from briefing.store import results as R
from briefing.store.fingerprint import code_digest, digest

#: Articles added or removed since the fit, as a share of the articles it was fit on, above which
#: the model is fitted again.
REFIT_CHANGED_SHARE = 0.05
#: New paragraphs' term uses outside the model's terms, as a share above the fitted paragraphs'
#: own (`topic_model.outside_share`, each left out in turn), above which the model is fitted again.
#: Small batches of new paragraphs vary: 4 Wikinews articles added to 289 gave 41% against 29%.
REFIT_OUTSIDE_POINTS = 0.15
#: Set (to anything but "" or "0") by `briefing run --refit`: the topic model is fitted again.
REFIT_ENV = "BRIEFING_REFIT_TOPICS"


class TopicModelUse(BaseModel):
    """Whether this result's topic model was fitted here or kept from an earlier run, and why."""

    how: Literal["fit", "kept"] = "fit"
    reason: str = "the first run on this corpus"
    fitted_at: str = ""
    fit_documents: int = 0
    fit_paragraphs: int = 0
    new_documents: int = 0
    removed_documents: int = 0
    new_paragraphs: int = 0
    outside_fit: float = 0.0
    outside_new: float = 0.0

    def sentence(self) -> str:
        """The methods' sentence on the topic model (plain text, no article text in it)."""
        if self.how == "fit":
            return (f"The topic model was fitted on all {self.fit_paragraphs:,} paragraphs of "
                    f"{self.fit_documents:,} articles ({self.reason}).")
        return (f"The topic model was kept from the fit of {self.fitted_at} on {self.fit_paragraphs:,} "
                f"paragraphs of {self.fit_documents:,} articles; the {self.new_paragraphs:,} paragraphs "
                f"of the "
                f"{self.new_documents:,} articles added since were weighed by its topics, not fitted "
                f"({self.removed_documents:,} articles of the fit are no longer in the corpus). It is fitted "
                f"again when the articles added or removed exceed {REFIT_CHANGED_SHARE:.0%} of those it was "
                f"fitted on, when new paragraphs' term uses fall outside its terms "
                f"{100 * REFIT_OUTSIDE_POINTS:.0f} percentage points more often than the fitted paragraphs' "
                f"({self.outside_new:.1%} against {self.outside_fit:.1%} here), or with "
                "`briefing run --refit`.")


@dataclass
class KeptModel:
    """A fitted topic model as kept: what `M.TopicModel` holds, and what it was fitted on."""

    id: str
    fitted_at: str
    fit_documents: int
    fit_paragraphs: int
    outside: float
    vocabulary: pd.DataFrame   # term, idf
    components: pd.DataFrame   # one column per topic, one row per term
    paragraphs: pd.DataFrame   # doc_key, paragraph, w_1 ... w_k: every paragraph weighed so far
    documents: pd.DataFrame    # doc_key: the articles the model was fitted on
    choice: pd.DataFrame = field(default_factory=pd.DataFrame)
    reason: str = ""           # why it was fitted

    def fit_use(self) -> TopicModelUse:
        """How a result computed from exactly the articles of the fit says it was made: fitted."""
        return TopicModelUse(how="fit", reason=self.reason, fitted_at=self.fitted_at,
                             fit_documents=self.fit_documents, fit_paragraphs=self.fit_paragraphs,
                             outside_fit=self.outside)


def refit_asked() -> bool:
    return os.environ.get(REFIT_ENV, "") not in ("", "0")


def _lineage(prepared: Prepared) -> str:
    """Which kept model a corpus uses: its file, its periods, the topic settings, the code."""
    o = prepared.params.topics
    settings = {"n_topics": o.n_topics, "topic_range": list(o.topic_range), "seed": o.seed,
                "min_paragraphs": o.min_paragraphs, "max_ngram": o.max_ngram,
                "extra_stop_words": sorted(o.extra_stop_words)}
    periods = [(p.name, str(p.start), str(p.end)) for p in prepared.params.periods]
    return digest(str(Path(prepared.params.corpus_path).resolve()), periods, settings, prepared.sentences_key,
                  code_digest("briefing.measures.topic_model"), length=24)


def folder(prepared: Prepared) -> Path | None:
    if prepared.cache is None:
        return None
    return prepared.cache.root / "models" / "topics" / _lineage(prepared)


def fit_id(prepared: Prepared) -> str:
    """The id of a model fitted on this corpus's articles (with these settings)."""
    return digest(_lineage(prepared), sorted(prepared.documents["doc_key"].astype(str)), length=24)


def load_kept(prepared: Prepared) -> KeptModel | None:
    where = folder(prepared)
    return R.load(KeptModel, where) if where is not None and where.is_dir() else None


@dataclass
class Plan:
    """What the section will do: fit (kept is None) or keep `kept`; `id` keys the section's result."""

    id: str
    reason: str
    kept: KeptModel | None = None


def plan(prepared: Prepared, refit: bool) -> Plan:
    """Fit or keep, from the articles alone (cheap: the section's result is keyed by the outcome)."""
    own = fit_id(prepared)
    if refit:  # its own key: a result of a fit without asking is not what was asked for
        return Plan(f"refit-{own}", "a refit was asked for (--refit)")
    kept = load_kept(prepared)
    if kept is None:
        return Plan(own, "no topic model was kept for this corpus and these settings")
    fit_docs = set(kept.documents["doc_key"].astype(str))
    now = set(prepared.documents["doc_key"].astype(str))
    changed = len(now - fit_docs) + len(fit_docs - now)
    if kept.id == own or changed == 0:
        return Plan(kept.id, "", kept)
    if changed > REFIT_CHANGED_SHARE * len(fit_docs):
        return Plan(own, f"{changed:,} articles added or removed since the last fit, more than "
                         f"{REFIT_CHANGED_SHARE:.0%} of the {len(fit_docs):,} it was fitted on")
    return Plan(kept.id, "", kept)


def to_model(kept: KeptModel) -> M.TopicModel:
    comps = kept.components.to_numpy(dtype=float).T
    return M.TopicModel(np.zeros((0, comps.shape[0])), comps, kept.vocabulary["term"].to_numpy(dtype=object),
                        kept.choice, kept.vocabulary["idf"].to_numpy(dtype=float), kept.outside)


def keep(prepared: Prepared, model: M.TopicModel, paras: pd.DataFrame, model_id: str,
         kept: KeptModel | None = None, reason: str = "") -> KeptModel:
    """Keep `model` (its paragraphs' weights by article content and paragraph) for later runs."""
    where = folder(prepared)
    weights = pd.DataFrame(model.weights, columns=[f"w_{t + 1}" for t in range(model.weights.shape[1])])
    rows = pd.concat([paras[["doc_key", "paragraph"]].reset_index(drop=True), weights], axis=1)
    rows = rows.drop_duplicates(["doc_key", "paragraph"])
    if kept is None:
        kept = KeptModel(
            id=model_id, fitted_at=datetime.now(UTC).isoformat(timespec="seconds"),
            fit_documents=int(paras["doc_key"].nunique()), fit_paragraphs=len(rows), outside=model.outside,
            vocabulary=pd.DataFrame({"term": model.terms.astype(object), "idf": model.idf}),
            components=pd.DataFrame(model.components.T, columns=list(weights.columns)),
            paragraphs=rows, documents=pd.DataFrame({"doc_key": pd.unique(paras["doc_key"])}),
            choice=model.choice, reason=reason)
    else:
        kept.paragraphs = rows
    if where is not None:
        R.save(kept, where, {"key": kept.id, "kind": "topic model"})
    return kept


def fit_or_keep(prepared: Prepared, x, vocab: np.ndarray, paras: pd.DataFrame,  # noqa: ANN001 - csr
                chosen: Plan) -> tuple[M.TopicModel, TopicModelUse]:
    """The topic model of these paragraphs (`x`: their term counts, columns `vocab`): `chosen.kept`
    with the new paragraphs weighed by its topics, or a fit (then kept), and how it was made."""
    opts = prepared.params.topics
    kept = chosen.kept
    if kept is not None:
        model = to_model(kept)
        def ids(t: pd.DataFrame) -> pd.MultiIndex:
            return pd.MultiIndex.from_frame(t[["doc_key", "paragraph"]].astype({"doc_key": str}))

        row = ids(kept.paragraphs).get_indexer(ids(paras))
        new = row < 0
        cols = pd.Index(vocab).get_indexer(model.terms)
        have = np.flatnonzero(cols >= 0)
        select = sparse.csr_matrix((np.ones(len(have), dtype=np.int32), (cols[have], have)),
                                   shape=(len(vocab), len(model.terms)))
        x_new = (x[new] @ select).tocsr()
        x_new.sort_indices()
        outside_new = 1.0 - float(x_new.sum()) / max(float(x[new].sum()), 1.0) if new.any() else 0.0
        docs_now = set(paras["doc_key"].astype(str))
        fit_docs = set(kept.documents["doc_key"].astype(str))
        use = TopicModelUse(how="kept", reason="", fitted_at=kept.fitted_at, fit_documents=kept.fit_documents,
                            fit_paragraphs=kept.fit_paragraphs, new_documents=len(docs_now - fit_docs),
                            removed_documents=len(fit_docs - docs_now), new_paragraphs=int(new.sum()),
                            outside_fit=kept.outside, outside_new=outside_new)
        if outside_new <= kept.outside + REFIT_OUTSIDE_POINTS:
            known_w = kept.paragraphs.filter(regex=r"^w_\d+$").to_numpy(float)
            weights = np.zeros((len(paras), known_w.shape[1]))
            weights[~new] = known_w[row[~new]]
            weights[new] = M.transform(x_new, model, opts.seed)
            model.weights = weights
            if new.any() or len(kept.paragraphs) != len(paras):
                keep(prepared, model, paras, kept.id, kept)
            if kept.id == fit_id(prepared):  # the very articles of the fit: its result, as it was
                use = kept.fit_use()
            return model, use
        chosen = Plan(chosen.id, f"the {use.new_paragraphs:,} new paragraphs' term uses fall outside the "
                                 f"kept model's terms {outside_new:.1%} of the time, against "
                                 f"{kept.outside:.1%} for the paragraphs it was fitted on")
    model = M.fit_topics(x, vocab, n_topics=opts.n_topics, low=opts.topic_range[0], high=opts.topic_range[1],
                         min_paragraphs=opts.min_paragraphs, seed=opts.seed)
    return model, keep(prepared, model, paras, fit_id(prepared), reason=chosen.reason).fit_use()
