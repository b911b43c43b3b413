"""Feeds and sitemaps as a source that grows: each run reads them afresh, fetches only the links
no earlier run brought in, and adds the new articles to the corpus folder beside the old ones.

- Feeds are fetched anew every run (never from the page cache); articles through the polite,
  resumable fetcher and its page cache, so an interrupted run loses no page.
- Every link is one line of the ingest report: new (with where its date came from: the page's
  markup or the feed entry), seen in an earlier run (not fetched again), a copy, a malformed
  entry, or a page that could not be fetched. A feed that cannot be fetched or read is one line.
- The corpus is appended to: files written earlier are never rewritten, and a new article whose
  text copies one already there (or another new one) is set aside as a copy.
- `<corpus>/.feeds-seen.json` remembers every link that came in or was set aside for good; a
  link whose page could not be fetched is tried again next run.
"""

from __future__ import annotations

import json
import threading
from datetime import date
from pathlib import Path

import pandas as pd

from briefing.corpus.dedup import find_copies
from briefing.errors import CorpusError
from briefing.files import write_atomic
from briefing.ingest.articles import IngestOptions, Reject, article_from_page
from briefing.ingest.extract import extract_page
from briefing.ingest.feeds import Link, NotAFeed, read_listing
from briefing.ingest.fetch import Fetcher, FetchError, fetch_all
from briefing.ingest.pages import Page, PageCache
from briefing.ingest.report import Entry, Report
from briefing.ingest.sources import Item, is_http_url
from briefing.ingest.write import Article, assign_ids, write_article

SEEN_NAME = ".feeds-seen.json"
CACHE_NAME = ".ingest-cache"
#: How deep a sitemap index may nest further indexes.
MAX_INDEX_DEPTH = 2


def is_feed_source(source: str | list[str]) -> bool:
    """A source given as feed or sitemap addresses (http(s) URLs) rather than a local file."""
    values = [source] if isinstance(source, str) else list(source)
    return bool(values) and all(is_http_url(str(v)) for v in values)


