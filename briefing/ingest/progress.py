"""Progress of a long ingest on stderr: a bar with counts and rate on a terminal (tqdm), plain
lines every few seconds otherwise (a log, CI), nothing when quiet."""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO


class Progress:
    """Counts items done and set aside; thread-safe."""

    def __init__(self, total: int, what: str = "items", *, quiet: bool = False,
                 stream: TextIO | None = None, interval: float = 5.0, tty: bool | None = None) -> None:
        self.total, self.what, self.quiet = total, what, quiet
        self.stream = stream or sys.stderr
        self.interval = interval
        self.done = self.set_aside = 0
        self._t0 = self._last = time.monotonic()
        self._lock = threading.Lock()
        self._bar = None
        is_tty = tty if tty is not None else getattr(self.stream, "isatty", lambda: False)()
        if not quiet and is_tty and total:
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit=what.rstrip("s") or "item", file=self.stream,
                             dynamic_ncols=True, desc="ingest", leave=False, mininterval=min(0.1, interval))

    def update(self, set_aside: bool = False) -> None:
        """One more item finished (set aside or not)."""
        with self._lock:
            self.done += 1
            self.set_aside += bool(set_aside)
            if self.quiet:
                return
            if self._bar is not None:
                self._bar.update(1)
                self._bar.set_postfix_str(f"{self.set_aside} set aside", refresh=False)
            elif time.monotonic() - self._last >= self.interval:
                self._line()

    def _line(self) -> None:
        elapsed = max(time.monotonic() - self._t0, 1e-9)
        share = f" ({100 * self.done / self.total:.0f}%)" if self.total else ""
        print(f"ingest: {self.done}/{self.total} {self.what}{share}, {self.done / elapsed:.1f}/s, "
              f"{self.set_aside} set aside", file=self.stream, flush=True)
        self._last = time.monotonic()

    def close(self) -> None:
        """Remove the bar, or print a last line when lines were printed along the way."""
        with self._lock:
            if self._bar is not None:
                self._bar.close()
                self._bar = None
            elif not self.quiet and self._last > self._t0:
                self._line()
