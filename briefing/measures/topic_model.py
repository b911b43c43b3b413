"""The numbers behind the topics section: NMF topics, their prevalence, vocabulary divergence.

Everything is seeded (numpy Generators, NMF's random_state), so reruns give the same results.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfTransformer
from threadpoolctl import threadpool_limits

from briefing.measures.stats import resampled_sums

#: Paragraphs used to choose the number of topics (a seeded sample when there are more).
CHOOSE_SAMPLE = 2000
#: Top terms per topic used for coherence and labels.
TOP_N = 10
#: Most terms the topic model uses: those in the most paragraphs. Topics are read from their top
#: terms, which are frequent ones; rarer terms only slow the fits (a 10,000-article corpus has
#: hundreds of thousands of terms in two paragraphs or more, Wikinews' 295 articles 11,500).
MAX_TERMS = 20_000


@dataclass
class TopicModel:
    """A fitted NMF: weights (paragraphs x topics), components (topics x terms), the terms used."""

    weights: np.ndarray
    components: np.ndarray
    terms: np.ndarray
    choice: pd.DataFrame  # k, coherence (mean NPMI of each topic's top terms), chosen
    #: the inverse document frequency of each term, as the fit weighted them (`tfidf`)
    idf: np.ndarray | None = None
    #: the share of the fitted paragraphs' term uses outside `terms` (rarer terms, left out)
    outside: float = 0.0


def tfidf(x: sparse.csr_matrix) -> sparse.csr_matrix:
    """Sublinear TF-IDF, rows L2-normalised."""
    return TfidfTransformer(sublinear_tf=True).fit_transform(x).tocsr()


def tfidf_with(x: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """Sublinear TF-IDF of `x` with the inverse document frequencies of an earlier fit, as
    `tfidf` weights: (1 + ln tf) x idf, rows L2-normalised; the same operations as scikit-learn's
    `TfidfTransformer.transform`, so the same values. Only new weights are made (`x`'s term
    numbers are shared), a slice at a time: at 100,000 articles a matrix of the corpus's
    paragraphs holds over 10^8 entries."""
    from sklearn.preprocessing import normalize

    x = sparse.csr_matrix(x)
    x.sort_indices()  # in place, as scikit-learn's copy is sorted: a row's norm sums in that order
    data = x.data.astype(np.float64)
    for start in range(0, len(data), 1 << 22):
        part = data[start:start + (1 << 22)]
        np.log(part, out=part)
        part += 1.0
        part *= idf[x.indices[start:start + (1 << 22)]]
    out = sparse.csr_matrix((data, x.indices, x.indptr), shape=x.shape, copy=False)
    return normalize(out, norm="l2", copy=False).tocsr()


def transform(x: sparse.csr_matrix, model: TopicModel, seed: int) -> np.ndarray:
    """Topic weights of new paragraphs (`x`: their counts over `model.terms`) under a fitted
    model, its topics held fixed: what scikit-learn's `NMF.transform` solves (W for fixed H)."""
    from sklearn.decomposition import non_negative_factorization

    if x.shape[0] == 0:
        return np.zeros((0, model.components.shape[0]))
    m = _model(model.components.shape[0], seed)
    with threadpool_limits(limits=1):
        w, _, _ = non_negative_factorization(
            tfidf_with(x, model.idf), H=model.components, n_components=m.n_components, update_H=False,
            solver=m.solver, beta_loss=m.beta_loss, tol=m.tol, max_iter=m.max_iter, random_state=seed)
    return w


def _model(k: int, seed: int) -> NMF:
    return NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=400, tol=1e-4)


def _fit(x: sparse.csr_matrix, k: int, seed: int) -> NMF:
    return _model(k, seed).fit(x)


