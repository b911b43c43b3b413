"""Frame detection at sentence level: cue words and phrases matched on stems, as whole words.

Matching is case- and accent-insensitive (López = lopez), on NLTK's Snowball English stems
(no download), token by token, so "tariff" finds "tariffs" but never "tariffing-in" inside
another word. Multi-word cues match consecutive words separated by spaces or hyphens only.
A cue written "=word" matches that exact word, unstemmed. A sentence may carry several
frames; negation does not remove a frame. Each hit keeps its cue and character span.

Every distinct word is folded and stemmed once (a vocabulary cache), not every token.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from briefing.measures.actors import fold
from briefing.measures.lexicon import Lexicon

_MARK = "\u0300-\u036f"  # combining accents (text that is not NFC-composed)
TOKEN = re.compile(rf"(?:[^\W_]|[{_MARK}])+(?:['’](?:[^\W_]|[{_MARK}])+)*")
_JOIN = re.compile(r"[\s\-‐‑–]*")  # what may separate the words of a multi-word cue

_group = operator.methodcaller("group", 0)

HIT_COLUMNS = ["row", "doc_id", "sentence", "frame", "cue", "start", "end", "matched"]


@dataclass(frozen=True)
class _Cue:
    frame: str
    text: str
    keys: tuple[str, ...]  # a stem, or "=" + an exact folded word


class FrameDetector:
    """Finds the frames of sentences with the cues of a `Lexicon`."""

    def __init__(self, lexicon: Lexicon) -> None:
        from nltk.stem.snowball import SnowballStemmer  # only where words are stemmed

        self.lexicon = lexicon
        self._stemmer = SnowballStemmer("english")
        self._vocab: dict[str, tuple[str, str, tuple[_Cue, ...]]] = {}  # token as written -> ...
        self._stems: dict[str, str] = {}  # folded word -> stem
        self.stem_calls = 0
        index: dict[str, list[_Cue]] = {}
        for frame in lexicon.frames:
            seen: set[tuple[str, ...]] = set()
            for cue in frame.cues:
                keys = self.cue_keys(cue)
                if keys and keys not in seen:  # "law" and "lawful" share a stem: keep the first
                    seen.add(keys)
                    index.setdefault(keys[0], []).append(_Cue(frame.id, cue, keys))
        # longest cues first, so a frame's longer phrase wins over a word inside it
        self._index = {k: tuple(sorted(v, key=lambda c: -len(c.keys))) for k, v in index.items()}

    def _fold(self, token: str) -> str:
        return fold(token).replace("’", "'")

    def stem(self, folded: str) -> str:
        self.stem_calls += 1
        return self._stemmer.stem(folded)

    def cue_keys(self, cue: str) -> tuple[str, ...]:
        exact = cue.startswith("=")
        words = [self._fold(m.group(0)) for m in TOKEN.finditer(cue.lstrip("="))]
        return tuple(("=" + w) if exact else self.stem(w) for w in words)

    def _word(self, token: str) -> tuple[str, str, tuple[_Cue, ...]]:
        """(stem, exact key, cues starting here) for a token as written: cached per distinct word."""
        entry = self._vocab.get(token)
        if entry is None:
            folded = self._fold(token)
            stem = self._stems.get(folded)
            if stem is None:
                stem = self._stems[folded] = self.stem(folded)
            exact = "=" + folded
            entry = (stem, exact, self._index.get(stem, ()) + self._index.get(exact, ()))
            self._vocab[token] = entry
        return entry

    def word_stem(self, token: str) -> str:
        """The stem of a token as written (folded first), from the same per-word cache."""
        return (self._vocab.get(token) or self._word(token))[0]

    @property
    def vocabulary_size(self) -> int:
        """Distinct words (folded) seen so far: each was stemmed once."""
        return len(self._stems)

    def detect(self, text: str) -> list[tuple[str, str, int, int]]:
        """(frame, cue, start, end) for every cue in `text`; within a frame, overlapping cues
        keep the longest. Spans are character offsets into `text`."""
        matches = list(TOKEN.finditer(text))
        get, word = self._vocab.get, self._word
        words = [get(t) or word(t) for t in map(_group, matches)]
        found: list[tuple[str, str, int, int]] = []
        taken: dict[str, int] = {}  # frame -> end of its last kept hit
        for i, (_, _, cues) in enumerate(words):
            for cue in cues:  # spans are looked at only where a cue starts
                n = len(cue.keys)
                start = matches[i].start()
                if i + n > len(words) or taken.get(cue.frame, -1) > start:
                    continue
                run = matches[i:i + n]
                if all(cue.keys[k] in words[i + k][:2] for k in range(1, n)) and all(
                    _JOIN.fullmatch(text, a.end(), b.start()) for a, b in zip(run, run[1:], strict=False)
                ):
                    end = matches[i + n - 1].end()
                    found.append((cue.frame, cue.text, start, end))
                    taken[cue.frame] = end
        return found

    def frames_of(self, text: str) -> set[str]:
        return {h[0] for h in self.detect(text)}

    def hits(self, sentences: pd.DataFrame) -> pd.DataFrame:
        """One row per cue hit: row (index label in `sentences`), doc_id, sentence, frame, cue,
        start, end, matched (the words as written)."""
        rows = []
        doc_ids = sentences["doc_id"] if "doc_id" in sentences else pd.Series("", index=sentences.index)
        nums = sentences["sentence"] if "sentence" in sentences else pd.Series(0, index=sentences.index)
        for row, doc, num, text in zip(sentences.index, doc_ids, nums, sentences["text"], strict=True):
            for frame, cue, start, end in self.detect(text):
                rows.append((row, doc, num, frame, cue, start, end, text[start:end]))
        return pd.DataFrame(rows, columns=HIT_COLUMNS)

    def matrix(self, sentences: pd.DataFrame, hits: pd.DataFrame | None = None) -> pd.DataFrame:
        """A boolean column per frame (lexicon order), one row per sentence."""
        return frame_matrix(self.hits(sentences) if hits is None else hits, sentences.index, self.lexicon.ids)


def frame_matrix(hits: pd.DataFrame, index: pd.Index, frame_ids: list[str]) -> pd.DataFrame:
    """A boolean column per frame (in `frame_ids` order), one row per sentence label in `index`:
    does the sentence carry the frame (`hits`: one row per cue hit, `row` its sentence label)?"""
    out = pd.DataFrame(False, index=index, columns=frame_ids)
    for frame, rows in hits.groupby("frame")["row"]:
        out.loc[rows.unique(), frame] = True
    return out


def hit_table(sentences: pd.DataFrame, lexicon: Lexicon) -> pd.DataFrame:
    """The frames stage for a batch of documents' sentences (columns doc_key, sentence, text):
    one row per cue hit (doc_key, sentence, frame, cue, start, end, matched)."""
    det = FrameDetector(lexicon)
    triples = zip(sentences["doc_key"], sentences["sentence"], sentences["text"], strict=True)
    rows = [(key, num, frame, cue, start, end, text[start:end])
            for key, num, text in triples for frame, cue, start, end in det.detect(text)]
    table = pd.DataFrame(rows, columns=["doc_key", "sentence", "frame", "cue", "start", "end", "matched"])
    return table.astype({"sentence": "int64", "start": "int64", "end": "int64"})


def lexicon_fingerprint(lexicon: Lexicon) -> list:
    """The frames and cues as plain values: what the frames stage's cache is keyed by."""
    return [(f.id, list(f.cues)) for f in lexicon.frames]


def detect_frames(lexicon: Lexicon, texts: Iterable[str]) -> list[set[str]]:
    """The frames of each text (convenience for evaluation)."""
    det = FrameDetector(lexicon)
    return [det.frames_of(t) for t in texts]
