"""Compute engines: where the per-document stages run, behind one small interface.

A stage is a pure function of a table of some documents' rows, so it can run on any slice of
the corpus anywhere and the results, concatenated in order, are the same (tests compare them):
- `local`: in this process, or over this machine's cores in a process pool;
- `dask`: as Dask tasks on a `dask.distributed` cluster, an existing one (`scheduler:
  tcp://host:port`) or a local one started for the run (one worker process per job).
On Dask a stage's chunks are also combined on the workers (a tree of concatenations), so the
machine that runs `briefing run` receives one table per stage. Everything else (section
statistics, notebooks, rendering) runs on the machine that runs `briefing run`.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Protocol

import numpy as np
import pandas as pd

from briefing.compute.pool import cpu_count, idle_cpus
from briefing.errors import BriefingError

#: Below this many rows a stage runs in process on the local engine: a pool costs more than it saves.
POOL_MIN_ROWS = 20_000

Stage = Callable[[pd.DataFrame], pd.DataFrame]


class ComputeError(BriefingError):
    """Work could not be done where it was sent (a worker died, the cluster is unreachable)."""

    code = 1


Done = Callable[[pd.DataFrame], None]


def _nothing(chunk: pd.DataFrame) -> None:
    pass


class Engine(Protocol):
    name: str
    jobs: int

    def map(self, fn: Stage, chunks: list[pd.DataFrame], done: Done = _nothing) -> list[pd.DataFrame]:
        """`fn` of every chunk, in order; `done(chunk)` is called as each one is finished."""
        ...

    def describe(self) -> str: ...

    def close(self) -> None: ...


class LocalEngine:
    """This machine: one process, or a pool of `jobs` processes (fork, so workers inherit what the
    parent loaded, such as the VADER lexicon)."""

    name = "local"

    def __init__(self, jobs: int | None = None) -> None:
        self.jobs = jobs or idle_cpus()

    def map(self, fn: Stage, chunks: list[pd.DataFrame], done: Done = _nothing) -> list[pd.DataFrame]:
        out = []
        if self.jobs < 2 or len(chunks) < 2:
            for c in chunks:
                out.append(fn(c))
                done(c)
            return out
        ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
        try:
            with ProcessPoolExecutor(max_workers=self.jobs, mp_context=ctx) as pool:
                for c, result in zip(chunks, pool.map(fn, chunks), strict=True):
                    out.append(result)
                    done(c)
                return out
        except BrokenProcessPool:
            raise ComputeError(f"a worker process died while computing ({self.jobs} at once), most often "
                               "for lack of memory; run again with fewer jobs (--jobs or jobs: in params)"
                               ) from None

    def describe(self) -> str:
        return f"local engine, {self.jobs} process{'es' * (self.jobs != 1)}"

    def close(self) -> None:
        pass


class DaskEngine:
    """A `dask.distributed` cluster: the one at `scheduler`, or a local cluster of `jobs` worker
    processes started here and stopped by `close`."""

    name = "dask"

    def __init__(self, jobs: int | None = None, scheduler: str | None = None) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise ComputeError("engine: dask needs the dask and distributed packages "
                               "(pip install 'dask[distributed]'), or use engine: local", code=2) from None
        self.scheduler = scheduler
        self.jobs = jobs or cpu_count()
        self._cluster = None
        try:
            if scheduler:
                self.client = Client(scheduler, timeout="20s")
            else:
                self._cluster = LocalCluster(n_workers=self.jobs, threads_per_worker=1, processes=True,
                                             dashboard_address=None, silence_logs=40)
                self.client = Client(self._cluster)
        except (OSError, TimeoutError) as exc:
            raise ComputeError(f"scheduler: cannot reach the Dask scheduler at {scheduler} ({exc}); check "
                               "the address, or leave scheduler out for a local cluster", code=2) from None

    def map(self, fn: Stage, chunks: list[pd.DataFrame], done: Done = _nothing) -> list[pd.DataFrame]:
        from distributed import KilledWorker, as_completed

        # the documents go to the workers as data, not inside the task graph (Dask warns about
        # graphs of tens of MB, and the scheduler would hold every chunk). hash=False: a chunk
        # scattered again by a later stage gets a key of its own, never one that the release of
        # the earlier stage's futures is dropping ("lost dependencies": dask/distributed#4612)
        parts = self.client.scatter(chunks, hash=False)
        futures = self.client.map(fn, parts, pure=False)
        index = {f.key: i for i, f in enumerate(futures)}
        try:
            for finished in as_completed(futures):
                done(chunks[index[finished.key]])
            return self.client.gather(futures)
        except KilledWorker as exc:
            raise ComputeError(f"a Dask worker died while computing ({exc}), most often for lack of "
                               "memory; give the workers more memory or the chunks fewer documents") from None

    def map_concat(self, fn: Stage, chunks: list[pd.DataFrame], done: Done = _nothing) -> pd.DataFrame:
        """`fn` of every chunk, concatenated in order on the workers, two tables at a time (a
        tree reduction of depth log2 of the chunks): the machine running `briefing run` receives
        one table, not every chunk's."""
        from distributed import KilledWorker, as_completed

        parts = self.client.scatter(chunks, hash=False)
        futures = self.client.map(fn, parts, pure=False)
        index = {f.key: i for i, f in enumerate(futures)}
        level = list(futures)
        while len(level) > 1:
            level = [self.client.submit(concat_pair, *level[i:i + 2], pure=False) if i + 1 < len(level)
                     else level[i] for i in range(0, len(level), 2)]
        try:
            for finished in as_completed(futures):
                done(chunks[index[finished.key]])
            return level[0].result()
        except KilledWorker as exc:
            raise ComputeError(f"a Dask worker died while computing ({exc}), most often for lack of "
                               "memory; give the workers more memory or the chunks fewer documents") from None

    def describe(self) -> str:
        where = self.scheduler or f"a local cluster of {self.jobs} worker{'s' * (self.jobs != 1)}"
        return f"Dask engine on {where}"

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()


