"""A polite HTTP client; the pages it fetched are kept on disk by `briefing.ingest.pages`.

Polite: one connection per host at a time, a delay between two requests to the same host
(or the host's robots.txt Crawl-delay when longer, up to a minute), a timeout, a few retries
with exponential backoff after a timeout, a lost connection, HTTP 429 or 5xx (honouring
Retry-After), a User-Agent that says what is asking, and robots.txt respected (RFC 9309: a
robots.txt that is missing or answers 4xx allows everything; one that cannot be fetched
disallows everything). Redirects are followed by hand, so each hop is checked against its
host's robots.txt and a loop is named as one.

Every page fetched (and every robots.txt, for a day) is kept in the cache folder, so an
ingest that was interrupted, or is run again, fetches only what it does not have yet.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import urllib3
from urllib3.exceptions import (
    HTTPError,
    NameResolutionError,
    NewConnectionError,
    ProtocolError,
    SSLError,
)
from urllib3.exceptions import TimeoutError as Urllib3Timeout

from briefing import __version__
from briefing.ingest.pages import Page, PageCache

USER_AGENT = (f"briefing/{__version__} (news coverage research; fetches each page once, "
              "slowly, and respects robots.txt)")
ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"
HTML_TYPES = ("text/html", "application/xhtml+xml")
RETRY_STATUS = {429, 500, 502, 503, 504}
MAX_CRAWL_DELAY = 60.0


@dataclass
class FetchSettings:
    """How politely and how patiently to fetch."""

    delay: float = 1.0          # seconds between two requests to the same host
    timeout: float = 20.0       # seconds to connect, and to wait for each read
    retries: int = 2            # further attempts after a timeout, lost connection, 429 or 5xx
    backoff: float = 2.0        # seconds before the first retry, doubled for each next one
    max_bytes: int = 10 * 2**20  # a larger response is abandoned
    max_redirects: int = 10
    user_agent: str = USER_AGENT


class FetchError(Exception):
    """A URL that gave no page; `str()` is the reason, for the ingest report."""


def origin(url: str) -> str:
    """scheme://host[:port] of a URL: the unit of politeness and of robots.txt."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


@dataclass
class _Robots:
    parser: RobotFileParser | None  # None: everything allowed
    problem: str | None = None      # set: nothing may be fetched from this host, and why
    crawl_delay: float = 0.0


