"""A Media Cloud-shaped export of the loopback site, named by a params file, is ingested by
`briefing run` and briefed: the briefing builds, and its corpus overview reports the wire
copies it set aside. Runs every notebook once (slow)."""

from __future__ import annotations

import json

import nbformat
import pandas as pd
import pytest
from conftest import write_params
from loopback import closed_port, mediacloud_export, site_fixture  # noqa: F401 - the fixture `site`

from briefing.cli import main
from briefing.corpus.load import load_corpus
from briefing.ingest.report import REPORT_NAME

pytestmark = pytest.mark.slow


def test_an_export_is_ingested_and_briefed(site, tmp_path, capsys):
    unreachable = f"http://127.0.0.1:{closed_port()}/story.html"
    mediacloud_export(tmp_path / "export.csv", site, extra=[
        {"id": "u", "indexed_date": "", "language": "en", "media_name": "Gone", "media_url": "",
         "publish_date": "2020-02-02", "title": "Unreachable", "url": unreachable}])
    params = write_params(tmp_path, {
        "title": "Loopback news, 2019 vs 2020", "slug": "loopback", "corpus": "corpus",
        "periods": [{"name": "2019", "start": "2019-01-01", "end": "2019-12-31"},
                    {"name": "2020", "start": "2020-01-01", "end": "2020-12-31"}],
        "actors": [{"name": "Trump"}], "outputs": ["html"], "renderer": "embedded",
        "ingest": {"source": "export.csv", "language": "en", "delay": 0, "timeout": 0.5, "retries": 0}})
    assert main(["run", str(params), "--reports", str(tmp_path / "reports"), "--jobs", "2"]) == 0
    err = capsys.readouterr().err
    assert "briefing ingest: Media Cloud story list" in err and "came in:       14 articles" in err

    report = pd.read_csv(tmp_path / "corpus" / REPORT_NAME, sep="\t", comment="#", dtype=str,
                         keep_default_na=False)
    aside = report[report["status"] == "set aside"].set_index("url")["reason"]
    assert len(aside) == 9 and (aside != "").all()
    for path in ("missing.html", "slow.html", "loop/a", "files/report.pdf", "huge.html", "fr/tempete.html",
                 "world/index.html", "private/draft.html"):
        assert site.url(path) in aside.index, path
    assert aside[unreachable].startswith("host unreachable")
    assert len(load_corpus(tmp_path / "corpus")) == 14

    out = tmp_path / "reports" / "loopback"
    assert (out / "briefing.html").stat().st_size > 10_000
    nb = nbformat.read(out / "notebooks" / "01_corpus.ipynb", as_version=4)
    shown = json.dumps([o.get("data", {}).get("text/markdown", "") for c in nb.cells if c.cell_type == "code"
                        for o in c.get("outputs", [])])
    assert "4 articles were set aside as copies of another article (2020: 4)" in shown
    assert "Copies per period and outlet" in shown
    assert "10 articles in 2020" not in shown and "5 articles in 2020" in shown
