"""`briefing publish`: a site of every briefing, reruns skip unchanged ones, failures keep the last good."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from conftest import DEFAULT_PARAMS, ROOT

from briefing.build.locking import exclusive
from briefing.build.publish import index_html, publish
from briefing.cli import main
from briefing.errors import RunError

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A checkout copy with two params files on the seed corpus (different actors)."""
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(ROOT / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns(".*"))
    shutil.copytree(ROOT / "data" / "corpus" / "biden-amlo", root / "data" / "corpus" / "biden-amlo")
    (root / "params").mkdir()
    shutil.copy(DEFAULT_PARAMS, root / "params" / DEFAULT_PARAMS.name)
    second = yaml.safe_load(DEFAULT_PARAMS.read_text())
    second["title"] = "Seed corpus briefed on the two countries"
    second["actors"] = [{"name": "Mexico"}, {"name": "United States", "aliases": ["U.S."]}]
    second["outputs"] = ["html"]
    (root / "params" / "seed-countries.yaml").write_text(yaml.safe_dump(second, allow_unicode=True))
    return root


@pytest.fixture(scope="module")
def first_publish(project):
    outcomes = publish(sorted((project / "params").glob("*.yaml")), project / "reports", quiet=True)
    return outcomes


def test_site_lists_every_briefing_with_links(project, first_publish):
    assert [o.status for o in first_publish] == ["rendered", "rendered"]
    site = project / "reports" / "site"
    index = (site / "index.html").read_text()
    assert "Biden and López Obrador" in index and "Seed corpus briefed on the two countries" in index
    assert 'href="biden-amlo-2022-vs-2023/briefing.html"' in index
    assert 'href="biden-amlo-2022-vs-2023/briefing.pdf"' in index
    assert 'href="seed-countries/briefing.html"' in index and "seed-countries/briefing.pdf" not in index
    assert "2022 vs 2023" in index
    for slug, files in {"biden-amlo-2022-vs-2023": ["briefing.html", "briefing.pdf"],
                        "seed-countries": ["briefing.html"]}.items():
        for f in files:
            assert (site / slug / f).stat().st_size > 1000


def test_every_published_file_is_readable_by_the_web_server(project, first_publish):
    """Atomic writes go through mkstemp (mode 0600); the site must still be world-readable."""
    from briefing.files import FILE_MODE

    if not FILE_MODE & 0o004:
        pytest.skip(f"this process's umask hides files from others (mode {FILE_MODE:o})")
    site = project / "reports" / "site"
    files = [p for p in site.rglob("*") if p.is_file()]
    assert any(p.name == "briefing-data.zip" for p in files)
    private = [str(p.relative_to(site)) for p in files if not p.stat().st_mode & 0o004]
    assert private == []


def test_rerun_with_nothing_changed_renders_nothing(project, first_publish, monkeypatch):
    import briefing.build.run

    def no_render(*args, **kwargs):
        raise AssertionError("nothing changed, so nothing should be rendered")

    monkeypatch.setattr(briefing.build.run, "run_briefing", no_render)
    before = (project / "reports" / "site").resolve()
    outcomes = publish(sorted((project / "params").glob("*.yaml")), project / "reports", quiet=True)
    assert [o.status for o in outcomes] == ["unchanged", "unchanged"]
    after = (project / "reports" / "site").resolve()
    assert after != before and not before.exists()  # a new site was swapped in, the old removed
    assert (after / "biden-amlo-2022-vs-2023" / "briefing.pdf").is_file()


def test_failed_briefing_keeps_last_good_version_and_exits_1(project, first_publish, capsys, monkeypatch):
    params = project / "params" / "seed-countries.yaml"
    good = (project / "reports" / "site" / "seed-countries" / "briefing.html").read_text()
    data = yaml.safe_load(params.read_text())
    data["corpus"] = "../data/corpus/broken.jsonl"
    (project / "data" / "corpus" / "broken.jsonl").write_text('{"text": "x", "date": "soon", '
                                                             '"title": "t", "outlet": "o"}\n')
    original = params.read_text()
    params.write_text(yaml.safe_dump(data, allow_unicode=True))
    monkeypatch.chdir(project)
    try:
        code = main(["publish", "--quiet", "--reports", str(project / "reports")])
    finally:
        params.write_text(original)
    err = capsys.readouterr().err
    assert code == 1
    assert "failed: seed-countries" in err and "is not an ISO 8601 date" in err
    assert "unchanged: biden-amlo-2022-vs-2023" in err
    site = project / "reports" / "site"
    assert (site / "seed-countries" / "briefing.html").read_text() == good
    assert "last good version" in (site / "index.html").read_text()


def test_params_that_no_longer_load_keep_the_last_good_version(project, first_publish, capsys):
    params = project / "params" / "seed-countries.yaml"
    original = params.read_text()
    params.write_text(original + "titel: typo\n")
    try:
        outcomes = publish(sorted((project / "params").glob("*.yaml")), project / "reports", quiet=True)
    finally:
        params.write_text(original)
    failed = [o for o in outcomes if o.status == "failed"]
    assert len(failed) == 1 and failed[0].slug == "seed-countries" and "titel" in failed[0].message
    site = project / "reports" / "site"
    assert (site / "seed-countries" / "briefing.html").is_file()
    assert 'href="seed-countries/briefing.html"' in (site / "index.html").read_text()


def test_second_publish_waits_then_gives_up_with_a_clear_message(project, monkeypatch):
    monkeypatch.setenv("BRIEFING_LOCK_TIMEOUT", "1")
    with exclusive(project / "reports" / ".site.lock", what="the site"):
        with pytest.raises(RunError, match="the site is being built by another process") as info:
            publish([project / "params" / DEFAULT_PARAMS.name], project / "reports", quiet=True)
    assert info.value.code == 3


def test_index_escapes_titles():
    page = index_html([("x", {"title": "<script>alert(1)</script>", "periods": ["<b>"],
                              "outputs": ["html"]})], [])
    assert "<script>alert" not in page and "&lt;script&gt;" in page and "&lt;b&gt;" in page


def test_index_credits_the_articles_with_their_licence_escaped():
    """CC BY asks for the credit wherever the texts appear: on the site as well as in the briefing."""
    credit = {"authors": "Wikinews <contributors>", "licence": "CC BY 2.5",
              "licence_url": "https://creativecommons.org/licenses/by/2.5/", "source": "English Wikinews",
              "source_url": "javascript:alert(1)"}
    page = index_html([("wn", {"title": "World news", "periods": ["2019", "2020"], "outputs": ["html"],
                               "credit": credit})], [])
    assert "Articles by Wikinews &lt;contributors&gt; (English Wikinews)" in page
    assert '<a href="https://creativecommons.org/licenses/by/2.5/">CC BY 2.5</a>' in page
    assert "javascript:" not in page
    assert "Articles by" not in index_html([("x", {"title": "Seed", "outputs": ["html"]})], [])
