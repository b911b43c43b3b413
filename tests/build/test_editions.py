"""Dated editions: each publish of a rolling briefing keeps an edition that never changes, linked
to its neighbours, listed on the index with its trend, and announced in an Atom feed."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import ROOT

from briefing.build.editions import FROZEN
from briefing.build.publish import publish
from briefing.errors import RunError

pytestmark = pytest.mark.slow

WIKINEWS = ROOT / "data" / "corpus" / "wikinews-2019-2020" / "articles.csv"
MONTH_ENDS = ["2019-02-28", "2019-03-31", "2019-04-30"]
#: The editions' dates: the newest article by each month's end (no article came on 26–28 Feb).
EDITIONS = ["2019-02-25", "2019-03-31", "2019-04-30"]


def _corpus_until(project: Path, last_day: str) -> None:
    """The Wikinews articles up to `last_day`, as if the rest had not been written yet."""
    docs = pd.read_csv(WIKINEWS)
    docs[docs["date"] <= last_day].to_csv(project / "data" / "wn.csv", index=False)


def _fingerprints(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("watch")
    shutil.copytree(ROOT / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns(".*"))
    (root / "params").mkdir()
    (root / "data").mkdir()
    data = yaml.safe_load((ROOT / "params" / "wikinews-2019-vs-2020.yaml").read_text())
    data.update({"title": "World news on Wikinews", "corpus": "../data/wn.csv", "slug": "wn-monthly",
                 "periods": {"anchor": "latest", "unit": "month", "compare": "consecutive", "windows": 2},
                 "renderer": "embedded", "outputs": ["html", "pdf"],
                 "sentiment": {"bootstrap_rounds": 200, "permutation_rounds": 200},
                 "framing": {"bootstrap_rounds": 200},
                 "topics": {"n_topics": 2, "bootstrap_rounds": 200, "split_rounds": 20}})
    (root / "params" / "wn.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return root


@pytest.fixture(scope="module")
def three_editions(project) -> list[dict[str, str]]:
    """Publish after each month's articles arrive; the site's files after each publish."""
    seen = []
    for last_day in MONTH_ENDS:
        _corpus_until(project, last_day)
        outcomes = publish([project / "params" / "wn.yaml"], project / "reports", quiet=True)
        assert [o.status for o in outcomes] == ["rendered"], outcomes
        seen.append(_fingerprints(project / "reports" / "site"))
    return seen


def test_each_publish_keeps_a_dated_edition_that_never_changes(project, three_editions):
    site = project / "reports" / "site" / "wn-monthly"
    assert sorted(p.name for p in site.iterdir() if p.is_dir()) == EDITIONS
    for d in EDITIONS:
        for f in FROZEN:
            assert (site / d / f).is_file(), f"{d}/{f}"
    first, _, last = three_editions
    for d in EDITIONS[:1]:
        for f in FROZEN:
            name = f"wn-monthly/{d}/{f}"
            assert first[name] == last[name], f"{name} changed after it was published"


def test_edition_pages_link_previous_and_next_and_state_their_rolling_dates(project, three_editions):
    site = project / "reports" / "site" / "wn-monthly"
    middle = (site / "2019-03-31" / "briefing.html").read_text()
    assert 'href="../2019-02-25/briefing.html"' in middle and 'href="next.html"' in middle
    assert "url=../2019-04-30/briefing.html" in (site / "2019-03-31" / "next.html").read_text()
    assert "newest edition so far" in (site / "2019-04-30" / "next.html").read_text()
    assert "first edition" in (site / "2019-02-25" / "briefing.html").read_text()
    newest = (site / "2019-04-30" / "briefing.html").read_text()
    assert "World news on Wikinews, 1 Mar – 30 Apr 2019" in newest  # the title states the dates
    assert "The periods are rolling" in newest and "2019-04-01 to 2019-04-30" in newest
    assert (site / "briefing.html").read_text().count("Edition of 2019-04-30") == 1


def test_index_lists_latest_edition_with_dates_finding_and_trend(project, three_editions):
    site = project / "reports" / "site"
    index = (site / "index.html").read_text()
    assert "Edition of 2019-04-30 · 2019-03-01 to 2019-04-30: Mar 2019 vs Apr 2019" in index
    assert "First key finding:" in index
    assert 'src="wn-monthly/trend.svg"' in index and "all 3 editions" in index
    # the credit is its own line, not run into the title ("2020Articles by...")
    assert '</h2>' in index and '<div class="credit">Articles by Wikinews contributors' in index
    svg = (site / "wn-monthly" / "trend.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "<script" not in svg
    assert "http://" not in index.replace("http://www.w3.org", "").split("<body>")[1].split("credit")[0]


def test_atom_feed_of_editions_parses_back(project, three_editions):
    import feedparser

    feed = feedparser.parse((project / "reports" / "site" / "feed.atom").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert [e.link for e in feed.entries] == [f"wn-monthly/{d}/briefing.html" for d in reversed(EDITIONS)]
    assert len({e.id for e in feed.entries}) == 3
    assert "edition of 2019-04-30" in feed.entries[0].title and "First key finding" in feed.entries[0].summary


def test_rerun_on_the_same_anchor_date_changes_nothing(project, three_editions, monkeypatch):
    import briefing.build.run

    def no_run(*args, **kwargs):
        raise AssertionError("the edition of this date is published already")

    monkeypatch.setattr(briefing.build.run, "run_briefing", no_run)
    outcomes = publish([project / "params" / "wn.yaml"], project / "reports", quiet=True)
    assert [o.status for o in outcomes] == ["unchanged"]
    after = _fingerprints(project / "reports" / "site")
    assert {k: v for k, v in after.items() if k != "index.html"} == \
        {k: v for k, v in three_editions[-1].items() if k != "index.html"}


def test_a_failed_scheduled_run_leaves_every_edition_and_the_feed_unchanged(project, three_editions,
                                                                           monkeypatch):
    import briefing.build.run

    def fails(*args, **kwargs):
        raise RunError("notebook 02_sentiment.ipynb failed: the kernel died")

    _corpus_until(project, "2019-05-31")  # new articles came in: a new edition is due...
    monkeypatch.setattr(briefing.build.run, "run_briefing", fails)  # ...but the run fails
    try:
        outcomes = publish([project / "params" / "wn.yaml"], project / "reports", quiet=True)
    finally:
        _corpus_until(project, MONTH_ENDS[-1])
    assert [o.status for o in outcomes] == ["failed"]
    after = _fingerprints(project / "reports" / "site")
    before = three_editions[-1]
    assert {k: v for k, v in after.items() if k != "index.html"} == \
        {k: v for k, v in before.items() if k != "index.html"}
    assert "last good version" in (project / "reports" / "site" / "index.html").read_text()


def test_a_fresh_checkout_keeps_the_published_editions(project, three_editions, tmp_path, monkeypatch):
    """The scheduled job starts without reports/: the editions come from the published site."""
    import briefing.build.run

    published = tmp_path / "gh-pages"
    shutil.copytree(project / "reports" / "site", published)
    monkeypatch.setattr(briefing.build.run, "run_briefing",
                        lambda *a, **k: (_ for _ in ()).throw(AssertionError("nothing is new")))
    publish([project / "params" / "wn.yaml"], tmp_path / "reports", quiet=True, keep_from=published,
            site_url="https://example.org/briefings")
    site = tmp_path / "reports" / "site"
    assert sorted(p.name for p in (site / "wn-monthly").iterdir() if p.is_dir()) == EDITIONS
    assert _fingerprints(site / "wn-monthly" / "2019-02-25") == \
        _fingerprints(published / "wn-monthly" / "2019-02-25")
    assert 'href="https://example.org/briefings/wn-monthly/2019-04-30/briefing.html"' in \
        (site / "feed.atom").read_text()
