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

# Quotes and apostrophes are escaped too: pandoc's `smart` extension (on in pandoc's and
# Quarto's Markdown) would otherwise curl them, and "--" / "..." would become dashes and
# ellipses; an escaped character is printed as it is, so quotations stay verbatim.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~^$@:\-\"'])")
#: Characters untrusted text may not carry into a briefing: C0/C1 controls (invalid in HTML and
#: XML) and the bidirectional embeddings, overrides and isolates, which could reorder the text
#: that follows them (right-to-left letters need none of these to display correctly).
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufff9-\ufffb]")

_TYPST_MARKER = re.compile(r"^(?:[=+/-]|\d+\.)")


def escape(text: object) -> str:
    """Untrusted text as inert, verbatim Markdown: HTML-escaped, Markdown punctuation (and the
    quotes, dashes and dots pandoc would make typographic) backslashed, line breaks folded to
    spaces (so it cannot open a heading, list or table row), control and bidirectional-override
    characters dropped."""
    s = " ".join(_INVISIBLE.sub("", str(text)).split())
    # pandoc's typst writer leaves these unescaped at the start of a table cell or list item, where
    # typst would read a heading, list or term: an invisible word joiner keeps them plain text
    lead = "\u2060" if _TYPST_MARKER.match(s) else ""
    s = html.escape(s, quote=False)
    s = _MD_SPECIAL.sub(r"\\\1", s)
    s = s.replace("...", "\\.\\.\\.")
    return lead + (s.replace(".", "\\.", 1) if re.match(r"^\d+\.", s) else s)


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
        if start < pos or end <= start:  # overlapping, or empty (nothing to bold)
            continue
        out.append(_escape_keeping_edges(text[pos:start]) if start > pos else "")
        out.append(f"**{escape(text[start:end])}**")
        if text[end:end + 1] == ".":  # typst reads `#strong[x].y` as field y of the bold text
            out.append("\u2060")
        pos = end
    out.append(_escape_keeping_edges(text[pos:]))
    joined = "".join(out)
    return joined


#: Words of a quotation the main text shows: a longer "sentence" (often a transcript or list that
#: sentence splitting could not cut) is shortened, marked […]; the appendix's tables hold it whole.
QUOTE_WORDS = 60
ELIDED = " […]"
_WORD_END = re.compile(r"\S+")


def clip_at(text: str, words: int = QUOTE_WORDS) -> int:
    """The length of `text` up to the end of its `words`-th word (all of it when shorter)."""
    for n, m in enumerate(_WORD_END.finditer(text), 1):
        if n == words:
            return m.end() if text[m.end():].strip() else len(text)
    return len(text)


def clip(text: str, words: int = QUOTE_WORDS) -> str:
    """Plain text cut after `words` words and marked […] (as it is when shorter)."""
    cut = clip_at(text, words)
    return text if cut >= len(text) else text[:cut] + ELIDED


def clip_markdown(markdown: str, words: int = QUOTE_WORDS) -> str:
    """Markdown of a quotation (escaped text with **bold** cues) cut after `words` words, marked
    […]; a bold span the cut leaves open is closed."""
    cut = clip_at(markdown, words)
    if cut >= len(markdown):
        return markdown
    head = markdown[:cut]
    if head.count("**") % 2:
        head += "**"
    return head + " \\[…\\]"


#: URL schemes that become live links; anything else (javascript:, data:, file:...) stays text.
LINK_SCHEMES = ("http", "https")
#: Characters kept as they are in a link target; all others are percent-encoded, so no target can
#: close the Markdown link or carry markup.
_URL_SAFE = ":/?#@!$&'*+,;=%~-._"


def link(text: object, url: object = None) -> str:
    """`text` (escaped) as Markdown linked to `url` (default: the text itself, an article's URL)
    when it is an http(s) URL with a host, its target percent-encoded; anything else
    (javascript:, data:, no host...) as inert text."""
    target = " ".join(_INVISIBLE.sub("", str(text if url is None else url or "")).split())
    label = escape(target if url is None else text)
    try:
        parts = urlsplit(target)
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        return label
    if parts.scheme.lower() not in LINK_SCHEMES or not parts.netloc or " " in target:
        return label
    return f"[{label}]({quote(target, safe=_URL_SAFE)})"


#: Names a sentence lists before it counts the rest ("A, B and 12 more"): prose must not grow with
#: the corpus (10,000 articles may come from hundreds of outlets).
LISTED = 8


def some(names: Sequence[str], most: int = LISTED) -> str:
    """Names (already safe Markdown) joined by commas, at most `most` of them, then how many more."""
    names = list(names)
    if len(names) <= most:
        return ", ".join(names)
    return f"{', '.join(names[:most])} and {len(names) - most:,} more"


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


#: Characters of 8 pt text across the PDF's text width (A4 or US letter, 2 cm margins), less the
#: cell insets: the budget `column_widths` shares out.
LINE_CHARS = 120
#: A column with a cell longer than this holds prose (sentences, paragraphs).
PROSE_CHARS = 80
_BRACKETED = re.compile(r"\[((?:\\.|[^\]\\])*)\](?:\(<[^>]*>\)|\{[^}]*\})")
_PROSE = re.compile(r"^\[(.*)\]\{\.prose\}$")
_MARKUP = re.compile(r"\\(?=.)|\*\*")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _shown(cell: str) -> str:
    """A Markdown cell as the reader sees it: no link targets, span classes, escapes or bold."""
    inner = _PROSE.match(cell)
    return _MARKUP.sub("", _BRACKETED.sub(r"\1", inner.group(1) if inner else cell))


