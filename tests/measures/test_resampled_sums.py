"""Bootstrap sums drawn a block of rounds at a time (`stats.resampled_sums`): the same draws and
the same sums as drawing every round's counts at once (what the bootstraps did before)."""

import numpy as np

from briefing.measures import stats
from briefing.measures.stats import bootstrap_ratio_diff, resampled_sums


def _all_at_once(values: np.ndarray, rounds: int, seed: int) -> np.ndarray:
    n = values.shape[0]
    w = np.random.default_rng(seed).multinomial(n, np.full(n, 1.0 / n), size=rounds).astype(np.float64)
    return w @ values


def test_block_sums_equal_the_sums_of_all_rounds_drawn_at_once(monkeypatch):
    rng = np.random.default_rng(1)
    counts = np.column_stack([rng.poisson(40, 3000), rng.poisson(3, (3000, 4))]).astype(float)
    monkeypatch.setattr(stats, "RESAMPLE_BLOCK", 37)  # blocks that do not divide the rounds
    got = resampled_sums(counts, 500, np.random.default_rng(7))
    assert np.array_equal(got, _all_at_once(counts, 500, 7))  # integer counts: exact


def test_the_ratio_interval_is_the_one_from_all_rounds_at_once():
    rng = np.random.default_rng(2)
    num_a, den_a = rng.poisson(2, (800, 3)), rng.poisson(30, 800) + 1
    num_b, den_b = rng.poisson(3, (900, 3)), rng.poisson(30, 900) + 1
    low, high = bootstrap_ratio_diff(num_a, den_a, num_b, den_b, rounds=300, seed=11)
    draws = np.random.default_rng(11)
    ratios = []
    for num, den in ((num_a, den_a), (num_b, den_b)):
        w = draws.multinomial(len(den), np.full(len(den), 1.0 / len(den)), size=300).astype(np.float64)
        ratios.append((w @ num) / (w @ den)[:, None])
    tail = (1 - 0.95) / 2 * 100  # as the function computes it (not exactly 2.5)
    want = np.percentile(ratios[1] - ratios[0], [tail, 100 - tail], axis=0)
    assert np.array_equal(low, want[0]) and np.array_equal(high, want[1])
