"""Read a source into items: one per table row, URL or saved page, in the source's order.

Kinds of source, recognised from the path and, for tables, from their columns:
- a table of articles (CSV, JSONL, Parquet) with a text column;
- a Media Cloud story-list export (columns media_name, publish_date, url, ...; no text):
  media_name is the outlet, publish_date the date, and each url is fetched;
- a list of URLs: a text file with one URL per line, or a table with a url column and no text;
- a folder of saved .html pages (or one page).

A row that cannot be used (bad JSON, not a URL) becomes an item with its `problem` set, so it
is reported rather than stopping the others; a source that cannot be read at all, or a column
mapping naming a missing column, raises CorpusError.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pandas as pd

from briefing.errors import CorpusError

FIELDS = ("text", "date", "title", "outlet", "id", "url", "language")
TABLE_SUFFIXES = {".csv", ".jsonl", ".parquet"}
PAGE_SUFFIXES = {".html", ".htm"}
#: The columns that mark a Media Cloud story-list export, and what they become.
MEDIACLOUD_COLUMNS = {"media_name", "publish_date", "url"}
MEDIACLOUD_MAPPING = {"outlet": "media_name", "date": "publish_date", "title": "title", "url": "url",
                      "language": "language"}


@dataclass
class Item:
    """One input: a table row, a URL to fetch, or a saved page."""

    #: How the report names it: "row 12", "line 3", or a file path.
    where: str
    #: Field values the source gives (text, date, title, outlet, id, url, language).
    fields: dict[str, Any] = field(default_factory=dict)
    #: A saved page to read (folder sources).
    page: Path | None = None
    #: Why the item cannot be used, found while reading the source.
    problem: str | None = None

    @property
    def url(self) -> str | None:
        value = self.fields.get("url")
        return str(value).strip() if _present(value) else None

    @property
    def has_text(self) -> bool:
        return "text" in self.fields


@dataclass
class Source:
    """What was read: its kind, a one-line description, and its items."""

    path: Path
    kind: str   # "table", "mediacloud", "urls" or "pages"
    description: str
    items: list[Item]


def _present(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, float) and pd.isna(value):
        return False
    return not (isinstance(value, str) and not value.strip())


def is_http_url(value: str) -> bool:
    """An absolute http(s) URL with a host."""
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def read_source(path: str | Path, columns: dict[str, str] | None = None) -> Source:
    """The items of `path`, with `columns` naming the source's column for each field."""
    path = Path(path)
    columns = dict(columns or {})
    unknown = sorted(set(columns) - set(FIELDS))
    if unknown:
        raise CorpusError(f"column mapping: unknown field(s) {', '.join(unknown)}; "
                          f"map any of {', '.join(FIELDS)}")
    if not path.exists():
        raise CorpusError(f"{path}: source not found; give a table, a Media Cloud export, a list of "
                          "URLs or a folder of saved .html pages")
    if path.is_dir() or path.suffix.lower() in PAGE_SUFFIXES:
        if columns:
            raise CorpusError(f"{path}: saved pages have no columns to map; drop the column options")
        return _pages(path)
    if path.suffix.lower() in TABLE_SUFFIXES:
        return _table(path, columns)
    return _url_lines(path)


def _pages(path: Path) -> Source:
    if path.is_file():
        files = [path]
    else:
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in PAGE_SUFFIXES
                       and not any(part.startswith(".") for part in p.relative_to(path).parts))
    if not files:
        raise CorpusError(f"{path}: no .html pages found; save the articles as .html files in it")
    items = [Item(where=str(f), page=f) for f in files]
    return Source(path, "pages", f"folder of saved pages {path} ({len(files)} page{'s' * (len(files) != 1)})",
                  items)


def _url_lines(path: Path) -> Source:
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError:
        raise CorpusError(f"{path}: not UTF-8 text; a list of URLs is a text file, one URL a line") from None
    items = []
    for n, line in enumerate(lines, 1):
        value = line.strip()
        if not value or value.startswith("#"):
            continue
        item = Item(where=f"line {n}", fields={"url": value})
        if not is_http_url(value):
            item.problem = f"not an http(s) URL: {value[:80]!r}"
        items.append(item)
    if not items:
        raise CorpusError(f"{path}: no URLs in it; write one http(s) URL a line")
    return Source(path, "urls", f"list of URLs {path} ({len(items)} URL{'s' * (len(items) != 1)})", items)


def _read_rows(path: Path) -> tuple[list[dict], list[tuple[int, str]], list[str], str]:
    """Rows (each with its line/row label), unreadable lines, the columns, and the label word."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
            rows = [(i + 2, r) for i, r in enumerate(df.to_dict("records"))]
            return rows, [], [str(c) for c in df.columns], "row"
        if suffix == ".parquet":
            df = pd.read_parquet(path)
            rows = [(i + 1, r) for i, r in enumerate(df.to_dict("records"))]
            return rows, [], [str(c) for c in df.columns], "row"
        rows, bad, cols = [], [], {}
        for n, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                bad.append((n, f"not valid JSON ({exc.msg})"))
                continue
            if not isinstance(rec, dict):
                bad.append((n, "not a JSON object"))
                continue
            cols.update(dict.fromkeys(rec))
            rows.append((n, rec))
        return rows, bad, list(cols), "line"
    except UnicodeDecodeError:
        raise CorpusError(f"{path}: not UTF-8 text; save the table as UTF-8") from None
    except Exception as exc:  # noqa: BLE001 - any reader failure becomes one line
        raise CorpusError(f"{path}: cannot be read as {suffix[1:]} ({exc})") from None


def _table(path: Path, columns: dict[str, str]) -> Source:
    rows, bad, cols, label = _read_rows(path)
    if not rows and not bad:
        raise CorpusError(f"{path}: the table has no rows")
    missing = [f"{f} → {c!r}" for f, c in columns.items() if c not in cols]
    if missing and rows:
        raise CorpusError(f"{path}: no column named as mapped ({', '.join(missing)}); "
                          f"its columns are {', '.join(cols)}")
    mediacloud = MEDIACLOUD_COLUMNS <= set(cols)
    mapping = {f: f for f in FIELDS if f in cols}
    if mediacloud:
        mapping.update({f: c for f, c in MEDIACLOUD_MAPPING.items() if c in cols})
        mapping.pop("id", None)  # Media Cloud's story ids are hashes; readable ids are made instead
    mapping.update(columns)
    if "text" not in mapping and "url" not in mapping:
        raise CorpusError(f"{path}: no text column and no url column (columns: {', '.join(cols)}); name "
                          "the text with --text COLUMN, or the links to fetch with --url COLUMN")
    items = []
    for n, rec in rows:
        fields = {f: rec.get(c) for f, c in mapping.items()}
        item = Item(where=f"{label} {n}", fields=fields)
        if "text" not in mapping:
            fields.pop("text", None)
            url = item.url
            if url is None:
                item.problem = "no URL in the row"
            elif not is_http_url(url):
                item.problem = f"not an http(s) URL: {url[:80]!r}"
        items.append(item)
    for n, why in bad:
        items.append(Item(where=f"{label} {n}", problem=why))
    items.sort(key=lambda it: int(it.where.split()[-1]))
    if mediacloud:
        kind, what = "mediacloud", "Media Cloud story list"
    elif "text" in mapping:
        kind, what = "table", "table of articles"
    else:
        kind, what = "urls", "table of URLs"
    return Source(path, kind, f"{what} {path} ({len(items)} {label}{'s' * (len(items) != 1)})", items)
