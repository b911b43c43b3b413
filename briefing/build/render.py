"""Rendering executed notebooks into one HTML and one PDF, behind one interface.

Two backends: the Quarto CLI when found (`QUARTO_PATH`, else `quarto` on PATH), and an
embedded renderer built from the engines Quarto itself uses: pandoc (pypandoc_binary wheel)
for HTML and Markdown -> typst, and typst (typst wheel) for the PDF, no LaTeX.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from briefing.build.combine import (
    DETAILS_FILTER,
    QUARTO_CSS,
    TABLES_FILTER,
    TYPST_FONTSIZE,
    TYPST_MARGIN,
    TYPST_RULES,
    VERBATIM_FILTER,
    DocumentMeta,
    Node,
    combine,
    to_markdown,
    write_notebook,
)
from briefing.build.faults import checkpoint
from briefing.build.tools import failure
from briefing.build.tools import run as run_tool
from briefing.errors import RunError
from briefing.present import escape

PANDOC_READER = "markdown-raw_html-raw_attribute-raw_tex"  # article text can never become markup


@dataclass(frozen=True)
class Renderer:
    """A backend that was found: its name, version and how to call it."""

    name: str          # "quarto" or "embedded"
    version: str       # "Quarto 1.6.40" or "pandoc 3.9, typst 0.15.2"
    executable: str | None = None

    def describe(self) -> str:
        return f"{'Quarto CLI' if self.name == 'quarto' else 'embedded renderer'} ({self.version})"


def find_quarto() -> str | None:
    """The Quarto CLI: `QUARTO_PATH` if set (and executable), else `quarto` on PATH."""
    env = os.environ.get("QUARTO_PATH")
    if env:
        return env if Path(env).is_file() and os.access(env, os.X_OK) else None
    return shutil.which("quarto")


def _quarto_version(exe: str) -> str:
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=60, check=True)
    except (OSError, subprocess.SubprocessError) as exc:
        raise RunError(f"quarto at {exe} does not run ({exc}); fix QUARTO_PATH or use renderer: "
                       "embedded") from None
    return f"Quarto {out.stdout.strip()}"


def embedded_version() -> str:
    import pypandoc
    import typst

    return f"pandoc {pypandoc.get_pandoc_version()}, typst {typst.__version__}"


def choose(preference: str) -> Renderer:
    """The backend for `preference` ("auto", "quarto" or "embedded")."""
    if preference in ("auto", "quarto"):
        exe = find_quarto()
        if exe:
            return Renderer("quarto", _quarto_version(exe), exe)
        if preference == "quarto":
            raise RunError("renderer: 'quarto' was asked for but no Quarto CLI was found (set "
                           "QUARTO_PATH or put quarto on PATH; pip: briefing[quarto]), or use "
                           "renderer: auto", code=2)
    return Renderer("embedded", embedded_version())


def footer_text(renderer: Renderer, params_label: str, when: datetime) -> str:
    stamp = when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (f"::: {{.provenance}}\nRendered by the {renderer.describe()} on {stamp} from "
            f"{escape(params_label)}.\n:::")


def render(notebooks: list[Path], out_dir: Path, formats: list[str], meta: DocumentMeta,
           renderer: Renderer, params_label: str, when: datetime | None = None,
           logs: Path | None = None) -> list[Path]:
    """Render `notebooks` (executed, in order) into `out_dir`/briefing.{html,pdf}.

    A tool that fails raises a one-line RunError naming it and its first error; its full output
    is kept in `logs` (default: `out_dir`/_render, which is kept when rendering fails)."""
    when = when or datetime.now(UTC)
    nb = combine(notebooks, meta, footer_text(renderer, params_label, when), formats)
    work = out_dir / "_render"
    work.mkdir(parents=True, exist_ok=True)
    logs = logs or work
    for name in (VERBATIM_FILTER, DETAILS_FILTER):
        (work / name).write_text(_resource(name), encoding="utf-8")
    outputs = []
    if renderer.name == "quarto":
        src = work / "briefing.ipynb"
        write_notebook(nb, src)
        for name in (QUARTO_CSS, TABLES_FILTER):
            (work / name).write_text(_resource(name), encoding="utf-8")
        outputs = _quarto(renderer.executable or "quarto", src, formats, out_dir, logs)
    else:  # the formats at once: pandoc and typst are separate programs, one per core
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=len(formats)) as pool:
            futures = [pool.submit(_embedded, nb, work, fmt, meta, out_dir, logs, pdf_link="pdf" in formats)
                       for fmt in formats]
            for fmt, future in zip(formats, futures, strict=True):
                outputs.append(future.result())
                checkpoint(f"rendered-{fmt}")
    shutil.rmtree(work, ignore_errors=True)
    return outputs


def _resource(name: str) -> str:
    return resources.files("briefing").joinpath(f"resources/{name}").read_text("utf-8")


def _quarto(exe: str, src: Path, formats: list[str], out_dir: Path, logs: Path) -> list[Path]:
    """Every format in one `quarto render` of briefing.ipynb (its front matter lists them): the
    outputs are briefing.html and briefing.pdf, and the HTML's "Other Formats" link points at
    the PDF. (Rendering each format on its own with --output made that link point at the HTML.)"""
    try:
        run_tool([exe, "render", src.name, "--no-execute"], src.parent, "quarto render",
                 logs / "quarto.log", errors_fail=True)
    except RunError:
        typ = src.parent / "briefing.typ"  # the Typst Quarto wrote (keep-typ), beside the log
        if typ.is_file() and typ.parent != logs:
            shutil.copyfile(typ, logs / typ.name)
        raise
    outputs = []
    for fmt in formats:
        name = f"briefing.{fmt}"
        produced = src.parent / name
        if not produced.is_file():
            raise RunError(f"quarto render produced no {name}")
        final = out_dir / name
        os.replace(produced, final)
        outputs.append(final)
        checkpoint(f"rendered-{fmt}")  # the same moments as the embedded renderer's
    return outputs


def _embedded(nb: Node, work: Path, fmt: str, meta: DocumentMeta,
              out_dir: Path, logs: Path, pdf_link: bool = False) -> Path:
    try:
        import pypandoc

        pandoc = pypandoc.get_pandoc_path()
    except (ImportError, OSError):
        raise RunError("pandoc not found (it comes with the pypandoc_binary package): run `make setup` "
                       "or pip install pypandoc_binary, or use renderer: quarto", code=2) from None
    fig_format = "svg"
    md = to_markdown(nb, work / f"figures-{fmt}", fig_format)
    src = work / f"briefing-{fmt}.md"
    src.write_text(md, encoding="utf-8")
    common = [pandoc, src.name, "--from", PANDOC_READER, "--standalone", "--toc",
              "--lua-filter", DETAILS_FILTER,
              "--metadata", f"title={meta.title}", "--metadata", f"date={meta.date}",
              "--metadata", f"lang={meta.lang}"]
    if meta.subtitle:
        common += ["--metadata", f"subtitle={meta.subtitle}"]
    final = out_dir / f"briefing.{fmt}"
    if fmt == "html":
        for name in ("briefing.css", "briefing.html"):
            (work / f"template-{name}").write_text(_resource(name), encoding="utf-8")
        out = work / "briefing.html"
        links = ["--variable", "pdf-link=briefing.pdf"] if pdf_link else []
        run_tool([*common, "--to", "html5", "--embed-resources", "--css", "template-briefing.css",
              "--template", "template-briefing.html", *links,
              "--toc-depth", "2", "--output", out.name], work, "pandoc (HTML)", logs / "pandoc-html.log")
    else:
        try:
            import typst
        except ImportError:
            raise RunError("typst not found (the typst package makes the PDF): run `make setup` or pip "
                           "install typst, use renderer: quarto, or set outputs: [html]", code=2) from None

        typ = work / "briefing.typ"
        # --columns small: every pipe table gets relative column widths (from its dashes) and wraps
        # inside the page instead of overflowing it.
        run_tool([*common, "--to", "typst", "--columns", "30", "--toc-depth", "2",
              "--lua-filter", VERBATIM_FILTER,
              "--variable", f"papersize={meta.paper}",
              *(arg for rule in TYPST_RULES.splitlines()
                for arg in ("--variable", f"header-includes={rule}")),
              "--variable", "page-numbering=1", "--variable", f"fontsize={TYPST_FONTSIZE}",
              *(arg for side, size in TYPST_MARGIN.items()
                for arg in ("--variable", f"margin.{side}={size}")),
              "--output", typ.name], work, "pandoc (typst)", logs / "pandoc-typst.log")
        out = work / "briefing.pdf"
        try:
            typst.compile(str(typ), output=str(out), root=str(work))
        except Exception as exc:  # noqa: BLE001 - typst raises its own error types
            raise _typst_failure(exc, typ, logs / "typst.log") from None
    os.replace(out, final)
    return final


def _typst_failure(exc: Exception, typ: Path, log: Path) -> RunError:
    """typst's first error (the message of its TypstError) as one line; its diagnostic, with the
    source lines it points at, and hints in the log."""
    message = str(getattr(exc, "message", "") or exc).strip() or type(exc).__name__
    detail = [str(getattr(exc, "diagnostic", "") or ""), *map(str, getattr(exc, "hints", []) or [])]
    output = "\n".join([f"error: {message}", *[d for d in detail if d.strip()]])
    return failure("typst", output, log, f"typst.compile({typ.name})")