def paragraph_counts(x: sparse.csr_matrix) -> np.ndarray:
    """In how many rows of `x` (CSR) each column is above zero: `(x > 0).sum(axis=0)` without
    making `x > 0`, a second matrix as large as the counts."""
    x = sparse.csr_matrix(x)
    x.sum_duplicates()
    return np.bincount(x.indices[x.data > 0], minlength=x.shape[1]).astype(np.int64)


def vocabulary(x: sparse.csr_matrix, min_paragraphs: int, most: int = MAX_TERMS) -> np.ndarray:
    """Columns of the terms the topic model uses: in at least `min_paragraphs` rows (all terms if
    fewer than two are), and of those the `most` in the most rows (ties: the earlier column)."""
    df = paragraph_counts(x)
    keep = np.flatnonzero(df >= min_paragraphs)
    if len(keep) < 2:
        keep = np.flatnonzero(df >= 1)
    if len(keep) > most:
        keep = np.sort(keep[np.argsort(-df[keep], kind="stable")[:most]])
    return keep


def outside_share(x: sparse.csr_matrix, keep: np.ndarray, min_paragraphs: int) -> float:
    """The share of the term uses of `x`'s paragraphs that a model with the terms `keep` would not
    know, each paragraph left out in turn: uses of terms not kept, and of kept terms that enter the
    model through this paragraph alone (in `min_paragraphs` paragraphs exactly). What a new
    paragraph is held against (`kept_model`): its terms were not chosen with it."""
    total = float(x.sum())
    if total <= 0:
        return 0.0
    df = paragraph_counts(x)
    known = np.zeros(x.shape[1], dtype=bool)
    known[keep] = True
    known &= df > min_paragraphs
    uses = np.asarray(x.sum(axis=0), dtype=float).ravel()
    return 1.0 - float(uses[known].sum()) / total


def npmi_coherence(x: sparse.spmatrix, components: np.ndarray, top_n: int = TOP_N) -> float:
    """Mean over topics of the mean normalised PMI between pairs of its top terms.

    Probabilities are shares of paragraphs (rows of `x`, any non-negative weights of the terms)
    containing the term(s); a pair never seen together scores −1, a pair always together +1.
    Only the top terms' columns are made 0/1, never the whole matrix.
    """
    n = x.shape[0]
    scores = []
    for comp in components:
        top = np.argsort(-comp)[:top_n]
        sub = (x[:, top] > 0).astype(float)
        joint = np.asarray((sub.T @ sub).todense(), dtype=float) / n
        single = np.diag(joint).copy()
        iu = np.triu_indices(len(top), 1)
        pj, pi, pk = joint[iu], single[iu[0]], single[iu[1]]
        with np.errstate(divide="ignore", invalid="ignore"):
            val = np.where(pj > 0, np.log(pj / (pi * pk)) / -np.log(np.where(pj < 1, pj, 0.5)), -1.0)
        val = np.where(pj >= 1, 1.0, val)
        scores.append(float(val.mean()) if len(val) else 0.0)
    return float(np.mean(scores)) if scores else float("nan")


