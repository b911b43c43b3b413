"""Executed notebooks -> one document: a combined notebook (Quarto's input) or Markdown (pandoc's).

Both renderers read the same combined notebook, so they show the same content. Parameter
cells (`parameters`, `injected-parameters`) and all code are left out; figures carry the
Quarto cell options `#| fig-cap:` and `#| fig-alt:`.

The main document stays short whatever the corpus: a section notebook tags the cells that hold
its detail (every sentence, cue and term; article lists, logs) `appendix`, and they are moved,
per notebook, into a closing appendix, each notebook's in a div of class `details` that
details.lua turns into a collapsed `<details>` in the HTML and a one-line pointer in the PDF.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from briefing.present import escape

HIDDEN_TAGS = {"parameters", "injected-parameters"}
#: Cells with this tag go to the closing appendix (collapsed in the HTML, a pointer in the PDF).
APPENDIX_TAG = "appendix"
_OPTION = re.compile(r"^#\|\s*([\w-]+)\s*:\s*(.*)$")


@dataclass
class DocumentMeta:
    """What the document's front matter says."""

    title: str
    subtitle: str | None
    date: str
    paper: str = "a4"
    lang: str = "en"


def cell_options(source: str) -> dict[str, Any]:
    """Quarto-style `#| key: value` options at the top of a code cell."""
    opts: dict[str, Any] = {}
    for line in source.splitlines():
        m = _OPTION.match(line.strip())
        if not m:
            if line.strip():
                break
            continue
        try:
            opts[m.group(1)] = yaml.safe_load(m.group(2))
        except yaml.YAMLError:
            opts[m.group(1)] = m.group(2).strip().strip('"')
    return opts


#: Pandoc Lua filter both renderers run: "..." in article text stays three dots in the PDF.
VERBATIM_FILTER = "verbatim.lua"
#: Pandoc Lua filter both renderers run: the appendix's `details` divs -> <details> / PDF pointers.
DETAILS_FILTER = "details.lua"
#: Pandoc Lua filter Quarto runs before reading the document (`at: pre-ast`): captioned tables
#: become numbered table floats in its PDF, which otherwise dropped their captions.
TABLES_FILTER = "tables.lua"
#: Typst rules for tables, in both renderers' PDF: ragged right, no hyphen inside a word in narrow
#: cells (each column is at least as wide as its longest word: present.column_widths); a caption
#: above its table sticks to it, so a table that breaks to the next page (figures are breakable)
#: does not leave its caption alone at the foot of the page before.
TYPST_TABLES = ("#show table: set par(justify: false)\n#show table: set text(hyphenate: false)\n"
                "#show figure.caption.where(position: top): it => block(sticky: true, it)")
#: Figures float to the top or bottom of a page (typst's `placement: auto`) instead of leaving the
#: rest of a page empty when they do not fit under their text: pandoc's figures are of kind image,
#: Quarto's of kind "quarto-float-fig".
TYPST_FIGURES = ('#show figure.where(kind: image): set figure(placement: auto)\n'
                 '#show figure.where(kind: "quarto-float-fig"): set figure(placement: auto)')
#: Every Typst rule both renderers' PDF starts with: small tables (8pt, tight cells) with the rules
#: above, figures placed as above, and long tables (figures) continuing on the next page.
TYPST_RULES = ("#show table: set text(size: 8pt)\n#set table(inset: (x: 3pt, y: 4pt))\n"
               f"{TYPST_TABLES}\n{TYPST_FIGURES}\n#show figure: set block(breakable: true)")
#: The PDF's body text size and margins, the same under both renderers.
TYPST_FONTSIZE = "10pt"
TYPST_MARGIN = {"x": "2cm", "y": "2.2cm"}
#: Stylesheet added to Quarto's HTML (aligned digits, unbroken dates, sticky headers).
QUARTO_CSS = "quarto.css"


