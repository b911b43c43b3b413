"""Sentence splitting: NLTK's Punkt with a shipped abbreviation list (no download, no training).

A document's sentences depend on that document alone: the tokenizer's parameters are fixed
data, never learned from the corpus, so per-document results can be cached.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import pandas as pd

WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*", re.UNICODE)


def abbreviations() -> frozenset[str]:
    """The shipped abbreviations (lowercase, no final period)."""
    text = resources.files("briefing").joinpath("resources/abbreviations.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


@lru_cache(maxsize=1)
def tokenizer():  # noqa: ANN201 - nltk's PunktSentenceTokenizer, imported only when splitting
    """Punkt set up from fixed parameters only."""
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    params = PunktParameters()
    params.abbrev_types = set(abbreviations())
    return PunktSentenceTokenizer(params)


def split_paragraph(text: str) -> list[str]:
    """The sentences of one paragraph, stripped, in order."""
    return [s.strip() for s in tokenizer().tokenize(text) if s.strip()]


def count_words(text: str) -> int:
    return len(WORD.findall(text))


def sentence_table(paragraphs: pd.DataFrame) -> pd.DataFrame:
    """The sentences stage for a batch of documents' paragraphs (columns doc_key, n, text, in
    document and paragraph order): doc_key, paragraph, sentence (index in the document), text,
    words."""
    rows: list[tuple] = []
    last, n = None, 0
    for key, p, para in zip(paragraphs["doc_key"], paragraphs["n"], paragraphs["text"], strict=True):
        if key != last:
            last, n = key, 0
        for sent in split_paragraph(para):
            rows.append((key, p, n, sent, count_words(sent)))
            n += 1
    table = pd.DataFrame(rows, columns=["doc_key", "paragraph", "sentence", "text", "words"])
    return table.astype({"paragraph": "int64", "sentence": "int64", "words": "int64"})
