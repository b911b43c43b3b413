"""A loopback news site for the ingest tests: the saved pages in tests/ingest/site/ plus the
ways real servers fail (404, a timeout, a redirect loop, a PDF, a huge page, a flaky 503).
Tests import `site_fixture`, which provides the fixture `site`.

Everything is served from 127.0.0.1 on a free port by a server the test starts and stops; the
requests it received are recorded so tests can check what was (not) fetched.
"""

from __future__ import annotations

import csv
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

SITE = Path(__file__).resolve().parent / "site"
PAGES = json.loads((SITE / "pages.json").read_text(encoding="utf-8"))
#: How long /slow.html keeps the client waiting (bounded: the server stops by itself).
SLOW_SECONDS = 2.5
HUGE_BYTES = 12 * 2**20  # above the client's default limit of 10 MB


@dataclass
class Site:
    """The running server: its base URL and the requests it received."""

    base: str
    requests: list[tuple[str, str, float]] = field(default_factory=list)   # (path, user agent, time)
    lock: threading.Lock = field(default_factory=threading.Lock)
    flaky_left: int = 1
    peer_ports: list[int] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}"

    def paths(self) -> list[str]:
        with self.lock:
            return [p for p, _, _ in self.requests]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out at once (no 40 ms delayed-ACK stalls)
    site: Site

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def _send(self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8",
              headers: dict[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeouts)
            self.close_connection = True

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        path = self.path.split("?", 1)[0]
        with self.site.lock:
            self.site.requests.append((path, self.headers.get("User-Agent", ""), time.monotonic()))
            self.site.peer_ports.append(self.client_address[1])
        if path == "/slow.html":
            time.sleep(SLOW_SECONDS)
            return self._send(200, b"<html><body><p>Too late.</p></body></html>")
        if path == "/loop/a":
            return self._send(302, b"", headers={"Location": "/loop/b"})
        if path == "/loop/b":
            return self._send(302, b"", headers={"Location": "/loop/a"})
        if path == "/moved.html":
            return self._send(301, b"", headers={"Location": "/" + PAGES[0]["path"]})
        if path == "/files/report.pdf":
            return self._send(200, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                              "application/pdf")
        if path == "/huge.html":
            return self._huge()
        if path == "/flaky.html":
            with self.site.lock:
                fail = self.site.flaky_left > 0
                self.site.flaky_left -= 1
            if fail:
                return self._send(503, b"busy", "text/plain", {"Retry-After": "0"})
            return self._send(200, (SITE / PAGES[1]["path"]).read_bytes())
        target = (SITE / path.lstrip("/")).resolve()
        if SITE in target.parents and target.is_file() and target.suffix in (".html", ".txt"):
            ctype = "text/plain; charset=utf-8" if target.suffix == ".txt" else "text/html; charset=utf-8"
            return self._send(200, target.read_bytes(), ctype)
        return self._send(404, b"<html><body><h1>Not found</h1></body></html>")

    def _huge(self) -> None:
        """An HTML page of HUGE_BYTES sent in chunks, without a Content-Length."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        piece = b"<p>" + b"Lorem ipsum dolor sit amet. " * 36 + b"</p>\n"
        sent = 0
        try:
            while sent < HUGE_BYTES:
                self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                sent += len(piece)
            self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """A client that hung up (a timeout, an abandoned download) is not an error here."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serve() -> Iterator[Site]:
    """Run the loopback site until the block ends."""
    handler = type("Handler", (_Handler,), {})
    server = _Server(("127.0.0.1", 0), handler)
    handler.site = Site(base=f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield handler.site
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(name="site")
def site_fixture() -> Iterator[Site]:
    """The loopback site, started for one test and stopped after it."""
    with serve() as running:
        yield running


def closed_port() -> int:
    """A loopback port nothing listens on (connection refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pages(kind: str | None = None) -> list[dict]:
    """The site's pages (tests/ingest/site/pages.json), optionally of one kind."""
    return [p for p in PAGES if kind is None or p["kind"] == kind]


MEDIACLOUD_HEADER = ["id", "indexed_date", "language", "media_name", "media_url", "publish_date", "title",
                     "url"]


def mediacloud_export(path: Path, site: Site, extra: list[dict] | None = None) -> Path:
    """A Media Cloud story-list export of the site's articles and bad cases: one row each."""
    rows = []
    for n, p in enumerate(PAGES):
        if p["kind"] in ("nav-only", "robots-disallowed", "french"):
            continue
        rows.append({"id": f"{n:064x}", "indexed_date": f"{p['date']} 12:00:00.000000",
                     "language": "en", "media_name": p["outlet"], "media_url": "example.com",
                     "publish_date": f"{p['date']} 08:30:00", "title": p["title"],
                     "url": site.url(p["path"])})
    bad = {"missing.html": "Missing page", "slow.html": "Slow page", "loop/a": "Loop",
           "files/report.pdf": "A PDF", "huge.html": "Huge page", "fr/tempete.html": "French page",
           "world/index.html": "Section front", "private/draft.html": "Disallowed page"}
    for where, title in bad.items():
        rows.append({"id": where, "indexed_date": "2020-06-01 12:00:00", "language": "", "media_name": "Test",
                     "media_url": "example.com", "publish_date": "2020-06-01 09:00:00", "title": title,
                     "url": site.url(where)})
    rows.extend(extra or [])
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.DictWriter(fh, fieldnames=MEDIACLOUD_HEADER)
        out.writeheader()
        out.writerows(rows)
    return path
