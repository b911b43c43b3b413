"""A lock file so two builds of the same briefing (or two publishes) never interleave.

The lock is an `flock` on a file: the system releases it when its holder dies, even by
`kill -9`, so a dead run never blocks the next. The holder writes its PID into the file and
empties it when done: a PID found there on taking the lock is a run that died while holding it,
and the next run says it takes over (and clears what that run left, see `briefing run`)."""

from __future__ import annotations

import fcntl
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from briefing.errors import RunError


@contextmanager
def exclusive(path: Path, what: str, timeout: float | None = None) -> Iterator[int | None]:
    """Hold an exclusive lock on `path`; wait for another holder (up to `timeout` seconds,
    default $BRIEFING_LOCK_TIMEOUT or 1 hour), then give up with a clear message. Yields the PID
    of a previous holder that died holding it (None when the last holder finished)."""
    if timeout is None:
        timeout = float(os.environ.get("BRIEFING_LOCK_TIMEOUT", "3600"))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise RunError(f"{what} is being built by another process (lock {path}); "
                                   "try again when it has finished", code=3) from None
                if not told:
                    print(f"waiting for another build of {what} to finish (lock {path})",
                          file=sys.stderr, flush=True)
                    told = True
                time.sleep(0.5)
        dead = _previous_holder(fd)
        if dead is not None:
            print(f"a previous build of {what} (pid {dead}) died while holding its lock; taking it over",
                  file=sys.stderr, flush=True)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        try:
            yield dead
        finally:
            os.ftruncate(fd, 0)  # finished (or failed, but alive): the next holder finds no PID
    finally:
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


def _previous_holder(fd: int) -> int | None:
    """The PID left in the lock file by a holder that did not finish (it is no longer running:
    we hold the lock), or None."""
    raw = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    return int(raw) if raw.isdigit() and int(raw) != os.getpid() else None
