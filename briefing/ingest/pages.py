"""Fetched pages kept on disk, so that an interrupted ingest resumes where it stopped: each
page's body and its metadata (final URL, status, type, size), and each site's robots.txt for a
day."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from briefing.files import write_atomic

#: How long a site's robots.txt is trusted before it is asked for again (seconds).
ROBOTS_TTL = 24 * 3600


@dataclass
class Page:
    """A fetched HTML page."""

    url: str            # as asked for
    final_url: str      # after redirects
    status: int
    content_type: str
    body: bytes
    from_cache: bool = False


class PageCache:
    """Fetched pages on disk: <sha256 of the URL>.html with a .json of its metadata."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def _key(self, url: str) -> Path:
        return self.folder / hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]

    def get(self, url: str) -> Page | None:
        base = self._key(url)
        try:
            meta = json.loads(base.with_suffix(".json").read_text(encoding="utf-8"))
            body = base.with_suffix(".html").read_bytes()
        except (OSError, ValueError):
            return None
        if meta.get("url") != url or meta.get("bytes") != len(body):
            return None
        return Page(url, meta["final_url"], meta["status"], meta["content_type"], body, from_cache=True)

    def put(self, page: Page) -> None:
        base = self._key(page.url)
        write_atomic(base.with_suffix(".html"), page.body)  # the body first: the .json marks it whole
        meta = {k: v for k, v in asdict(page).items() if k not in ("body", "from_cache")}
        meta["bytes"] = len(page.body)
        meta["fetched_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        write_atomic(base.with_suffix(".json"), json.dumps(meta, indent=1))

    def get_robots(self, site: str) -> tuple[int, str] | None:
        path = self._key(f"{site}/robots.txt").with_suffix(".robots.json")
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if meta.get("site") != site or time.time() - meta.get("at", 0) > ROBOTS_TTL:
            return None
        return int(meta["status"]), str(meta["text"])

    def put_robots(self, site: str, status: int, text: str) -> None:
        path = self._key(f"{site}/robots.txt").with_suffix(".robots.json")
        write_atomic(path, json.dumps({"site": site, "status": status, "text": text, "at": time.time()}))
