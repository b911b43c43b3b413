"""Hand memory that Python has freed back to the system, between the stages of a large run.

Reading a corpus builds and drops millions of small objects (records, strings, Arrow buffers);
glibc keeps the freed pages in the process, so after `load_corpus` of 100,000 articles the
process held 2.4 GiB for a table of 0.6 GiB, and every forked worker shared that bloated heap.
`malloc_trim(0)` returns the free pages (the remedy Dask's documentation gives for its workers'
"memory not released back to the OS"); elsewhere than glibc it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from functools import lru_cache


@lru_cache(maxsize=1)
def _trim():  # noqa: ANN202 - a ctypes function, or None
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to trim
        return None


def release() -> None:
    """Collect garbage and return the heap's free pages to the system, where the C library can."""
    gc.collect()
    trim = _trim()
    if trim is not None:
        trim(0)
