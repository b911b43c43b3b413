"""Presenting results in notebooks as Markdown, safely.

Everything a notebook shows goes out as `text/markdown` (never `text/html`: Quarto would then
pull require.js and jQuery from a CDN). Text that comes from articles is untrusted: `escape`
makes it inert in Markdown and HTML, so a title holding `<script>` or `[x](javascript:...)`
shows as those characters and does nothing.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote, urlsplit

import pandas as pd

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~^$@:-])")
#: Characters untrusted text may not carry into a briefing: C0/C1 controls (invalid in HTML and
#: XML) and the bidirectional embeddings, overrides and isolates, which could reorder the text
#: that follows them (right-to-left letters need none of these to display correctly).
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufff9-\ufffb]")

_TYPST_MARKER = re.compile(r"^(?:[=+/-]|\d+\.)")


def escape(text: object) -> str:
    """Untrusted text as inert Markdown: HTML-escaped, Markdown punctuation backslashed,
    line breaks folded to spaces (so it cannot open a heading, list or table row), control and
    bidirectional-override characters dropped."""
    s = " ".join(_INVISIBLE.sub("", str(text)).split())
    # pandoc's typst writer leaves these unescaped at the start of a table cell or list item, where
    # typst would read a heading, list or term: an invisible word joiner keeps them plain text
    lead = "\u2060" if _TYPST_MARKER.match(s) else ""
    s = html.escape(s, quote=False)
    s = _MD_SPECIAL.sub(r"\\\1", s)
    return lead + (s.replace(".", "\\.") if re.match(r"^\d+\.", s) else s)


def _escape_keeping_edges(text: str) -> str:
    """`escape`, but a space at either edge survives (it separates the text from a bold span)."""
    if not text:
        return ""
    if not text.strip():
        return " "
    return (" " if text[0].isspace() else "") + escape(text) + (" " if text[-1].isspace() else "")


def bold_spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Escape `text`, making the character ranges in `spans` bold (for highlighted cue words)."""
    out, pos = [], 0
    for start, end in sorted(spans):
        if start < pos:
            continue
        out.append(_escape_keeping_edges(text[pos:start]) if start > pos else "")
        out.append(f"**{escape(text[start:end])}**")
        if text[end:end + 1] == ".":  # typst reads `#strong[x].y` as field y of the bold text
            out.append("\u2060")
        pos = end
    out.append(_escape_keeping_edges(text[pos:]))
    joined = "".join(out)
    return joined


#: URL schemes that become live links; anything else (javascript:, data:, file:...) stays text.
LINK_SCHEMES = ("http", "https")
#: Characters kept as they are in a link target; all others are percent-encoded, so no target can
#: close the Markdown link or carry markup.
_URL_SAFE = ":/?#@!$&'*+,;=%~-._"


def link(url: object) -> str:
    """An article's URL as Markdown: a live link for an http(s) URL with a host, its text
    escaped and its target percent-encoded; any other URL (javascript:, data:...) as inert text."""
    text = " ".join(_INVISIBLE.sub("", str(url)).split())
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        return escape(text)
    if parts.scheme.lower() not in LINK_SCHEMES or not parts.netloc or " " in text:
        return escape(text)
    return f"[{escape(text)}]({quote(text, safe=_URL_SAFE)})"


def fmt_number(value: Any, digits: int = 2) -> str:
    """Numbers for prose and tables: a true minus sign, fixed digits, '–' for missing."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}".replace("-", "−")
    if isinstance(value, float):
        return f"{value:,.{digits}f}".replace("-", "−")
    return str(value)


#: Columns shown as links (see `link`) unless a table says otherwise.
LINK_COLUMNS = ("url", "link")


_UNESCAPED_PIPE = re.compile(r"(?<!\\)((?:\\\\)*)\|")


def markdown_table(df: pd.DataFrame, *, digits: int = 2, raw: Sequence[str] = (),
                   align: dict[str, str] | None = None, links: Sequence[str] = LINK_COLUMNS) -> str:
    """A pipe table. Cells are escaped unless their column is in `raw` (already safe Markdown);
    cells of the columns in `links` become links where their URL is http(s) (see `link`)."""
    cols = list(df.columns)
    # underscores become spaces so long column names can wrap in narrow (PDF) columns
    head = "| " + " | ".join(escape(str(c).replace("_", " ")) for c in cols) + " |"
    body = []
    for row in df.itertuples(index=False):
        cells = []
        for c, v in zip(cols, row, strict=True):
            if c in raw:  # escape only the pipes escaping left unescaped, so none can split the cell
                cells.append(_UNESCAPED_PIPE.sub(r"\1\\|", str(v).replace("\n", " ")))
            elif c in links and isinstance(v, str) and v.strip():
                cells.append(link(v))
            elif isinstance(v, float | int) and not isinstance(v, bool):
                cells.append(fmt_number(v.item() if hasattr(v, "item") else v, digits))
            elif isinstance(v, pd.Timestamp):
                cells.append(v.date().isoformat())
            else:
                cells.append(escape("" if v is None or (isinstance(v, float) and pd.isna(v)) else v))
        body.append(cells)
    # Dashes in proportion to each column's widest cell: pandoc sizes wrapped columns by them.
    aligns = []
    for k, c in enumerate(cols):
        a = (align or {}).get(c) or ("right" if pd.api.types.is_numeric_dtype(df[c]) else "left")
        width = max([*(len(w) for w in str(c).replace("_", " ").split()), *(len(r[k]) for r in body)])
        dashes = "-" * max(8, min(40, width))
        aligns.append(dashes + ":" if a == "right" else ":" + dashes if a == "left" else f":{dashes}:")
    rule = "| " + " | ".join(aligns) + " |"
    rows = ["| " + " | ".join(r) + " |" for r in body]
    return "\n".join([head, rule, *rows])


class Markdown:
    """A Markdown display object: `text/markdown` plus a readable `text/plain` fallback."""

    def __init__(self, text: str) -> None:
        self.text = text

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        return {"text/markdown": self.text, "text/plain": self.text}


def show(text: str) -> None:
    """Display Markdown in a notebook (prints it when not in IPython)."""
    try:
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython is a dependency
        print(text)
        return
    display(Markdown(text))


MAX_ROWS = 120


def table(df: pd.DataFrame, caption: str | None = None, max_rows: int = MAX_ROWS, **kwargs: Any) -> None:
    """Display a DataFrame as a Markdown table, with an optional caption line below it.

    The caption is escaped like article text: captions often hold period or actor names. A
    table longer than `max_rows` shows its first rows and says so (a briefing of 10,000
    articles must not print 10,000 rows; the full table stays in the executed notebook)."""
    shown = df.head(max_rows)
    text = markdown_table(shown, **kwargs)
    note = f"First {len(shown):,} of {len(df):,} rows." if len(df) > max_rows else ""
    if caption or note:
        text += "\n\n: " + " ".join(escape(x) for x in (caption, note) if x)
    show(text)
