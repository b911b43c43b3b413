"""Shared fixtures: the repository, the default params, and small corpora built in tmp dirs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PARAMS = ROOT / "params" / "biden-amlo-2022-vs-2023.yaml"
#: The workplace's shared, read-only data, beside the checkout (a worktree may sit one level deeper).
SHARED = next((d / "shared" for d in ROOT.parents if (d / "shared" / "reference").is_dir()),
              ROOT.parent / "shared")
SEEDS = SHARED / "seeds"
#: Published reference data, copied into the repository (tests/data/reference/README.md).
REFERENCE = ROOT / "tests" / "data" / "reference"


@pytest.fixture(autouse=True, scope="session")
def _cache_outside_the_checkout(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests keep the per-document cache in a temporary folder, never in the checkout's reports/."""
    import os

    os.environ["BRIEFING_CACHE_DIR"] = str(tmp_path_factory.mktemp("briefing-cache"))


@pytest.fixture
def root() -> Path:
    return ROOT


def base_params(corpus: str = "corpus") -> dict:
    return {
        "title": "Test briefing",
        "corpus": corpus,
        "periods": [
            {"name": "2022", "start": "2022-01-01", "end": "2022-12-31"},
            {"name": "2023", "start": "2023-01-01", "end": "2023-12-31"},
        ],
        "actors": [{"name": "Biden"}, {"name": "Mexico"}],
    }


def write_params(folder: Path, data: dict, name: str = "test.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def write_corpus(folder: Path, rows: list[dict], fmt: str = "jsonl") -> Path:
    """A corpus table in `folder`/corpus.<fmt> from rows with text/date/title/outlet."""
    folder.mkdir(parents=True, exist_ok=True)
    df = pd.DataFrame(rows)
    path = folder / f"corpus.{fmt}"
    if fmt == "jsonl":
        df.to_json(path, orient="records", lines=True, force_ascii=False)
    elif fmt == "csv":
        df.to_csv(path, index=False)
    else:
        df.to_parquet(path)
    return path


@pytest.fixture
def seed_project(tmp_path: Path) -> Path:
    """A copy of the default params and corpus, so tests may change them."""
    shutil.copytree(ROOT / "data" / "corpus" / "biden-amlo", tmp_path / "data" / "corpus" / "biden-amlo")
    (tmp_path / "params").mkdir()
    shutil.copy(DEFAULT_PARAMS, tmp_path / "params" / DEFAULT_PARAMS.name)
    return tmp_path


def pytest_terminal_summary(terminalreporter) -> None:
    """After a run that fuzzed (tests/test_fuzz.py), say how many examples were tried."""
    import sys

    fuzz = sys.modules.get("test_fuzz")
    tried = getattr(fuzz, "TRIED", None)
    if not tried:
        return
    kinds = {k: v for k, v in tried.items() if ": exit " not in k}
    outcomes = {k: v for k, v in tried.items() if ": exit " in k}
    terminalreporter.write_sep("-", "fuzz")
    terminalreporter.write_line(f"fuzz: {sum(kinds.values()):,} examples tried: "
                                + ", ".join(f"{k} {v:,}" for k, v in sorted(kinds.items())))
    terminalreporter.write_line("fuzz: outcomes: "
                                + ", ".join(f"{k} {v:,}" for k, v in sorted(outcomes.items())))
