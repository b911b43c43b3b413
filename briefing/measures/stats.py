"""Reusable statistics: bootstrap intervals and permutation tests that resample whole groups.

Values usually belong to groups (sentences to documents): a document's sentences are not
independent evidence, so every function here resamples or permutes whole groups, and the
statistic is the pooled mean of the values in the drawn groups. With `groups=None` each value
is its own group (plain bootstrap of a mean). All randomness comes from a seeded numpy
Generator, so the same inputs and seed give the same numbers. With fewer than two groups in a
sample the bootstrap is degenerate (every resample is the same): the functions then return
NaN bounds instead of a zero-width interval that would look like certainty.

Shares (framing): `bootstrap_ratio_diff` gives the interval of the change in a ratio of sums
(sentences carrying a frame / all sentences) resampling whole documents, for many measures at
once; `compare_counts` tests a 2x2 table (chi-square, or Fisher's exact test when an expected
count is below 5). Shares of articles (primary frames): `bootstrap_shares` resamples articles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

_BATCH = 256


def group_sums(values: Sequence[float] | np.ndarray, groups: Sequence | np.ndarray | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
    """Per-group sum and count of `values` (groups in order of first appearance)."""
    v = np.asarray(values, dtype=float)
    if groups is None:
        return v.copy(), np.ones(len(v))
    codes, _ = pd.factorize(pd.Series(np.asarray(groups, dtype=object)))
    k = int(codes.max()) + 1 if len(codes) else 0
    return np.bincount(codes, weights=v, minlength=k), np.bincount(codes, minlength=k).astype(float)


def _draw_means(sums: np.ndarray, counts: np.ndarray, rounds: int, rng: np.random.Generator) -> np.ndarray:
    """`rounds` bootstrap means: draw len(sums) groups with replacement, pool their values."""
    g = len(sums)
    out = np.empty(rounds)
    for start in range(0, rounds, _BATCH):
        b = min(_BATCH, rounds - start)
        idx = rng.integers(0, g, size=(b, g))
        out[start:start + b] = sums[idx].sum(axis=1) / counts[idx].sum(axis=1)
    return out


def _interval(draws: np.ndarray, level: float) -> tuple[float, float]:
    a = (1 - level) / 2
    lo, hi = np.quantile(draws, [a, 1 - a])
    return float(lo), float(hi)


def bootstrap_mean_ci(values: Sequence[float] | np.ndarray, groups: Sequence | np.ndarray | None = None,
                      rounds: int = 2000, seed: int = 0, level: float = 0.95) -> tuple[float, float, float]:
    """(mean, low, high): the pooled mean of `values` and its percentile bootstrap interval,
    resampling whole groups. Bounds are NaN with fewer than two groups."""
    return bootstrap_mean_ci_sums(*group_sums(values, groups), rounds, seed, level)


def bootstrap_mean_ci_sums(sums: np.ndarray, counts: np.ndarray, rounds: int = 2000, seed: int = 0,
                           level: float = 0.95) -> tuple[float, float, float]:
    """`bootstrap_mean_ci` from each group's sum and count (`group_sums`): what per-article
    summaries keep, so that intervals over articles need no sentence."""
    sums, counts = np.asarray(sums, dtype=float), np.asarray(counts, dtype=float)
    if counts.sum() == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(sums.sum() / counts.sum())
    if len(sums) < 2:
        return mean, float("nan"), float("nan")
    draws = _draw_means(sums, counts, rounds, np.random.default_rng(seed))
    return (mean, *_interval(draws, level))


def bootstrap_diff_ci(values_a: Sequence[float] | np.ndarray, values_b: Sequence[float] | np.ndarray,
                      groups_a: Sequence | np.ndarray | None = None,
                      groups_b: Sequence | np.ndarray | None = None, rounds: int = 2000, seed: int = 0,
                      level: float = 0.95) -> tuple[float, float, float]:
    """(difference, low, high) of mean(b) − mean(a), resampling the groups of each sample
    independently. Bounds are NaN when either sample has fewer than two groups."""
    return bootstrap_diff_ci_sums(*group_sums(values_a, groups_a), *group_sums(values_b, groups_b),
                                  rounds, seed, level)


def bootstrap_diff_ci_sums(sa: np.ndarray, ca: np.ndarray, sb: np.ndarray, cb: np.ndarray, rounds: int = 2000,
                           seed: int = 0, level: float = 0.95) -> tuple[float, float, float]:
    """`bootstrap_diff_ci` from each group's sum and count in either sample (`group_sums`)."""
    sa, ca, sb, cb = (np.asarray(x, dtype=float) for x in (sa, ca, sb, cb))
    if ca.sum() == 0 or cb.sum() == 0:
        return float("nan"), float("nan"), float("nan")
    diff = float(sb.sum() / cb.sum() - sa.sum() / ca.sum())
    if len(sa) < 2 or len(sb) < 2:
        return diff, float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    draws = _draw_means(sb, cb, rounds, rng) - _draw_means(sa, ca, rounds, rng)
    return (diff, *_interval(draws, level))


