"""The topics section's counts, summed from each article's summary kept in the cache."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT

from briefing import params as P
from briefing.corpus.prepare import prepare
from briefing.measures import terms as T
from briefing.sections.topics import counts as C
from briefing.sections.topics.compute import topics_section
from briefing.store.cache import DocumentCache

WIKINEWS = ROOT / "data" / "corpus" / "wikinews-2019-2020" / "articles.csv"


def _corpus(tmp_path, n_per_year: int, extra: pd.DataFrame | None = None, name: str = "corpus.jsonl"):
    # real Wikinews articles (CC BY 2.5, data/corpus/wikinews-2019-2020/README.md)
    articles = pd.read_csv(WIKINEWS, dtype=str, keep_default_na=False)
    year = articles["date"].str[:4]
    corpus = pd.concat([articles[year == "2019"].head(n_per_year), articles[year == "2020"].head(n_per_year),
                        *([extra] if extra is not None else [])])
    corpus.to_json(tmp_path / name, orient="records", lines=True)
    return P.validate({"title": "t", "corpus": name, "base_dir": str(tmp_path), "dedup": "flag",
                       "periods": [{"name": "2019", "start": "2019-01-01", "end": "2019-12-31"},
                                   {"name": "2020", "start": "2020-01-01", "end": "2020-12-31"}],
                       "topics": {"bootstrap_rounds": 100, "split_rounds": 20}})


def _scratch(prepared):
    """The counts as the section made them before: the whole corpus's paragraphs counted at once."""
    stop = T.stop_words(prepared.params.topics.extra_stop_words)
    paras = T.paragraphs(prepared.sentences)
    x, vocab = T.count_matrix(paras["text"], stop, prepared.params.topics.max_ngram)
    return paras, x, vocab, T.name_counts(prepared.sentences, prepared.period_names, stop)


def _assert_same(counts: C.Counts, prepared) -> None:
    paras, x, vocab, names = _scratch(prepared)
    assert counts.vocab.tolist() == vocab.tolist()
    assert counts.paras["doc_id"].tolist() == paras["doc_id"].tolist()
    assert counts.paras["paragraph"].tolist() == paras["paragraph"].tolist()
    assert counts.paras["period"].astype(str).tolist() == paras["period"].astype(str).tolist()
    assert counts.x.shape == x.shape and (counts.x != x).nnz == 0
    pd.testing.assert_frame_equal(counts.names.reset_index(drop=True), names.reset_index(drop=True),
                                  check_dtype=False)


def test_counts_summed_from_articles_equal_counting_the_whole_corpus_at_once(tmp_path):
    # two batches of articles kept in two pieces of the cache, plus a wire copy (dedup: flag keeps
    # it, and its content counts twice, as its sentences do)
    articles = pd.read_csv(WIKINEWS, dtype=str, keep_default_na=False)
    copy = articles[articles["date"].str[:4] == "2020"].head(1).assign(id="copy-1")
    cache = DocumentCache(tmp_path / "cache")
    first = prepare(_corpus(tmp_path, 12), cache=cache)
    _assert_same(C.combine(first, *C.article_counts(first, T.stop_words(), 2)), first)
    grown = prepare(_corpus(tmp_path, 20, copy), cache=cache)
    parts, computed = C.article_counts(grown, T.stop_words(), 2)
    parts = list(parts)  # read a row group at a time: one each of the two segments
    assert computed == 16 and len(parts) == 2  # the new articles only (the copy shares its key)
    _assert_same(C.combine(grown, parts, computed), grown)
    assert (grown.documents["id"] == "copy-1").any()


def test_counts_of_articles_computed_in_batches_equal_one_batch(tmp_path, monkeypatch):
    prepared = prepare(_corpus(tmp_path, 10), cache=False)
    monkeypatch.setattr(C, "CHUNK_DOCS", 3)
    _assert_same(C.combine(prepared, *C.article_counts(prepared, T.stop_words(), 2)), prepared)


