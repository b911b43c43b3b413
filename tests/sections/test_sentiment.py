"""The sentiment section on small synthetic corpora whose answers are known."""

from __future__ import annotations

import socket
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from briefing import params as params_mod
from briefing.corpus.prepare import prepare
from briefing.measures import stats
from briefing.measures.actors import ActorMatcher
from briefing.measures.vader import score_texts
from briefing.params import Actor, SentimentOptions
from briefing.sections.sentiment import figures
from briefing.sections.sentiment.compute import attribute_pronouns, sentiment_section

POSITIVE = "The talks were wonderful and friendly."
NEGATIVE = "The talks were terrible and hostile."
NEUTRAL = "The talks were held on a Tuesday."
PERIODS = [{"name": "2022", "start": "2022-01-01", "end": "2022-12-31"},
           {"name": "2023", "start": "2023-01-01", "end": "2023-12-31"}]


def make_prepared(tmp_path: Path, docs: list[tuple[str, str, str]], **extra):
    """docs: (date, outlet, text) triples -> Prepared (via a parquet corpus in tmp_path)."""
    rows = [{"id": f"d{i:03d}", "title": f"Report {i}", "outlet": o, "date": d, "url": "", "text": t}
            for i, (d, o, t) in enumerate(docs)]
    pd.DataFrame(rows).to_parquet(tmp_path / "corpus.parquet")
    data = {"title": "Test", "corpus": "corpus.parquet", "periods": PERIODS, "base_dir": str(tmp_path),
            "actors": [{"name": "Biden", "aliases": ["Joe Biden"]},
                       {"name": "López Obrador", "aliases": ["AMLO"]}, {"name": "Mexico"}],
            "dedup": "keep"}  # the constructed articles repeat one another on purpose
    data.update(extra)
    return prepare(params_mod.validate(data))


def article(n: int, main: str, other: str = NEUTRAL) -> str:
    return " ".join([main] * 3 + [f"Officials met {n} times.", other])


def test_compound_matches_nltk_for_the_sentence_table(tmp_path):
    prep = make_prepared(tmp_path, [("2022-03-01", "A", article(1, POSITIVE)),
                                    ("2023-03-01", "A", article(2, NEGATIVE))])
    res = sentiment_section(prep)
    from briefing.measures.vader import analyzer
    expected = [analyzer().polarity_scores(t)["compound"] for t in res.sentences["text"]]
    np.testing.assert_allclose(res.sentences["compound"], expected, atol=1e-9)
    doc = res.documents.set_index("doc_id").loc["d000"]
    mine = res.sentences[res.sentences["doc_id"] == "d000"]["compound"]
    assert doc["compound"] == pytest.approx(mine.mean())
    assert doc["share_positive"] + doc["share_neutral"] + doc["share_negative"] == pytest.approx(1)


def test_clear_shift_is_worded_as_more_negative_with_its_interval(tmp_path):
    docs = [(f"2022-0{1 + i % 9}-10", "A", article(i, POSITIVE)) for i in range(8)]
    docs += [(f"2023-0{1 + i % 9}-10", "A", article(i, NEGATIVE)) for i in range(8)]
    res = sentiment_section(make_prepared(tmp_path, docs))
    row = res.comparisons.iloc[0]
    assert row["difference"] < 0 and row["ci_high"] < 0 and row["claim_ok"]
    assert row["p_value"] < 0.01
    assert "Coverage in 2023 was more negative than in 2022" in res.prose
    assert "95% CI" in res.prose and "Small sample" not in res.prose
    assert res.findings[0].claim_ok and res.findings[0].change < 0


def test_no_clear_shift_is_worded_as_not_clearly_different(tmp_path):
    texts = [POSITIVE, NEGATIVE, NEUTRAL, POSITIVE, NEGATIVE, NEUTRAL, POSITIVE, NEGATIVE]
    docs = [(f"2022-0{1 + i}-10", "A", article(i, t)) for i, t in enumerate(texts)]
    docs += [(f"2023-0{1 + i}-10", "A", article(i, t)) for i, t in enumerate(reversed(texts))]
    res = sentiment_section(make_prepared(tmp_path, docs))
    row = res.comparisons.iloc[0]
    assert row["ci_low"] < 0 < row["ci_high"]
    assert "not clearly warmer or colder" in res.prose
    assert "more negative than" not in res.prose.split("Toward")[0]


