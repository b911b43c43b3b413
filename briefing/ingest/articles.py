"""One item of a source becomes one article, or the reason it is set aside: a date that is
missing or not a date, text that is empty or not prose, another language than asked for.
`briefing.ingest.run` reads the source and writes the corpus around these checks."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from briefing.corpus.dedup import DEFAULT_THRESHOLD
from briefing.ingest import language as lang
from briefing.ingest.extract import MIN_PROSE_WORDS, Extracted, extract_page, looks_like_html, prose_words
from briefing.ingest.fetch import FetchSettings
from briefing.ingest.sources import Item
from briefing.ingest.write import Article


@dataclass
class IngestOptions:
    """How to read the source and what to let in."""

    columns: dict[str, str] = field(default_factory=dict)
    language: str | None = None       # ISO 639-1: set aside articles in another language
    force: bool = False               # replace article files whose content differs
    fetch: FetchSettings = field(default_factory=FetchSettings)
    cache: Path | None = None         # page cache; default <into>/.ingest-cache
    jobs: int = 4                     # hosts fetched from at once
    quiet: bool = False
    threshold: float = DEFAULT_THRESHOLD


class Reject(Exception):
    """An input that cannot become an article; the message is the report's reason."""


# -- checks of one article ----------------------------------------------------------------------
def _present(value: Any) -> bool:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    return not (isinstance(value, str) and not value.strip())


def parse_date(value: Any) -> date:
    """An ISO 8601 date or date-time (a time zone is ignored: the date as published stays)."""
    if not _present(value):
        raise Reject("no date")
    if isinstance(value, datetime | pd.Timestamp):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    m = re.match(r"(\d{4}-\d{2}-\d{2})(?:[T ]|$)", text)
    if m:
        try:
            return date.fromisoformat(m.group(1))
        except ValueError:
            pass
    raise Reject(f"date {text[:40]!r} is not an ISO 8601 date (YYYY-MM-DD)")


def check_text(value: Any) -> str:
    """Article text as given in a table cell, or Reject saying why it is not usable."""
    if not _present(value):
        raise Reject("empty text")
    if not isinstance(value, str):
        kind = {bool: "a true/false value", int: "a number", float: "a number", list: "a list",
                dict: "an object"}.get(type(value), type(value).__name__)
        raise Reject(f"non-text content in the text field ({kind})")
    controls = sum(1 for c in value if (ord(c) < 32 and c not in "\t\n\r") or c == "\ufffd")
    if "\x00" in value or controls > max(2, len(value) // 100):
        raise Reject("non-text content in the text field (binary data)")
    if not re.search(r"[^\W\d_]", value):
        raise Reject("non-text content in the text field (no words)")
    return value


def _language(text: str, given: Any, options: IngestOptions) -> str | None:
    detected = lang.detect(text)
    if options.language and detected and detected != options.language:
        raise Reject(f"language {detected}, not {options.language}")
    return detected or (str(given).strip().lower() if _present(given) else None)


def article_from_row(item: Item, options: IngestOptions) -> Article:
    """A table row that carries its text."""
    f = item.fields
    text = check_text(f.get("text"))
    if looks_like_html(text):
        page = extract_page(text, str(f["url"]) if _present(f.get("url")) else None)
        if page is None or prose_words(page.text) < MIN_PROSE_WORDS:
            raise Reject("the text field holds a web page with no article in it")
        return article_from_page(item, page, options)
    when = parse_date(f.get("date"))
    title, outlet = _required(f, "title"), _required(f, "outlet")
    return Article(title=title, outlet=outlet, date=when, text=text, url=_opt(f.get("url")),
                   language=_language(text, f.get("language"), options), id=_opt(f.get("id")))


def _required(fields: dict, name: str) -> str:
    if not _present(fields.get(name)):
        raise Reject(f"no {name}")
    return " ".join(str(fields[name]).split())


def _opt(value: Any) -> str | None:
    return " ".join(str(value).split()) if _present(value) else None


def article_from_page(item: Item, page: Extracted, options: IngestOptions,
                       what: str = "the source's") -> Article:
    """An extracted page, the item's fields filling in (title, outlet) or backing up (date)."""
    f = item.fields
    if prose_words(page.text) < MIN_PROSE_WORDS:
        raise Reject("no article text on the page (navigation or lists only)")
    note = None
    row_date, row_problem = None, None
    if _present(f.get("date")):
        try:
            row_date = parse_date(f.get("date"))
        except Reject as exc:
            row_problem = str(exc)
    if page.date:
        when = date.fromisoformat(page.date)
        if row_date is not None and abs((row_date - when).days) > 1:
            note = f"Date from the page's markup; {what} date says {row_date.isoformat()}"
    elif row_date is not None:
        when, note = row_date, f"The page gives no date; date from {what} date column"
    elif page.text_date:
        when = date.fromisoformat(page.text_date)
        note = "Date found in the page's visible text (no date in its markup); check it"
    else:
        raise Reject("no date: the page gives none" + (f" and the row's {row_problem}" if row_problem
                                                         else "" if what == "the saved page's" else
                                                         " and the row has none"))
    title = _opt(f.get("title")) or page.title
    outlet = _opt(f.get("outlet")) or page.outlet
    if not title:
        raise Reject("no title: the page has none and the row gives none")
    if not outlet:
        raise Reject("no outlet: the page names no site and has no URL")
    language = _language(page.text, f.get("language"), options)
    return Article(title=title, outlet=outlet, date=when, text=page.text, url=_opt(f.get("url")) or page.url,
                   language=language, date_note=note, id=_opt(f.get("id")))


# -- the run ------------------------------------------------------------------------------------
