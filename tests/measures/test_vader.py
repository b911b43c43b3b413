"""The project's VADER scorer gives NLTK's numbers, and VADER's published validity holds."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import REFERENCE
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.measures import vader

NYT = REFERENCE / "nytEditorialSnippets_GroundTruth.txt"

EDGE_CASES = [
    "The talks were not good.", "The talks were not bad at all.", "It isn't horrible, it's kind of terrible.",
    "The summit was good, but the outcome was terrible.", "BUT the outcome was GREAT.",
    "The meeting was GOOD while the food was bad.", "THE MEETING WAS GOOD.", "Great!!!", "Great!!!!!!",
    "Is this a good deal?? Really???", "What a disaster?!?", "Good. Bad. Good!", "Wow :) :( :D <3",
    "The deal was kind of good.", "The deal was sort of nice.", "At least it works.", "The least good idea.",
    "Never so good a summit.", "Never this bad.", "He is the shit.", "Yeah right, a great plan.",
    "That plan will cut the mustard.", "It was the kiss of death.", "Living hand to mouth is hard.",
    "😀 The leaders smiled 😢 and frowned 👍.", "Good good good bad good.", "", "   ", "!!", "a",
    "Hardly a success.", "Not without hope.", "Despite the good news, fear remained.",
    "The president didn't like the plan; nobody did.", "Very very very bad!", "EXTREMELY good talks",
    "extremely GOOD talks", "López Obrador was uncomfortable, yet hopeful.", "“Great,” he said.",
    "(good) [bad] {ugly} 'fine' \"nice\"", "good, good; good: good-bad", "--good-- ..bad..",
    "The U.S.-Mexico border isn't safe.", "no-one cared", "It was not the best but not the worst either.",
]


def nyt_rows() -> list[tuple[float, str]]:
    if not NYT.is_file():
        pytest.skip(f"reference data absent: {NYT}")
    rows = []
    for line in NYT.read_text(encoding="utf-8").splitlines():
        parts = line.rstrip("\r").split("\t", 2)
        if len(parts) == 3:
            rows.append((float(parts[1]), parts[2]))
    return rows


def nltk_scores(texts: list[str]) -> np.ndarray:
    sia = vader.analyzer()
    return np.array([[d["neg"], d["neu"], d["pos"], d["compound"]]
                     for d in (sia.polarity_scores(t) for t in texts)])


def test_scores_equal_nltk_on_hand_written_edge_cases():
    ours = vader.score_texts(EDGE_CASES, processes=1)[["neg", "neu", "pos", "compound"]].to_numpy()
    np.testing.assert_allclose(ours, nltk_scores(EDGE_CASES), rtol=0, atol=1e-9)


def test_scores_equal_nltk_on_nyt_editorial_snippets():
    texts = [t for _, t in nyt_rows()][:800]
    texts += [t.upper() for t in texts[:50]] + [t + "!!!" for t in texts[50:100]]
    texts += [t + " but bad" for t in texts[100:150]]
    ours = vader.score_texts(texts, processes=1)[["neg", "neu", "pos", "compound"]].to_numpy()
    np.testing.assert_allclose(ours, nltk_scores(texts), rtol=0, atol=1e-9)


def test_process_pool_gives_the_same_scores(monkeypatch):
    texts = [t for _, t in nyt_rows()][:400] * 2
    monkeypatch.setattr(vader, "POOL_MIN", 100)
    pooled = vader.score_texts(texts, processes=2)
    single = vader.score_texts(texts, processes=1)
    assert pooled.equals(single)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["good", "GOOD", "bad", "not", "never", "so", "this", "very", "kind", "of",
                                 "least", "at", "but", "BUT", "the", "shit", "!", "?", "!!", ":)", "cut",
                                 "mustard", "isn't", "sort", "hardly", "great,", ",great", "(bad)", "x",
                                 "kiss", "death", "yeah", "right", "😀", "-", "'nice'"]),
                max_size=14))
def test_scores_equal_nltk_on_generated_word_sequences(words):
    text = " ".join(words)
    ours = vader.scorer().polarity(text)
    d = vader.analyzer().polarity_scores(text)
    assert ours == (d["neg"], d["neu"], d["pos"], d["compound"])


def test_compound_correlates_with_human_raters_as_published():
    """Hutto & Gilbert (2014), Table 4: r = 0.492 on the NYT editorial snippets."""
    rows = nyt_rows()
    human = np.array([h for h, _ in rows])
    ours = vader.score_texts([t for _, t in rows])["compound"].to_numpy()
    r = np.corrcoef(human, ours)[0, 1]
    assert 0.45 < r < 0.53
