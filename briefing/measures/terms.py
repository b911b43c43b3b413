"""Terms: tokens, unigrams and bigrams, capitalised multi-word names, and count matrices.

Text is folded before counting: accents dropped ("López" and "Lopez" are one term), curly
apostrophes straightened, possessive "'s" removed, lower-cased. Stop words are scikit-learn's
ENGLISH_STOP_WORDS (shipped with it, no download) plus any extra ones given. Tokens must start
with a letter and contain no digit, so numbers ("50", "1pm", "2023") are never terms. Bigrams
join two adjacent content words only ("task force"), never across a stop word or a sentence.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import partial

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

from briefing.compute.pool import idle_cpus, map_chunks

_APOS = str.maketrans({"’": "'", "‘": "'", "`": "'", "–": "-", "—": " "})
_POSSESSIVE = re.compile(r"(?<=\w)'s\b", re.IGNORECASE)
#: A word: "u.s." style initialisms, or letters with inner hyphens/apostrophes; never digits.
_TOKEN = re.compile(r"(?<![\w'])(?:(?:[a-z]\.){2,}|[a-z]+(?:['-][a-z]+)*)(?![\w])")

#: Connectors allowed inside a name between capitalised words ("Summit of the Americas").
_NAME_JOIN = {"of", "the", "for", "de", "del", "la", "las", "los", "el", "y"}
#: Titles and roles cut from the front of a name ("Chinese President Xi Jinping" -> "Xi Jinping").
_TITLES = {"president", "vice", "secretary", "minister", "senator", "sen", "rep", "gov", "governor",
           "mr", "mrs", "ms", "dr", "prime", "chancellor", "king", "queen", "pope", "lady", "first",
           "foreign", "general", "gen", "ambassador", "mayor", "premier", "leader", "speaker"}
#: Dates cut from the front of a name ("In April Mexico ..." -> not "April Mexico").
_TIME = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
         "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
_ACRONYM = re.compile(r"[A-Z]{2,6}")
_CAP_WORD = re.compile(r"(?:[A-Z]\.){2,}|[A-Z][\w]*(?:[-'][\w]+)*")
_NAME_SPLIT = re.compile(r"(?:[A-Z]\.){2,}|[^\W\d_][\w]*(?:[-'][\w]+)*|[^\w\s]")


def fold(text: str, possessive: bool = True) -> str:
    """Accents dropped, apostrophes and dashes normalised, possessive 's removed (case kept)."""
    text = text.translate(_APOS)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _POSSESSIVE.sub("", text) if possessive else text


def stop_words(extra: Iterable[str] = ()) -> frozenset[str]:
    return frozenset(ENGLISH_STOP_WORDS) | {w.lower() for w in extra}


def tokens(text: str) -> list[str]:
    """Every word of `text`, folded and lower-cased, stop words included, numbers excluded."""
    return _TOKEN.findall(fold(text).lower())


# Where a phrase cannot continue: clause punctuation, dashes between spaces, and a period that
# ends a sentence (followed by a capital or the end), but not the periods inside "U.S." mid-phrase.
_BREAK = re.compile(r"[,;:!?()\[\]\"“”…]+|\s[-–—]+\s|—|\.(?=\s+[A-Z\"“]|\s*$)")


# One pass instead of one per segment: each break is replaced by a mark that no token can cross,
# \x01 where the break holds a period ("." or "…", which NFKD makes "..."), \x00 elsewhere.
_MARKS = ("\x00", "\x01")
_TOKEN_OR_MARK = re.compile(_TOKEN.pattern + "|[\x00\x01]")
#: An initialism cut by a period-break ("U.S. Then"): the whole text makes "u.s.", the segment "u", "s".
_CUT_INITIALISM = re.compile(r"[a-z]\.[a-z]\x01")


def _mark(m: re.Match[str]) -> str:
    return _MARKS[1] if "." in m.group() or "…" in m.group() else _MARKS[0]


