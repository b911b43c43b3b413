"""`briefing ingest` from end to end: tables, Media Cloud exports, URL lists and saved pages
into a corpus folder; bad inputs listed with their reasons; resuming; params files."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import ROOT, write_params
from loopback import SITE, closed_port, mediacloud_export, pages, site_fixture  # noqa: F401 - the fixture `site`

from briefing.cli import main
from briefing.corpus.load import load_corpus
from briefing.ingest.extract import extract_page
from briefing.ingest.fetch import FetchSettings
from briefing.ingest.progress import Progress
from briefing.ingest.report import REPORT_NAME
from briefing.ingest.run import CACHE_NAME, IngestOptions, ingest

FAST = ["--delay", "0", "--timeout", "0.5", "--retries", "0"]


def fast_options(**kw) -> IngestOptions:
    return IngestOptions(fetch=FetchSettings(delay=0, timeout=0.5, retries=0, backoff=0.05), quiet=True, **kw)


def report_rows(corpus: Path) -> pd.DataFrame:
    return pd.read_csv(corpus / REPORT_NAME, sep="\t", comment="#", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    """Real article texts (the site's Wikinews stories), by title."""
    out = {}
    for p in pages("story") + pages("french"):
        out[p["title"]] = extract_page((SITE / p["path"]).read_bytes()).text
    return out


def _table_rows(texts: dict[str, str]) -> list[dict]:
    stories = pages("story")
    good = [{"body": texts[p["title"]], "published_at": f"{p['date']}T09:00:00+02:00", "source": p["outlet"],
             "headline": p["title"]} for p in stories[:4]]
    french = pages("french")[0]
    bad = [
        {"body": texts[stories[4]["title"]], "published_at": "", "source": "X", "headline": "No date"},
        {"body": texts[stories[5]["title"]], "published_at": "last Tuesday", "source": "X",
         "headline": "Bad"},
        {"body": "   ", "published_at": "2020-01-01", "source": "X", "headline": "Empty"},
        {"body": "12345 67890", "published_at": "2020-01-01", "source": "X", "headline": "Numbers"},
        {"body": texts[french["title"]], "published_at": french["date"], "source": "Le Courrier",
         "headline": french["title"]},
    ]
    return good + bad


def test_a_table_comes_in_with_mapped_columns_and_bad_rows_set_aside(texts, tmp_path, capsys):
    path = tmp_path / "articles.csv"
    pd.DataFrame(_table_rows(texts)).to_csv(path, index=False)
    corpus = tmp_path / "corpus"
    code = main(["ingest", str(path), "--into", str(corpus), "--text", "body", "--date", "published_at",
                 "--outlet", "source", "--title", "headline", "--language", "en"])
    assert code == 0
    summary = capsys.readouterr().err
    assert "came in:        4 articles" in summary and "set aside:      5" in summary
    rows = report_rows(corpus).set_index("input")
    assert rows.loc["row 6", "reason"] == "no date"
    assert rows.loc["row 7", "reason"] == "date 'last Tuesday' is not an ISO 8601 date (YYYY-MM-DD)"
    assert rows.loc["row 8", "reason"] == "empty text"
    assert rows.loc["row 9", "reason"] == "non-text content in the text field (no words)"
    assert rows.loc["row 10", "reason"] == "language fr, not en"
    docs = load_corpus(corpus)
    assert len(docs) == 4 and set(docs["outlet"]) == {p["outlet"] for p in pages("story")[:4]}
    first = pages("story")[0]
    doc = docs.set_index("title").loc[first["title"]]
    assert doc["date"] == pd.Timestamp(first["date"])  # the local date as published, not UTC
    assert doc["text"] == texts[first["title"]] and doc["language"] == "en"


def test_jsonl_with_non_text_values_and_broken_lines(texts, tmp_path):
    story = pages("story")[0]
    lines = [json.dumps({"text": texts[story["title"]], "date": story["date"], "title": story["title"],
                         "outlet": story["outlet"]}),
             json.dumps({"text": 42, "date": "2020-01-01", "title": "n", "outlet": "o"}),
             json.dumps({"text": ["a", "list"], "date": "2020-01-01", "title": "l", "outlet": "o"}),
             '{"text": "cut off',
             json.dumps({"text": texts[story["title"]], "date": "2020-02-30", "title": "t", "outlet": "o"})]
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = ingest(path, tmp_path / "corpus", fast_options())
    reasons = {e.where: e.reason for e in report.entries}
    assert reasons["line 1"] == ""
    assert reasons["line 2"] == "non-text content in the text field (a number)"
    assert reasons["line 3"] == "non-text content in the text field (a list)"
    assert reasons["line 4"].startswith("not valid JSON")
    assert reasons["line 5"] == "date '2020-02-30' is not an ISO 8601 date (YYYY-MM-DD)"


def test_nothing_usable_exits_1(tmp_path, capsys):
    path = tmp_path / "articles.parquet"
    pd.DataFrame([{"text": "", "date": "2020-01-01", "title": "t", "outlet": "o"}]).to_parquet(path)
    assert main(["ingest", str(path), "--into", str(tmp_path / "corpus")]) == 1
    assert "came in:        0 articles" in capsys.readouterr().err


def test_an_unreadable_source_exits_2_with_one_line(tmp_path, capsys):
    assert main(["ingest", str(tmp_path / "missing.csv"), "--into", str(tmp_path / "c")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "source not found" in err


def test_an_existing_article_with_different_content_is_kept_without_force(texts, tmp_path):
    story = pages("story")[0]
    path = tmp_path / "articles.csv"
    row = {"text": texts[story["title"]], "date": story["date"], "title": story["title"],
           "outlet": story["outlet"]}
    pd.DataFrame([row]).to_csv(path, index=False)
    corpus = tmp_path / "corpus"
    first = ingest(path, corpus, fast_options())
    written = corpus / first.entries[0].file
    again = ingest(path, corpus, fast_options())
    assert again.entries[0].status == "unchanged"
    edited = written.read_text(encoding="utf-8").replace("Sea-Eye", "Sea Eye")
    written.write_text(edited, encoding="utf-8")
    kept = ingest(path, corpus, fast_options())
    assert kept.entries[0].status == "conflict" and "pass --force" in kept.entries[0].reason
    assert written.read_text(encoding="utf-8") == edited and kept.exit_code() == 1
    forced = ingest(path, corpus, fast_options(force=True))
    assert forced.entries[0].status == "replaced" and "Sea-Eye" in written.read_text(encoding="utf-8")


def test_a_media_cloud_export_is_fetched_and_every_bad_case_reported(site, tmp_path, capsys):
    unreachable = f"http://127.0.0.1:{closed_port()}/story.html"
    export = mediacloud_export(tmp_path / "export.csv", site, extra=[
        {"id": "u", "indexed_date": "", "language": "en", "media_name": "Gone", "media_url": "",
         "publish_date": "2020-02-02", "title": "Unreachable", "url": unreachable},
        {"id": "s", "indexed_date": "", "language": "es", "media_name": "El Diario", "media_url": "",
         "publish_date": "2020-02-02", "title": "En español", "url": site.url("es/nota.html")}])
    corpus = tmp_path / "corpus"
    assert main(["ingest", str(export), "--into", str(corpus), "--language", "en", *FAST]) == 0
    summary = capsys.readouterr().err
    assert len(summary.splitlines()) <= 30
    rows = report_rows(corpus).set_index("url")
    reason = rows["reason"].to_dict()
    assert reason[site.url("missing.html")] == "HTTP 404 Not Found"
    assert reason[site.url("slow.html")] == "timed out after 0.5 s"
    assert reason[site.url("loop/a")] == "redirect loop (/loop/a → /loop/b → /loop/a)"
    assert reason[site.url("files/report.pdf")] == "not an HTML page (application/pdf)"
    assert reason[site.url("huge.html")] == "response larger than 10 MB"
    assert reason[site.url("fr/tempete.html")] == "language fr, not en"
    assert reason[site.url("world/index.html")] == "no article text on the page (navigation or lists only)"
    assert reason[site.url("private/draft.html")].startswith("robots.txt of")
    assert reason[unreachable].startswith("host unreachable")
    assert reason[site.url("es/nota.html")] == "language es in the source, not en"
    assert "/es/nota.html" not in site.paths()  # set aside from the export's row, never fetched
    docs = load_corpus(corpus)
    assert len(docs) == 14 and set(docs["outlet"]) == {p["outlet"] for p in pages("story")}
    post = docs[docs["outlet"] == "Valley Evening Post"].set_index("title")
    story = next(p for p in pages("story") if p["outlet"] == "Valley Evening Post")
    assert post.loc[story["title"], "date"] == pd.Timestamp(story["date"])  # from the export's row
    assert "date column" in post.loc[story["title"], "date_note"]
    copies = rows[rows["copy_of"] != ""]
    assert len(copies) == 4 and copies["copy_of"].nunique() == 1
    assert "4 wire copies or near-duplicates of 1 article" in summary


def test_a_list_of_urls(site, tmp_path):
    story = pages("story")[2]
    path = tmp_path / "links.txt"
    path.write_text(f"# two links\n{site.url(story['path'])}\n{site.url('missing.html')}\nnot-a-url\n",
                    encoding="utf-8")
    report = ingest(path, tmp_path / "corpus", fast_options())
    assert [(e.where, e.status) for e in report.entries] == [
        ("line 2", "set aside"), ("line 3", "set aside"), ("line 4", "set aside")]
    assert report.entries[0].reason == "no date: the page gives none and the row has none"
    dated = pages("story")[0]
    path.write_text(site.url(dated["path"]) + "\n", encoding="utf-8")
    report = ingest(path, tmp_path / "corpus", fast_options())
    doc = load_corpus(tmp_path / "corpus").iloc[0]
    assert report.entries[0].status == "new"
    assert (doc["title"], doc["outlet"], str(doc["date"].date())) == (dated["title"], dated["outlet"],
                                                                      dated["date"])
    assert doc["url"] == site.url(dated["path"])


def test_a_folder_of_saved_pages(tmp_path, capsys):
    folder = tmp_path / "saved"
    shutil.copytree(SITE / "news", folder / "news")
    shutil.copytree(SITE / "fr", folder / "fr")
    shutil.copytree(SITE / "world", folder / "world")
    corpus = tmp_path / "corpus"
    assert main(["ingest", str(folder), "--into", str(corpus), "--language", "en"]) == 0
    rows = report_rows(corpus).set_index("input")
    reasons = {Path(k).relative_to(folder).as_posix(): v for k, v in rows["reason"].items()}
    assert reasons["fr/tempete.html"] == "language fr, not en"
    assert reasons["world/index.html"] == "no article text on the page (navigation or lists only)"
    post = next(p for p in pages("story") if p["outlet"] == "Valley Evening Post")
    assert reasons[post["path"]] == "no date: the page gives none"
    assert len(load_corpus(corpus)) == 8


def test_a_killed_ingest_resumes_fetching_only_what_is_missing(site, tmp_path):
    urls = [site.url(p["path"]) for p in pages() if p["kind"] in ("story", "wire", "wire-edited")]
    path = tmp_path / "links.csv"
    pd.DataFrame({"url": urls, "title": [p["title"] for p in pages() if p["kind"] in
                                         ("story", "wire", "wire-edited")],
                  "date": [p["date"] for p in pages() if p["kind"] in ("story", "wire", "wire-edited")]}
                 ).to_csv(path, index=False)
    corpus = tmp_path / "corpus"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "briefing", "ingest", str(path), "--into", str(corpus),
                             "--delay", "0.25", "--quiet"], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # wait for pages kept in the cache, not for requests the server saw: a page is served
        # before the client writes it, and a kill in between would leave one fewer than counted
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and sum(
                not f.name.endswith(".robots.json") for f in (corpus / CACHE_NAME).glob("*.json")) < 5:
            time.sleep(0.02)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    cached = {json.loads(f.read_text())["url"] for f in (corpus / CACHE_NAME).glob("*.json")
              if not f.name.endswith(".robots.json")}
    assert 5 <= len(cached) < len(urls)
    assert not list(corpus.glob("*.md"))  # nothing was written yet
    before = len(site.requests)
    report = ingest(path, corpus, fast_options())
    again = [p for p in site.paths()[before:]]
    assert sorted(again) == sorted("/" + u.split("/", 3)[3] for u in urls if u not in cached)
    assert report.from_cache == len(cached) and len(report.came_in) == len(urls)


def test_a_params_file_names_its_source(site, tmp_path, capsys):
    export = mediacloud_export(tmp_path / "export.csv", site)
    params = {"title": "Ingested", "corpus": "corpus",
              "periods": [{"name": "2019", "start": "2019-01-01", "end": "2019-12-31"},
                          {"name": "2020", "start": "2020-01-01", "end": "2020-12-31"}],
              "ingest": {"source": export.name, "language": "en", "delay": 0, "timeout": 0.5, "retries": 0}}
    path = write_params(tmp_path, params)
    assert main(["check", str(path)]) == 0  # ingests first: the corpus does not exist yet
    out = capsys.readouterr()
    assert "briefing ingest: Media Cloud story list" in out.err and "2019: 5, 2020: 5" in out.out
    n = len(site.requests)
    assert main(["check", str(path)]) == 0  # the source did not change: nothing is fetched
    assert len(site.requests) == n and "briefing ingest" not in capsys.readouterr().err
    assert main(["ingest", str(path), "--quiet"]) == 0  # on demand: retries what failed
    assert {p for p in site.paths()[n:]} >= {"/missing.html"}
    assert main(["ingest", str(path), "--into", "x"]) == 2
    assert "cannot be combined with a params file" in capsys.readouterr().err


def test_a_params_ingest_block_is_validated(tmp_path):
    from briefing.errors import ParamsError
    from briefing.params import load

    data = {"title": "t", "corpus": "corpus", "periods": [
        {"name": "a", "start": "2020-01-01", "end": "2020-06-30"},
        {"name": "b", "start": "2020-07-01", "end": "2020-12-31"}], "ingest": {"source": "nope.csv"}}
    with pytest.raises(ParamsError, match="ingest.source: 'nope.csv' does not exist"):
        load(write_params(tmp_path, data))
    data["ingest"] = {"source": "x.csv", "colums": {}}
    with pytest.raises(ParamsError, match="did you mean 'columns'"):
        load(write_params(tmp_path, data))
    data["ingest"] = {"source": "x.csv", "columns": {"body": "text"}}
    with pytest.raises(ParamsError, match="ingest.columns"):
        load(write_params(tmp_path, data))
    assert yaml.safe_load((ROOT / "params" / "biden-amlo-2022-vs-2023.yaml").read_text())  # untouched


def test_progress_prints_plain_lines_when_not_on_a_terminal():
    out = io.StringIO()
    p = Progress(4, "pages", stream=out, interval=0)
    for n in range(4):
        p.update(set_aside=n == 2)
    p.close()
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("ingest: 1/4 pages (25%)") and lines[-1].endswith("1 set aside")
    quiet = io.StringIO()
    q = Progress(4, stream=quiet, quiet=True, interval=0)
    q.update()
    q.close()
    assert quiet.getvalue() == ""


def test_progress_draws_a_bar_on_a_terminal():
    out = io.StringIO()
    p = Progress(3, "pages", stream=out, tty=True, interval=0)
    for _ in range(3):
        p.update()
    p.close()
    assert "3/3" in out.getvalue() and "set aside" in out.getvalue()