def test_counts_read_in_pieces_that_split_articles_and_paragraphs_equal_whole(tmp_path):
    prepared = prepare(_corpus(tmp_path, 10), cache=DocumentCache(tmp_path / "cache"))
    import pyarrow as pa

    kept = list(C.article_counts(prepared, T.stop_words(), 2)[0])  # Arrow tables, as read
    assert kept and all(isinstance(t, pa.Table) for t in kept)
    whole = C._concat([t.to_pandas() for t in kept])
    pieces = [whole.iloc[i:i + 13] for i in range(0, len(whole), 13)]  # cuts through documents
    assert len(pieces) > 20
    _assert_same(C.combine(prepared, iter(pieces)), prepared)
    batches = pa.Table.from_pandas(whole, preserve_index=False).to_batches(max_chunksize=13)
    _assert_same(C.combine(prepared, [pa.Table.from_batches(batches)]), prepared)


def test_adding_one_article_counts_that_article_only(tmp_path, monkeypatch):
    cache = DocumentCache(tmp_path / "cache")
    before = prepare(_corpus(tmp_path, 15), cache=cache)
    topics_section(before)
    assert before.computed[C.STAGE] == 30
    articles = pd.read_csv(WIKINEWS, dtype=str, keep_default_na=False)
    added = articles[articles["date"].str[:4] == "2020"].iloc[[15]]
    asked: list[list[str]] = []
    rows = C._sentence_rows
    monkeypatch.setattr(C, "_sentence_rows", lambda prep, keys: asked.append(list(keys)) or rows(prep, keys))
    after = prepare(_corpus(tmp_path, 15, added), cache=cache)
    res = topics_section(after)
    new_key = after.documents.loc[after.documents["id"] == added["id"].iat[0], "doc_key"].iat[0]
    assert after.computed[C.STAGE] == 1 and asked == [[new_key]]
    assert int(res.divergence["words_b"].iat[0]) > int(topics_section(before).divergence["words_b"].iat[0])


def test_an_empty_paragraph_is_kept_as_a_row_without_terms():
    rows = pd.DataFrame({"doc_key": ["k", "k", "k"], "paragraph": [0, 1, 2],
                         "text": ["Officials said Mexico and the United States met.", "It was 2023.",
                                  "Then they left."]})
    from briefing.measures.term_counts import NAMES, count_table

    out = count_table(rows, T.stop_words(), 2)
    assert out.loc[out["paragraph"] == 1, ["item", "count"]].values.tolist() == [["", 0]]
    assert sorted(out.loc[out["paragraph"] == NAMES, "item"]) == ["Mexico", "United States"]
    assert np.array_equal(np.unique(out["paragraph"]), [NAMES, 0, 1, 2])


@pytest.mark.parametrize("dedup", ["keep"])
def test_repeated_articles_give_the_same_counts_as_their_sentences(tmp_path, dedup):
    text = "Leaders met in San Francisco.\n\nThe task force met again in San Francisco, said Biden."
    rows = [{"id": f"a{i}", "title": "Met", "outlet": "o", "date": d, "url": "", "text": text}
            for i, d in enumerate(["2022-03-01", "2022-04-01", "2023-03-01"])]
    pd.DataFrame(rows).to_json(tmp_path / "c.jsonl", orient="records", lines=True)
    params = P.validate({"title": "t", "corpus": "c.jsonl", "base_dir": str(tmp_path), "dedup": dedup,
                         "periods": [{"name": "a", "start": "2022-01-01", "end": "2022-12-31"},
                                     {"name": "b", "start": "2023-01-01", "end": "2023-12-31"}]})
    prepared = prepare(params, cache=DocumentCache(tmp_path / "cache"))
    parts, computed = C.article_counts(prepared, T.stop_words(), 2)
    assert computed == 1
    _assert_same(C.combine(prepared, parts), prepared)