def _read_seen(into: Path) -> dict[str, dict]:
    try:
        data = json.loads((into / SEEN_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _listings(urls: list[str], fetcher: Fetcher, report: Report) -> tuple[list[Link], int]:
    """Every link of the feeds and sitemaps (sitemap indexes followed), in order; a feed that
    cannot be fetched or read becomes one set-aside entry. Returns the links and the feeds read."""
    links: list[Link] = []
    read = 0
    queue = [(u, 0) for u in dict.fromkeys(urls)]
    while queue:
        url, depth = queue.pop(0)
        try:
            page = fetcher.fetch(url, fresh=True, types=None)
            listing = read_listing(page.body, url)
        except FetchError as exc:
            report.entries.append(Entry(where=f"feed {url}", url=url, reason=f"feed unreachable: {exc}"))
            continue
        except NotAFeed as exc:
            report.entries.append(Entry(where=f"feed {url}", url=url, reason=str(exc)))
            continue
        read += 1
        links.extend(listing.links)
        if listing.sitemaps and depth < MAX_INDEX_DEPTH:
            queue.extend((u, depth + 1) for u in listing.sitemaps)
    return links, read


def ingest_feeds(urls: list[str], into: str | Path, options: IngestOptions | None = None) -> Report:
    """Bring the new articles the feeds and sitemaps at `urls` link into the corpus folder `into`."""
    options = options or IngestOptions()
    into = Path(into)
    if into.exists() and not into.is_dir():
        raise CorpusError(f"{into}: not a folder; feeds are ingested into a corpus folder of articles")
    into.mkdir(parents=True, exist_ok=True)
    shown = ", ".join(urls[:3]) + (f" and {len(urls) - 3} more" if len(urls) > 3 else "")
    report = Report(source=f"{len(urls)} feed{'s' * (len(urls) != 1)}/sitemap{'s' * (len(urls) != 1)}: "
                    f"{shown}", into=into, digest="feeds")
    seen = _read_seen(into)
    fetcher = Fetcher(options.fetch, PageCache(options.cache or into / CACHE_NAME))
    links, report.feeds_read = _listings(urls, fetcher, report)
    entries: list[tuple[Link, Entry]] = []
    to_fetch: dict[str, Link] = {}
    first: dict[str, str] = {}
    for link in links:
        entry = Entry(where=link.where, url=link.url or "")
        entries.append((link, entry))
        if link.problem:
            entry.reason = link.problem
        elif link.url in seen:
            entry.status, entry.file = "unchanged", seen[link.url].get("file", "")
            entry.reason = "seen in an earlier run; not fetched again"
        elif link.url in first:
            entry.reason = f"same link as {first[link.url]}"
        else:
            first[link.url] = link.where
            to_fetch[link.url] = link
    articles: dict[str, Article | str] = {}
    unfetched: set[str] = set()
    lock = threading.Lock()

    def done(url: str, page: Page | None, reason: str | None) -> None:
        result = _article(to_fetch[url], page, options) if page is not None else (reason or "not fetched")
        with lock:
            articles[url] = result
            if page is None:
                unfetched.add(url)
            report.from_cache += bool(page is not None and page.from_cache)

    fetch_all(fetcher, list(to_fetch), done, jobs=options.jobs)
    report.fetched = sum(1 for u in fetcher.requested if not u.endswith("/robots.txt"))
    _write_new(into, entries, articles, unfetched, options, report, seen)
    report.entries.extend(entry for _, entry in entries)
    report.corpus_articles = sum(1 for p in into.glob("*.md") if p.name.lower() != "readme.md")
    report.write()
    write_atomic(into / SEEN_NAME, json.dumps(seen, indent=0, sort_keys=True))
    return report


def _article(link: Link, page: Page, options: IngestOptions) -> Article | str:
    """The article a fetched page holds, dated from its markup, else from the feed entry."""
    item = Item(where=link.where, fields={"url": link.url, "date": link.date, "title": link.title})
    try:
        extracted = extract_page(page.body, page.final_url)
        if extracted is None:
            raise Reject("no article text on the page")
        article = article_from_page(item, extracted, options, what="the feed entry's")
    except Reject as exc:
        return str(exc)
    except Exception as exc:  # noqa: BLE001 - a page trafilatura chokes on is one bad input
        return f"extraction failed ({type(exc).__name__})"
    if extracted.date:
        article.date_note = "Date from the page's markup" + (
            f"; the feed entry says {link.date}" if link.date and link.date != extracted.date else "")
    elif link.date:
        article.date_note = "Date from the feed entry (the page's markup gives none)"
    return article


def _write_new(into: Path, entries: list[tuple[Link, Entry]], articles: dict[str, Article | str],
               unfetched: set[str], options: IngestOptions, report: Report, seen: dict[str, dict]) -> None:
    """Set aside the copies, write the new articles under names no earlier file has, and record
    in `seen` every link that is settled (a page that could not be fetched is tried next run)."""
    fresh = [(link, e, articles[link.url]) for link, e in entries if link.url in articles
             and not e.reason and e.status != "unchanged"]
    new = [a for _, _, a in fresh if isinstance(a, Article)]
    names: list[str] = []
    for base in assign_ids(new):
        names.append(_free_name(into, base, set(names)))
    name_of = {id(a): n for a, n in zip(new, names, strict=True)}
    copies = _copies(into, new, names, options.threshold)
    today = date.today().isoformat()
    for link, entry, result in fresh:
        if isinstance(result, str):
            entry.reason = result
            if link.url not in unfetched:
                seen[link.url] = {"status": "set aside", "reason": result, "first_seen": today}
            continue
        copy = copies.get(id(result))
        if copy:
            entry.reason = f"copy of {copy[0]} (similarity {copy[1]:.2f}); not added"
            entry.copy_of, entry.similarity = copy[0], copy[1]
            seen[link.url] = {"status": "set aside", "reason": entry.reason, "first_seen": today}
            continue
        written = write_article(into, result, name_of[id(result)])
        entry.status, entry.file = written.status, written.path.name
        note = result.date_note or ""
        entry.reason = ("dated from the page's markup" if note.startswith("Date from the page's markup")
                        else "dated from the feed entry" if "feed entry" in note
                        else "dated from the page's visible text" if note else "dated from the page")
        seen[link.url] = {"status": "in", "file": written.path.name, "first_seen": today}


def _free_name(into: Path, base: str, taken: set[str]) -> str:
    """`base`, or base-2, base-3...: a name no article file in the folder (nor `taken`) has yet."""
    name, n = base, 1
    while (into / f"{name}.md").exists() or name in taken:
        n += 1
        name = f"{base}-{n}"
    return name


def _copies(into: Path, new: list[Article], names: list[str], threshold: float
            ) -> dict[int, tuple[str, float]]:
    """For each new article that copies an article already in the corpus (or an earlier new one),
    the id it copies and their similarity, keyed by the article's id()."""
    if not new:
        return {}
    from briefing.corpus.load import load_corpus

    try:
        old = load_corpus(into)[["id", "date", "text"]]
    except CorpusError:
        old = pd.DataFrame({"id": [], "date": [], "text": []})
    keys = [f"\0new{i}" for i in range(len(new))]
    fresh = pd.DataFrame({"id": keys, "date": [pd.Timestamp(a.date) for a in new],
                          "text": [a.text for a in new]})
    found = find_copies(pd.concat([old, fresh], ignore_index=True), threshold)
    existing = set(old["id"].astype(str))
    groups: dict[str, list[tuple[str, float]]] = {}
    for row in found.itertuples():
        groups.setdefault(str(row.copy_of), []).append((str(row.id), float(row.similarity)))
    out: dict[int, tuple[str, float]] = {}
    for kept, members in groups.items():
        everyone = [kept] + [m for m, _ in members]
        keeper = next((m for m in everyone if m in existing), kept)  # what is in the corpus stays
        sims = dict(members) | {kept: max(s for _, s in members)}
        for m in everyone:
            if m != keeper and m.startswith("\0new"):
                shown = keeper if keeper in existing else f"{names[int(keeper[4:])]}.md (new)"
                out[id(new[int(m[4:])])] = (shown, sims.get(m, 1.0))
    return out