def concat_pair(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Two chunks' results one after the other (a step of `DaskEngine.map_concat`'s tree)."""
    return pd.concat([a, b], ignore_index=True)


#: The engines a params file may name (`engine:`).
ENGINES: dict[str, Callable[..., Engine]] = {"local": LocalEngine, "dask": DaskEngine}


def engine_for(name: str = "local", jobs: int | None = None, scheduler: str | None = None) -> Engine:
    """The engine called `name`, with `jobs` workers (default: the machine's idle cores)."""
    if name == "dask":
        return DaskEngine(jobs, scheduler)
    return ENGINES[name](jobs)


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


def map_documents(fn: Stage, table: pd.DataFrame, *, engine: Engine | None = None, jobs: int | None = None,
                  key: str = "doc_key", min_rows: int = POOL_MIN_ROWS, done: Done = _nothing) -> pd.DataFrame:
    """`fn` applied to `table` (rows of many documents) on `engine` (default: the local engine
    with `jobs` processes), in chunks of whole documents; results concatenated in input order.
    `fn` must be a module-level function or a functools.partial of one. On the local engine a
    table under `min_rows` rows is done in process. `done(chunk)` follows the progress."""
    engine = engine or LocalEngine(jobs)
    if engine.name == "local" and (engine.jobs < 2 or len(table) < min_rows):
        parts = chunks_by_document(table, max(1, len(table) // 5000), key)  # still counted as it goes
        results = LocalEngine(1).map(fn, parts, done)
        return pd.concat(results, ignore_index=True) if results else fn(table)
    parts = chunks_by_document(table, max(1, engine.jobs * 4), key)
    if isinstance(engine, DaskEngine) and len(parts) > 1:
        return engine.map_concat(fn, parts, done)  # combined on the workers
    results = engine.map(fn, parts, done)
    return pd.concat(results, ignore_index=True) if results else fn(table)
