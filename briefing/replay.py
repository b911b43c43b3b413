"""A replay: a corpus served on loopback as a news site whose feed grows, month by month (or week
by week), and a briefing that keeps watch over it: ingest the new articles, run, publish an edition.

    python -m briefing.replay            # `make replay`: the Wikinews example, six monthly editions

`FeedSite` serves a table of articles (id, date, title, text, outlet) as article pages, an RSS
feed, an Atom feed and a sitemap, listing only the articles dated up to `until` (the newest
`listed` of them, as real feeds do); moving `until` forward is the passing of time. The tests use
it too, with a slice of the corpus and a few deliberately broken entries.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit
from xml.etree import ElementTree as ET

import pandas as pd

DEFAULT_PARAMS = Path("params/watch/wikinews-monthly.yaml")
DEFAULT_ARTICLES = Path("data/corpus/wikinews-2019-2020/articles.csv")


@dataclass
class FeedSite:
    """The articles of a corpus table as a site: /articles/<id>.html, /feed.xml (RSS 2.0),
    /atom.xml, /sitemap.xml; only articles dated up to `until`, the newest `listed` of them."""

    articles: pd.DataFrame
    until: date
    listed: int = 60
    #: Article ids whose page gives no date in its markup (the feed entry's date then counts).
    undated: set[str] = field(default_factory=set)
    #: Raw <item> elements added to the RSS feed (tests: malformed entries, dead links).
    extra_items: list[str] = field(default_factory=list)
    base: str = ""
    requests: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def visible(self) -> pd.DataFrame:
        docs = self.articles[pd.to_datetime(self.articles["date"]).dt.date <= self.until]
        return docs.sort_values(["date", "id"], ascending=False).head(self.listed)

    def page_url(self, doc_id: str) -> str:
        return f"{self.base}/articles/{quote(str(doc_id), safe='')}.html"

    # -- documents ------------------------------------------------------------------------------
    def page(self, doc_id: str) -> bytes | None:
        rows = self.articles[self.articles["id"].astype(str) == doc_id]
        if rows.empty or pd.Timestamp(rows["date"].iloc[0]).date() > self.until:
            return None
        r = rows.iloc[0]
        esc = html.escape
        day = pd.Timestamp(r["date"]).date().isoformat()
        meta = "" if doc_id in self.undated else (
            f'<meta property="article:published_time" content="{day}T09:00:00+00:00">')
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n|\n", str(r["text"])) if p.strip()]
        body = "\n".join(f"<p>{esc(p)}</p>" for p in paragraphs)
        return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{esc(str(r["title"]))}'
                f'</title><meta property="og:title" content="{esc(str(r["title"]))}">'
                f'<meta property="og:site_name" content="{esc(str(r["outlet"]))}">{meta}</head>'
                f'<body><nav><a href="/">Home</a> · <a href="/feed.xml">RSS</a></nav><article>'
                f'<h1>{esc(str(r["title"]))}</h1>\n{body}\n</article>'
                f"<footer><p>Replayed from a corpus on loopback.</p></footer></body></html>\n").encode()

    def rss(self) -> bytes:
        rss = ET.Element("rss", version="2.0")
        channel = ET.SubElement(rss, "channel")
        ET.SubElement(channel, "title").text = "Replayed news"
        ET.SubElement(channel, "link").text = f"{self.base}/"
        ET.SubElement(channel, "description").text = f"Articles up to {self.until.isoformat()}"
        for _, r in self.visible().iterrows():
            item = ET.SubElement(channel, "item")
            ET.SubElement(item, "title").text = str(r["title"])
            ET.SubElement(item, "link").text = self.page_url(r["id"])
            ET.SubElement(item, "guid").text = self.page_url(r["id"])
            when = pd.Timestamp(r["date"]).to_pydatetime().replace(hour=9, tzinfo=None)
            ET.SubElement(item, "pubDate").text = format_datetime(when.replace(tzinfo=UTC))
        text = ET.tostring(rss, encoding="unicode")
        if self.extra_items:
            text = text.replace("</channel>", "".join(self.extra_items) + "</channel>")
        return ('<?xml version="1.0" encoding="utf-8"?>\n' + text).encode()

    def atom(self) -> bytes:
        ns = "http://www.w3.org/2005/Atom"
        feed = ET.Element(f"{{{ns}}}feed")
        ET.SubElement(feed, f"{{{ns}}}title").text = "Replayed news"
        ET.SubElement(feed, f"{{{ns}}}id").text = f"{self.base}/atom.xml"
        ET.SubElement(feed, f"{{{ns}}}updated").text = f"{self.until.isoformat()}T12:00:00Z"
        for _, r in self.visible().iterrows():
            entry = ET.SubElement(feed, f"{{{ns}}}entry")
            ET.SubElement(entry, f"{{{ns}}}title").text = str(r["title"])
            ET.SubElement(entry, f"{{{ns}}}id").text = self.page_url(r["id"])
            ET.SubElement(entry, f"{{{ns}}}link", href=self.page_url(r["id"]))
            ET.SubElement(entry, f"{{{ns}}}updated").text = f"{pd.Timestamp(r['date']).date()}T09:00:00Z"
        ET.register_namespace("", ns)
        return ('<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode")).encode()

    def sitemap(self) -> bytes:
        ns = "http://www.sitemaps.org/schemas/sitemap/0.9"
        ET.register_namespace("", ns)
        urlset = ET.Element(f"{{{ns}}}urlset")
        for _, r in self.visible().iterrows():
            url = ET.SubElement(urlset, f"{{{ns}}}url")
            ET.SubElement(url, f"{{{ns}}}loc").text = self.page_url(r["id"])
            ET.SubElement(url, f"{{{ns}}}lastmod").text = str(pd.Timestamp(r["date"]).date())
        return ('<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(urlset, encoding="unicode")).encode()


def _handler(site: FeedSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            path = urlsplit(self.path).path
            with site.lock:
                site.requests.append(path)
                body, ctype = self._route(path)
            status = 200 if body is not None else 404
            body = body if body is not None else b"<html><body><h1>Not found</h1></body></html>"
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _route(self, path: str) -> tuple[bytes | None, str]:
            if path == "/feed.xml":
                return site.rss(), "application/rss+xml"
            if path == "/atom.xml":
                return site.atom(), "application/atom+xml"
            if path == "/sitemap.xml":
                return site.sitemap(), "application/xml"
            if path == "/broken.xml":
                return b"<?xml version='1.0'?><rss><channel><item><title>cut off", "application/rss+xml"
            m = re.fullmatch(r"/articles/(.+)\.html", path)
            if m:
                return site.page(unquote(m.group(1))), "text/html; charset=utf-8"
            return None, "text/html; charset=utf-8"

    return Handler


@contextmanager
def serve(site: FeedSite, port: int = 0) -> Iterator[FeedSite]:
    """Serve `site` on 127.0.0.1:`port` (0: any free port) until the block ends."""
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), _handler(site))
    except OSError as exc:
        from briefing.errors import BriefingError

        raise BriefingError(f"cannot serve the replay on 127.0.0.1:{port} ({exc.strerror}); stop what "
                            "uses that port or name another in the params' ingest.source") from None
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


def step_ends(first: date, steps: int, unit: str) -> list[date]:
    """The last day of each of `steps` months (or weeks, Sunday) from the one holding `first`."""
    out = []
    d = first
    for _ in range(steps):
        if unit == "week":
            end = d + timedelta(days=6 - d.weekday())
        else:
            end = (d.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        out.append(end)
        d = end + timedelta(days=1)
    return out


def _forget(corpus: Path) -> None:
    """Empty a corpus folder that feeds filled (it holds their record of links seen), so the
    replay starts from the first month; a folder without that record is never touched."""
    import shutil

    from briefing.ingest.watch import SEEN_NAME

    if (corpus / SEEN_NAME).is_file():
        shutil.rmtree(corpus)


def replay(params_path: Path, articles: Path, first: date, steps: int, unit: str, reports: Path,
           quiet: bool = False, fresh: bool = False) -> int:
    """Serve `articles` on the port the params' feed names and, for each step, let time pass,
    ingest the new articles, run and publish an edition. Returns the number of failed steps."""
    from briefing.build.publish import publish, summary
    from briefing.errors import BriefingError
    from briefing.ingest.run import ingest_params
    from briefing.params import load

    params = load(params_path, resolve_rolling=False)
    if fresh:
        _forget(params.corpus_path)
    source = params.ingest.source if params.ingest else None
    feed = source if isinstance(source, str) else (source or [None])[0]
    if not feed or urlsplit(feed).hostname != "127.0.0.1":
        raise BriefingError(f"{params_path}: ingest.source must be a feed on 127.0.0.1 for a replay")
    site = FeedSite(pd.read_csv(articles), until=first)
    failed = 0
    with serve(site, urlsplit(feed).port or 80):
        for end in step_ends(first, steps, unit):
            site.until = end
            t0 = time.perf_counter()
            report = ingest_params(params_path, quiet=True)
            new = sum(e.status == "new" for e in report.entries)
            print(f"replay: feed up to {end}: {new} new article{'s' * (new != 1)}", file=sys.stderr)
            outcomes = publish([params_path], reports, quiet=quiet)
            failed += sum(o.status == "failed" for o in outcomes)
            print(summary(outcomes).splitlines()[0] + f" ({time.perf_counter() - t0:.0f}s)", file=sys.stderr)
    print(reports / "site" / "index.html")
    return failed


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m briefing.replay", description=__doc__.split("\n\n")[0])
    p.add_argument("--params", type=Path, default=DEFAULT_PARAMS)
    p.add_argument("--articles", type=Path, default=DEFAULT_ARTICLES, help="the corpus table replayed")
    p.add_argument("--from", dest="first", default="2019-02-01", help="the first step's month (YYYY-MM-DD)")
    p.add_argument("--steps", type=int, default=6, help="steps (editions) to replay (default 6)")
    p.add_argument("--unit", choices=["month", "week"], default="month")
    p.add_argument("--reports", type=Path, default=Path("reports"))
    p.add_argument("--quiet", action="store_true")
    p.add_argument("--fresh", action="store_true",
                   help="start from an empty corpus (published editions stay as they are)")
    args = p.parse_args(argv)
    from briefing.errors import BriefingError, inert

    try:
        return 1 if replay(args.params, args.articles, date.fromisoformat(args.first), args.steps,
                           args.unit, args.reports, args.quiet, args.fresh) else 0
    except BriefingError as exc:
        for line in exc.lines():
            print(inert(f"briefing replay: error: {line}"), file=sys.stderr)
        return exc.code
    except ValueError as exc:
        print(f"briefing replay: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
