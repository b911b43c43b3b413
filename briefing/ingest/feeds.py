"""RSS/Atom feeds and XML sitemaps read into the links they list, each with its date and title.

Feeds are parsed by feedparser (RSS 0.9x/1.0/2.0 and Atom, tolerant of the small faults real
feeds have); a sitemap (`<urlset>`, or a `<sitemapindex>` of further sitemaps) by lxml with
entities and network access off. The date of an entry is its published (else updated) date in
a feed, and its `news:publication_date` (else `lastmod`) in a sitemap: the ingest uses it only
when the page itself gives none, and says so.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from briefing.ingest.sources import is_http_url

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


@dataclass
class Link:
    """One entry of a feed or sitemap: the article it links, or why it cannot be used."""

    where: str                 # "<feed url> entry 3"
    url: str | None
    date: str | None = None    # ISO date the feed gives
    title: str | None = None
    problem: str | None = None


@dataclass
class Listing:
    """What one feed or sitemap lists."""

    url: str
    kind: str                  # "rss", "atom", "sitemap", "sitemap index"
    links: list[Link] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)   # a sitemap index's sitemaps


class NotAFeed(Exception):
    """The document is neither a feed nor a sitemap; `str()` says why."""


def read_listing(body: bytes, url: str) -> Listing:
    """The links of a feed or sitemap at `url`; NotAFeed when `body` is neither."""
    head = body.lstrip()[:2048].lower()
    if b"<urlset" in head or b"<sitemapindex" in head:
        return _sitemap(body, url)
    return _feed(body, url)


def _feed(body: bytes, url: str) -> Listing:
    import feedparser

    parsed = feedparser.parse(body)
    version = parsed.get("version") or ""
    usable = any((e.get("link") or "").strip() for e in parsed.entries)
    if not version or (parsed.get("bozo") and not usable):  # a feed too broken to list a link
        why = parsed.get("bozo_exception")
        detail = f": {str(why).splitlines()[0][:120]}" if why else ""
        raise NotAFeed(f"not an RSS/Atom feed or sitemap{detail}")
    listing = Listing(url, "atom" if version.startswith("atom") else "rss")
    for n, entry in enumerate(parsed.entries, 1):
        where = f"{url} entry {n}"
        link = (entry.get("link") or "").strip() or None
        title = " ".join(str(entry.get("title") or "").split()) or None
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        day = time.strftime("%Y-%m-%d", stamp) if stamp else None
        listing.links.append(_checked(Link(where, link, day, title), "feed entry", "link"))
    return listing


def _sitemap(body: bytes, url: str) -> Listing:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        raise NotAFeed(f"malformed sitemap: {str(exc)[:120]}") from None

    def text(el, path: str) -> str | None:
        found = el.find(path, {"s": SITEMAP_NS, "n": NEWS_NS})
        return found.text.strip() if found is not None and found.text and found.text.strip() else None

    tag = etree.QName(root).localname
    if tag == "sitemapindex":
        listing = Listing(url, "sitemap index")
        listing.sitemaps = [loc for el in root.iterfind("s:sitemap", {"s": SITEMAP_NS})
                            if (loc := text(el, "s:loc")) and is_http_url(loc)]
        return listing
    listing = Listing(url, "sitemap")
    for n, el in enumerate(root.iterfind("s:url", {"s": SITEMAP_NS}), 1):
        loc = text(el, "s:loc")
        when = text(el, "n:news/n:publication_date") or text(el, "s:lastmod")
        title = text(el, "n:news/n:title")
        item = Link(f"{url} entry {n}", loc, when[:10] if when else None, title)
        listing.links.append(_checked(item, "sitemap entry", "<loc>"))
    return listing


def _checked(item: Link, kind: str, field: str) -> Link:
    """`item` with its problem set when its address is missing or not an http(s) URL."""
    if item.url is None:
        item.problem = f"malformed {kind}: no {field}"
    elif not is_http_url(item.url):
        item.problem = f"malformed {kind}: {field} is not an http(s) URL: {item.url[:80]!r}"
    return item
