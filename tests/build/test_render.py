"""The combined notebook and the embedded renderer: Markdown outputs as text, no code, safe HTML."""

from __future__ import annotations

import base64
import shutil
import subprocess

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