def test_positive_shift_is_worded_as_more_positive(tmp_path):
    docs = [(f"2022-0{1 + i}-10", "A", article(i, NEGATIVE)) for i in range(6)]
    docs += [(f"2023-0{1 + i}-10", "A", article(i, POSITIVE)) for i in range(6)]
    res = sentiment_section(make_prepared(tmp_path, docs))
    assert res.comparisons.iloc[0]["ci_low"] > 0
    assert "Coverage in 2023 was more positive than in 2022" in res.prose


def test_one_document_per_period_says_small_sample_and_shows_no_p_value(tmp_path):
    prep = make_prepared(tmp_path, [("2022-03-01", "Outlet One", article(1, POSITIVE)),
                                    ("2023-03-01", "Outlet Two", article(2, NEGATIVE))])
    res = sentiment_section(prep)
    row = res.comparisons.iloc[0]
    assert np.isnan(row["p_value"]) and np.isnan(row["ci_low"]) and not row["claim_ok"]
    assert "support no claim about the coverage at large" in res.prose
    assert "p =" not in res.prose and "degenerate" in res.prose
    assert "variation within each article only" in res.prose
    assert "share no outlet" in res.outlet_note and "Outlet One" in res.outlet_note
    assert not res.findings[0].claim_ok


def test_within_outlet_shift_is_zero_when_the_raw_shift_is_outlet_mix(tmp_path):
    # Outlet Warm is always positive, Outlet Cold always negative; only their mix changes.
    docs = [(f"2022-0{1 + i % 9}-10", "Warm", article(i, POSITIVE)) for i in range(8)]
    docs += [(f"2022-0{1 + i}-11", "Cold", article(i, NEGATIVE)) for i in range(2)]
    docs += [(f"2023-0{1 + i}-10", "Warm", article(i, POSITIVE)) for i in range(2)]
    docs += [(f"2023-0{1 + i % 9}-11", "Cold", article(i, NEGATIVE)) for i in range(8)]
    res = sentiment_section(make_prepared(tmp_path, docs))
    row = res.comparisons.iloc[0]
    assert row["difference"] < -0.3
    assert row["within_outlet_shift"] == pytest.approx(0, abs=1e-12)
    assert row["shared_outlets"] == 2
    assert "change in which outlets were sampled" in res.outlet_note


def test_actor_sentences_are_scored_per_period_with_pairs(tmp_path):
    a = "Joe Biden praised the wonderful talks. Lopez Obrador was angry. Biden and AMLO met in New Mexico."
    b = "Biden criticized the terrible talks. López Obrador was happy. Biden and AMLO met in Mexico."
    res = sentiment_section(make_prepared(tmp_path, [("2022-05-01", "A", a), ("2023-05-01", "A", b)]))
    act = res.actors.set_index(["target", "period"])
    assert act.loc[("Biden", "2022"), "sentences"] == 2
    assert act.loc[("Biden", "2022"), "mean"] > 0 > act.loc[("Biden", "2023"), "mean"]
    assert act.loc[("López Obrador", "2022"), "mean"] < 0 < act.loc[("López Obrador", "2023"), "mean"]
    assert act.loc[("Mexico", "2022"), "sentences"] == 0  # "New Mexico" is not Mexico
    assert act.loc[("Biden + López Obrador", "2023"), "sentences"] == 1
    assert "sentences about López Obrador were more positive in 2023" in res.prose
    ev = res.actor_evidence.set_index(["target", "period"])
    assert ev.loc[("Biden", "2022"), "text"] in (a.split(". ")[0] + ".", a.split(". ")[2])


def test_actor_matching_aliases_accents_whole_words():
    m = ActorMatcher([Actor(name="López Obrador", aliases=["AMLO"]), Actor(name="Mexico")])
    assert m.mentions("LOPEZ OBRADOR spoke") == ["López Obrador"]
    assert m.mentions("AMLO spoke") == ["López Obrador"]
    assert m.mentions("Amlotex shares rose") == []
    assert m.mentions("He flew to New Mexico") == []
    assert m.mentions("He flew to México") == ["Mexico"]
    asked = ActorMatcher([Actor(name="Mexico", exclude=[])])
    assert asked.mentions("He flew to New Mexico") == ["Mexico"]


