"""Sentence splitting: NLTK's Punkt with a shipped abbreviation list (no download, no training).

A document's sentences depend on that document alone: the tokenizer's parameters are fixed
data, never learned from the corpus, so per-document results can be cached.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import pandas as pd
from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*", re.UNICODE)


def abbreviations() -> frozenset[str]:
    """The shipped abbreviations (lowercase, no final period)."""
    text = resources.files("briefing").joinpath("resources/abbreviations.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


@lru_cache(maxsize=1)
def tokenizer() -> PunktSentenceTokenizer:
    """Punkt set up from fixed parameters only."""
    params = PunktParameters()
    params.abbrev_types = set(abbreviations())
    return PunktSentenceTokenizer(params)


def split_paragraph(text: str) -> list[str]:
    """The sentences of one paragraph, stripped, in order."""
    return [s.strip() for s in tokenizer().tokenize(text) if s.strip()]


def count_words(text: str) -> int:
    return len(WORD.findall(text))


def split_document(doc_id: str, paragraphs: list[str]) -> pd.DataFrame:
    """One row per sentence: doc_id, paragraph, sentence (index in the document), text, words.

    Sentences never cross paragraphs (a line of the cleaned body).
    """
    rows = []
    n = 0
    for p, para in enumerate(paragraphs):
        for sent in split_paragraph(para):
            rows.append((doc_id, p, n, sent, count_words(sent)))
            n += 1
    return pd.DataFrame(rows, columns=["doc_id", "paragraph", "sentence", "text", "words"])
