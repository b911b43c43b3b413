"""Per-document stages give the same rows in one process and over several."""

from __future__ import annotations

import warnings
from functools import partial

import pandas as pd
from conftest import ROOT

from briefing.compute.engine import ComputeError, DaskEngine, LocalEngine, chunks_by_document, map_documents
from briefing.corpus.clean import clean_table, load_rules
from briefing.corpus.sentences import sentence_table
from briefing.measures.actors import mention_table
from briefing.measures.frames import hit_table
from briefing.measures.lexicon import load_lexicon
from briefing.measures.vader import score_table
from briefing.params import Actor


def wikinews_like() -> pd.DataFrame:
    """Real article text (the seed corpus), repeated under distinct keys, as a batch of documents."""
    from briefing.corpus.load import load_corpus

    docs = load_corpus(ROOT / "data" / "corpus" / "biden-amlo")
    rows = [{"doc_key": f"{i:03d}-{d.id}", "text": d.text, "title": d.title}
            for i in range(6) for d in docs.itertuples()]
    return pd.DataFrame(rows)


def test_chunks_never_split_a_document():
    table = pd.DataFrame({"doc_key": list("aaabbcddddde"), "n": range(12)})
    parts = chunks_by_document(table, 4)
    assert pd.concat(parts).equals(table)
    keys = [set(p["doc_key"]) for p in parts]
    assert all(not (a & b) for i, a in enumerate(keys) for b in keys[i + 1:])


def test_every_stage_gives_the_same_rows_over_two_processes():
    docs = wikinews_like()
    rules = load_rules()
    serial = clean_table(docs, rules)
    assert map_documents(partial(clean_table, rules=rules), docs, jobs=2, min_rows=1).equals(serial)
    paragraphs = serial[serial["kind"] == "paragraph"][["doc_key", "n", "text"]]
    sents = sentence_table(paragraphs)
    assert map_documents(sentence_table, paragraphs, jobs=2, min_rows=1).equals(sents)
    batch = sents[["doc_key", "sentence", "text"]]
    stages = [score_table, partial(hit_table, lexicon=load_lexicon()),
              partial(mention_table, actors=[Actor(name="Biden"), Actor(name="Mexico")])]
    for stage in stages:
        pd.testing.assert_frame_equal(map_documents(stage, batch, jobs=2, min_rows=1), stage(batch))


def _stages():
    return [score_table, partial(hit_table, lexicon=load_lexicon()),
            partial(mention_table, actors=[Actor(name="Biden"), Actor(name="Mexico")])]


def test_a_dask_cluster_gives_the_same_rows_as_this_process():
    from distributed import LocalCluster

    docs = wikinews_like()
    rules = load_rules()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=40) as cluster:
        engine = DaskEngine(scheduler=cluster.scheduler_address)
        try:
            cleaned = map_documents(partial(clean_table, rules=rules), docs, engine=engine)
            assert cleaned.equals(clean_table(docs, rules))
            paragraphs = cleaned[cleaned["kind"] == "paragraph"][["doc_key", "n", "text"]]
            sents = map_documents(sentence_table, paragraphs, engine=engine)
            assert sents.equals(sentence_table(paragraphs))
            batch = sents[["doc_key", "sentence", "text"]]
            for stage in _stages():
                pd.testing.assert_frame_equal(map_documents(stage, batch, engine=engine), stage(batch))
            assert "Dask engine" in engine.describe()
            # a corpus's chunks of tens of MB travel as data, not inside the task graph, which
            # made Dask warn "Sending large graph of size 58 MiB" on every stage at 10,000 articles
            big = [pd.DataFrame({"doc_key": [f"d{i}"], "text": ["word " * 3_000_000]}) for i in range(2)]
            with warnings.catch_warnings():
                warnings.simplefilter("error", UserWarning)
                assert engine.map(len, big) == [1, 1]
        finally:
            engine.close()


def test_an_unreachable_scheduler_is_one_clear_error():
    import pytest

    with pytest.raises(ComputeError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        DaskEngine(scheduler="tcp://127.0.0.1:9")


def _die(table: pd.DataFrame) -> pd.DataFrame:
    """A stage whose worker is killed, as the kernel's out-of-memory killer would."""
    import os
    import signal

    os.kill(os.getpid(), signal.SIGKILL)
    return table


def test_a_worker_that_dies_is_reported_as_such():
    import pytest

    with pytest.raises(ComputeError, match="worker process died.*fewer jobs"):
        LocalEngine(2).map(_die, [pd.DataFrame({"doc_key": ["a"]}), pd.DataFrame({"doc_key": ["b"]})])


def test_sentiment_summaries_on_a_dask_cluster_equal_those_of_this_process(tmp_path):
    """Each article's sentiment summaries are computed on the workers; the section is the same."""
    from distributed import LocalCluster

    from briefing.corpus.prepare import prepare
    from briefing.params import load
    from briefing.sections.sentiment.compute import compute_sentiment

    params = load(ROOT / "params" / "wikinews-2019-vs-2020.yaml")
    local = prepare(params, cache=False, engine=LocalEngine(1))
    expected = compute_sentiment(local, params.sentiment)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=40) as cluster:
        engine = DaskEngine(scheduler=cluster.scheduler_address)
        try:
            on_dask = prepare(params, cache=False, engine=engine)
            got = compute_sentiment(on_dask, params.sentiment)
        finally:
            engine.close()
    for name in ("documents", "periods", "comparisons", "actors", "actor_comparisons", "extremes",
                 "actor_evidence"):
        pd.testing.assert_frame_equal(getattr(got, name), getattr(expected, name), obj=name)


def test_a_stage_on_dask_is_combined_on_the_workers_in_document_order():
    """Five chunks (an odd number: one waits a level of the tree) concatenated pairwise on the
    workers give the table this process gives; progress still counts every chunk."""
    from distributed import LocalCluster

    docs = wikinews_like()
    rules = load_rules()
    parts = chunks_by_document(docs, 5)
    assert len(parts) == 5
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=40) as cluster:
        engine = DaskEngine(scheduler=cluster.scheduler_address)
        try:
            seen: list[int] = []
            stage = partial(clean_table, rules=rules)
            got = engine.map_concat(stage, parts, done=lambda c: seen.append(len(c)))
        finally:
            engine.close()
    pd.testing.assert_frame_equal(got, clean_table(docs, rules))
    assert sorted(seen) == sorted(len(p) for p in parts)
