"""Internal links of the combined document and the explicit ids they point to.

Both renderers turn an explicit id (`## Sentiment {#sentiment}`, `::: {#appendix-sentiment}`)
into an HTML id and a Typst label. An identifier pandoc makes up from a heading's text is less
dependable: it changes with the wording, is numbered when two headings read alike, and Quarto's
Typst has lost such labels before (a typst error "label <sentiment> does not exist"). So every
`[...](#id)` in the briefing points to an explicit id, and `unlabelled_links` finds those that
do not (a test runs it on the seed and Wikinews briefings).
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from typing import Any

#: The embedded renderer's Markdown reader without automatic identifiers: only ids written in the
#: document are left, so a link to a heading that has none finds no target.
EXPLICIT_ONLY = "markdown-raw_html-raw_attribute-raw_tex-auto_identifiers"

#: Elements whose first field is an Attr (identifier, classes, attributes) in pandoc's JSON.
_ATTR_FIRST = {"Header": 1, "Div": 0, "Span": 0, "CodeBlock": 0, "Code": 0, "Table": 0, "Figure": 0}


def _walk(node: Any) -> Iterator[dict]:
    if isinstance(node, dict):
        if "t" in node:
            yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def ids_and_links(markdown: str) -> tuple[set[str], list[str]]:
    """The explicit ids `markdown` defines (on headings, divs, spans, tables, figures, links,
    images, code) and the targets of its internal links (`#id`), in order."""
    import pypandoc

    ast = json.loads(subprocess.run(
        [pypandoc.get_pandoc_path(), "--from", EXPLICIT_ONLY, "--to", "json"], input=markdown,
        capture_output=True, text=True, check=True).stdout)
    ids: set[str] = set()
    links: list[str] = []
    for el in _walk(ast.get("blocks", [])):
        kind, content = el.get("t"), el.get("c")
        if kind in _ATTR_FIRST:
            attr = content[_ATTR_FIRST[kind]]
            ids.add(attr[0])
        elif kind in ("Link", "Image"):
            ids.add(content[0][0])
            target = content[2][0]
            if kind == "Link" and target.startswith("#"):
                links.append(target[1:])
    ids.discard("")
    return ids, links


def unlabelled_links(markdown: str) -> list[str]:
    """The internal link targets of `markdown` that no explicit id in it defines, in order."""
    ids, links = ids_and_links(markdown)
    return [target for target in links if target not in ids]
