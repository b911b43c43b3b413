"""Which language an article is in: py3langid (Lui & Baldwin's langid.py, 97 languages), the
classifier trafilatura itself uses. Run on the article text, not on the page's lang attribute,
which templates often get wrong."""

from __future__ import annotations

#: Below this many words the guess is too unsure to set an article aside on it.
MIN_WORDS = 20


def detect(text: str) -> str | None:
    """The ISO 639-1 code of the text's language, or None for a text too short to tell."""
    if len(text.split()) < MIN_WORDS:
        return None
    import py3langid

    code, _score = py3langid.classify(text)
    return str(code)
