"""What the sentiment section computes: sentence, document, period, actor and evidence tables."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from briefing.params import SentimentOptions
from briefing.sections.findings import Finding

#: Fewer documents than this in a period: the numbers describe those articles only.
MIN_DOCS = 5


@dataclass
class SentimentResult:
    """Every table of the section; each number in `prose` comes from one of them."""

    sentences: pd.DataFrame      # per sentence: period, outlet, date, text, neg..compound, tone, actors
    documents: pd.DataFrame      # one row per document: mean compound and shares of tones
    periods: pd.DataFrame        # per period: mean over documents, 95% CI, within-article spread
    comparisons: pd.DataFrame    # per period pair: difference, CI, p, within-outlet shift
    actors: pd.DataFrame         # per actor (or pair) x period: sentences, documents, mean, CI
    actor_comparisons: pd.DataFrame  # per actor (or pair) and period pair: difference, CI, p
    extremes: pd.DataFrame       # most positive / negative sentences per period
    actor_evidence: pd.DataFrame  # per actor x period: the sentence that moves the mean most
    options: SentimentOptions
    period_names: list[str]
    prose: str = ""
    outlet_note: str = ""
    by_date_note: str = ""
    evidence: str = ""            # the most positive / negative sentence of each period, quoted
    findings: list[Finding] = field(default_factory=list)
    #: per period and compound score: how many sentences have it (the distribution, however large
    #: the corpus; `sentences` lists every sentence only up to `compute.SENTENCE_CAP`)
    compound_counts: pd.DataFrame = field(default_factory=pd.DataFrame)

    def compounds(self, period: str) -> np.ndarray:
        """The compound scores of a period's sentences: from `sentences` when it lists them all,
        else from `compound_counts` (in order of score)."""
        s = self.sentences
        c = self.compound_counts
        if c.empty or len(s) == int(c["count"].sum()):
            return s.loc[s["period"] == period, "compound"].to_numpy()
        part = c[c["period"] == period]
        return np.repeat(part["compound"].to_numpy(), part["count"].to_numpy())

    def sentence_listing(self, limit: int = 400) -> tuple[pd.DataFrame, str]:
        """The sentence table to print, with its caption: every sentence when there are at most
        `limit`, else the sentences quoted as evidence (the full table stays in `sentences`)."""
        cols = ["period", "outlet", "date", "sentence", "text", "actors", "neg", "neu", "pos", "compound",
                "tone"]
        s = self.sentences
        listed_all = self.compound_counts.empty or len(s) == int(self.compound_counts["count"].sum())
        if len(s) <= limit and listed_all:
            return s[cols], "Every cleaned sentence with its VADER scores and the actors it names."
        keys = pd.concat([self.extremes[["text"]], self.actor_evidence[["text"]]])["text"]
        n = int(self.compound_counts["count"].sum()) if not listed_all else len(s)
        where = ("the full table is `sentiment.sentences`" if listed_all else
                 "each is in the per-document cache; `sentiment.compute.sentence_table` lists them")
        return (s[s["text"].isin(set(keys))][cols].head(limit),
                f"The sentences quoted as evidence ({n:,} sentences in all are scored; {where}).")
