"""Corpus loading: Markdown articles with YAML front matter, or CSV / JSONL / Parquet tables."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from briefing.errors import CorpusError, one_line, shown
from briefing.files import load_yaml_text

REQUIRED = ("text", "date", "title", "outlet")
OPTIONAL = ("id", "url", "language", "date_note")
COLUMNS = ("id", "title", "outlet", "date", "url", "language", "date_note", "text", "source")
TABLE_SUFFIXES = {".csv", ".jsonl", ".parquet"}

_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n?", re.S)


def read_markdown(path: Path) -> dict:
    """One article: YAML front matter between `---` lines, the body below kept byte for byte."""
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CorpusError(f"{path}: not UTF-8 text; save the article as UTF-8") from None
    m = _FRONT.match(raw)
    if not m:
        raise CorpusError(f"{path}: no YAML front matter; start the file with '---', the fields "
                          "id, title, outlet, date, then '---' and the body")
    try:
        meta = load_yaml_text(m.group(1)) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark else ""  # +1 for 1-based, +1 for the '---' line
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise CorpusError(f"{path}: front matter{where}: {problem}; fix the YAML between the '---' "
                          "lines") from None
    except ValueError as exc:
        raise CorpusError(f"{path}: front matter is {exc}; write plain fields") from None
    if not isinstance(meta, dict):
        raise CorpusError(f"{path}: front matter must be a mapping of fields (id, title, outlet, date), "
                          f"found {type(meta).__name__}")
    meta["text"] = raw[m.end():]
    meta.setdefault("id", path.stem)
    return meta


def _read_table(path: Path) -> list[dict]:
    try:
        if path.suffix == ".csv":
            df = pd.read_csv(path, dtype=str, keep_default_na=False)
        elif path.suffix == ".jsonl":
            rows, lines = [], []
            for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
                if line.strip():
                    try:
                        row = json.loads(line)
                    except (json.JSONDecodeError, RecursionError) as exc:
                        why = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
                        raise CorpusError(f"{path}: line {n} is not valid JSON ({why}); write one "
                                          "JSON object per line") from None
                    if not isinstance(row, dict):
                        raise CorpusError(f"{path}: line {n} is not a JSON object (found "
                                          f"{type(row).__name__}); write one object per line, with "
                                          "text, date, title and outlet") from None
                    rows.append(row)
                    lines.append(n)
            df = pd.DataFrame(rows)
            df["_line"] = lines
        else:
            df = pd.read_parquet(path)
    except CorpusError:
        raise
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8") from None
    except Exception as exc:  # noqa: BLE001 - any reader failure becomes one line
        why = one_line(str(exc))[:120] or type(exc).__name__
        raise CorpusError(f"{path}: cannot be read as {path.suffix[1:]} ({why})") from None
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise CorpusError(f"{path}: missing column(s) {', '.join(missing)}; a corpus table needs "
                          "text, date, title, outlet (optional: id, url, language)")
    records = df.to_dict("records")
    for i, rec in enumerate(records):
        if path.suffix == ".jsonl":
            rec["_row"] = f"line {rec.pop('_line')}"
        else:  # a CSV's first row is its header
            rec["_row"] = f"row {i + 2 if path.suffix == '.csv' else i + 1}"
    return records


def _files(path: Path) -> list[Path]:
    if path.is_file():
        if path.suffix not in TABLE_SUFFIXES | {".md"}:
            raise CorpusError(f"{path}: unsupported corpus file; use .md, .csv, .jsonl or .parquet")
        return [path]
    files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in TABLE_SUFFIXES | {".md"}
                   and not p.name.startswith(".") and p.name.lower() != "readme.md")
    if not files:
        raise CorpusError(f"{path}: no articles found; add .md files with front matter, or a "
                          ".csv/.jsonl/.parquet table")
    return files


def files_digest(path: str | Path) -> str:
    """A digest of the corpus files' names and bytes, read without parsing them: whatever could
    change an article changes it."""
    path = Path(path)
    h = hashlib.sha256()
    for f in _files(path):
        h.update(str(f.relative_to(path) if f != path else f.name).encode("utf-8", "surrogateescape") + b"\0")
        with open(f, "rb") as fh:
            while block := fh.read(1 << 20):
                h.update(block)
        h.update(b"\0")
    return h.hexdigest()


def _stable_id(rec: dict) -> str:
    key = f"{rec.get('outlet')}|{rec.get('date')}|{rec.get('title')}|{rec.get('text')}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def load_corpus(path: str | Path) -> pd.DataFrame:
    """All articles under `path` as one table (columns: COLUMNS), sorted by date then id."""
    path = Path(path)
    if not path.exists():
        raise CorpusError(f"{path}: corpus not found")
    records: list[dict] = []
    for f in _files(path):
        if f.suffix == ".md":
            rec = read_markdown(f)
            rec["source"] = str(f)
            records.append(rec)
        else:
            for rec in _read_table(f):
                rec["source"] = f"{f}:{rec['_row'].split()[-1]}"
                rec["_where"] = f"{f}: {rec.pop('_row')}"
                records.append(rec)
    rows = []
    for rec in records:
        where = rec.pop("_where", rec["source"])
        doc_id = _value(rec, "id", where)
        if doc_id and doc_id != Path(where).stem:  # an article file named by its id says it already
            where += f" (id {shown(doc_id)})"
        values = {col: _value(rec, col, where) for col in (*REQUIRED, *OPTIONAL) if col != "id"}
        for col in REQUIRED:
            if values[col] is None:
                raise CorpusError(f"{where}: field {col!r} is empty; every article needs "
                                  "text, date, title and outlet")
        rows.append({
            "id": doc_id or _stable_id(rec),
            "title": values["title"].strip(),
            "outlet": values["outlet"].strip(),
            "date": _date(rec["date"], where),
            "url": values["url"],
            "language": values["language"] or "en",
            "date_note": values["date_note"],
            "text": str(rec["text"]),  # as published: not stripped (the cleaning log counts lines)
            "source": rec["source"],
        })
    df = pd.DataFrame(rows, columns=list(COLUMNS))
    dup = df["id"][df["id"].duplicated()]
    if len(dup):
        first = dup.iloc[0]
        sources = list(df.loc[df["id"] == first, "source"])
        where = ", ".join(sources[:3]) + (f" and {len(sources) - 3:,} more" if len(sources) > 3 else "")
        raise CorpusError(f"{path}: article id {shown(first)} is used {len(sources):,} times ({where}); "
                          "give each article its own id")
    df["date"] = pd.to_datetime(df["date"])
    return df.sort_values(["date", "id"], kind="stable").reset_index(drop=True)


#: Cell values read as text: YAML and JSON scalars (a title of 1984 is the text "1984").
_SCALARS = (str, int, float, bool, date, np.generic)


def _value(rec: dict, col: str, where: str) -> str | None:
    """Field `col` of a record as stripped text (None when absent or blank); a list, mapping or
    other non-scalar raises CorpusError naming the record, the field and the value."""
    value = rec.get(col)
    if value is None:
        return None
    if not isinstance(value, _SCALARS):
        raise CorpusError(f"{where}: field {col!r} holds {_kind(value)} {shown(value)}; "
                          "write it as one piece of text")
    if isinstance(value, float | np.floating) and np.isnan(value):
        return None
    if value is pd.NaT:
        return None
    text = str(value).strip()
    return text or None


def _kind(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple | set | np.ndarray):
        return "a list"
    return f"a {type(value).__name__} value"


def _date(value: object, where: str) -> pd.Timestamp:
    """The article's date, from a date or datetime value or ISO 8601 text, to the day."""
    if isinstance(value, datetime | date):
        when = pd.Timestamp(value)
    else:
        try:
            when = pd.Timestamp(str(value).strip())
        except (ValueError, TypeError, OverflowError) as exc:
            why = str(exc).split(":")[0].strip()
            what = f"is not a real date ({why})" if "out of range" in why else "is not an ISO 8601 date"
            raise CorpusError(f"{where}: date {shown(value)} {what}; write it as YYYY-MM-DD") from None
    if when is pd.NaT:
        raise CorpusError(f"{where}: date {shown(value)} is not a date; write it as YYYY-MM-DD")
    if when.tzinfo is not None:
        when = when.tz_convert(None)
    return when.normalize()


def corpus_hash(documents: pd.DataFrame) -> str:
    """A digest of the articles' ids, metadata and text: changes when any input changes."""
    h = hashlib.sha256()
    for row in documents[["id", "title", "outlet", "date", "url", "text"]].itertuples(index=False):
        h.update(json.dumps([str(v) for v in row], ensure_ascii=False).encode("utf-8"))
    return h.hexdigest()
