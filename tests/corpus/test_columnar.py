"""Memory stays columnar: the tables that grow with the corpus hold no Python object per row."""

from __future__ import annotations

import pandas as pd
from conftest import DEFAULT_PARAMS

from briefing.corpus.prepare import prepare
from briefing.measures.lexicon import lexicon_for
from briefing.measures.per_sentence import actor_mentions, frame_hits, vader_scores
from briefing.params import load
from briefing.sections.sentiment import sentiment_section
from briefing.store.cache import DocumentCache


def assert_columnar(table: pd.DataFrame, name: str) -> None:
    for column, dtype in table.dtypes.items():
        assert not pd.api.types.is_object_dtype(dtype), f"{name}.{column} holds a Python object per row"
        if isinstance(dtype, pd.StringDtype):
            assert dtype.storage == "pyarrow", f"{name}.{column} is not Arrow-backed"


def test_sentence_tables_and_per_sentence_measures_are_columnar(tmp_path):
    prepared = prepare(load(DEFAULT_PARAMS), cache=DocumentCache(tmp_path))
    assert_columnar(prepared.sentences, "sentences")
    assert_columnar(vader_scores(prepared), "vader")
    assert_columnar(frame_hits(prepared, lexicon_for(prepared.params)), "frame hits")
    assert_columnar(actor_mentions(prepared, prepared.params.actors), "actor mentions")
    assert_columnar(sentiment_section(prepared).sentences, "sentiment sentences")
