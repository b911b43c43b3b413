"""Tests of the topics section: the log-odds statistic, terms and names, NMF, JS divergence."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import REFERENCE as SHARED_REFERENCE
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import jensenshannon

from briefing import params as P
from briefing.corpus import prepare as pipeline
from briefing.measures import terms as T
from briefing.measures import topic_model as M
from briefing.measures.fightin_words import distinctive_terms, log_odds_z
from briefing.sections.topics.compute import _largest_name_count, topics_section

REFERENCE = SHARED_REFERENCE / "fightin_words_cases.json"
WIKINEWS = ROOT / "data" / "corpus" / "wikinews-2019-2020" / "articles.csv"
BOILERPLATE = ("click", "newsletter", "squatters")


# --- the statistic -------------------------------------------------------------------------------

def test_log_odds_matches_a_small_example_worked_by_hand():
    # vocabulary (x, y); group i: x=3, y=1 (n=4); group j: x=1, y=3 (n=4); α = 1 each, α0 = 2.
    # δ_x = log(4/(4+2-3-1)) - log(2/(4+2-1-1)) = log(4/2) - log(2/4) = 2 log 2
    # σ²_x = 1/4 + 1/2 = 3/4, z_x = 2 log 2 / sqrt(3/4)
    delta, var, z = log_odds_z(np.array([3, 1]), np.array([1, 3]), 1.0)
    assert delta[0] == pytest.approx(2 * math.log(2))
    assert var[0] == pytest.approx(0.75)
    assert z[0] == pytest.approx(2 * math.log(2) / math.sqrt(0.75))
    assert z[1] == pytest.approx(-z[0])


def test_log_odds_matches_the_published_two_group_cases():
    if not REFERENCE.exists():
        pytest.skip(f"reference data not found at {REFERENCE}")
    cases = [c for c in json.loads(REFERENCE.read_text())["cases"] if c["variant"] == "two_group"]
    assert cases
    for case in cases:
        vocab = sorted(set(case["counts_1"]) | set(case["counts_2"]))
        y1 = np.array([case["counts_1"].get(w, 0) for w in vocab])
        y2 = np.array([case["counts_2"].get(w, 0) for w in vocab])
        prior = case["prior"]
        alpha = prior["uniform"] if "uniform" in prior else np.array([prior["per_word"][w] for w in vocab])
        _, _, z = log_odds_z(y1, y2, alpha)
        expected = np.array([case["expected_z"][w] for w in vocab])
        np.testing.assert_allclose(z, expected, rtol=1e-12, atol=1e-12, err_msg=case["id"])


def test_swapping_the_periods_negates_z():
    rng = np.random.default_rng(1)
    ya, yb = rng.poisson(3, 50), rng.poisson(3, 50)
    vocab = np.array([f"w{i}" for i in range(50)], dtype=object)
    ab = distinctive_terms(vocab, ya, yb, prior_scale=0.1).set_index("term")["z"]
    ba = distinctive_terms(vocab, yb, ya, prior_scale=0.1).set_index("term")["z"]
    np.testing.assert_allclose(ab.sort_index(), -ba.sort_index())


# --- terms and names -----------------------------------------------------------------------------

def test_bigrams_join_adjacent_content_words_only():
    stop = T.stop_words()
    got = T.terms("The creation of a U.S.-Mexico operational task force in 2023, at 1pm.", stop)
    assert "task force" in got and "operational task" in got and "u.s. mexico" in got
    assert "creation u.s." not in got  # "of a" lies between them
    assert not any(ch.isdigit() for t in got for ch in t)
    assert "pm" not in got and "the" not in got


def test_accents_and_possessives_fold_into_one_term():
    stop = T.stop_words()
    assert T.terms("López Obrador’s plan", stop, 1) == T.terms("Lopez Obrador plan", stop, 1)


def test_names_are_capitalised_runs_with_titles_and_sentence_openers_cut():
    got = T.names("On Wednesday he met Chinese President Xi Jinping near the Summit of the Americas "
                  "in San Francisco with APEC leaders.")
    assert got == ["Xi Jinping", "Summit of the Americas", "San Francisco", "APEC"]
    assert T.names("In April members of his cabinet traveled.") == []


_PIECES = st.sampled_from([
    "U.S.", "u.s.", "e.g.", "A.B.C.", "x.é.", "Mexico", "task", "force", "the", "López", "Obrador’s", "it's",
    "don't", "well-known", "2023", " ", " ", ". ", ", ", "; ", " — ", " - ", "—", "…", "“", "”", "\"",
    "(", ")", ". Then", ".", "?", "ﬁne", "\u0301", "'s"])


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=25))
def test_terms_from_one_marked_pass_equal_the_whole_text_and_segment_tokenising(pieces):
    # terms() tokenises once with its breaks marked; the plain definition tokenises the whole
    # text for words and every segment between breaks for phrases: they must agree on any text
    text = "".join(pieces)
    stop = T.stop_words()
    assert T.terms(text, stop, 2) == T._terms_by_segment(text, stop, 2)


def test_terms_counted_in_chunks_by_a_pool_equal_one_count_vectorizer(monkeypatch):
    from sklearn.feature_extraction.text import CountVectorizer

    articles = pd.read_csv(WIKINEWS, dtype=str, keep_default_na=False).head(60)
    texts = [p for t in articles["text"] for p in t.split("\n") if p.strip()]
    texts += ["", "the of 2023", "U.S. Then x.y… z", "Task force, task force task force."]
    stop = T.stop_words()
    monkeypatch.setattr(T, "COUNT_POOL_MIN", 50)
    monkeypatch.setattr(T, "COUNT_CHUNKS_PER_WORKER", 3)  # chunks with vocabularies of their own
    for n in (1, 2):
        vec = CountVectorizer(analyzer=lambda t, n=n: T.terms(t, stop, n), dtype=np.int64)
        want = vec.fit_transform(texts).tocsr()
        want.sort_indices()
        for workers in (1, 2):
            x, vocab = T.count_matrix(texts, stop, n, workers=workers)
            assert list(vocab) == list(vec.get_feature_names_out())
            assert x.shape == want.shape and x.has_sorted_indices
            for part in ("indptr", "indices", "data"):
                np.testing.assert_array_equal(getattr(x, part), getattr(want, part))
    empty, none = T.count_matrix(["", "the of 2023"], stop)
    assert empty.shape == (0, 0) and len(none) == 0


def test_paragraphs_join_their_sentences_in_table_order_whether_or_not_rows_are_consecutive(seed_result):
    prepared, _ = seed_result
    # as the pipeline writes it (each paragraph in consecutive rows: cut), and interleaved (grouped)
    interleaved = prepared.sentences.sort_values("sentence", key=lambda s: s % 2, kind="stable")
    for sents in (prepared.sentences, interleaved):
        got = T.paragraphs(sents)
        keys = list(dict.fromkeys(zip(sents["doc_id"], sents["paragraph"], strict=True)))
        assert list(zip(got["doc_id"], got["paragraph"], strict=True)) == keys
        rows = [(sents["doc_id"] == d) & (sents["paragraph"] == p) for d, p in keys]
        assert got["text"].tolist() == [" ".join(sents.loc[r, "text"]) for r in rows]
        first = sents.drop_duplicates(["doc_id", "paragraph"])
        assert got["period"].astype(str).tolist() == first["period"].astype(str).tolist()
        assert got["outlet"].tolist() == first["outlet"].tolist()


def test_names_counted_by_a_process_pool_equal_names_counted_in_process(monkeypatch, seed_result):
    prepared, _ = seed_result
    sents = pd.concat([prepared.sentences] * 30, ignore_index=True)  # 600 sentences
    levels, stop = prepared.period_names, T.stop_words()
    monkeypatch.setattr(T, "NAMES_POOL_MIN", 100)
    pd.testing.assert_frame_equal(T.name_counts(sents, levels, stop, workers=2),
                                  T.name_counts(sents, levels, stop, workers=1))
    one = T.name_counts(prepared.sentences, levels, stop).set_index("key")
    assert one.loc["xi jinping", "2023"] == 1 and one.loc["xi jinping", "2022"] == 0


def _prepared(tmp_path: Path, texts: dict[str, list[str]], **topics) -> pipeline.Prepared:
    rows = []
    for i, (day, text) in enumerate((d, t) for d, ts in texts.items() for t in ts):
        rows.append({"id": f"doc-{i}", "title": f"Story {i}", "outlet": f"Outlet {i % 2}", "date": day,
                     "url": "", "text": text})
    pd.DataFrame(rows).to_json(tmp_path / "corpus.jsonl", orient="records", lines=True)
    return pipeline.prepare(P.validate({
        "title": "t", "corpus": "corpus.jsonl", "base_dir": str(tmp_path),
        "periods": [{"name": "early", "start": "2022-01-01", "end": "2022-12-31"},
                    {"name": "late", "start": "2023-01-01", "end": "2023-12-31"}],
        "topics": topics, "dedup": "keep"}))  # the constructed articles repeat one another


def test_new_and_vanished_lists_hold_what_one_period_alone_uses(tmp_path):
    early = ("Officials discussed the task force on border security.\n"
             "The Summit of the Americas was debated again, and the task force too.")
    late = ("Officials discussed fentanyl trafficking and border security.\n"
            "Leaders met in San Francisco to discuss fentanyl.")
    res = topics_section(_prepared(tmp_path, {"2022-05-01": [early], "2023-05-01": [late]}))
    pair = ("early", "late")
    new = res.new[pair].set_index("item")["count"]
    gone = res.vanished[pair].set_index("item")["count"]
    assert new["fentanyl"] == 2 and new["San Francisco"] == 1 and "fentanyl trafficking" in new
    assert gone["task force"] == 2 and gone["Summit of the Americas"] == 1
    for shared in ("border security", "officials", "border", "security"):
        assert shared not in new and shared not in gone
    assert "francisco" not in new  # shown as the name
    assert res.new[pair]["count"].is_monotonic_decreasing
    assert res.vanished[pair]["count"].is_monotonic_decreasing


_WORDS = st.sampled_from(["San", "Francisco", "Garcia", "U.S.", "Summit", "of", "the", "Americas", "Xi",
                          "López"])


@settings(max_examples=200, deadline=None)
@given(names=st.lists(st.tuples(st.lists(_WORDS, min_size=1, max_size=5), st.integers(1, 9)), max_size=6),
       term=st.lists(_WORDS, min_size=1, max_size=2), count=st.integers(1, 9))
def test_a_term_is_covered_by_a_name_exactly_when_a_scan_of_every_name_says_so(names, term, count):
    # the indexed lookup of _one_period_only against the plain definition it replaced: the term,
    # as whole words, inside some one-period name used at least as often as the term
    table = pd.DataFrame({"name": [" ".join(ws) for ws, _ in names], "n": [c for _, c in names]})
    text = " ".join(term).lower()
    scan = any(f" {text} " in f" {name.lower()} " and c >= count
               for name, c in zip(table["name"], table["n"], strict=True))
    inside = _largest_name_count(table["name"], table["n"], longest=2)
    assert (inside.get(text, -1) >= count) == scan


# --- topics and divergence -----------------------------------------------------------------------

def test_nmf_topics_are_the_same_under_the_same_seed(tmp_path):
    # 30 real Wikinews articles of each year (CC BY 2.5, data/corpus/wikinews-2019-2020/README.md)
    articles = pd.read_csv(WIKINEWS, dtype=str, keep_default_na=False)
    year = articles["date"].str[:4]
    corpus = pd.concat([articles[year == "2019"].head(30), articles[year == "2020"].head(30)])
    corpus.to_json(tmp_path / "corpus.jsonl", orient="records", lines=True)
    params = P.validate({"title": "t", "corpus": "corpus.jsonl", "base_dir": str(tmp_path),
                         "periods": [{"name": "2019", "start": "2019-01-01", "end": "2019-12-31"},
                                     {"name": "2020", "start": "2020-01-01", "end": "2020-12-31"}],
                         "topics": {"bootstrap_rounds": 100, "split_rounds": 20}})
    prepared = pipeline.prepare(params)
    one, two = topics_section(prepared), topics_section(prepared)
    pd.testing.assert_frame_equal(one.topics, two.topics)
    pd.testing.assert_frame_equal(one.prevalence, two.prevalence)
    pd.testing.assert_frame_equal(one.divergence, two.divergence)
    assert one.interval_unit == "document" and not one.small
    assert len(one.topics) == int(one.topic_choice.loc[one.topic_choice["chosen"], "topics"].iat[0])


def test_js_divergence_is_zero_for_identical_and_one_for_disjoint_corpora():
    p = np.array([3.0, 1.0, 0.0, 2.0])
    assert M.js_divergence(p, 2 * p) == pytest.approx(0.0, abs=1e-12)
    disjoint = M.js_divergence(np.array([1.0, 2.0, 0.0, 0.0]), np.array([0.0, 0.0, 5.0, 1.0]))
    assert disjoint == pytest.approx(1.0)
    q = np.array([1.0, 1.0, 4.0, 0.5])
    assert M.js_divergence(p, q) == pytest.approx(jensenshannon(p, q, base=2) ** 2)
    assert (M.js_terms(p, q) >= 0).all()


def test_split_js_over_used_words_equals_the_dense_sum_over_the_vocabulary():
    from scipy import sparse

    rng = np.random.default_rng(5)
    total = rng.poisson(3, 300).astype(float)
    a = np.minimum(rng.poisson(1, size=(40, 300)) * (rng.random((40, 300)) < 0.2), total)
    a[0] = 0  # a side with no words
    a[1] = total  # a rest with no words
    dense = M.js_terms(a, total - a).sum(axis=1)
    np.testing.assert_allclose(M.split_js(sparse.csr_matrix(a), total), dense, rtol=1e-12, atol=1e-15)
    assert M.split_js(sparse.csr_matrix(a[:2]), total) == pytest.approx([0.5, 0.5])


def test_random_splits_of_one_pooled_corpus_diverge_little():
    rng = np.random.default_rng(0)
    from scipy import sparse
    units = sparse.csr_matrix(rng.poisson(2, size=(40, 30)))
    chance = M.random_split_js(units, 20, 50, rng)
    assert chance.shape == (50,) and (chance > 0).all() and (chance < 0.5).all()


# --- the seed corpus -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed_result():
    params = P.load(ROOT / "params" / "biden-amlo-2022-vs-2023.yaml")
    prepared = pipeline.prepare(params)
    return prepared, topics_section(prepared)


def test_seed_corpus_surfaces_each_periods_terms_and_no_boilerplate(seed_result):
    prepared, res = seed_result
    pair = tuple(prepared.period_names)
    gone = set(res.vanished[pair]["item"])
    new = set(res.new[pair]["item"])
    assert {"Summit of the Americas", "task force"} <= gone
    assert {"San Francisco", "APEC", "China", "Xi Jinping"} <= new
    names = res.names[pair].set_index("term")
    assert names.loc["Cuba", "z"] > 0 and names.loc["Cuba", "count_a"] > 0  # more in 2023, not new
    everything = " ".join([*res.distinctive[pair]["term"], *res.names[pair]["term"], *gone, *new,
                           *res.topics["top_terms"], *res.contributions[pair]["word"], res.prose]).lower()
    for word in BOILERPLATE:
        assert word not in everything


def test_seed_corpus_prose_says_the_sample_is_too_small(seed_result):
    _, res = seed_result
    assert res.small and res.interval_unit == "paragraph"
    assert "support no claim about coverage at large" in res.prose
    assert "within-article" in res.prose
    assert res.findings and not any(f.claim_ok for f in res.findings)


def test_figures_draw_one_figure_each(seed_result):
    import matplotlib

    matplotlib.use("Agg")
    from briefing.sections.topics import figures as F

    _, res = seed_result
    for make in (F.fightin_words_figure, F.prevalence_figure, F.divergence_figure):
        fig = make(res)
        assert fig.axes and any(ax.has_data() for ax in fig.axes)
        matplotlib.pyplot.close(fig)


def test_periods_with_the_same_words_have_empty_new_and_vanished_lists(tmp_path):
    text = "Officials discussed border security in Mexico City.\nTrade talks went on in Mexico City."
    res = topics_section(_prepared(tmp_path, {"2022-05-01": [text], "2023-05-01": [text]}))
    pair = ("early", "late")
    assert res.new[pair].empty and res.vanished[pair].empty
    assert res.divergence["js"].iat[0] == pytest.approx(0.0, abs=1e-12)


def test_bigrams_do_not_span_punctuation_or_sentence_ends():
    from briefing.measures.terms import stop_words, terms

    got = terms("He praised the relationship. Republicans attacked, Mexico answered; task force formed.",
                stop_words())
    bigrams = {t for t in got if " " in t}
    assert "relationship republicans" not in bigrams and "attacked mexico" not in bigrams
    assert {"republicans attacked", "mexico answered", "task force", "force formed"} <= bigrams


def test_a_period_without_content_words_is_a_clear_error(tmp_path):
    from conftest import base_params, write_corpus

    from briefing import params as params_mod
    from briefing.corpus.prepare import prepare
    from briefing.sections.topics.compute import TopicsError, topics_section

    write_corpus(tmp_path / "corpus", [
        {"text": "It is what it is. 2022.", "date": "2022-02-01", "title": "a", "outlet": "x"},
        {"text": "Mexico and the United States met on trade.", "date": "2023-02-01", "title": "b",
         "outlet": "y"}])
    prepared = prepare(params_mod.validate(base_params() | {"base_dir": str(tmp_path)}))
    with pytest.raises(TopicsError, match=r"period\(s\) '2022' have no content words"):
        topics_section(prepared)


def test_a_large_vocabulary_becomes_one_image_in_the_fightin_words_svg(seed_result, monkeypatch):
    """Past DENSE_TERMS the unlabelled terms are one raster layer: the SVG holds one <image>,
    not a mark per term, so its size does not grow with the vocabulary."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    from briefing.sections.topics import figures as F

    _, res = seed_result

    def svg() -> str:
        fig = F.fightin_words_figure(res)
        buf = io.StringIO()
        fig.savefig(buf, format="svg")
        matplotlib.pyplot.close(fig)
        return buf.getvalue()

    assert "<image" not in svg()  # the seed's few hundred terms stay vector marks
    monkeypatch.setattr(F, "DENSE_TERMS", 10)
    assert svg().count("<image") == 1


