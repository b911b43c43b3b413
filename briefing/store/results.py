"""Section results kept as files: computed once per set of inputs, then read by whatever needs them.

A section's result (a dataclass) is written field by field into one folder: each table as
Parquet (`<field>.parquet`; a table per period pair as `<field>--<n>.parquet`), everything else
(numbers, prose, findings, options) in `result.json`, and `inputs.json` last: what the result
was computed from (corpus, the params that affect it, the method's code), its key, a SHA-256
per file, and when and how long it took. A folder is written under a temporary name and renamed,
and read only when its key matches and every file's checksum holds, so a partial or corrupt
result is never trusted.

Where results live:
- `<cache>/results/<section>/<key>/`: every result computed, whatever asked for it (a
  notebook opened in Jupyter, `briefing run`), shared by reruns;
- `reports/<slug>/results/<section>/`: the results a briefing shows, beside it (its data
  bundle); during `briefing run` the build folder's, named by $BRIEFING_RESULTS_DIR.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
import types
import typing
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
from pydantic import BaseModel

from briefing.store.fingerprint import FORMAT, digest

R = TypeVar("R")

#: This run's results folder (`briefing run` sets it to the build folder's results/).
RESULTS_ENV = "BRIEFING_RESULTS_DIR"
#: The published briefing's results folder, read when the cache no longer has a result.
PREVIOUS_ENV = "BRIEFING_PREVIOUS_RESULTS"
RECORD = "inputs.json"
SCALARS = "result.json"


# -- writing and reading one result ---------------------------------------------------------------
def _kind(hint: Any) -> str:
    origin = typing.get_origin(hint)
    if hint is pd.DataFrame:
        return "table"
    if origin is dict:
        return "tables"
    if origin is list and dataclasses.is_dataclass(next(iter(typing.get_args(hint)), None)):
        return "records"
    if isinstance(hint, type) and issubclass(hint, BaseModel):
        return "model"
    if origin in (typing.Union, types.UnionType) and pd.DataFrame in typing.get_args(hint):
        return "table"
    return "value"


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _write_table(df: pd.DataFrame | None, path: Path) -> None:
    if df is None:
        return
    # zstd level 6, not Arrow's default 1: a fifth smaller (the data bundle publishes these files
    # as they are: 1,000 realistic articles 5.1 MB against 6.3 MB) for 0.2 s more per 1,000 articles
    df.to_parquet(path, compression="zstd", compression_level=6)


def read_table(path: Path) -> pd.DataFrame:
    """A stored table as it was written: Parquet keeps every dtype but one, the plain Python
    object column of strings, which pandas reads back as its string dtype; those are restored."""
    import pyarrow.parquet as pq

    df = pd.read_parquet(path)
    meta = pq.read_schema(path).pandas_metadata or {}
    for col in meta.get("columns", []):
        name = col.get("name")
        if col.get("numpy_type") == "object" and name in df.columns and df[name].dtype != object:
            df[name] = df[name].astype(object).where(df[name].notna(), None)
    return df


def save(result: Any, folder: Path, record: dict[str, Any]) -> Path:
    """Write `result` (a dataclass of tables, findings and values) into `folder`, atomically;
    `record` says what it was computed from. An existing folder is replaced."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        hints = _hints(type(result))
        values: dict[str, Any] = {}
        for f in dataclasses.fields(result):
            value = getattr(result, f.name)
            kind = _kind(hints[f.name])
            if kind == "table":
                if value is None:
                    values[f.name] = None
                else:
                    _write_table(value, tmp / f"{f.name}.parquet")
            elif kind == "tables":
                keys = list(value)
                values[f.name] = {"keys": [list(k) if isinstance(k, tuple) else k for k in keys]}
                for i, k in enumerate(keys):
                    _write_table(value[k], tmp / f"{f.name}--{i}.parquet")
            elif kind == "records":
                values[f.name] = [dataclasses.asdict(x) for x in value]
            elif kind == "model":
                values[f.name] = value.model_dump(mode="json")
            else:
                values[f.name] = value
        (tmp / SCALARS).write_text(json.dumps(values, ensure_ascii=False, indent=1, default=_plain),
                                   encoding="utf-8")
        files = {p.name: _sha256(p) for p in sorted(tmp.iterdir())}
        kind_name = f"{type(result).__module__}.{type(result).__qualname__}"
        full = {**record, "format": FORMAT, "type": kind_name, "files": files}
        (tmp / RECORD).write_text(json.dumps(full, ensure_ascii=False, indent=1, default=str),
                                  encoding="utf-8")
        tmp.chmod(0o755)
        if folder.exists():
            old = folder.with_name(f".old-{folder.name}-{os.getpid()}")
            os.rename(folder, old)
            os.rename(tmp, folder)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return folder


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, pd.Timestamp | datetime):
        return value.isoformat()
    return str(value)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_record(folder: Path) -> dict[str, Any] | None:
    """The folder's record, or None when it has none or it is unreadable."""
    try:
        return json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def verify(folder: Path, key: str | None = None) -> dict[str, Any] | None:
    """The record when the folder holds a complete result (of `key`, if given) whose files all
    match their checksums; else None."""
    record = read_record(folder)
    if not record or record.get("format") != FORMAT or (key is not None and record.get("key") != key):
        return None
    files = record.get("files") or {}
    try:
        if any(_sha256(folder / name) != sha for name, sha in files.items()):
            return None
    except OSError:
        return None
    return record


