"""Run a per-document stage over a table of many documents: in this process, or in chunks over
the machine's cores. Every stage is a pure function of its rows, so the result is the same
whichever way it runs (a test compares them)."""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd

from briefing.compute.pool import idle_cpus

#: Below this many rows a stage runs in process: a pool costs more than it saves.
POOL_MIN_ROWS = 20_000


def chunks_by_document(table: pd.DataFrame, n_chunks: int, key: str = "doc_key") -> list[pd.DataFrame]:
    """`table` cut into about `n_chunks` slices of similar size, never splitting a document's rows
    (which must be contiguous, as the stages produce them)."""
    if n_chunks <= 1 or len(table) == 0:
        return [table]
    keys = table[key].to_numpy()
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])  # first row of each document
    cuts = np.unique(starts[np.searchsorted(starts, np.linspace(0, len(table), n_chunks + 1)[1:-1])])
    bounds = [0, *cuts.tolist(), len(table)]
    return [table.iloc[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


def map_documents(fn: Callable[[pd.DataFrame], pd.DataFrame], table: pd.DataFrame, *,
                  jobs: int | None = None, key: str = "doc_key", min_rows: int = POOL_MIN_ROWS
                  ) -> pd.DataFrame:
    """`fn` applied to `table` (rows of many documents), in chunks over `jobs` processes (default:
    the idle CPUs), results concatenated in the order of the input. `fn` must be a module-level
    function or a functools.partial of one."""
    jobs = jobs or idle_cpus()
    if jobs < 2 or len(table) < min_rows:
        return fn(table)
    parts = chunks_by_document(table, jobs * 4, key)
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
        results = list(pool.map(fn, parts))
    return pd.concat(results, ignore_index=True)