def front_matter(meta: DocumentMeta, formats: list[str] | None = None) -> str:
    """YAML front matter shared by both renderers (Quarto reads `format:`), for `formats`
    ("html", "pdf"; default both): Quarto renders every format listed here in one call.

    With both formats, the HTML's "Other Formats" links to the PDF, labelled PDF (Quarto's
    documented `format-links` form; without it the link is labelled after the typst format).
    Title and subtitle come from the params file: escaped, since YAML metadata is read as Markdown.
    """
    formats = formats or ["html", "pdf"]
    html: dict[str, Any] = {"embed-resources": True, "toc": True, "toc-depth": 2,
                            "fig-responsive": True, "anchor-sections": False, "css": [QUARTO_CSS]}
    if "pdf" in formats:
        html["format-links"] = ["html", {"format": "typst", "text": "PDF", "icon": "file-pdf"}]
    # toc-depth 1: Quarto shifts `##` headings to level 1 in the PDF (there is no `#` heading), so
    # the contents list the sections, as the embedded PDF's do
    typst = {"papersize": meta.paper, "keep-typ": True, "toc": True, "toc-depth": 1, "page-numbering": "1",
             "fontsize": TYPST_FONTSIZE, "margin": dict(TYPST_MARGIN), "fig-format": "svg",
             "include-in-header": [{"text": TYPST_RULES}]}
    data: dict[str, Any] = {
        "title": escape(meta.title),
        "date": meta.date,
        "lang": meta.lang,
        "execute": {"echo": False, "warning": False},
        "echo": False,
        "filters": [VERBATIM_FILTER, DETAILS_FILTER, {"path": TABLES_FILTER, "at": "pre-ast"}],
        "format": {**({"html": html} if "html" in formats else {}),
                   **({"typst": typst} if "pdf" in formats else {})},
    }
    if meta.subtitle:
        data["subtitle"] = escape(meta.subtitle)
    return "---\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True) + "---"


class Node(dict):
    """Notebook JSON with attribute access, as nbformat's NotebookNode gives it, without importing
    nbformat (whose schema checkers take seconds to load)."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        self[name] = value


def _node(value: Any) -> Any:
    if isinstance(value, dict):
        return Node({k: _node(v) for k, v in value.items()})
    if isinstance(value, list):
        return [_node(v) for v in value]
    return value


def read_notebook(path: Path) -> Node:
    """A notebook file (nbformat 4) as a Node; multi-line sources joined, as nbformat does."""
    nb = _node(json.loads(path.read_text(encoding="utf-8")))
    for cell in nb.get("cells", []):
        if isinstance(cell.get("source"), list):
            cell["source"] = "".join(cell["source"])
    return nb


def _cell(kind: str, source: str) -> Node:
    cell = Node(cell_type=kind, metadata=Node(), source=source)
    return cell


@dataclass
class Detail:
    """A notebook's appendix: its tagged cells, and how the closing appendix names them."""

    anchor: str          # the HTML id: appendix-<notebook name without its number>
    summary: str         # the <details> summary line (and the PDF pointer's first words)
    tables: list[str]    # the data bundle's tables holding the same detail, for the PDF pointer
    cells: list[Node]


