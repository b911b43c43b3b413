"""Reruns of `briefing run`: nothing recomputed when nothing changed, only what changed otherwise,
and the results published beside the briefing as a data bundle."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import DEFAULT_PARAMS, ROOT

from briefing.build.run import run_briefing
from briefing.store.bundle import load_results, tables

pytestmark = pytest.mark.slow

SECTIONS = {"corpus", "sentiment", "framing", "topics", "summary", "appendix"}


def records(briefing: Path) -> dict[str, dict]:
    return {p.name: json.loads((p / "inputs.json").read_text()) for p in (briefing / "results").iterdir()}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A params file of the seed corpus in a folder of its own, with its own reports and cache."""
    base = tmp_path_factory.mktemp("project")
    params = yaml.safe_load(DEFAULT_PARAMS.read_text(encoding="utf-8"))
    params["corpus"] = str(ROOT / "data" / "corpus" / "biden-amlo")
    (base / "params").mkdir()
    (base / "params" / "seed.yaml").write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    return base


@pytest.fixture(scope="module")
def first(project, tmp_path_factory):
    import os

    old = os.environ.get("BRIEFING_CACHE_DIR")
    os.environ["BRIEFING_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    try:
        yield run_briefing(project / "params" / "seed.yaml", reports_dir=project / "reports", quiet=True)
    finally:
        if old is not None:
            os.environ["BRIEFING_CACHE_DIR"] = old


def test_the_first_run_executes_every_notebook_and_stores_every_section(first):
    assert len(first.executed) == len(list((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")))
    assert set(records(first.out_dir)) == SECTIONS
    assert (first.out_dir / "briefing-data.zip").is_file()


def test_a_rerun_with_nothing_changed_recomputes_nothing(project, first):
    before = records(first.out_dir)
    again = run_briefing(project / "params" / "seed.yaml", reports_dir=project / "reports", quiet=True)
    assert again.executed == []
    assert records(again.out_dir) == before  # same keys, same computed_at: read, not computed


def test_a_new_title_rerenders_and_recomputes_nothing(project, first):
    before = records(first.out_dir)
    path = project / "params" / "seed.yaml"
    params = yaml.safe_load(path.read_text(encoding="utf-8"))
    params["title"] = "Meetings of two presidents, retitled"
    path.write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    again = run_briefing(path, reports_dir=project / "reports", quiet=True)
    assert again.executed == []
    assert records(again.out_dir) == before
    assert "Meetings of two presidents, retitled" in (again.out_dir / "briefing.html").read_text("utf-8")


def test_a_new_topics_setting_recomputes_the_topics_section_only(project, first):
    before = records(first.out_dir)
    path = project / "params" / "seed.yaml"
    params = yaml.safe_load(path.read_text(encoding="utf-8"))
    params.setdefault("topics", {})["prior_scale"] = 0.2
    path.write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    again = run_briefing(path, reports_dir=project / "reports", quiet=True)
    after = records(again.out_dir)
    changed = {s for s in SECTIONS if after[s]["key"] != before[s]["key"]}
    assert changed == {"topics", "summary", "appendix"}  # the appendix lists the params used
    for s in SECTIONS - changed:
        assert after[s]["computed_at"] == before[s]["computed_at"]


def test_the_data_bundle_holds_every_table_as_parquet_and_loads_in_one_call(first):
    results = load_results(first.out_dir)
    assert set(results) == SECTIONS
    assert results["sentiment"].periods["period"].tolist() == ["2022", "2023"]
    stored = tables(first.out_dir / "results")
    bundle = first.out_dir / "briefing-data.zip"
    with zipfile.ZipFile(bundle) as zf:
        names = set(zf.namelist())
        index = pd.read_csv(zf.open("tables.csv"))
        assert set(index["file"]) <= names and len(index) == len(stored)
        sentences = pd.read_parquet(io.BytesIO(zf.read("sentiment/sentences.parquet")))
    pd.testing.assert_frame_equal(sentences, stored["sentiment/sentences"])
    downloaded = load_results(bundle)
    pd.testing.assert_frame_equal(downloaded["sentiment"].sentences, results["sentiment"].sentences)
    assert {"sentiment/sentences", "framing/hits", "topics/topics", "summary/changed"} <= set(stored)


def test_every_stored_table_is_described_in_the_readme(first):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Data bundle"):]
    for name in tables(first.out_dir / "results"):
        table = "/".join(name.split("/")[:2])
        assert f"`{table}`" in section, f"README's data bundle section does not describe {table}"
