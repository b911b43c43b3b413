"""Faults a run meets: being killed, and running out of disk, permissions or programs.

`checkpoint` names the moments a test may kill a run at (BRIEFING_KILL_AT=<name> makes the
process SIGKILL itself there, as `kill -9` would). `resource_error` turns an operating-system
error into one line saying what ran out and what to do; the run's outputs are written beside
the previous briefing and swapped in only at the end, so that briefing is left as it was.
"""

from __future__ import annotations

import errno
import os
import signal
from pathlib import Path

from briefing.errors import RunError

#: Exit code for a run stopped by a missing resource (sysexits' EX_IOERR / EX_CANTCREAT family).
RESOURCE_EXIT = 74


def checkpoint(name: str) -> None:
    """A named moment of a run; killed here when BRIEFING_KILL_AT names it (tests only)."""
    if os.environ.get("BRIEFING_KILL_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


def resource_error(exc: OSError, where: Path) -> RunError | None:
    """One line for an error that means a resource ran out (None for any other error)."""
    path = exc.filename or where
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return RunError(f"no space left on the device holding {path} ({exc.strerror}); free some space "
                        f"(the cache in {where / '.cache'} can be deleted) and run again; the previous "
                        "briefing is unchanged", code=RESOURCE_EXIT)
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return RunError(f"cannot write {path} ({exc.strerror}); make {where} writable or pass "
                        "--reports DIR; the previous briefing is unchanged", code=RESOURCE_EXIT)
    if exc.errno in (errno.ENOMEM,):
        return RunError(f"out of memory ({exc.strerror}); run with fewer jobs (--jobs 1) or on a "
                        "machine with more memory", code=RESOURCE_EXIT)
    return None
