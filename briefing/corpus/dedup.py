"""Wire copies and near-duplicates: articles whose text is (nearly) that of another article.

A syndicated wire story runs word for word in dozens of outlets; counted once per outlet it
pulls every measure toward it. Two articles are copies when the Jaccard similarity of their
sets of word 3-shingles (three consecutive words, case- and accent-folded) is at least a
threshold:

    J(A, B) = |S(A) ∩ S(B)| / |S(A) ∪ S(B)|

(default threshold 0.5). Candidate pairs come from MinHash LSH (datasketch, 128
permutations, LSH threshold 0.8 × the cut, so that few true pairs are missed; candidates whose
sketches estimate a similarity more than 0.15 below the cut are dropped); every remaining pair
is then measured exactly, so a similarity reported is never an estimate. Pairs at or
above the threshold are joined into groups (connected components); each group keeps its
earliest article (of several that day, the one most like the others, then the smaller id) and
lists the others as copies of it, with their similarity to it (in a chain A~B~C, C's
similarity to A may be below the threshold).

Why 0.5: on the 295 distinct English Wikinews articles of 2019-2020 the highest similarity
between two different stories is 0.38 (two interviews sharing a question template), while a
copy with 2% of its words changed scores 0.83-0.90, with 5% changed 0.67-0.74, with its last
paragraph cut 0.66-0.90, and with a dateline and a copyright line added 0.86-0.93.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from collections.abc import Callable, Sequence
from typing import Literal

import numpy as np
import pandas as pd

SHINGLE_WORDS = 3
NUM_PERM = 128
#: datasketch's permutation scheme, fixed so that sketches kept in the cache stay comparable.
SCHEME = "affine32"
DEFAULT_THRESHOLD = 0.5
#: LSH is asked for pairs above this share of the threshold; each is then measured exactly.
LSH_MARGIN = 0.8
#: Candidates whose estimated similarity is this far below the threshold are not measured.
ESTIMATE_MARGIN = 0.15
#: A group's most typical article is judged against at most this many of its other members.
TYPICALITY_SAMPLE = 50
COPY_COLUMNS = ["id", "copy_of", "similarity", "exact"]

DedupMode = Literal["keep", "drop", "flag"]

_WORD = re.compile(r"\w+")
_MARKS = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")


def words(text: str) -> list[str]:
    """Case- and accent-folded words: 'López' and 'lopez' are the same word."""
    folded = text.casefold()
    if not folded.isascii():
        folded = _MARKS.sub("", unicodedata.normalize("NFKD", folded))
    return _WORD.findall(folded)


def shingles(text: str) -> set[int]:
    """The set of a text's word 3-shingles, each as a 32-bit hash of its three words (a text
    shorter than three words is one shingle). Hashing keeps the sets small; two of a text's
    ~500 shingles collide with probability ~3e-5."""
    return _shingles(words(text))


_MULT = (np.uint64(0x9E3779B1), np.uint64(0x85EBCA77))


def _shingles(w: list[str]) -> set[int]:
    if not w:
        return set()
    h = np.fromiter((zlib.crc32(x.encode("utf-8")) for x in w), dtype=np.uint64, count=len(w))
    if len(h) < SHINGLE_WORDS:
        h = np.array([np.bitwise_xor.reduce(h * _MULT[0])], dtype=np.uint64)
    else:
        h = h[:-2] * _MULT[0] + h[1:-1] * _MULT[1] + h[2:]
    return set((h & np.uint64(0xFFFFFFFF)).tolist())


def jaccard(a: set[int], b: set[int]) -> float:
    """|A ∩ B| / |A ∪ B|; 0 when both are empty (an empty text copies nothing)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def _identity(value: int) -> int:
    """The shingles are already 32-bit hashes."""
    return value


