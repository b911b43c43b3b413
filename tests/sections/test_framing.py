"""Framing: lexicon files, cue matching, per-period shares, evidence, prose, and measured quality."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import ROOT

from briefing.corpus.prepare import prepare
from briefing.errors import ParamsError
from briefing.measures import nltk_data
from briefing.measures.evaluate_frames import cli_main
from briefing.measures.frame_eval import LABELLED, evaluate, load_labelled
from briefing.measures.frames import FrameDetector
from briefing.measures.lexicon import Lexicon, LexiconError, load_lexicon, parse_frame
from briefing.measures.stats import bootstrap_ratio_diff, bootstrap_shares, compare_counts
from briefing.params import load, validate
from briefing.sections.framing import figures, framing_section, tables

#: Floors set after measuring (test split: micro F1 0.64, macro F1 0.64; tune split: 0.85 / 0.88).
TEST_SPLIT_MICRO_F1_FLOOR = 0.60
TEST_SPLIT_MACRO_F1_FLOOR = 0.60
TUNE_SPLIT_MICRO_F1_FLOOR = 0.80


def lex(*frames: tuple[str, list[str]]) -> Lexicon:
    return Lexicon([parse_frame({"name": n, "definition": f"{n} things.", "cues": c}, "<test>", i)
                    for i, (n, c) in enumerate(frames)], version="t")


def hits_of(detector: FrameDetector, text: str) -> list[tuple[str, str, str]]:
    return [(f, cue, text[s:e]) for f, cue, s, e in detector.detect(text)]


# --- matching -------------------------------------------------------------------------------------

def test_cues_match_word_stems_case_insensitively():
    det = FrameDetector(lex(("Economic", ["tariff", "invest"])))
    found = hits_of(det, "New TARIFFS hit investors; Investment fell.")
    assert [m for _, _, m in found] == ["TARIFFS", "Investment"]
    assert all(f == "economic" for f, _, _ in found)


def test_multi_word_cues_match_across_spaces_and_hyphens_but_not_punctuation():
    det = FrameDetector(lex(("Trade", ["supply chain"])))
    assert [m for _, _, m in hits_of(det, "Supply chains and a supply-chain crunch.")] == [
        "Supply chains", "supply-chain"]
    assert hits_of(det, "Short of supply, chain stores closed.") == []


def test_cues_match_whole_words_only():
    det = FrameDetector(lex(("Economic", ["tax"]), ("Security", ["war", "arms"])))
    assert hits_of(det, "A taxi driver was warned about the firearms syntax.") == []
    assert [m for _, _, m in hits_of(det, "The war tax, paid in arms.")] == ["war", "tax", "arms"]


def test_exact_cues_are_not_stemmed():
    det = FrameDetector(lex(("Security", ["=arms"])))
    assert [m for _, _, m in hits_of(det, "Arms sales rose.")] == ["Arms"]
    assert hits_of(det, "He raised an arm.") == []


def test_accents_do_not_matter_on_either_side():
    det = FrameDetector(lex(("Leaders", ["López Obrador", "migracion"])))
    found = [m for _, _, m in hits_of(det, "Lopez Obrador spoke on migración; LÓPEZ OBRADOR left.")]
    assert found == ["Lopez Obrador", "migración", "LÓPEZ OBRADOR"]


def test_spans_point_at_the_cue_words_and_the_longest_cue_wins_within_a_frame():
    det = FrameDetector(lex(("Security", ["security", "border security"]), ("Migration", ["border"])))
    text = "Officials discussed border security."
    found = det.detect(text)
    assert {(f, text[s:e]) for f, _, s, e in found} == {("security", "border security"),
                                                       ("migration", "border")}


def test_a_sentence_carries_several_frames_and_negation_keeps_them():
    det = FrameDetector(lex(("Economic", ["tariff"]), ("Security", ["troops"])))
    assert det.frames_of("There will be no tariffs and no troops.") == {"economic", "security"}


def test_each_distinct_word_is_stemmed_once():
    det = FrameDetector(lex(("Economic", ["tariff"])))
    base = det.stem_calls
    sentences = pd.DataFrame({"doc_id": "d", "sentence": range(200),
                              "text": ["Tariffs rose and tariffs fell again."] * 200})
    hits = det.hits(sentences)
    assert len(hits) == 400
    assert det.stem_calls - base == det.vocabulary_size == 5  # tariffs, rose, and, fell, again
    det.hits(pd.concat([sentences] * 3))
    assert det.stem_calls - base == 5


# --- lexicon files --------------------------------------------------------------------------------

def write_lexicon(tmp_path: Path, frames: list, name: str = "bad.yaml", **top) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"version": "1", "source": "test", **top, "frames": frames}), "utf-8")
    return path


@pytest.mark.parametrize(("frames", "expected"), [
    ([{"name": "Economic", "cues": ["tax"]}], "missing definition"),
    ([{"name": "Economic", "definition": "Money.", "cues": []}], "empty cue list"),
    ([{"name": "Economic", "definition": "Money."}], "empty cue list"),
    ([{"name": "Economic", "definition": "Money.", "cues": ["tax"]},
      {"name": "economic", "definition": "More money.", "cues": ["price"]}], "duplicate frame"),
])
def test_bad_lexicon_files_fail_with_one_line_naming_file_and_frame(tmp_path, frames, expected):
    path = write_lexicon(tmp_path, frames)
    with pytest.raises(ParamsError) as err:
        load_lexicon(path)
    msg = str(err.value)
    assert isinstance(err.value, LexiconError)
    assert "\n" not in msg and expected in msg and str(path) in msg and "'economic'" in msg.lower()


def test_lexicon_without_version_or_source_is_refused(tmp_path):
    path = tmp_path / "nover.yaml"
    path.write_text(yaml.safe_dump({"frames": [{"name": "A", "definition": "a", "cues": ["a"]}]}), "utf-8")
    with pytest.raises(LexiconError, match="missing version"):
        load_lexicon(path)


def test_shipped_lexicon_has_the_15_codebook_frames_with_definitions_and_cues():
    lexicon = load_lexicon()
    assert len(lexicon.frames) == 15
    assert lexicon.frames[-1].name == "Other" and lexicon.version
    assert all(f.definition and f.cues for f in lexicon.frames)


def test_params_extra_frame_problems_name_the_frame(tmp_path):
    base = yaml.safe_load((ROOT / "params" / "biden-amlo-2022-vs-2023.yaml").read_text("utf-8"))
    base["framing"] = {"extra_frames": [{"name": "Migration", "definition": "People moving.", "cues": []}]}
    with pytest.raises(ParamsError, match=r"framing\.extra_frames: .*'Migration': empty cue list"):
        validate(base, "p.yaml")
    base["framing"] = {"extra_frames": [{"name": "Economic", "definition": "Dup.", "cues": ["x"]}]}
    params = validate({**base, "corpus": str(ROOT / "data" / "corpus" / "biden-amlo")}, "p.yaml")
    with pytest.raises(LexiconError, match="'Economic': duplicate frame"):
        framing_section(prepare(params))


# --- shares on a synthetic corpus with known answers -----------------------------------------------

FRAMES = [{"name": "Economic", "definition": "Money.", "cues": ["tariff"]},
          {"name": "Security", "definition": "Threats.", "cues": ["troops"]},
          {"name": "Health", "definition": "Illness.", "cues": ["vaccine"]}]
PERIODS = [("A", "2021-01-01", "2021-12-31"), ("B", "2022-01-01", "2022-12-31"),
           ("C", "2023-01-01", "2023-12-31")]


def build_corpus(tmp_path: Path, plan: dict[str, list[list[str]]]) -> tuple[Path, dict]:
    """plan: period -> documents -> the frame cue of each sentence ('' for none). Returns the
    corpus file and the expected sentence counts per period and frame."""
    starts = {p: s for p, s, _ in PERIODS}
    rows, expected = [], {}
    for p, docs in plan.items():
        for d, cues in enumerate(docs):
            sents = [f"Officials met about {c or 'the weather'} in city {d} today." for c in cues]
            rows.append({"id": f"{p}-{d}", "title": f"Doc {p}{d}", "outlet": "Wire", "date": starts[p],
                         "text": " ".join(sents)})
            for c in cues:
                expected.setdefault(p, {}).setdefault(c, 0)
                expected[p][c] += 1
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), "utf-8")
    return path, expected


def prepared_for(tmp_path: Path, plan: dict, **framing) -> tuple:
    nltk_data.ensure()
    corpus, expected = build_corpus(tmp_path, plan)
    write_lexicon(tmp_path, FRAMES, name="lex.yaml")
    params = validate({
        "title": "t", "corpus": corpus.name, "base_dir": str(tmp_path),
        "periods": [{"name": n, "start": s, "end": e} for n, s, e in PERIODS if n in plan],
        "actors": [{"name": "Officials"}],
        "framing": {"lexicon": "lex.yaml", "bootstrap_rounds": 200, **framing},
        "dedup": "keep",  # the constructed articles repeat one another on purpose
    })
    return prepare(params), expected


def test_per_period_shares_match_the_constructed_corpus(tmp_path):
    rng = np.random.default_rng(3)
    cues = ["tariff", "troops", "vaccine", ""]
    plan = {p: [list(rng.choice(cues, size=rng.integers(2, 6), p=w)) for _ in range(6)]
            for p, w in (("A", [0.5, 0.1, 0.2, 0.2]), ("B", [0.1, 0.6, 0.1, 0.2]))}
    prepared, expected = prepared_for(tmp_path, plan)
    res = framing_section(prepared)
    s = res.shares.set_index(["period", "frame"])
    for p, docs in plan.items():
        total = sum(len(d) for d in docs)
        for frame, cue in (("economic", "tariff"), ("security", "troops"), ("health", "vaccine")):
            k = expected[p].get(cue, 0)
            assert s.loc[(p, frame), "with_frame"] == k
            assert s.loc[(p, frame), "share"] == pytest.approx(k / total)
            # documents count when the frame is substantial: 2+ sentences and 20%+ of the document
            assert s.loc[(p, frame), "docs_with"] == sum(d.count(cue) >= 2 and d.count(cue) >= 0.2 * len(d)
                                                         for d in docs)
    c = res.comparisons.set_index("frame")
    assert c.loc["security", "change"] == pytest.approx(s.loc[("B", "security"), "share"]
                                                        - s.loc[("A", "security"), "share"])
    assert c.loc["security", "ci_low"] <= c.loc["security", "change"] <= c.loc["security", "ci_high"]
    assert bool(c.loc["security", "claim_ok"]) and c.loc["security", "test"] in ("chi-square", "Fisher exact")
    assert res.rising["frame"].iloc[0] == c["change"].idxmax()
    assert res.falling["frame"].iloc[0] == c["change"].idxmin()
    assert "these articles only" not in res.prose
    top = c["abs_change"].idxmax()
    assert f"**{res.names()[top]}**" in res.prose
    assert {f.measure for f in res.findings} >= {"share of sentences with the Security frame"}


def test_document_share_counts_articles_that_use_a_frame_substantially_not_any_cue(tmp_path):
    # a long article with one tariff sentence does not use the Economic frame; a short one with two does
    plan = {"A": [["tariff"] + [""] * 11, ["tariff", "tariff", "troops", ""]],
            "B": [["troops", "troops", "vaccine"], [""] * 3]}
    res = framing_section(prepared_for(tmp_path, plan)[0])
    s = res.shares.set_index(["period", "frame"])
    assert s.loc[("A", "economic"), ["with_frame", "docs_with", "documents"]].tolist() == [3, 1, 2]
    assert s.loc[("A", "security"), "docs_with"] == 0 and s.loc[("B", "security"), "docs_with"] == 1
    arts = res.articles.set_index("doc_id")
    assert arts.loc["A-0", "primary"] == "none" and arts.loc["A-1", "primary"] == "economic"
    assert arts.loc["B-0", "frames"] == "security" and arts.loc["B-1", "primary"] == "none"


def test_primary_frame_shares_per_period_add_up_and_their_intervals_resample_articles(tmp_path):
    rng = np.random.default_rng(11)
    cues = ["tariff", "troops", "vaccine", ""]
    plan = {p: [list(rng.choice(cues, size=rng.integers(3, 7), p=w)) for _ in range(8)]
            for p, w in (("A", [0.5, 0.1, 0.2, 0.2]), ("B", [0.1, 0.6, 0.1, 0.2]))}
    res = framing_section(prepared_for(tmp_path, plan)[0])
    prim = res.primary
    for p, g in prim.groupby("period"):
        assert g["share"].sum() == pytest.approx(1.0) and g["primary_docs"].sum() == 8
        assert (g["documents"] == 8).all() and set(g["frame"]) == {"economic", "security", "health", "none"}
        assert (g["ci_low"] <= g["share"] + 1e-12).all() and (g["share"] <= g["ci_high"] + 1e-12).all()
        counts = res.articles[res.articles["period"] == p]["primary"].value_counts()
        assert g.set_index("frame")["primary_docs"].to_dict() == {f: counts.get(f, 0) for f in g["frame"]}
    top = prim[prim["period"] == "B"].sort_values("share").iloc[-1]
    assert top["frame"] == "security" and top["ci_high"] > top["ci_low"]
    table = tables.primary_table(res)
    assert table["frame"].iloc[-1].startswith("none") and "B: 95% interval" in table.columns
    assert "Primary frames" in res.prose and "Security" in res.prose
    assert "micro F1" in res.article_method and "majority class" in res.article_method
    small = framing_section(prepared_for(tmp_path, {"A": [["tariff", "tariff"]], "B": [["troops", ""]]})[0])
    assert small.primary["ci_low"].isna().all()


def test_three_periods_compare_consecutive_pairs_and_first_with_last(tmp_path):
    plan = {"A": [["tariff", ""]], "B": [["troops", "tariff"]], "C": [["troops", "troops", ""]]}
    prepared, _ = prepared_for(tmp_path, plan)
    res = framing_section(prepared)
    pairs = set(zip(res.comparisons["period_a"], res.comparisons["period_b"], strict=True))
    assert pairs == {("A", "B"), ("B", "C"), ("A", "C")}
    one = res.one_period
    # Economic is in A and B but not C; Security in B and C but not A
    a_vs_c = one[(one["kind"] == "frame") & (one["period_a"] == "A") & (one["period_b"] == "C")]
    assert set(a_vs_c["frame"]) == {"economic", "security"}
    assert "Only in A" in res.prose and "Only in C" in res.prose


def test_small_periods_say_so_and_show_no_interval_or_test(tmp_path):
    prepared, _ = prepared_for(tmp_path, {"A": [["tariff", "troops"]], "B": [["troops", ""]]})
    res = framing_section(prepared)
    assert "these articles only" in res.prose and "support no claim" in res.prose
    assert res.comparisons["ci_low"].isna().all() and res.comparisons["p_value"].isna().all()
    assert not any(f.claim_ok for f in res.findings)


def test_evidence_bolds_cues_and_escapes_untrusted_text(tmp_path):
    nltk_data.ensure()
    plan = {"A": [["tariff"]], "B": [["troops"]]}
    corpus, _ = build_corpus(tmp_path, plan)
    rows = [json.loads(x) for x in corpus.read_text("utf-8").splitlines()]
    rows[1]["text"] = "<script>alert(1)</script> The troops [moved](javascript:x) north today."
    corpus.write_text("\n".join(json.dumps(r) for r in rows), "utf-8")
    write_lexicon(tmp_path, FRAMES, name="lex.yaml")
    params = validate({"title": "t", "corpus": corpus.name, "base_dir": str(tmp_path),
                       "periods": [{"name": n, "start": s, "end": e} for n, s, e in PERIODS[:2]],
                       "framing": {"lexicon": "lex.yaml"}})
    res = framing_section(prepare(params))
    md = " ".join(res.evidence["markdown"])
    assert "**troops**" in md and "<script>" not in md and "](javascript" not in md
    assert "Wire" in md


def test_figures_are_built(tmp_path):
    prepared, _ = prepared_for(tmp_path, {"A": [["tariff", "troops"]], "B": [["troops", ""]]})
    res = framing_section(prepared)
    assert len(figures.shares_figure(res).axes) == 1
    assert len(figures.actors_figure(res).axes) == 2


# --- the seed corpus -----------------------------------------------------------------------------

def test_seed_corpus_frames_in_both_periods_and_what_is_in_one_only():
    nltk_data.ensure()
    res = framing_section(prepare(load(ROOT / "params" / "biden-amlo-2022-vs-2023.yaml")))
    s = res.shares.set_index(["period", "frame"])["with_frame"]
    for frame in ("security", "crime", "migration"):
        assert s[("2022", frame)] > 0 and s[("2023", frame)] > 0
    only23 = res.one_period[res.one_period["only_in"] == "2023"]
    assert {"sanctions", "struck a deal"} <= set(only23["cue"])
    examples = " ".join(only23["example"])
    assert "China" in examples and "Cuba" in examples
    assert "Only in 2023" in res.prose and "these articles only" in res.prose
    prim = res.primary[res.primary["primary_docs"] > 0].set_index("period")["frame"]
    assert prim.to_dict() == {"2022": "diplomacy", "2023": "crime"}
    assert {"lexicon + rule", "frame-name baseline", "majority class"} <= set(res.article_quality["method"])
    assert len(tables.primary_table(res)) >= 3


# --- statistics ----------------------------------------------------------------------------------

def test_bootstrap_interval_covers_the_estimate_and_needs_two_documents():
    rng = np.random.default_rng(0)
    den_a, den_b = rng.integers(5, 20, 30), rng.integers(5, 20, 40)
    num_a, num_b = rng.binomial(den_a, 0.2)[:, None], rng.binomial(den_b, 0.5)[:, None]
    low, high = bootstrap_ratio_diff(num_a, den_a, num_b, den_b, rounds=500, seed=1)
    est = num_b.sum() / den_b.sum() - num_a.sum() / den_a.sum()
    assert low[0] < est < high[0] and low[0] > 0
    low, high = bootstrap_ratio_diff(num_a[:1], den_a[:1], num_b, den_b, rounds=200)
    assert np.isnan(low).all() and np.isnan(high).all()


def test_bootstrap_shares_match_the_worked_example_of_two_articles():
    # two articles in two categories: a resample holds the first 0, 1 or 2 times (p = 1/4, 1/2, 1/4),
    # so its share is 0, 0.5 or 1; the 95% interval spans 0 to 1, the central 40% is 0.5 to 0.5
    share, low, high = bootstrap_shares([1, 1], rounds=20000, level=0.95, seed=3)
    assert share.tolist() == [0.5, 0.5] and low.tolist() == [0.0, 0.0] and high.tolist() == [1.0, 1.0]
    share, low, high = bootstrap_shares([1, 1], rounds=20000, level=0.4, seed=3)
    assert low.tolist() == [0.5, 0.5] and high.tolist() == [0.5, 0.5]
    # the same as redrawing articles: 30 articles, 9 in the first category
    share, low, high = bootstrap_shares([9, 21, 0], rounds=20000, seed=1)
    draws = np.random.default_rng(2).choice([0, 1], size=(20000, 30), p=[0.3, 0.7]).mean(axis=1)
    assert low[0] == pytest.approx(np.percentile(1 - draws, 2.5), abs=0.034)
    assert high[0] == pytest.approx(np.percentile(1 - draws, 97.5), abs=0.034)
    assert (low[2], high[2]) == (0.0, 0.0)
    share, low, high = bootstrap_shares([1, 0], rounds=100)
    assert share.tolist() == [1.0, 0.0] and np.isnan(low).all() and np.isnan(high).all()


def test_count_test_uses_fisher_when_expected_counts_are_small():
    assert compare_counts(1, 10, 6, 10).test == "Fisher exact"
    big = compare_counts(40, 200, 90, 200)
    assert big.test == "chi-square" and big.p_value < 0.001
    assert compare_counts(0, 10, 0, 12).test == ""


# --- measured quality on the hand-labelled set ----------------------------------------------------

def test_labelled_set_is_large_varied_and_split():
    data = load_labelled(LABELLED)
    assert len(data) >= 100 and set(data["split"]) == {"tune", "test"}
    assert data["text"].is_unique
    assert (data["split"] == "test").sum() >= 50
    used = {f for labels in data["frames"] for f in labels}
    assert used == set(load_lexicon().ids)


def test_lexicon_scores_on_the_held_out_split_stay_above_the_floor():
    data = load_labelled(LABELLED)
    test = evaluate(load_lexicon(), data[data["split"] == "test"])
    tune = evaluate(load_lexicon(), data[data["split"] == "tune"])
    assert test.micro["f1"] >= TEST_SPLIT_MICRO_F1_FLOOR
    assert test.macro["f1"] >= TEST_SPLIT_MACRO_F1_FLOOR
    assert tune.micro["f1"] >= TUNE_SPLIT_MICRO_F1_FLOOR
    assert not test.unscored


def test_evaluate_frames_command_reads_jsonl_and_reports_scores(tmp_path, capsys):
    path = tmp_path / "mine.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in [
        {"text": "Tariffs on steel rose.", "frames": ["Economic"]},
        {"text": "Troops crossed the border.", "frames": ["security", "Border"]},
    ]), "utf-8")
    assert cli_main([str(path)]) == 0
    out = capsys.readouterr().out
    assert "Economic" in out and "micro average" in out and "not scored): Border" in out
    assert cli_main([str(tmp_path / "missing.csv")]) == 2
    assert "not found" in capsys.readouterr().err


def test_the_main_texts_evidence_is_one_sentence_per_period_and_the_appendixs_every_one(tmp_path):
    from briefing.sections.framing.tables import evidence_markdown

    plan = {"A": [["tariff", "tariff", ""], ["tariff", "troops", ""]] * 3,
            "B": [["troops", "troops", "vaccine"], ["troops", "", ""]] * 3}
    prepared, _ = prepared_for(tmp_path, plan, evidence_sentences=3)
    res = framing_section(prepared)
    full, short = evidence_markdown(res), evidence_markdown(res, per_period=1, words=4)
    quoted = [line for line in short.splitlines() if line.startswith("- ")]
    frames = res.evidence["frame"].nunique()
    assert full.count("\n- ") > len(quoted) and len(quoted) <= 2 * frames  # one per period and frame
    # "Officials met about troops in city 0 today." cut after four words, its source kept
    assert quoted and all(q.split(": ", 1)[1].startswith("“Officials met about ") and "\\[…\\]” (Wire, "
                                                                                      in q for q in quoted)


# --- a trained classifier instead of the lexicon --------------------------------------------------

def test_framing_numbers_with_a_model_equal_those_counted_from_its_predictions(tmp_path):
    from briefing.measures.frame_model import save_model
    from briefing.measures.frame_train import TrainSettings, fit_model, label_matrix

    texts = [f"Officials met about {c} in city {i} today." for i in range(12)
             for c in ("tariff", "troops", "vaccine", "the weather")]
    labels = [[{"tariff": "Economic", "troops": "Security", "vaccine": "Health"}[c]] if c != "the weather"
              else [] for i in range(12) for c in ("tariff", "troops", "vaccine", "the weather")]
    names, y = label_matrix(labels)
    model = fit_model(texts, y, names, TrainSettings(folds=3))
    model.meta = {"unit": "sentence", "n_items": len(texts), "source": "coded.csv"}
    save_model(model, tmp_path / "frames.skops")
    rng = np.random.default_rng(4)
    plan = {p: [list(rng.choice(["tariff", "troops", "vaccine", ""], size=rng.integers(2, 6), p=w))
                for _ in range(6)] for p, w in (("A", [0.5, 0.1, 0.2, 0.2]), ("B", [0.1, 0.6, 0.1, 0.2]))}
    prepared, _ = prepared_for(tmp_path, plan, model="frames.skops")
    res = framing_section(prepared)
    sents = prepared.sentences
    pred = model.predict(sents["text"].tolist())
    assert set(res.frames["name"]) == set(names)
    s = res.shares.set_index(["period", "frame"])
    for p in plan:
        in_p = (sents["period"].astype(str) == p).to_numpy()
        for j, fid in enumerate(model.ids):
            assert s.loc[(p, fid), "with_frame"] == int(pred[in_p, j].sum())
            assert s.loc[(p, fid), "share"] == pytest.approx(pred[in_p, j].sum() / in_p.sum())
    # evidence: the sentences the model is surest of, no cue named, nothing bolded
    if len(res.evidence):
        assert (res.evidence["cues"] == "").all() and "**" not in "".join(res.evidence["markdown"])
    assert "trained on 48 hand-coded sentences" in res.model_method
    assert "Of this corpus's words" in res.model_method


def test_a_missing_model_file_is_named_in_one_line(tmp_path):
    from briefing.validation import check_files

    corpus, _ = build_corpus(tmp_path, {"A": [["tariff"]], "B": [["troops"]]})
    params = validate({"title": "t", "corpus": corpus.name, "base_dir": str(tmp_path),
                       "periods": [{"name": n, "start": s, "end": e} for n, s, e in PERIODS[:2]],
                       "framing": {"model": "models/none.skops"}})
    with pytest.raises(ParamsError) as err:
        check_files(params, "p.yaml")
    assert "framing.model" in str(err.value) and "none.skops" in str(err.value)
    assert "\n" not in str(err.value)
