"""Sentiment from per-article summaries: computed once per article, combined exactly."""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from briefing import params as params_mod
from briefing.corpus.prepare import prepare
from briefing.files import CHECKOUT
from briefing.measures import stats
from briefing.sections.sentiment.compute import compute_sentiment
from briefing.store.cache import DocumentCache

STAGES = ("sentiment-documents", "sentiment-values", "sentiment-targets", "sentiment-extremes")
TEXTS = ["Biden praised the wonderful talks with Mexico. The mood was friendly.",
         "The talks were terrible and hostile. Mexico rejected the criticism of Biden.",
         "López Obrador met Biden on a Tuesday. Critics said the summit achieved little.",
         "AMLO called the meeting a great success. Biden and AMLO smiled. It rained."]


def corpus(tmp_path: Path, n: int):
    rows = [{"id": f"d{i:03d}", "title": f"Report {i}", "outlet": "AB"[i % 2],
             "date": f"{2022 + i % 2}-0{1 + i % 9}-10", "url": "",
             "text": f"{TEXTS[i % 4]} Officials met {i} times.\n\n{TEXTS[(i * 3 + 1) % 4]}"}
            for i in range(n)]
    pd.DataFrame(rows).to_parquet(tmp_path / "corpus.parquet")
    return params_mod.validate({
        "title": "T", "corpus": "corpus.parquet", "base_dir": str(tmp_path), "dedup": "keep",
        "periods": [{"name": "2022", "start": "2022-01-01", "end": "2022-12-31"},
                    {"name": "2023", "start": "2023-01-01", "end": "2023-12-31"}],
        "actors": [{"name": "Biden"}, {"name": "López Obrador", "aliases": ["AMLO"]}, {"name": "Mexico"}]})


def tables(result) -> dict[str, pd.DataFrame]:
    return {k: getattr(result, k) for k in ("documents", "periods", "comparisons", "actors",
                                            "actor_comparisons", "extremes", "actor_evidence", "sentences")}


def test_adding_one_article_summarises_that_article_only_and_combines_as_from_scratch(tmp_path):
    cache = DocumentCache(tmp_path / "cache")
    base = prepare(corpus(tmp_path, 30), cache=cache)
    compute_sentiment(base, base.params.sentiment)
    assert all(base.computed[s] == 30 for s in STAGES)
    grown = prepare(corpus(tmp_path, 31), cache=cache)
    res = compute_sentiment(grown, grown.params.sentiment)
    assert all(grown.computed[s] == 1 for s in STAGES), grown.computed
    fresh_prep = prepare(corpus(tmp_path, 31), cache=False)
    fresh = compute_sentiment(fresh_prep, fresh_prep.params.sentiment)
    for name, table in tables(res).items():
        pd.testing.assert_frame_equal(table, tables(fresh)[name], check_exact=False, rtol=1e-12, obj=name)
    assert res.prose == fresh.prose


def _run(root: str, folder: str, n: int) -> None:
    prep = prepare(corpus(Path(folder), n), cache=DocumentCache(Path(root)))
    compute_sentiment(prep, prep.params.sentiment)


