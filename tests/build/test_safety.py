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
]


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
            if key in ("href", "src", "action", "xlink:href") and v.startswith(("javascript:", "vbscript:")):
                self.found.append(f"{tag}[{key}={v}]")
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
            "title": f"Title {attack}", "url": "javascript:alert('url')",
            "text": (f"Biden met López Obrador in Mexico and it was a terrible, awful meeting {attack}.\n"
                     f"Security and trade talks were a great success {attack} for the United States.\n"
                     f"{attack} Migration and fentanyl trafficking dominated the border agenda."),
        })
    write_corpus(tmp_path / "data", rows, "jsonl")
    params = {"title": "Injection <script>alert('title')</script> test", "corpus": "../data/corpus.jsonl",
              "periods": [{"name": "2022", "start": "2022-01-01", "end": "2022-12-31"},
                          {"name": "2023 <b>", "start": "2023-01-01", "end": "2023-12-31"}],
              "actors": [{"name": "Biden"}, {"name": "López Obrador", "aliases": ["AMLO"]},
                         {"name": "Mexico"}],
              "outputs": ["html"]}
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
        found = [f for f in found if f != "<script>"]
        assert "alert(" not in "".join(html.split("<script")[1:]).split("</script>")[0]
    assert found == []
    assert "<script>alert(" in text and "</script>" in text  # shown as text, not run
    assert "Title <img src=x onerror=alert(1)>" in text


def test_long_tables_are_cut_and_say_so(capsys):
    import pandas as pd

    from briefing import present

    present.table(pd.DataFrame({"n": range(500)}), caption="Numbers.")
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("| ") and not line.startswith("| -")]
    assert len(rows) == present.MAX_ROWS + 1  # header + rows shown
    assert f"First {present.MAX_ROWS} of 500 rows." in out