def sketch_table(batch: pd.DataFrame) -> pd.DataFrame:
    """Per document (columns doc_key, text): what the search for copies needs of it, a pure
    function of its text kept in the per-document cache so that a rerun sketches only new
    articles. `folded`: a digest of its folded words (equal for word-for-word copies; "" when it
    has none); `signature`: its MinHash sketch, NUM_PERM uint64 values as bytes (b"" when empty)."""
    from datasketch import MinHash

    seeds = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=_identity, scheme=SCHEME)
    folded, signatures = [], []
    for text in batch["text"].astype(str):
        w = words(text)
        joined = " ".join(w)
        folded.append(hashlib.sha256(joined.encode("utf-8")).hexdigest()[:32] if joined else "")
        shingle_set = _shingles(w)
        if shingle_set:
            m = seeds.copy()
            m.update_batch(list(shingle_set))
            signatures.append(np.asarray(m.hashvalues, dtype=np.uint64).tobytes())
        else:
            signatures.append(b"")
    return pd.DataFrame({"doc_key": batch["doc_key"].tolist(), "folded": folded, "signature": signatures})


def _candidate_pairs(signatures: Sequence[bytes], threshold: float) -> set[tuple[int, int]]:
    """Index pairs (i < j) whose MinHash sketches collide in the LSH index and whose estimated
    similarity (the share of equal sketch values) is within ESTIMATE_MARGIN of the threshold:
    the estimate's standard error is at most 0.044 with 128 permutations, so a pair at the
    threshold passes with probability > 0.9996, while templated but distinct texts, which
    collide often, are dropped before the exact (slower) measure."""
    from datasketch import MinHashLSH

    # datasketch's banding for this threshold (b bands of r values); the bands are compared
    # here with numpy rather than in its index of Python dicts (1 GiB at 100,000 articles)
    bands = MinHashLSH(threshold=max(0.05, threshold * LSH_MARGIN), num_perm=NUM_PERM).hashranges
    present = np.array([i for i, raw in enumerate(signatures) if raw], dtype=np.int64)
    values = np.zeros((len(signatures), NUM_PERM), dtype=np.uint64)
    for i in present.tolist():
        values[i] = np.frombuffer(signatures[i], dtype=np.uint64)
    found = [pairs for start, end in bands
             if len(pairs := _colliding(values[present, start:end], present))]
    if not found:
        return set()
    pairs = np.unique(np.concatenate(found), axis=0)
    estimate = (values[pairs[:, 0]] == values[pairs[:, 1]]).mean(axis=1)
    keep = estimate >= threshold - ESTIMATE_MARGIN
    return {(int(a), int(b)) for a, b in pairs[keep]}


