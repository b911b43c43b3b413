"""Feeds and sitemaps as a source that grows: a loopback site whose feed gains articles between
runs; each run fetches only the links it has not seen and appends to the corpus."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import ROOT
from loopback import closed_port

from briefing.cli import main
from briefing.ingest.articles import IngestOptions
from briefing.ingest.feeds import NotAFeed, read_listing
from briefing.ingest.fetch import FetchSettings
from briefing.ingest.watch import SEEN_NAME, ingest_feeds
from briefing.replay import FeedSite, serve

WIKINEWS = ROOT / "data" / "corpus" / "wikinews-2019-2020" / "articles.csv"


@pytest.fixture
def articles() -> pd.DataFrame:
    """Six real Wikinews articles of January 2019, and a seventh that copies the first (a
    re-post with one more line), dated later."""
    docs = pd.read_csv(WIKINEWS)
    docs = docs[docs["date"] <= "2019-01-31"].sort_values(["date", "id"]).head(6).reset_index(drop=True)
    copy = docs.iloc[0].copy()
    copy["id"], copy["date"] = "repost", "2019-01-20"
    copy["title"] = "Reposted: " + copy["title"]
    copy["text"] = copy["text"] + "\n\nThis article was first published elsewhere."
    return pd.concat([docs, copy.to_frame().T], ignore_index=True)


def _options(tmp_path: Path) -> IngestOptions:
    return IngestOptions(fetch=FetchSettings(delay=0, timeout=3, retries=0), quiet=True,
                         cache=tmp_path / "page-cache")


def _rows(into: Path) -> list[dict]:
    lines = (into / "ingest-report.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return list(csv.DictReader(lines, delimiter="\t"))


def _files(into: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in into.glob("*.md")}


def test_feeds_gaining_articles_between_runs_bring_in_only_the_new_ones(tmp_path, articles):
    first_four = articles["date"].iloc[3]
    site = FeedSite(articles, until=date.fromisoformat(first_four), undated={articles["id"].iloc[2]})
    site.extra_items = ["<item><title>No link at all</title></item>"]
    into = tmp_path / "corpus"
    with serve(site):
        site.extra_items.append(f"<item><title>Gone</title><link>{site.base}/articles/gone.html</link></item>")
        dead = f"http://127.0.0.1:{closed_port()}/feed.xml"
        feeds = [f"{site.base}/feed.xml", f"{site.base}/broken.xml", dead]
        first = ingest_feeds(feeds, into, _options(tmp_path))
        rows = _rows(into)
        by_url = {r["url"]: r for r in rows}
        # one line per input: 4 articles, 2 bad entries, a malformed and an unreachable feed
        assert len(rows) == 8 and first.exit_code() == 0
        assert sorted(r["status"] for r in rows) == ["new"] * 4 + ["set aside"] * 4
        assert "malformed feed entry: no link" in [r["reason"] for r in rows]
        assert by_url[f"{site.base}/articles/gone.html"]["reason"].startswith("HTTP 404")
        assert by_url[f"{site.base}/broken.xml"]["reason"].startswith("not an RSS/Atom feed")
        assert by_url[dead]["reason"].startswith("feed unreachable:")
        # each article says where its date came from: the page's markup, or the feed entry
        undated = site.page_url(articles["id"].iloc[2])
        assert by_url[undated]["reason"] == "dated from the feed entry"
        assert by_url[site.page_url(articles["id"].iloc[0])]["reason"] == "dated from the page's markup"
        before = _files(into)
        assert len(before) == 4

        site.until = date(2019, 1, 31)  # a fortnight later: two new articles and a re-post
        site.requests.clear()
        second = ingest_feeds(feeds, into, _options(tmp_path))
        rows = _rows(into)
        status = {r["url"]: (r["status"], r["reason"]) for r in rows}
        assert second.exit_code() == 0
        for doc_id in articles["id"].iloc[:4]:
            assert status[site.page_url(doc_id)] == ("unchanged", "seen in an earlier run; not fetched again")
            assert f"/articles/{doc_id}.html" not in site.requests  # not fetched again
        for doc_id in articles["id"].iloc[4:6]:
            assert status[site.page_url(doc_id)][0] == "new"
        state, why = status[site.page_url("repost")]
        assert state == "set aside" and why.startswith("copy of 2019-01-")
        assert status[f"{site.base}/articles/gone.html"][0] == "set aside"  # tried again, still gone
        assert "/articles/gone.html" in site.requests
    after = _files(into)
    assert {k: v for k, v in after.items() if k in before} == before  # earlier articles untouched
    assert len(after) == 6
    seen = yaml.safe_load((into / SEEN_NAME).read_text())
    assert f"{site.base}/articles/gone.html" not in seen and site.page_url("repost") in seen


def test_sitemaps_and_atom_feeds_list_their_links_with_dates(articles):
    site = FeedSite(articles, until=date(2019, 1, 31), base="http://127.0.0.1:1")
    for body, kind in [(site.sitemap(), "sitemap"), (site.atom(), "atom"), (site.rss(), "rss")]:
        listing = read_listing(body, "http://127.0.0.1:1/x")
        assert listing.kind == kind
        assert [link.url for link in listing.links] == [site.page_url(i) for i in site.visible()["id"]]
        assert all(link.date and link.date.startswith("2019-01") for link in listing.links)
    index = (b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             b"<sitemap><loc>http://127.0.0.1:1/news.xml</loc></sitemap></sitemapindex>")
    assert read_listing(index, "http://127.0.0.1:1/i.xml").sitemaps == ["http://127.0.0.1:1/news.xml"]
    for bad in [b"<html><body>Not a feed</body></html>", b"<urlset><url><loc>x</url>", b""]:
        with pytest.raises(NotAFeed):
            read_listing(bad, "http://127.0.0.1:1/x")


def test_cli_ingests_a_feed_and_says_what_came_in(tmp_path, articles, capsys):
    site = FeedSite(articles, until=date(2019, 1, 31))
    with serve(site):
        code = main(["ingest", f"{site.base}/feed.xml", "--into", str(tmp_path / "c"), "--delay", "0",
                     "--cache", str(tmp_path / "cache")])
    err = capsys.readouterr().err
    assert code == 0 and "came in:        6 articles" in err and "set aside:      1" in err


def test_a_run_whose_feeds_cannot_be_read_fails_and_writes_nothing(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    pd.read_csv(WIKINEWS).head(3).to_csv(tmp_path / "seed.csv", index=False)
    data = {"title": "Watch", "corpus": "corpus",
            "ingest": {"source": [f"http://127.0.0.1:{closed_port()}/feed.xml"], "retries": 0, "delay": 0},
            "periods": {"anchor": "latest", "unit": "month"}}
    (tmp_path / "p.yaml").write_text(yaml.safe_dump(data))
    code = main(["run", str(tmp_path / "p.yaml"), "--reports", str(tmp_path / "reports"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 1 and "no feed or sitemap could be read" in err and "nothing is published" in err
    assert not (tmp_path / "reports").exists() or not any((tmp_path / "reports").iterdir())


def test_a_feed_list_must_hold_web_addresses(tmp_path, capsys):
    (tmp_path / "corpus").mkdir()
    data = {"title": "Watch", "corpus": "corpus", "ingest": {"source": ["feeds.txt"]},
            "periods": {"anchor": "latest", "unit": "month"}}
    (tmp_path / "p.yaml").write_text(yaml.safe_dump(data))
    assert main(["check", str(tmp_path / "p.yaml")]) == 2
    err = capsys.readouterr().err
    assert "ingest.source" in err and "not an http(s) address" in err and len(err.strip().splitlines()) == 1


def test_publish_marks_a_briefing_whose_feeds_failed_and_publishes_nothing_for_it(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (tmp_path / "notebooks").mkdir()
    data = {"title": "Watch", "corpus": "corpus", "slug": "watch",
            "ingest": {"source": f"http://127.0.0.1:{closed_port()}/feed.xml", "retries": 0, "delay": 0},
            "periods": {"anchor": "latest", "unit": "month"}}
    (tmp_path / "p.yaml").write_text(yaml.safe_dump(data))
    code = main(["publish", str(tmp_path / "p.yaml"), "--reports", str(tmp_path / "reports"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 1 and "failed: watch" in err and "nothing new is published" in err
    site = tmp_path / "reports" / "site"
    assert not (site / "watch").exists() and not (site / "feed.atom").exists()