def _whole_and_marked(text: str, max_ngram: int) -> tuple[list[str], list[str]]:
    """The tokens of the whole text (its words) and, when phrases are counted, the tokens of the
    segments between breaks with a one-character mark between segments (pairs never cross one).

    Both come from one tokenising of the text with its breaks marked, which gives the whole
    text's tokens too unless a period-break cuts an initialism (then the text is tokenised again).
    """
    if max_ngram < 2:
        return tokens(text), []
    if _MARKS[0] in text or _MARKS[1] in text:
        marked = []
        for segment in _BREAK.split(text):
            marked += [*tokens(segment), _MARKS[0]]
        return tokens(text), marked
    folded = fold(_BREAK.sub(_mark, text)).lower()
    marked = _TOKEN_OR_MARK.findall(folded)
    whole = tokens(text) if _CUT_INITIALISM.search(folded) else [t for t in marked if t not in _MARKS]
    return whole, marked


def terms(text: str, stop: frozenset[str], max_ngram: int = 2) -> list[str]:
    """Unigrams and (when max_ngram >= 2) bigrams of adjacent content words, in order.

    Bigrams never span punctuation or a sentence end ("the relationship. Republicans" gives no
    "relationship republicans"). Unigrams are the tokens of the whole text, bigrams pairs within
    the segments between breaks.
    """
    whole, marked = _whole_and_marked(text, max_ngram)
    out = [t for t in whole if len(t) > 1 and t not in stop]
    keep = [len(t) > 1 and t not in stop for t in marked]  # marks are one character: never kept
    out += [f"{a} {b}" for a, b, ka, kb in zip(marked, marked[1:], keep, keep[1:], strict=False) if ka and kb]
    return out


def _terms_by_segment(text: str, stop: frozenset[str], max_ngram: int) -> list[str]:
    """`terms`, the plain way: the whole text's tokens, then each segment's tokens for bigrams."""
    toks = tokens(text)
    out = [t for t in toks if len(t) > 1 and t not in stop]
    if max_ngram >= 2:
        for segment in _BREAK.split(text):
            seg = tokens(segment)
            keep = [len(t) > 1 and t not in stop for t in seg]
            out += [f"{a} {b}" for a, b, ka, kb in zip(seg, seg[1:], keep, keep[1:], strict=False)
                    if ka and kb]
    return out


def names(text: str, stop: frozenset[str] = frozenset(ENGLISH_STOP_WORDS), proper: bool = False) -> list[str]:
    """Capitalised names in one sentence, as written (accents folded), titles cut from the front.

    A name is a run of two or more capitalised words, possibly joined by "of", "the", "de"...
    ("Summit of the Americas"), or an acronym ("APEC"), or with `proper` any single capitalised
    word that does not open the sentence ("Cuba"). A stop word opening the sentence ("In April")
    does not start a name; a possessive ends one; titles and dates are cut from the front.
    """
    words = _NAME_SPLIT.findall(fold(text, possessive=False))
    found: list[str] = []
    run: list[str] = []
    start = [0]

    def close() -> None:
        if len(run) == 1:  # the common case, one capitalised word: the steps below, shortened
            w = run[0]
            low = w.lower()
            if (start[0] > 0 and len(w) > 1 and low.rstrip(".") not in _TITLES and low not in _TIME
                    and low not in stop and (proper or _ACRONYM.fullmatch(w))):
                found.append(w)
            run.clear()
            return
        while run and run[-1] in _NAME_JOIN:
            run.pop()
        cut = max((i + 1 for i, w in enumerate(run) if w.lower().rstrip(".") in _TITLES), default=0)
        rest = run[cut:]
        while rest and (rest[0] in _NAME_JOIN or rest[0].lower() in _TIME):
            rest = rest[1:]
        caps = sum(1 for w in rest if _CAP_WORD.fullmatch(w))
        single = (caps == 1 and len(rest) == 1 and start[0] > 0 and rest[0].lower() not in stop
                  and rest[0].lower() not in _TIME and len(rest[0]) > 1)
        if caps >= 2 or (single and (proper or _ACRONYM.fullmatch(rest[0]))):
            found.append(" ".join(rest))
        run.clear()

    for i, w in enumerate(words):
        owner = w.endswith(("'s", "'S"))
        w = w[:-2] if owner else w
        # a capitalised word starts with A-Z: the cheap test first, the regex only then
        if "A" <= w[:1] <= "Z" and _CAP_WORD.fullmatch(w) and not (i == 0 and w.lower() in stop):
            if not run:
                start[0] = i
            run.append(w)
            if owner:
                close()
        elif run:  # closing an empty run finds nothing: most words are not in a name
            if w in _NAME_JOIN:
                run.append(w)
            else:
                close()
    if run:
        close()
    return found


