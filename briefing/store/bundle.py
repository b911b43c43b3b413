"""The data bundle: every table behind a briefing, for the analyst to use.

A briefing's results (`reports/<slug>/results/<section>/`) are Parquet files readable with
pandas alone, one folder per section; `load_results` reads them back as the sections' result
objects in one call. `write_bundle` packs them into the zip the briefing links to
(`briefing-data.zip`, next to the HTML and on the site): the Parquet files as stored (typed,
compressed, copied without being read), each section's `result.json` and `inputs.json`, and
`tables.csv` listing the tables, so `load_results("briefing-data.zip")` works on a downloaded
bundle too. `python -m briefing.store.bundle --csv SOURCE TARGET` makes the same tables as CSV
for spreadsheets. README.md, "Data bundle", says what each table holds.
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import os
import re
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import pandas as pd

from briefing.errors import BriefingError
from briefing.files import FILE_MODE
from briefing.store.fingerprint import code_digest, digest
from briefing.store.results import RECORD, SCALARS, load, read_record

BUNDLE = "briefing-data.zip"
ORDER = ("corpus", "sentiment", "framing", "topics", "summary", "appendix")
#: The bundle's formats: Parquet (the default, what the briefing links to) and CSV (spreadsheets).
FORMATS = ("parquet", "csv")


def _sections(results: Path) -> list[Path]:
    found = [p for p in results.iterdir() if p.is_dir() and read_record(p)] if results.is_dir() else []
    return sorted(found, key=lambda p: (ORDER.index(p.name) if p.name in ORDER else len(ORDER), p.name))


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", str(text)).strip("-") or "x"


@contextmanager
def _results_folder(source: str | Path) -> Iterator[Path]:
    """The results folder of `source`: a briefing (`reports/<slug>`), its `results/` folder, or
    a data bundle (`briefing-data.zip`, unpacked into a temporary folder for the duration)."""
    path = Path(source)
    if path.is_file():
        try:
            with tempfile.TemporaryDirectory(prefix="briefing-bundle-") as tmp, zipfile.ZipFile(path) as zf:
                if not any(n.endswith(f"/{RECORD}") for n in zf.namelist()):
                    raise BriefingError(f"{path}: not a Parquet data bundle (no section's {RECORD} in it); "
                                        "load the bundle a briefing links to, or its reports/<slug> folder")
                zf.extractall(tmp)  # member names are sanitised by zipfile (no absolute paths, no ..)
                yield Path(tmp)
        except zipfile.BadZipFile:
            raise BriefingError(f"{path}: not a zip file; give a briefing-data.zip or a reports/<slug> "
                                "folder") from None
        return
    if not path.is_dir():
        raise BriefingError(f"{path}: no such briefing, results folder or data bundle")
    yield path / "results" if (path / "results").is_dir() else path


def _stored_tables(results: Path) -> Iterator[tuple[str, Path]]:
    """(table name, Parquet file) of every stored table, in the sections' order; a table per
    period pair gets the pair in its name, `<section>/<table>/<A> vs <B>`."""
    for folder in _sections(results):
        scalars = json.loads((folder / SCALARS).read_text(encoding="utf-8"))
        for path in sorted(folder.glob("*.parquet")):
            name, _, index = path.stem.partition("--")
            if index:
                a, b = scalars[name]["keys"][int(index)]
                yield f"{folder.name}/{name}/{a} vs {b}", path
            else:
                yield f"{folder.name}/{name}", path


def tables(source: str | Path) -> dict[str, pd.DataFrame]:
    """Every stored table of a briefing, its results folder or its data bundle, named
    `<section>/<table>` (or `<section>/<table>/<A> vs <B>`), read with pandas alone."""
    with _results_folder(source) as results:
        return {name: pd.read_parquet(path) for name, path in _stored_tables(results)}


def load_results(briefing: str | Path) -> dict[str, Any]:
    """The sections' results of a briefing (`reports/<slug>`, its `results/` folder or its
    `briefing-data.zip`), as the objects the sections return:
    `load_results("reports/x")["sentiment"].periods`."""
    out: dict[str, Any] = {}
    with _results_folder(briefing) as results:
        for section in _sections(results):
            module, _, name = read_record(section)["type"].rpartition(".")
            cls = getattr(importlib.import_module(module), name)
            result = load(cls, section)
            if result is None:
                raise ValueError(f"{section.name}: the stored result is incomplete or corrupt; "
                                 "run the briefing again")
            out[section.name] = result
    return out


def bundle_key(results: Path, fmt: str = "parquet") -> str:
    """What a bundle holds: the stored results it is made from (their keys), its format and how
    it is made."""
    keys = [(folder.name, (read_record(folder) or {}).get("key")) for folder in _sections(results)]
    return digest(keys, fmt, code_digest(__name__))


def _arrow_ready(df: pd.DataFrame) -> pd.DataFrame:
    """`df` with timestamp columns that hold whole days as dates, so Arrow writes 2019-01-01
    as pandas does, not 2019-01-01 00:00:00.000000."""
    out = df
    for col in df.columns:
        values = df[col]
        if pd.api.types.is_datetime64_any_dtype(values) and (values.dropna() == values.dropna()
                                                             .dt.normalize()).all():
            out = out.copy() if out is df else out
            out[col] = values.dt.date
    return out


def _arrow_writes(t: Any) -> bool:
    """Whether Arrow's CSV writer takes a column of type `t` (checked before a byte is written)."""
    import pyarrow as pa

    if pa.types.is_dictionary(t):
        return _arrow_writes(t.value_type)
    return any(check(t) for check in (pa.types.is_integer, pa.types.is_floating, pa.types.is_boolean,
                                      pa.types.is_string, pa.types.is_large_string, pa.types.is_date,
                                      pa.types.is_timestamp, pa.types.is_null, pa.types.is_decimal))


