"""Articles to the corpus folder: one Markdown file each, with the YAML front matter the loader
reads (id, title, outlet, date, url, language, date_note), written atomically.

File names (and ids) are readable and stable: <date>_<outlet>_<title>, shortened, with -2, -3...
for articles that would share one. The content depends only on the article, so ingesting the
same source again finds every file unchanged. A file that exists with different content is
left alone unless `force` is given.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from briefing.files import write_atomic


@dataclass
class Article:
    """One article ready to be written."""

    title: str
    outlet: str
    date: date
    text: str
    url: str | None = None
    language: str | None = None
    date_note: str | None = None
    id: str | None = None   # given by the source; otherwise made from date, outlet and title


def slug(text: str, limit: int) -> str:
    """Lower-case ASCII words joined by hyphens, at most `limit` characters, cut at a word."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    s = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    if len(s) > limit:
        s = s[:limit + 1].rsplit("-", 1)[0] if "-" in s[:limit + 1] else s[:limit]
    return s.strip("-")


def assign_ids(articles: list[Article]) -> list[str]:
    """A unique, file-safe id per article, in order: its own id, or date_outlet_title."""
    seen: set[str] = set()
    ids = []
    for a in articles:
        base = slug(a.id, 100) if a.id else (
            f"{a.date.isoformat()}_{slug(a.outlet, 30) or 'outlet'}_{slug(a.title, 60) or 'article'}")
        name, n = base, 1
        while name in seen:
            n += 1
            name = f"{base}-{n}"
        seen.add(name)
        ids.append(name)
    return ids


def markdown(article: Article, doc_id: str) -> str:
    """The article as the loader reads it: front matter, then the text as published."""
    meta = {"id": doc_id, "title": article.title, "outlet": article.outlet, "date": article.date}
    if article.url:
        meta["url"] = article.url
    if article.language:
        meta["language"] = article.language
    if article.date_note:
        meta["date_note"] = article.date_note
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=10**6)
    body = article.text if article.text.endswith("\n") else article.text + "\n"
    return f"---\n{front}---\n{body}"


@dataclass
class Written:
    """What happened to one article's file."""

    path: Path
    status: str   # "new", "unchanged", "replaced", or "conflict" (exists, differs, no --force)


def write_article(folder: Path, article: Article, doc_id: str, force: bool = False) -> Written:
    """Write one article file atomically, never replacing different content without `force`."""
    path = folder / f"{doc_id}.md"
    content = markdown(article, doc_id)
    if path.exists():
        try:
            old = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            old = None
        if old == content:
            return Written(path, "unchanged")
        if not force:
            return Written(path, "conflict")
        write_atomic(path, content)
        return Written(path, "replaced")
    write_atomic(path, content)
    return Written(path, "new")