def _date(text: str) -> str:
    """An ISO date that a narrow column must not break at its hyphens (class `nowrap`)."""
    return f"[{escape(text)}]{{.nowrap}}"


def column_widths(header: Sequence[str], body: Sequence[Sequence[str]], line: int = LINE_CHARS) -> list[int]:
    """Each column's share of the line, in characters (pandoc sizes wrapped columns by the dashes
    under the header). Every column gets at least its longest word, so no word is hyphenated or
    runs into the next cell ("pe-riod", "283.019+2.129"); the rest of the line goes to the
    columns whose text would wrap, in proportion to how much of it there is."""
    n = len(header)
    if not n:
        return []
    line = max(line - 2 * n, n * 4)
    shown = [[_shown(r[k]) for r in body] for k in range(n)]
    least = [max(3, max((len(w) for t in [header[k], *shown[k]] for w in t.split()), default=3)) + 1
             for k in range(n)]
    natural = [max(least[k], max((len(t) for t in shown[k]), default=0) + 1) for k in range(n)]
    if sum(natural) <= line:
        return natural
    spare = line - sum(least)
    if spare <= 0:
        return least
    extra = [natural[k] - least[k] for k in range(n)]
    total = sum(extra) or 1
    return [least[k] + int(spare * extra[k] / total) for k in range(n)]


def markdown_table(df: pd.DataFrame, *, digits: int = 2, raw: Sequence[str] = (),
                   align: dict[str, str] | None = None, links: Sequence[str] = LINK_COLUMNS) -> str:
    """A pipe table. Cells are escaped unless their column is in `raw` (already safe Markdown);
    cells of the columns in `links` become links where their URL is http(s) (see `link`).

    An article list (a `title` column beside a `url` or `link` column) shows each title as a
    link to its article instead of printing the address in a column of its own."""
    url_col = next((c for c in links if c in df.columns), None)
    if url_col and "title" in df.columns and "title" not in raw:
        df = df.assign(title=[link(t, u) for t, u in zip(df["title"], df[url_col], strict=True)])
        df = df.drop(columns=[url_col])
        raw = [*raw, "title"]
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
                cells.append(_date(v.date().isoformat()))
            elif isinstance(v, str) and _ISO_DATE.match(v):
                cells.append(_date(v))
            else:
                cells.append(escape("" if v is None or (isinstance(v, float) and pd.isna(v)) else v))
        body.append(cells)
    # a column of sentences or paragraphs: class `prose`, so the HTML keeps it wide enough to read
    for k in range(len(cols)):
        if max((len(_shown(r[k])) for r in body), default=0) > PROSE_CHARS:
            for r in body:
                r[k] = f"[{r[k]}]{{.prose}}" if r[k] else r[k]
    widths = column_widths([str(c).replace("_", " ") for c in cols], body)
    aligns = []
    for k, c in enumerate(cols):
        a = (align or {}).get(c) or ("right" if pd.api.types.is_numeric_dtype(df[c]) else "left")
        dashes = "-" * widths[k]
        aligns.append(dashes + ":" if a == "right" else ":" + dashes if a == "left" else f":{dashes}:")
    rule = "| " + " | ".join(aligns) + " |"
    rows = ["| " + " | ".join(r) + " |" for r in body]
    return "\n".join([head, rule, *rows])




def credit_markdown(credit: Any) -> str:
    """The articles' credit (a `params.Credit`) as one Markdown paragraph: authors, source,
    licence with its link, and what the briefing changed."""
    source = f" ({link(credit.source, credit.source_url)})" if credit.source else ""
    return (f"Articles by {escape(credit.authors)}{source}, under the licence "
            f"{link(credit.licence, credit.licence_url)}; each title in the article list links to "
            f"its article. {escape(credit.changes)}")


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
#: A table with more rows than this is "long": in the HTML it scrolls under a sticky header.
LONG_ROWS = 15


def table(df: pd.DataFrame, caption: str | None = None, max_rows: int = MAX_ROWS, **kwargs: Any) -> None:
    """Display a DataFrame as a Markdown table, with an optional caption line below it.

    The caption is escaped like article text: captions often hold period or actor names. A
    table longer than `max_rows` shows its first rows and says so (a briefing of 10,000
    articles must not print 10,000 rows; the full table stays in the executed notebook).
    Every table sits in a `table-wrap` div (it scrolls sideways there when wider than a phone;
    with more than `LONG_ROWS` rows, class `long`, it also scrolls down under a sticky header);
    captioned tables carry the classes `striped` and `hover` (Bootstrap's, which Quarto's HTML
    applies; the embedded renderer's stylesheet styles the same classes)."""
    shown = df.head(max_rows)
    text = markdown_table(shown, **kwargs)
    note = f"First {len(shown):,} of {len(df):,} rows." if len(df) > max_rows else ""
    if caption or note:
        text += "\n\n: " + " ".join(escape(x) for x in (caption, note) if x) + " {.striped .hover}"
    wrap = ".table-wrap" + (" .long" if len(shown) > LONG_ROWS else "")
    text = f"::: {{{wrap}}}\n{text}\n:::"
    show(text)
