"""Article text and metadata from an HTML page, with trafilatura.

trafilatura (Barbaresi 2021) finds the main text of a page and leaves navigation, ads, related
stories and footers out; its metadata gives the title, the site name and the publication date
(htmldate). The date is taken from the page's markup first (meta tags, JSON-LD, <time>, the URL,
a byline): that is the page saying when it was published. When the markup gives none, the
caller's fallback (an export's publish_date) comes next, and only then a search of the page's
visible text, which can mistake another date for the publication date, so its date_note says so;
a 1 January found there is dropped, as it is what htmldate returns for a year alone (the
copyright line of a footer).

A page counts as an article only when its text has at least `MIN_PROSE_WORDS` words in
sentence-like paragraphs: a section front or an error page is a list of short lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

#: Words an article must have in paragraphs of sentences (>= 8 words, ending like a sentence).
MIN_PROSE_WORDS = 50
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
_SAVED_FROM = re.compile(rb"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->", re.I)


@dataclass
class Extracted:
    """What a page says about its article."""

    text: str
    title: str | None
    outlet: str | None
    url: str | None
    date: str | None          # ISO date from the page's markup, if it gives one
    text_date: str | None     # ISO date found by searching the page's visible text


def _date_params(extensive: bool) -> dict:
    return {"original_date": True, "extensive_search": extensive, "max_date": date.today().isoformat()}


def extract_page(html: bytes | str, url: str | None = None) -> Extracted | None:
    """The article of an HTML page, or None when trafilatura finds no main text in it."""
    import trafilatura

    if isinstance(html, bytes) and url is None:
        m = _SAVED_FROM.search(html[:4096])  # a browser's "Save Page As" records where it came from
        url = m.group(1).decode("ascii", "replace") if m else None
    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=False,
        include_images=False, date_extraction_params=_date_params(extensive=False))
    if doc is None or not (doc.text or "").strip():
        return None
    text_date = None
    if not doc.date:
        meta = trafilatura.extract_metadata(html, default_url=url, date_config=_date_params(extensive=True))
        text_date = meta.date if meta is not None else None
        if text_date and text_date.endswith("-01-01"):
            text_date = None  # htmldate's year-only guesses (a copyright line, a lone year)
    page_url = doc.url or url
    outlet = (doc.sitename or "").strip() or None
    if outlet is None and page_url:
        host = urlsplit(page_url).hostname or ""
        outlet = host.removeprefix("www.") or None
    return Extracted(text=tidy(doc.text), title=(doc.title or "").strip() or None, outlet=outlet,
                     url=page_url, date=doc.date or None, text_date=text_date)


def tidy(text: str) -> str:
    """One paragraph a line, spaces collapsed, no empty lines."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line) + "\n"


def prose_words(text: str) -> int:
    """Words in lines that read as sentences: at least 8 words and ending like a sentence."""
    total = 0
    for line in text.splitlines():
        n = len(line.split())
        if n >= 8 and _SENTENCE_END.search(line.strip()):
            total += n
    return total


def looks_like_html(text: str) -> bool:
    """A text cell holding a web page's markup rather than article text."""
    head = text.lstrip()[:2000].lower()
    if head.startswith(("<!doctype html", "<html")):
        return True
    return len(re.findall(r"</?(p|div|br|span|a)\b", head)) >= 5
