"""The persistent per-document cache: each stage's rows for each document, kept across runs.

Layout: `<root>/docs/<stage>/<settings digest>/seg-<sha256>.parquet`. A segment holds the rows
that one run computed for some documents (column `doc_key`, the digest of a document's
content) and lists, in its metadata, every document it covers, including those with no rows.
Its file name is the SHA-256 of its bytes, checked on every read: a file that is partial,
corrupt or of another format is discarded, with a message, and its documents are computed
again. Files are written under a temporary name and renamed, so a killed run leaves nothing a
reader would trust. A document, or a stage, whose inputs changed gets a new key or a new
settings folder, so nothing stale is ever returned.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from briefing.store.fingerprint import FORMAT, canonical, digest

#: Segments in one stage folder above which they are merged into one.
MAX_SEGMENTS = 12
#: Temporary files of a writer that died are removed after this many seconds.
STALE_TMP_SECONDS = 3600
_META = b"briefing.cache"


#: Segments whose bytes this process checked, and the keys each covers ((path, size, mtime) -> keys).
_VERIFIED: dict[tuple, set[str]] = {}


def _identity(path: Path) -> tuple | None:
    """What tells a file from one rewritten at the same path: its path, size and mtime."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (path, st.st_size, st.st_mtime_ns)


def _rows_of(pf: Any, wanted: set[str]) -> pd.DataFrame:
    """The rows of a segment (a ParquetFile) whose doc_key is in `wanted`, read a batch at a
    time and filtered in Arrow: never the whole segment as pandas objects."""
    import pyarrow as pa
    import pyarrow.compute as pc

    values = pa.array(sorted(wanted), type=pa.large_string())
    batches = []
    for b in pf.iter_batches(batch_size=65_536):
        col = b.column("doc_key")
        if pa.types.is_dictionary(col.type):  # written from a categorical column
            col = col.dictionary_decode()
        batches.append(b.filter(pc.is_in(col.cast(pa.large_string()), value_set=values)))
    table = pa.Table.from_batches(batches) if batches else pf.schema_arrow.empty_table()
    return table.replace_schema_metadata(pf.schema_arrow.metadata).to_pandas()


def _warn(message: str) -> None:
    print(f"briefing: cache: {message}", file=sys.stderr, flush=True)


