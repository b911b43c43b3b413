"""The polite HTTP client, against the loopback site: what it fetches, what it refuses, and why."""

from __future__ import annotations

import time

import pytest
from loopback import HUGE_BYTES, closed_port, pages, site_fixture  # noqa: F401 - the fixture `site`

from briefing.ingest.fetch import USER_AGENT, Fetcher, FetchError, FetchSettings, fetch_all
from briefing.ingest.pages import PageCache

FAST = FetchSettings(delay=0.0, timeout=0.5, retries=1, backoff=0.05, max_bytes=2**20)


def fetcher(tmp_path, **changes) -> Fetcher:
    settings = FetchSettings(**{**FAST.__dict__, **changes})
    return Fetcher(settings, PageCache(tmp_path / "cache"))


def reason(f: Fetcher, url: str) -> str:
    with pytest.raises(FetchError) as err:
        f.fetch(url)
    return str(err.value)


def test_fetches_a_page_and_says_who_is_asking(site, tmp_path):
    page = fetcher(tmp_path).fetch(site.url(pages("story")[0]["path"]))
    assert page.status == 200 and page.content_type == "text/html"
    assert b"Sea-Eye" in page.body and not page.from_cache
    assert {ua for _, ua, _ in site.requests} == {USER_AGENT}
    assert site.paths() == ["/robots.txt", "/" + pages("story")[0]["path"]]


def test_a_cached_page_is_not_fetched_again(site, tmp_path):
    url = site.url(pages("story")[1]["path"])
    first = fetcher(tmp_path).fetch(url)
    again = fetcher(tmp_path).fetch(url)  # a new run, same cache folder
    assert again.from_cache and again.body == first.body
    assert site.paths().count("/" + pages("story")[1]["path"]) == 1
    assert site.paths().count("/robots.txt") == 1  # robots.txt is cached for a day too


def test_missing_page_is_reported_with_its_status(site, tmp_path):
    assert reason(fetcher(tmp_path), site.url("missing.html")) == "HTTP 404 Not Found"


def test_a_server_that_does_not_answer_times_out_after_the_retries(site, tmp_path):
    t0 = time.monotonic()
    why = reason(fetcher(tmp_path), site.url("slow.html"))
    assert why == "timed out after 0.5 s (2 attempts)"
    assert site.paths().count("/slow.html") == 2
    assert time.monotonic() - t0 < 2.5


def test_a_redirect_loop_is_named_as_one(site, tmp_path):
    assert reason(fetcher(tmp_path), site.url("loop/a")) == "redirect loop (/loop/a → /loop/b → /loop/a)"


def test_a_redirect_is_followed_and_the_page_kept_under_the_url_asked_for(site, tmp_path):
    f = fetcher(tmp_path)
    page = f.fetch(site.url("moved.html"))
    assert page.url == site.url("moved.html") and page.final_url == site.url(pages()[0]["path"])
    assert f.cache.get(site.url("moved.html")) is not None


def test_a_non_html_response_is_refused(site, tmp_path):
    assert reason(fetcher(tmp_path), site.url("files/report.pdf")) == "not an HTML page (application/pdf)"


def test_a_huge_response_is_abandoned_at_the_limit(site, tmp_path):
    f = fetcher(tmp_path, max_bytes=FetchSettings().max_bytes)
    assert reason(f, site.url("huge.html")) == "response larger than 10 MB"
    assert HUGE_BYTES > FetchSettings().max_bytes
    # the connection was dropped, not drained: the next request still gets through
    assert f.fetch(site.url(pages("story")[2]["path"])).status == 200


def test_robots_txt_is_respected(site, tmp_path):
    assert reason(fetcher(tmp_path), site.url("private/draft.html")) == (
        f"robots.txt of {site.base} disallows it; not fetched")
    assert "/private/draft.html" not in site.paths()


def test_an_unreachable_host_is_reported(tmp_path):
    why = reason(fetcher(tmp_path), f"http://127.0.0.1:{closed_port()}/news.html")
    assert why.startswith("host unreachable") and "refused" in why.lower()


def test_a_503_is_retried_after_a_backoff(site, tmp_path):
    page = fetcher(tmp_path).fetch(site.url("flaky.html"))
    assert page.status == 200 and site.paths().count("/flaky.html") == 2


def test_one_connection_per_host_with_the_delay_between_requests(site, tmp_path):
    urls = [site.url(p["path"]) for p in pages("story")[:4]]
    f = fetcher(tmp_path, delay=0.2)
    done = []
    fetch_all(f, urls, lambda url, page, why: done.append((url, why)), jobs=4)
    assert sorted(u for u, _ in done) == sorted(urls) and all(why is None for _, why in done)
    times = [t for _, _, t in site.requests]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 0.19  # robots.txt, then the four pages, one after the other
    assert len(set(site.peer_ports)) == 1  # one kept-alive connection carried them all
