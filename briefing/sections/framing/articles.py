"""Each article's framing summaries (`summaries.py`), kept in the per-document cache, and the frame
hits of the few articles the section quotes.

Frames come from a `Detector`: the lexicon's cue matcher (`briefing.measures.frames.hit_table`)
or a trained classifier (`briefing.measures.model_frames.model_table`), whose per-sentence rows
are the measure stages the rest of the briefing shares (`per_document.measure_rows`). Only the
articles missing from the cache are read and summarised, a chunk of articles at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

import briefing.sections.framing.summaries as summaries
from briefing.corpus.prepare import Prepared
from briefing.measures.actors import mention_table
from briefing.measures.frame_model import FrameModel, words_of
from briefing.measures.frames import hit_table
from briefing.measures.lexicon import Lexicon
from briefing.measures.model_frames import model_table
from briefing.measures.per_document import measure_rows, sentences_of, summary_stage, unique_keys
from briefing.measures.per_sentence import actors_settings, frames_settings
from briefing.params import Actor
from briefing.sections.framing.summaries import ACTOR, ROW_COLUMNS
from briefing.store.fingerprint import code_digest

STAGE = "framing-articles"
#: Articles read and summarised at once when the cache lacks them (bounds the sentences held).
CHUNK_DOCS = 2000
#: Framed rows summarised in this process below this many (a pool costs more than the summaries).
POOL_MIN_ROWS = 100_000
HIT_COLUMNS = ["doc_key", "sentence", "frame", "cue", "start", "end", "matched", "prob"]


@dataclass(frozen=True)
class Detector:
    """Where a sentence's frames come from: a measure stage, its settings and function."""

    stage: str
    what: str
    settings: dict
    fn: Callable[[pd.DataFrame], pd.DataFrame]
    vocabulary: frozenset[str] | None = None  # a trained model's words (its coverage is reported)

    @property
    def model(self) -> bool:
        return self.vocabulary is not None


def detector_for(lexicon: Lexicon, model: FrameModel | None) -> Detector:
    """The lexicon's cue matcher, or the trained classifier when `framing.model` names one."""
    if model is None:
        return Detector("frames", "finding frame cues", frames_settings(lexicon),
                        partial(hit_table, lexicon=lexicon))
    return Detector("frame-model", "classifying frames", {"model": model.digest()},
                    partial(model_table, model=model), frozenset(model.vocabulary()))


def hit_rows(prepared: Prepared, detector: Detector, sents: pd.DataFrame) -> pd.DataFrame:
    """The frame hits (HIT_COLUMNS; prob NaN for cue hits) of the documents of `sents` (whole
    documents, doc_key first), in their order and then text order (sentence, then start; a
    model's by frame), as the cache keeps them."""
    rows = measure_rows(prepared, detector.stage, detector.what, detector.settings, detector.fn, sents)
    if "prob" not in rows:
        rows = rows.assign(prob=np.nan)
    pos = {k: i for i, k in enumerate(dict.fromkeys(sents["doc_key"]))}
    rows = rows.assign(_pos=rows["doc_key"].map(pos))
    within = "frame" if detector.model else "start"
    rows = rows.sort_values(["_pos", "sentence", within], kind="stable")
    return rows[HIT_COLUMNS].reset_index(drop=True)


def framed_rows(prepared: Prepared, detector: Detector, actors: Sequence[Actor], keys: Sequence[str]
                ) -> pd.DataFrame:
    """The input of the summaries for the documents `keys`: per document a row per sentence (its
    actor flags; a model's word tokens and those it has seen), then a row per hit, text order
    (no text). `summary_stage` asks for CHUNK_DOCS documents at a time."""
    keys = list(dict.fromkeys(keys))
    sents = sentences_of(prepared, keys)
    hits = hit_rows(prepared, detector, sents)
    base = pd.DataFrame({"doc_key": sents["doc_key"].to_numpy(), "sentence": sents["sentence"].to_numpy()})
    if detector.model:
        words = [words_of([t]) for t in sents["text"]]
        base["tokens"] = np.array([len(w) for w in words], dtype="int64")
        base["seen"] = np.array([sum(x in detector.vocabulary for x in w) for w in words], dtype="int64")
    else:
        base["tokens"] = base["seen"] = np.zeros(len(base), dtype="int64")
    names = [a.name for a in actors]
    if names and len(sents):
        found = measure_rows(prepared, "actors", "finding actors", actors_settings(actors),
                             partial(mention_table, actors=list(actors)), sents)
        where = pd.MultiIndex.from_frame(base[["doc_key", "sentence"]])
        for name in names:
            part = found[found["actor"] == name]
            flag = np.zeros(len(base), dtype=bool)
            flag[where.get_indexer(pd.MultiIndex.from_frame(part[["doc_key", "sentence"]]))] = True
            base[ACTOR + name] = flag
    else:
        for name in names:
            base[ACTOR + name] = np.zeros(len(base), dtype=bool)
    base = base.assign(frame="", cue="", start=0, end=0, prob=np.nan, _kind=0)
    hit = hits.drop(columns="matched").assign(tokens=0, seen=0, _kind=1, **{ACTOR + n: False for n in names})
    rows = pd.concat([base, hit], ignore_index=True)
    pos = {k: i for i, k in enumerate(dict.fromkeys(keys))}
    rows["_pos"] = rows["doc_key"].map(pos)
    rows = rows.sort_values(["_pos", "sentence", "_kind"], kind="stable")
    cols = [*ROW_COLUMNS, *(ACTOR + n for n in names)]
    return rows[cols].astype({"sentence": "int64", "start": "int64", "end": "int64", "tokens": "int64",
                              "seen": "int64", "prob": "float64"}).reset_index(drop=True)


def article_summaries(prepared: Prepared, detector: Detector, actors: Sequence[Actor], evidence: int
                      ) -> dict[str, pd.DataFrame]:
    """Every article's framing summaries (`summaries.PARTS`), read from the cache; computed (on the
    engine) only for the articles not kept yet, so adding articles computes only theirs. One
    cache stage, `framing-articles`, keyed by the detector (lexicon or model), the actors, the
    number of evidence sentences and the code."""
    settings = {"detector": [detector.stage, detector.settings], "actors": actors_settings(actors),
                "evidence": evidence, "code": [code_digest(summaries.__name__), code_digest(__name__)]}
    fn = partial(summaries.article_summary, actors=[a.name for a in actors], evidence=evidence)
    return summary_stage(prepared, STAGE, settings, unique_keys(prepared),
                         lambda missing: framed_rows(prepared, detector, actors, missing), fn,
                         what="summarising articles' frames", min_rows=POOL_MIN_ROWS, chunk=CHUNK_DOCS,
                         read=summaries.split_pieces)
