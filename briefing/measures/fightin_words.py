"""Distinctive terms between two groups: the log-odds ratio with an informative Dirichlet prior.

Monroe, Colaresi & Quinn (2008), "Fightin' Words: Lexical Feature Selection and Evaluation for
Identifying the Content of Political Conflict", Political Analysis 16(4), eqs. 16, 20 and 22.
The statistic lives in one function, `log_odds_z`; the rest builds its inputs and a table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def log_odds_z(y_i: np.ndarray, y_j: np.ndarray, alpha: float | np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Log-odds ratio of every word between groups i and j, its variance and z-score.

    For word w with counts y_w^i, y_w^j, group sizes n^i = Σ_w y_w^i, n^j = Σ_w y_w^j,
    prior α_w (a scalar is the same α for every word) and α₀ = Σ_w α_w over the vocabulary::

        δ_w  = log[(y_w^i + α_w) / (n^i + α₀ − y_w^i − α_w)]
             − log[(y_w^j + α_w) / (n^j + α₀ − y_w^j − α_w)]
        σ²_w ≈ 1/(y_w^i + α_w) + 1/(y_w^j + α_w)
        z_w  = δ_w / σ_w

    Positive z: w is characteristic of group i; swapping the groups negates δ and z.
    Returns (δ, σ², z) as arrays over the vocabulary.
    """
    y_i = np.asarray(y_i, dtype=float)
    y_j = np.asarray(y_j, dtype=float)
    a = np.broadcast_to(np.asarray(alpha, dtype=float), y_i.shape)
    a0 = a.sum()
    n_i, n_j = y_i.sum(), y_j.sum()
    # a one-word vocabulary has no odds, and a word unused in both groups has no prior: NaN
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = np.log(y_i + a) - np.log(n_i + a0 - y_i - a) - (np.log(y_j + a) - np.log(n_j + a0 - y_j - a))
        var = 1.0 / (y_i + a) + 1.0 / (y_j + a)
        return delta, var, delta / np.sqrt(var)


def informative_prior(pooled: np.ndarray, scale: float) -> np.ndarray:
    """α_w = scale × (count of w in the pooled corpus of both groups): the informative prior."""
    return scale * np.asarray(pooled, dtype=float)


def distinctive_terms(vocab: np.ndarray, y_a: np.ndarray, y_b: np.ndarray, *, prior_scale: float,
                      min_count: int = 1) -> pd.DataFrame:
    """Every term used at least `min_count` times in the pair, with its z-score (positive = b).

    Columns: term, count_a, count_b, per10k_a, per10k_b (per 10,000 terms of the period), total,
    delta, z, side ("a" or "b", the period the term leans to). Sorted by z, most "b" first.
    The prior is built on the whole vocabulary of the pair before `min_count` filtering.
    """
    y_a = np.asarray(y_a, dtype=float)
    y_b = np.asarray(y_b, dtype=float)
    alpha = informative_prior(y_a + y_b, prior_scale)
    delta, _, z = log_odds_z(y_b, y_a, alpha)
    n_a, n_b = max(y_a.sum(), 1.0), max(y_b.sum(), 1.0)
    table = pd.DataFrame({
        "term": vocab, "count_a": y_a.astype(int), "count_b": y_b.astype(int),
        "per10k_a": 1e4 * y_a / n_a, "per10k_b": 1e4 * y_b / n_b, "total": (y_a + y_b).astype(int),
        "delta": delta, "z": z,
    })
    table = table[table["total"] >= max(min_count, 1)].copy()
    table["side"] = np.where(table["z"] >= 0, "b", "a")
    return table.sort_values(["z", "total", "term"], ascending=[False, False, True]).reset_index(drop=True)


def top_by_side(table: pd.DataFrame, n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The `n` terms leaning most to a (most negative z) and to b (most positive z)."""
    a = table[table["z"] < 0].sort_values(["z", "total", "term"], ascending=[True, False, True]).head(n)
    b = table[table["z"] > 0].sort_values(["z", "total", "term"], ascending=[False, False, True]).head(n)
    return a.reset_index(drop=True), b.reset_index(drop=True)
