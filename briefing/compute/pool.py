"""Run a pure function over chunks of a list in a process pool (fork where available)."""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def cpu_count() -> int:
    """CPUs this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def idle_cpus() -> int:
    """How many workers a pool should use: every CPU available, or 1 when the machine is
    overloaded (1-minute load average above CPUs + 1), where a pool only adds overhead
    (measured with benchmarks/bench_sentiment.py on a shared 2-core machine)."""
    cpus = cpu_count()
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        return cpus
    return cpus if load <= cpus + 1 else 1


def map_chunks(fn: Callable[[list[T]], list[R]], items: Sequence[T], workers: int | None = None,
               min_items: int = 4000) -> list[R]:
    """`fn` applied to chunks of `items`, results concatenated in order.

    `fn` takes a list and returns one result per item; it must be a module-level function (or a
    functools.partial of one). Below `min_items` items, or with one worker, it runs in process.
    `workers=None` uses the idle CPUs (see `idle_cpus`).
    """
    items = list(items)
    workers = workers or idle_cpus()
    if workers < 2 or len(items) < min_items:
        return fn(items)
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
    size = -(-len(items) // (workers * 4))
    chunks = [items[k:k + size] for k in range(0, len(items), size)]
    out: list[R] = []
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        for part in pool.map(fn, chunks):
            out.extend(part)
    return out
