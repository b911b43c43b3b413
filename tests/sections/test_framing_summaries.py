"""Framing from per-article summaries: computed once per article, combined as from every hit."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from briefing import params as params_mod
from briefing.corpus.prepare import prepare
from briefing.files import CHECKOUT
from briefing.measures import nltk_data
from briefing.measures.frame_model import model_for
from briefing.measures.lexicon import lexicon_for
from briefing.sections.framing import articles, quotes
from briefing.sections.framing.compute import compute_framing
from briefing.store.cache import DocumentCache

STAGES = ("framing-articles",)
TABLES = ("frames", "hits", "shares", "comparisons", "rising", "falling", "one_period", "actors", "evidence",
          "primary", "articles")
CUES = ["tariffs on steel", "troops at the border", "a vaccine campaign", "the weather",
        "migrants and asylum", "investment and trade"]
#: sha256 of every table, the prose and the findings of the seed and Wikinews briefings' framing
#: section as main computed it from every hit before the summaries (f1a3e9d; floats to 12 digits).
PINNED = {"seed": "eb06a0665f5ea9aa08d90301a86ad79338e53ef2839a9eb15fd65f67a85290a6",
          "wikinews": "72fc30cae7cf21f30177794ccf9012bb8d3601b3fb839ba2e154c6d56e500e69"}


def fingerprint(res) -> str:  # noqa: ANN001 - a FramingResult
    """A digest of what the framing section shows: every table (floats to 12 significant digits),
    the prose and the findings' sentences."""
    h = hashlib.sha256()
    for name in TABLES:
        table = getattr(res, name)
        h.update(f"{name}:{list(table.columns)}\n".encode())
        for row in table.itertuples(index=False):
            h.update(("|".join(f"{v:.12g}" if isinstance(v, float) else str(v) for v in row) + "\n").encode())
    h.update(res.prose.encode())
    h.update(json.dumps([f.sentence for f in res.findings]).encode())
    return h.hexdigest()


def corpus(tmp_path: Path, n: int, **framing):  # noqa: ANN201 - Params
    """`n` articles over two years, with wire copies (dedup: keep), actors named in some sentences."""
    rng = np.random.default_rng(5)
    rows = []
    for i in range(n):
        cues = rng.choice(CUES, size=int(rng.integers(2, 7)))
        who = ["Biden", "Mexico", "Officials"]
        text = " ".join(f"{who[(i + j) % 3]} spoke about {c} in town {i}." for j, c in enumerate(cues))
        rows.append({"id": f"d{i:03d}", "title": f"Report {i}", "outlet": "AB"[i % 2],
                     "date": f"{2022 + i % 2}-0{1 + i % 9}-10", "url": "", "text": text})
    rows += [{**rows[3], "id": "copy3"}]  # a wire copy shares its article's summaries
    pd.DataFrame(rows).to_parquet(tmp_path / "corpus.parquet")
    return params_mod.validate({
        "title": "T", "corpus": "corpus.parquet", "base_dir": str(tmp_path), "dedup": "keep",
        "periods": [{"name": "2022", "start": "2022-01-01", "end": "2022-12-31"},
                    {"name": "2023", "start": "2023-01-01", "end": "2023-12-31"}],
        "actors": [{"name": "Biden"}, {"name": "Mexico"}],
        "framing": {"bootstrap_rounds": 300, **framing}})


def framing(prepared):  # noqa: ANN001, ANN201
    model = model_for(prepared.params)
    lexicon = lexicon_for(prepared.params) if model is None else model.lexicon()
    return compute_framing(prepared, lexicon, model)


def assert_same(got, expected) -> None:  # noqa: ANN001
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(got, name), getattr(expected, name), obj=name)
    assert got.prose == expected.prose and got.model_method == expected.model_method
    assert [f.sentence for f in got.findings] == [f.sentence for f in expected.findings]


