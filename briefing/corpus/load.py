"""Corpus loading: Markdown articles with YAML front matter, or CSV / JSONL / Parquet tables."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pandas as pd
import yaml

from briefing.errors import CorpusError

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
        meta = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError as exc:
        raise CorpusError(f"{path}: front matter is not valid YAML ({exc.__class__.__name__})") from None
    if not isinstance(meta, dict):
        raise CorpusError(f"{path}: front matter must be a mapping of fields")
    meta["text"] = raw[m.end():]
    meta.setdefault("id", path.stem)
    return meta


def _read_table(path: Path) -> list[dict]:
    try:
        if path.suffix == ".csv":
            df = pd.read_csv(path, dtype=str, keep_default_na=False)
        elif path.suffix == ".jsonl":
            rows = []
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if line.strip():
                    try:
                        rows.append(json.loads(line))
                    except json.JSONDecodeError as exc:
                        raise CorpusError(f"{path}: line {n} is not valid JSON ({exc.msg})") from None
            df = pd.DataFrame(rows)
        else:
            df = pd.read_parquet(path)
    except CorpusError:
        raise
    except Exception as exc:  # noqa: BLE001 - any reader failure becomes one line
        raise CorpusError(f"{path}: cannot be read as {path.suffix[1:]} ({exc})") from None
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise CorpusError(f"{path}: missing column(s) {', '.join(missing)}; a corpus table needs "
                          "text, date, title, outlet (optional: id, url, language)")
    records = df.to_dict("records")
    for i, rec in enumerate(records):
        rec["_row"] = i + 2 if path.suffix == ".csv" else i + 1
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
                rec["source"] = f"{f}:{rec.pop('_row')}"
                records.append(rec)
    rows = []
    for rec in records:
        where = rec["source"]
        for col in REQUIRED:
            val = rec.get(col)
            if val is None or (isinstance(val, float) and pd.isna(val)) or str(val).strip() == "":
                raise CorpusError(f"{where}: field {col!r} is empty; every article needs "
                                  "text, date, title and outlet")
        try:
            when = pd.Timestamp(str(rec["date"]))
        except (ValueError, TypeError):
            raise CorpusError(f"{where}: date {rec['date']!r} is not an ISO 8601 date "
                              "(write it as YYYY-MM-DD)") from None
        if when.tzinfo is not None:
            when = when.tz_convert(None)
        doc_id = rec.get("id")
        doc_id = str(doc_id).strip() if doc_id not in (None, "") and not pd.isna(doc_id) else ""
        rows.append({
            "id": doc_id or _stable_id(rec),
            "title": str(rec["title"]).strip(),
            "outlet": str(rec["outlet"]).strip(),
            "date": when.normalize(),
            "url": _opt(rec.get("url")),
            "language": _opt(rec.get("language")) or "en",
            "date_note": _opt(rec.get("date_note")),
            "text": str(rec["text"]),
            "source": where,
        })
    df = pd.DataFrame(rows, columns=list(COLUMNS))
    dup = df["id"][df["id"].duplicated()]
    if len(dup):
        first = dup.iloc[0]
        where = ", ".join(df.loc[df["id"] == first, "source"])
        raise CorpusError(f"{path}: article id {first!r} is used twice ({where}); give each its own id")
    df["date"] = pd.to_datetime(df["date"])
    return df.sort_values(["date", "id"], kind="stable").reset_index(drop=True)


def _opt(value: object) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def corpus_hash(documents: pd.DataFrame) -> str:
    """A digest of the articles' ids, metadata and text: changes when any input changes."""
    h = hashlib.sha256()
    for row in documents[["id", "title", "outlet", "date", "url", "text"]].itertuples(index=False):
        h.update(json.dumps([str(v) for v in row], ensure_ascii=False).encode("utf-8"))
    return h.hexdigest()
