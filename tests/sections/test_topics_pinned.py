"""What the topics section must keep when it is made faster: pinned on real corpora.

`tests/data/topics_pinned.json` holds, for the seed corpus (2022 vs 2023) and the Wikinews
corpus (2019 vs 2020), what the section gave before it was optimised (issue 12): every
distinctive term and name with its z-score (the top of each side, and a digest of all), the
new and vanished lists, the vocabulary divergence, and the coherence of the chosen topics.
Faster code must give the same terms and lists, and topics at least as coherent.
Regenerate only on purpose: `python tests/sections/test_topics_pinned.py` (and say why).
"""

from __future__ import annotations

import hashlib
import json
import sys
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
PINNED = ROOT / "tests" / "data" / "topics_pinned.json"
WIKINEWS = ROOT / "data" / "corpus" / "wikinews-2019-2020" / "articles.csv"
TOP = 15


def _params(name: str):  # noqa: ANN202
    from briefing import params as P

    if name == "seed":
        return P.load(ROOT / "params" / "biden-amlo-2022-vs-2023.yaml")
    return P.validate({"title": "Wikinews 2019 vs 2020", "corpus": str(WIKINEWS),
                       "periods": [{"name": "2019", "start": "2019-01-01", "end": "2019-12-31"},
                                   {"name": "2020", "start": "2020-01-01", "end": "2020-12-31"}]})


@lru_cache(maxsize=2)
def _result(name: str):  # noqa: ANN202
    from briefing.corpus.prepare import prepare
    from briefing.sections.topics.compute import topics_section

    return topics_section(prepare(_params(name)))


def _digest(table: pd.DataFrame, columns: list[str]) -> str:
    """A digest of a table's rows in order, floats to 9 significant digits (sums differ in the last bits)."""
    h = hashlib.sha256()
    for row in table[columns].itertuples(index=False):
        h.update(("|".join(f"{v:.9g}" if isinstance(v, float) else str(v) for v in row) + "\n").encode())
    return h.hexdigest()


def _side(table: pd.DataFrame) -> list[list]:
    return [[t, round(float(z), 9)] for t, z in zip(table["term"], table["z"], strict=True)]


def fingerprint(res) -> dict:  # noqa: ANN001
    """What must not change in a TopicsResult, as plain JSON values."""
    pair = res.comparisons[0]
    out = {"pair": list(pair)}
    for kind, tables in (("distinctive", res.distinctive), ("names", res.names)):
        t = tables[pair]
        a = t[t["z"] < 0].sort_values(["z", "total", "term"], ascending=[True, False, True]).head(TOP)
        b = t[t["z"] > 0].sort_values(["z", "total", "term"], ascending=[False, False, True]).head(TOP)
        out[kind] = {"rows": len(t), "top_a": _side(a), "top_b": _side(b),
                     "digest": _digest(t, ["term", "count_a", "count_b", "z"])}
    for kind, tables in (("new", res.new), ("vanished", res.vanished)):
        t = tables[pair]
        out[kind] = {"rows": len(t), "head": [[i, k, int(c)] for i, k, c in
                                              zip(t["item"].head(40), t["kind"].head(40), t["count"].head(40),
                                                  strict=True)],
                     "digest": _digest(t, ["item", "kind", "count"])}
    div = res.divergence.iloc[0]
    out["divergence"] = {"js": float(div["js"]), "chance_mean": float(div["chance_mean"]),
                         "words_a": int(div["words_a"]), "words_b": int(div["words_b"])}
    chosen = res.topic_choice[res.topic_choice["chosen"]]
    out["coherence"] = float(chosen["coherence"].iat[0])
    return out


@pytest.fixture(scope="module")
def pinned() -> dict:
    return json.loads(PINNED.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["seed", "wikinews"])
def test_distinctive_terms_and_names_are_the_pinned_ones(pinned, name):
    got, want = fingerprint(_result(name)), pinned[name]
    for kind in ("distinctive", "names"):
        assert got[kind]["rows"] == want[kind]["rows"], kind
        for side in ("top_a", "top_b"):
            assert [t for t, _ in got[kind][side]] == [t for t, _ in want[kind][side]], (kind, side)
            for (_, z), (_, z0) in zip(got[kind][side], want[kind][side], strict=True):
                assert z == pytest.approx(z0, rel=1e-9, abs=1e-12)
        assert got[kind]["digest"] == want[kind]["digest"], f"{kind}: some term, count or z changed"


@pytest.mark.parametrize("name", ["seed", "wikinews"])
def test_new_and_vanished_lists_are_the_pinned_ones(pinned, name):
    got, want = fingerprint(_result(name)), pinned[name]
    for kind in ("new", "vanished"):
        assert got[kind]["rows"] == want[kind]["rows"], kind
        assert got[kind]["head"] == want[kind]["head"], kind
        assert got[kind]["digest"] == want[kind]["digest"], kind


@pytest.mark.parametrize("name", ["seed", "wikinews"])
def test_divergence_is_the_pinned_one_and_topics_are_at_least_as_coherent(pinned, name):
    got, want = fingerprint(_result(name)), pinned[name]
    assert got["divergence"]["js"] == pytest.approx(want["divergence"]["js"], rel=1e-12)
    assert got["divergence"]["chance_mean"] == pytest.approx(want["divergence"]["chance_mean"], rel=1e-9)
    assert got["divergence"]["words_a"] == want["divergence"]["words_a"]
    assert got["divergence"]["words_b"] == want["divergence"]["words_b"]
    assert got["coherence"] >= want["coherence"] - 1e-9


if __name__ == "__main__":  # regenerate the pinned figures (only on purpose)
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
    data = {name: fingerprint(_result(name)) for name in ("seed", "wikinews")}
    PINNED.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {PINNED}")
