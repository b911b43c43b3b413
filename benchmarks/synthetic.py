"""A synthetic news corpus for benchmarks and demos: deterministic under a seed, clearly fake.

Articles are built from sentence templates about two governments meeting, with sentiment
words, frame cues (security, economy, migration...), names and boilerplate lines, so every
stage of the pipeline has real work to do. Outlets and periods can differ in tone and topic,
so a demo briefing shows shifts.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pandas as pd

_LEADERS = ["President Biden", "Biden", "López Obrador", "Lopez Obrador", "AMLO",
            "the Mexican president", "Secretary Blinken", "Foreign Minister Ebrard"]
_PLACES = ["Washington", "Mexico City", "San Francisco", "El Paso", "Tijuana", "Los Angeles",
           "Monterrey", "the White House", "the U.S.-Mexico border", "Ciudad Juárez"]
_TOPICS = {
    "security": ["cartel violence", "fentanyl trafficking", "arms smuggling", "a joint task force",
                 "border security", "organized crime", "military cooperation"],
    "economy": ["trade tariffs", "supply chains", "nearshoring investment", "the USMCA review",
                "energy policy", "auto exports", "inflation"],
    "migration": ["asylum seekers", "migrant caravans", "border crossings", "work visas",
                  "deportation flights", "humanitarian parole"],
    "diplomacy": ["a bilateral summit", "the Summit of the Americas", "a joint declaration",
                  "climate commitments", "relations with Cuba", "talks with China"],
}
_POS_ADJ = ["productive", "warm", "strong", "successful", "hopeful", "friendly", "constructive"]
_NEG_ADJ = ["tense", "bitter", "failed", "angry", "troubling", "hostile", "disappointing"]
_POS_VERB = ["welcomed", "praised", "celebrated", "applauded"]
_NEG_VERB = ["criticized", "condemned", "rejected", "denounced"]
_TEMPLATES = [
    "{leader} {verb} the talks on {topic} in {place}.",
    "Officials said a {adj} meeting on {topic} was held in {place} on {day}.",
    "{leader} said {topic} would dominate a {adj} agenda with {leader2}.",
    "Critics in {place} said {topic} showed a {adj} turn in relations.",
    "The talks on {topic} were described as {adj} by aides to {leader2}.",
    "Analysts expect {topic} and {topic2} to shape the relationship for months.",
    "Mr. {surname} told reporters in {place} that {topic} remained a priority for the U.S. government.",
]
_BOILER = ["CLICK HERE TO GET THE NEWSLETTER", "Read more: coverage of the summit",
           "PHOTO: Leaders at the meeting (Getty Images)", "TOP STORIES: MARKETS RALLY ON RATE HOPES"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def synthetic_corpus(n_articles: int = 1000, *, periods: list[tuple[str, str]] | None = None,
                     outlets: list[str] | None = None, sentences_per_article: int = 12,
                     seed: int = 0) -> pd.DataFrame:
    """A corpus table (id, title, outlet, date, url, text) of `n_articles` synthetic articles.

    `periods` are (start, end) ISO dates; articles spread evenly over them. Later periods lean
    more negative and more towards security and migration, and each outlet has its own tone.
    """
    rng = random.Random(seed)
    periods = periods or [("2022-01-01", "2022-12-31"), ("2023-01-01", "2023-12-31")]
    outlets = outlets or ["Synthetic Daily", "Synthetic Herald", "Synthetic Wire"]
    topic_names = list(_TOPICS)
    spans = [(date.fromisoformat(a), date.fromisoformat(b)) for a, b in periods]
    rows = []
    for i in range(n_articles):
        k = i % len(periods)
        start, end = spans[k]
        day = start + timedelta(days=rng.randint(0, (end - start).days))
        o = rng.randrange(len(outlets))
        tone = 0.6 - 0.25 * k - 0.15 * o / max(1, len(outlets) - 1)
        weights = [1.0 + 0.6 * k, 1.2, 0.8 + 0.5 * k, max(0.1, 1.0 - 0.2 * k)]
        lines = []
        for _ in range(sentences_per_article):
            t1, t2 = rng.choices(topic_names, weights=weights, k=2)
            positive = rng.random() < tone
            lead = rng.choice(_LEADERS)
            lines.append(rng.choice(_TEMPLATES).format(
                leader=lead[0].upper() + lead[1:], leader2=rng.choice(_LEADERS),
                verb=rng.choice(_POS_VERB if positive else _NEG_VERB),
                adj=rng.choice(_POS_ADJ if positive else _NEG_ADJ),
                topic=rng.choice(_TOPICS[t1]), topic2=rng.choice(_TOPICS[t2]),
                place=rng.choice(_PLACES), day=rng.choice(_DAYS),
                surname=rng.choice(["Blinken", "Ebrard", "Sullivan", "Mayorkas"]),
            ))
        paragraphs = [" ".join(lines[j:j + 3]) for j in range(0, len(lines), 3)]
        if rng.random() < 0.5:
            paragraphs.insert(rng.randint(1, len(paragraphs)), rng.choice(_BOILER))
        title = f"Synthetic report {i + 1}: {rng.choice(topic_names)} talks in {rng.choice(_PLACES)}"
        rows.append({"id": f"synthetic-{i + 1:06d}", "title": title, "outlet": outlets[o],
                     "date": day.isoformat(), "url": "", "text": "\n".join(paragraphs)})
    return pd.DataFrame(rows)


def write_corpus(path: str, n_articles: int, **kwargs: object) -> None:
    """Write a synthetic corpus as Parquet or JSONL (by the file's suffix)."""
    df = synthetic_corpus(n_articles, **kwargs)  # type: ignore[arg-type]
    if path.endswith(".jsonl"):
        df.to_json(path, orient="records", lines=True, force_ascii=False)
    else:
        df.to_parquet(path)
