"""Article text and metadata from the saved pages (tests/ingest/site/), each outlet's template
stating the date its own way, with navigation, ads and related stories around the article."""

from __future__ import annotations

import pytest
from loopback import SITE, pages

from briefing.ingest import language
from briefing.ingest.extract import MIN_PROSE_WORDS, extract_page, looks_like_html, prose_words


def page_of(kind: str, outlet: str | None = None) -> dict:
    return next(p for p in pages(kind) if outlet is None or p["outlet"] == outlet)


@pytest.mark.parametrize("outlet", ["The Harbour Ledger", "Northfield Courier", "Coastline Herald",
                                    "Metro Daily Star"])
def test_article_title_outlet_and_date_come_from_the_page(outlet):
    p = page_of("story", outlet)
    got = extract_page((SITE / p["path"]).read_bytes())
    assert got.title == p["title"] and got.outlet == outlet and got.date == p["date"]
    assert prose_words(got.text) >= MIN_PROSE_WORDS


def test_navigation_ads_and_related_stories_are_left_out():
    p = page_of("story", "The Harbour Ledger")
    text = extract_page((SITE / p["path"]).read_bytes()).text
    assert "Sea-Eye" in text
    for chrome in ("We use cookies", "Advertisement", "Related stories", "Sign up for our newsletter",
                   "All rights reserved", "Privacy policy", "Manage settings"):
        assert chrome not in text


def test_a_page_without_any_date_gives_none():
    p = page_of("story", "Valley Evening Post")
    got = extract_page((SITE / p["path"]).read_bytes())
    assert got.date is None and got.text_date is None
    assert got.title == p["title"]


def test_a_section_front_is_not_an_article():
    got = extract_page((SITE / page_of("nav-only")["path"]).read_bytes())
    assert got is None or prose_words(got.text) < MIN_PROSE_WORDS


def test_a_browser_saved_page_keeps_the_address_it_came_from():
    p = page_of("story", "Valley Evening Post")
    raw = (b"<!-- saved from url=(0047)https://www.valleypost.example/news/oil-attacks -->\n"
           + (SITE / p["path"]).read_bytes())
    assert extract_page(raw).url == "https://www.valleypost.example/news/oil-attacks"


def test_the_outlet_falls_back_to_the_host_name():
    p = page_of("story", "The Harbour Ledger")
    raw = (SITE / p["path"]).read_text(encoding="utf-8").replace(
        '<meta property="og:site_name" content="The Harbour Ledger">', "")
    raw = raw.replace("The Harbour Ledger", "")
    got = extract_page(raw, url="https://www.harbourledger.example/news/1.html")
    assert got.outlet == "harbourledger.example"


def test_language_is_detected_on_the_text():
    fr = extract_page((SITE / page_of("french")["path"]).read_bytes())
    en = extract_page((SITE / page_of("story")["path"]).read_bytes())
    assert language.detect(fr.text) == "fr" and language.detect(en.text) == "en"
    assert language.detect("Too short to tell.") is None


def test_html_in_a_text_cell_is_recognised():
    assert looks_like_html((SITE / page_of("story")["path"]).read_text(encoding="utf-8"))
    assert not looks_like_html("The minister said <b> was a typo. " * 5)
