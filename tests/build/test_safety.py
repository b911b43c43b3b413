"""Untrusted article text cannot become active content in the published HTML."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, write_corpus

from briefing.build.render import find_quarto
from briefing.build.run import run_briefing
from briefing.present import escape, markdown_table

ATTACKS = [
    "<script>alert('xss')</script>",
    "<img src=x onerror=alert(1)>",
    "[click me](javascript:alert(1))",
    "![pic](javascript:alert(2))",
    '<a href="javascript:alert(3)">link</a>',
    "<iframe src=https://evil.example></iframe>",
    "`<script>alert(4)</script>`{=html}",
    "<svg onload=alert(5)>",
    "<javascript:alert(6)>",
    "{{< include /etc/hostname >}} {{< env HOME >}}",
    '#panic("typst") #read("/etc/hostname")',
    "$\\frac$ = heading",
]
#: URLs in the `url` field: only the http(s) ones may become links.
URLS = ["javascript:alert('url')", "data:text/html,<script>alert('data')</script>", "JavaScript:alert(7)",
        "https://example.org/story(1)?a=<b>&c=d", "vbscript:msgbox(8)", "file:///etc/hostname"]


class _Active(HTMLParser):
    """Collects anything in a page that could run code or load from elsewhere."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed", "form", "base", "meta") and not (
            tag == "meta" and all(k in ("charset", "name", "content") for k, _ in attrs)
        ):
            self.found.append(f"<{tag}>")
        for key, value in attrs:
            v = (value or "").strip().lower()
            if key.startswith("on"):
                self.found.append(f"{tag}[{key}]")
            if key in ("href", "src", "action", "xlink:href", "formaction") and ":" in v.split("/")[0] \
                    and not v.startswith(("http:", "https:", "data:image/")):
                self.found.append(f"{tag}[{key}={v}]")  # javascript:, vbscript:, data:text/html, file:...
            if key == "src" and v.startswith(("http:", "https:", "//")):
                self.found.append(f"{tag}[src={v}] (not self-contained)")

    def handle_data(self, data):
        self.text.append(data)


def active_content(html: str) -> tuple[list[str], str]:
    p = _Active()
    p.feed(html)
    return p.found, " ".join(" ".join(p.text).split())


def test_escape_makes_markup_inert():
    for attack in ATTACKS:
        out = escape(attack)
        assert "<" not in out and "](" not in out.replace("\\](", "")


def test_table_cells_are_escaped_and_cannot_break_the_table():
    import pandas as pd

    md = markdown_table(pd.DataFrame({"title": ["a | b\n| c", "<b>x</b>"]}))
    assert md.count("\n") == 3 and "&lt;b&gt;" in md and "a \\| b \\| c" in md


def _injection_project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks", ignore=shutil.ignore_patterns(".*"))
    rows = []
    for i, attack in enumerate(ATTACKS):
        year = 2022 + i % 2
        rows.append({
            "id": f"evil-{i}", "date": f"{year}-0{1 + i % 9}-15", "outlet": f"Outlet {attack}",
            "title": f"Title {attack}", "url": URLS[i % len(URLS)],
            "text": (f"Biden met López Obrador in Mexico and it was a terrible, awful meeting {attack}.\n"
                     f"Security and trade talks were a great success {attack} for the United States.\n"
                     f"{attack} Migration and fentanyl trafficking dominated the border agenda."),
        })
    write_corpus(tmp_path / "data", rows, "jsonl")
    params = {"title": "Injection <script>alert('title')</script> test #panic(\"t\")",
              "subtitle": "Sub <img src=x onerror=alert('sub')> [s](javascript:alert(9))",
              "corpus": "../data/corpus.jsonl",
              "periods": [{"name": "2022 <i onmouseover=alert(10)>", "start": "2022-01-01",
                           "end": "2022-12-31"},
                          {"name": "2023 <b>", "start": "2023-01-01", "end": "2023-12-31"}],
              "actors": [{"name": "Biden <script>alert('actor')</script>"},
                         {"name": "López Obrador", "aliases": ["AMLO", "[amlo](javascript:alert(11))"]},
                         {"name": "Mexico $$"}],
              "framing": {"extra_frames": [{"name": "Evil <script>alert('frame')</script>",
                                            "definition": "Defined <img src=x onerror=alert(12)>",
                                            "cues": ["terrible", "<b>cue</b> trade"]}]},
              "outputs": ["html", "pdf"]}
    (tmp_path / "params").mkdir()
    (tmp_path / "params" / "evil.yaml").write_text(yaml.safe_dump(params, allow_unicode=True))
    return tmp_path / "params" / "evil.yaml"


