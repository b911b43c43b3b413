"""Recognising a source: tables with mapped columns, Media Cloud exports, URL lists, saved pages."""

from __future__ import annotations

import pandas as pd
import pytest
from loopback import MEDIACLOUD_HEADER, SITE

from briefing.errors import CorpusError
from briefing.ingest.sources import read_source


def test_a_media_cloud_export_is_recognised_by_its_columns(tmp_path):
    path = tmp_path / "export.csv"
    pd.DataFrame([{c: "" for c in MEDIACLOUD_HEADER} | {
        "media_name": "Northfield Courier", "publish_date": "2020-03-16 10:00:00", "title": "A title",
        "url": "https://northfield.example/a.html", "language": "en", "id": "f" * 64,
    }]).to_csv(path, index=False)
    src = read_source(path)
    assert src.kind == "mediacloud" and src.description.startswith("Media Cloud story list")
    item = src.items[0]
    assert item.where == "row 2" and not item.has_text and item.url == "https://northfield.example/a.html"
    assert item.fields["outlet"] == "Northfield Courier" and item.fields["date"] == "2020-03-16 10:00:00"
    assert "id" not in item.fields  # Media Cloud's hash ids are not article ids


def test_columns_are_mapped_by_name(tmp_path):
    path = tmp_path / "articles.jsonl"
    path.write_text('{"body": "Text.", "published_at": "2020-01-02", "source": "Wire", "headline": "H"}\n'
                    "{not json}\n", encoding="utf-8")
    src = read_source(path, {"text": "body", "date": "published_at", "outlet": "source", "title": "headline"})
    assert src.kind == "table"
    assert src.items[0].fields == {"text": "Text.", "date": "2020-01-02", "outlet": "Wire", "title": "H"}
    assert src.items[1].where == "line 2" and src.items[1].problem.startswith("not valid JSON")


def test_a_mapped_column_that_is_not_there_is_an_error_naming_it(tmp_path):
    path = tmp_path / "articles.csv"
    pd.DataFrame([{"body": "x", "date": "2020-01-01"}]).to_csv(path, index=False)
    with pytest.raises(CorpusError, match=r"text → 'content'.*its columns are body, date"):
        read_source(path, {"text": "content"})


def test_a_table_without_text_or_urls_is_an_error(tmp_path):
    path = tmp_path / "articles.parquet"
    pd.DataFrame([{"headline": "x"}]).to_parquet(path)
    with pytest.raises(CorpusError, match="no text column and no url column"):
        read_source(path)


def test_a_table_of_urls_is_a_url_list(tmp_path):
    path = tmp_path / "links.csv"
    pd.DataFrame({"url": ["https://a.example/1", "ftp://a.example/2", ""]}).to_csv(path, index=False)
    src = read_source(path)
    assert src.kind == "urls"
    assert [i.problem for i in src.items] == [None, "not an http(s) URL: 'ftp://a.example/2'",
                                              "no URL in the row"]


def test_a_text_file_lists_one_url_a_line(tmp_path):
    path = tmp_path / "links.txt"
    path.write_text("# coverage of the summit\nhttps://a.example/1\n\n  https://b.example/2  \nnot a url\n",
                    encoding="utf-8")
    src = read_source(path)
    assert src.kind == "urls" and [i.where for i in src.items] == ["line 2", "line 4", "line 5"]
    assert src.items[1].url == "https://b.example/2" and src.items[2].problem


def test_a_folder_of_saved_pages(tmp_path):
    src = read_source(SITE / "news")
    assert src.kind == "pages" and len(src.items) == 9
    assert all(i.page.suffix == ".html" for i in src.items)
    with pytest.raises(CorpusError, match="no .html pages"):
        read_source(tmp_path)


def test_a_missing_source_is_an_error(tmp_path):
    with pytest.raises(CorpusError, match="source not found"):
        read_source(tmp_path / "nope.csv")