def write_csv(df: pd.DataFrame, fh: IO[bytes]) -> None:
    """`df` as UTF-8 CSV with a header row and no index, into the binary file `fh`.

    Arrow's writer (multithreaded C++) is ten times faster than pandas' on large tables
    (449,820 sentences: 1.1 s against 10.4 s); a table Arrow cannot write as CSV (a column
    of lists or mixed objects) goes through pandas. Both read back alike with pd.read_csv."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    try:
        table = pa.Table.from_pandas(_arrow_ready(df), preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError, TypeError):
        table = None
    if table is not None and all(_arrow_writes(f.type) for f in table.schema):
        pacsv.write_csv(table, fh, pacsv.WriteOptions(quoting_style="needed"))
        return
    text = io.TextIOWrapper(fh, encoding="utf-8", newline="")
    df.to_csv(text, index=False)
    text.flush()
    text.detach()  # the zip entry is closed by its owner, not by this wrapper


def _parquet_info(path: Path) -> tuple[int, list[str]]:
    """Rows and columns of a stored Parquet table, from its footer (the table is not read)."""
    import pyarrow.parquet as pq

    schema = pq.read_schema(path)
    index = {c for c in (schema.pandas_metadata or {}).get("index_columns", []) if isinstance(c, str)}
    return pq.ParquetFile(path).metadata.num_rows, [n for n in schema.names if n not in index]


def _pack(results: Path, zf: zipfile.ZipFile, fmt: str) -> list[dict[str, Any]]:
    """Write every table of `results` into `zf`, one at a time; their rows of tables.csv."""
    index = []
    for name, path in _stored_tables(results):
        if fmt == "parquet":  # the stored file itself: typed, already compressed (zstd)
            file = f"{path.parent.name}/{path.name}"
            zf.write(path, file, compress_type=zipfile.ZIP_STORED)
            rows, columns = _parquet_info(path)
        else:
            df = pd.read_parquet(path)
            file = "/".join(_safe(part) for part in name.split("/")) + ".csv"
            with zf.open(file, "w", force_zip64=True) as raw:
                write_csv(df, raw)
            rows, columns = len(df), [str(c) for c in df.columns]
            del df
        index.append({"table": name, "file": file, "rows": rows, "columns": "; ".join(columns)})
    return index


def write_bundle(results: Path, target: Path, previous: Path | None = None, fmt: str = "parquet") -> Path:
    """Pack every stored table (Parquet as stored, or `fmt="csv"`), each section's numbers,
    prose and record as JSON, and an index of the tables into the zip `target`, written
    atomically and table by table (a corpus's sentence table can be large). A `previous`
    bundle made from the same results in the same format is reused as it is."""
    if fmt not in FORMATS:
        raise ValueError(f"bundle format {fmt!r}: use one of {', '.join(FORMATS)}")
    key = bundle_key(results, fmt)
    if previous is not None and previous.is_file():
        try:
            with zipfile.ZipFile(previous) as old:
                same = old.comment.decode("ascii", "replace") == key
        except (OSError, zipfile.BadZipFile):
            same = False
        if same:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(previous, target)
            return target
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.fchmod(fd, FILE_MODE)  # published beside the HTML: readable as any new file is
    os.close(fd)
    try:
        # CSV at level 1: a quarter of the default's time for files a sixth larger (10,000
        # articles: 1.5 s against 5.8 s for 235 MB of CSV); Parquet files are stored as they are
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            index = _pack(results, zf, fmt)
            for folder in _sections(results):
                for extra in (SCALARS, RECORD):
                    zf.write(folder / extra, f"{folder.name}/{extra}")
            zf.writestr("tables.csv", pd.DataFrame(index, columns=["table", "file", "rows", "columns"])
                        .to_csv(index=False))
            zf.writestr("README.txt", README[fmt])
            zf.comment = key.encode("ascii")
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


_COMMON = """tables.csv lists every file with its table name, rows and columns. Each section's folder also
holds result.json (its numbers, prose and findings) and inputs.json (what it was computed from:
corpus digest, the params that affect it, the code's digest, when, and in how many seconds).
The project's README.md, "Data bundle", describes each table.
"""
README = {
    "parquet": "Tables behind this briefing, as Parquet files (typed: integers, decimals, dates and\n"
    "categories read back as they were computed), one folder per section. A table per pair of\n"
    "periods is stored once per pair (topics/distinctive--0.parquet, ...; tables.csv names the pair).\n"
    "Read one with pandas.read_parquet (or R's arrow, DuckDB, Polars); in Python,\n"
    "briefing.store.bundle.load_results(\"briefing-data.zip\") reads them all back as the sections'\n"
    "results, and `python -m briefing.store.bundle --csv briefing-data.zip tables-csv.zip` writes\n"
    "the same tables as CSV for spreadsheets.\n" + _COMMON,
    "csv": "Tables behind this briefing, as CSV files (UTF-8, comma-separated, a header row), made from\n"
    "its Parquet data bundle by `python -m briefing.store.bundle --csv`.\n" + _COMMON,
}


def main(argv: list[str] | None = None) -> int:
    """`python -m briefing.store.bundle [--csv] SOURCE TARGET`: a briefing's tables as a bundle."""
    parser = argparse.ArgumentParser(prog="python -m briefing.store.bundle",
                                     description="Write a briefing's tables as a data bundle (a zip).")
    parser.add_argument("source", help="reports/<slug>, its results/ folder, or a briefing-data.zip")
    parser.add_argument("target", help="the zip to write, e.g. tables-csv.zip")
    parser.add_argument("--csv", dest="fmt", action="store_const", const="csv", default="parquet",
                        help="CSV files instead of Parquet (for spreadsheets)")
    args = parser.parse_args(argv)
    target = Path(args.target)
    try:
        if target.exists() and target.resolve() == Path(args.source).resolve():
            raise BriefingError(f"{target}: the target is the source; name another file")
        with _results_folder(args.source) as results:
            if not _sections(results):
                raise BriefingError(f"{args.source}: holds no section results; run the briefing first")
            write_bundle(results, target, fmt=args.fmt)
    except BriefingError as exc:
        print(f"briefing: {exc}", file=sys.stderr)
        return exc.code
    except OSError as exc:
        print(f"briefing: {exc.filename or target}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
