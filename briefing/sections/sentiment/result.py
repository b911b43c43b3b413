"""What the sentiment section computes: sentence, document, period, actor and evidence tables."""

from __future__ import annotations

from dataclasses import dataclass, field

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

    def sentence_listing(self, limit: int = 400) -> tuple[pd.DataFrame, str]:
        """The sentence table to print, with its caption: every sentence when there are at most
        `limit`, else the sentences quoted as evidence (the full table stays in `sentences`)."""
        cols = ["period", "outlet", "date", "sentence", "text", "actors", "neg", "neu", "pos", "compound",
                "tone"]
        s = self.sentences
        if len(s) <= limit:
            return s[cols], "Every cleaned sentence with its VADER scores and the actors it names."
        keys = pd.concat([self.extremes[["text"]], self.actor_evidence[["text"]]])["text"]
        return (s[s["text"].isin(set(keys))][cols].head(limit),
                f"The sentences quoted as evidence ({len(s):,} sentences in all are scored; the full "
                "table is `sentiment.sentences`).")
