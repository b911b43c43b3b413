"""A lock file so two builds of the same briefing (or two publishes) never interleave."""

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
def exclusive(path: Path, what: str, timeout: float | None = None) -> Iterator[None]:
    """Hold an exclusive lock on `path`; wait for another holder (up to `timeout` seconds,
    default $BRIEFING_LOCK_TIMEOUT or 1 hour), then give up with a clear message."""
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
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