def test_adding_one_article_summarises_that_article_only_and_combines_as_from_scratch(tmp_path):
    nltk_data.ensure()
    cache = DocumentCache(tmp_path / "cache")
    base = prepare(corpus(tmp_path, 30), cache=cache)
    framing(base)
    assert all(base.computed[s] == 30 for s in STAGES), base.computed  # 31 documents, 30 contents
    grown = prepare(corpus(tmp_path, 31), cache=cache)
    res = framing(grown)
    assert all(grown.computed[s] == 1 for s in STAGES), grown.computed
    fresh = framing(prepare(corpus(tmp_path, 31), cache=False))
    assert_same(res, fresh)
    again = prepare(corpus(tmp_path, 31), cache=cache)
    assert_same(framing(again), fresh)
    assert all(again.computed[s] == 0 for s in STAGES)
    # the wire copy is counted as an article of its own, with its original's summary
    arts = res.articles.set_index("doc_id")
    assert arts.loc["copy3"].tolist()[1:] == arts.loc["d003"].tolist()[1:]
    assert res.actors["with_frame"].gt(0).any() and len(res.evidence) and len(res.hits)


def test_a_trained_model_s_frames_are_summarised_and_combined_alike(tmp_path):
    from briefing.measures.frame_model import save_model
    from briefing.measures.frame_train import TrainSettings, fit_model, label_matrix

    nltk_data.ensure()
    texts = [f"Officials spoke about {c} in town {i}." for i in range(10) for c in CUES]
    kinds = {"tariffs on steel": "Economic", "investment and trade": "Economic",
             "troops at the border": "Security", "a vaccine campaign": "Health",
             "migrants and asylum": "Migration"}
    names, y = label_matrix([[kinds[c]] if c in kinds else [] for _ in range(10) for c in CUES])
    model = fit_model(texts, y, names, TrainSettings(folds=3))
    model.meta = {"unit": "sentence", "n_items": len(texts), "source": "coded.csv",
                  "vocabulary": ["spoke", "about", "in", "town", "tariffs", "on", "steel"]}
    save_model(model, tmp_path / "frames.skops")
    cache = DocumentCache(tmp_path / "cache")
    framing(prepare(corpus(tmp_path, 24, model="frames.skops"), cache=cache))
    grown = prepare(corpus(tmp_path, 25, model="frames.skops"), cache=cache)
    res = framing(grown)
    assert all(grown.computed[s] == 1 for s in STAGES)
    assert_same(res, framing(prepare(corpus(tmp_path, 25, model="frames.skops"), cache=False)))
    assert "prob" in res.hits and (res.evidence["cues"] == "").all()
    assert "occur in its training data" in res.model_method


def test_above_the_cap_the_result_lists_only_the_hits_of_the_sentences_it_quotes(tmp_path, monkeypatch):
    nltk_data.ensure()
    params = corpus(tmp_path, 20)
    full = framing(prepare(params, cache=False))
    monkeypatch.setattr(quotes, "HITS_CAP", 10)
    capped = framing(prepare(params, cache=False))
    quoted = set(zip(capped.evidence["doc_id"], capped.evidence["sentence"], strict=True))
    listed = set(zip(capped.hits["doc_id"], capped.hits["sentence"], strict=True))
    assert quoted <= listed < set(zip(full.hits["doc_id"], full.hits["sentence"], strict=True))
    pairs = zip(full.hits["doc_id"], full.hits["sentence"], strict=True)
    kept = full.hits[[(d, s) in listed for d, s in pairs]]
    pd.testing.assert_frame_equal(capped.hits, kept.reset_index(drop=True))
    for name in ("shares", "comparisons", "evidence", "one_period", "actors", "primary"):
        pd.testing.assert_frame_equal(getattr(capped, name), getattr(full, name), obj=name)


