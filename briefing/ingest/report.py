"""The ingest report: one entry per input (a row, a URL, a page) saying what became of it.

`summary()` fits on one screen: what came in, what was set aside grouped by reason, the copies
found, and the first set-aside inputs. `write()` keeps every entry in <corpus>/ingest-report.tsv
(a tab-separated table a spreadsheet opens; the loader ignores it), after a first line
recording the source and its digest, so `briefing run` can tell whether the source changed.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from briefing.files import write_atomic

REPORT_NAME = "ingest-report.tsv"
STATUSES = ("new", "unchanged", "replaced", "conflict", "set aside")
COLUMNS = ("input", "url", "status", "reason", "file", "copy_of", "similarity")


@dataclass
class Entry:
    """What became of one input."""

    where: str
    url: str = ""
    status: str = "set aside"
    reason: str = ""
    file: str = ""
    copy_of: str = ""
    similarity: float | None = None


@dataclass
class Report:
    """Every input's entry, the source's description and the copies found in the corpus."""

    source: str
    into: Path
    digest: str = ""
    entries: list[Entry] = field(default_factory=list)
    corpus_articles: int = 0
    fetched: int = 0       # requests sent (retries and redirects included; robots.txt not)
    from_cache: int = 0    # pages read from the page cache
    feeds_read: int = 0    # feeds and sitemaps read (a feed source)

    @property
    def came_in(self) -> list[Entry]:
        return [e for e in self.entries if e.status in ("new", "unchanged", "replaced")]

    @property
    def set_aside(self) -> list[Entry]:
        return [e for e in self.entries if e.status in ("set aside", "conflict")]

    @property
    def copies(self) -> list[Entry]:
        return [e for e in self.came_in if e.copy_of]

    def exit_code(self) -> int:
        """0 when at least one article came in (or, for feeds, at least one feed could be read:
        a quiet week is no failure), 1 when nothing usable did."""
        return 0 if self.came_in or self.feeds_read else 1

    def summary(self, shown: int = 8) -> str:
        """What came in, what was set aside and why, on one screen."""
        counts = Counter(e.status for e in self.entries)
        lines = [f"briefing ingest: {self.source}"]
        parts = [f"{counts[s]} {s}" for s in ("new", "unchanged", "replaced") if counts[s]]
        lines.append(f"  came in:    {len(self.came_in):>5} article{_s(len(self.came_in))} → {self.into}"
                     + (f" ({', '.join(parts)})" if parts else ""))
        if self.fetched or self.from_cache:
            lines.append(f"  pages:      {self.fetched:>5} requests over the network, {self.from_cache} "
                         "pages from the cache")
        aside = self.set_aside
        lines.append(f"  set aside:  {len(aside):>5}")
        reasons = Counter(_reason_kind(e) for e in aside)
        for reason, n in reasons.most_common(8):
            lines.append(f"      {n:>5}  {reason}")
        if len(reasons) > 8:
            lines.append(f"      {sum(n for _, n in reasons.most_common()[8:]):>5}  other reasons")
        copies = self.copies
        if copies:
            groups = len({e.copy_of for e in copies})
            lines.append(f"  copies:     {len(copies):>5} wire cop{'ies' if len(copies) != 1 else 'y'} or "
                         f"near-duplicate{_s(len(copies))} of {groups} article{_s(groups)} "
                         "(a briefing keeps the earliest of each)")
        if aside:
            lines.append("  set aside (first):" if len(aside) > shown else "  set aside:")
            width = min(max(len(e.where) for e in aside[:shown]), 40)
            for e in aside[:shown]:
                what = f"{e.where:<{width}}"
                if e.url:
                    what += f"  {_short(e.url, 50)}"
                lines.append(f"    {what}  {e.reason}")
        lines.append(f"  corpus:     {self.corpus_articles:>5} article{_s(self.corpus_articles)} load from "
                     f"{self.into}; full report: {self.into / REPORT_NAME}")
        return "\n".join(lines)

    def write(self) -> Path:
        """Every entry to <into>/ingest-report.tsv (atomically)."""
        buf = io.StringIO()
        buf.write(f"# source: {self.source}; sha256: {self.digest}\n")
        out = csv.writer(buf, delimiter="\t", lineterminator="\n")
        out.writerow(COLUMNS)
        for e in self.entries:
            sim = "" if e.similarity is None else f"{e.similarity:.3f}"
            out.writerow([e.where, e.url, e.status, e.reason, e.file, e.copy_of, sim])
        return write_atomic(self.into / REPORT_NAME, buf.getvalue())


def recorded_digest(into: Path) -> str | None:
    """The source digest the last ingest into `into` recorded, if any."""
    try:
        with (into / REPORT_NAME).open(encoding="utf-8") as fh:
            first = fh.readline()
    except OSError:
        return None
    m = re.search(r"sha256: ([0-9a-f]+)", first)
    return m.group(1) if m else None


def _reason_kind(e: Entry) -> str:
    """A reason without its particulars (URL paths, counts), for grouping."""
    reason = e.reason
    reason = re.sub(r"\(([^()]*→[^()]*)\)", "", reason)          # redirect chains
    reason = re.sub(r": '.*'$|: \".*\"$", "", reason)             # quoted values
    reason = re.sub(r"\(\d+ MB\)|\(\d+ kB\)", "", reason)
    return " ".join(reason.split())


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


def _s(n: int) -> str:
    return "" if n == 1 else "s"