def _colliding(band: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Pairs (i, j), i < j, of `rows` whose `band` values (one row of values each) are all equal:
    what an LSH index returns for that band."""
    if len(rows) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    band = np.ascontiguousarray(band)
    view = band.view(np.dtype((np.void, band.dtype.itemsize * band.shape[1]))).ravel()
    _, group, size = np.unique(view, return_inverse=True, return_counts=True)
    group = group.ravel()
    shared = size[group] > 1
    if not shared.any():
        return np.zeros((0, 2), dtype=np.int64)
    members, of = rows[shared], group[shared]
    order = np.lexsort((members, of))
    members, of = members[order], of[order]
    starts = np.flatnonzero(np.r_[True, of[1:] != of[:-1]])
    ends = np.r_[starts[1:], len(of)]
    out = []
    for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
        m = members[a:b]
        i, j = np.triu_indices(len(m), k=1)
        out.append(np.column_stack((m[i], m[j])))
    return np.concatenate(out)


def _kept(members: list[int], dates: list, ids: list[str], shingle_set: Callable[[int], set[int]]) -> int:
    """The earliest article of a group; among several of that date, the one most like the rest
    (highest mean similarity to the other members: the wire text, not a trimmed copy), then id."""
    first = min(dates[i] for i in members)
    earliest = [i for i in members if dates[i] == first]
    if len(earliest) == 1:
        return earliest[0]

    others = sorted(members, key=lambda j: ids[j])[:TYPICALITY_SAMPLE + 1]

    def typicality(i: int) -> float:
        sims = [jaccard(shingle_set(i), shingle_set(j)) for j in others if j != i][:TYPICALITY_SAMPLE]
        return sum(sims) / len(sims)

    return min(earliest, key=lambda i: (-round(typicality(i), 9), ids[i]))


def find_copies(documents: pd.DataFrame, threshold: float = DEFAULT_THRESHOLD,
                sketches: pd.DataFrame | None = None) -> pd.DataFrame:
    """Copies among `documents` (columns id, date, text): one row per copy with the id of the
    article it copies (the earliest of its group), their Jaccard similarity, and whether the
    two texts are word for word the same. Empty when there are none.

    `sketches`: the documents' `sketch_table` rows in the same order (from the cache); without
    them every document is sketched here. Shingle sets are built only for the articles of
    candidate pairs, so that with cached sketches a rerun reads each text once at most."""
    if not 0 < threshold <= 1:
        raise ValueError(f"dedup threshold {threshold} must be in (0, 1]")
    n = len(documents)
    if n < 2:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in
                             zip(COPY_COLUMNS, ["object", "object", "float64", "bool"], strict=True)})
    texts = documents["text"].astype(str).tolist()
    if sketches is None:
        sketches = sketch_table(pd.DataFrame({"doc_key": range(n), "text": texts}))
    if len(sketches) != n:
        raise ValueError(f"{len(sketches)} sketches for {n} documents")
    folded = sketches["folded"].tolist()
    sets: dict[int, set[int]] = {}

    def shingle_set(i: int) -> set[int]:
        if i not in sets:
            sets[i] = shingles(texts[i])
        return sets[i]

    pairs = _candidate_pairs(sketches["signature"].tolist(), threshold) if n > 2 else {(0, 1)}
    # exact duplicates always pair up, whatever the sketch says
    first_of: dict[str, int] = {}
    for i, f in enumerate(folded):
        if f:
            if f in first_of:
                pairs.add((first_of[f], i))
            else:
                first_of[f] = i
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in sorted(pairs):
        if folded[i] and (folded[i] == folded[j] or jaccard(shingle_set(i), shingle_set(j)) >= threshold):
            ri, rj = root(i), root(j)
            if ri != rj:
                parent[max(ri, rj)] = min(ri, rj)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    ids = documents["id"].astype(str).tolist()
    dates = pd.to_datetime(documents["date"]).tolist()
    rows = []
    for members in groups.values():
        if len(members) < 2:
            continue
        kept = _kept(members, dates, ids, shingle_set)
        for i in sorted(members, key=lambda i: (dates[i], ids[i])):
            if i != kept:
                same = folded[i] == folded[kept]
                similarity = 1.0 if same else round(jaccard(shingle_set(i), shingle_set(kept)), 4)
                rows.append({"id": ids[i], "copy_of": ids[kept], "similarity": similarity, "exact": same})
    out = pd.DataFrame(rows, columns=COPY_COLUMNS)
    return out.astype({"similarity": "float64", "exact": "bool"})


def set_aside_copies(documents: pd.DataFrame, mode: DedupMode = "drop",
                     threshold: float = DEFAULT_THRESHOLD, sketches: pd.DataFrame | None = None
                     ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The documents a briefing reads, and its copies table (`dedup` in the params).

    drop: copies are removed, each group keeping its earliest article; flag: every article is
    kept and the copies are listed; keep: no detection (the copies table is empty). The copies
    table has, per copy: id, period, date, outlet, title, copy_of, copy_of_outlet,
    copy_of_title, similarity, exact, and `set_aside` (True under drop).
    """
    meta_cols = [c for c in ("period", "date", "outlet", "title") if c in documents.columns]
    columns = ["id", *meta_cols, "copy_of", "copy_of_outlet", "copy_of_title", "similarity", "exact",
               "set_aside"]
    if mode == "keep" or documents.empty:
        return documents, pd.DataFrame(columns=columns)
    found = find_copies(documents, threshold, sketches)
    meta = documents.set_index(documents["id"].astype(str))
    copies = found.join(meta[meta_cols], on="id")
    copies = copies.join(meta[["outlet", "title"]].add_prefix("copy_of_"), on="copy_of")
    copies["set_aside"] = mode == "drop"
    copies = copies[columns].reset_index(drop=True)
    if "period" in copies.columns:
        copies["period"] = copies["period"].astype(str)
    if mode == "drop" and len(copies):
        documents = documents[~documents["id"].astype(str).isin(set(copies["id"]))].reset_index(drop=True)
    return documents, copies
