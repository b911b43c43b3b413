"""Rolling periods: windows given relative to an anchor date, resolved to fixed dates when a run starts.

A params file may give `periods:` as a mapping instead of a list of dates:

    periods: {anchor: latest, unit: day, last: 7, compare: before, before: 28}

The anchor is the day of the run (`today`; $BRIEFING_TODAY=YYYY-MM-DD stands in for it) or the
date of the newest article in the corpus (`latest`). Windows are counted in days (rolling, ending
on the anchor) or in calendar weeks (Monday to Sunday), months or years; the current window runs
up to the anchor (to date), unless `complete: true` ends it with the last complete unit before
the anchor's. `compare` says what the current window is set against:

- `before`: the `before` units just before it ("the last 7 days against the 28 days before");
- `last_year`: the same dates one year earlier ("this month against the same month last year");
- `consecutive`: `windows` consecutive windows of `last` units each, oldest first.

`resolve` turns the spec into concrete `Period`s (named after their dates) once, at the start of
a run; everything downstream (notebooks, stored results, cache keys, the site) sees those dates.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, model_validator

from briefing.errors import ParamsError, shown

Unit = Literal["day", "week", "month", "year"]
TODAY_ENV = "BRIEFING_TODAY"
_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


class Period(BaseModel):
    """A named, inclusive date range."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, coerce_numbers_to_str=True)

    name: str = Field(min_length=1)
    start: date
    end: date

    @model_validator(mode="after")
    def _not_empty(self) -> Period:
        if self.end < self.start:
            raise ValueError(
                f"period {shown(self.name)} is empty: end {self.end} is before start {self.start}; "
                "swap them or fix the dates"
            )
        return self


class RollingPeriods(BaseModel):
    """Periods relative to an anchor date (see the module docstring and README "Keeping watch")."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    #: The day of the run ("today") or the date of the newest article in the corpus ("latest").
    anchor: Literal["today", "latest"] = "latest"
    #: What windows are counted in: days (rolling), or calendar weeks, months or years.
    unit: Unit
    #: The current window: the last `last` units up to the anchor.
    last: int = Field(default=1, ge=1, le=3660)
    #: What the current window is compared with: the units just before it, the same dates a year
    #: earlier, or `windows` consecutive windows of `last` units each.
    compare: Literal["before", "last_year", "consecutive"] = "before"
    #: With compare: before, the earlier window's length in units (default: `last`).
    before: int | None = Field(default=None, ge=1, le=3660)
    #: With compare: consecutive, how many windows (at least 2).
    windows: int | None = Field(default=None, ge=2, le=60)
    #: End the current window with the last complete unit before the anchor's (a weekly job run
    #: on Monday then compares whole weeks).
    complete: bool = False
    #: The anchor's date, set when the periods are resolved (not written in a params file).
    anchor_date: date | None = None

    @model_validator(mode="after")
    def _fields_fit(self) -> RollingPeriods:
        if self.before is not None and self.compare != "before":
            raise ValueError(f"before: only used with compare: before (compare is {self.compare}); "
                             "drop it or set compare: before")
        if self.windows is not None and self.compare != "consecutive":
            raise ValueError(f"windows: only used with compare: consecutive (compare is {self.compare}); "
                             "drop it or set compare: consecutive")
        most = {"day": 365, "week": 52, "month": 12, "year": 1}[self.unit]
        if self.compare == "last_year" and self.last > most:
            raise ValueError(f"last: {self.last} {self.unit}s overlap the same window a year earlier; "
                             f"use at most {most} with compare: last_year")
        return self


def today() -> date:
    """The run's day: $BRIEFING_TODAY when set (replays, tests), else the system's date."""
    given = os.environ.get(TODAY_ENV, "").strip()
    if not given:
        return date.today()
    try:
        return date.fromisoformat(given)
    except ValueError:
        raise ParamsError(f"${TODAY_ENV}: {given!r} is not a date; give YYYY-MM-DD or unset it") from None


# -- calendar arithmetic ----------------------------------------------------------------------------
def _shift_months(d: date, months: int) -> date:
    """`d` moved by whole months, the day clipped to the month's length (31 Mar - 1 = 28/29 Feb)."""
    total = d.year * 12 + d.month - 1 + months
    year, month = divmod(total, 12)
    month += 1
    last_day = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(d.day, last_day))


def unit_start(d: date, unit: str) -> date:
    """The first day of the unit holding `d` (weeks start on Monday, ISO 8601)."""
    if unit == "day":
        return d
    if unit == "week":
        return d - timedelta(days=d.weekday())
    if unit == "month":
        return d.replace(day=1)
    return d.replace(month=1, day=1)


def shift_units(d: date, unit: str, n: int) -> date:
    """`d` moved by `n` units (negative: back)."""
    if unit == "day":
        return d + timedelta(days=n)
    if unit == "week":
        return d + timedelta(weeks=n)
    return _shift_months(d, n * (12 if unit == "year" else 1))


def windows(spec: RollingPeriods, anchor: date) -> list[tuple[date, date]]:
    """The windows (start, end), oldest first, that `spec` gives for `anchor`."""
    unit = spec.unit
    end = anchor
    if spec.complete:
        end = unit_start(anchor, unit) - timedelta(days=1)

    def window_ending(last_day: date, n: int) -> date:  # the first day of n units ending at last_day
        return shift_units(unit_start(last_day, unit), unit, -(n - 1))

    current = (window_ending(end, spec.last), end)
    if spec.compare == "last_year":
        return [(_shift_months(current[0], -12), _shift_months(current[1], -12)), current]
    if spec.compare == "before":
        earlier_end = current[0] - timedelta(days=1)
        return [(window_ending(earlier_end, spec.before or spec.last), earlier_end), current]
    out = [current]
    for _ in range((spec.windows or 2) - 1):
        earlier_end = out[0][0] - timedelta(days=1)
        out.insert(0, (window_ending(earlier_end, spec.last), earlier_end))
    return out