def topic_range(n_units: int, low: int, high: int) -> range:
    """Numbers of topics worth trying: at most one per four paragraphs, at least `low`."""
    top = max(low, min(high, n_units // 4))
    return range(low, top + 1)


def fit_topics(x: sparse.csr_matrix, terms: np.ndarray, *, n_topics: int | str, low: int, high: int,
               min_paragraphs: int, seed: int) -> TopicModel:
    """See `_fit_topics`; run with one BLAS thread, as these fits are too small to gain from more:
    on a busy 2-core machine the threads' waiting made the 100-article fits 7x slower (14 s vs 2 s)."""
    with threadpool_limits(limits=1):
        return _fit_topics(x, terms, n_topics=n_topics, low=low, high=high, min_paragraphs=min_paragraphs,
                           seed=seed)


def _fit_topics(x: sparse.csr_matrix, terms: np.ndarray, *, n_topics: int | str, low: int, high: int,
                min_paragraphs: int, seed: int) -> TopicModel:
    """NMF on TF-IDF of paragraphs; with n_topics="auto", k maximising mean NPMI coherence.

    The paragraphs' topic weights are those of the fit itself (`fit_transform`), not a second
    solve over every paragraph. Memory: besides `x`, one matrix of the kept terms' weights is made
    (a term's weight is above zero exactly where its count is, so coherence reads that).
    """
    keep = vocabulary(x, min_paragraphs)
    outside = outside_share(x, keep, min_paragraphs)
    xk = x[:, keep]
    terms = terms[keep]
    idf = np.asarray(TfidfTransformer(sublinear_tf=True).fit(xk).idf_)
    weighted = tfidf_with(xk, idf)  # TfidfTransformer's fit_transform, the same operations
    del xk
    rows = []
    if n_topics == "auto":
        rng = np.random.default_rng(seed)
        sample = np.sort(rng.choice(x.shape[0], size=min(CHOOSE_SAMPLE, x.shape[0]), replace=False))
        ws = weighted[sample]
        bs = ws.tocsc()
        for k in topic_range(len(sample), low, high):
            if k > min(ws.shape):
                break
            rows.append((k, npmi_coherence(bs, _fit(ws, k, seed).components_)))
        best = max(rows, key=lambda r: (round(r[1], 6), -r[0]))[0] if rows else 1
    else:
        best = int(n_topics)
    best = max(1, min(best, *weighted.shape))
    model = _model(best, seed)
    weights = model.fit_transform(weighted)
    if n_topics != "auto":
        rows = [(best, npmi_coherence(weighted, model.components_))]
    choice = pd.DataFrame(rows, columns=["topics", "coherence"])
    choice["chosen"] = choice["topics"] == best
    return TopicModel(weights, model.components_, terms, choice, idf, outside)


def topic_table(model: TopicModel, paras: pd.DataFrame, text: Callable[[int], str], n_label: int = 4
                ) -> pd.DataFrame:
    """One row per topic: topic, label (top terms), top_terms, typical paragraph and its document
    (`text(row)`: the text of row `row` of `paras`, read for these paragraphs only)."""
    rows = []
    for t, comp in enumerate(model.components):
        top = [str(model.terms[i]) for i in np.argsort(-comp)[:TOP_N] if comp[i] > 0]
        best = int(np.argmax(model.weights[:, t]))
        rows.append({
            "topic": t + 1, "label": " · ".join(top[:n_label]), "top_terms": ", ".join(top),
            "typical_paragraph": text(best), "typical_doc": paras["doc_id"].iat[best],
            "typical_period": str(paras["period"].iat[best]),
        })
    return pd.DataFrame(rows)


def shares(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each paragraph's topic weights as shares summing to 1, and which paragraphs have any weight."""
    total = weights.sum(axis=1)
    ok = total > 0
    out = np.zeros_like(weights)
    out[ok] = weights[ok] / total[ok, None]
    return out, ok


def _unit_sums(values: np.ndarray, units: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    codes, _ = pd.factorize(units)
    n = codes.max() + 1 if len(codes) else 0
    ind = sparse.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))), shape=(n, len(codes)))
    return np.asarray(ind @ values), np.asarray(ind.sum(axis=1)).ravel()