def name_key(name: str) -> str:
    return name.lower()


def paragraphs(sentences: pd.DataFrame) -> pd.DataFrame:
    """One row per (document, paragraph): doc_id, paragraph, period, outlet, text (sentences joined).

    The pipeline writes each paragraph's sentences in consecutive rows, so paragraphs are cut
    where (doc_id, paragraph) changes and joined by slicing one list; a table in another order
    is grouped.
    """
    cols = ["doc_id", "paragraph"]
    if len(sentences) and {"period", "outlet"} <= set(sentences.columns):
        doc = sentences["doc_id"].to_numpy()
        par = sentences["paragraph"].to_numpy()
        starts = np.flatnonzero(np.r_[True, (doc[1:] != doc[:-1]) | (par[1:] != par[:-1])])
        heads = sentences.iloc[starts]
        if not heads.duplicated(cols).any():  # every paragraph in one run of rows
            texts = sentences["text"].tolist()
            ends = np.r_[starts[1:], len(sentences)]
            out = heads[cols].reset_index(drop=True)
            out["text"] = [" ".join(texts[a:b]) for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]
            period = heads["period"]
            out["period"] = pd.Categorical(period.astype(str).to_numpy(), ordered=True,
                                           categories=sentences["period"].cat.categories
                                           ) if hasattr(sentences["period"], "cat") else period.to_numpy()
            out["outlet"] = heads["outlet"].to_numpy()
            return out
    grouped = sentences.groupby(cols, sort=False, observed=True)
    out = grouped["text"].agg(" ".join).reset_index()
    first = grouped[["period", "outlet"]].first().reset_index(drop=True)
    out["period"] = pd.Categorical(first["period"].astype(str), categories=sentences["period"].cat.categories,
                                   ordered=True) if hasattr(sentences["period"], "cat") else first["period"]
    out["outlet"] = first["outlet"].to_numpy()
    return out


#: Below this many texts, terms are counted in this process (a pool costs more than it saves).
COUNT_POOL_MIN = 20_000
#: Chunks per worker: few, as each chunk's vocabulary is merged with the others' afterwards.
COUNT_CHUNKS_PER_WORKER = 2


def _count(texts: list[str], stop: frozenset[str], max_ngram: int) -> tuple[sparse.csr_matrix, np.ndarray]:
    vec = CountVectorizer(analyzer=partial(terms, stop=stop, max_ngram=max_ngram), dtype=np.int64)
    try:
        x = vec.fit_transform(texts)
    except ValueError:  # empty vocabulary
        return sparse.csr_matrix((len(texts), 0), dtype=np.int64), np.array([], dtype=object)
    return x.tocsr(), vec.get_feature_names_out().astype(object)


def _count_chunks(chunks: list[list[str]], stop: frozenset[str], max_ngram: int
                  ) -> list[tuple[sparse.csr_matrix, np.ndarray]]:
    """Counts of each chunk of texts, each with its own vocabulary (module level: the pool runs it)."""
    return [_count(chunk, stop, max_ngram) for chunk in chunks]


