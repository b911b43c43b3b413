"""The topic model's weights and coherence are made without whole-matrix copies (`topic_model`):
the same values as scikit-learn's TF-IDF and a 0/1 matrix of the counts, on real Wikinews text."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

from briefing.measures import topic_model as M

WIKINEWS = Path(__file__).parents[2] / "data" / "corpus" / "wikinews-2019-2020" / "articles.csv"


@pytest.fixture(scope="module")
def counts() -> sparse.csr_matrix:
    """Paragraph x term counts (words and word pairs) of 120 real Wikinews articles (CC BY 2.5)."""
    text = pd.read_csv(WIKINEWS)["text"].head(120)
    paragraphs = [p for t in text for p in str(t).split("\n") if p.strip()]
    x = CountVectorizer(ngram_range=(1, 2), stop_words="english").fit_transform(paragraphs)
    return sparse.csr_matrix(x, dtype=np.int32)


def test_weights_equal_scikit_learns_tfidf_exactly(counts):
    idf = TfidfTransformer(sublinear_tf=True).fit(counts).idf_
    ours = M.tfidf_with(counts, idf)
    theirs = TfidfTransformer(sublinear_tf=True).fit_transform(counts).tocsr()
    ours.sort_indices()
    theirs.sort_indices()
    assert counts.nnz > 20_000
    assert np.array_equal(ours.indptr, theirs.indptr) and np.array_equal(ours.indices, theirs.indices)
    assert np.array_equal(ours.data, theirs.data)  # bit for bit, not merely close


def test_weights_share_the_counts_term_numbers_and_leave_the_counts_alone(counts):
    before = counts.copy()
    idf = TfidfTransformer(sublinear_tf=True).fit(counts).idf_
    ours = M.tfidf_with(counts, idf)
    assert np.shares_memory(ours.indices, counts.indices)
    assert (counts != before).nnz == 0 and counts.dtype == np.int32


def test_paragraph_counts_equal_counting_the_nonzero_entries(counts):
    with_zero = counts.copy()
    with_zero.data[:50] = 0  # explicit zeros are not uses
    want = np.asarray((with_zero > 0).sum(axis=0)).ravel()
    assert np.array_equal(M.paragraph_counts(with_zero), want)


def test_coherence_from_the_weights_equals_coherence_from_a_zero_one_matrix(counts):
    weighted = M.tfidf(counts)
    model = M.fit_topics(counts, np.arange(counts.shape[1]).astype(str), n_topics=5, low=2, high=8,
                         min_paragraphs=2, seed=4)
    comps = np.zeros((5, counts.shape[1]))
    keep = model.terms.astype(int)
    comps[:, keep] = model.components
    binary = (counts > 0).astype(float).tocsc()
    assert M.npmi_coherence(weighted, comps) == M.npmi_coherence(binary, comps)
    assert model.choice["coherence"].iat[0] == M.npmi_coherence((counts[:, keep] > 0).astype(float).tocsc(),
                                                                model.components)
