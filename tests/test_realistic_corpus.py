"""The realistic benchmark corpus (benchmarks/realistic.py): reproducible, and shaped like real news."""

from __future__ import annotations

import pandas as pd
import pytest

from benchmarks.realistic import CHUNK, realistic_corpus, statistics, write_corpus
from briefing import params as P
from briefing.corpus.prepare import prepare

N = CHUNK + 50  # two chunks, so two processes share the work


@pytest.fixture(scope="module")
def corpus() -> pd.DataFrame:
    return realistic_corpus(N, seed=3)


@pytest.fixture(scope="module")
def stats(corpus, tmp_path_factory) -> dict:
    where = tmp_path_factory.mktemp("realistic")
    corpus.to_parquet(where / "corpus.parquet")
    prepared = prepare(P.validate({
        "title": "t", "corpus": str(where / "corpus.parquet"),
        "periods": [{"name": "2019", "start": "2019-01-01", "end": "2019-12-31"},
                    {"name": "2020", "start": "2020-01-01", "end": "2020-12-31"}]}))
    return statistics(prepared.documents, prepared.sentences, top=15)


def test_the_same_seed_gives_the_same_corpus_whatever_the_number_of_processes(corpus):
    pd.testing.assert_frame_equal(corpus, realistic_corpus(N, seed=3, processes=2))
    assert not corpus["text"].equals(realistic_corpus(N, seed=4)["text"])


def test_the_corpus_streamed_to_disk_is_the_same_table(corpus, tmp_path):
    path = write_corpus(tmp_path / "corpus.parquet", N, seed=3, processes=2)
    pd.testing.assert_frame_equal(pd.read_parquet(path), corpus)
    assert not list(tmp_path.glob(".*.tmp"))


def test_articles_have_the_length_and_sentences_of_real_news(stats):
    assert 38 <= stats["sentences_per_article"] <= 50  # real: 45 (10,000 articles)
    assert 850 <= stats["words_per_article"] <= 1150  # real: 980
    assert 19 <= stats["words_per_sentence"] <= 25
    assert stats["distinct_sentences"] >= 0.93  # real: 95%, some boilerplate repeats
    assert stats["distinct_sentences"] < 1.0


def test_vocabulary_names_numbers_and_outlets_are_those_of_real_news(stats):
    # about 35,000 word types at 1,000 articles in real news; Heaps' law (exponent 0.43 between
    # 1,000 and 10,000 real articles) puts 300 articles near 21,000
    assert 17_000 <= stats["word_types"] <= 26_000
    assert stats["names_in_sample"] >= 5_000
    assert 0.1 <= stats["sentences_with_numbers"] <= 0.5
    assert 30 <= stats["outlets"] <= 100  # real: 77 outlets in 968 articles


def test_the_two_periods_are_about_different_things(stats):
    early, late = stats["distinctive"]["2019"], stats["distinctive"]["2020"]
    assert not set(early) & set(late)
    assert {"biden", "trump"} & set(late)  # the 2020 US election
    assert {"hong", "kong", "parliament"} & set(early)  # the 2019 Hong Kong protests, Brexit
