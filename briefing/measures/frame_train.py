"""Training a frame classifier (`briefing.measures.frame_model`) and measuring it by cross-validation.

Per frame f, pooled over the k test folds: precision = tp / predicted, recall = tp / labelled,
F1 = 2PR / (P + R); micro averages pool tp, predicted and labelled over the frames some item is
labelled with, macro averages their F1s. Folds are drawn over distinct texts (a text repeated in
the file is never in a training and a test fold at once), seeded, so a seed gives the same folds.

Nothing of a test fold reaches training: the vectorizer's vocabulary and IDF, the weights and the
per-frame thresholds are all fitted on the training folds alone. A frame's threshold is the one
of THRESHOLDS that maximises its F1 over out-of-fold probabilities from an inner cross-validation
of the training folds (ties: the one nearest 0.5).
"""

from __future__ import annotations

import hashlib
import json
import platform
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from briefing.errors import ParamsError
from briefing.measures.frame_eval import prf
from briefing.measures.frame_model import FrameModel, coverage, cue_features, make_vectorizer, words_of
from briefing.measures.lexicon import Lexicon

#: The candidate thresholds of a frame's probability.
THRESHOLDS = np.round(np.arange(0.05, 0.951, 0.025), 3)


@dataclass(frozen=True)
class TrainSettings:
    """How a model is trained: folds (outer and inner), seed, regularisation, cue features."""

    folds: int = 5
    inner_folds: int = 3
    seed: int = 20240515
    C: float = 4.0  # inverse L2 strength of each frame's logistic regression
    # add the lexicon's cue counts as features: on the shipped labelled tune splits, cross-validated
    # micro F1 0.27 -> 0.72 (65 sentences) and 0.44 -> 0.59 (64 articles)
    cues: bool = True
    min_examples: int = 0  # frames with fewer labelled items are left out (0: the number of folds)

    def describe(self) -> str:
        return (f"word 1-2 and character 2-5 gram TF-IDF{' + lexicon cue counts' if self.cues else ''}, "
                f"one logistic regression per frame (C={self.C:g}, balanced class weights), per-frame "
                f"thresholds by {self.inner_folds}-fold cross-validation on the training data")


def label_matrix(labels: Sequence[Sequence[str]]) -> tuple[list[str], np.ndarray]:
    """The frames (as first spelled, labels matched case- and space-insensitively; most frequent
    first) and the (items, frames) bool matrix of which item is labelled with which."""
    key = {}
    for labs in labels:
        for lab in labs:
            key.setdefault(" ".join(lab.split()).casefold(), " ".join(lab.split()))
    counts = {k: 0 for k in key}
    for labs in labels:
        for k in {" ".join(lab.split()).casefold() for lab in labs}:
            counts[k] += 1
    order = sorted(key, key=lambda k: -counts[k])  # stable: ties keep their first appearance
    col = {k: j for j, k in enumerate(order)}
    y = np.zeros((len(labels), len(order)), dtype=bool)
    for i, labs in enumerate(labels):
        for lab in labs:
            y[i, col[" ".join(lab.split()).casefold()]] = True
    return [key[k] for k in order], y


def group_folds(texts: Sequence[str], k: int, seed: int) -> np.ndarray:
    """A fold number (0..k-1) per item; identical texts (case and spacing aside) share a fold."""
    norm = [" ".join(t.split()).casefold() for t in texts]
    distinct = list(dict.fromkeys(norm))
    if len(distinct) < k:
        raise ParamsError(f"{len(distinct)} distinct texts cannot make {k} folds; code more items or give "
                          "--folds 2")
    order = np.random.default_rng(seed).permutation(len(distinct))
    fold_of = {distinct[j]: i % k for i, j in enumerate(order)}
    return np.array([fold_of[t] for t in norm], dtype=int)


def fit_weights(texts: list[str], y: np.ndarray, settings: TrainSettings, lexicon: Lexicon | None
                ) -> tuple[object, np.ndarray, np.ndarray]:
    """Fit the vectorizer and one logistic regression per frame on these items alone: (vectorizer,
    coef (frames, features), intercept (frames,)). A frame all or none of the items carry gets a
    constant (probability 1 or 0)."""
    import scipy.sparse as sp
    from sklearn.linear_model import LogisticRegression

    vec = make_vectorizer(min_df_char=2 if len(texts) >= 50 else 1)
    x = sp.hstack([vec.fit_transform(texts), cue_features(lexicon, texts)], format="csr")
    coef = np.zeros((y.shape[1], x.shape[1]))
    intercept = np.zeros(y.shape[1])
    for j in range(y.shape[1]):
        col = y[:, j]
        if col.all() or not col.any():
            intercept[j] = 50.0 if col.all() else -50.0
            continue
        clf = LogisticRegression(C=settings.C, class_weight="balanced", solver="liblinear", dual=True,
                                 random_state=settings.seed, max_iter=1000)
        clf.fit(x, col)
        coef[j], intercept[j] = clf.coef_[0], clf.intercept_[0]
    return vec, coef, intercept


def _model(texts: list[str], y: np.ndarray, names: list[str], settings: TrainSettings,
           lexicon: Lexicon | None, thresholds: np.ndarray) -> FrameModel:
    vec, coef, intercept = fit_weights(texts, y, settings, lexicon)
    return FrameModel(names, vec, coef, intercept, thresholds, {}, lexicon if settings.cues else None)


