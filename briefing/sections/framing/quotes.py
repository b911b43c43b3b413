"""The sentences the framing section quotes, read by id: their text (`per_document.sentences_of`)
and frame hits (the detector's cached rows), only for the articles quoted; and the section's
published hits table.

A quotation is asked for as (doc_key, sentence, frame, cue): the sentence is quoted with the
hits of that frame (of that cue only, when one is given) in bold, as the section chose it from
the articles' summaries.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from briefing.corpus.prepare import Prepared
from briefing.measures.frames import HIT_COLUMNS as PUBLISHED_COLUMNS
from briefing.measures.per_document import for_documents, sentences_of, unique_keys
from briefing.sections.framing.articles import CHUNK_DOCS, Detector, hit_rows
from briefing.sections.framing.prose import quote

#: Above this many sentences the result's `hits` lists only the hits of the sentences quoted
#: (as the sentiment section's `sentences`); every hit stays in the per-document cache.
HITS_CAP = 50_000
REQUEST_COLUMNS = ["doc_key", "sentence", "frame", "cue"]


class Quoter:
    """Reads the text and hits of the requested sentences' articles, once, and quotes them."""

    def __init__(self, prepared: Prepared, detector: Detector, requests: pd.DataFrame) -> None:
        keys = list(dict.fromkeys(requests["doc_key"]))
        sents = sentences_of(prepared, keys)
        self.hits = hit_rows(prepared, detector, sents)
        self.text = sents.set_index(["doc_key", "sentence"])["text"]
        self._by_sentence = self.hits.groupby(["doc_key", "sentence"], sort=False).indices
        self.quoted: set[tuple[str, int]] = set()  # (doc_key, sentence) of every quotation made

    def hits_of(self, doc_key: str, sentence: int, frame: str, cue: str | None = None) -> pd.DataFrame:
        """The hits of `frame` (and `cue`) in one sentence, in text order."""
        at = self._by_sentence.get((doc_key, int(sentence)))
        h = self.hits.iloc[at if at is not None else []]
        h = h[h["frame"] == frame]
        return h if cue is None else h[h["cue"] == cue]

    def quote(self, doc_key: str, sentence: int, frame: str, outlet: str, date, cue: str | None = None  # noqa: ANN001
              ) -> tuple[str, str]:
        """(the cues that fired, comma-joined; the quotation with them in bold, outlet and date)."""
        h = self.hits_of(doc_key, sentence, frame, cue)
        self.quoted.add((doc_key, int(sentence)))
        spans = list(h[["start", "end"]].itertuples(index=False, name=None))
        cues = ", ".join(dict.fromkeys(c.lstrip("=") for c in h["cue"]))
        row = {"text": self.text.loc[(doc_key, int(sentence))], "outlet": outlet, "date": date}
        return cues, quote(pd.Series(row), spans)


def published_hits(prepared: Prepared, detector: Detector, quoter: Quoter) -> pd.DataFrame:
    """The result's hits table: one row per hit (row: the sentence's place among all sentences,
    documents in order; doc_id, sentence, frame, cue, start, end, matched; a model's prob). Every
    hit up to HITS_CAP sentences, read a chunk of articles at a time; above, those of the
    sentences quoted."""
    total = int(prepared.documents["sentences"].sum())
    if total <= HITS_CAP:
        keys = unique_keys(prepared)
        parts = [hit_rows(prepared, detector, sentences_of(prepared, keys[i:i + CHUNK_DOCS]))
                 for i in range(0, len(keys), CHUNK_DOCS)]
        hits = pd.concat(parts, ignore_index=True) if parts else quoter.hits
    else:
        pairs = zip(quoter.hits["doc_key"], quoter.hits["sentence"], strict=True)
        hits = quoter.hits[np.array([(k, int(s)) in quoter.quoted for k, s in pairs], dtype=bool)]
    offsets = np.r_[0, np.cumsum(prepared.documents["sentences"].to_numpy())[:-1]]
    out = for_documents(prepared, hits)
    out.insert(0, "row", (offsets[out["_doc"].to_numpy()] + out["sentence"].to_numpy()).astype("int64"))
    out = out.sort_values(["row", "frame" if detector.model else "start"], kind="stable")
    cols = [*PUBLISHED_COLUMNS, "prob"] if detector.model else PUBLISHED_COLUMNS
    return out[cols].reset_index(drop=True)
