"""The prepared corpus handed from `briefing run` to its notebook kernels, without its sentences.

`briefing run` prepares the corpus once; each kernel used to prepare it again (read every
article, hash it, read every cached sentence) and hold its own copy of the sentence table. Now
the run writes the small tables of its `Prepared` (documents, cleaning log, articles outside
the periods, empty articles, copies) and its keys into a folder named by $BRIEFING_PREPARED,
and a kernel whose params are the same loads them: its sentences are read from the
per-document cache by content key when a section asks for them (`Prepared.sentences_of`), or
the whole table only if a section still reads `Prepared.sentences`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

from briefing.corpus.prepare import Prepared
from briefing.files import write_atomic
from briefing.params import Params
from briefing.store.cache import DocumentCache
from briefing.store.fingerprint import FORMAT, digest

#: The folder of this run's prepared corpus (set by `briefing run` for its kernels).
PREPARED_ENV = "BRIEFING_PREPARED"
TABLES = ("documents", "removed", "outside", "empty", "copies")
RECORD = "prepared.json"


def params_digest(params: Params) -> str:
    """What a snapshot was prepared for: the params as notebooks are given them."""
    return digest(FORMAT, {k: v for k, v in params.plain().items() if k != "base_dir"})


def save_snapshot(prepared: Prepared, folder: Path) -> Path:
    """Write `prepared`'s tables and keys into `folder` (the record last, so a partial folder is
    never read)."""
    from briefing.store.results import _write_table

    folder.mkdir(parents=True, exist_ok=True)
    for name in TABLES:
        table = getattr(prepared, name)
        if table is not None:
            _write_table(table, folder / f"{name}.parquet")
    record = {"format": FORMAT, "params": params_digest(prepared.params), "corpus_hash": prepared.corpus_hash,
              "key": prepared.key, "sentences_key": prepared.sentences_key,
              "sentence_settings": prepared.sentence_settings, "computed": prepared.computed,
              "tables": [n for n in TABLES if getattr(prepared, n) is not None]}
    write_atomic(folder / RECORD, json.dumps(record, indent=1))
    return folder


def load_snapshot(params: Params, folder: Path | None = None) -> Prepared | None:
    """The prepared corpus `briefing run` left in `folder` (default: $BRIEFING_PREPARED) for
    these params, its sentences read from the per-document cache on demand; None when there is
    none, or it was prepared for other params."""
    from briefing.compute.engine import engine_for
    from briefing.store.cache import default_root
    from briefing.store.results import read_table

    where = folder or (Path(os.environ[PREPARED_ENV]) if os.environ.get(PREPARED_ENV) else None)
    if where is None:
        return None
    try:
        record = json.loads((where / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if record.get("format") != FORMAT or record.get("params") != params_digest(params):
        return None
    tables: dict[str, pd.DataFrame | None] = {n: None for n in TABLES}
    for name in record["tables"]:
        tables[name] = read_table(where / f"{name}.parquet")
    names = [p.name for p in params.periods]
    for name in ("documents", "empty"):  # Parquet drops the categories of an empty column
        table = tables[name]
        if table is not None and isinstance(table["period"].dtype, pd.CategoricalDtype):
            table["period"] = pd.Categorical(table["period"].astype(object), categories=names, ordered=True)
    return Prepared(params=params, documents=tables["documents"], removed=tables["removed"],
                    outside=tables["outside"], corpus_hash=record["corpus_hash"], empty=tables["empty"],
                    copies=tables["copies"], key=record["key"], sentences_key=record["sentences_key"],
                    sentence_settings=record["sentence_settings"], cache=DocumentCache(default_root()),
                    engine=engine_for("local", params.jobs), computed=dict(record["computed"]))
