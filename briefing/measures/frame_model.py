"""A frame classifier trained on an analyst's own coding: its features, predictions and model file.

Features are word (1-2 gram) and character (2-5 gram, within words) TF-IDF, optionally with the
cue counts of a frame lexicon (log(1 + hits) per lexicon frame). Each frame has its own logistic
regression (one-vs-rest) and its own threshold, chosen by cross-validation on the training data
(`briefing.measures.frame_train`):

    p_f(x) = 1 / (1 + exp(-(w_f . x + b_f)))        x carries frame f  <=>  p_f(x) >= t_f

The model file is a skops archive (no pickle: loading runs no code from the file) holding a dict
with `format` = FORMAT, `format_version` = FORMAT_VERSION, the fitted vectorizer, the weights,
the thresholds and `meta` (JSON: frames, unit, training data digest, cross-validated scores,
software versions). A file of another format version is refused with one line.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from briefing.errors import ParamsError, shown
from briefing.measures.lexicon import Frame, Lexicon, frame_id

#: What a model file says it is, and the version of its layout this code reads and writes.
FORMAT = "briefing-frame-model"
FORMAT_VERSION = 1

#: The only types a model file may hold (checked before anything in it is built).
_ALLOWED_TYPES = {
    "builtins.slice", "numpy.dtype", "numpy.float32", "numpy.float64", "numpy.int64", "numpy.int32",
    "numpy.ndarray", "scipy.sparse._csr.csr_matrix", "scipy.sparse._csr.csr_array",
    "sklearn.feature_extraction.text.TfidfVectorizer", "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.pipeline.FeatureUnion", "numpy.random._generator.Generator",
}

_WORD = re.compile(r"(?u)\b\w\w+\b")  # the word vectorizer's tokens (scikit-learn's default pattern)


def make_vectorizer(min_df_char: int = 2):
    """Word 1-2 grams and character 2-5 grams (inside word boundaries), TF-IDF with sublinear tf."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    word = TfidfVectorizer(lowercase=True, strip_accents="unicode", ngram_range=(1, 2), sublinear_tf=True)
    char = TfidfVectorizer(lowercase=True, strip_accents="unicode", analyzer="char_wb", ngram_range=(2, 5),
                           sublinear_tf=True, min_df=min_df_char)
    return FeatureUnion([("word", word), ("char", char)])


def cue_features(lexicon: Lexicon | None, texts: list[str]) -> sp.csr_matrix:
    """log(1 + cue hits) of each lexicon frame in each text: (texts, lexicon frames)."""
    if lexicon is None or not lexicon.frames:
        return sp.csr_matrix((len(texts), 0))
    from briefing.measures.frames import FrameDetector

    det = FrameDetector(lexicon)
    col = {f: j for j, f in enumerate(lexicon.ids)}
    out = np.zeros((len(texts), len(col)))
    for i, t in enumerate(texts):
        for f, *_ in det.detect(t):
            out[i, col[f]] += 1
    return sp.csr_matrix(np.log1p(out))


def words_of(texts: list[str]) -> list[str]:
    """Lower-cased word tokens as the word vectorizer sees them (for vocabulary coverage)."""
    return [w for t in texts for w in _WORD.findall(t.lower())]


def coverage(vocabulary: set[str], texts: list[str]) -> float:
    """Share of the word tokens of `texts` that are in `vocabulary` (NaN when there are none)."""
    words = words_of(texts)
    return sum(w in vocabulary for w in words) / len(words) if words else float("nan")


@dataclass
class FrameModel:
    """A fitted frame classifier: frames (display names, in training order), their ids, features,
    per-frame weights and thresholds, and what it was trained on (`meta`)."""

    names: list[str]
    vectorizer: Any
    coef: np.ndarray  # (frames, features)
    intercept: np.ndarray  # (frames,)
    thresholds: np.ndarray  # (frames,)
    meta: dict[str, Any] = field(default_factory=dict)
    cue_lexicon: Lexicon | None = None  # the lexicon whose cue counts are features, or None

    @property
    def ids(self) -> list[str]:
        return unique_ids(self.names)

    @property
    def unit(self) -> str:
        return str(self.meta.get("unit", "sentence"))

    def features(self, texts: list[str]) -> sp.csr_matrix:
        x = self.vectorizer.transform(texts)
        return sp.hstack([x, cue_features(self.cue_lexicon, texts)], format="csr")

    def proba(self, texts: list[str]) -> np.ndarray:
        """(texts, frames) probabilities."""
        if not len(texts):
            return np.zeros((0, len(self.names)))
        z = self.features(list(texts)) @ self.coef.T + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(np.asarray(z), -50, 50)))

    def predict(self, texts: list[str]) -> np.ndarray:
        """(texts, frames) bool: does each text carry each frame?"""
        return self.proba(texts) >= self.thresholds

    def lexicon(self) -> Lexicon:
        """The model's frames as a lexicon without cues (what the framing section lists)."""
        n = int(self.meta.get("n_items", 0))
        shown_as = self.meta.get("display", {})
        what = f"learned from {n:,} coded {self.unit}s ({self.meta.get('source', '')})"
        frames = [Frame(i, shown_as.get(name, name), what, ())
                  for i, name in zip(self.ids, self.names, strict=True)]
        return Lexicon(frames, version=f"model {self.meta.get('data_digest', '')[:12]}")

    def vocabulary(self) -> set[str]:
        return set(self.meta.get("vocabulary", []))

    def digest(self) -> str:
        """sha256 of the weights, thresholds and frames: what the per-sentence cache is keyed by."""
        import hashlib

        h = hashlib.sha256()
        for a in (self.coef, self.intercept, self.thresholds):
            h.update(np.ascontiguousarray(a, dtype=np.float64).tobytes())
        h.update(json.dumps([self.names, self.meta.get("data_digest", "")]).encode())
        return h.hexdigest()


