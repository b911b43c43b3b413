"""Boilerplate removal: set aside the lines of an article body that are not the article.

Rules are data (resources/cleaning_rules.yaml, overridable in params). Every removed line is
kept in a log with the rule that removed it, so the briefing can show what was taken out.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from briefing.errors import ParamsError, one_line
from briefing.files import read_yaml

_DATE_ONLY = re.compile(
    r"^\s*(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    r"(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}"
    r"|\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{4}"
    r"|\d{4}-\d{2}-\d{2})\s*$",
    re.I,
)


@dataclass(frozen=True)
class Rules:
    """Compiled cleaning rules."""

    line_patterns: tuple[tuple[str, re.Pattern[str]], ...]
    allcaps_min_letters: int = 12
    allcaps_min_upper_share: float = 0.9
    allcaps_min_words: int = 3
    block_markers: frozenset[str] = field(default_factory=frozenset)
    block_max_words: int = 25
    block_max_lines: int = 15
    header_repeated_title: bool = True
    header_dateline: bool = True
    header_max_lines: int = 3


def _compile(spec: dict[str, Any], source: str) -> Rules:
    pats = []
    for i, item in enumerate(spec.get("line_patterns") or []):
        if not isinstance(item, dict) or "pattern" not in item:
            raise ParamsError(f"{source}: line_patterns[{i}]: needs 'name' and 'pattern'")
        flags = re.I if "i" in str(item.get("flags", "")) else 0
        try:
            pats.append((str(item.get("name", "line pattern")), re.compile(item["pattern"], flags)))
        except re.error as exc:
            raise ParamsError(f"{source}: line_patterns[{i}].pattern: invalid regex ({exc})") from None
    caps = spec.get("allcaps_headline")
    header = spec.get("header") or {}
    if caps is None:  # a rules file without the section does not use the rule
        caps = {"min_letters": 10**9}
    return Rules(
        line_patterns=tuple(pats),
        allcaps_min_letters=int(caps.get("min_letters", 12)),
        allcaps_min_upper_share=float(caps.get("min_upper_share", 0.9)),
        allcaps_min_words=int(caps.get("min_words", 3)),
        block_markers=frozenset(_norm(m) for m in spec.get("block_markers") or []),
        block_max_words=int(spec.get("block_max_words", 25)),
        block_max_lines=int(spec.get("block_max_lines", 15)),
        header_repeated_title=bool(header.get("repeated_title", False)),
        header_dateline=bool(header.get("dateline", False)),
        header_max_lines=int(header.get("max_lines", 3)),
    )


def load_rules(path: str | Path | None = None, extra_line_patterns: list[str] | None = None,
               extra_block_markers: list[str] | None = None) -> Rules:
    """The shipped rules (or the YAML file at `path`), plus extras from params."""
    if path is None:
        text = resources.files("briefing").joinpath("resources/cleaning_rules.yaml").read_text("utf-8")
        source = "briefing/resources/cleaning_rules.yaml"
        spec = yaml.safe_load(text) or {}
    else:
        source = str(path)
        spec = read_yaml(Path(path), ParamsError, "cleaning rules file (cleaning.rules)") or {}
    if not isinstance(spec, dict):
        raise ParamsError(f"{source}: expected a mapping with line_patterns, block_markers...")
    spec = dict(spec)
    try:
        spec["line_patterns"] = list(spec.get("line_patterns") or []) + [
            {"name": "params pattern", "pattern": p} for p in extra_line_patterns or []
        ]
        spec["block_markers"] = list(spec.get("block_markers") or []) + list(extra_block_markers or [])
        return _compile(spec, source)
    except (TypeError, ValueError, AttributeError) as exc:
        raise ParamsError(f"{source}: a rule has a value of the wrong kind ({one_line(str(exc))[:100]}); "
                          "follow the layout of briefing/resources/cleaning_rules.yaml") from None


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("‘", "'")
    return " ".join(text.casefold().split()).strip(" .:")


def _is_allcaps(line: str, rules: Rules) -> bool:
    letters = [c for c in line if c.isalpha()]
    if len(letters) < rules.allcaps_min_letters or len(line.split()) < rules.allcaps_min_words:
        return False
    return sum(c.isupper() for c in letters) / len(letters) >= rules.allcaps_min_upper_share


def clean_document(text: str, rules: Rules, title: str | None = None) -> tuple[list[str], list[dict]]:
    """Split a body into kept paragraphs (one per non-blank line) and removed lines.

    Pure: depends only on this document's text and title and on the rules. Each removed line
    is a dict with `line` (1-based line number in the body), `text` and `rule`.
    """
    lines = text.splitlines()
    removed: dict[int, str] = {}
    nonblank = [i for i, line in enumerate(lines) if line.strip()]

    # Trailing navigation block: the earliest marker after which every line is short.
    for pos, i in enumerate(nonblank):
        if _norm(lines[i]) in rules.block_markers:
            tail = nonblank[pos + 1:]
            if len(tail) <= rules.block_max_lines and all(
                len(lines[j].split()) <= rules.block_max_words for j in tail
            ):
                for j in [i, *tail]:
                    removed[j] = "trailing navigation block"
                break

    # Header: a repeated title or a bare dateline among the first lines.
    for i in nonblank[: rules.header_max_lines]:
        if rules.header_repeated_title and title and _norm(lines[i]) == _norm(title):
            removed.setdefault(i, "headline repeated in body")
        elif rules.header_dateline and _DATE_ONLY.match(lines[i]):
            removed.setdefault(i, "dateline")

    for i in nonblank:
        if i in removed:
            continue
        line = lines[i]
        for name, pattern in rules.line_patterns:
            if pattern.search(line):
                removed[i] = name
                break
        else:
            if _is_allcaps(line, rules):
                removed[i] = "all-caps promo headline"

    kept = [lines[i].strip() for i in nonblank if i not in removed]
    log = [{"line": i + 1, "text": lines[i].strip(), "rule": removed[i]} for i in sorted(removed)]
    return kept, log


def rules_fingerprint(rules: Rules) -> dict[str, Any]:
    """The rules as plain values: what the clean stage's cache is keyed by."""
    return {
        "line_patterns": [(name, pat.pattern, pat.flags) for name, pat in rules.line_patterns],
        "allcaps": [rules.allcaps_min_letters, rules.allcaps_min_upper_share, rules.allcaps_min_words],
        "block": [sorted(rules.block_markers), rules.block_max_words, rules.block_max_lines],
        "header": [rules.header_repeated_title, rules.header_dateline, rules.header_max_lines],
    }


#: Columns of the clean stage: a paragraph kept (kind "paragraph", n its index) or a line set
#: aside (kind "removed", n its line number, rule the rule that removed it).
CLEAN_COLUMNS = ["doc_key", "kind", "n", "text", "rule"]


def clean_table(documents: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """The clean stage for a batch of documents (columns doc_key, text, title): one row per kept
    paragraph and per removed line, documents in input order."""
    rows: list[tuple] = []
    for key, text, title in zip(documents["doc_key"], documents["text"], documents["title"], strict=True):
        kept, log = clean_document(text, rules, title=title)
        rows.extend((key, "paragraph", i, para, None) for i, para in enumerate(kept))
        rows.extend((key, "removed", e["line"], e["text"], e["rule"]) for e in log)
    table = pd.DataFrame(rows, columns=CLEAN_COLUMNS)
    table["n"] = table["n"].astype("int64")
    return table
