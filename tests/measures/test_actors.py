"""Actor mentions: aliases, accents, whole words, acronyms, and the per-sentence table."""

from __future__ import annotations

import pandas as pd

from briefing.measures.actors import ActorMatcher
from briefing.params import Actor

ACTORS = [Actor(name="Biden"), Actor(name="López Obrador", aliases=["Lopez Obrador", "AMLO"]),
          Actor(name="United States", aliases=["U.S.", "US"]), Actor(name="Mexico")]


def test_aliases_accents_and_acronyms():
    m = ActorMatcher(ACTORS)
    assert m.mentions("LÓPEZ OBRADOR met Biden") == ["Biden", "López Obrador"]
    assert m.mentions("amlo and us") == []  # acronyms are case-sensitive: "us" is not the US
    assert m.mentions("The U.S.-Mexico border") == ["United States", "Mexico"]
    assert m.mentions("Bidens and Mexicans in New Mexico") == []


def test_table_matches_each_sentence_like_mentions():
    m = ActorMatcher(ACTORS)
    texts = ["Biden spoke.", "New Mexico voted.", "Biden spoke.", "AMLO and Mexico.", ""]
    sentences = pd.DataFrame({"text": texts}, index=[10, 11, 12, 13, 14])
    table = m.table(sentences)
    assert list(table.index) == [10, 11, 12, 13, 14]
    for i, text in zip(table.index, texts, strict=True):
        assert [a for a in table.columns if table.loc[i, a]] == m.mentions(text)