def test_the_term_leaning_most_to_each_period_is_quoted_from_that_periods_articles(tmp_path):
    """Evidence for the summary's term findings: sentences of the period the term leans to that
    count the term, from different articles, with the term found for bold type."""
    early = ["Fentanyl seizures rose at the border.\nOfficials praised the task force.",
             "The task force met again in Washington.", "A task force report was published."]
    late = ["Fentanyl trafficking dominated the talks.\nThe fentanyl crisis grew.",
            "Leaders discussed fentanyl in San Francisco.", "Fentanyl deaths fell slightly."]
    res = topics_section(_prepared(tmp_path, {"2022-05-01": early, "2023-05-01": late}))
    from briefing.sections.topics.tables import term_evidence_markdown

    ev = res.term_evidence.set_index("leans_to")
    late_rows = res.term_evidence[res.term_evidence["leans_to"] == "late"]
    assert ev.loc["late", "term"].iat[0] == res.top(("early", "late"))[1]["term"].iat[0]
    assert len(late_rows) == 2 and late_rows["doc_id"].is_unique  # two articles, not one twice
    for r in res.term_evidence.itertuples():
        assert r.term in " ".join(T.terms(r.text, T.stop_words(), 2))
        assert r.start >= 0 and r.text[r.start:r.end].lower() == r.term
    shown = term_evidence_markdown(res)
    assert "leaning most to late" in shown and "leaning most to early" in shown
    assert "**" in shown


def test_term_spans_fold_accents_and_ignore_a_term_inside_a_longer_word():
    from briefing.sections.topics.compute import term_span

    assert term_span("Talks with López Obrador began.", "lopez obrador") == (11, 24)
    assert term_span("The taskforce met.", "task") is None
    assert term_span("Mexico's border", "mexico") == (0, 6)


def test_divergence_table_names_the_unit_split_at_random_and_each_sides_counts(seed_result):
    from briefing.sections.topics.tables import divergence

    _, res = seed_result
    table = divergence(res)
    row, stored = table.iloc[0], res.divergence.iloc[0]
    unit = "articles" if stored["units"] == "document" else f"{stored['units']}s"
    assert row[unit] == f"{int(stored['units_a']):,} → {int(stored['units_b']):,}"
    assert row["words"] == f"{int(stored['words_a']):,} → {int(stored['words_b']):,}"
    assert not [c for c in table.columns if c.endswith((" a", " b")) or "_" in c]
