"""VADER as NLTK ships it, scored faster: same algorithm, same data, same numbers.

`nltk.sentiment.vader.SentimentIntensityAnalyzer.polarity_scores` spends most of its time
building, for every sentence, a dictionary of every word glued to every punctuation mark
(to strip leading/trailing punctuation from tokens). That mapping is a pure function of the
token, so here it is computed once per distinct token and cached, as are each token's
lowercase form, capitalisation, lexicon valence, booster value and negation flag. The scoring
rules below follow NLTK 3.10's code line for line (including its quirks: a repeated token is
scored at the position of its first occurrence; compound is rounded to 4 digits, neg/neu/pos
to 3), and tests check the result equals NLTK's on thousands of sentences.

The lexicon and constants are read from NLTK's own analyzer (lexicon built offline by
`briefing.measures.nltk_data.ensure`), so nothing here is a second copy of VADER's data.
Each distinct sentence is scored once; large inputs are scored in a process pool.
"""

from __future__ import annotations

import math
import string
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pandas as pd

from briefing.compute.pool import idle_cpus, map_chunks

_PUNCT = frozenset(string.punctuation)
_PUNCT_TABLE = str.maketrans("", "", string.punctuation)
#: Below this many distinct sentences a process pool costs more than it saves.
POOL_MIN = 4000


@lru_cache(maxsize=1)
def analyzer():
    """NLTK's SentimentIntensityAnalyzer, built from the offline lexicon (never downloads)."""
    from nltk.sentiment.vader import SentimentIntensityAnalyzer

    from briefing.measures import nltk_data

    nltk_data.ensure()
    return SentimentIntensityAnalyzer()


class Scorer:
    """`polarity(text)` equals NLTK's `polarity_scores(text)` (as a tuple neg, neu, pos, compound)."""

    def __init__(self) -> None:
        sia = analyzer()
        c = sia.constants
        self.lexicon: dict[str, float] = sia.lexicon
        self.booster: dict[str, float] = c.BOOSTER_DICT
        self.negate = frozenset(c.NEGATE)
        self.idioms: dict[str, float] = c.SPECIAL_CASE_IDIOMS
        self.punc = frozenset(c.PUNC_LIST)
        self.c_incr, self.n_scalar, self.b_decr = c.C_INCR, c.N_SCALAR, c.B_DECR
        self._raw: dict[str, tuple] = {}

    # -- tokens ---------------------------------------------------------------------------
    def strip(self, we: str) -> str:
        """NLTK's `_words_plus_punc` lookup for one token: a word with one PUNC_LIST mark glued
        before or after it becomes the bare word (if the word is longer than one character).

        In NLTK the word must also be in the sentence's punctuation-free words; it always is,
        since removing the punctuation from this very token yields it."""
        if we[-1] in _PUNCT or we[0] in _PUNCT:
            bare = we.translate(_PUNCT_TABLE)
            if len(bare) > 1:
                if we.startswith(bare) and we[len(bare):] in self.punc:
                    return bare
                if we.endswith(bare) and we[: len(we) - len(bare)] in self.punc:
                    return bare
        return we

    def _learn(self, we: str) -> tuple:
        """(lower, isupper, lexicon valence or None, booster or None, negated, word) of a raw token."""
        w = self.strip(we)
        lo = w.lower()
        info = (lo, w.isupper(), self.lexicon.get(lo), self.booster.get(lo),
                lo in self.negate or "n't" in lo, w)
        if len(self._raw) < 500_000:
            self._raw[we] = info
        return info

    def tokens(self, text: str) -> list[str]:
        """SentiText.words_and_emoticons."""
        return [self.strip(we) for we in text.split() if len(we) > 1]

    # -- scoring --------------------------------------------------------------------------
    def polarity(self, text: str) -> tuple[float, float, float, float]:
        cache, learn = self._raw, self._learn
        infos = []
        for we in text.split():
            if len(we) > 1:
                info = cache.get(we)
                infos.append(info if info is not None else learn(we))
        n = len(infos)
        if not n:
            return (0.0, 0.0, 0.0, 0.0)
        caps = sum(x[1] for x in infos)
        cap_diff = 0 < n - caps < n
        words = [x[5] for x in infos]
        sentiments: list[float] = [0] * n
        for k, x in enumerate(infos):
            if x[2] is None or x[3] is not None:  # not in the lexicon, or a booster: 0
                continue
            i = words.index(x[5])  # NLTK scores a repeated word at its first position
            if x[0] == "kind" and i < n - 1 and infos[i + 1][0] == "of":
                continue
            sentiments[k] = self._valence(x[2], x[1], cap_diff, words, infos, i)
        if "but" in text.lower():
            lowers = [x[0] for x in infos]
            if "but" in lowers:
                bi = lowers.index("but")
                for k, s in enumerate(sentiments):
                    if k < bi:
                        sentiments[k] = s * 0.5
                    elif k > bi:
                        sentiments[k] = s * 1.5
        return self._score(sentiments, text)

    def _valence(self, valence: float, upper: bool, cap_diff: bool, words: list[str],
                 infos: list[tuple], i: int) -> float:
        c_incr, n_scalar = self.c_incr, self.n_scalar
        if upper and cap_diff:
            valence = valence + c_incr if valence > 0 else valence - c_incr
        for start_i in range(3):
            if i > start_i:
                plo, pupper, pval, pboost, pneg, _ = infos[i - start_i - 1]
                if pval is not None:
                    continue
                s = 0.0
                if pboost is not None:
                    s = pboost
                    if valence < 0:
                        s *= -1
                    if pupper and cap_diff:
                        if valence > 0:
                            s += c_incr
                        else:
                            s -= c_incr
                if start_i == 1 and s != 0:
                    s = s * 0.95
                if start_i == 2 and s != 0:
                    s = s * 0.9
                valence = valence + s
                # _never_check
                if start_i == 0:
                    if pneg:
                        valence = valence * n_scalar
                elif start_i == 1:
                    if words[i - 2] == "never" and words[i - 1] in ("so", "this"):
                        valence = valence * 1.5
                    elif pneg:
                        valence = valence * n_scalar
                else:
                    if (words[i - 3] == "never" and words[i - 2] in ("so", "this")) or (
                        words[i - 1] in ("so", "this")
                    ):
                        valence = valence * 1.25
                    elif pneg:
                        valence = valence * n_scalar
                    valence = self._idioms(valence, words, i)
        # _least_check
        if i > 1 and infos[i - 1][2] is None and infos[i - 1][0] == "least":
            if infos[i - 2][0] != "at" and infos[i - 2][0] != "very":
                valence = valence * n_scalar
        elif i > 0 and infos[i - 1][2] is None and infos[i - 1][0] == "least":
            valence = valence * n_scalar
        return valence

    def _idioms(self, valence: float, w: list[str], i: int) -> float:
        idioms = self.idioms
        onezero = f"{w[i - 1]} {w[i]}"
        twoonezero = f"{w[i - 2]} {w[i - 1]} {w[i]}"
        twoone = f"{w[i - 2]} {w[i - 1]}"
        threetwoone = f"{w[i - 3]} {w[i - 2]} {w[i - 1]}"
        threetwo = f"{w[i - 3]} {w[i - 2]}"
        for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
            if seq in idioms:
                valence = idioms[seq]
                break
        if len(w) - 1 > i:
            zeroone = f"{w[i]} {w[i + 1]}"
            if zeroone in idioms:
                valence = idioms[zeroone]
        if len(w) - 1 > i + 1:
            zeroonetwo = f"{w[i]} {w[i + 1]} {w[i + 2]}"
            if zeroonetwo in idioms:
                valence = idioms[zeroonetwo]
        if threetwo in self.booster or twoone in self.booster:
            valence = valence + self.b_decr
        return valence

    @staticmethod
    def _score(sentiments: list[float], text: str) -> tuple[float, float, float, float]:
        sum_s = float(sum(sentiments))
        ep = min(text.count("!"), 4) * 0.292
        qm_count = text.count("?")
        qm = 0
        if qm_count > 1:
            qm = qm_count * 0.18 if qm_count <= 3 else 0.96
        amp = ep + qm
        if sum_s > 0:
            sum_s += amp
        elif sum_s < 0:
            sum_s -= amp
        compound = sum_s / math.sqrt((sum_s * sum_s) + 15)
        pos_sum, neg_sum, neu_count = 0.0, 0.0, 0
        for s in sentiments:
            if s > 0:
                pos_sum += float(s) + 1
            if s < 0:
                neg_sum += float(s) - 1
            if s == 0:
                neu_count += 1
        if pos_sum > math.fabs(neg_sum):
            pos_sum += amp
        elif pos_sum < math.fabs(neg_sum):
            neg_sum -= amp
        total = pos_sum + math.fabs(neg_sum) + neu_count
        return (round(math.fabs(neg_sum / total), 3), round(math.fabs(neu_count / total), 3),
                round(math.fabs(pos_sum / total), 3), round(compound, 4))


