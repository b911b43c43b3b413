"""The combined notebook and the embedded renderer: Markdown outputs as text, no code, safe HTML."""

from __future__ import annotations

import base64
import contextlib
import io
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from briefing.build.combine import DocumentMeta, cell_options, combine, to_markdown
from briefing.build.render import Renderer, choose, embedded_version, find_quarto, render


def _png() -> str:
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(2, 1))
    ax.plot([0, 1], [0, 1])
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


PNG = _png()


def _executed(tmp_path, name="01_x.ipynb"):
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("params_file = 'x'")
    params.metadata["tags"] = ["parameters"]
    injected = nbformat.v4.new_code_cell("params_file = 'secret/path.yaml'")
    injected.metadata["tags"] = ["injected-parameters"]
    injected.outputs = [nbformat.v4.new_output("stream", text="injected output")]
    md_out = nbformat.v4.new_code_cell("present.show('...')")
    md_out.outputs = [nbformat.v4.new_output("display_data", data={
        "text/markdown": "Shares **rose** by 0.12.", "text/plain": "<IPython.core.display.Markdown object>"})]
    fig = nbformat.v4.new_code_cell('#| fig-cap: "Compound per period."\n#| fig-alt: "Dots per period."\nf')
    fig.outputs = [nbformat.v4.new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"})]
    plain = nbformat.v4.new_code_cell("x = 1\nx")
    plain.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "1"}, execution_count=1)]
    nb.cells = [nbformat.v4.new_markdown_cell("## Section"), params, injected, md_out, fig, plain]
    path = tmp_path / name
    nbformat.write(nb, path)
    return path


META = DocumentMeta(title="T <b>itle</b>", subtitle="2022 vs 2023", date="2026-01-01")


def test_cell_options_are_read_from_the_top_of_a_cell():
    assert cell_options('#| fig-cap: "A b"\n#| fig-alt: C\nplot()\n#| later: no') == {
        "fig-cap": "A b", "fig-alt": "C"}


def test_combine_drops_parameter_cells_and_adds_front_matter_and_footer(tmp_path):
    nb = combine([_executed(tmp_path)], META, "footer text")
    sources = [c.source for c in nb.cells]
    assert sources[0].startswith("---\n") and "echo: false" in sources[0]
    assert not any("params_file" in s for s in sources)
    assert sources[-1] == "footer text"


def test_markdown_outputs_become_text_and_code_is_left_out(tmp_path):
    nb = combine([_executed(tmp_path)], META, "footer")
    md = to_markdown(nb, tmp_path / "figs", "png")
    assert "Shares **rose** by 0.12." in md
    assert "IPython.core.display" not in md
    assert "x = 1" not in md and "params_file" not in md and "injected output" not in md
    assert '![Compound per period.](' in md and 'alt="Dots per period."' in md
    assert (tmp_path / "figs" / "figure-1.png").is_file()


def test_choose_falls_back_to_embedded_without_quarto(monkeypatch, tmp_path):
    monkeypatch.setenv("QUARTO_PATH", str(tmp_path / "no-quarto"))
    assert choose("auto").name == "embedded"
    from briefing.errors import RunError

    with pytest.raises(RunError, match="no Quarto CLI was found"):
        choose("quarto")