def test_articles_missing_from_the_cache_are_read_and_summarised_a_chunk_at_a_time(tmp_path, monkeypatch):
    nltk_data.ensure()
    params = corpus(tmp_path, 20)
    whole = framing(prepare(params, cache=False))
    asked: list[int] = []
    rows = articles.framed_rows
    monkeypatch.setattr(articles, "framed_rows",
                        lambda p, d, a, keys: asked.append(len(keys)) or rows(p, d, a, keys))
    monkeypatch.setattr(articles, "CHUNK_DOCS", 7)
    prepared = prepare(params, cache=DocumentCache(tmp_path / "cache"))
    assert_same(framing(prepared), whole)
    assert asked[:3] == [7, 7, 6] and prepared.computed["framing-articles"] == 20


@pytest.mark.parametrize("name", ["seed", "wikinews"])
def test_the_seed_and_wikinews_framing_numbers_are_those_computed_from_every_hit(name):
    nltk_data.ensure()
    path = {"seed": "biden-amlo-2022-vs-2023.yaml", "wikinews": "wikinews-2019-vs-2020.yaml"}[name]
    res = framing(prepare(params_mod.load(CHECKOUT / "params" / path), cache=False))
    assert fingerprint(res) == PINNED[name]


def test_framing_summaries_on_a_dask_cluster_equal_those_of_this_process(tmp_path):
    """Each article's framing summaries are computed on the workers; the section is the same."""
    from distributed import LocalCluster

    from briefing.compute.engine import DaskEngine, LocalEngine

    nltk_data.ensure()
    params = corpus(tmp_path, 40)
    expected = framing(prepare(params, cache=False, engine=LocalEngine(1)))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=40) as cluster:
        engine = DaskEngine(scheduler=cluster.scheduler_address)
        try:
            on_dask = prepare(params, cache=DocumentCache(tmp_path / "cache"), engine=engine)
            got = framing(on_dask)
        finally:
            engine.close()
    assert all(on_dask.computed[s] == 40 for s in STAGES)
    assert_same(got, expected)


def test_new_articles_summaries_are_kept_as_they_are_computed_and_combine_as_from_scratch(tmp_path,
                                                                                          monkeypatch):
    from briefing.measures import per_document

    nltk_data.ensure()
    monkeypatch.setattr(per_document, "PUT_DOCS", 7)  # 30 contents: five groups, kept one by one
    prepared = prepare(corpus(tmp_path, 30), cache=DocumentCache(tmp_path / "cache"))
    res = framing(prepared)
    folder = tmp_path / "cache" / "docs" / "framing-articles"
    assert len(list(folder.glob("*/seg-*.parquet"))) == 5 and prepared.computed["framing-articles"] == 30
    assert_same(res, framing(prepare(corpus(tmp_path, 30), cache=False)))


def test_summaries_another_run_pruned_while_they_were_read_are_computed_again(tmp_path, monkeypatch):
    from briefing.measures import per_document
    from briefing.store.cache import StageCache

    nltk_data.ensure()
    monkeypatch.setattr(per_document, "PUT_DOCS", 10)  # 30 contents: three segments
    cache = DocumentCache(tmp_path / "cache")
    framing(prepare(corpus(tmp_path, 30), cache=cache))
    segments = sorted((tmp_path / "cache" / "docs" / "framing-articles").glob("*/seg-*.parquet"))
    assert len(segments) == 3
    looks = {"n": 0}
    real_missing = StageCache.missing

    def missing(self, keys):  # noqa: ANN001, ANN202
        if self.stage == "framing-articles":
            looks["n"] += 1
            if looks["n"] == 1:  # all kept when the run looks; then another run prunes a segment
                segments[0].unlink()
                return []
        return real_missing(self, keys)

    prepared = prepare(corpus(tmp_path, 30), cache=cache)
    monkeypatch.setattr(StageCache, "missing", missing)
    res = framing(prepared)
    assert looks["n"] == 2
    assert prepared.computed["framing-articles"] == 10  # the pruned segment's contents, once
    assert_same(res, framing(prepare(corpus(tmp_path, 30), cache=False)))