def day_label(d: date, year: bool = True) -> str:
    """3 Mar 2019."""
    return f"{d.day} {_MONTHS[d.month - 1]}" + (f" {d.year}" if year else "")


def span_label(start: date, end: date) -> str:
    """A window's name: "Mar 2019" (a whole month), "2019" (a whole year), "3 Mar 2019" (a day),
    "1 Mar – 29 Mar 2019", "28 Dec 2019 – 3 Jan 2020"."""
    if start == end:
        return day_label(start)
    if start == unit_start(start, "year") and end == date(start.year, 12, 31):
        return str(start.year)
    if start.day == 1 and end == _shift_months(start, 1) - timedelta(days=1):
        return f"{_MONTHS[start.month - 1]} {start.year}"
    return f"{day_label(start, year=start.year != end.year)} – {day_label(end)}"


def describe(spec: RollingPeriods) -> str:
    """The spec in words: "the last 7 days against the 28 days before, up to the newest article"."""
    def units(n: int) -> str:
        return f"{n} {spec.unit}{'s' * (n != 1)}" if n != 1 else f"{spec.unit}"

    what = {"before": f"the last {units(spec.last)} against the {units(spec.before or spec.last)} before",
            "last_year": f"the last {units(spec.last)} against the same dates a year earlier",
            "consecutive": f"{spec.windows or 2} consecutive windows of {units(spec.last)}"}[spec.compare]
    anchor = "the newest article in the corpus" if spec.anchor == "latest" else "the day of the run"
    done = f", ending with the last complete {spec.unit}" if spec.complete else ""
    when = f" ({day_label(spec.anchor_date)})" if spec.anchor_date else ""
    return f"{what}{done}, counted back from {anchor}{when}"


class Dated(Protocol):
    """What `statement` reads of a briefing's params (`briefing.params.Params` has both)."""

    rolling: RollingPeriods | None
    periods: Any


def statement(params: Dated) -> str | None:
    """One sentence for the summary and methods saying how rolling periods were resolved; None
    for fixed periods."""
    spec = params.rolling
    if spec is None:
        return None
    dates = "; ".join(f"{p.name}: {p.start.isoformat()} to {p.end.isoformat()}" for p in params.periods)
    return f"The periods are rolling ({describe(spec)}), resolved when this briefing was run to {dates}."


@dataclass
class Resolved:
    """Rolling periods made concrete: the spec with its anchor date, the windows (name, start,
    end), and the title and subtitle stating them."""

    spec: RollingPeriods
    windows: list[tuple[str, date, date]]
    title: str
    subtitle: str


def resolve(spec: RollingPeriods, dates: list[date], title: str, subtitle: str | None,
            source: str = "<params>", corpus: str = "the corpus") -> Resolved:
    """The windows `spec` gives over a corpus whose articles carry `dates`. Raises ParamsError
    naming `periods` when there is no article to anchor on or a window holds none."""
    if spec.anchor == "latest":
        if not dates:
            raise ParamsError(f"{source}: periods.anchor: latest, but the corpus {corpus} has no "
                              "articles to anchor on; ingest some first or use anchor: today")
        anchor = max(dates)
    else:
        anchor = today()
    spans = windows(spec, anchor)
    for i, (a, b) in enumerate(spans):
        if not any(a <= d <= b for d in dates):
            newest = f"; the newest article is from {max(dates).isoformat()}" if dates else ""
            raise ParamsError(
                f"{source}: periods: window {i + 1} of {len(spans)} ({span_label(a, b)}, {a}..{b}, "
                f"anchored on {anchor.isoformat()}) has no articles in {corpus}{newest}; widen "
                "`last`/`before`, use anchor: latest, or add articles")
    resolved = spec.model_copy(update={"anchor_date": anchor})
    named = [(span_label(a, b), a, b) for a, b in spans]
    whole = span_label(spans[0][0], spans[-1][1])
    title = title.replace("{dates}", whole) if "{dates}" in title else f"{title}, {whole}"
    subtitle = subtitle or ("Rolling periods: " + " vs ".join(n for n, _, _ in named)
                            + f" ({describe(resolved)})")
    return Resolved(resolved, named, title, subtitle)


def corpus_dates(corpus: Path, source: str) -> list[date]:
    """The distinct article dates of the corpus file `corpus`, oldest first."""
    from briefing.corpus.load import load_corpus
    from briefing.errors import CorpusError

    try:
        docs = load_corpus(corpus)
    except CorpusError as exc:
        raise ParamsError(f"{source}: periods: rolling periods are resolved against the corpus, "
                          f"which does not load: {exc}") from None
    return sorted({d.date() for d in docs["date"]})


def resolve_periods(params: Any, source: str | Path = "<params>") -> Any:
    """`params` (a `briefing.params.Params`) with rolling periods fixed to dates (against its
    corpus and today's date), the title and subtitle stating them; fixed periods as they are."""
    spec = params.periods
    if not isinstance(spec, RollingPeriods):
        return params
    dates = corpus_dates(params.corpus_path, str(source))
    done = resolve(spec, dates, params.title, params.subtitle, str(source), params.corpus)
    fixed = [Period(name=n, start=a, end=b) for n, a, b in done.windows]
    return params.model_copy(update={"periods": fixed, "rolling": done.spec, "title": done.title,
                                     "subtitle": done.subtitle})
