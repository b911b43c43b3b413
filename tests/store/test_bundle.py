"""The data bundle: typed Parquet tables loadable in one call, and CSV files (on demand) that
are fast to write and read back by pandas as the stored tables."""

from __future__ import annotations

import dataclasses
import io
import zipfile

import pandas as pd
import pytest

from briefing.store import bundle as B
from briefing.store.bundle import write_csv
from briefing.store.results import save


def _round_trip(df: pd.DataFrame) -> pd.DataFrame:
    buf = io.BytesIO()
    write_csv(df, buf)
    return pd.read_csv(io.BytesIO(buf.getvalue()), keep_default_na=False, na_values=[""])


def test_csv_reads_back_with_quotes_commas_newlines_unicode_and_whole_day_dates():
    df = pd.DataFrame({
        "text": ['He said "no", twice.', "line one\nline two", "López, 50 %", "plain"],
        "n": [1, 2, 3, 4],
        "x": [0.1, -0.7906, 1e-9, 2.5],
        "flag": [True, False, True, False],
        "date": pd.to_datetime(["2019-01-01", "2020-02-29", "2023-11-17", "2022-07-11"]),
        "period": pd.Categorical(["2019", "2020", "2023", "2022"]),
    })
    back = _round_trip(df)
    assert back["text"].tolist() == df["text"].tolist()
    assert back["n"].tolist() == [1, 2, 3, 4]
    assert back["x"].tolist() == df["x"].tolist()
    assert back["flag"].tolist() == [True, False, True, False]
    assert back["date"].tolist() == ["2019-01-01", "2020-02-29", "2023-11-17", "2022-07-11"]
    assert back["period"].astype(str).tolist() == ["2019", "2020", "2023", "2022"]


def test_missing_values_read_back_as_missing():
    df = pd.DataFrame({"actors": ["China", None, "Mexico"], "z": [1.5, float("nan"), 2.0]})
    back = pd.read_csv(io.BytesIO(_bytes(df)))
    assert back["actors"].isna().tolist() == [False, True, False]
    assert back["z"].isna().tolist() == [False, True, False]
    assert back["z"].dtype == "float64" and back["z"].iloc[2] == 2.0


def _bytes(df: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    write_csv(df, buf)
    return buf.getvalue()


def test_a_column_arrow_cannot_write_goes_through_pandas():
    df = pd.DataFrame({"terms": [["a", "b"], ["c"]], "mixed": [{"k": 1}, 3]})
    buf = io.BytesIO()
    write_csv(df, buf)
    back = pd.read_csv(io.BytesIO(buf.getvalue()))
    assert back["terms"].tolist() == ["['a', 'b']", "['c']"]
    assert back["mixed"].tolist() == ["{'k': 1}", "3"]


# -- the Parquet bundle: the stored tables as they are, loadable in one call ---------------------



@dataclasses.dataclass
class Measured:
    """A section result of the shape sections return: a table, a table per pair, numbers."""

    periods: pd.DataFrame
    pairs: dict[tuple[str, str], pd.DataFrame]
    note: str
    total: float


def _result() -> Measured:
    periods = pd.DataFrame({
        "period": pd.Categorical(["2019", "2020"]),
        "documents": [3, 4],                       # int64
        "mean": [2.0, -1.0],                       # whole numbers, but floats
        "first": pd.to_datetime(["2019-01-01", "2020-02-29"]),
        "label": ["no, \"quoted\"", None],
    })
    pair = pd.DataFrame({"term": ["covid", "brexit"], "z": [4.0, -3.5], "count": [10, 7]})
    return Measured(periods, {("2019", "2020"): pair}, "a note", 7.0)


@pytest.fixture()
def briefing(tmp_path):
    """A briefing folder with one stored section result, as `briefing run` leaves it."""
    folder = tmp_path / "reports" / "x"
    save(_result(), folder / "results" / "measured", {"key": "k1"})
    return folder


def test_the_parquet_bundle_reads_back_with_every_dtype_as_stored(briefing, tmp_path):
    target = B.write_bundle(briefing / "results", tmp_path / "briefing-data.zip")
    with zipfile.ZipFile(target) as zf:
        names = set(zf.namelist())
        index = pd.read_csv(zf.open("tables.csv"))
        periods = pd.read_parquet(io.BytesIO(zf.read("measured/periods.parquet")))
    assert {"measured/periods.parquet", "measured/pairs--0.parquet", "measured/result.json",
            "measured/inputs.json", "tables.csv", "README.txt"} <= names
    index = index.set_index("table")
    assert index["rows"].to_dict() == {"measured/periods": 2, "measured/pairs/2019 vs 2020": 2}
    assert index.loc["measured/periods", "columns"] == "period; documents; mean; first; label"
    assert periods["mean"].dtype == "float64" and periods["mean"].tolist() == [2.0, -1.0]
    assert periods["documents"].dtype == "int64"
    assert isinstance(periods["period"].dtype, pd.CategoricalDtype)
    assert pd.api.types.is_datetime64_any_dtype(periods["first"])
    assert periods["label"].isna().tolist() == [False, True]


def test_load_results_reads_a_downloaded_bundle_as_the_briefing_folder(briefing, tmp_path):
    target = B.write_bundle(briefing / "results", tmp_path / "download" / "briefing-data.zip")
    from_zip, from_folder = B.load_results(target)["measured"], B.load_results(briefing)["measured"]
    pd.testing.assert_frame_equal(from_zip.periods, _result().periods)
    pd.testing.assert_frame_equal(from_zip.pairs[("2019", "2020")], from_folder.pairs[("2019", "2020")])
    assert (from_zip.note, from_zip.total) == ("a note", 7.0)
    assert set(B.tables(target)) == {"measured/periods", "measured/pairs/2019 vs 2020"}


def test_a_csv_bundle_is_made_from_a_parquet_bundle_on_demand(briefing, tmp_path, capsys):
    parquet = B.write_bundle(briefing / "results", tmp_path / "briefing-data.zip")
    assert B.main(["--csv", str(parquet), str(tmp_path / "tables-csv.zip")]) == 0
    with zipfile.ZipFile(tmp_path / "tables-csv.zip") as zf:
        pairs = pd.read_csv(zf.open("measured/pairs/2019-vs-2020.csv"))
        assert "measured/periods.csv" in zf.namelist()
    assert pairs["term"].tolist() == ["covid", "brexit"] and pairs["count"].tolist() == [10, 7]


def test_a_bundle_is_reused_only_when_made_from_the_same_results_in_the_same_format(briefing, tmp_path):
    first = B.write_bundle(briefing / "results", tmp_path / "a.zip")
    again = B.write_bundle(briefing / "results", tmp_path / "b.zip", previous=first)
    assert again.read_bytes() == first.read_bytes()
    csv = B.write_bundle(briefing / "results", tmp_path / "c.zip", previous=first, fmt="csv")
    assert "measured/periods.csv" in zipfile.ZipFile(csv).namelist()


@pytest.mark.parametrize("make", ["missing", "not a zip", "zip without results", "empty folder"])
def test_a_bad_source_is_one_line_with_exit_2_and_nothing_written(make, tmp_path, capsys):
    source = tmp_path / "source"
    if make == "not a zip":
        source.write_text("id,text\n")
    elif make == "zip without results":
        with zipfile.ZipFile(source, "w") as zf:
            zf.writestr("a.csv", "x\n")
    elif make == "empty folder":
        source.mkdir()
    assert B.main([str(source), str(tmp_path / "out.zip")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(source) in err and "Traceback" not in err
    assert not (tmp_path / "out.zip").exists()
