"""Rolling periods: windows relative to today or the newest article, fixed to dates at run start."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import write_corpus, write_params

from briefing import params as params_mod
from briefing.cli import main
from briefing.errors import ParamsError
from briefing.periods import RollingPeriods, span_label, statement, windows


def _rows(days: list[str]) -> list[dict]:
    return [{"text": f"Officials met on {d}. The talks went on for hours and ended late.", "date": d,
             "title": f"Talks on {d}", "outlet": "Wire"} for d in days]


def _rolling_params(tmp_path, periods: dict, days=("2020-03-02", "2020-03-20", "2020-02-10",
                                                    "2020-01-15", "2019-03-05", "2019-12-30")) -> tuple:
    write_corpus(tmp_path, _rows(list(days)))
    data = {"title": "Watch", "corpus": "corpus.jsonl", "periods": periods}
    return write_params(tmp_path, data), data


def test_last_days_against_the_days_before_ends_on_the_anchor():
    spec = RollingPeriods(unit="day", last=7, before=28)
    assert windows(spec, date(2020, 3, 20)) == [(date(2020, 2, 15), date(2020, 3, 13)),
                                                (date(2020, 3, 14), date(2020, 3, 20))]


def test_month_against_the_same_month_last_year_runs_to_date():
    spec = RollingPeriods(unit="month", compare="last_year")
    assert windows(spec, date(2020, 2, 29)) == [(date(2019, 2, 1), date(2019, 2, 28)),
                                                (date(2020, 2, 1), date(2020, 2, 29))]


def test_consecutive_weeks_are_calendar_weeks_and_complete_ends_before_the_anchors_week():
    spec = RollingPeriods(unit="week", compare="consecutive", windows=3, complete=True)
    # 2020-03-18 is a Wednesday: the last complete week is Mon 9 – Sun 15 March.
    assert windows(spec, date(2020, 3, 18)) == [(date(2020, 2, 24), date(2020, 3, 1)),
                                                (date(2020, 3, 2), date(2020, 3, 8)),
                                                (date(2020, 3, 9), date(2020, 3, 15))]


def test_window_names_state_their_dates():
    assert span_label(date(2020, 3, 1), date(2020, 3, 31)) == "Mar 2020"
    assert span_label(date(2020, 3, 1), date(2020, 3, 20)) == "1 Mar – 20 Mar 2020"
    assert span_label(date(2019, 12, 28), date(2020, 1, 3)) == "28 Dec 2019 – 3 Jan 2020"
    assert span_label(date(2019, 1, 1), date(2019, 12, 31)) == "2019"


def test_anchor_latest_resolves_against_the_newest_article(tmp_path):
    path, _ = _rolling_params(tmp_path, {"anchor": "latest", "unit": "month", "compare": "consecutive",
                                         "windows": 3})
    p = params_mod.load(path)
    assert [(x.start, x.end) for x in p.periods] == [
        (date(2020, 1, 1), date(2020, 1, 31)), (date(2020, 2, 1), date(2020, 2, 29)),
        (date(2020, 3, 1), date(2020, 3, 20))]
    assert [x.name for x in p.periods] == ["Jan 2020", "Feb 2020", "1 Mar – 20 Mar 2020"]
    assert p.rolling.anchor_date == date(2020, 3, 20)
    assert p.title == "Watch, 1 Jan – 20 Mar 2020"
    said = statement(p)
    assert "newest article in the corpus (20 Mar 2020)" in said and "2020-03-01 to 2020-03-20" in said
    again = params_mod.from_plain(p.plain())  # what a notebook rebuilds: the same dates, not re-resolved
    assert again.periods == p.periods and again.rolling == p.rolling and again.title == p.title


def test_anchor_today_resolves_against_the_run_day(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFING_TODAY", "2020-03-21")
    path, _ = _rolling_params(tmp_path, {"anchor": "today", "unit": "month", "last": 1,
                                         "compare": "last_year"})
    p = params_mod.load(path)
    assert [(x.start, x.end) for x in p.periods] == [(date(2019, 3, 1), date(2019, 3, 21)),
                                                     (date(2020, 3, 1), date(2020, 3, 21))]
    assert "the day of the run (21 Mar 2020)" in statement(p)
    monkeypatch.setenv("BRIEFING_TODAY", "2020-04-21")  # a month later: April, with no article yet
    with pytest.raises(ParamsError, match=r"window 1 of 2 \(1 Apr – 21 Apr 2019"):
        params_mod.load(path)


def test_fixed_periods_are_unchanged(tmp_path):
    path, data = _rolling_params(tmp_path, [{"name": "before", "start": "2019-01-01", "end": "2019-12-31"},
                                            {"name": "after", "start": "2020-01-01", "end": "2020-12-31"}])
    p = params_mod.load(path)
    assert p.rolling is None and [x.name for x in p.periods] == ["before", "after"]
    assert p.title == "Watch" and statement(p) is None


@pytest.mark.parametrize("periods, words", [
    ({"unit": "fortnight"}, ["periods.unit", "'day', 'week', 'month' or 'year'", "fortnight"]),
    ({"unit": "month", "last": 13, "compare": "last_year"}, ["periods", "overlap", "at most 12"]),
    ({"unit": "day", "last": 3, "before": 2, "windows": 3}, ["windows", "compare: consecutive"]),
    ({"anchor": "today", "unit": "day", "last": 7}, ["periods: window 1 of 2", "no articles",
                                                      "2020-03-20"]),
    ({"anchor": "yesterday", "unit": "day"}, ["periods.anchor", "'today' or 'latest'"]),
])
def test_bad_rolling_specs_get_one_line_naming_the_field(tmp_path, capsys, monkeypatch, periods, words):
    monkeypatch.setenv("BRIEFING_TODAY", "2026-06-01")
    path, _ = _rolling_params(tmp_path, periods)
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    for w in words:
        assert w in err, err


def test_a_hand_written_rolling_field_is_refused(tmp_path):
    path, data = _rolling_params(tmp_path, {"unit": "day"})
    data["rolling"] = {"unit": "day"}
    with pytest.raises(ParamsError, match="rolling: set when rolling periods are resolved"):
        params_mod.load(write_params(tmp_path, data))


def test_the_rolling_examples_are_valid(root):
    for path in sorted((root / "params" / "watch").glob("*.yaml")):
        p = params_mod.load(path, resolve_rolling=False)
        assert isinstance(p.periods, RollingPeriods) and p.ingest is not None
