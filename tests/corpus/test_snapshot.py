"""The prepared corpus handed to notebook kernels: the same tables, sentences read from the cache."""

from __future__ import annotations

import pandas as pd

from briefing import params as params_mod
from briefing.corpus.prepare import prepare
from briefing.corpus.snapshot import load_snapshot, save_snapshot
from briefing.files import CHECKOUT
from briefing.store.cache import DocumentCache

WIKINEWS = CHECKOUT / "params" / "wikinews-2019-vs-2020.yaml"


def test_a_loaded_snapshot_has_the_prepared_tables_and_reads_sentences_from_the_cache(tmp_path):
    params = params_mod.load(WIKINEWS)
    prepared = prepare(params, cache=DocumentCache(tmp_path / "cache"))
    loaded = load_snapshot(params, save_snapshot(prepared, tmp_path / "prepared"))
    assert loaded is not None and loaded.key == prepared.key
    for name in ("documents", "removed", "outside", "empty", "copies"):
        pd.testing.assert_frame_equal(getattr(loaded, name), getattr(prepared, name))
    keys = list(prepared.documents["doc_key"])[::-7][:20]  # some documents, out of order
    got = loaded.sentences_of(keys)
    assert loaded.held_sentences is None  # read by key, not the whole table
    pd.testing.assert_frame_equal(got, prepared.sentences_of(keys).reset_index(drop=True))
    pd.testing.assert_frame_equal(loaded.sentences, prepared.sentences)


def test_a_snapshot_of_other_params_is_not_loaded(tmp_path):
    params = params_mod.load(WIKINEWS)
    folder = save_snapshot(prepare(params, cache=DocumentCache(tmp_path / "cache")), tmp_path / "prepared")
    other = params.model_copy(update={"dedup_threshold": params.dedup_threshold / 2})
    assert load_snapshot(other, folder) is None
    assert load_snapshot(params, tmp_path / "nowhere") is None


def test_sentences_missing_from_the_cache_are_prepared_again(tmp_path):
    params = params_mod.load(WIKINEWS)
    cache = DocumentCache(tmp_path / "cache")
    prepared = prepare(params, cache=cache)
    loaded = load_snapshot(params, save_snapshot(prepared, tmp_path / "prepared"))
    for seg in (tmp_path / "cache" / "docs" / "sentences").glob("*/seg-*.parquet"):
        seg.unlink()  # pruned meanwhile
    keys = list(prepared.documents["doc_key"])[:3]
    expected = prepared.sentences_of(keys).reset_index(drop=True)
    pd.testing.assert_frame_equal(loaded.sentences_of(keys), expected)
