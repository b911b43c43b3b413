"""Actor mentions: aliases matched accent- and case-insensitively, as whole words."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import pandas as pd

from briefing.params import Actor


def strip_accents(text: str) -> str:
    """López -> Lopez (case kept)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Lowercase and strip accents (López -> lopez)."""
    return strip_accents(text).casefold()


def is_acronym(name: str) -> bool:
    """"US", "AMLO", "U.S.": short all-capital names, matched case-sensitively ("us" is not US)."""
    letters = [c for c in name if c.isalpha()]
    return 0 < len(letters) <= 5 and all(c.isupper() for c in letters)


def _alias_regex(names: Iterable[str], case_sensitive: bool = False) -> re.Pattern[str] | None:
    prep = strip_accents if case_sensitive else fold
    alts = sorted({" ".join(prep(n).split()) for n in names if n.strip()}, key=len, reverse=True)
    if not alts:
        return None
    body = "|".join(re.escape(a).replace(r"\ ", r"\s+") for a in alts)
    # whole words: no letter or digit on either side, and no period before (".US" in a domain)
    return re.compile(rf"(?<![\w.])(?:{body})(?![\w])")


class ActorMatcher:
    """Finds which actors a sentence mentions.

    "Mexico" does not match inside "New Mexico" unless `exclude` is set to [] for that actor:
    by default, an actor's excluded phrases are the US state names that contain it.
    """

    DEFAULT_EXCLUDES = {"mexico": ["New Mexico"], "washington": ["Washington Examiner",
                                                                 "Washington Post"]}

    def __init__(self, actors: Iterable[Actor]) -> None:
        self.actors = list(actors)
        self._patterns = []
        for a in self.actors:
            names = [a.name, *a.aliases]
            excl = a.exclude if a.exclude is not None else self.DEFAULT_EXCLUDES.get(fold(a.name), [])
            self._patterns.append((
                a.name,
                _alias_regex([n for n in names if not is_acronym(n)]),
                _alias_regex([n for n in names if is_acronym(n)], case_sensitive=True),
                _alias_regex(excl),
            ))

    def mentions(self, text: str) -> list[str]:
        """Names of the actors that `text` mentions, in the order of the params."""
        plain = " ".join(strip_accents(text).split())
        out = []
        for name, names, acronyms, excl in self._patterns:
            probe = plain
            if excl is not None:  # blank out excluded phrases, keeping offsets
                probe = excl.sub(lambda m: " " * len(m.group(0)), probe.casefold())
                probe = "".join(c if b != " " else " " for c, b in zip(plain, probe, strict=False))
            if (names is not None and names.search(probe.casefold())) or (
                acronyms is not None and acronyms.search(probe)
            ):
                out.append(name)
        return out

    def table(self, sentences: pd.DataFrame) -> pd.DataFrame:
        """A boolean column per actor, one row per sentence (same index as `sentences`).

        Each distinct sentence text is matched once (boilerplate-free news repeats many).
        """
        texts = sentences["text"]
        codes, uniques = pd.factorize(texts)
        found = [set(self.mentions(t)) for t in uniques]
        data = {}
        for a in self.actors:
            per_unique = pd.array([a.name in f for f in found], dtype=bool)
            data[a.name] = per_unique[codes] if len(codes) else pd.array([], dtype=bool)
        return pd.DataFrame(data, index=sentences.index, dtype=bool)


def mention_table(sentences: pd.DataFrame, actors: list[Actor]) -> pd.DataFrame:
    """The actors stage for a batch of documents' sentences (columns doc_key, sentence, text):
    one row per sentence and actor it names (doc_key, sentence, actor)."""
    matcher = ActorMatcher(actors)
    codes, uniques = pd.factorize(sentences["text"])
    found = [matcher.mentions(t) for t in uniques]
    rows = [(key, num, actor) for key, num, code in zip(sentences["doc_key"], sentences["sentence"], codes,
                                                         strict=True)
            for actor in found[code]]
    table = pd.DataFrame(rows, columns=["doc_key", "sentence", "actor"])
    return table.astype({"sentence": "int64"})