@pytest.mark.slow
@pytest.mark.parametrize("renderer", ["embedded", "quarto"])
def test_injection_corpus_produces_no_active_content(tmp_path, renderer):
    if renderer == "quarto" and find_quarto() is None:
        pytest.skip("Quarto CLI not found (set QUARTO_PATH or put quarto on PATH)")
    params = _injection_project(tmp_path)
    result = run_briefing(params, reports_dir=tmp_path / "reports", renderer=renderer, quiet=True)
    html = (result.out_dir / "briefing.html").read_text(encoding="utf-8")
    found, text = active_content(html)
    if renderer == "quarto":  # Quarto's own scripts are inline and trusted; the attacks must not add any
        # (Quarto 1.10 inlines its scripts and stylesheets as data: URLs of its own libraries)
        found = [f for f in found
                 if f != "<script>" and not f.startswith(("script[src=data:application/javascript",
                                                          "link[href=data:text/css"))]
        assert "alert(" not in "".join(html.split("<script")[1:]).split("</script>")[0]
    assert found == []
    assert "<script>alert(" in text and "</script>" in text  # shown as text, not run
    assert "Title <img src=x onerror=alert(1)>" in text
    for shown in ("Biden <script>alert('actor')</script>", "2022 <i onmouseover=alert(10)>",
                  "Evil <script>alert('frame')</script>", "{{< include /etc/hostname >}}"):
        assert shown in text, shown
    links = _hrefs(html)
    assert "https://example.org/story%281%29?a=%3Cb%3E&c=d" in links  # an http(s) URL is a live link
    assert not [h for h in links if h.lower().startswith(("javascript", "data", "vbscript", "file"))]
    pdf = (result.out_dir / "briefing.pdf").read_bytes()  # typst compiled it: #panic never ran
    assert pdf[:4] == b"%PDF"
    if shutil.which("pdftotext"):
        import subprocess

        pdf_text = subprocess.run(["pdftotext", str(result.out_dir / "briefing.pdf"), "-"],
                                  capture_output=True, text=True).stdout
        assert 'panic("typst")' in " ".join(pdf_text.split()).replace("“", '"').replace("”", '"')


def _hrefs(html: str) -> list[str]:
    class Links(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.hrefs: list[str] = []

        def handle_starttag(self, tag, attrs):
            self.hrefs += [v or "" for k, v in attrs if k == "href" and tag == "a"]

    p = Links()
    p.feed(html)
    return p.hrefs


def test_long_tables_are_cut_and_say_so(capsys):
    import pandas as pd

    from briefing import present

    present.table(pd.DataFrame({"n": range(500)}), caption="Numbers.")
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("| ") and not line.startswith("| -")]
    assert len(rows) == present.MAX_ROWS + 1  # header + rows shown
    assert f"First {present.MAX_ROWS} of 500 rows." in out


# ---------------------------------------------------------------- each sink, fast (no notebooks)

def _pandoc(markdown: str, to: str) -> str:
    import pypandoc

    from briefing.build.render import PANDOC_READER

    return pypandoc.convert_text(markdown, to, format=PANDOC_READER)


def test_only_http_urls_become_links_and_their_targets_cannot_break_out():
    from briefing.present import link

    html = _pandoc("\n\n".join(link(u) for u in URLS), "html")
    found, text = active_content(html)
    assert found == []
    assert _hrefs(html) == ["https://example.org/story%281%29?a=%3Cb%3E&c=d"]
    assert "javascript:alert(" in text and "data:text/html,<script>alert(" in text  # shown, not linked


def test_the_article_tables_link_http_urls_only():
    import pandas as pd

    urls = ["https://e.org/x", "javascript:alert(1)"]
    md = markdown_table(pd.DataFrame({"title": ["a", "b"], "url": urls}))  # titles link to articles
    html = _pandoc(md, "html")
    assert _hrefs(html) == ["https://e.org/x"] and "b" in active_content(html)[1]
    listed = markdown_table(pd.DataFrame({"outlet": ["x", "y"], "url": urls}))  # addresses shown
    html = _pandoc(listed, "html")
    assert _hrefs(html) == ["https://e.org/x"] and "javascript:alert(1)" in active_content(html)[1]


def test_escape_drops_controls_and_bidi_overrides_but_keeps_every_script():
    assert escape("a\x00b\x1b[2Jc\u202ed\u2066e\x7f") == "ab\\[2Jcde"
    assert escape("עברית العربية 中文 López") == "עברית العربية 中文 López"


