"""The numbers of three briefings stay as they were: the seed, the Wikinews example and a
1,000-article realistic corpus.

Every section's findings (values, intervals, the sentences the summary quotes) and every table of
a section result under 5,000 rows are compared with pins written from main at c32a1ed, before
sections were combined from per-article summaries (issue 21), so a change in how a statistic is
computed that moves a number fails here. One pinned table was changed on purpose since:
`framing.article_quality` (issue 23: the article-level evaluation scores only labelled frames).
`sentiment.compound_counts` is new (issue 21). Floats are compared to 1e-8 relative.

To pin again after a deliberate change: `BRIEFING_PIN_WRITE=1 pytest tests/test_pinned_numbers.py`
and say in the commit which numbers moved and why.
"""

from __future__ import annotations

import gzip
import json
import math
import os
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from briefing import params as params_mod
from briefing.corpus.prepare import prepare
from briefing.files import CHECKOUT
from briefing.sections.framing import framing_section
from briefing.sections.sentiment import sentiment_section
from briefing.sections.topics import topics_section

PINNED = Path(__file__).parent / "data" / "pinned"
MAX_ROWS = 5000  # larger tables (every sentence) are pinned through the findings that use them


def _plain(v: Any) -> Any:
    if hasattr(v, "item") and not isinstance(v, str):
        v = v.item()
    if isinstance(v, float):
        return None if math.isnan(v) else float(f"{v:.12g}")
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v if isinstance(v, (str, int, bool, type(None))) else str(v)


def _params(name: str, tmp_path: Path) -> params_mod.Params:
    if name == "realistic-1000":  # benchmarks/realistic.py, seed 0, with its benchmark's actors
        return params_mod.validate({
            "title": "Realistic 1,000", "corpus": str(PINNED / "realistic-1000.parquet"),
            "base_dir": str(tmp_path),
            "periods": [{"name": p, "start": f"{p}-01-01", "end": f"{p}-12-31"} for p in ("2019", "2020")],
            "actors": [{"name": "Donald Trump", "aliases": ["Trump", "President Trump"]}, {"name": "China"},
                       {"name": "United States", "aliases": ["U.S.", "US"]}, {"name": "Russia"}]})
    return params_mod.load(CHECKOUT / "params" / f"{name}.yaml")


def numbers(params: params_mod.Params) -> dict[str, Any]:
    """Every section's findings and its result's tables (up to MAX_ROWS rows), as plain values."""
    prepared = prepare(params, cache=False)
    results = {"sentiment": sentiment_section(prepared), "framing": framing_section(prepared),
               "topics": topics_section(prepared)}
    out: dict[str, Any] = {"findings": [
        [f.section, f.measure, f.period_a, f.period_b,
         *(_plain(x) for x in (f.value_a, f.value_b, f.change, f.ci_low, f.ci_high)), f.sentence]
        for r in results.values() for f in r.findings]}
    for section, result in results.items():
        for field, value in sorted(vars(result).items()):
            if isinstance(value, pd.DataFrame) and len(value) < MAX_ROWS:
                out[f"{section}.{field}"] = {"columns": [str(c) for c in value.columns],
                                             "rows": [_plain(list(r)) for r in value.itertuples(index=False)]}
    return out


def _differences(pinned: Any, now: Any, where: str) -> list[str]:
    if isinstance(pinned, float) and isinstance(now, (int, float)) and not isinstance(now, bool):
        same = math.isclose(pinned, now, rel_tol=1e-8, abs_tol=1e-12)
        return [] if same else [f"{where}: {pinned} -> {now}"]
    if isinstance(pinned, dict) and isinstance(now, dict):
        keys = sorted(set(pinned) | set(now))
        return [d for k in keys for d in (
            _differences(pinned[k], now[k], f"{where}.{k}") if k in pinned and k in now
            else [f"{where}.{k}: {'missing now' if k in pinned else 'not pinned'}"])]
    if isinstance(pinned, list) and isinstance(now, list):
        if len(pinned) != len(now):
            return [f"{where}: {len(pinned)} items pinned, {len(now)} now"]
        pairs = enumerate(zip(pinned, now, strict=True))
        return [d for i, (a, b) in pairs for d in _differences(a, b, f"{where}[{i}]")]
    return [] if pinned == now else [f"{where}: {pinned!r} -> {now!r}"]


@pytest.mark.parametrize("name", ["biden-amlo-2022-vs-2023", "wikinews-2019-vs-2020", "realistic-1000"])
def test_the_briefings_numbers_are_those_pinned(name, tmp_path):
    now = numbers(_params(name, tmp_path))
    path = PINNED / f"{name}.json.gz"
    if os.environ.get("BRIEFING_PIN_WRITE"):
        path.write_bytes(gzip.compress(json.dumps(now, sort_keys=True, ensure_ascii=False).encode(), mtime=0))
    pinned = json.loads(gzip.decompress(path.read_bytes()))
    differences = _differences(pinned, json.loads(json.dumps(now)), name)
    assert not differences, "\n".join(differences[:20])


def test_the_comparison_catches_a_moved_number():
    pinned = {"findings": [["sentiment", "mean", "a", "b", 0.1, 0.2, 0.1, None, None, "s"]]}
    moved = {"findings": [["sentiment", "mean", "a", "b", 0.1, 0.2000001, 0.1, None, None, "s"]]}
    assert _differences(pinned, pinned, "x") == []
    assert _differences(pinned, moved, "x") == ["x.findings[0][5]: 0.2 -> 0.2000001"]
