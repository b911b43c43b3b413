"""Wire copies and near-duplicates (briefing/corpus/dedup.py), on real article texts: the
Wikinews stories of tests/ingest/site/ (CC BY 2.5, credited there)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, base_params, write_params

from briefing.corpus.dedup import find_copies, jaccard, set_aside_copies, shingles, words
from briefing.corpus.prepare import prepare
from briefing.ingest.extract import extract_page
from briefing.params import load
from briefing.sections.overview import corpus_overview

SITE = ROOT / "tests" / "ingest" / "site"
PAGES = json.loads((SITE / "pages.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def articles() -> pd.DataFrame:
    """The site's English articles, extracted from their pages: nine distinct stories and one
    wire story in five outlets (the Coastline Herald's copy lightly edited)."""
    rows = []
    for p in PAGES:
        if p["kind"] in ("story", "wire", "wire-edited"):
            page = extract_page((SITE / p["path"]).read_bytes())
            rows.append({"id": Path(p["path"]).with_suffix("").as_posix().replace("/", "-"),
                         "date": pd.Timestamp(p["date"]), "outlet": p["outlet"], "title": p["title"],
                         "text": page.text, "kind": p["kind"]})
    return pd.DataFrame(rows)


def test_jaccard_of_shingles_on_a_worked_example():
    # "the cat sat on the mat" -> {the cat sat, cat sat on, sat on the, on the mat}
    # "the cat sat on a mat"   -> {the cat sat, cat sat on, sat on a, on a mat}: 2 shared of 6
    a, b = shingles("The cat sat on the mat."), shingles("the CAT sat on a mat")
    assert len(a) == 4 and len(b) == 4
    assert jaccard(a, b) == pytest.approx(2 / 6)
    assert jaccard(a, a) == 1.0 and jaccard(set(), set()) == 0.0


def test_words_fold_case_and_accents():
    assert words("López Obrador, LOPEZ obrador!") == ["lopez", "obrador", "lopez", "obrador"]


def test_the_wire_story_in_five_outlets_keeps_one_and_lists_four(articles):
    copies = find_copies(articles)
    wire = articles[articles["kind"].str.startswith("wire")]
    assert sorted(copies["id"]) == sorted(set(wire["id"]) - set(copies["copy_of"]))
    assert len(copies) == 4 and copies["copy_of"].nunique() == 1
    kept = copies["copy_of"].iloc[0]
    assert kept in set(wire["id"]) and kept != wire.loc[wire["kind"] == "wire-edited", "id"].iloc[0]
    edited = wire.loc[wire["kind"] == "wire-edited", "id"].iloc[0]
    assert edited in set(copies["id"])  # the lightly edited copy is found too
    assert copies.set_index("id").loc[edited, "similarity"] < 0.8
    assert not copies["exact"].any()


def test_distinct_stories_are_never_copies(articles):
    stories = articles[articles["kind"] == "story"]
    assert find_copies(stories).empty


def test_an_exact_copy_scores_one_and_is_marked_exact(articles):
    story = articles[articles["kind"] == "story"].iloc[[0, 1]]
    again = story.iloc[[0]].assign(id="again", date=story["date"].iloc[0] + pd.Timedelta(days=2),
                                   text=story["text"].iloc[0].upper())
    copies = find_copies(pd.concat([story, again], ignore_index=True))
    assert copies.to_dict("records") == [{"id": "again", "copy_of": story["id"].iloc[0], "similarity": 1.0,
                                          "exact": True}]


def test_the_earliest_article_is_kept(articles):
    wire = articles[articles["kind"] == "wire"].copy()
    late = wire["id"].iloc[0]
    wire.loc[wire["id"] != late, "date"] += pd.Timedelta(days=1)
    wire.loc[wire["id"] == late, "date"] -= pd.Timedelta(days=3)
    assert set(find_copies(wire)["copy_of"]) == {late}


def test_threshold_decides_what_counts_as_a_copy(articles):
    wire = articles[articles["kind"].str.startswith("wire")]
    assert len(find_copies(wire, threshold=0.95)) < 4
    with pytest.raises(ValueError, match="threshold"):
        find_copies(wire, threshold=0)


def test_drop_flag_and_keep(articles):
    docs = articles.assign(period="2020")
    kept, copies = set_aside_copies(docs, "drop")
    assert len(kept) == len(docs) - 4 and copies["set_aside"].all()
    assert set(copies.columns) >= {"period", "outlet", "title", "copy_of", "copy_of_outlet", "similarity"}
    flagged, copies = set_aside_copies(docs, "flag")
    assert len(flagged) == len(docs) and len(copies) == 4 and not copies["set_aside"].any()
    same, copies = set_aside_copies(docs, "keep")
    assert same is docs and copies.empty


def _corpus(folder: Path, articles: pd.DataFrame) -> None:
    folder.mkdir(parents=True)
    for r in articles.itertuples():
        (folder / f"{r.id}.md").write_text(
            f"---\nid: {r.id}\ntitle: {json.dumps(r.title)}\noutlet: {r.outlet}\ndate: {r.date.date()}\n---\n"
            f"{r.text}", encoding="utf-8")


def test_a_briefing_sets_the_copies_aside_by_default(articles, tmp_path):
    _corpus(tmp_path / "corpus", articles)
    params = base_params()
    params["periods"] = [{"name": "2019", "start": "2019-01-01", "end": "2019-12-31"},
                         {"name": "2020", "start": "2020-01-01", "end": "2020-12-31"}]
    prepared = prepare(load(write_params(tmp_path, params)))
    assert len(prepared.documents) == len(articles) - 4
    assert len(prepared.copies) == 4 and set(prepared.copies["period"]) == {"2020"}
    assert prepared.documents["title"].str.contains("Qaboos").sum() == 1

    overview = corpus_overview(prepared)
    assert overview.copies_by.to_dict("records") == [
        {"period": "2020", "outlet": o, "copies": 1}
        for o in ("Coastline Herald", "Metro Daily Star", "Northfield Courier", "Valley Evening Post")]
    assert "4 articles were set aside as copies of another article (2020: 4)" in overview.prose
    assert set(overview.copies["copy_of"]) == {"The Harbour Ledger: Sultan Qaboos of Oman dies"}

    flagged = prepare(load(write_params(tmp_path, {**params, "dedup": "flag"}, "flag.yaml")))
    assert len(flagged.documents) == len(articles) and len(flagged.copies) == 4
    assert "4 articles are copies of another article, kept as" in corpus_overview(flagged).prose
    kept = prepare(load(write_params(tmp_path, {**params, "dedup": "keep"}, "keep.yaml")))
    assert len(kept.documents) == len(articles) and kept.copies.empty
    overview = corpus_overview(kept)
    assert overview.copies.empty and overview.copies_by.empty and "cop" not in overview.prose


def _wikinews_with_copies() -> pd.DataFrame:
    """The 293 real Wikinews articles of the example, with three planted copies (one exact,
    one with a line added, one cut short) dated a day after their originals."""
    docs = pd.read_csv(ROOT / "data" / "corpus" / "wikinews-2019-2020" / "articles.csv")
    docs = docs[["id", "date", "outlet", "title", "text"]].copy()
    docs["date"] = pd.to_datetime(docs["date"])
    planted = []
    for k, (i, change) in enumerate([(3, lambda t: t), (40, lambda t: "By a wire reporter.\n\n" + t),
                                     (120, lambda t: t[: int(len(t) * 0.8)])]):
        row = docs.iloc[i].to_dict()
        planted.append({**row, "id": f"copy-{k}", "outlet": "Other outlet", "text": change(row["text"]),
                        "date": row["date"] + pd.Timedelta(days=1)})
    return pd.concat([docs, pd.DataFrame(planted)], ignore_index=True)


def test_cached_sketches_find_the_same_copies_as_sketching_every_text():
    from briefing.corpus.dedup import sketch_table

    docs = _wikinews_with_copies()
    fresh = find_copies(docs)
    assert sorted(fresh["id"]) == ["copy-0", "copy-1", "copy-2"]
    sketches = sketch_table(docs.assign(doc_key=range(len(docs))))
    stored = sketches.sample(frac=1, random_state=0).sort_index()  # as read back from the cache
    pd.testing.assert_frame_equal(find_copies(docs, sketches=stored.reset_index(drop=True)), fresh)


def test_adding_articles_sketches_only_the_new_ones(tmp_path):
    import io
    import re

    from briefing.build.progress import Progress
    from briefing.store.cache import DocumentCache

    docs = _wikinews_with_copies()
    folder = tmp_path / "corpus"
    folder.mkdir()
    params = {**base_params("corpus/articles.csv"),
              "periods": [{"name": "2019", "start": "2019-01-01", "end": "2019-12-31"},
                          {"name": "2020", "start": "2020-01-01", "end": "2020-12-31"}]}
    path = write_params(tmp_path, params)
    cache = DocumentCache(tmp_path / "cache")
    docs.iloc[:-1].to_csv(folder / "articles.csv", index=False)
    first = prepare(load(path), cache=cache)
    assert sorted(first.copies["id"]) == ["copy-0", "copy-1"]
    docs.to_csv(folder / "articles.csv", index=False)  # the third copy arrives
    out = io.StringIO()
    second = prepare(load(path), cache=cache, progress=Progress(stream=out, every=0.0))
    assert sorted(second.copies["id"]) == ["copy-0", "copy-1", "copy-2"]
    assert re.search(r"sketching articles for copies: 1 article in", out.getvalue()), out.getvalue()


def _lsh_index_pairs(signatures: list[bytes], threshold: float) -> set[tuple[int, int]]:
    """The candidate pairs as datasketch's own LSH index finds them (insert and query one by
    one): what `_candidate_pairs` compares bands with numpy to find, without the index."""
    import numpy as np
    from datasketch import LeanMinHash, MinHashLSH

    from briefing.corpus.dedup import ESTIMATE_MARGIN, LSH_MARGIN, NUM_PERM, SCHEME

    lsh = MinHashLSH(threshold=max(0.05, threshold * LSH_MARGIN), num_perm=NUM_PERM)
    found = []
    for i, raw in enumerate(signatures):
        if raw:
            m = LeanMinHash(seed=1, hashvalues=np.frombuffer(raw, dtype=np.uint64), scheme=SCHEME)
            found.extend((j, i) for j in lsh.query(m))
            lsh.insert(i, m)
    out = set()
    for j, i in found:
        a, b = (np.frombuffer(signatures[k], dtype=np.uint64) for k in (j, i))
        if (a == b).mean() >= threshold - ESTIMATE_MARGIN:
            out.add((j, i))
    return out


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.8])
def test_band_comparison_finds_the_pairs_datasketchs_index_finds(threshold):
    from briefing.corpus.dedup import _candidate_pairs, sketch_table

    texts = pd.read_csv(ROOT / "data" / "corpus" / "wikinews-2019-2020" / "articles.csv", dtype=str,
                        keep_default_na=False)["text"].tolist()
    edited = [" ".join(t.split()[: max(3, len(t.split()) - k * 7)]) for k, t in enumerate(texts[:60])]
    templated = [f"Press release {k}. " + texts[0][:400] for k in range(40)]  # templates collide often
    corpus = texts + edited + templated + ["", "too short"]
    sketches = sketch_table(pd.DataFrame({"doc_key": range(len(corpus)), "text": corpus}))
    signatures = sketches["signature"].tolist()
    expected = _lsh_index_pairs(signatures, threshold)
    assert len(expected) > 100  # the edited copies and the templates pair up
    assert _candidate_pairs(signatures, threshold) == expected
