"""What the topics section computes: distinctive terms and names, topics, divergence."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from briefing.measures.fightin_words import top_by_side
from briefing.sections.findings import Finding
from briefing.sections.topics.kept_model import TopicModelUse

#: Fewer documents than this in a period: numbers describe these articles only.
MIN_DOCS = 5


Pair = tuple[str, str]


@dataclass
class TopicsResult:
    """Tables, numbers, prose and findings of the topics section (figures: `figures.py` beside it)."""

    comparisons: list[Pair]
    distinctive: dict[Pair, pd.DataFrame]   # every term: counts, per10k, delta, z (positive = later)
    names: dict[Pair, pd.DataFrame]         # the same statistic over capitalised names and acronyms
    new: dict[Pair, pd.DataFrame]           # item, kind, count, per10k: in the later period only
    vanished: dict[Pair, pd.DataFrame]      # the same for the earlier period only
    topics: pd.DataFrame                    # topic, label, top_terms, typical paragraph
    topic_choice: pd.DataFrame              # topics tried, coherence, chosen
    prevalence: pd.DataFrame                # topic, label, period, share, ci_low, ci_high, paragraphs
    topic_change: pd.DataFrame              # comparison, topic, label, change, ci_low, ci_high, reading
    divergence: pd.DataFrame                # comparison, js, chance_mean, chance_low, chance_high, ...
    contributions: dict[Pair, pd.DataFrame]  # word, share of JS, per10k each period, leans to
    interval_unit: str                      # "document" or "paragraph"
    small: bool                             # fewer than MIN_DOCS documents in some period
    prose: str
    findings: list[Finding] = field(default_factory=list)
    top_terms: int = 15
    #: each paragraph's topic weights as shares (doc_id, paragraph, period, topic_1 ... topic_k)
    paragraph_topics: pd.DataFrame | None = None
    #: sentences using the term leaning most to each period of each pair (period_a, period_b, term,
    #: leans_to, z, doc_id, sentence, outlet, date, text, start/end of the term in the text or -1)
    term_evidence: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: whether the topic model was fitted in this run or kept from an earlier one, and why
    model_use: TopicModelUse = field(default_factory=TopicModelUse)

    def top(self, pair: Pair, names: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The most distinctive terms (or names) of the earlier and of the later period of `pair`."""
        return top_by_side((self.names if names else self.distinctive)[pair], self.top_terms)

    def shared_names(self, pair: Pair) -> pd.DataFrame:
        """Names used in both periods of `pair`, leaning most to the later period first."""
        t = self.names[pair]
        return t[(t["count_a"] > 0) & (t["count_b"] > 0)].reset_index(drop=True).head(self.top_terms)
