"""The data bundle's CSV files: fast to write, and read back by pandas as the stored tables."""

from __future__ import annotations

import io

import pandas as pd

from briefing.store.bundle import write_csv


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
