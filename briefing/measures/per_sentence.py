"""The per-sentence measures of a prepared corpus: VADER scores, frame cue hits, actor mentions.

Each is a per-document stage (`vader.score_table`, `frames.hit_table`, `actors.mention_table`):
computed once per document and settings, kept in the persistent cache next to the sentences
it was computed from, and handed back aligned to `prepared.sentences`. Sections read them here
and never score a sentence themselves, so each sentence is measured once however many sections
or notebooks use it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

import numpy as np
import pandas as pd

from briefing.compute.engine import map_documents
from briefing.corpus.prepare import Prepared, counted
from briefing.measures.actors import mention_table
from briefing.measures.frames import HIT_COLUMNS, hit_table, lexicon_fingerprint
from briefing.measures.lexicon import Lexicon
from briefing.measures.vader import lexicon_digest, score_table
from briefing.params import Actor
from briefing.store.fingerprint import code_digest


def _rows(prepared: Prepared, stage: str, what: str, settings: dict,
          fn: Callable[[pd.DataFrame], pd.DataFrame]) -> pd.DataFrame:
    """The stage's rows (doc_key, sentence, ...) for every document, each sentence's row label
    in `row`: from the cache where kept, else computed over the documents missing."""
    sents = prepared.sentences
    keyed = pd.DataFrame({"doc_key": prepared.sentence_doc_keys(), "sentence": sents["sentence"],
                          "text": sents["text"]})
    # the sentences of the first document with each key (wire copies share their key and results)
    first_doc = sents["doc_id"].groupby(keyed["doc_key"].to_numpy(), sort=False).transform("first")
    firsts = keyed[(sents["doc_id"] == first_doc).to_numpy()]

    def compute(missing: list[str]) -> pd.DataFrame:
        batch = firsts[firsts["doc_key"].isin(set(missing))]
        return counted(prepared.progress, what, batch,
                       lambda done: map_documents(fn, batch, engine=prepared.engine, done=done))

    settings = {"sentences": prepared.sentences_key, **settings}
    if prepared.cache is None:
        rows = compute(list(dict.fromkeys(keyed["doc_key"])))
        prepared.computed[stage] = int(keyed["doc_key"].nunique())
    else:
        store = prepared.cache.stage(stage, settings)
        rows = store.table(list(keyed["doc_key"]), compute)
        prepared.computed[stage] = store.computed
    where = keyed[["doc_key", "sentence"]].reset_index(names="row")
    return where.merge(rows, on=["doc_key", "sentence"], how="inner")


def vader_settings() -> dict:
    """What the VADER stage is keyed by (besides the sentences)."""
    return {"lexicon": lexicon_digest(), "code": code_digest("briefing.measures.vader")}


def frames_settings(lexicon: Lexicon) -> dict:
    """What the frames stage is keyed by (besides the sentences)."""
    return {"lexicon": lexicon_fingerprint(lexicon), "code": code_digest("briefing.measures.frames")}


def actors_settings(actors: Sequence[Actor]) -> dict:
    """What the actors stage is keyed by (besides the sentences)."""
    return {"actors": [a.model_dump(mode="json") for a in actors],
            "code": code_digest("briefing.measures.actors")}


def vader_scores(prepared: Prepared) -> pd.DataFrame:
    """neg, neu, pos, compound of every sentence (index: `prepared.sentences`'), as NLTK's VADER
    gives them."""
    rows = _rows(prepared, "vader", "scoring sentiment", vader_settings(), score_table).set_index("row")
    cols = ["neg", "neu", "pos", "compound"]
    return rows[cols].reindex(prepared.sentences.index)


def frame_hits(prepared: Prepared, lexicon: Lexicon) -> pd.DataFrame:
    """One row per cue hit (HIT_COLUMNS: row is the sentence's label in `prepared.sentences`)."""
    rows = _rows(prepared, "frames", "finding frame cues", frames_settings(lexicon),
                 partial(hit_table, lexicon=lexicon))
    rows["doc_id"] = prepared.sentences["doc_id"].to_numpy()[rows["row"].to_numpy()] if len(rows) else ""
    return rows.sort_values(["row", "start"], kind="stable")[HIT_COLUMNS].reset_index(drop=True)


def actor_mentions(prepared: Prepared, actors: Sequence[Actor]) -> pd.DataFrame:
    """A boolean column per actor (params order), one row per sentence: does it name the actor?"""
    names = [a.name for a in actors]
    out = pd.DataFrame(np.zeros((len(prepared.sentences), len(names)), dtype=bool),
                       index=prepared.sentences.index, columns=names)
    if not names:
        return out
    rows = _rows(prepared, "actors", "finding actors", actors_settings(actors),
                 partial(mention_table, actors=list(actors)))
    for name, labels in rows.groupby("actor", sort=False)["row"]:
        out.loc[labels.to_numpy(), name] = True
    return out
