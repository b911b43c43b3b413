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
    assert certainty(_f("x", 1, unit="z")) == "weak lean (|z| < 1.96)"
    strong = Finding(**{**_f("x", 1, unit="z").__dict__, "change": -2.5})
    assert certainty(strong) == "clear lean (|z| > 1.96)"


def test_changed_table_formats_shares_as_points():
    table = changed_table([_f("framing", 1, lo=0.05, hi=0.35, unit="share of sentences")])
    row = table.iloc[0]
    assert row["A"] == "10.0%" and row["B"] == "30.0%" and row["change"] == "+20.0 points"
    assert row["95% interval"] == "+5.0 to +35.0 points"
    assert list(table.columns)[:4] == ["section", "measure", "period A", "period B"]