@lru_cache(maxsize=1)
def scorer() -> Scorer:
    return Scorer()


def _score_chunk(texts: list[str]) -> list[tuple[float, float, float, float]]:
    s = scorer()
    return [s.polarity(t) for t in texts]


def score_texts(texts: Sequence[str] | pd.Series, processes: int | None = None) -> pd.DataFrame:
    """neg, neu, pos, compound for each text (same order), as NLTK's VADER gives them.

    Each distinct text is scored once. With `POOL_MIN` or more distinct texts the work is
    split over `processes` worker processes (default: the idle CPUs; 1 = in process).
    """
    codes, uniques = pd.factorize(pd.Series(list(texts), dtype=object), use_na_sentinel=False)
    uniq = [str(u) for u in uniques]
    if len(uniq) >= POOL_MIN and (processes or idle_cpus()) > 1:
        scorer()  # build the lexicon and caches before forking, so workers inherit them
    scored = map_chunks(_score_chunk, uniq, processes, POOL_MIN)
    arr = np.array(scored, dtype=float).reshape(len(uniq), 4)[codes] if len(uniq) else np.zeros((0, 4))
    return pd.DataFrame(arr, columns=["neg", "neu", "pos", "compound"])


def score_table(sentences: pd.DataFrame) -> pd.DataFrame:
    """The VADER stage for a batch of documents' sentences (columns doc_key, sentence, text):
    doc_key, sentence, neg, neu, pos, compound (each distinct sentence scored once)."""
    scores = score_texts(sentences["text"], processes=1)
    out = pd.concat([sentences[["doc_key", "sentence"]].reset_index(drop=True), scores], axis=1)
    return out.astype({"sentence": "int64"})


def lexicon_digest() -> str:
    """A digest of the VADER lexicon in use: what the VADER stage's cache is keyed by."""
    import hashlib

    from briefing.measures.nltk_data import lexicon_text

    return hashlib.sha256(lexicon_text()).hexdigest()[:32]
