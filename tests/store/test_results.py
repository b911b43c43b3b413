"""Section results: stored once per set of inputs, read back exactly, never trusted when damaged."""

from __future__ import annotations

import dataclasses
import json

import pandas as pd
import pytest
from conftest import DEFAULT_PARAMS

from briefing.corpus.prepare import prepare
from briefing.params import load
from briefing.sections import appendix, overview, summary
from briefing.sections.framing import compute as framing
from briefing.sections.sentiment import compute as sentiment
from briefing.sections.topics import compute as topics
from briefing.store import results as store
from briefing.store.cache import DocumentCache

SECTIONS = {"corpus": overview.corpus_overview, "sentiment": sentiment.sentiment_section,
            "framing": framing.framing_section, "topics": topics.topics_section,
            "summary": summary.executive_summary, "appendix": appendix.appendix}


@pytest.fixture
def seed(tmp_path, monkeypatch):
    monkeypatch.delenv(store.RESULTS_ENV, raising=False)
    monkeypatch.delenv(store.PREVIOUS_ENV, raising=False)
    return prepare(load(DEFAULT_PARAMS), cache=DocumentCache(tmp_path / "cache"))


def assert_same(a, b) -> None:
    assert type(a) is type(b)
    for f in dataclasses.fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, pd.DataFrame):
            pd.testing.assert_frame_equal(x, y, check_exact=True)
        elif isinstance(x, dict) and x and isinstance(next(iter(x.values())), pd.DataFrame):
            assert list(x) == list(y)
            for k in x:
                pd.testing.assert_frame_equal(x[k], y[k], check_exact=True)
        else:
            assert x == y, f.name


def counting(monkeypatch, module, name: str) -> list[int]:
    calls: list[int] = []
    real = getattr(module, name)

    def wrapped(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapped)
    return calls


@pytest.mark.parametrize("section", list(SECTIONS))
def test_a_stored_result_reads_back_exactly_what_was_computed(seed, section, tmp_path):
    computed = SECTIONS[section](seed)
    folder = store.save(computed, tmp_path / "out" / section, {"section": section, "key": "k"})
    assert_same(computed, store.load(type(computed), folder, "k"))
    again = SECTIONS[section](seed)  # the entry function now reads the stored result
    assert_same(computed, again)
    assert store.key_of(again) == store.key_of(computed)


def test_each_section_is_computed_once_per_set_of_inputs(seed, monkeypatch):
    calls = {name: counting(monkeypatch, mod, fn) for name, mod, fn in (
        ("sentiment", sentiment, "compute_sentiment"), ("framing", framing, "compute_framing"),
        ("topics", topics, "compute_topics"))}
    summary.executive_summary(seed)  # reads the three sections
    sentiment.sentiment_section(seed)
    framing.framing_section(seed)
    topics.topics_section(seed)
    summary.executive_summary(seed)
    assert {k: len(v) for k, v in calls.items()} == {"sentiment": 1, "framing": 1, "topics": 1}


def test_changing_one_sections_params_recomputes_that_section_only(seed, monkeypatch):
    for entry in (sentiment.sentiment_section, framing.framing_section, topics.topics_section):
        entry(seed)
    calls = {name: counting(monkeypatch, mod, fn) for name, mod, fn in (
        ("sentiment", sentiment, "compute_sentiment"), ("framing", framing, "compute_framing"),
        ("topics", topics, "compute_topics"))}
    new_topics = seed.params.topics.model_copy(update={"prior_scale": 0.5})
    changed = seed.params.model_copy(update={"topics": new_topics})
    other = dataclasses.replace(seed, params=changed)
    for entry in (sentiment.sentiment_section, framing.framing_section, topics.topics_section):
        entry(other)
    assert {k: len(v) for k, v in calls.items()} == {"sentiment": 0, "framing": 0, "topics": 1}
    relabelled = dataclasses.replace(seed, params=seed.params.model_copy(update={"title": "Another title"}))
    for entry in (sentiment.sentiment_section, framing.framing_section, topics.topics_section,
                  appendix.appendix):
        entry(relabelled)
    assert {k: len(v) for k, v in calls.items()} == {"sentiment": 0, "framing": 0, "topics": 1}


@pytest.mark.parametrize("damage", ["a table", "the record", "a missing file"])
def test_a_damaged_result_is_computed_again(seed, monkeypatch, damage):
    first = topics.topics_section(seed)
    folder = seed.cache.root / "results" / "topics" / store.key_of(first)
    if damage == "a table":
        path = next(folder.glob("*.parquet"))
        path.write_bytes(path.read_bytes()[:-20])
    elif damage == "the record":
        (folder / store.RECORD).write_text("{not json", encoding="utf-8")
    else:
        next(folder.glob("*.parquet")).unlink()
    calls = counting(monkeypatch, topics, "compute_topics")
    again = topics.topics_section(seed)
    assert len(calls) == 1
    assert_same(first, again)
    assert store.verify(folder, store.key_of(first)) is not None  # stored whole again


def test_the_summary_quotes_the_numbers_the_sections_stored(seed, tmp_path, monkeypatch):
    monkeypatch.setenv(store.RESULTS_ENV, str(tmp_path / "results"))
    summ = summary.executive_summary(seed)
    stored = {}
    for section, cls in (("sentiment", sentiment.SentimentResult), ("framing", framing.FramingResult),
                         ("topics", topics.TopicsResult)):
        stored[section] = store.load(cls, tmp_path / "results" / section)
    findings = [f for r in stored.values() for f in r.findings]
    by_sentence = {f.sentence: f for f in findings}
    assert summ.key_findings
    for line in summ.key_findings:  # every key finding is a stored finding's sentence
        assert any(line.startswith(s) for s in by_sentence), line
    table = summ.changed  # each row is exactly the row a stored finding makes
    rows = {tuple(summary.changed_table([f]).astype(str).iloc[0]) for f in findings
            if len(summary.changed_table([f]).columns) == len(table.columns)}
    for row in table.astype(str).itertuples(index=False):
        assert tuple(row) in rows, row
    record = json.loads((tmp_path / "results" / "summary" / store.RECORD).read_text())
    assert record["inputs"]["sections"] == [store.key_of(r) for r in stored.values()]
