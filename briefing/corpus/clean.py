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
    #: Source markup inside a kept line (a wiki's speaker labels): each match is cut out.
    inline_patterns: tuple[tuple[str, re.Pattern[str]], ...] = ()
    allcaps_min_letters: int = 12
    allcaps_min_upper_share: float = 0.9
    allcaps_min_words: int = 3
    block_markers: frozenset[str] = field(default_factory=frozenset)
    block_max_words: int = 25
    block_max_lines: int = 15
    header_repeated_title: bool = True
    header_dateline: bool = True
    header_max_lines: int = 3


def _patterns(spec: dict[str, Any], key: str, source: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    pats = []
    for i, item in enumerate(spec.get(key) or []):
        if not isinstance(item, dict) or "pattern" not in item:
            raise ParamsError(f"{source}: {key}[{i}]: needs 'name' and 'pattern'")
        flags = re.I if "i" in str(item.get("flags", "")) else 0
        try:
            pats.append((str(item.get("name", key.replace("_", " ").rstrip("s"))),
                         re.compile(item["pattern"], flags)))
        except re.error as exc:
            raise ParamsError(f"{source}: {key}[{i}].pattern: invalid regex ({exc})") from None
    return tuple(pats)


def _compile(spec: dict[str, Any], source: str) -> Rules:
    caps = spec.get("allcaps_headline")
    header = spec.get("header") or {}
    if caps is None:  # a rules file without the section does not use the rule
        caps = {"min_letters": 10**9}
    return Rules(
        line_patterns=_patterns(spec, "line_patterns", source),
        inline_patterns=_patterns(spec, "inline_patterns", source),
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


def rules_text(path: str | Path | None = None) -> tuple[str, str]:
    """The rules file's text and a name for it: the shipped rules, or the YAML file at `path`."""
    if path is None:
        text = resources.files("briefing").joinpath("resources/cleaning_rules.yaml").read_text("utf-8")
        return text, "briefing/resources/cleaning_rules.yaml"
    p = Path(path)
    if not p.is_file():
        raise ParamsError(f"cleaning.rules: {p} not found; give a YAML rules file")
    return p.read_text(encoding="utf-8"), str(p)


def load_rules(path: str | Path | None = None, extra_line_patterns: list[str] | None = None,
               extra_block_markers: list[str] | None = None,
               extra_inline_patterns: list[str] | None = None) -> Rules:
    """The shipped rules (or the YAML file at `path`), plus extras from params."""
    if path is None:
        text, source = rules_text(None)
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
        spec["inline_patterns"] = list(spec.get("inline_patterns") or []) + [
            {"name": "params inline pattern", "pattern": p} for p in extra_inline_patterns or []
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
    is a dict with `line` (1-based line number in the body), `text`, `rule`, `kind` "line" and
    `count` 1. Source markup cut out of kept lines (`inline_patterns`) is logged once per rule,
    `kind` "markup": `line` is the first line it was cut from, `text` the distinct pieces (with
    how often each was cut), `count` the pieces cut in all.
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

    kept: list[str] = []
    cut: dict[str, tuple[int, dict[str, int]]] = {}  # rule -> (first line, piece -> count)
    for i in nonblank:
        if i in removed:
            continue
        line, found = lines[i], []
        for name, pattern in rules.inline_patterns:
            pieces = [" ".join(m.group(0).split()) for m in pattern.finditer(line) if m.group(0).strip()]
            if pieces:
                found += [(name, piece) for piece in pieces]
                line = pattern.sub(" ", line)
        if not found:
            kept.append(line.strip())
        elif not line.split():  # nothing but markup: the whole line goes, under the first rule
            removed[i] = found[0][0]
        else:
            kept.append(" ".join(line.split()))
            for name, piece in found:
                counts = cut.setdefault(name, (i, {}))[1]
                counts[piece] = counts.get(piece, 0) + 1
    log = [{"line": i + 1, "text": lines[i].strip(), "rule": removed[i], "kind": "line", "count": 1}
           for i in sorted(removed)]
    for name, (first, counts) in cut.items():
        shown = ", ".join(f"{piece} ×{n}" if n > 1 else piece for piece, n in counts.items())
        log.append({"line": first + 1, "text": shown, "rule": name, "kind": "markup",
                    "count": sum(counts.values())})
    log.sort(key=lambda entry: entry["line"])
    return kept, log


def rules_fingerprint(rules: Rules) -> dict[str, Any]:
    """The rules as plain values: what the clean stage's cache is keyed by."""
    return {
        "line_patterns": [(name, pat.pattern, pat.flags) for name, pat in rules.line_patterns],
        "inline_patterns": [(name, pat.pattern, pat.flags) for name, pat in rules.inline_patterns],
        "allcaps": [rules.allcaps_min_letters, rules.allcaps_min_upper_share, rules.allcaps_min_words],
        "block": [sorted(rules.block_markers), rules.block_max_words, rules.block_max_lines],
        "header": [rules.header_repeated_title, rules.header_dateline, rules.header_max_lines],
    }


#: Columns of the clean stage: a paragraph kept (kind "paragraph", n its index) or something set
#: aside (kind "removed", n its line number, rule the rule that removed it, cut "line" for a whole
#: line or "markup" for source markup cut out of kept lines, count the pieces cut).
CLEAN_COLUMNS = ["doc_key", "kind", "n", "text", "rule", "cut", "count"]


def clean_table(documents: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """The clean stage for a batch of documents (columns doc_key, text, title): one row per kept
    paragraph and per entry of the cleaning log, documents in input order."""
    rows: list[tuple] = []
    for key, text, title in zip(documents["doc_key"], documents["text"], documents["title"], strict=True):
        kept, log = clean_document(text, rules, title=title)
        rows.extend((key, "paragraph", i, para, None, None, 0) for i, para in enumerate(kept))
        rows.extend((key, "removed", e["line"], e["text"], e["rule"], e["kind"], e["count"]) for e in log)
    table = pd.DataFrame(rows, columns=CLEAN_COLUMNS)
    return table.astype({"n": "int64", "count": "int64"})
