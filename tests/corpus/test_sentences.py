"""Punkt with the shipped abbreviations; a document's sentences depend on it alone."""

from __future__ import annotations

import pytest
from conftest import base_params, write_corpus

from briefing import params as params_mod
from briefing.corpus.prepare import prepare
from briefing.corpus.sentences import abbreviations, split_paragraph


@pytest.mark.parametrize("text, expected", [
    ("Mr. Smith met Gen. Milley on Jan. 5 in Washington. He left.",
     ["Mr. Smith met Gen. Milley on Jan. 5 in Washington.", "He left."]),
    ("The U.S. delegation arrived. Talks began.", ["The U.S. delegation arrived.", "Talks began."]),
    ("Sen. Warren and Rep. Ocasio-Cortez asked Dr. Fauci. Nobody answered.",
     ["Sen. Warren and Rep. Ocasio-Cortez asked Dr. Fauci.", "Nobody answered."]),
    ("Gov. Abbott spoke on Feb. 3. Mrs. Abbott did not.",
     ["Gov. Abbott spoke on Feb. 3.", "Mrs. Abbott did not."]),
    ("It began at 9 a.m. sharp. The U.S.-Mexico border was busy.",
     ["It began at 9 a.m. sharp.", "The U.S.-Mexico border was busy."]),
])
def test_abbreviations_do_not_end_sentences(text, expected):
    assert split_paragraph(text) == expected


def test_shipped_list_covers_common_titles_and_months():
    assert {"mr", "mrs", "dr", "gen", "sen", "u.s", "jan", "feb", "sept", "dec"} <= abbreviations()


def test_a_documents_sentences_do_not_depend_on_the_rest_of_the_corpus(tmp_path):
    doc = {"id": "a", "text": "Mr. Lee met Gen. Park. The U.S. agreed.\nNew paragraph here.",
           "date": "2022-03-01", "title": "A", "outlet": "X"}
    other = [{"id": f"o{i}", "text": f"Dr. No{i}. Prof. Yes. Corp. Inc. etc. Lee. Park. Gen.",
              "date": "2023-03-01", "title": f"O{i}", "outlet": "Y"} for i in range(20)]
    small = tmp_path / "small"
    big = tmp_path / "big"
    write_corpus(small / "corpus", [doc, other[0]])
    write_corpus(big / "corpus", [doc, *other])
    alone = prepare(params_mod.validate(base_params() | {"base_dir": str(small)}))
    crowd = prepare(params_mod.validate(base_params() | {"base_dir": str(big)}))
    a1 = alone.sentences[alone.sentences.doc_id == "a"][["paragraph", "sentence", "text"]]
    a2 = crowd.sentences[crowd.sentences.doc_id == "a"][["paragraph", "sentence", "text"]]
    assert a1.reset_index(drop=True).equals(a2.reset_index(drop=True))
    assert list(a1["text"]) == ["Mr. Lee met Gen. Park.", "The U.S. agreed.", "New paragraph here."]
    assert list(a1["paragraph"]) == [0, 0, 1]


def test_seed_corpus_counts():
    from conftest import DEFAULT_PARAMS

    prepared = prepare(params_mod.load(DEFAULT_PARAMS))
    counts = prepared.documents.set_index("id")["sentences"].to_dict()
    assert counts == {"2022-07-11-washington-examiner": 14, "2023-11-17-political-iq": 16}
    texts = set(prepared.sentences["text"])
    assert "The migration issue is linked to the fentanyl issue." in texts
    assert not any("CLICK HERE" in t or "Squatters" in t for t in texts)


def test_an_all_boilerplate_article_is_left_out_and_a_period_of_them_rejected(tmp_path):
    from briefing.errors import ParamsError

    rows = [{"id": "real", "text": "Biden met López Obrador in Mexico City.", "date": "2022-03-01",
             "title": "A", "outlet": "X"},
            {"id": "promo", "text": "CLICK HERE TO SUBSCRIBE", "date": "2022-04-01", "title": "P",
             "outlet": "X"},
            {"id": "later", "text": "The talks went on in 2023.", "date": "2023-03-01", "title": "B",
             "outlet": "Y"}]
    write_corpus(tmp_path / "corpus", rows)
    prepared = prepare(params_mod.validate(base_params() | {"base_dir": str(tmp_path)}))
    assert list(prepared.documents["id"]) == ["real", "later"]
    assert list(prepared.empty["id"]) == ["promo"]
    write_corpus(tmp_path / "corpus", [rows[0], dict(rows[1], date="2023-04-01")])
    with pytest.raises(ParamsError, match=r"periods\[1\] \('2023'\): every article in this period is "
                                          "boilerplate"):
        prepare(params_mod.validate(base_params() | {"base_dir": str(tmp_path)}))