def count_matrix(texts: Iterable[str], stop: frozenset[str], max_ngram: int = 2, workers: int | None = None
                 ) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Texts x terms counts (CSR, indices sorted) and the term of each column (alphabetical).

    Counted by scikit-learn's CountVectorizer with `terms` as analyzer, in chunks of texts over
    the idle CPUs (`workers`; None: as `briefing.compute.pool.idle_cpus` says); the chunks'
    vocabularies are merged, so the matrix is the same whatever the number of workers.
    """
    texts = list(texts)
    workers = workers or idle_cpus()
    if len(texts) < COUNT_POOL_MIN or workers < 2:
        parts = [_count(texts, stop, max_ngram)]
    else:
        size = -(-len(texts) // (workers * COUNT_CHUNKS_PER_WORKER))
        chunks = [texts[k:k + size] for k in range(0, len(texts), size)]
        parts = map_chunks(partial(_count_chunks, stop=stop, max_ngram=max_ngram), chunks, workers, 2)
    if len(parts) == 1:
        x, vocab = parts[0]
        if not len(vocab):
            return sparse.csr_matrix((0, 0), dtype=np.int64), vocab
        x.sort_indices()
        return x, vocab
    index: dict[str, int] = {}
    ids = [np.array([index.setdefault(w, len(index)) for w in v], dtype=np.int64) for _, v in parts]
    if not index:
        return sparse.csr_matrix((0, 0), dtype=np.int64), np.array([], dtype=object)
    words = np.array(list(index), dtype=object)
    order = np.argsort(words, kind="stable")
    column = np.empty(len(order), dtype=np.int64)
    column[order] = np.arange(len(order))
    blocks = [sparse.csr_matrix((x.data, column[i][x.indices], x.indptr), shape=(x.shape[0], len(words)))
              for (x, _), i in zip(parts, ids, strict=True)]
    out = sparse.vstack(blocks, format="csr")
    out.sort_indices()
    return out, words[order]


def group_sums(x: sparse.csr_matrix, groups: pd.Series, levels: list[str]) -> np.ndarray:
    """Levels x columns sums of the rows of `x` by group (rows with other groups ignored)."""
    codes = pd.Categorical(groups.astype(str), categories=levels).codes
    keep = codes >= 0
    ind = sparse.csr_matrix((np.ones(keep.sum()), (codes[keep], np.flatnonzero(keep))),
                            shape=(len(levels), x.shape[0]))
    return np.asarray((ind @ x).todense())


#: Below this many sentences, names are found in this process (a pool costs more than it saves).
NAMES_POOL_MIN = 20_000


def _sentence_names(texts: list[str], stop: frozenset[str]) -> list[list[str]]:
    """The names of each sentence (module level, so that a process pool can run it on a chunk)."""
    return [names(t, stop, proper=True) for t in texts]


def name_counts(sentences: pd.DataFrame, levels: list[str], stop: frozenset[str],
                workers: int | None = None) -> pd.DataFrame:
    """Names per period: one row per name (display form = the most frequent spelling), counts per level.

    Sentences are read in chunks by a process pool over the idle CPUs (`workers`: how many;
    None: as `briefing.compute.pool.idle_cpus` says), then counted in sentence order.
    """
    per: dict[str, Counter] = {lv: Counter() for lv in levels}
    spelling: Counter = Counter()
    period = sentences["period"].astype(str).tolist()
    texts = sentences["text"].tolist()
    rows = [i for i, p in enumerate(period) if p in per]
    found = map_chunks(partial(_sentence_names, stop=stop), [texts[i] for i in rows], workers, NAMES_POOL_MIN)
    for i, found_here in zip(rows, found, strict=True):
        counts = per[period[i]]
        for n in found_here:
            key = name_key(n)
            counts[key] += 1
            spelling[(key, n)] += 1
    display: dict[str, str] = {}
    for (key, form), _ in spelling.most_common():
        display.setdefault(key, form)
    keys = sorted(display)
    table = pd.DataFrame({"key": keys, "name": [display[k] for k in keys]})
    for lv in levels:
        table[lv] = [per[lv][k] for k in keys]
    return table
