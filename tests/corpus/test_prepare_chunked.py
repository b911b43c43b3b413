"""Preparing a corpus into the cache, a chunk of articles at a time: no process holds the whole
sentence table, and a rerun reads neither the articles' text nor their sentences from the cache."""

from __future__ import annotations

import pandas as pd

from briefing import params as params_mod
from briefing.corpus import stages
from briefing.corpus.prepare import prepare
from briefing.files import CHECKOUT
from briefing.store.cache import DocumentCache

WIKINEWS = CHECKOUT / "params" / "wikinews-2019-vs-2020.yaml"


def test_prepared_in_chunks_into_the_cache_equals_prepared_in_memory(tmp_path, monkeypatch):
    params = params_mod.load(WIKINEWS)
    monkeypatch.setattr(stages, "PREPARE_CHUNK", 37)  # 295 articles: eight chunks
    kept = prepare(params, cache=DocumentCache(tmp_path / "cache"))
    assert kept.held_sentences is None  # nothing held: sentences are read from the cache when asked
    segments = list((tmp_path / "cache" / "docs" / "sentences").glob("*/seg-*.parquet"))
    assert len(segments) > 1  # written a chunk at a time
    memory = prepare(params, cache=False)
    for name in ("documents", "removed", "outside", "empty"):
        pd.testing.assert_frame_equal(getattr(kept, name), getattr(memory, name))
    pd.testing.assert_frame_equal(kept.sentences, memory.sentences)
    assert kept.computed["clean"] == kept.computed["sentences"] == memory.computed["sentences"]


def test_a_rerun_reads_only_the_small_per_article_tables(tmp_path, monkeypatch):
    params = params_mod.load(WIKINEWS)
    cache = DocumentCache(tmp_path / "cache")
    first = prepare(params, cache=cache)
    for stage in ("clean", "sentences"):  # the bulky stages: a rerun must not need them
        for seg in (tmp_path / "cache" / "docs" / stage).glob("*/seg-*.parquet"):
            seg.unlink()

    def refuse(*args, **kwargs):
        raise AssertionError("a rerun cleaned or split an article again")

    monkeypatch.setattr(stages, "clean_and_split", refuse)
    again = prepare(params, cache=cache)
    for name in ("documents", "removed", "outside", "empty"):
        pd.testing.assert_frame_equal(getattr(again, name), getattr(first, name))
    assert again.computed["clean"] == again.computed["sentences"] == 0
