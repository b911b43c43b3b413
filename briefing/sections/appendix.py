"""The methods and provenance appendix: what was read, with which settings, by which software."""

from __future__ import annotations

import hashlib
import json
import platform
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from briefing import __version__
from briefing.corpus.prepare import Prepared

PACKAGES = ("nltk", "vaderSentiment", "pandas", "numpy", "scipy", "scikit-learn", "matplotlib",
            "papermill", "pydantic", "pypandoc_binary", "typst")


@dataclass
class Appendix:
    corpus: pd.DataFrame       # title, outlet, date, period, words, link
    cleaning: pd.DataFrame     # lines (or pieces of markup) removed per article and rule
    params_yaml: str
    provenance: pd.DataFrame   # item, value
    versions: pd.DataFrame     # package, version


def params_digest(values: dict[str, Any]) -> str:
    """SHA-256 of the params as used (canonical JSON, paths excluded)."""
    clean = {k: v for k, v in values.items() if k != "base_dir"}
    return hashlib.sha256(json.dumps(clean, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def package_versions() -> pd.DataFrame:
    rows = [("briefing", __version__), ("python", platform.python_version())]
    for name in PACKAGES:
        try:
            rows.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            rows.append((name, "not installed"))
    return pd.DataFrame(rows, columns=["package", "version"])


def fenced(text: str, lang: str = "yaml") -> str:
    """A fenced code block that no backtick run inside `text` can close early."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence} {lang}\n{text.rstrip()}\n{fence}"


def appendix(prepared: Prepared, run_info: dict[str, Any] | None = None) -> Appendix:
    """Tables of the appendix; `run_info` (renderer, run date) comes from `briefing run`."""
    from briefing.build.render import choose

    docs = prepared.documents
    corpus = docs[["title", "outlet", "date", "period", "words", "url"]].copy()
    corpus["period"] = corpus["period"].astype(str)
    corpus = corpus.rename(columns={"url": "link"})
    corpus["link"] = corpus["link"].fillna("")
    removed = prepared.removed.merge(docs[["id", "title"]], left_on="doc_id", right_on="id")
    count = removed["count"] if "count" in removed else pd.Series(1, index=removed.index)
    cleaning = (removed.assign(n=count).groupby(["title", "rule"])["n"].sum()
                .rename("lines (or pieces of markup) removed").reset_index())
    plain = prepared.params.plain()
    shown = {k: v for k, v in plain.items() if k != "base_dir"}
    params_yaml = yaml.safe_dump(shown, sort_keys=False, allow_unicode=True)
    info = dict(run_info or {})
    renderer = info.get("renderer") or f"{choose(prepared.params.renderer).describe()} (expected)"
    when = info.get("run_date") or datetime.now(UTC).isoformat(timespec="seconds")
    provenance = pd.DataFrame([
        ("params file", str(info.get("params_file") or "—")),
        ("params SHA-256 (as used)", params_digest(plain)),
        ("corpus SHA-256 (articles in the periods)", prepared.corpus_hash),
        ("articles read", str(len(docs))),
        ("articles outside every period", str(len(prepared.outside))),
        ("renderer", renderer),
        ("run date", when),
    ], columns=["item", "value"])
    return Appendix(corpus, cleaning, params_yaml, provenance, package_versions())


def params_file_label(params_file: str | Path) -> str:
    p = Path(params_file)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return p.name