class Fetcher:
    """Fetches pages politely, from the cache when it has them. Thread-safe."""

    def __init__(self, settings: FetchSettings | None = None, cache: PageCache | None = None,
                 pool: urllib3.PoolManager | None = None) -> None:
        self.settings = settings or FetchSettings()
        self.cache = cache
        self.http = pool or urllib3.PoolManager(
            num_pools=64, maxsize=1, retries=False,
            timeout=urllib3.Timeout(connect=self.settings.timeout, read=self.settings.timeout))
        self._lock = threading.Lock()
        self._host_locks: dict[str, threading.Lock] = {}
        self._last: dict[str, float] = {}
        self._robots: dict[str, _Robots] = {}
        #: URLs requested over the network (robots.txt included), in order: for tests and stats.
        self.requested: list[str] = []

    # -- politeness ---------------------------------------------------------------------------
    def _host_lock(self, site: str) -> threading.Lock:
        with self._lock:
            return self._host_locks.setdefault(site, threading.Lock())

    def _wait_turn(self, site: str) -> None:
        """Sleep until `delay` (or the host's Crawl-delay) has passed since its last request."""
        robots = self._robots.get(site)
        gap = max(self.settings.delay, robots.crawl_delay if robots else 0.0)
        last = self._last.get(site)
        if last is not None:
            wait = last + gap - time.monotonic()
            if wait > 0:
                time.sleep(wait)

    def _request(self, url: str) -> urllib3.BaseHTTPResponse:
        """One GET of `url` (no redirects), waiting its host's turn; retries transient failures.
        The caller holds the host lock and must release the response."""
        site = origin(url)
        attempts = self.settings.retries + 1
        for attempt in range(attempts):
            self._wait_turn(site)
            self._last[site] = time.monotonic()
            with self._lock:
                self.requested.append(url)
            try:
                resp = self.http.request("GET", url, redirect=False, preload_content=False,
                                         headers={"User-Agent": self.settings.user_agent,
                                                  "Accept": ACCEPT})
            except HTTPError as exc:
                reason = describe_error(exc, self.settings.timeout)
                if attempt + 1 >= attempts or not _transient(exc):
                    tries = f" ({attempts} attempts)" if attempts > 1 and _transient(exc) else ""
                    raise FetchError(reason + tries) from None
                self._backoff(attempt, None)
                continue
            finally:
                self._last[site] = time.monotonic()
            if resp.status in RETRY_STATUS and attempt + 1 < attempts:
                retry_after = resp.headers.get("Retry-After")
                _discard(resp)
                self._backoff(attempt, retry_after)
                continue
            return resp
        raise AssertionError("unreachable")  # pragma: no cover

    def _backoff(self, attempt: int, retry_after: str | None) -> None:
        wait = self.settings.backoff * 2**attempt
        seconds = _retry_after_seconds(retry_after)
        if seconds is not None:
            wait = max(wait, min(seconds, 300.0))
        time.sleep(wait)

    # -- robots.txt ---------------------------------------------------------------------------
    def _robots_for(self, site: str) -> _Robots:
        """The host's robots.txt rules (fetched once per run, cached on disk for a day).
        The caller holds the host lock."""
        if site in self._robots:
            return self._robots[site]
        cached = self.cache.get_robots(site) if self.cache else None
        if cached is None:
            status, text, problem = self._fetch_robots(site)
            if problem is not None:
                self._robots[site] = _Robots(None, problem)
                return self._robots[site]
            if self.cache:
                self.cache.put_robots(site, status, text)
        else:
            status, text = cached
        if status >= 400:  # RFC 9309 §2.3.1.3: unavailable -> no restriction
            rules = _Robots(None)
        else:
            parser = RobotFileParser()
            parser.parse(text.splitlines())
            delay = parser.crawl_delay(self.settings.user_agent)
            rules = _Robots(parser, None, min(float(delay or 0.0), MAX_CRAWL_DELAY))
        self._robots[site] = rules
        return rules

    def _fetch_robots(self, site: str) -> tuple[int, str, str | None]:
        url = f"{site}/robots.txt"
        for _ in range(5):  # RFC 9309: follow at least five redirects
            try:
                resp = self._request(url)
            except FetchError as exc:
                return 0, "", f"{exc} (while fetching robots.txt)"
            try:
                if resp.status in (301, 302, 303, 307, 308) and resp.headers.get("Location"):
                    nxt = urljoin(url, resp.headers["Location"])
                    if origin(nxt) != site:
                        return 404, "", None  # robots.txt elsewhere: treat as unavailable
                    url = nxt
                    continue
                if resp.status >= 500:
                    return resp.status, "", f"robots.txt answers HTTP {resp.status}; not fetched"
                if resp.status >= 400:
                    return resp.status, "", None
                body = resp.read(512 * 1024, decode_content=True)
                return resp.status, body.decode("utf-8", "replace"), None
            finally:
                _discard(resp)
        return 404, "", None

    # -- pages --------------------------------------------------------------------------------
    def fetch(self, url: str, fresh: bool = False, types: tuple[str, ...] | None = HTML_TYPES) -> Page:
        """The page at `url`: from the cache, else over HTTP; FetchError says why there is none.
        `fresh`: always over HTTP and not cached (a feed, which changes); `types`: the content
        types accepted (None: any)."""
        if self.cache is not None and not fresh:
            page = self.cache.get(url)
            if page is not None:
                return page
        hops = [url]
        current = url
        while True:
            site = origin(current)
            with self._host_lock(site):
                robots = self._robots_for(site)
                if robots.problem:
                    raise FetchError(robots.problem)
                rules = robots.parser
                if rules is not None and not rules.can_fetch(self.settings.user_agent, current):
                    raise FetchError(f"robots.txt of {site} disallows it; not fetched")
                resp = self._request(current)
                try:
                    location = resp.headers.get("Location")
                    if resp.status in (301, 302, 303, 307, 308) and location:
                        nxt = urljoin(current, location)
                        if nxt in hops:
                            loop = " → ".join(urlsplit(u).path or "/" for u in [*hops[hops.index(nxt):], nxt])
                            raise FetchError(f"redirect loop ({loop})")
                        if len(hops) > self.settings.max_redirects:
                            raise FetchError(f"more than {self.settings.max_redirects} redirects")
                        hops.append(nxt)
                        current = nxt
                        continue
                    page = self._read_page(url, current, resp, types)
                finally:
                    _discard(resp)
            if self.cache is not None and not fresh:
                self.cache.put(page)
            return page

    def _read_page(self, url: str, final: str, resp: urllib3.BaseHTTPResponse,
                   types: tuple[str, ...] | None = HTML_TYPES) -> Page:
        if resp.status >= 400:
            raise FetchError(f"HTTP {resp.status} {resp.reason or ''}".strip())
        if resp.status != 200:
            raise FetchError(f"HTTP {resp.status} {resp.reason or ''}: no page".strip())
        ctype = (resp.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype and types is not None and ctype not in types:
            raise FetchError(f"not an HTML page ({ctype})")
        limit = self.settings.max_bytes
        size = resp.headers.get("Content-Length")
        if size and size.isdigit() and int(size) > limit:
            raise FetchError(f"response larger than {_mb(limit)} ({_mb(int(size))})")
        chunks, total = [], 0
        deadline = time.monotonic() + max(3 * self.settings.timeout, 30.0)
        try:
            for chunk in resp.stream(64 * 1024, decode_content=True):
                chunks.append(chunk)
                total += len(chunk)
                if total > limit:
                    raise FetchError(f"response larger than {_mb(limit)}")
                if time.monotonic() > deadline:
                    raise FetchError("download too slow; gave up")
        except HTTPError as exc:
            raise FetchError(describe_error(exc, self.settings.timeout)) from None
        body = b"".join(chunks)
        if not ctype and not body.lstrip()[:1] == b"<":
            raise FetchError("not an HTML page (no content type, and the body is not markup)")
        return Page(url, final, resp.status, ctype or "text/html", body)


def fetch_all(fetcher: Fetcher, urls: Iterable[str], on_done: Callable[[str, Page | None, str | None], None],
              jobs: int = 4) -> None:
    """Fetch every URL, hosts in parallel (`jobs` at once) and each host's URLs one after the
    other; call `on_done(url, page, reason)` for each as it finishes (from worker threads)."""
    by_site: dict[str, list[str]] = {}
    for url in dict.fromkeys(urls):
        by_site.setdefault(origin(url), []).append(url)

    stop = threading.Event()

    def work(site_urls: list[str]) -> None:
        for url in site_urls:
            if stop.is_set():
                return
            try:
                page = fetcher.fetch(url)
            except FetchError as exc:
                on_done(url, None, str(exc))
            except Exception as exc:  # noqa: BLE001 - one odd URL must not stop the others
                on_done(url, None, f"could not be fetched ({type(exc).__name__}: {exc})")
            else:
                on_done(url, page, None)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(work, u) for u in by_site.values()]
        try:
            for future in futures:
                future.result()
        except BaseException:  # Ctrl-C: finish the requests under way, start no other
            stop.set()
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def describe_error(exc: Exception, timeout: float) -> str:
    """A network error as a reason a reader understands."""
    if isinstance(exc, NameResolutionError):
        return "host name not found"
    if isinstance(exc, NewConnectionError):
        cause = re.sub(r"\[Errno -?\d+\]\s*", "", str(exc).rsplit(":", 1)[-1]).strip() or "no connection"
        return f"host unreachable ({cause})"
    if isinstance(exc, Urllib3Timeout):
        return f"timed out after {timeout:g} s"
    if isinstance(exc, SSLError):
        return "TLS/SSL error"
    if isinstance(exc, ProtocolError):
        return "connection broken"
    return f"network error ({type(exc).__name__})"


def _transient(exc: Exception) -> bool:
    return isinstance(exc, Urllib3Timeout | ProtocolError) and not isinstance(exc, NewConnectionError)


def _discard(resp: urllib3.BaseHTTPResponse) -> None:
    """Give the connection back: kept alive when the body was read to its end (or a short rest
    of known length is drained), otherwise closed."""
    try:
        remaining = resp.length_remaining
        if not resp.closed and remaining is not None and remaining <= 65536:
            resp.drain_conn()
        if not resp.closed:
            resp.close()
    except Exception:  # noqa: BLE001 - a broken connection is simply dropped
        resp.close()
    resp.release_conn()


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _mb(n: int) -> str:
    return f"{n / 2**20:.0f} MB" if n >= 2**20 else f"{n / 1024:.0f} kB"
