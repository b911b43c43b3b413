"""What the framing section computes: tables of frame shares, changes, cues and evidence."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from briefing.sections.findings import Finding

#: Fewer documents than this in a period: the numbers describe these articles only.
MIN_DOCUMENTS = 5


@dataclass
class FramingResult:
    """Everything the framing section shows. Shares are fractions (0..1); changes in points."""

    frames: pd.DataFrame  # frame (id), name, definition, cues (count), in lexicon order
    # row, doc_id, sentence, frame, cue, start, end, matched (a model's: and prob): every hit up to
    # quotes.HITS_CAP sentences, above only those of the sentences quoted; read by no statistic
    hits: pd.DataFrame
    # period, frame, name, sentences, with_frame, share, documents, docs_with, doc_share; docs_with counts
    # the articles that use the frame substantially (briefing/measures/article_frames.py)
    shares: pd.DataFrame
    comparisons: pd.DataFrame  # per pair and frame: shares, change, ci_low/high, test
    rising: pd.DataFrame
    falling: pd.DataFrame
    one_period: pd.DataFrame  # only_in, kind (frame|cue), frame, cue, example...
    actors: pd.DataFrame  # period, actor, frame, name, actor_sentences, with_frame, share
    evidence: pd.DataFrame  # frame, name, period, doc_id, sentence, outlet, date, cues, markdown
    quality: pd.DataFrame  # precision, recall, F1 of the lexicon on the labelled sentences
    prose: str
    # per period and frame (and "none"): documents, primary_docs, share, ci_low, ci_high
    primary: pd.DataFrame = field(default_factory=pd.DataFrame)
    # one row per article: doc_id, period, sentences, primary, frames (';'-joined substantial frames)
    articles: pd.DataFrame = field(default_factory=pd.DataFrame)
    # the article rule and the two baselines on the held-out labelled articles: method, articles,
    # micro precision/recall/F1, macro F1, primary-frame accuracy
    article_quality: pd.DataFrame = field(default_factory=pd.DataFrame)
    article_method: str = ""  # the methods paragraph of the article-level measure, with its figures
    model_method: str = ""  # with framing.model: the classifier, its training sample and scores
    lexicon_version: str = ""
    findings: list[Finding] = field(default_factory=list)
    small_sample: bool = True
    level: float = 0.95
    period_names: list[str] = field(default_factory=list)

    def names(self) -> dict[str, str]:
        """Frame id -> display name, in lexicon order."""
        return dict(zip(self.frames["frame"], self.frames["name"], strict=True))
