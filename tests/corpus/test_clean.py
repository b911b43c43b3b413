"""Boilerplate is set aside line by line; no sentence of the reporting is removed."""

from __future__ import annotations

import pytest
from conftest import ROOT

from briefing.corpus.clean import clean_document, load_rules
from briefing.corpus.load import load_corpus
from briefing.errors import ParamsError

CORPUS = ROOT / "data" / "corpus" / "biden-amlo"

# Every boilerplate line of the seed articles, as a reader of the pages would mark them.
EXPECTED_REMOVED = {
    "2022-07-11-washington-examiner": {
        "BIDEN BOGEYMAN: WHITE HOUSE ESCALATES ATTACKS ON SUPREME COURT OVER ABORTION":
            "all-caps promo headline",
        "CLICK HERE TO READ MORE FROM THE WASHINGTON EXAMINER": "call to action",
    },
    "2023-11-17-political-iq": {
        "Biden to meet with Mexico’s President in San Francisco": "headline repeated in body",
        "November 17, 2023": "dateline",
        "PHOTO: Biden and Mexico President López Obrador in January": "photo caption or credit",
        "Read more exclusive news from Political IQ.": "read-more link",
        "Related": "trailing navigation block",
        "Newsletter": "trailing navigation block",
        "Get the featured stories in your email and don't miss out on important news.":
            "trailing navigation block",
        "Previous": "trailing navigation block",
        "Secret Service Agent Removed From Duties After Incident": "trailing navigation block",
        "Next": "trailing navigation block",
        "Squatters In NYC Arrested": "trailing navigation block",
    },
}


@pytest.fixture(scope="module")
def seeds():
    return load_corpus(CORPUS)


def test_seed_boilerplate_is_removed_with_its_rule(seeds):
    rules = load_rules()
    for row in seeds.itertuples():
        _, removed = clean_document(row.text, rules, title=row.title)
        assert {r["text"]: r["rule"] for r in removed} == EXPECTED_REMOVED[row.id]


def test_every_reporting_line_of_the_seeds_is_kept(seeds):
    rules = load_rules()
    for row in seeds.itertuples():
        kept, _ = clean_document(row.text, rules, title=row.title)
        body_lines = [line.strip() for line in row.text.splitlines() if line.strip()]
        reporting = [line for line in body_lines if line not in EXPECTED_REMOVED[row.id]]
        assert kept == reporting  # the same lines, in the same order
        assert len(reporting) == {"2022-07-11-washington-examiner": 8,
                                  "2023-11-17-political-iq": 12}[row.id]


def test_removed_lines_carry_line_numbers(seeds):
    row = seeds.iloc[0]
    _, removed = clean_document(row.text, load_rules(), title=row.title)
    lines = row.text.splitlines()
    for r in removed:
        assert lines[r["line"] - 1].strip() == r["text"]


def test_navigation_block_is_not_taken_from_the_middle_of_reporting():
    long_line = ("The talks then turned to the border, where officials from both governments said that "
                 "the number of crossings had risen sharply over the summer months and that new "
                 "measures would be announced before the end of the year.")
    text = f"Biden spoke in Washington.\nNext\n{long_line}\nEnd."
    kept, removed = clean_document(text, load_rules())
    assert removed == [] and len(kept) == 4


def test_allcaps_acronym_sentence_is_kept():
    kept, removed = clean_document("The DEA and the CDC met in the U.S. on Monday.", load_rules())
    assert removed == [] and kept == ["The DEA and the CDC met in the U.S. on Monday."]


def test_params_can_add_patterns_and_markers():
    rules = load_rules(extra_line_patterns=[r"^Sponsored by"], extra_block_markers=["More stories"])
    text = "Real news here.\nSponsored by Acme\nMore stories\nShort headline"
    kept, removed = clean_document(text, rules)
    assert kept == ["Real news here."]
    assert [r["rule"] for r in removed] == ["params pattern", "trailing navigation block",
                                            "trailing navigation block"]


def test_custom_rules_file_replaces_the_shipped_rules(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("line_patterns:\n  - name: shout\n    pattern: '!!!$'\n")
    kept, removed = clean_document("CLICK HERE NOW\nWow!!!", load_rules(path))
    assert kept == ["CLICK HERE NOW"] and removed[0]["rule"] == "shout"


def test_bad_regex_in_rules_file_is_a_clear_error(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("line_patterns:\n  - name: broken\n    pattern: '(['\n")
    with pytest.raises(ParamsError, match=r"rules\.yaml: line_patterns\[0\]\.pattern: invalid regex"):
        load_rules(path)


WIKINEWS = ROOT / "data" / "corpus" / "wikinews-2019-2020" / "articles.csv"


@pytest.fixture(scope="module")
def wikinews():
    return load_corpus(WIKINEWS)


def test_wiki_speaker_labels_are_cut_from_lines_and_logged_once_per_rule(wikinews):
    """Wikinews interviews mark the interviewer's questions ((WN)): markup, never a word of the news."""
    import re

    rules = load_rules()
    interviews = wikinews[wikinews["text"].str.contains("((WN))", regex=False)]
    assert len(interviews) >= 5
    for row in interviews.itertuples():
        kept, log = clean_document(row.text, rules, title=row.title)
        assert not any(re.search(r"\(\((?!\()", line) for line in kept), row.id
        assert not any(re.search(r"\bWN\b", line) for line in kept), row.id
        markup = [e for e in log if e["kind"] == "markup"]
        assert [e["rule"] for e in markup] == ["wiki speaker or language label"]
        whole = sum(1 for e in log if e["kind"] == "line" and e["rule"] == markup[0]["rule"])
        assert markup[0]["count"] + whole == len(re.findall(r"(?<!\()\(\((?!\()[^()\n]+\)\)", row.text))
        assert "((WN))" in markup[0]["text"]
        # the questions themselves stay: they are the article's words
        question = next(line for line in row.text.splitlines() if line.startswith("((WN))")
                        and len(line.split()) > 6 and line.count("((") == 1)
        words = question.removeprefix("((WN))").split()
        assert " ".join(words[1:] if words[0] == ":" else words) in kept


def test_language_labels_go_and_the_translation_and_wiki_links_stay(wikinews):
    rules = load_rules()
    texts = {row.id: clean_document(row.text, rules, title=row.title)[0] for row in wikinews.itertuples()}
    kept = "\n".join(line for lines in texts.values() for line in lines)
    assert "Spanish language:" not in kept and "((es))" not in kept
    assert "A pesar de contar con el mandato del pueblo" in kept  # the original words are text
    assert "(((My Fellow Americans)))" in kept  # a wiki link in parentheses is not a label
    # "((WSS)) : Which past U.S. president(s)..." loses its colon with its label
    assert "\nWhich past U.S. president(s)" in "\n" + kept and "((WSS))" not in kept


def test_params_can_add_inline_patterns():
    rules = load_rules(extra_inline_patterns=[r"\[laughs\]"])
    kept, log = clean_document("It went well [laughs] in the end.\n[laughs]", rules)
    assert kept == ["It went well in the end."]
    assert [(e["kind"], e["rule"], e["count"]) for e in log] == [
        ("markup", "params inline pattern", 1), ("line", "params inline pattern", 1)]


def test_seed_articles_have_no_markup_to_cut(seeds):
    rules = load_rules()
    for row in seeds.itertuples():
        _, log = clean_document(row.text, rules, title=row.title)
        assert all(e["kind"] == "line" for e in log)
