"""The methods and provenance appendix: what was read, with which settings, by which software."""

from __future__ import annotations

import hashlib
import json
import platform
import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from briefing import __version__
from briefing.corpus.prepare import Prepared
from briefing.periods import statement
from briefing.store.fingerprint import code_digest
from briefing.store.results import section_result

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


#: Params fields that only label the document (shown in its header), left out of what the
#: appendix reports as the params used, so a new title alone changes no result.
LABELS = ("title", "subtitle", "base_dir")


def appendix(prepared: Prepared, params_label: str | None = None) -> Appendix:
    """The appendix's tables: computed once per corpus, params (all but the title and subtitle),
    params file, software versions and code, then read from where they are kept.

    `params_label` is the params file as the briefing names it (from `briefing run`); the
    renderer and the run date are in the document's footer."""
    versions = package_versions()
    shown = {k: v for k, v in prepared.params.plain().items() if k not in LABELS}
    inputs = {"params": shown, "params_file": params_label, "versions": versions.values.tolist(),
              "code": code_digest(__name__)}
    return section_result("appendix", Appendix, prepared, inputs,
                          lambda: compute_appendix(prepared, shown, params_label, versions))


def compute_appendix(prepared: Prepared, shown: dict[str, Any], params_label: str | None,
                     versions: pd.DataFrame) -> Appendix:
    docs = prepared.documents
    corpus = docs[["title", "outlet", "date", "period", "words", "url"]].copy()
    corpus["period"] = corpus["period"].astype(str)
    corpus = corpus.rename(columns={"url": "link"})
    corpus["link"] = corpus["link"].fillna("")
    removed = prepared.removed.merge(docs[["id", "title"]], left_on="doc_id", right_on="id")
    count = removed["count"] if "count" in removed else pd.Series(1, index=removed.index)
    cleaning = (removed.assign(n=count).groupby(["title", "rule"])["n"].sum()
                .rename("lines (or pieces of markup) removed").reset_index())
    params_yaml = yaml.safe_dump(shown, sort_keys=False, allow_unicode=True)
    provenance = pd.DataFrame([
        ("params file", str(params_label or "—")),
        ("params SHA-256 (as used, title and subtitle aside)", params_digest(shown)),
        ("corpus SHA-256 (articles in the periods)", prepared.corpus_hash),
        ("articles read", str(len(docs))),
        ("articles outside every period", str(len(prepared.outside))),
        *([("periods (rolling)", statement(prepared.params))] if prepared.params.rolling else []),
    ], columns=["item", "value"])
    return Appendix(corpus, cleaning, params_yaml, provenance, versions)


def params_file_label(params_file: str | Path) -> str:
    p = Path(params_file)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return p.name