def permutation_pvalue(values_a: Sequence[float] | np.ndarray, values_b: Sequence[float] | np.ndarray,
                       groups_a: Sequence | np.ndarray | None = None,
                       groups_b: Sequence | np.ndarray | None = None, rounds: int = 5000,
                       seed: int = 0) -> float:
    """Two-sided permutation p-value for mean(b) − mean(a): whole groups are shuffled between
    the samples (keeping each sample's number of groups); p = (1 + #|perm| ≥ |observed|) /
    (1 + rounds). NaN when either sample has no group."""
    return permutation_pvalue_sums(*group_sums(values_a, groups_a), *group_sums(values_b, groups_b),
                                   rounds, seed)


def permutation_pvalue_sums(sa: np.ndarray, ca: np.ndarray, sb: np.ndarray, cb: np.ndarray,
                            rounds: int = 5000, seed: int = 0) -> float:
    """`permutation_pvalue` from each group's sum and count in either sample (`group_sums`)."""
    sa, ca, sb, cb = (np.asarray(x, dtype=float) for x in (sa, ca, sb, cb))
    na, nb = len(sa), len(sb)
    if na == 0 or nb == 0 or ca.sum() == 0 or cb.sum() == 0:
        return float("nan")
    observed = abs(sb.sum() / cb.sum() - sa.sum() / ca.sum())
    sums, counts = np.concatenate([sa, sb]), np.concatenate([ca, cb])
    rng = np.random.default_rng(seed)
    hits = 0
    n = na + nb
    total_s, total_c = sums.sum(), counts.sum()
    k = min(na, nb)  # draw the smaller sample; the other is the rest
    for start in range(0, rounds, _BATCH):
        b = min(_BATCH, rounds - start)
        # the k smallest of n uniform keys: a uniformly random k-subset of the groups
        pick = np.argpartition(rng.random((b, n)), k - 1, axis=1)[:, :k]
        s1, c1 = sums[pick].sum(1), counts[pick].sum(1)
        s2, c2 = total_s - s1, total_c - c1
        with np.errstate(invalid="ignore", divide="ignore"):
            d = s2 / c2 - s1 / c1
        hits += int(np.sum(np.abs(d) >= observed - 1e-12))
    return (1 + hits) / (1 + rounds)


