"""Article-level frames: the calibrated rule, primary frames and ties, "none", and their evaluation."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT

from briefing.measures import nltk_data
from briefing.measures.article_eval import (
    ARTICLES,
    MAJORITY,
    NAMES,
    RULE,
    NameBaseline,
    article_sentences,
    evaluate_articles,
    load_articles,
    score,
)
from briefing.measures.article_frames import NONE, ArticleRule, article_frames, article_table
from briefing.measures.evaluate_frames import cli_main
from briefing.measures.frames import FrameDetector
from briefing.measures.lexicon import load_lexicon

#: Measured on the held-out test split (64 articles): micro F1 0.61 against 0.28 for the frame-name
#: baseline; primary-frame accuracy 0.59 against 0.33 for the majority class. The issue's targets
#: are margins of 0.15; the floors leave a little room for cue edits.
MICRO_F1_MARGIN_FLOOR = 0.15
ACCURACY_MARGIN_FLOOR = 0.15

IDS = ["economic", "security", "health_safety"]


def hits(*rows: tuple[int, str]) -> pd.DataFrame:
    """A hits table of one article from (sentence, frame) pairs."""
    return pd.DataFrame([(s, f, "cue") for s, f in rows], columns=["sentence", "frame", "cue"])


# --- the rule --------------------------------------------------------------------------------------

def test_a_frame_counts_when_a_fifth_of_the_sentences_and_at_least_two_carry_it():
    got = article_frames(hits((0, "economic"), (4, "economic"), (5, "security")), 10, IDS)
    assert got.frames == ("economic",)  # 2 of 10 counts; 1 of 10 does not
    short = article_frames(hits((0, "security")), 5, IDS)  # 20% of a five-sentence article, but one sentence
    assert short.frames == () and short.primary == NONE
    assert article_frames(hits((0, "security")), 5, IDS, ArticleRule(0.2, 1)).frames == ("security",)


def test_several_cues_in_one_sentence_count_once():
    got = article_frames(hits((3, "economic"), (3, "economic"), (3, "economic")), 10, IDS)
    assert got.frames == () and got.primary == NONE


def test_the_any_cue_rule_is_the_rule_with_no_threshold():
    got = article_frames(hits((7, "health_safety"), (2, "security")), 40, IDS, ArticleRule(0.0, 1))
    assert got.frames == ("security", "health_safety")


def test_primary_is_the_substantial_frame_in_most_sentences():
    h = hits((0, "security"), (1, "economic"), (2, "economic"), (3, "economic"), (4, "security"))
    assert article_frames(h, 8, IDS).primary == "economic"


def test_primary_ties_go_to_the_frame_whose_first_cue_comes_first_then_to_lexicon_order():
    early_security = hits((1, "economic"), (5, "economic"), (0, "security"), (6, "security"))
    assert article_frames(early_security, 8, IDS).primary == "security"
    same_start = hits((2, "health_safety"), (5, "health_safety"), (2, "economic"), (6, "economic"))
    assert article_frames(same_start, 8, IDS).primary == "economic"  # first in the lexicon


def test_an_article_with_no_substantial_frame_has_primary_none():
    assert article_frames(hits(), 12, IDS) == article_frames(hits((1, "economic")), 12, IDS)
    assert article_frames(hits(), 12, IDS).primary == NONE
    assert article_frames(hits(), 0, IDS).primary == NONE  # an empty article


def test_a_table_of_many_articles_agrees_with_one_article_at_a_time():
    rng = np.random.default_rng(7)
    rows, n = [], {}
    for d in range(60):
        n[f"d{d}"] = int(rng.integers(1, 30))
        for s in range(n[f"d{d}"]):
            for f in IDS:
                if rng.random() < [0.15, 0.3, 0.08][IDS.index(f)]:
                    rows.append((f"d{d}", s, f))
    n["silent"] = 9  # no hits at all
    table = pd.DataFrame(rows, columns=["doc_id", "sentence", "frame"])
    sub, arts = article_table(table, pd.Series(n), IDS)
    for d, k in n.items():
        one = article_frames(table[table["doc_id"] == d], k, IDS)
        row = arts.set_index("doc_id").loc[d]
        assert row["primary"] == one.primary and row["frames"] == ";".join(one.frames)
        assert tuple(f for f in IDS if sub.loc[d, f]) == one.frames
    assert arts.set_index("doc_id").loc["silent", "primary"] == NONE
    assert set(arts["primary"]) > {NONE}


def test_real_articles_get_the_primary_frame_a_reader_gives_them():
    nltk_data.ensure()
    lexicon = load_lexicon()
    det = FrameDetector(lexicon)
    data = load_articles(ARTICLES).set_index("id")
    samoa = "wikinews-Samoan_government_temporarily_shuts_down_for_nationwide_measles_vaccination_driv"
    court = "wikinews-Scottish_court_finds_suspension_of_UK_parliament_unlawful"
    for doc, expected in ((samoa, "health_safety"), (court, "legality")):
        r = data.loc[doc]
        sents = article_sentences(pd.DataFrame({"text": [r["text"]], "title": [r["title"]]}, index=[doc]))
        got = article_frames(det.hits(sents), len(sents), lexicon.ids)
        assert got.primary == expected == r["primary_frame"]
        assert expected in got.frames


# --- scoring ---------------------------------------------------------------------------------------

def test_scores_match_a_worked_example():
    lex = load_lexicon()
    e, s, o = (lex.ids.index(f) for f in ("economic", "security", "other"))
    gold = np.zeros((4, len(lex.ids)), bool)
    pred = np.zeros_like(gold)
    gold[0, e] = gold[1, e] = gold[1, s] = gold[2, o] = True
    pred[0, e] = pred[1, s] = pred[3, s] = True
    # economic: tp 1, predicted 1, labelled 2; security: tp 1, predicted 2, labelled 1; other: labelled 1
    sc = score(lex, gold, pred, ["economic", "security", "other", ""],
               ["economic", "economic", NONE, "security"])
    t = sc.per_frame.set_index("frame")
    assert t.loc["economic", ["precision", "recall"]].tolist() == pytest.approx([1.0, 0.5])
    assert t.loc["security", ["precision", "recall"]].tolist() == pytest.approx([0.5, 1.0])
    # micro: tp 2 of 3 predicted and 4 labelled -> P 2/3, R 1/2, F1 4/7
    assert sc.micro["precision"] == pytest.approx(2 / 3) and sc.micro["f1"] == pytest.approx(4 / 7)
    # macro over the three labelled frames: F1 (2/3 + 2/3 + 0) / 3
    assert sc.macro["f1"] == pytest.approx(4 / 9)
    # the unlabelled fourth article is not scored; "none" counts as Other, except in the strict figure
    assert (sc.primary_n, sc.primary_correct, sc.primary_correct_strict) == (3, 2, 1)


def test_the_name_baseline_looks_for_the_stems_of_each_frames_name():
    base = NameBaseline(load_lexicon())
    got = base.frames_of("The economy grew while the police enforced new policies.")
    assert got == ["economic", "policy"]
    assert base.frames_of("Politicians spoke of security and public safety.") == [
        "security", "health_safety", "public_opinion", "political"]
    assert base.prefixes["other"] == ()  # "other" is a stop word: the Other frame never fires
    assert base.frames_of("Tariffs on steel rose.") == []


# --- the labelled articles and the command --------------------------------------------------------

def test_labelled_articles_are_real_credited_and_split():
    data = load_articles(ARTICLES)
    assert len(data) >= 100 and data["text"].is_unique
    assert set(data["split"]) == {"tune", "dev", "test"} and (data["split"] == "test").sum() >= 50
    assert data["url"].str.startswith("https://en.wikinews.org/wiki/").all()
    assert all(p in f for p, f in zip(data["primary_frame"], data["frames"], strict=True))
    ids = set(load_lexicon().ids)
    assert {f for fs in data["frames"] for f in fs} == ids
    readme = (ROOT / "tests" / "data" / "README.md").read_text("utf-8")
    assert "Wikinews contributors" in readme and "https://creativecommons.org/licenses/by/2.5/" in readme


def test_the_rule_beats_both_baselines_on_the_held_out_articles():
    data = load_articles(ARTICLES)
    ev = evaluate_articles(load_lexicon(), data[data["split"] == "test"])
    rule, names, majority = ev.methods[RULE], ev.methods[NAMES], ev.methods[MAJORITY]
    assert rule.micro["f1"] >= names.micro["f1"] + MICRO_F1_MARGIN_FLOOR
    assert rule.accuracy >= majority.accuracy + ACCURACY_MARGIN_FLOOR
    assert rule.accuracy_strict >= majority.accuracy + ACCURACY_MARGIN_FLOOR
    assert rule.micro["f1"] > ev.methods["lexicon, any-cue rule"].micro["f1"]


def _small_file(tmp_path, fmt: str, primary: bool = True):
    data = load_articles(ARTICLES)
    picks = data[data["split"] == "dev"].head(6)
    if fmt == "jsonl":
        path = tmp_path / "mine.jsonl"
        rows = [{"text": r.text, "title": r.title, "frames": r.frames, "split": ["a", "b"][i % 2],
                 **({"primary_frame": r.primary_frame} if primary else {})}
                for i, r in enumerate(picks.itertuples())]
        path.write_text("\n".join(json.dumps(r) for r in rows), "utf-8")
    else:
        path = tmp_path / "mine.csv"
        out = pd.DataFrame({"text": picks["text"], "frames": [";".join(f) for f in picks["frames"]]})
        out.loc[out.index[0], "frames"] += ";Border"  # a label the lexicon has no frame for
        out.to_csv(path, index=False)
    return path


def test_evaluate_frames_scores_a_small_file_of_articles_beside_the_baselines(tmp_path, capsys):
    nltk_data.ensure()
    assert cli_main(["--unit", "article", str(_small_file(tmp_path, "jsonl")), "--split", "b"]) == 0
    out = capsys.readouterr().out
    assert "[b: 3 articles]" in out and "at least 20% of the article's sentences" in out
    for text in ("lexicon + rule", "name baseline", "majority class", "micro average", "macro average",
                 "primary-frame accuracy", "strict: none never taken as Other", "any-cue rule"):
        assert text in out
    assert cli_main(["--unit", "article", str(_small_file(tmp_path, "csv")), "--min-share", "0.1",
                     "--min-sentences", "3"]) == 0
    out = capsys.readouterr().out
    assert "at least 10% of the article's sentences carry it and at least 3 sentences do" in out
    assert "primary-frame accuracy: not scored (no primary_frame labels)" in out
    assert "not scored): Border" in out


def test_evaluate_frames_refuses_bad_article_options_in_one_line(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        cli_main(["--unit", "article", "--min-share", "20"])
    assert exc.value.code == 2 and "not between 0 and 1" in capsys.readouterr().err
    assert cli_main(["--unit", "article", str(tmp_path / "none.jsonl")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not found" in err
    empty = tmp_path / "empty.jsonl"
    empty.write_text(json.dumps({"text": "  ", "frames": ["economic"]}), "utf-8")
    assert cli_main(["--unit", "article", str(empty)]) == 2
    assert "article 1 has no text" in capsys.readouterr().err


def test_frames_no_article_is_labelled_with_are_not_scored(tmp_path):
    from briefing.measures.article_eval import RULE, evaluate_articles, load_articles
    from briefing.measures.lexicon import load_lexicon

    rows = [{"text": "Tariffs and trade costs hit farmers. Exports fell. The tariff war cost jobs. "
                     "Police arrested a man for murder.", "frames": ["economic"]},
            {"text": "Police arrested a man for murder. The court jailed him. Crime rose. "
                     "Prices of goods and the economy grew.", "frames": ["crime"]}]
    path = tmp_path / "two.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows))
    ev = evaluate_articles(load_lexicon(), load_articles(path))
    scored = set(ev.methods[RULE].per_frame["frame"])
    assert scored <= {"economic", "crime"}
    assert "Political" in ev.unlabelled and "Economic" not in ev.unlabelled
    only = evaluate_articles(load_lexicon(), load_articles(path), frames=["Economic"])
    assert set(only.methods[RULE].per_frame["frame"]) <= {"economic"}