def test_embedded_html_is_self_contained_without_code(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    renderer = Renderer("embedded", embedded_version())
    render([_executed(tmp_path)], out, ["html"], META, renderer, "params/x.yaml")
    html = (out / "briefing.html").read_text()
    assert "<strong>rose</strong>" in html
    assert "IPython.core.display" not in html and "params_file" not in html
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org", "")
    assert 'src="data:image/png;base64' in html and 'alt="Dots per period."' in html
    assert "<figcaption>Compound per period.</figcaption>" in html
    assert "T &lt;b&gt;itle&lt;/b&gt;" in html  # the title is text, not markup
    assert "Rendered by the embedded renderer (pandoc" in html and "params/x.yaml" in html
    assert not (out / "_render").exists()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
def test_embedded_pdf_has_the_text(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    renderer = Renderer("embedded", embedded_version())
    render([_executed(tmp_path)], out, ["pdf"], META, renderer, "params/x.yaml")
    text = subprocess.run(["pdftotext", str(out / "briefing.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Section" in text and "Shares rose by 0.12." in text
    assert "IPython" not in text and "params_file" not in text


def _sectioned(tmp_path, name="02_sentiment.ipynb", summary="Sentiment in full", closing=False):
    """An executed section notebook: a heading and a finding in the main text, then a heading and
    a table of every sentence tagged `appendix` (text that must stay out of the PDF)."""
    nb = nbformat.v4.new_notebook()
    head = nbformat.v4.new_markdown_cell("## Sentiment" if not closing else "## Appendix\n\nWhat was read.")
    main = nbformat.v4.new_code_cell("present.show(...)")
    main.outputs = [nbformat.v4.new_output("display_data", data={
        "text/markdown": "Tone **fell** in 2023.", "text/plain": ""})]
    detail_head = nbformat.v4.new_markdown_cell("### Every sentence")
    detail = nbformat.v4.new_code_cell("present.table(...)")
    detail.outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": (
        "::: {.table-wrap}\n| text | compound |\n|:---|---:|\n| Zanzibar quokka sentence | 0.5 |\n\n"
        ": Every scored sentence. {.striped .hover}\n:::"), "text/plain": ""})]
    for cell in (detail_head, detail):
        cell.metadata["tags"] = ["appendix"]
    nb.cells = [head, main, detail_head, detail]
    nb.metadata["briefing"] = {"appendix": {"summary": summary, "tables": ["sentiment/sentences"]},
                               **({"closing": True} if closing else {})}
    path = tmp_path / name
    nbformat.write(nb, path)
    return path


def test_appendix_cells_move_to_a_closing_appendix_in_a_details_div(tmp_path):
    """Tagged cells leave the section for the end of the document, in a div of class `details`
    named after the notebook; the section ends with a link to it; an appendix heading is added
    when no notebook opens the appendix."""
    nb = combine([_sectioned(tmp_path), _executed(tmp_path)], META, "footer")
    md = to_markdown(nb, tmp_path / "figs", "png")
    main, _, appendix = md.partition("## Appendix")
    assert "Tone **fell** in 2023." in main and "Shares **rose**" in main
    assert "Zanzibar quokka" not in main and "Every sentence" not in main
    assert "*In the appendix:* [Sentiment in full](#appendix-sentiment)." in main
    assert main.index("In the appendix") < main.index("## Section")  # at the end of its own section
    opening = ':::: {#appendix-sentiment .details summary="Sentiment in full" tables="sentiment/sentences"}'
    assert appendix.index(opening) < appendix.index("### Every sentence") < appendix.index("Zanzibar quokka")
    assert appendix.split("Zanzibar quokka")[1].count("::::") == 1  # closed after its last cell


def test_the_closing_notebook_opens_the_appendix_and_its_own_detail_comes_last(tmp_path):
    closing = _sectioned(tmp_path, "99_appendix.ipynb", "Provenance", closing=True)
    nb = combine([_sectioned(tmp_path), closing], META, "footer")
    md = to_markdown(nb, tmp_path / "figs", "png")
    assert md.count("## Appendix") == 1
    assert md.index("## Appendix") < md.index("#appendix-sentiment .details") < md.index("#appendix-appendix")
    assert "[Provenance](#appendix-appendix)" not in md  # no link from the appendix to itself


@pytest.mark.parametrize("backend", ["embedded", "quarto"])
def test_the_appendix_is_collapsed_in_the_html_and_a_pointer_in_the_pdf(tmp_path, backend):
    if backend == "quarto" and find_quarto() is None:
        pytest.skip("Quarto CLI not found (set QUARTO_PATH or put quarto on PATH): the Quarto side "
                    "of this test runs where Quarto is installed")
    renderer = choose("quarto") if backend == "quarto" else Renderer("embedded", embedded_version())
    out = tmp_path / "out"
    out.mkdir()
    summary = 'Sentiment <b>in full</b> & "more"'
    render([_sectioned(tmp_path, summary=summary)], out, ["html", "pdf"], META, renderer, "params/x.yaml")
    html = (out / "briefing.html").read_text()
    opened = [d for d in re.findall(r"<details\b[^>]*>", html) if "appendix" in d]
    assert opened == ['<details class="appendix" id="appendix-sentiment">']  # no `open`: collapsed
    inside = html.split(opened[0])[1].split("</details>")[0]
    assert "<summary>Sentiment &lt;b&gt;in full&lt;/b&gt; &amp; &quot;more&quot;</summary>" in inside
    assert "Zanzibar quokka" in inside and "<table" in inside
    assert "Zanzibar quokka" not in html.split(opened[0])[0]
    if shutil.which("pdftotext"):
        text = " ".join(subprocess.run(["pdftotext", str(out / "briefing.pdf"), "-"], capture_output=True,
                                       text=True, check=True).stdout.split())
        assert "Tone fell in 2023." in text
        assert "Zanzibar" not in text and "Every sentence" not in text  # left out of the PDF
        assert 'Sentiment <b>in full</b> & "more": in the HTML briefing' in text.replace("“", '"').replace(
            "”", '"')
        assert "data.zip (sentiment/sentences)" in text  # pdftotext joins "briefing-" at a line end


def test_only_the_details_filter_writes_html_tags(tmp_path):
    """Article text stays inert: the embedded reader has raw HTML off, so a details div written in
    an article (or a `{=html}` block) is text; only the filter's own divs become <details>."""
    import pypandoc

    from briefing.build.render import PANDOC_READER, _resource

    (tmp_path / "details.lua").write_text(_resource("details.lua"), encoding="utf-8")
    md = ("<details open><summary>x</summary></details>\n\n```{=html}\n<script>1</script>\n```\n\n"
          ':::: {.details summary="S"}\nInside.\n::::\n')
    html = subprocess.run([pypandoc.get_pandoc_path(), "--from", PANDOC_READER, "--to", "html5",
                           "--lua-filter", "details.lua"], input=md, capture_output=True, text=True,
                          cwd=tmp_path, check=True).stdout
    assert html.count("<details") == 1 and "&lt;details\nopen&gt;" in html and "<script>" not in html
    assert '<details class="appendix">\n<summary>S</summary>' in html and "<p>Inside.</p>" in html


QUARTO = find_quarto()


@pytest.mark.skipif(QUARTO is None, reason="Quarto CLI not found (set QUARTO_PATH or put quarto on PATH)")
def test_quarto_renders_html_and_pdf(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    renderer = choose("quarto")
    render([_executed(tmp_path)], out, ["html", "pdf"], META, renderer, "params/x.yaml")
    html = (out / "briefing.html").read_text()
    assert "Shares" in html and "IPython.core.display" not in html and "params_file" not in html
    assert (out / "briefing.pdf").read_bytes().startswith(b"%PDF")


QUOTE = "He said \"we will not pay\" -- and it's 'final'... (AP)"


def _quoting(tmp_path):
    """A notebook quoting article text (escaped, as every section does) beside our own prose."""
    from briefing.present import escape

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("present.show(...)")
    cell.outputs = [nbformat.v4.new_output("display_data", data={
        "text/markdown": f"## Quotes\n\nThe article says: {escape(QUOTE)}", "text/plain": "..."})]
    nb.cells = [cell]
    path = tmp_path / "01_quotes.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.mark.parametrize("backend", ["embedded", "quarto"])
def test_quotations_of_article_text_stay_verbatim(tmp_path, backend):
    """Pandoc's `smart` extension (on in pandoc's and Quarto's Markdown) would curl the quotes and
    turn -- and ... into dashes and ellipses; article text must read as it was published."""
    import html as html_lib

    if backend == "quarto" and QUARTO is None:
        pytest.skip("Quarto CLI not found (set QUARTO_PATH or put quarto on PATH): the Quarto side "
                    "of this test runs where Quarto is installed")
    renderer = choose("quarto") if backend == "quarto" else Renderer("embedded", embedded_version())
    out = tmp_path / "out"
    out.mkdir()
    formats = ["html", "pdf"] if shutil.which("pdftotext") else ["html"]
    render([_quoting(tmp_path)], out, formats, META, renderer, "params/x.yaml")
    page = html_lib.unescape(" ".join((out / "briefing.html").read_text().split()))
    assert QUOTE in page
    if "pdf" in formats:
        text = subprocess.run(["pdftotext", str(out / "briefing.pdf"), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert QUOTE in " ".join(text.split())


def test_front_matter_links_the_pdf_under_other_formats_and_lists_only_the_formats_asked():
    """Quarto's documented `format-links` form: the typst output is linked as "PDF"."""
    import yaml

    from briefing.build.combine import front_matter

    both = yaml.safe_load(front_matter(META, ["html", "pdf"]).strip("-\n"))
    assert set(both["format"]) == {"html", "typst"}
    assert both["format"]["html"]["format-links"] == [
        "html", {"format": "typst", "text": "PDF", "icon": "file-pdf"}]
    assert both["filters"] == ["verbatim.lua", "details.lua", {"path": "tables.lua", "at": "pre-ast"}]
    assert both["format"]["html"]["css"] == ["quarto.css"]
    assert "hyphenate: false" in both["format"]["typst"]["include-in-header"][0]["text"]
    html_only = yaml.safe_load(front_matter(META, ["html"]).strip("-\n"))
    assert set(html_only["format"]) == {"html"} and "format-links" not in html_only["format"]["html"]


FAKE_QUARTO = """#!/bin/sh
if [ "$1" = "--version" ]; then echo 1.6.40; exit 0; fi
echo "$*" >> "$FAKE_QUARTO_LOG"
for f in briefing.ipynb verbatim.lua details.lua tables.lua quarto.css; do
  test -f "$f" || { echo "no $f" >&2; exit 3; }
done
printf '<!DOCTYPE html><p>fake</p>' > briefing.html
printf '%%PDF-1.7 fake' > briefing.pdf
"""


def test_quarto_renders_every_format_in_one_call_beside_its_filter_and_stylesheet(tmp_path, monkeypatch):
    """One `quarto render` of briefing.ipynb, no --to and no --output: Quarto then names the
    outputs briefing.html and briefing.pdf and links the one from the other. (A stand-in for the
    Quarto CLI checks the call; the real one runs in test_quarto_renders_html_and_pdf.)"""
    exe = tmp_path / "quarto"
    exe.write_text(FAKE_QUARTO)
    exe.chmod(0o755)
    log = tmp_path / "calls.log"
    monkeypatch.setenv("QUARTO_PATH", str(exe))
    monkeypatch.setenv("FAKE_QUARTO_LOG", str(log))
    out = tmp_path / "out"
    out.mkdir()
    renderer = choose("quarto")
    assert renderer.version == "Quarto 1.6.40"
    produced = render([_executed(tmp_path)], out, ["html", "pdf"], META, renderer, "params/x.yaml")
    assert log.read_text().splitlines() == ["render briefing.ipynb --no-execute"]
    assert [p.name for p in produced] == ["briefing.html", "briefing.pdf"]
    assert (out / "briefing.pdf").read_bytes().startswith(b"%PDF") and not (out / "_render").exists()


def test_embedded_html_reads_like_a_finished_report(tmp_path):
    """Quarto's default look, without Quarto: contents beside the text (on wide screens), the
    PDF under "Other formats", striped tables with a sticky header when long, print styles;
    self-contained and without script."""
    import pandas as pd

    from briefing import present

    nb = nbformat.v4.new_notebook()
    cells = []
    for title, rows in (("Short", 3), ("Long", 40)):
        md = nbformat.v4.new_code_cell("present.table(...)")
        with contextlib.redirect_stdout(io.StringIO()) as shown:
            present.table(pd.DataFrame({"n": range(rows), "date": ["2020-01-02"] * rows}),
                          caption=f"{title} table.")
        md.outputs = [nbformat.v4.new_output("display_data", data={
            "text/markdown": f"## {title}\n\n{shown.getvalue()}", "text/plain": ""})]
        cells.append(md)
    nb.cells = cells
    path = tmp_path / "01_tables.ipynb"
    nbformat.write(nb, path)
    out = tmp_path / "out"
    out.mkdir()
    render([path], out, ["html", "pdf"], META, Renderer("embedded", embedded_version()), "params/x.yaml")
    page = (out / "briefing.html").read_text()
    assert '<nav id="TOC"' in page and "On this page" in page
    assert '<a href="briefing.pdf" class="pdf-link">PDF</a>' in page
    assert '<div class="table-wrap">' in page and '<div class="table-wrap long">' in page
    assert page.count('<table class="striped hover">') == 2
    assert '<span class="nowrap">2020-01-02</span>' in page
    for rule in ("grid-template-areas", "position: sticky", "@media print", "nth-child(even)",
                 "tabular-nums", "@media (max-width: 600px)"):
        assert rule in page, rule
    assert "<script" not in page and not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert '<main id="content">' in page
    assert page.index('<header id="title-block-header"') < page.index("<main")


def test_embedded_html_without_pdf_links_no_pdf(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    render([_executed(tmp_path)], out, ["html"], META, Renderer("embedded", embedded_version()), "x.yaml")
    assert "briefing.pdf" not in (out / "briefing.html").read_text()


def _linking(tmp_path, text: str, name: str = "01_links.ipynb"):
    """An executed notebook of Markdown cells (several lines each, as notebooks have them)."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(source) for source in text.split("\n\n%%\n\n")]
    path = tmp_path / name
    nbformat.write(nb, path)
    return path


LINKED = ("## Summary {#summary}\n\nTone fell ([Sentiment](#sentiment)).\n\n%%\n\n"
          "## Sentiment {#sentiment}\n\nEvery sentence is scored.\nA second line.")


def test_every_internal_link_of_a_combined_briefing_points_to_an_explicit_id(tmp_path):
    from briefing.build.links import ids_and_links, unlabelled_links

    md = to_markdown(combine([_linking(tmp_path, LINKED), _sectioned(tmp_path)], META, "footer"),
                     tmp_path / "figs", "svg")
    ids, links = ids_and_links(md)
    assert links == ["sentiment", "appendix-sentiment"] and {"summary", "sentiment"} <= ids
    assert unlabelled_links(md) == []


def test_the_guard_catches_a_link_to_a_heading_without_an_explicit_id(tmp_path):
    """Pandoc would make up the id `framing` from the heading's text; the guard does not count it."""
    from briefing.build.links import unlabelled_links

    text = LINKED + "\n\n%%\n\n## Framing\n\nSee [framing](#framing) and [nothing](#nowhere)."
    md = to_markdown(combine([_linking(tmp_path, text)], META, "footer"), tmp_path / "figs", "svg")
    assert unlabelled_links(md) == ["framing", "nowhere"]


def test_the_notebook_handed_to_quarto_keeps_each_cells_line_breaks(tmp_path):
    """Quarto 1.10 joins a cell source given as one string without its line breaks (a heading ran
    into its paragraph and lost its label); sources are written as lists of lines."""
    import json

    from briefing.build.combine import write_notebook

    nb = combine([_linking(tmp_path, LINKED)], META, "footer")
    write_notebook(nb, tmp_path / "briefing.ipynb")
    cells = json.loads((tmp_path / "briefing.ipynb").read_text())["cells"]
    heading = next(c["source"] for c in cells if "".join(c["source"]).startswith("## Sentiment"))
    assert heading == ["## Sentiment {#sentiment}\n", "\n", "Every sentence is scored.\n", "A second line."]
    nbformat.validate(nbformat.read(tmp_path / "briefing.ipynb", as_version=4))


def _failing(tmp_path, backend, formats, monkeypatch=None):
    renderer = choose("quarto") if backend == "quarto" else Renderer("embedded", embedded_version())
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    from briefing.errors import RunError

    with pytest.raises(RunError) as caught:
        render([_linking(tmp_path, LINKED + "\n\n%%\n\nSee [nowhere](#nowhere).")], out, formats, META,
               renderer, "params/x.yaml", logs=tmp_path / "logs")
    message = str(caught.value)
    assert "\n" not in message and "\x1b" not in message and "\\x1b" not in message, message
    log = Path(re.search(r"\(full output: (.+)\)$", message).group(1))
    assert log.is_file() and log.parent == tmp_path / "logs" and "\x1b" not in log.read_text()
    return message, log.read_text()


def _need_quarto(backend):
    if backend == "quarto" and find_quarto() is None:
        pytest.skip("Quarto CLI not found (set QUARTO_PATH or put quarto on PATH): the Quarto side "
                    "of this test runs where Quarto is installed")


@pytest.mark.parametrize("backend", ["embedded", "quarto"])
def test_a_typst_failure_is_one_plain_line_naming_its_first_error_and_the_log(tmp_path, backend):
    """A link to a label that does not exist: typst refuses it, under either renderer."""
    _need_quarto(backend)
    message, log = _failing(tmp_path, backend, ["pdf"])
    tool = "quarto render" if backend == "quarto" else "typst"
    assert message.startswith(f"{tool} failed: label `<nowhere>` does not exist in the document"), message
    assert "nowhere" in log and ("briefing.typ" in log)
    if backend == "quarto":  # the Typst Quarto wrote is kept beside its log
        assert "#link(<nowhere>)" in (tmp_path / "logs" / "briefing.typ").read_text()


@pytest.mark.parametrize("backend", ["embedded", "quarto"])
def test_a_pandoc_failure_is_one_plain_line_naming_its_first_error_and_the_log(tmp_path, backend,
                                                                              monkeypatch):
    """A Lua filter that fails: pandoc (run by Quarto, or by us) stops with the filter's error."""
    _need_quarto(backend)
    import briefing.build.render as render_module

    real = render_module._resource
    monkeypatch.setattr(render_module, "_resource", lambda name: (
        'function Div(el) error("the details filter broke") end' if name == "details.lua" else real(name)))
    renderer = choose("quarto") if backend == "quarto" else Renderer("embedded", embedded_version())
    out = tmp_path / "out"
    out.mkdir()
    from briefing.errors import RunError

    with pytest.raises(RunError) as caught:
        render([_sectioned(tmp_path)], out, ["html"], META, renderer, "params/x.yaml", logs=tmp_path / "logs")
    message = str(caught.value)
    tool = "quarto render" if backend == "quarto" else "pandoc (HTML)"
    assert message.startswith(f"{tool} failed: ") and "the details filter broke" in message, message
    assert "\x1b" not in message and "\\x1b" not in message
    log = Path(message.rsplit("(full output: ", 1)[1].rstrip(")"))
    assert "the details filter broke" in log.read_text()


FAILING_QUARTO = r"""#!/bin/sh
if [ "$1" = "--version" ]; then echo 1.10.18; exit 0; fi
printf '\033[1mpandoc \033[22m\n  to: typst\n\033[33mWARN: typst-gather analyze failed\033[39m\n' >&2
printf '[typst]: Compiling briefing.typ to briefing.pdf...\n'
printf '\033[31merror\033[0m: label `<sentiment>` does not exist in the document\n' >&2
printf '   ┌─ briefing.typ:375:4\n' >&2
printf '\033[91mERROR: Typst compilation failed\033[39m\n' >&2
exit 1
"""


def test_quartos_output_is_read_for_its_first_real_error_not_its_last_line(tmp_path, monkeypatch):
    """As the real Quarto 1.10 prints a typst failure: colours, a warning first, the cause in the
    middle, and a vague last line. (The real Quarto runs in the tests above where installed.)"""
    exe = tmp_path / "quarto"
    exe.write_text(FAILING_QUARTO)
    exe.chmod(0o755)
    monkeypatch.setenv("QUARTO_PATH", str(exe))
    from briefing.errors import RunError

    with pytest.raises(RunError) as caught:
        render([_executed(tmp_path)], tmp_path, ["html", "pdf"], META, choose("quarto"), "x.yaml")
    log = tmp_path / "_render" / "quarto.log"
    assert str(caught.value) == ("quarto render failed: label `<sentiment>` does not exist in the "
                                 f"document (full output: {log})")
    assert caught.value.code == 1
    kept = log.read_text()
    assert "ERROR: Typst compilation failed" in kept and "briefing.typ:375:4" in kept and "\x1b" not in kept