class StageCache:
    """The cached rows of one stage under one set of settings."""

    def __init__(self, folder: Path, stage: str, settings_key: str,
                 warn: Callable[[str], None] = _warn) -> None:
        self.folder = folder
        self.stage = stage
        self.settings_key = settings_key
        self.warn = warn
        self.computed = 0  # documents computed (not found) by the last `table` call

    # -- reading ------------------------------------------------------------------------------
    def _segments(self) -> list[Path]:
        return sorted(self.folder.glob("seg-*.parquet")) if self.folder.is_dir() else []

    def _read(self, path: Path, wanted: set[str] | None) -> tuple[set[str], pd.DataFrame | None]:
        """(keys the segment covers, its rows for `wanted` keys); a bad segment is removed."""
        import pyarrow.parquet as pq

        keys = _VERIFIED.get(_identity(path))
        if keys is None:
            keys = self._verify(path)
            if keys is None:
                return set(), None
        if wanted is not None and not keys & wanted:
            return keys, None
        try:
            pf = pq.ParquetFile(path)
            if wanted is None or keys <= wanted:
                return keys, pf.read().to_pandas()
            return keys, _rows_of(pf, wanted)
        except FileNotFoundError:  # merged away by another process meanwhile
            return set(), None

    def _verify(self, path: Path) -> set[str] | None:
        """The keys a segment covers, once its bytes match its name's checksum and its metadata
        this stage (remembered for this process: a segment's name is the digest of its bytes);
        None for a segment gone meanwhile, or a bad one, which is removed."""
        import pyarrow.parquet as pq

        h, identity = hashlib.sha256(), _identity(path)
        try:
            with path.open("rb") as fh:  # hashed in blocks: a large segment is never held as bytes
                for block in iter(lambda: fh.read(1 << 22), b""):
                    h.update(block)
        except FileNotFoundError:  # merged away by another process meanwhile
            return None
        problem = None
        if h.hexdigest()[:32] != path.stem.removeprefix("seg-"):
            problem = "its contents do not match its checksum (partial or corrupt)"
        else:
            try:
                meta = json.loads((pq.read_schema(path).metadata or {}).get(_META, b"{}"))
                if meta.get("format") != FORMAT or meta.get("stage") != self.stage \
                        or meta.get("settings") != self.settings_key:
                    problem = "it was written by another version or for other settings"
            except FileNotFoundError:
                return None
            except Exception as exc:  # noqa: BLE001 - any unreadable file is discarded
                problem = f"it cannot be read ({type(exc).__name__})"
        if problem:
            self.warn(f"discarded {path} ({problem}); its documents are computed again")
            path.unlink(missing_ok=True)
            return None
        keys = set(meta["keys"])
        if identity is not None:
            _VERIFIED[identity] = keys
        return keys

    def missing(self, keys: Iterable[str]) -> list[str]:
        """The keys (in order, once) that no segment covers: read from the segments' metadata
        only, never their rows."""
        unique = list(dict.fromkeys(keys))
        covered: set[str] = set()
        for path in self._segments():
            found = _VERIFIED.get(_identity(path))
            covered |= found if found is not None else (self._verify(path) or set())
        return [k for k in unique if k not in covered]

    def get(self, keys: Iterable[str]) -> tuple[set[str], list[pd.DataFrame]]:
        """The keys found in the cache, and their rows (in pieces)."""
        wanted = set(keys)
        found: set[str] = set()
        parts = []
        for path in self._segments():
            covered, table = self._read(path, wanted - found)
            hit = covered & (wanted - found)
            if hit and table is not None:
                parts.append(table[table["doc_key"].isin(hit)])
                found |= hit
        return found, parts

    def pieces(self, keys: Iterable[str], arrow: bool = False) -> Iterator[Any]:
        """The kept rows of `keys`, a row group of a segment at a time (each document's rows from
        one segment only, in that segment's order): a stage too large to hold is read in pieces.
        Pandas tables, or Arrow tables when `arrow` (their dictionaries not turned into Python
        objects). Keys the cache lacks are left out (compute them first: `missing`, `put`)."""
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        remaining = set(keys)
        for _ in range(3):  # a segment merged away by another run meanwhile: look again
            before = len(remaining)
            for path in self._segments():
                covered = _VERIFIED.get(_identity(path))
                covered = covered if covered is not None else (self._verify(path) or set())
                hit = covered & remaining
                if not hit:
                    continue
                try:
                    pf = pq.ParquetFile(path)
                except FileNotFoundError:
                    continue
                values = pa.array(sorted(hit), type=pa.large_string())
                meta = pf.schema_arrow.metadata
                remaining -= hit
                for group in range(pf.num_row_groups):
                    table = pf.read_row_group(group)
                    col = table.column("doc_key").cast(pa.large_string())  # also from a dictionary
                    table = table.filter(pc.is_in(col, value_set=values))
                    if table.num_rows:
                        yield table if arrow else table.replace_schema_metadata(meta).to_pandas()
            if not remaining or len(remaining) == before:
                return

    # -- writing ------------------------------------------------------------------------------
    def put(self, keys: Sequence[str], table: pd.DataFrame) -> None:
        """Keep `table` (rows of the documents `keys`, column doc_key) as one new segment."""
        self._write(keys, table)
        if len(self._segments()) > MAX_SEGMENTS:
            self.compact()

    def _write(self, keys: Sequence[str], table: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.folder.mkdir(parents=True, exist_ok=True)
        arrow = pa.Table.from_pandas(table.reset_index(drop=True), preserve_index=False)
        meta = {"format": FORMAT, "stage": self.stage, "settings": self.settings_key,
                "keys": sorted(set(keys))}
        arrow = arrow.replace_schema_metadata({**(arrow.schema.metadata or {}),
                                               _META: json.dumps(meta).encode()})
        buf = io.BytesIO()
        pq.write_table(arrow, buf, compression="zstd")
        raw = buf.getvalue()
        target = self.folder / f"seg-{hashlib.sha256(raw).hexdigest()[:32]}.parquet"
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".seg-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(raw)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def compact(self) -> None:
        """Merge the smaller segments into one (skipped while another process is merging): the
        largest `MAX_SEGMENTS // 2` are left as they are, so a rerun that added a few documents
        does not rewrite the archive's rows. Rows are copied a batch at a time (never the whole
        stage in memory); segments whose columns cannot be unified are merged in memory."""
        lock = self.folder / ".compact.lock"
        with open(lock, "a+") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return
            segments = self._segments()
            sizes = {p: (p.stat().st_size if p.exists() else 0) for p in segments}
            merge = sorted(segments, key=lambda p: (sizes[p], p.name))[:-(MAX_SEGMENTS // 2) or None]
            if len(merge) < 2:
                return
            try:
                done = self._merge_streaming(merge)
            except (ValueError, TypeError, NotImplementedError) as exc:  # pyarrow: columns not unifiable
                self.warn(f"merging {self.folder.name} in memory ({type(exc).__name__})")
                done = False
            if not done:
                self._merge_in_memory(merge)
            for path in merge:
                path.unlink(missing_ok=True)

    def _covered(self, paths: Sequence[Path]) -> list[tuple[Path, set[str]]]:
        """Each readable segment with the keys it adds to those before it (a document two runs
        computed is kept once)."""
        seen: set[str] = set()
        out = []
        for path in paths:
            keys = _VERIFIED.get(_identity(path))
            keys = keys if keys is not None else self._verify(path)
            if keys is None:
                continue
            out.append((path, keys - seen))
            seen |= keys
        return out

    def _merge_in_memory(self, paths: Sequence[Path]) -> None:
        parts, keys = [], set()
        for path, new in self._covered(paths):
            _, table = self._read(path, None)
            if table is not None:
                parts.append(table[table["doc_key"].isin(new)])
            keys |= new
        if parts:
            self._write(sorted(keys), pd.concat(parts, ignore_index=True))

    def _merge_streaming(self, paths: Sequence[Path]) -> bool:
        """Copy the rows of `paths` into one new segment a batch at a time; False when a segment
        vanished meanwhile (nothing written)."""
        from briefing.store.merge import merge_segments

        meta = {"format": FORMAT, "stage": self.stage, "settings": self.settings_key}
        return merge_segments(self.folder, self._covered(paths), meta, _META)

    # -- both ---------------------------------------------------------------------------------
    def table(self, keys: Sequence[str], compute: Callable[[list[str]], pd.DataFrame]) -> pd.DataFrame:
        """The rows of every document in `keys`: from the cache where kept, else from
        `compute(missing keys)` (which must return rows for exactly those documents), then kept."""
        unique = list(dict.fromkeys(keys))
        found, parts = self.get(unique)
        missing = [k for k in unique if k not in found]
        self.computed = len(missing)
        if missing:
            fresh = compute(missing)
            self.put(missing, fresh)
            parts.append(fresh)
        if not parts:
            return compute([])
        non_empty = [p for p in parts if len(p)] or parts[:1]
        return pd.concat(non_empty, ignore_index=True)


class DocumentCache:
    """Every stage's per-document results under one root folder (shared by all briefings)."""

    def __init__(self, root: Path, warn: Callable[[str], None] = _warn) -> None:
        self.root = Path(root)
        self.warn = warn

    def stage(self, stage: str, settings: Any) -> StageCache:
        """The cache of `stage` under `settings` (JSON-able; its digest names the folder)."""
        key = digest(FORMAT, stage, settings, length=24)
        folder = self.root / "docs" / stage / key
        if not folder.is_dir():
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "settings.json").write_text(canonical({"stage": stage, "settings": settings}) + "\n",
                                                  encoding="utf-8")
        else:
            os.utime(folder)  # last used: what pruning goes by
        return StageCache(folder, stage, key, self.warn)

    def corpus_table(self, name: str, key: str, compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """A table computed from a whole corpus (such as its copies), kept under `key` (a digest
        of everything it depends on); a file whose bytes do not match its checksum is recomputed."""
        import pyarrow.parquet as pq

        folder = self.root / "corpus" / name
        for path in sorted(folder.glob(f"{key}-*.parquet")) if folder.is_dir() else []:
            raw = path.read_bytes()
            if hashlib.sha256(raw).hexdigest()[:32] == path.stem.rpartition("-")[2]:
                return pq.read_table(io.BytesIO(raw)).to_pandas()
            self.warn(f"discarded {path} (partial or corrupt); computing it again")
            path.unlink(missing_ok=True)
        table = compute()
        buf = io.BytesIO()
        table.reset_index(drop=True).to_parquet(buf, compression="zstd")
        raw = buf.getvalue()
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".table-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        os.replace(tmp, folder / f"{key}-{hashlib.sha256(raw).hexdigest()[:32]}.parquet")
        return table

    def sweep(self, max_age_days: float = 30.0) -> None:
        """Remove temporary files of dead writers, and stage folders unused for `max_age_days`."""
        now = time.time()
        docs = self.root / "docs"
        if not docs.is_dir():
            return
        for tmp in docs.glob("*/*/.seg-*.tmp"):
            try:
                if now - tmp.stat().st_mtime > STALE_TMP_SECONDS:
                    tmp.unlink()
            except FileNotFoundError:
                pass
        import shutil

        for folder in docs.glob("*/*"):
            try:
                if folder.is_dir() and now - folder.stat().st_mtime > max_age_days * 86400:
                    shutil.rmtree(folder, ignore_errors=True)
            except FileNotFoundError:
                pass


def default_root(reports_dir: Path | None = None) -> Path:
    """$BRIEFING_CACHE_DIR, else `<reports>/.cache` (reports: the checkout's reports/ folder)."""
    env = os.environ.get("BRIEFING_CACHE_DIR")
    if env:
        return Path(env)
    if reports_dir is None:
        from briefing.files import CHECKOUT

        reports_dir = CHECKOUT / "reports"
    return Path(reports_dir) / ".cache"