def test_a_cache_shared_by_two_runs_at_once_stays_consistent(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    ctx = mp.get_context("fork")
    runs = [ctx.Process(target=_run, args=(str(tmp_path / "cache"), str(tmp_path / w), 24)) for w in "ab"]
    for p in runs:
        p.start()
    for p in runs:
        p.join(120)
        assert p.exitcode == 0
    prep = prepare(corpus(tmp_path / "a", 24), cache=DocumentCache(tmp_path / "cache"))
    kept = compute_sentiment(prep, prep.params.sentiment)
    assert all(prep.computed[s] == 0 for s in STAGES)
    fresh_prep = prepare(corpus(tmp_path / "a", 24), cache=False)
    fresh = compute_sentiment(fresh_prep, fresh_prep.params.sentiment)
    pd.testing.assert_frame_equal(kept.actors, fresh.actors)
    pd.testing.assert_frame_equal(kept.periods, fresh.periods)


def test_a_killed_run_leaves_summaries_the_next_run_trusts_or_rebuilds(tmp_path):
    cache = DocumentCache(tmp_path / "cache", warn=lambda m: None)
    prep = prepare(corpus(tmp_path, 12), cache=cache)
    compute_sentiment(prep, prep.params.sentiment)
    folder = next((tmp_path / "cache" / "docs" / "sentiment-targets").iterdir())
    segment = next(folder.glob("seg-*.parquet"))
    segment.write_bytes(segment.read_bytes()[:100])  # a write cut short
    (folder / ".seg-dead.tmp").write_bytes(b"partial")  # a temporary file of a killed writer
    again = prepare(corpus(tmp_path, 12), cache=cache)
    res = compute_sentiment(again, again.params.sentiment)
    assert again.computed["sentiment-targets"] == 12 and again.computed["sentiment-documents"] == 0
    fresh_prep = prepare(corpus(tmp_path, 12), cache=False)
    fresh = compute_sentiment(fresh_prep, fresh_prep.params.sentiment)
    pd.testing.assert_frame_equal(res.actors, fresh.actors)


def test_the_seed_and_wikinews_numbers_are_those_computed_from_every_sentence():
    seed = prepare(params_mod.load(CHECKOUT / "params" / "biden-amlo-2022-vs-2023.yaml"), cache=False)
    p = compute_sentiment(seed, seed.params.sentiment).periods.set_index("period")
    assert p.loc["2022", "sentences"] == 14 and p.loc["2023", "sentences"] == 16
    assert p.loc["2022", "mean"] == pytest.approx(0.01417857142857144, rel=1e-12)
    assert p.loc["2023", "mean"] == pytest.approx(-0.08934375, rel=1e-12)
    assert p.loc["2022", "sentence_sd"] == pytest.approx(0.43714331249527383, rel=1e-12)
    assert (p.loc["2022", "sentence_q25"], p.loc["2022", "sentence_q75"]) == (-0.127725, 0.243175)
    assert (p.loc["2023", "sentence_q25"], p.loc["2023", "sentence_q75"]) == (-0.3321, 0.0)
    wiki = prepare(params_mod.load(CHECKOUT / "params" / "wikinews-2019-vs-2020.yaml"), cache=False)
    res = compute_sentiment(wiki, wiki.params.sentiment)
    c = res.comparisons.iloc[0]
    assert (c["difference"], c["ci_low"], c["ci_high"], c["p_value"]) == pytest.approx(
        (0.05197022115193525, 0.006707460429860085, 0.09503138731994488, 0.020995800839832032), rel=1e-12)
    trump = res.actors.set_index(["target", "period"]).loc[("Donald Trump", "2020")]
    assert trump["sentences"] == 292 and trump["documents"] == 30
    assert (trump["ci_low"], trump["ci_high"]) == pytest.approx((-0.1257764172876304, 0.08124079426925399),
                                                                rel=1e-12)


def test_quantiles_and_spread_from_counts_match_the_worked_example():
    values, counts = np.array([0.5, -0.2, 0.0]), np.array([1, 2, 3])  # -0.2 -0.2 0 0 0 0.5
    # h = (6 - 1) * 0.25 = 1.25: x[1] + 0.25 * (x[2] - x[1]) = -0.2 + 0.25 * 0.2
    assert stats.counted_quantile(values, counts, 0.25) == pytest.approx(-0.15)
    assert stats.counted_quantile(values, counts, 0.75) == 0.0
    x = np.array([-0.2, -0.2, 0, 0, 0, 0.5])
    assert stats.counted_sd(values, counts) == pytest.approx(x.std(ddof=1), rel=1e-12)
    rng = np.random.default_rng(3)
    for _ in range(200):
        v = np.round(rng.uniform(-1, 1, rng.integers(1, 40)), 4)
        u, c = np.unique(v, return_counts=True)
        assert stats.counted_quantile(u, c, 0.25) == pd.Series(v).quantile(0.25)