def unique_ids(names: list[str]) -> list[str]:
    """A distinct id per frame name ("Gun control/regulation" -> "gun_control_regulation")."""
    out, seen = [], set()
    for n in names:
        base = frame_id(n) or "frame"
        fid, k = base, 2
        while fid in seen:
            fid, k = f"{base}_{k}", k + 1
        seen.add(fid)
        out.append(fid)
    return out


def _lexicon_to_json(lexicon: Lexicon | None) -> list | None:
    return None if lexicon is None else [[f.id, f.name, f.definition, list(f.cues)] for f in lexicon.frames]


def _lexicon_from_json(data: list | None) -> Lexicon | None:
    return None if data is None else Lexicon([Frame(a, b, c, tuple(d)) for a, b, c, d in data])


def save_model(model: FrameModel, path: str | Path) -> Path:
    """Write the model file atomically (a skops archive; see the module docstring)."""
    import skops.io

    from briefing.files import write_atomic

    meta = dict(model.meta, names=model.names, cue_lexicon=_lexicon_to_json(model.cue_lexicon))
    obj = {"format": FORMAT, "format_version": FORMAT_VERSION, "meta": json.dumps(meta, sort_keys=True),
           "vectorizer": model.vectorizer, "coef": np.asarray(model.coef, dtype=np.float64),
           "intercept": np.asarray(model.intercept, dtype=np.float64),
           "thresholds": np.asarray(model.thresholds, dtype=np.float64)}
    return write_atomic(Path(path), skops.io.dumps(obj))


def load_model(path: str | Path) -> FrameModel:
    """Read a model file; refuse (one line naming the file) what is not a model of FORMAT_VERSION."""
    import skops.io

    path = Path(path)
    if not path.is_file():
        raise ParamsError(f"{path}: frame model not found; train one with `briefing frames train FILE --out "
                          f"{path.name}`")
    data = path.read_bytes()
    try:
        untrusted = set(skops.io.get_untrusted_types(data=data))
    except Exception:  # noqa: BLE001 - whatever a foreign file makes the reader raise
        raise ParamsError(f"{path}: not a frame model (not a skops archive); train one with "
                          "`briefing frames train`") from None
    extra = untrusted - _ALLOWED_TYPES
    if extra:
        raise ParamsError(f"{path}: not a briefing frame model (it holds {sorted(extra)[0]}); refused "
                          "without loading it")
    try:
        obj = skops.io.loads(data, trusted=sorted(untrusted))
    except Exception as exc:  # noqa: BLE001
        raise ParamsError(f"{path}: frame model could not be read ({type(exc).__name__}); "
                          "train it again") from None
    if not isinstance(obj, dict) or obj.get("format") != FORMAT:
        raise ParamsError(f"{path}: not a briefing frame model; train one with `briefing frames train`")
    version = obj.get("format_version")
    if version != FORMAT_VERSION:
        raise ParamsError(f"{path}: frame model format version {version}, this briefing reads version "
                          f"{FORMAT_VERSION}; train the model again with `briefing frames train`")
    meta = json.loads(obj["meta"])
    return FrameModel(names=list(meta.pop("names")), vectorizer=obj["vectorizer"], coef=obj["coef"],
                      intercept=obj["intercept"], thresholds=obj["thresholds"], meta=meta,
                      cue_lexicon=_lexicon_from_json(meta.pop("cue_lexicon", None)))


def model_for(params: Any) -> FrameModel | None:
    """The classifier a briefing's `framing.model` names (None when it names none)."""
    name = getattr(params.framing, "model", None)
    if not name:
        return None
    model = load_model(params.resolve(name))
    if model.unit != "sentence":
        raise ParamsError(f"framing.model: {shown(name)} was trained on {model.unit}s; the framing section "
                          "classifies sentences: train it with `briefing frames train FILE --unit sentence`")
    return model
