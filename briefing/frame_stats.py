"""Generic statistics for comparing shares between two groups of documents.

- `bootstrap_ratio_diff`: percentile bootstrap interval of the change in a ratio of sums
  (e.g. sentences carrying a frame / all sentences), resampling whole documents, for many
  numerators at once.
- `compare_counts`: a chi-square test of a 2x2 table when every expected count is at least 5,
  Fisher's exact test otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import chi2_contingency, fisher_exact


def _resample_weights(n: int, rounds: int, rng: np.random.Generator) -> np.ndarray:
    """How many times each of n units is drawn, per bootstrap round (rounds x n)."""
    return rng.multinomial(n, np.full(n, 1.0 / n), size=rounds).astype(np.float64)


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
        w = _resample_weights(len(den), rounds, rng)
        total = w @ den
        with np.errstate(invalid="ignore", divide="ignore"):
            stats.append((w @ num) / total[:, None])
    diff = stats[1] - stats[0]
    tail = (1 - level) / 2 * 100
    if np.isnan(diff).any():
        return np.full(k, np.nan), np.full(k, np.nan)
    low, high = np.percentile(diff, [tail, 100 - tail], axis=0)
    return low, high


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
    if expected.min() >= 5:
        chi2, p, _, _ = chi2_contingency(table)
        return CountTest("chi-square", float(chi2), float(p))
    odds, p = fisher_exact(table)
    return CountTest("Fisher exact", float(odds), float(p))