def test_text_opening_with_a_typst_marker_stays_plain_in_a_pdf_table_cell(tmp_path):
    import pandas as pd
    import typst

    cells = ["= Heading", "- item", "+ item", "/ term: x", "1. first", '#panic("cell")']
    typ = _pandoc(markdown_table(pd.DataFrame({"title": cells})), "typst")
    (tmp_path / "t.typ").write_text(typ, encoding="utf-8")
    typst.compile(str(tmp_path / "t.typ"), output=str(tmp_path / "t.pdf"))
    if shutil.which("pdftotext"):
        import subprocess

        text = subprocess.run(["pdftotext", str(tmp_path / "t.pdf"), "-"], capture_output=True,
                              text=True).stdout.replace("\u2060", "").replace("“", '"').replace("”", '"')
        for cell in cells:
            assert cell in text, cell


def test_an_escaped_pipe_in_a_raw_cell_does_not_split_the_cell():
    import pandas as pd

    from briefing.present import bold_spans

    md = markdown_table(pd.DataFrame({"example": [bold_spans("a | b", [(0, 1)])], "n": [1]}), raw=["example"])
    html = _pandoc(md, "html")
    assert html.count("<td") == 2 and "a</strong> | b" in html


def test_quarto_reads_title_and_subtitle_as_escaped_markdown():
    from briefing.build.combine import DocumentMeta, front_matter

    fm = yaml.safe_load(front_matter(DocumentMeta("T <script>x</script>", "[s](javascript:y)", "2024-01-01"))
                        .strip("-\n"))
    html = _pandoc(f"{fm['title']}\n\n{fm['subtitle']}", "html")
    assert active_content(html) == ([], "T <script>x</script> [s](javascript:y)")


def test_footer_names_the_params_file_inertly():
    from datetime import UTC, datetime

    from briefing.build.render import Renderer, footer_text

    footer = footer_text(Renderer("embedded", "pandoc"), "params/x`<script>`.yaml", datetime.now(UTC))
    found, text = active_content(_pandoc(footer, "html"))
    assert found == [] and "params/x`<script>`.yaml" in text


def test_figure_labels_are_shown_as_written(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from briefing.notebook import setup_figures

    setup_figures()
    fig, ax = plt.subplots()
    ax.set_title("$\\foo$ and $$")  # mathtext would raise ValueError: Unknown symbol
    fig.savefig(tmp_path / "f.svg")
    plt.close(fig)


def test_svg_figures_lose_characters_xml_forbids():
    import nbformat

    from briefing.build.combine import DocumentMeta, combine, xml_safe

    assert xml_safe("<svg><!-- a\x00b\x1bc\td --></svg>") == "<svg><!-- abc\td --></svg>"
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("figure()")
    svg = "<svg><!-- \x04 --></svg>"
    cell.outputs = [nbformat.v4.new_output("display_data", data={"image/svg+xml": svg})]
    nb.cells = [cell]
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "n.ipynb"
        nbformat.write(nb, path)
        combined = combine([path], DocumentMeta("t", None, "2024-01-01"), "footer")
    svg = [o["data"]["image/svg+xml"] for c in combined.cells for o in c.get("outputs", [])]
    assert svg == ["<svg><!--  --></svg>"]


def test_the_site_index_is_escaped_and_sanitized():
    from briefing.build.publish import index_html, sanitize_table

    manifest = {"title": "T <script>alert(1)</script>", "periods": ["<img src=x onerror=alert(2)>", "b"],
                "outputs": ["html", "pdf"], "rendered_at": "2024-01-01T10:00:00"}
    page = index_html([("ok-slug", manifest)], [])
    found, text = active_content(page)
    assert [f for f in found if f != "<meta>"] == [] and "T <script>alert(1)</script>" in text
    assert _hrefs(page) == ["ok-slug/briefing.html", "ok-slug/briefing.pdf"]
    # the last pass holds even if escaping had failed
    raw = ('<table><tr><td><script>alert(3)</script><a href="javascript:alert(4)" onclick="x()">a</a>'
           '<a href="s/briefing.html">b</a><span class="stale">c</span><img src=x onerror=alert(5)></td></tr>'
           "</table>")
    clean = sanitize_table(raw)
    assert active_content(clean)[0] == [] and _hrefs(clean) == ["s/briefing.html"]
    assert '<span class="stale">c</span>' in clean


def test_a_bold_cue_followed_by_a_dot_does_not_become_typst_code(tmp_path):
    import typst

    from briefing.present import bold_spans

    md = bold_spans("They met at the summit.example and then.len() again", [(16, 22), (34, 38)])
    (tmp_path / "t.typ").write_text(_pandoc(md, "typst"), encoding="utf-8")
    typst.compile(str(tmp_path / "t.typ"), output=str(tmp_path / "t.pdf"))  # "strong has no field example"
