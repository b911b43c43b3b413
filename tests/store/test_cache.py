"""The per-document cache: computed once per document and settings, never trusted when damaged."""

from __future__ import annotations

import hashlib
import time

import pandas as pd
import pytest
from conftest import base_params, write_corpus

from briefing import params as params_mod
from briefing.corpus.prepare import prepare
from briefing.measures.lexicon import lexicon_for
from briefing.measures.per_sentence import actor_mentions, frame_hits, vader_scores
from briefing.store import cache as cache_mod
from briefing.store.cache import DocumentCache


def rows_for(keys: list[str]) -> pd.DataFrame:
    """Two rows per document, except documents whose key starts with 'z' (no rows)."""
    data = [(k, i, f"{k}-{i}") for k in keys if not k.startswith("z") for i in range(2)]
    return pd.DataFrame(data, columns=["doc_key", "n", "text"])


class Counter:
    def __init__(self) -> None:
        self.asked: list[list[str]] = []

    def __call__(self, keys: list[str]) -> pd.DataFrame:
        self.asked.append(list(keys))
        return rows_for(keys)


def test_a_document_is_computed_once_and_then_read_back(tmp_path):
    stage = DocumentCache(tmp_path).stage("demo", {"x": 1})
    count = Counter()
    first = stage.table(["a", "b", "zed", "a"], count)
    assert count.asked == [["a", "b", "zed"]] and stage.computed == 3
    second = DocumentCache(tmp_path).stage("demo", {"x": 1})
    again = second.table(["a", "b", "zed"], count)
    assert count.asked == [["a", "b", "zed"]] and second.computed == 0  # nothing computed
    assert sorted(map(tuple, again.values.tolist())) == sorted(map(tuple, first.values.tolist()))
    more = second.table(["a", "c"], count)
    assert count.asked[-1] == ["c"] and set(more["doc_key"]) == {"a", "c"}


def test_other_settings_are_kept_apart(tmp_path):
    cache = DocumentCache(tmp_path)
    count = Counter()
    cache.stage("demo", {"x": 1}).table(["a"], count)
    cache.stage("demo", {"x": 2}).table(["a"], count)
    assert count.asked == [["a"], ["a"]]