def test_pronoun_attribution_is_off_by_default_and_explicit_when_on():
    sents = pd.DataFrame({"doc_id": ["d"] * 3, "paragraph": [0, 0, 0],
                          "text": ["Biden arrived.", "He was happy.", "The weather was fine."]})
    off = ActorMatcher([Actor(name="Biden")]).table(sents)
    assert off["Biden"].tolist() == [True, False, False]
    on, carried = attribute_pronouns(sents, off)
    assert on["Biden"].tolist() == [True, True, False] and carried.tolist() == ["", "Biden", ""]
    assert off["Biden"].tolist() == [True, False, False]  # the mentions themselves are left as found


def test_bootstrap_is_reproducible_under_a_seed():
    rng = np.random.default_rng(1)
    v, g = rng.normal(size=200), rng.integers(0, 30, size=200)
    assert stats.bootstrap_mean_ci(v, g, 500, seed=7) == stats.bootstrap_mean_ci(v, g, 500, seed=7)
    assert stats.bootstrap_mean_ci(v, g, 500, seed=7) != stats.bootstrap_mean_ci(v, g, 500, seed=8)
    d1 = stats.bootstrap_diff_ci(v[:100], v[100:] + 1, g[:100], g[100:], 500, seed=3)
    assert d1 == stats.bootstrap_diff_ci(v[:100], v[100:] + 1, g[:100], g[100:], 500, seed=3)
    assert d1[1] < 1 < d1[2]
    p = stats.permutation_pvalue(v[:100], v[100:] + 1, rounds=500, seed=3)
    assert p == stats.permutation_pvalue(v[:100], v[100:] + 1, rounds=500, seed=3) and p < 0.01


def test_bootstrap_of_one_group_gives_no_interval():
    mean, lo, hi = stats.bootstrap_mean_ci([0.1, 0.5, 0.3], ["a", "a", "a"], 200, seed=1)
    assert mean == pytest.approx(0.3) and np.isnan(lo) and np.isnan(hi)


def test_section_runs_end_to_end_without_network(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network access attempted during the sentiment section")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    from briefing.measures import vader
    vader.analyzer.cache_clear()
    vader.scorer.cache_clear()
    docs = [(f"2022-0{1 + i}-10", "A", article(i, POSITIVE, "Biden smiled.")) for i in range(3)]
    docs += [(f"2023-0{1 + i}-10", "A", article(i, NEGATIVE, "Biden frowned.")) for i in range(3)]
    res = sentiment_section(make_prepared(tmp_path, docs))
    assert len(res.sentences) and res.prose
    for fig in (figures.distribution(res), figures.actors(res)):
        assert fig is not None
    assert score_texts(["good"])["compound"].iloc[0] > 0


def test_figures_draw_and_by_date_needs_ten_documents(tmp_path):
    docs = [(f"2022-{1 + i % 12:02d}-10", "A", article(i, POSITIVE)) for i in range(12)]
    docs += [(f"2023-0{1 + i}-10", "A", article(i, NEGATIVE)) for i in range(3)]
    res = sentiment_section(make_prepared(tmp_path, docs))
    assert figures.by_date(res) is not None and res.by_date_note == ""
    small = sentiment_section(make_prepared(tmp_path, docs[:2] + docs[-2:]))
    assert figures.by_date(small) is None and "10 or more" in small.by_date_note


def _svg_bytes(fig) -> int:
    import io

    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    return len(buf.getvalue())


def test_figures_do_not_grow_with_the_number_of_sentences(tmp_path):
    """Past the dense limits a period's sentences are a histogram and its articles a monthly band:
    twice the articles, the same figure (one mark per sentence made a 22 MB page)."""
    sizes = []
    for n in (figures.DENSE_ARTICLES + 20, 2 * (figures.DENSE_ARTICLES + 20)):
        docs = [(f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}", "A",
                 article(i, (POSITIVE, NEGATIVE, NEUTRAL)[i % 3]))
                for year in (2022, 2023) for i in range(n)]
        folder = tmp_path / str(n)
        folder.mkdir()
        res = sentiment_section(make_prepared(folder, docs, sentiment={"bootstrap_rounds": 100,
                                                                       "permutation_rounds": 100}))
        assert len(res.sentences) > 2 * figures.DENSE_SENTENCES
        sizes.append((_svg_bytes(figures.distribution(res)), _svg_bytes(figures.by_date(res))))
    (dist_small, dated_small), (dist_big, dated_big) = sizes
    assert dist_big <= 1.05 * dist_small and dated_big <= 1.05 * dated_small