def _appendix_meta(nb: Node, path: Path) -> tuple[str, str, list[str], bool]:
    """A notebook's appendix anchor, summary and tables (metadata `briefing.appendix`: `anchor`,
    `summary`, `tables`; by default `appendix-<name>` and "<first heading> in full"), and whether
    it opens the closing appendix (`briefing.closing`)."""
    meta = nb.get("metadata", {}).get("briefing", {})
    info = meta.get("appendix", {}) or {}
    stem = re.sub(r"^\d+_", "", path.stem)
    anchor = str(info.get("anchor") or "appendix-" + re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-"))
    heading = next((m.group(1).strip() for c in nb.get("cells", []) if c.get("cell_type") == "markdown"
                    for m in [re.match(r"^#{1,2}\s+(.+?)(?:\s+\{[^}]*\})?\s*$", c.source.strip(), re.M)]
                    if m), stem)
    summary = str(info.get("summary") or f"{heading} in full")
    return anchor, summary, [str(t) for t in info.get("tables", [])], bool(meta.get("closing"))


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def details_open(detail: Detail) -> str:
    """The fence that opens a detail div (closed by `DETAILS_CLOSE`); four colons, so that no
    fence of a table's div inside can be read as its end."""
    attrs = [f"#{detail.anchor}", ".details", f"summary={_quoted(detail.summary)}"]
    if detail.tables:
        attrs.append(f"tables={_quoted(', '.join(detail.tables))}")
    return ":::: {" + " ".join(attrs) + "}"


DETAILS_CLOSE = "::::"
#: The closing appendix's heading when no notebook opens it (metadata `briefing.closing`).
APPENDIX_HEADING = "## Appendix"


def combine(notebooks: list[Path], meta: DocumentMeta, footer: str,
            formats: list[str] | None = None) -> Node:
    """One notebook: front matter, every notebook's visible cells in order, then the closing
    appendix (each notebook's `appendix` cells, in a details div), then `footer`.

    A section with an appendix ends with a line linking to it. The notebook whose metadata says
    `briefing.closing` opens the appendix (its heading, what the appendix holds); without one, a
    heading is added."""
    out = Node(nbformat=4, nbformat_minor=5, cells=[], metadata=Node(
        kernelspec={"name": "python3", "display_name": "Python 3", "language": "python"},
        language_info={"name": "python"}))
    out.cells.append(_cell("raw", front_matter(meta, formats)))
    details: list[Detail] = []
    closing = False
    for path in notebooks:
        nb = read_notebook(path)
        anchor, summary, tables, opens = _appendix_meta(nb, path)
        closing = closing or opens
        detail = Detail(anchor, summary, tables, [])
        for cell in nb.cells:
            if HIDDEN_TAGS & set(cell.get("metadata", {}).get("tags", [])):
                continue
            if cell.cell_type == "code" and not cell.get("outputs"):
                continue
            cell.pop("id", None)
            for output in cell.get("outputs", []):
                if "image/svg+xml" in output.get("data", {}):
                    output["data"]["image/svg+xml"] = xml_safe(_text(output["data"]["image/svg+xml"]))
            if APPENDIX_TAG in cell.get("metadata", {}).get("tags", []):
                detail.cells.append(cell)
            else:
                out.cells.append(cell)
        if detail.cells:
            details.append(detail)
            if not opens:
                out.cells.append(_cell("markdown", f"*In the appendix:* [{_md_inline(summary)}](#{anchor})."))
    if details and not closing:
        out.cells.append(_cell("markdown", APPENDIX_HEADING))
    for detail in details:
        out.cells.append(_cell("markdown", details_open(detail)))
        out.cells.extend(detail.cells)
        out.cells.append(_cell("markdown", DETAILS_CLOSE))
    out.cells.append(_cell("markdown", footer))
    for i, cell in enumerate(out.cells):
        cell["id"] = f"cell-{i}"
    return out


def write_notebook(nb: Node, path: Path) -> None:
    """Write a notebook (nbformat 4 JSON), each cell's source as a list of lines as nbformat
    writes it: Quarto 1.10 joins a source given as one string without its line breaks, which ran
    a heading into the paragraph under it."""
    cells = [Node(c, source=c.source.splitlines(keepends=True)) if isinstance(c.get("source"), str)
             else c for c in nb.get("cells", [])]
    path.write_text(json.dumps(Node(nb, cells=cells), indent=1, ensure_ascii=False) + "\n",
                    encoding="utf-8")


#: Characters XML 1.0 forbids. Matplotlib writes each label into an SVG comment as it is, so an
#: actor or period name holding a control character made an SVG that typst (and browsers) refuse.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(svg: str) -> str:
    """An SVG document without the characters XML forbids."""
    return _NOT_XML.sub("", svg)


def to_markdown(nb: Node, figures_dir: Path, figure_format: str) -> str:
    """The combined notebook as pandoc Markdown for the embedded renderer.

    Markdown outputs are inlined as Markdown (pandoc's own ipynb reader would print the
    `text/plain` fallback, "<IPython.core.display.Markdown object>"); figures are written to
    `figures_dir` in `figure_format` ("svg" or "png") with their caption and alt text, linked
    relative to `figures_dir`'s parent (where the Markdown is written); code,
    plain-text results and streams are left out.
    """
    figures_dir.mkdir(parents=True, exist_ok=True)
    parts: list[str] = []
    n_fig = 0
    for cell in nb.cells:
        if cell.cell_type == "raw":
            continue  # front matter: the embedded renderer passes metadata itself
        if cell.cell_type == "markdown":
            parts.append(cell.source)
            continue
        opts = cell_options(cell.source)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if output.get("output_type") not in ("display_data", "execute_result"):
                continue
            if "text/markdown" in data:
                parts.append(_text(data["text/markdown"]))
            elif "image/svg+xml" in data or "image/png" in data:
                n_fig += 1
                path = _write_figure(data, figures_dir, f"figure-{n_fig}", figure_format)
                cap = str(opts.get("fig-cap") or "")
                alt = str(opts.get("fig-alt") or cap or f"Figure {n_fig}")
                rel = path.relative_to(figures_dir.parent).as_posix()  # pandoc runs beside it
                parts.append(f"![{_md_inline(cap)}]({rel}){{alt=\"{_attr(alt)}\"}}")
    return "\n\n".join(p.strip("\n") for p in parts if p.strip()) + "\n"


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _write_figure(data: dict, folder: Path, stem: str, preferred: str) -> Path:
    if preferred == "svg" and "image/svg+xml" in data or "image/png" not in data:
        path = folder / f"{stem}.svg"
        path.write_text(_text(data["image/svg+xml"]), encoding="utf-8")
    else:
        path = folder / f"{stem}.png"
        path.write_bytes(base64.b64decode(_text(data["image/png"])))
    return path


def _md_inline(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>])", r"\\\1", " ".join(text.split()))


def _attr(text: str) -> str:
    return " ".join(text.split()).replace("\\", "\\\\").replace('"', '\\"')