def stratified_diff(values: Sequence[float] | np.ndarray, in_b: Sequence[bool] | np.ndarray,
                    strata: Sequence | np.ndarray, groups: Sequence | np.ndarray | None = None,
                    rounds: int = 2000, seed: int = 0, level: float = 0.95
                    ) -> tuple[float, float, float, int]:
    """Within-stratum shift: (shift, low, high, strata used).

    For each stratum present in both samples (a: `in_b` False, b: True), the difference of its
    pooled means b − a; the shift is their average weighted by the stratum's number of groups
    (documents). A change in the mix of strata alone leaves it at zero. The interval resamples
    groups within each stratum and sample; bounds are NaN when every stratum has fewer than two
    groups on a side (a stratum with one group on a side adds no spread of its own, so with
    many such strata the interval is too narrow). Returns NaN and 0 strata when no stratum is in
    both samples.
    """
    v = np.asarray(values, dtype=float)
    b = np.asarray(in_b, dtype=bool)
    s = np.asarray(strata, dtype=object)
    g = np.arange(len(v)) if groups is None else np.asarray(groups, dtype=object)
    cells = []
    for stratum in pd.unique(s):
        ma, mb = (s == stratum) & ~b, (s == stratum) & b
        if ma.any() and mb.any():
            cells.append((group_sums(v[ma], g[ma]), group_sums(v[mb], g[mb])))
    if not cells:
        return float("nan"), float("nan"), float("nan"), 0
    weights = np.array([len(a[0]) + len(bb[0]) for a, bb in cells], dtype=float)
    diffs = np.array([bb[0].sum() / bb[1].sum() - a[0].sum() / a[1].sum() for a, bb in cells])
    shift = float(np.sum(weights * diffs) / weights.sum())
    if all(len(a[0]) < 2 or len(bb[0]) < 2 for a, bb in cells):
        return shift, float("nan"), float("nan"), len(cells)
    rng = np.random.default_rng(seed)
    draws = np.zeros(rounds)
    for w, ((sa, ca), (sb, cb)) in zip(weights, cells, strict=True):
        draws += w * (_draw_means(sb, cb, rounds, rng) - _draw_means(sa, ca, rounds, rng))
    draws /= weights.sum()
    return (shift, *_interval(draws, level), len(cells))

#: Bootstrap rounds whose draw counts are held at once (each round: one count per unit).
RESAMPLE_BLOCK = 64


def resampled_sums(values: np.ndarray, rounds: int, rng: np.random.Generator) -> np.ndarray:
    """Per bootstrap round, the column sums of `values` (n units x k) over a resample of its n
    units with replacement (rounds x k): the draws are Multinomial(n, 1/n) counts per unit,
    made RESAMPLE_BLOCK rounds at a time (the same draws as all at once, in the same order), so
    memory holds a block of rounds x units, never rounds x units (2000 x 50,000 articles: 1.6 GB
    as floats)."""
    values = np.asarray(values, dtype=np.float64)
    n = values.shape[0]
    p = np.full(n, 1.0 / n)
    out = np.empty((rounds, values.shape[1]))
    for start in range(0, rounds, RESAMPLE_BLOCK):
        size = min(RESAMPLE_BLOCK, rounds - start)
        out[start:start + size] = rng.multinomial(n, p, size=size).astype(np.float64) @ values
    return out


def bootstrap_ratio_diff(num_a: np.ndarray, den_a: np.ndarray, num_b: np.ndarray, den_b: np.ndarray, *,
                         rounds: int = 2000, level: float = 0.95,
                         seed: int | np.random.Generator = 0) -> tuple[np.ndarray, np.ndarray]:
    """Interval of sum(num_b)/sum(den_b) - sum(num_a)/sum(den_a), resampling rows (documents).

    num_a: (n_a, k) numerators per document for k measures; den_a: (n_a,) denominators.
    Returns (low, high), each of length k; NaN when a group has fewer than 2 documents
    (a bootstrap of one document has no spread to show) or a resampled denominator is zero.
    """
    num_a, num_b = np.atleast_2d(np.asarray(num_a, float).T).T, np.atleast_2d(np.asarray(num_b, float).T).T
    den_a, den_b = np.asarray(den_a, float), np.asarray(den_b, float)
    k = num_a.shape[1]
    if len(den_a) < 2 or len(den_b) < 2:
        return np.full(k, np.nan), np.full(k, np.nan)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    stats = []
    for num, den in ((num_a, den_a), (num_b, den_b)):
        sums = resampled_sums(np.column_stack([den, num]), rounds, rng)
        with np.errstate(invalid="ignore", divide="ignore"):
            stats.append(sums[:, 1:] / sums[:, :1])
    diff = stats[1] - stats[0]
    tail = (1 - level) / 2 * 100
    if np.isnan(diff).any():
        return np.full(k, np.nan), np.full(k, np.nan)
    low, high = np.percentile(diff, [tail, 100 - tail], axis=0)
    return low, high