def test_options_choose_actors_and_thresholds(tmp_path):
    docs = [("2022-03-01", "A", article(1, POSITIVE)), ("2023-03-01", "A", article(2, NEGATIVE))]
    prep = make_prepared(tmp_path, docs, sentiment={"actors": ["Mexico"], "positive_threshold": 0.99})
    res = sentiment_section(prep)
    assert set(res.actors["target"]) == {"Mexico"}
    assert (res.sentences["tone"] == "positive").sum() == 0
    assert SentimentOptions().attribute_pronouns is False


def test_the_actor_that_changed_most_is_quoted_with_its_most_influential_sentence_per_period(tmp_path):
    """The main text's evidence for the actor findings: for the most notable one, the sentence of
    each of its periods that moves its mean most (the actor evidence table's), quoted."""
    from briefing.sections.sentiment.prose import ACTOR_MEASURE, actor_quotes

    a = "Joe Biden praised the wonderful talks. Lopez Obrador was angry. Biden and AMLO met in New Mexico."
    b = "Biden criticized the terrible talks. López Obrador was happy. Biden and AMLO met in Mexico."
    res = sentiment_section(make_prepared(tmp_path, [("2022-05-01", "A", a), ("2023-05-01", "A", b)]))
    top = max((f for f in res.findings if f.measure.startswith(ACTOR_MEASURE)), key=lambda f: f.weight)
    target = top.measure.removeprefix(ACTOR_MEASURE)
    shown = actor_quotes(res)
    ev = res.actor_evidence.set_index(["target", "period"])
    assert f"**{target.split(' + ')[0]}**" in shown
    for period in ("2022", "2023"):
        assert f"- {period} (mean " in shown and ev.loc[(target, period), "text"].split()[1] in shown
    assert shown.count("\n- ") == 2 and actor_quotes(res, most=0) == ""


def test_main_document_tables_read_as_words_with_one_cell_per_interval(tmp_path):
    from briefing.sections.sentiment.tables import aligned, comparisons_table, periods_table

    docs = [(f"2022-0{1 + i % 9}-10", "A", article(i, POSITIVE)) for i in range(8)]
    docs += [(f"2023-0{1 + i % 9}-10", "A", article(i, NEGATIVE)) for i in range(8)]
    res = sentiment_section(make_prepared(tmp_path, docs))
    periods = periods_table(res)
    assert "_" not in " ".join(periods.columns) and "ci_low" not in periods.columns
    row = periods.iloc[1]
    assert row["period"] == "2023" and row["articles"] == "8"
    low, high = res.periods.iloc[1][["ci_low", "ci_high"]]
    assert row["95% interval"] == f"{low:.3f} to {high:.3f}".replace("-", "−")
    assert row["positive sentences"].endswith("%")
    comparison = comparisons_table(res).iloc[0]
    assert (comparison["from"], comparison["to"], comparison["articles"]) == ("2022", "2023", "8 → 8")
    assert comparison["difference"].startswith("−")  # more negative in 2023, with a true minus
    assert comparison["at least 5 articles each"] == "yes"
    assert aligned(periods)["articles"] == "right" and "period" not in aligned(periods)


def test_main_document_tables_show_a_dash_where_one_article_allows_no_interval(tmp_path):
    from briefing.sections.sentiment.tables import comparisons_table, periods_table

    res = sentiment_section(make_prepared(tmp_path, [("2022-03-01", "A", article(1, POSITIVE)),
                                                     ("2023-03-01", "A", article(2, NEGATIVE))]))
    assert periods_table(res)["95% interval"].tolist() == ["–", "–"]
    comparison = comparisons_table(res).iloc[0]
    assert comparison["95% interval"] == "–" and comparison["p (permutation)"] == "–"
    assert comparison["at least 5 articles each"] == "no"