def bootstrap_means(values: np.ndarray, units: np.ndarray, rounds: int, rng: np.random.Generator
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Mean of `values` rows (k columns) and `rounds` bootstrap means resampling whole units.

    Units (documents, or paragraphs) are drawn with replacement; the estimate is the ratio of
    summed values to summed rows, so a unit counts by its number of paragraphs.
    """
    sums, counts = _unit_sums(values, units)
    if len(counts) == 0:
        k = values.shape[1]
        return np.full(k, np.nan), np.full((rounds, k), np.nan)
    drawn = resampled_sums(np.column_stack([counts, sums]), rounds, rng)  # a block of rounds at a time
    boot = drawn[:, 1:] / drawn[:, :1]
    return sums.sum(axis=0) / counts.sum(), boot


def js_terms(p_counts: np.ndarray, q_counts: np.ndarray) -> np.ndarray:
    """Per-word terms of the Jensen–Shannon divergence (base 2) of two count vectors (last axis).

    JS(P, Q) = Σ_w ½ p_w log2(p_w/m_w) + ½ q_w log2(q_w/m_w), m = (p + q)/2; each term is >= 0,
    the sum lies in [0, 1] and equals scipy's `jensenshannon(p, q, base=2) ** 2`.
    """
    p = p_counts / np.maximum(p_counts.sum(axis=-1, keepdims=True), 1e-300)
    q = q_counts / np.maximum(q_counts.sum(axis=-1, keepdims=True), 1e-300)
    m = (p + q) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        tp = np.where(p > 0, p * np.log2(p / m), 0.0)
        tq = np.where(q > 0, q * np.log2(q / m), 0.0)
    return 0.5 * (tp + tq)


def js_divergence(p_counts: np.ndarray, q_counts: np.ndarray) -> float:
    return float(js_terms(np.asarray(p_counts, float), np.asarray(q_counts, float)).sum())


def split_js(a: sparse.csr_matrix, total: np.ndarray) -> np.ndarray:
    """JS divergence (base 2) between each row of `a` and the rest of `total` (total − that row).

    The same sum as `js_terms(a, total − a).sum(axis=1)`, over the words a row uses only: a word
    a row lacks has p_w = 0, so its term is ½ q_w log2(q_w / (q_w/2)) = ½ q_w, and those terms add
    up to ½ (T − Σ_{w used} total_w) / n_q, with T = Σ total and n_q the size of the rest. No
    dense array of rows × vocabulary is made.
    """
    a = a.tocsr(copy=True).astype(float)
    a.eliminate_zeros()
    total = np.asarray(total, dtype=float).ravel()
    rows = np.repeat(np.arange(a.shape[0]), np.diff(a.indptr))
    n_p = np.asarray(a.sum(axis=1), dtype=float).ravel()
    n_q = total.sum() - n_p
    p = a.data / np.maximum(n_p, 1e-300)[rows]
    q = (total[a.indices] - a.data) / np.maximum(n_q, 1e-300)[rows]
    m = (p + q) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = 0.5 * (p * np.log2(p / m) + np.where(q > 0, q * np.log2(q / m), 0.0))
    used = np.bincount(rows, weights=total[a.indices], minlength=a.shape[0])
    unused = 0.5 * (total.sum() - used) / np.maximum(n_q, 1e-300)
    return np.bincount(rows, weights=terms, minlength=a.shape[0]) + unused


def random_split_js(unit_counts: sparse.csr_matrix, n_a: int, rounds: int, rng: np.random.Generator,
                    block: int = 32) -> np.ndarray:
    """JS divergence between random splits of the pooled units into groups of n_a and the rest.

    Rounds are drawn as before (one permutation each) and summed `block` rounds at a time, as one
    product of the vocabulary × units counts (CSR, made once) with a dense units × rounds 0/1
    matrix: the same integer counts as summing each round's rows as a sparse product, several
    times faster, and memory holds block × vocabulary, never rounds × vocabulary.
    """
    n = unit_counts.shape[0]
    if n_a <= 0 or n_a >= n:
        return np.full(rounds, np.nan)
    picks = [rng.permutation(n)[:n_a] for _ in range(rounds)]
    total = np.asarray(unit_counts.sum(axis=0), dtype=float).ravel()
    by_word = sparse.csr_matrix(unit_counts, dtype=float).T.tocsr()
    out = []
    for start in range(0, rounds, block):
        chosen = np.zeros((n, min(block, rounds - start)))
        for j, pick in enumerate(picks[start:start + block]):
            chosen[pick, j] = 1.0
        out.append(split_js(sparse.csr_matrix((by_word @ chosen).T), total))
    return np.concatenate(out)
