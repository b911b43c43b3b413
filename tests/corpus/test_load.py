"""The loader reads Markdown with front matter, CSV, JSONL and Parquet, with clear errors."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import ROOT, SEEDS, write_corpus

from briefing.corpus.load import load_corpus, read_markdown
from briefing.errors import CorpusError

CORPUS = ROOT / "data" / "corpus" / "biden-amlo"
ROWS = [
    {"text": "Biden met López Obrador.", "date": "2022-07-12", "title": "Meeting", "outlet": "A",
     "url": "https://example.org/a", "id": "a"},
    {"text": "They met again.", "date": "2023-11-17", "title": "Again", "outlet": "B",
     "url": "", "id": "b"},
]


def test_seed_articles_keep_their_text_byte_for_byte():
    if not SEEDS.is_dir():
        pytest.skip(f"seed texts not found at {SEEDS}")
    for seed in sorted(SEEDS.glob("*.txt")):
        md = CORPUS / seed.with_suffix(".md").name
        assert read_markdown(md)["text"] == seed.read_text(encoding="utf-8")


def test_seed_metadata_comes_from_the_texts():
    df = load_corpus(CORPUS)
    assert list(df["outlet"]) == ["Washington Examiner", "Political IQ"]
    assert [d.date().isoformat() for d in df["date"]] == ["2022-07-11", "2023-11-17"]
    assert "Inferred from the text" in df.loc[0, "date_note"]
    assert set(df.columns) >= {"id", "title", "outlet", "date", "url", "language", "text"}


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_tables_load_like_markdown(tmp_path, fmt):
    path = write_corpus(tmp_path, ROWS, fmt)
    df = load_corpus(path)
    assert list(df["id"]) == ["a", "b"]
    assert df.loc[0, "text"] == "Biden met López Obrador."
    assert df.loc[0, "url"] == "https://example.org/a" and pd.isna(df.loc[1, "url"])
    assert str(df["date"].dtype).startswith("datetime64")


def test_ids_are_generated_when_missing(tmp_path):
    rows = [{k: v for k, v in r.items() if k != "id"} for r in ROWS]
    df = load_corpus(write_corpus(tmp_path, rows, "csv"))
    assert df["id"].str.len().eq(12).all() and df["id"].is_unique


def test_missing_column_is_named(tmp_path):
    rows = [{k: v for k, v in r.items() if k != "outlet"} for r in ROWS]
    path = write_corpus(tmp_path, rows, "csv")
    with pytest.raises(CorpusError, match=r"corpus\.csv: missing column\(s\) outlet"):
        load_corpus(path)


def test_bad_date_names_the_row(tmp_path):
    rows = [dict(ROWS[0]), dict(ROWS[1], date="last Tuesday")]
    path = write_corpus(tmp_path, rows, "csv")
    with pytest.raises(CorpusError, match=r"corpus\.csv: row 3 \(id 'b'\): date 'last Tuesday' is not an ISO 8601"):
        load_corpus(path)


def test_empty_text_is_rejected(tmp_path):
    path = write_corpus(tmp_path, [dict(ROWS[0], text="  ")], "jsonl")
    with pytest.raises(CorpusError, match="field 'text' is empty"):
        load_corpus(path)


def test_duplicate_ids_are_rejected(tmp_path):
    path = write_corpus(tmp_path, [ROWS[0], dict(ROWS[1], id="a")], "jsonl")
    with pytest.raises(CorpusError, match="article id 'a' is used twice"):
        load_corpus(path)


def test_markdown_without_front_matter_is_rejected(tmp_path):
    (tmp_path / "x.md").write_text("Just text\n")
    with pytest.raises(CorpusError, match=r"x\.md: no YAML front matter"):
        load_corpus(tmp_path)


def test_broken_jsonl_line_is_named(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text('{"text": "a", "date": "2022-01-01", "title": "t", "outlet": "o"}\n{broken\n')
    with pytest.raises(CorpusError, match=r"c\.jsonl: line 2 is not valid JSON"):
        load_corpus(path)


def test_empty_folder_is_rejected(tmp_path):
    with pytest.raises(CorpusError, match="no articles found"):
        load_corpus(tmp_path)