def load(cls: type[R], folder: Path, key: str | None = None) -> R | None:
    """The result stored in `folder` (of `key`, if given), or None when there is none that can
    be trusted (missing, partial, corrupt, or of another key or format)."""
    record = verify(folder, key)
    if record is None:
        return None
    try:
        values = json.loads((folder / SCALARS).read_text(encoding="utf-8"))
        hints = _hints(cls)
        kwargs: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            kind = _kind(hints[f.name])
            if kind == "table":
                path = folder / f"{f.name}.parquet"
                kwargs[f.name] = read_table(path) if path.is_file() else None
            elif kind == "tables":
                keys = values[f.name]["keys"]
                kwargs[f.name] = {(tuple(k) if isinstance(k, list) else k):
                                  read_table(folder / f"{f.name}--{i}.parquet")
                                  for i, k in enumerate(keys)}
            elif kind == "records":
                record_type = typing.get_args(hints[f.name])[0]
                kwargs[f.name] = [record_type(**x) for x in values[f.name]]
            elif kind == "model":
                kwargs[f.name] = hints[f.name].model_validate(values[f.name])
            else:
                kwargs[f.name] = _restore(values[f.name], hints[f.name])
        return _keyed(cls(**kwargs), record["key"])
    except Exception as exc:  # noqa: BLE001 - whatever cannot be read is computed again
        print(f"briefing: results: could not read {folder} ({type(exc).__name__}: {exc}); computing it again",
              file=sys.stderr)
        return None


def _restore(value: Any, hint: Any) -> Any:
    """JSON lists back to the tuples a field's type names (e.g. list[tuple[str, str]])."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is list and args and typing.get_origin(args[0]) is tuple and isinstance(value, list):
        return [tuple(v) for v in value]
    if origin is tuple and isinstance(value, list):
        return tuple(value)
    return value


# -- where results live, and the one call every section makes -------------------------------------
def results_dir() -> Path | None:
    """This run's results folder ($BRIEFING_RESULTS_DIR), when a run set one."""
    env = os.environ.get(RESULTS_ENV)
    return Path(env) if env else None


def previous_dir() -> Path | None:
    env = os.environ.get(PREVIOUS_ENV)
    return Path(env) if env else None


def _link_into(source: Path, target: Path) -> None:
    """Put a copy of the result folder `source` at `target` (hard links where possible)."""
    if target.exists() and (read_record(target) or {}).get("key") == (read_record(source) or {}).get("key"):
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        for path in source.iterdir():
            try:
                os.link(path, tmp / path.name)
            except OSError:
                shutil.copy2(path, tmp / path.name)
        tmp.chmod(0o755)
        if target.exists():
            shutil.rmtree(target)
        os.rename(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def stored(section: str, cls: type[R], inputs: dict[str, Any], compute: Callable[[], R],
           cache_root: Path | None) -> R:
    """The result of `section` for `inputs`: read from where it is kept when these inputs were
    seen before, else `compute()`d once and kept (in `cache_root`, and in this run's results
    folder when there is one)."""
    key = digest(FORMAT, section, inputs)
    here = results_dir()
    candidates = [here / section if here else None,
                  cache_root / "results" / section / key if cache_root else None,
                  previous_dir() / section if previous_dir() else None]
    for folder in [c for c in candidates if c is not None]:
        found = load(cls, folder, key)
        if found is not None:
            if here is not None and folder != here / section:
                _link_into(folder, here / section)
            return _keyed(found, key)
    started = time.perf_counter()
    result = compute()
    record = {"section": section, "key": key, "inputs": inputs,
              "computed_at": datetime.now(UTC).isoformat(timespec="seconds"),
              "seconds": round(time.perf_counter() - started, 3)}
    target = (cache_root / "results" / section / key) if cache_root else (here / section if here else None)
    if target is not None:
        save(result, target, record)
        if here is not None and target != here / section:
            _link_into(target, here / section)
    return _keyed(result, key)


def _keyed(result: R, key: str) -> R:
    object.__setattr__(result, "_stored_key", key)
    return result


def key_of(result: Any) -> str:
    """The key a result was stored under (what a reader of it, such as the summary, is keyed by)."""
    return result._stored_key


def section_result(section: str, cls: type[R], prepared: Any, inputs: dict[str, Any],
                   compute: Callable[[], R]) -> R:
    """`stored` for a section of a prepared corpus: keyed by `inputs` (the params that affect the
    section, its code) and by what the prepared corpus was computed from (`prepared.key`)."""
    root = prepared.cache.root if prepared.cache is not None else None
    return stored(section, cls, {"corpus": prepared.key, **inputs}, compute, root)
