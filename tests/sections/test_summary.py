"""The executive summary is drawn from the sections' findings, never hand-written."""

from __future__ import annotations

from briefing.sections.findings import Finding
from briefing.sections.summary import certainty, changed_table, select


def _f(section: str, weight: float, *, lo=None, hi=None, claim_ok=True, unit="") -> Finding:
    return Finding(section=section, measure=f"{section} {weight}", period_a="2022", period_b="2023",
                   value_a=0.1, value_b=0.3, change=0.2, ci_low=lo, ci_high=hi,
                   sentence=f"{section} changed ({weight}).", weight=weight, claim_ok=claim_ok, unit=unit)


def test_select_takes_findings_in_turn_from_each_section():
    findings = [_f("framing", w) for w in (5, 4, 3, 2)] + [_f("topics", 1)] + [_f("sentiment", 0.1)]
    chosen = select(findings, most=4)
    assert [f.section for f in chosen] == ["sentiment", "framing", "topics", "framing"]
    assert chosen[1].weight == 5 and chosen[3].weight == 4


def test_select_returns_all_when_fewer_than_asked():
    assert len(select([_f("topics", 1), _f("framing", 2)], most=6)) == 2


def test_certainty_follows_the_interval_and_the_sample():
    assert certainty(_f("x", 1, lo=0.05, hi=0.3)) == "clear: the 95% interval excludes zero"
    assert certainty(_f("x", 1, lo=-0.4, hi=-0.1)) == "clear: the 95% interval excludes zero"
    assert certainty(_f("x", 1, lo=-0.1, hi=0.3)).startswith("uncertain")
    assert certainty(_f("x", 1, lo=0.05, hi=0.3, claim_ok=False)) == "describes these articles only"
    assert certainty(_f("x", 1)) == "no interval: too few articles"
    assert certainty(_f("x", 1, unit="z")) == "weak lean (z 0.2; |z| < 1.96)"
    strong = Finding(**{**_f("x", 1, unit="z").__dict__, "change": -2.5})
    assert certainty(strong) == "clear lean (z −2.5; |z| > 1.96)"


def test_changed_table_names_its_unit_per_row_and_shows_shares_in_points():
    table = changed_table([_f("framing", 1, lo=0.05, hi=0.35, unit="share of sentences")])
    row = table.iloc[0]
    assert row["measured in"] == "% of sentences; change in points"
    assert row["2022"] == "10.0" and row["2023"] == "30.0" and row["change"] == "+20.0"
    assert row["95% interval"] == "+5.0 to +35.0"
    assert list(table.columns) == ["section", "measure", "measured in", "2022", "2023", "change",
                                   "95% interval", "how sure"]


def test_changed_table_never_mixes_a_z_score_into_the_change_column():
    """A distinctive term's values are uses per 10,000 terms: its change is in those uses too,
    and its z-score goes with how sure it is (the PDF printed 6.399, 74.909 and +14.066 side by side)."""
    term = Finding(section="topics", measure="“wn”, most distinctive term of 2020", period_a="2019",
                   period_b="2020", value_a=6.399, value_b=74.909, change=14.066, ci_low=None,
                   ci_high=None, sentence="...", unit="z")
    share = _f("framing", 1, lo=0.05, hi=0.35, unit="share of sentences")
    share = Finding(**{**share.__dict__, "period_a": "2019", "period_b": "2020"})
    table = changed_table([share, term]).set_index("section")
    row = table.loc["Topics"]
    assert (row["2019"], row["2020"], row["change"]) == ("6.4", "74.9", "+68.5")
    assert row["measured in"].startswith("uses per 10,000 terms")
    assert row["how sure"] == "clear lean (z 14.1; |z| > 1.96)"


def test_changed_table_with_more_than_two_periods_names_each_rows_pair():
    rows = [Finding(**{**_f("framing", 1, unit="share of sentences").__dict__, "period_a": a, "period_b": b})
            for a, b in (("2021", "2022"), ("2022", "2023"))]
    table = changed_table(rows)
    assert list(table["periods"]) == ["2021 → 2022", "2022 → 2023"]
    assert {"earlier", "later"} <= set(table.columns)
