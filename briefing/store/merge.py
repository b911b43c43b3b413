"""Merging a stage's cache segments into one, a batch of rows at a time (never a whole stage in
memory): what `StageCache.compact` does with the smaller segments of a stage."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path


def merge_segments(folder: Path, covered: Sequence[tuple[Path, set[str]]], meta: dict,
                   meta_key: bytes) -> bool:
    """Write the rows of each segment in `covered` whose doc_key is among the keys it adds (a
    document two runs computed is kept once) into one new segment of `folder`, named by the
    digest of its bytes, its metadata `meta` plus the keys. Columns are unified (a column all
    None in one segment and text in another is text). False when a segment vanished meanwhile."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    try:
        files = [(pq.ParquetFile(path), new) for path, new in covered]
    except FileNotFoundError:
        return False
    schema = pa.unify_schemas([f.schema_arrow.remove_metadata() for f, _ in files],
                              promote_options="permissive")
    keys = sorted(set().union(*(new for _, new in files)))
    first = dict(files[0][0].schema_arrow.metadata or {})
    first.pop(meta_key, None)
    schema = schema.with_metadata({**first, meta_key: json.dumps({**meta, "keys": keys}).encode()})
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".seg-", suffix=".tmp")
    os.close(fd)
    try:
        with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
            for pf, new in files:
                values = pa.array(sorted(new), type=pa.large_string())
                for batch in pf.iter_batches(batch_size=65_536):
                    table = pa.Table.from_batches([batch])
                    col = table.column("doc_key")
                    if pa.types.is_dictionary(col.type):
                        col = col.dictionary_decode()
                    table = table.filter(pc.is_in(col.cast(pa.large_string()), value_set=values))
                    writer.write_table(table.select(schema.names).cast(schema))
        h = hashlib.sha256()
        with open(tmp, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 22), b""):
                h.update(block)
        os.replace(tmp, folder / f"seg-{h.hexdigest()[:32]}.parquet")
    finally:
        Path(tmp).unlink(missing_ok=True)
    return True