@pytest.mark.parametrize("damage", ["flip a byte", "truncate", "other version"])
def test_a_damaged_segment_is_discarded_and_its_documents_computed_again(tmp_path, damage):
    cache = DocumentCache(tmp_path, warn=lambda m: warned.append(m))
    warned: list[str] = []
    stage = cache.stage("demo", {"x": 1})
    stage.table(["a", "b"], Counter())
    (segment,) = stage.folder.glob("seg-*.parquet")
    raw = segment.read_bytes()
    if damage == "flip a byte":
        segment.write_bytes(raw[:100] + bytes([raw[100] ^ 0xFF]) + raw[101:])
    elif damage == "truncate":
        segment.write_bytes(raw[: len(raw) // 2])
    else:  # a valid file of another stage, under this stage's folder and a matching checksum
        other = DocumentCache(tmp_path / "other").stage("another", {"x": 1})
        other.table(["a", "b"], Counter())
        (theirs,) = other.folder.glob("seg-*.parquet")
        segment.unlink()
        segment = stage.folder / theirs.name
        segment.write_bytes(theirs.read_bytes())
    count = Counter()
    again = cache.stage("demo", {"x": 1}).table(["a", "b"], count)
    assert count.asked == [["a", "b"]]
    assert sorted(again["text"]) == ["a-0", "a-1", "b-0", "b-1"]
    assert warned and "computed again" in warned[0]
    for kept in stage.folder.glob("seg-*.parquet"):  # what is there now is whole (maybe rewritten)
        assert hashlib.sha256(kept.read_bytes()).hexdigest()[:32] == kept.stem.removeprefix("seg-")
    assert damage != "other version" or not segment.exists()


def test_segments_are_merged_keeping_each_document_once(tmp_path, monkeypatch):
    monkeypatch.setattr(cache_mod, "MAX_SEGMENTS", 3)
    stage = DocumentCache(tmp_path).stage("demo", {"x": 1})
    for k in "abcde":
        stage.table([k], Counter())
    stage.put(["a"], rows_for(["a"]))  # a second copy of a, as two racing runs would leave
    assert len(list(stage.folder.glob("seg-*.parquet"))) <= 3
    count = Counter()
    rows = stage.table(list("abcde"), count)
    assert count.asked == [] and len(rows) == 10 and rows.groupby("doc_key").size().eq(2).all()


def test_merging_leaves_the_largest_segments_and_streams_the_rest(tmp_path, monkeypatch):
    monkeypatch.setattr(cache_mod, "MAX_SEGMENTS", 4)
    warned: list[str] = []
    stage = DocumentCache(tmp_path, warn=warned.append).stage("demo", {"x": 1})
    big = pd.DataFrame({"doc_key": ["big"] * 5000, "n": range(5000), "text": ["x" * 50] * 5000,
                        "note": ["kept"] * 5000})
    stage.put(["big"], big)
    (large,) = stage.folder.glob("seg-*.parquet")
    # a column all None in some segments (Arrow type null) and text in others: unified, not refused
    for k in "abcd":
        stage.put([k], rows_for([k]).assign(note=None if k in "ab" else f"note-{k}"))
    assert large.exists() and not warned  # the archive's segment was not rewritten; merged streaming
    segments = list(stage.folder.glob("seg-*.parquet"))
    assert len(segments) <= 4
    merged = [p for p in segments if p != large]
    assert all(hashlib.sha256(p.read_bytes()).hexdigest()[:32] == p.stem.removeprefix("seg-") for p in merged)
    count = Counter()
    rows = DocumentCache(tmp_path).stage("demo", {"x": 1}).table(["big", *"abcd"], count)
    assert count.asked == [] and len(rows) == 5008
    notes = rows.drop_duplicates("doc_key").set_index("doc_key")["note"]
    assert notes["c"] == "note-c" and notes["big"] == "kept" and pd.isna(notes["a"])


def test_leftovers_of_a_killed_writer_are_swept(tmp_path):
    stage = DocumentCache(tmp_path).stage("demo", {"x": 1})
    stage.table(["a"], Counter())
    tmp = stage.folder / ".seg-dead.tmp"
    tmp.write_bytes(b"partial")
    old = time.time() - cache_mod.STALE_TMP_SECONDS - 10
    import os

    os.utime(tmp, (old, old))
    DocumentCache(tmp_path).sweep()
    assert not tmp.exists() and list(stage.folder.glob("seg-*.parquet"))


def corpus(folder, texts: dict[str, str]) -> params_mod.Params:
    rows = [{"id": k, "title": f"Title {k}", "outlet": "Outlet", "date": d, "text": t}
            for k, (d, t) in texts.items()]
    write_corpus(folder / "corpus", rows)
    return params_mod.validate({**base_params("corpus/corpus.jsonl"), "base_dir": str(folder)})


ARTICLES = {
    "a": ("2022-03-01", "Biden met Mexico's president to talk about trade.\n\nThe talks were good."),
    "b": ("2022-05-01", "Migration at the border dominated the meeting.\n\nBoth sides promised more talks."),
    "c": ("2023-02-01", "The economy and fentanyl were on the agenda.\n\nBiden praised the cooperation."),
    "d": ("2023-06-01", "Critics said the summit achieved little.\n\nMexico rejected the criticism."),
}


def test_a_rerun_computes_nothing_and_one_changed_article_only_that_one(tmp_path):
    cache = DocumentCache(tmp_path / "cache")
    params = corpus(tmp_path, ARTICLES)
    first = prepare(params, cache=cache)
    assert first.computed == {"clean": 4, "sentences": 4}
    second = prepare(params, cache=cache)
    assert second.computed == {"clean": 0, "sentences": 0}
    pd.testing.assert_frame_equal(first.sentences, second.sentences)
    pd.testing.assert_frame_equal(first.removed, second.removed)
    lexicon = lexicon_for(params)
    measures = (vader_scores, lambda p: frame_hits(p, lexicon), lambda p: actor_mentions(p, params.actors))
    for measure in measures:
        pd.testing.assert_frame_equal(measure(first), measure(second))
    assert second.computed == {"clean": 0, "sentences": 0, "vader": 0, "frames": 0, "actors": 0}

    changed = corpus(tmp_path, {**ARTICLES, "c": ("2023-02-01", "An entirely new text about the summit.")})
    third = prepare(changed, cache=cache)
    vader_scores(third)
    frame_hits(third, lexicon)
    assert third.computed == {"clean": 1, "sentences": 1, "vader": 1, "frames": 1}
    assert third.key != first.key


def test_a_stage_setting_recomputes_that_stage_and_those_after_it(tmp_path):
    cache = DocumentCache(tmp_path / "cache")
    params = corpus(tmp_path, ARTICLES)
    base = prepare(params, cache=cache)
    vader_scores(base)
    actor_mentions(base, params.actors)
    other_actors = [params_mod.Actor(name="Biden", aliases=["Joe Biden"])]
    actor_mentions(base, other_actors)
    assert base.computed["actors"] == 4  # new actors: the actors stage again, nothing else
    extra = params_mod.CleaningOptions(extra_line_patterns=["^Critics"])
    rules = params.model_copy(update={"cleaning": extra})
    cleaned = prepare(rules, cache=cache)
    vader_scores(cleaned)
    assert cleaned.computed == {"clean": 4, "sentences": 4, "vader": 4}


def test_results_with_and_without_the_cache_are_the_same(tmp_path):
    params = corpus(tmp_path, ARTICLES)
    kept = prepare(params, cache=DocumentCache(tmp_path / "cache"))
    kept = prepare(params, cache=DocumentCache(tmp_path / "cache"))  # read back from the cache
    fresh = prepare(params, cache=False)
    pd.testing.assert_frame_equal(kept.sentences, fresh.sentences)
    pd.testing.assert_frame_equal(kept.documents, fresh.documents)
    pd.testing.assert_frame_equal(vader_scores(kept), vader_scores(fresh))
    lexicon = lexicon_for(params)
    pd.testing.assert_frame_equal(frame_hits(kept, lexicon), frame_hits(fresh, lexicon))


def test_some_documents_read_from_a_large_segment_are_exactly_their_rows(tmp_path):
    keys = [f"k{i:05d}" for i in range(40_000)]  # 80,000 rows: more than one Arrow batch
    DocumentCache(tmp_path).stage("demo", {"x": 1}).put(keys, rows_for(keys))
    wanted = ["k39999", "k00003", "k20000", "k65536"]
    stage = DocumentCache(tmp_path).stage("demo", {"x": 1})
    got = stage.table(wanted[:3], Counter())
    expected = rows_for(keys)
    expected = expected[expected["doc_key"].isin(wanted)].reset_index(drop=True)
    assert stage.computed == 0
    pd.testing.assert_frame_equal(got.sort_values(["doc_key", "n"]).reset_index(drop=True), expected)


def test_a_segment_damaged_after_it_was_read_is_checked_again(tmp_path):
    stage = DocumentCache(tmp_path).stage("demo", {"x": 1})
    stage.table(["a", "b"], Counter())
    stage.table(["a"], Counter())  # read (and checked) once in this process
    (seg,) = stage.folder.glob("seg-*.parquet")
    seg.write_bytes(seg.read_bytes()[:-20] + b"\0" * 20)
    count = Counter()
    again = DocumentCache(tmp_path, warn=lambda m: None).stage("demo", {"x": 1})
    again.table(["a"], count)
    assert count.asked == [["a"]]


def test_measures_kept_before_the_notebooks_compute_only_new_articles_and_equal_the_full_stage(tmp_path):
    from briefing.build.run import precompute_measures

    cache = DocumentCache(tmp_path / "cache")
    params = corpus(tmp_path, ARTICLES)
    precompute_measures(prepare(params, cache=cache))
    more = corpus(tmp_path, {**ARTICLES, "c": ("2023-02-01", "An entirely new text about the summit.")})
    grown = prepare(more, cache=cache)
    precompute_measures(grown)
    assert grown.computed["vader"] == 1 and grown.computed["frames"] == 1 and grown.computed["actors"] == 1
    fresh = prepare(more, cache=False)
    pd.testing.assert_frame_equal(vader_scores(grown), vader_scores(fresh))
    pd.testing.assert_frame_equal(actor_mentions(grown, more.actors), actor_mentions(fresh, more.actors))
    lexicon = lexicon_for(more)
    pd.testing.assert_frame_equal(frame_hits(grown, lexicon), frame_hits(fresh, lexicon))
    assert grown.computed["vader"] == 0  # read back: nothing computed again


def test_some_documents_read_from_a_segment_keyed_by_a_categorical_column(tmp_path):
    table = rows_for(["a", "b", "c"]).astype({"doc_key": "category"})
    DocumentCache(tmp_path).stage("demo", {"x": 1}).put(["a", "b", "c"], table)
    got = DocumentCache(tmp_path).stage("demo", {"x": 1}).table(["b"], Counter())
    assert list(got["doc_key"].astype(str)) == ["b", "b"] and list(got["n"]) == [0, 1]
