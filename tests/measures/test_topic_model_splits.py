"""The divergence's random splits (`topic_model.random_split_js`): same draws, same counts."""

import numpy as np

from briefing.measures import topic_model as M


def test_random_splits_equal_summing_each_rounds_rows_one_by_one():
    from scipy import sparse

    rng = np.random.default_rng(3)
    units = sparse.csr_matrix(rng.poisson(0.3, size=(60, 200)) * (rng.random((60, 200)) < 0.3))
    got = M.random_split_js(units, 25, 70, np.random.default_rng(9), block=16)
    draws, dense = np.random.default_rng(9), units.toarray().astype(float)
    picks = [draws.permutation(60)[:25] for _ in range(70)]  # one permutation per round, in order
    side = np.array([dense[pick].sum(axis=0) for pick in picks])
    want = M.js_terms(side, dense.sum(axis=0) - side).sum(axis=1)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