def choose_thresholds(proba: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per frame, the threshold of THRESHOLDS with the best F1 on (proba, y); ties: nearest 0.5."""
    out = np.full(y.shape[1], 0.5)
    for j in range(y.shape[1]):
        pred = proba[:, j][:, None] >= THRESHOLDS[None, :]
        tp = (pred & y[:, j][:, None]).sum(axis=0)
        denom = pred.sum(axis=0) + y[:, j].sum()
        f1 = np.where(denom > 0, 2 * tp / np.maximum(denom, 1), 0.0)
        best = np.flatnonzero(np.isclose(f1, f1.max()))
        out[j] = THRESHOLDS[best[np.argmin(np.abs(THRESHOLDS[best] - 0.5))]]
    return out


def fit_model(texts: list[str], y: np.ndarray, names: list[str], settings: TrainSettings,
              lexicon: Lexicon | None = None) -> FrameModel:
    """Weights fitted on all these items; thresholds from an inner cross-validation over them."""
    lex = lexicon if settings.cues else None
    k = min(settings.inner_folds, len(set(texts)))
    proba = np.zeros(y.shape, dtype=float)
    if k >= 2:
        folds = group_folds(texts, k, settings.seed + 1)
        for f in range(k):
            train, test = folds != f, folds == f
            m = _model([t for t, s in zip(texts, train, strict=True) if s], y[train], names, settings, lex,
                       np.full(len(names), 0.5))
            proba[test] = m.proba([t for t, s in zip(texts, test, strict=True) if s])
        thresholds = choose_thresholds(proba, y)
    else:
        thresholds = np.full(len(names), 0.5)
    return _model(texts, y, names, settings, lex, thresholds)


@dataclass
class CrossValidation:
    """Out-of-fold predictions of the model and the baselines, and how the folds were drawn."""

    names: list[str]
    gold: np.ndarray  # (items, frames) bool
    predicted: dict[str, np.ndarray]  # method -> (items, frames) bool; baselines: only frames they map
    scored: dict[str, list[int]]  # method -> the frame columns it is scored on
    folds: np.ndarray
    fold_micro_f1: list[float] = field(default_factory=list)
    coverage: float = float("nan")  # mean share of a test fold's word tokens its training folds had


def cross_validate(texts: list[str], y: np.ndarray, names: list[str], settings: TrainSettings,
                   lexicon: Lexicon | None,
                   baselines: dict[str, tuple[np.ndarray, list[int]]] | None = None) -> CrossValidation:
    """k-fold cross-validation of `fit_model`: each fold predicted by a model that never saw it.
    baselines: method -> (its predictions, the frame columns it has a frame for); they learn
    nothing, so their predictions on the test folds are their predictions on every item."""
    folds = group_folds(texts, settings.folds, settings.seed)
    pred = np.zeros(y.shape, dtype=bool)
    per_fold, cover = [], []
    for f in range(settings.folds):
        train, test = folds != f, folds == f
        tr = [t for t, s in zip(texts, train, strict=True) if s]
        te = [t for t, s in zip(texts, test, strict=True) if s]
        model = fit_model(tr, y[train], names, settings, lexicon)
        pred[test] = model.predict(te)
        per_fold.append(micro(y[test], pred[test])[2])
        cover.append(coverage(set(words_of(tr)), te))
    out = CrossValidation(names, y, {"model": pred}, {"model": list(range(len(names)))}, folds, per_fold,
                          float(np.nanmean(cover)) if cover else float("nan"))
    for method, (p, mapped) in (baselines or {}).items():
        out.predicted[method] = p
        out.scored[method] = list(mapped)
    return out


def micro(gold: np.ndarray, pred: np.ndarray) -> tuple[float, float, float]:
    """Micro precision, recall and F1 over the columns of gold some item is labelled with."""
    used = gold.any(axis=0)
    g, p = gold[:, used], pred[:, used]
    return prf(int((g & p).sum()), int(p.sum()), int(g.sum()))


def score_table(names: list[str], gold: np.ndarray, pred: np.ndarray, columns: Sequence[int]
                ) -> tuple[pd.DataFrame, dict[str, float], dict[str, float]]:
    """Per frame (of `columns` some item is labelled with): support, predicted, tp, P, R, F1; and the
    micro and macro averages over them."""
    rows = []
    for j in columns:
        support, predicted = int(gold[:, j].sum()), int(pred[:, j].sum())
        if support:
            tp = int((gold[:, j] & pred[:, j]).sum())
            rows.append((names[j], support, predicted, tp, *prf(tp, predicted, support)))
    t = pd.DataFrame(rows, columns=["frame", "support", "predicted", "tp", "precision", "recall", "f1"])
    mi = dict(zip(("precision", "recall", "f1"),
                  prf(*(int(t[c].sum()) for c in ("tp", "predicted", "support"))), strict=True))
    ma = {c: float(t[c].mean()) if len(t) else 0.0 for c in ("precision", "recall", "f1")}
    return t, mi, ma


def data_digest(texts: Sequence[str], labels: Sequence[Sequence[str]]) -> str:
    """sha256 of the training items (text and labels, in order): what the model was trained on."""
    payload = json.dumps([[t, sorted(labs)] for t, labs in zip(texts, labels, strict=True)],
                         ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def versions() -> dict[str, str]:
    """The software that trained a model."""
    import scipy
    import sklearn
    import skops

    from briefing import __version__

    return {"briefing": __version__, "python": platform.python_version(), "numpy": np.__version__,
            "scipy": scipy.__version__, "scikit-learn": sklearn.__version__, "skops": skops.__version__}


def model_digest(model: FrameModel) -> str:
    """The model's digest (`FrameModel.digest`), kept in its meta."""
    return model.digest()
