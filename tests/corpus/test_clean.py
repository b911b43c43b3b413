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