def bootstrap_shares(counts: Sequence[int] | np.ndarray, *, rounds: int = 2000, level: float = 0.95,
                     seed: int | np.random.Generator = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shares of n articles falling in k exclusive categories (e.g. primary frames), with
    percentile bootstrap intervals resampling articles.

    counts: articles per category, n = sum. The share of category j is c_j / n. Redrawing the n
    articles with replacement gives category counts distributed Multinomial(n, c / n), so each
    round draws those counts directly (the same distribution, without drawing n articles); the
    interval is the (1-level)/2 and (1+level)/2 quantiles of the shares over the rounds.
    Returns (share, low, high), each of length k; the bounds are NaN with fewer than two articles.
    """
    c = np.asarray(counts, dtype=float)
    n = c.sum()
    share = c / n if n else np.full(len(c), np.nan)
    if n < 2:
        return share, np.full(len(c), np.nan), np.full(len(c), np.nan)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    draws = rng.multinomial(int(n), share, size=rounds) / n
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(draws, [tail, 100 - tail], axis=0)
    return share, low, high


@dataclass(frozen=True)
class CountTest:
    test: str  # "chi-square", "Fisher exact" or "" (no test: nothing to compare)
    statistic: float
    p_value: float


def compare_counts(k_a: int, n_a: int, k_b: int, n_b: int) -> CountTest:
    """Test whether k_a/n_a and k_b/n_b differ (two-sided)."""
    table = np.array([[k_a, n_a - k_a], [k_b, n_b - k_b]], dtype=float)
    if n_a <= 0 or n_b <= 0 or (table < 0).any():
        raise ValueError(f"counts out of range: {k_a}/{n_a}, {k_b}/{n_b}")
    if table.sum(axis=0).min() == 0:
        return CountTest("", float("nan"), float("nan"))
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / table.sum()
    from scipy.stats import chi2_contingency, fisher_exact  # here: scipy.stats takes a second to import

    if expected.min() >= 5:
        chi2, p, _, _ = chi2_contingency(table)
        return CountTest("chi-square", float(chi2), float(p))
    odds, p = fisher_exact(table)
    return CountTest("Fisher exact", float(odds), float(p))


def counted_quantile(values: np.ndarray, counts: np.ndarray, q: float) -> float:
    """The q-quantile of values given with their counts (sorted or not), as `numpy.quantile`'s
    default (linear) method gives it over the values repeated: at position h = (n − 1)·q of the
    sorted n values, x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]) (numpy's rounding-safe form). NaN
    when n is 0. Lets a distribution kept as counts (per-article summaries) give the same quartiles."""
    v, c = np.asarray(values, dtype=float), np.asarray(counts, dtype=np.int64)
    order = np.argsort(v, kind="stable")
    v, c = v[order], c[order]
    n = int(c.sum())
    if n == 0:
        return float("nan")
    h = (n - 1) * q
    lo = int(np.floor(h))
    t = h - lo
    ends = np.cumsum(c)
    a = v[np.searchsorted(ends, lo, side="right")]
    b = v[np.searchsorted(ends, min(lo + 1, n - 1), side="right")]
    return float(b - (b - a) * (1 - t) if t >= 0.5 else a + (b - a) * t)


def counted_sd(values: np.ndarray, counts: np.ndarray) -> float:
    """Sample standard deviation (n − 1 in the denominator) of values given with their counts:
    sqrt(Σ c·(v − m)² / (n − 1)), m = Σ c·v / n. NaN below two values."""
    v, c = np.asarray(values, dtype=float), np.asarray(counts, dtype=float)
    n = c.sum()
    if n < 2:
        return float("nan")
    m = float((c * v).sum() / n)
    return float(np.sqrt((c * (v - m) ** 2).sum() / (n - 1)))
