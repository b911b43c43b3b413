"""Presenting results as Markdown: verbatim article text, readable tables, links only to the web."""

from __future__ import annotations

import pandas as pd

from briefing import present
from briefing.present import column_widths, escape, markdown_table


def test_quotes_dashes_and_dots_of_article_text_are_escaped_so_pandoc_leaves_them_as_published():
    out = escape("He said \"no\" -- it's 'over'...")
    assert '\\"no\\"' in out and "it\\'s" in out and "\\'over\\'" in out
    assert "\\-\\-" in out and "\\.\\.\\." in out


def test_every_column_gets_at_least_its_longest_word_and_the_rest_goes_to_wrapping_text():
    header = ["section", "measure", "period A", "A", "B"]
    body = [["Sentiment", "mean compound of the sentences about Donald Trump and Joe Biden " * 3,
             "2019", "283.019", "−0.095"]] * 3
    widths = column_widths(header, body, line=80)
    assert widths[0] >= len("Sentiment") + 1 and widths[2] >= len("period") + 1
    assert widths[3] >= len("283.019") + 1 and widths[4] >= len("−0.095") + 1
    assert widths[1] == max(widths) and sum(widths) <= 80


def test_narrow_tables_keep_their_natural_widths():
    assert column_widths(["n", "name"], [["1", "Ann"], ["22", "Bob"]]) == [4, 5]


def test_article_titles_link_to_their_address_and_only_to_web_addresses():
    table = markdown_table(pd.DataFrame({
        "title": ["Fire [kills] \"five\"", "<img src=x onerror=alert(1)>"],
        "url": ["https://en.wikinews.org/wiki/Fire_(2019)", "javascript:alert(1)"]}))
    assert "[Fire \\[kills\\] \\\"five\\\"](https://en.wikinews.org/wiki/Fire_%282019%29)" in table
    assert "javascript" not in table and "&lt;img src=x onerror=alert\\(1\\)&gt;" in table
    assert "url" not in table.splitlines()[0]  # the address is the link, not a column


def test_dates_in_tables_are_kept_whole():
    table = markdown_table(pd.DataFrame({"date": [pd.Timestamp("2019-01-04")], "day": ["2019-01-05"]}))
    assert "[2019\\-01\\-04]{.nowrap}" in table and "[2019\\-01\\-05]{.nowrap}" in table


def test_tables_are_wrapped_striped_and_long_ones_say_so(capsys):
    present.table(pd.DataFrame({"n": range(3)}), caption="Short.")
    short = capsys.readouterr().out
    present.table(pd.DataFrame({"n": range(present.LONG_ROWS + 1)}), caption="Long {x}.")
    long = capsys.readouterr().out
    assert short.startswith("::: {.table-wrap}\n") and short.rstrip().endswith(":::")
    assert ": Short. {.striped .hover}" in short
    assert long.startswith("::: {.table-wrap .long}\n")
    assert ": Long \\{x\\}. {.striped .hover}" in long  # the caption cannot add classes itself


def test_a_column_of_sentences_is_marked_prose_and_keeps_its_share():
    sentence = "Officials said the talks on trade and migration were productive and would go on. " * 2
    table = markdown_table(pd.DataFrame({"rank": [1, 2], "text": [sentence, "Short."]}))
    rows = table.splitlines()
    assert rows[2].endswith(f"| [{escape(sentence)}]{{.prose}} |")
    assert rows[3].endswith("| [Short.]{.prose} |")
    assert len(rows[1].split("|")[2].strip()) > 3 * len(rows[1].split("|")[1].strip())


def test_credit_names_authors_source_and_licence_with_links():
    from briefing.params import Credit

    credit = Credit(authors="Wikinews contributors", licence="CC BY 2.5",
                    licence_url="https://creativecommons.org/licenses/by/2.5/", source="English Wikinews",
                    source_url="https://en.wikinews.org/")
    text = present.credit_markdown(credit)
    assert text.startswith("Articles by Wikinews contributors ([English Wikinews](https://en.wikinews.org/))")
    assert "[CC BY 2.5](https://creativecommons.org/licenses/by/2.5/)" in text
    assert "changed where this briefing cleans it" in text


def test_a_long_quotation_is_cut_after_its_word_limit_and_marked():
    long = " ".join(f"w{i}" for i in range(100))
    assert present.clip(long, 60) == " ".join(f"w{i}" for i in range(60)) + " […]"
    assert present.clip("short one.", 60) == "short one."
    assert present.clip(" ".join(f"w{i}" for i in range(60)), 60).endswith("w59")  # exactly the limit


def test_a_cut_through_a_bold_cue_closes_it():
    md = "The **law enforcement** officers **arrested** him"
    assert present.clip_markdown(md, 2) == "The **law** \\[…\\]"
    assert present.clip_markdown(md, 3) == "The **law enforcement** \\[…\\]"
    assert present.clip_markdown(md, 9) == md


def test_a_list_of_names_in_prose_stops_at_a_few_and_counts_the_rest():
    assert present.some(["A", "B"], 3) == "A, B"
    assert present.some([f"O{i}" for i in range(250)], 3) == "O0, O1, O2 and 247 more"
