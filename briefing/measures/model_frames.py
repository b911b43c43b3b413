"""Frames of a prepared corpus's sentences by a trained classifier, in the shape the lexicon's
hits have (`briefing.measures.frames.HIT_COLUMNS`) plus `prob`, so the framing section counts,
compares and quotes them as it does cue hits. One row per sentence and frame the model finds
(p_f >= t_f); `cue` is empty and the span is empty (nothing to bold); `prob` is p_f."""

from __future__ import annotations

import pandas as pd

from briefing.measures.frame_model import FrameModel
from briefing.measures.frames import HIT_COLUMNS

MODEL_HIT_COLUMNS = [*HIT_COLUMNS, "prob"]


def model_table(sentences: pd.DataFrame, model: FrameModel) -> pd.DataFrame:
    """The model stage for a batch of sentences (doc_key, sentence, text): one row per sentence and
    frame it carries (doc_key, sentence, frame, cue, start, end, matched, prob)."""
    proba = model.proba(sentences["text"].astype(str).tolist())
    rows = []
    for i, (key, num) in enumerate(zip(sentences["doc_key"], sentences["sentence"], strict=True)):
        for j, fid in enumerate(model.ids):
            if proba[i, j] >= model.thresholds[j]:
                rows.append((key, int(num), fid, "", 0, 0, "", float(proba[i, j])))
    cols = ["doc_key", "sentence", "frame", "cue", "start", "end", "matched", "prob"]
    return pd.DataFrame(rows, columns=cols).astype({"sentence": "int64", "start": "int64", "end": "int64"})


def model_method(model: FrameModel, seen: float) -> str:
    """The methods paragraph of a briefing whose frames come from a trained classifier: the model,
    its training sample, its cross-validated scores, and `seen`, the share of the corpus's word
    tokens in its training vocabulary (`frame_model.coverage`; NaN when the corpus has none)."""
    m = model.meta
    cv = m.get("cv", {}).get("model")
    n = int(m.get("n_items", 0))
    text = (f"**Frames from a trained classifier.** Each sentence's frames come from a classifier trained "
            f"on {n:,} hand-coded {model.unit}s of `{m.get('source', '?')}` (data sha256 "
            f"{str(m.get('data_digest', ''))[:12]}; {len(model.names)} frames: word and character n-gram "
            f"TF-IDF, one logistic regression per frame, a threshold per frame), not from the cue lexicon: "
            f"no cue is named and evidence sentences are those the model is surest of.")
    if cv:
        folds = m["cv"].get("folds", "?")
        text += (f" In {folds}-fold cross-validation on its training data it found the coded frames with "
                 f"micro F1 {cv['micro']['f1']:.2f} (precision {cv['micro']['precision']:.2f}, recall "
                 f"{cv['micro']['recall']:.2f}), macro F1 {cv['macro']['f1']:.2f}")
        lex = m["cv"].get("lexicon")
        text += (f"; the lexicon scored micro F1 {lex['micro']['f1']:.2f} on the same items." if lex and
                 lex["frames"] else ".")
    else:
        text += " It was trained without cross-validation: how well it works is not known."
    ref = m.get("cv", {}).get("coverage")
    if seen == seen:  # not NaN
        text += f" Of this corpus's words, {seen:.0%} occur in its training data"
        if ref is not None and ref == ref:
            text += f" (a held-out fold of the training data: {ref:.0%})"
        if seen < 0.6 or (ref is not None and ref == ref and seen < ref - 0.15):
            text += ("; **warning: this corpus is far from the training data, so the model's frames may be "
                     "much less accurate here than its scores say**")
        text += "."
    return text
