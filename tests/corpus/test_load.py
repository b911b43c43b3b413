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
    with pytest.raises(CorpusError,
                       match=r"corpus\.csv: row 3 \(id 'b'\): date 'last Tuesday' is not an ISO 8601"):
        load_corpus(path)


def test_empty_text_is_rejected(tmp_path):
    path = write_corpus(tmp_path, [dict(ROWS[0], text="  ")], "jsonl")
    with pytest.raises(CorpusError, match="field 'text' is empty"):
        load_corpus(path)


def test_duplicate_ids_are_rejected(tmp_path):
    path = write_corpus(tmp_path, [ROWS[0], dict(ROWS[1], id="a")], "jsonl")
    with pytest.raises(CorpusError, match="article id 'a' is used 2 times"):
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


def _article(folder, name: str, front: str, body: str = "Biden spoke.\n"):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(f"---\n{front}---\n{body}", encoding="utf-8")


def test_impossible_date_in_front_matter_names_file_id_field_and_value(tmp_path):
    _article(tmp_path, "a.md", "id: a-1\ntitle: A\noutlet: X\ndate: 2023-02-30\n")
    with pytest.raises(CorpusError) as info:
        load_corpus(tmp_path)
    assert str(info.value) == (f"{tmp_path / 'a.md'} (id 'a-1'): date '2023-02-30' is not a real date "
                               "(day is out of range for month); write it as YYYY-MM-DD")


def test_front_matter_syntax_error_names_the_file_line(tmp_path):
    _article(tmp_path, "a.md", "title: A\noutlet: [X\ndate: 2023-01-01\n")
    with pytest.raises(CorpusError, match=r"a\.md: front matter at line \d: .*fix the YAML"):
        load_corpus(tmp_path)


@pytest.mark.parametrize("front, found", [
    ("title: [A, B]\noutlet: X\ndate: 2023-01-01\n", "field 'title' holds a list ['A', 'B']"),
    ("title: A\noutlet: {name: X}\ndate: 2023-01-01\n", "field 'outlet' holds a mapping {'name': 'X'}"),
    ("title: A\noutlet: X\ndate: [2023]\n", "field 'date' holds a list [2023]"),
    ("title: A\noutlet: X\ndate: 2023-01-01\nurl: !!binary aGk=\n", "field 'url' holds a bytes value b'hi'"),
    ("title: A\noutlet: X\ndate: nat\n", "date 'nat' is not a date"),
    ("title: A\noutlet: X\ndate: !!float x\n", "front matter at line 4: 'x' is not a valid float"),
])
def test_malformed_front_matter_values_are_named(tmp_path, front, found):
    _article(tmp_path, "a.md", front)
    with pytest.raises(CorpusError) as info:
        load_corpus(tmp_path)
    assert str(info.value).startswith(str(tmp_path / "a.md")) and found in str(info.value)


def test_numbers_in_front_matter_are_text(tmp_path):
    _article(tmp_path, "a.md", "id: 7\ntitle: 1984\noutlet: 2600\ndate: 2023-01-01\n")
    df = load_corpus(tmp_path)
    assert (df.loc[0, "id"], df.loc[0, "title"], df.loc[0, "outlet"]) == ("7", "1984", "2600")


def test_jsonl_line_that_is_not_an_object_is_named(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text('{"text": "a", "date": "2022-01-01", "title": "t", "outlet": "o"}\n\n[1, 2]\n')
    with pytest.raises(CorpusError, match=r"c\.jsonl: line 3 is not a JSON object \(found list\)"):
        load_corpus(path)


def test_jsonl_wrong_type_names_line_id_field_and_value(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text('{"id": "x", "text": "a", "date": "2022-01-01", "title": "t", "outlet": "o"}\n\n'
                    '{"id": "y", "text": "b", "date": "2022-01-02", "title": {"en": "t"}, "outlet": "o"}\n')
    with pytest.raises(CorpusError) as info:
        load_corpus(path)
    assert str(info.value).startswith(f"{path}: line 3 (id 'y'): field 'title' holds a mapping {{'en': 't'}}")


def test_parquet_list_cell_names_the_row(tmp_path):
    rows = [dict(ROWS[0]), dict(ROWS[1], outlet=None)]
    df = pd.DataFrame(rows)
    df["outlet"] = [["A"], ["B", "C"]]
    df.to_parquet(tmp_path / "c.parquet")
    with pytest.raises(CorpusError, match=r"c\.parquet: row 1 \(id 'a'\): field 'outlet' holds a list"):
        load_corpus(tmp_path / "c.parquet")


def test_csv_that_is_not_utf8_is_named(tmp_path):
    (tmp_path / "c.csv").write_bytes(b"text,date,title,outlet\n\xff\xfe bad,2022-01-01,t,o\n")
    with pytest.raises(CorpusError, match=r"c\.csv: not UTF-8 text \(byte \d+\); save the file as UTF-8"):
        load_corpus(tmp_path / "c.csv")


def test_huge_bad_value_is_quoted_short(tmp_path):
    path = write_corpus(tmp_path, [dict(ROWS[0], date="x" * 50_000)], "jsonl")
    with pytest.raises(CorpusError) as info:
        load_corpus(path)
    assert len(str(info.value)) < len(str(path)) + 200 and "(50,000 characters)" in str(info.value)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_table_text_is_kept_as_published_not_stripped(tmp_path, fmt):
    text = "\u00a0 Dateline\n\n\nFirst paragraph.  \n"
    df = load_corpus(write_corpus(tmp_path, [dict(ROWS[0], text=text)], fmt))
    assert df.loc[0, "text"] == text
