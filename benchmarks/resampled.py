"""A news corpus of any size made of real sentences: the 295 Wikinews articles, resampled.

A stand-in for `benchmarks/realistic.py` (branch realistic-bench, which also rewrites words and
draws outlets from a Zipf-Mandelbrot law), with the same interface: `corpus_file(n)` and
`PERIODS`. Its text is real news text (Wikinews contributors, CC BY 2.5; see
`data/corpus/wikinews-2019-2020/README.md`), recombined:

- an article belongs to 2019 or 2020 (alternately) and takes a real article of that year as its
  source: its length (in sentences, within 5 to 80) and the neighbourhood its sentences come from;
- half of its sentences come from the source's neighbours (the 30 articles of that year nearest
  in date, so a story keeps a subject), half from any article of that year, in paragraphs of one
  to three sentences, with the source article's boilerplate and markup lines kept as published;
- outlets are 60 invented names, drawn by a Zipf-like law (a few large ones, a long tail); dates
  are spread over the year.

So every measure meets real sentences (their words, tone, frame cues, names, Wikinews markup)
with the volume and the many outlets of a large corpus; two articles share few sentences, so
copy detection keeps them all. Deterministic under a seed.
"""

from __future__ import annotations

import os
import random
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
WIKINEWS = ROOT / "data" / "corpus" / "wikinews-2019-2020" / "articles.csv"
#: Where generated corpora are kept between runs (git-ignored); $BENCH_CORPUS_DIR overrides.
CACHE = ROOT / ".benchmarks"
PERIODS = ("2019", "2020")
#: Bump when the generator's output changes, so cached corpora are remade.
VERSION = 1
NEIGHBOURS = 30
_PLACES = ("Northern", "Coastal", "Valley", "Capital", "Metro", "Lakeside", "Harbor", "Pacific", "Atlantic",
           "Midland", "Prairie", "Highland", "Riverside", "Eastern", "Western", "Southern", "Bay", "Summit",
           "Granite", "Cedar")
_KINDS = ("Herald", "Times", "Post", "Tribune", "Gazette", "Chronicle", "Journal", "Observer", "Courier",
          "Daily News", "Express", "Record", "Sentinel", "Dispatch", "Ledger", "Star", "Review", "Register",
          "Telegraph", "Mirror")
#: 60 invented outlets, all different.
OUTLETS = [f"{_PLACES[i % 20]} {_KINDS[(i + i // 20) % 20]}" for i in range(60)]
#: A Zipf-like law over the outlets: the largest has about one article in eight.
OUTLET_WEIGHTS = [1 / (rank + 4) ** 1.2 for rank in range(len(OUTLETS))]


@lru_cache(maxsize=1)
def _sources() -> dict[str, list[tuple[str, list[list[str]]]]]:
    """Per year, the real articles in date order: (title, paragraphs as lists of sentences)."""
    from briefing.corpus.sentences import split_paragraph

    df = pd.read_csv(WIKINEWS).sort_values(["date", "id"], kind="stable")
    out: dict[str, list[tuple[str, list[list[str]]]]] = {p: [] for p in PERIODS}
    for row in df.itertuples(index=False):
        year = str(row.date)[:4]
        if year not in out:
            continue
        paragraphs = [split_paragraph(p) for p in str(row.text).split("\n") if p.strip()]
        paragraphs = [p for p in paragraphs if p]
        if sum(len(p) for p in paragraphs) >= 5:
            out[year].append((str(row.title), paragraphs))
    return out


def _article(i: int, rng: random.Random) -> dict:
    year = PERIODS[i % len(PERIODS)]
    articles = _sources()[year]
    k = rng.randrange(len(articles))
    title, paragraphs = articles[k]
    lo, hi = max(0, k - NEIGHBOURS // 2), min(len(articles), k + NEIGHBOURS // 2 + 1)
    near = [s for _, ps in articles[lo:hi] for p in ps for s in p]
    anywhere = _year_sentences(year)
    n = min(80, max(5, int(sum(len(p) for p in paragraphs) * rng.uniform(0.7, 1.3))))
    drawn = [rng.choice(near) if rng.random() < 0.5 else rng.choice(anywhere) for _ in range(n)]
    text, at = [], 0
    while at < len(drawn):
        size = rng.choice((1, 1, 2, 2, 3))
        text.append(" ".join(drawn[at:at + size]))
        at += size
    start = date(int(year), 1, 1)
    day = start + timedelta(days=rng.randrange(365))
    outlet = rng.choices(OUTLETS, weights=OUTLET_WEIGHTS)[0]
    return {"id": f"resampled-{i:06d}", "title": f"{title} ({outlet})", "outlet": outlet,
            "date": day.isoformat(), "url": "", "text": "\n\n".join(text)}


@lru_cache(maxsize=2)
def _year_sentences(year: str) -> list[str]:
    return [s for _, ps in _sources()[year] for p in ps for s in p]


def resampled_corpus(n_articles: int, seed: int = 0) -> pd.DataFrame:
    """A corpus table (id, title, outlet, date, url, text) of `n_articles` resampled articles."""
    rng = random.Random(seed)
    return pd.DataFrame([_article(i, rng) for i in range(n_articles)],
                        columns=["id", "title", "outlet", "date", "url", "text"])


def corpus_file(n_articles: int, seed: int = 0, processes: int | None = None) -> Path:
    """A Parquet file of the corpus, made once and kept in .benchmarks/ (or $BENCH_CORPUS_DIR).
    (`processes` is accepted for the realistic generator's interface; this one is quick alone.)"""
    where = Path(os.environ.get("BENCH_CORPUS_DIR", CACHE))
    path = where / f"resampled-{n_articles}-seed{seed}-v{VERSION}.parquet"
    if not path.is_file():
        where.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        resampled_corpus(n_articles, seed).to_parquet(tmp)
        os.replace(tmp, path)
    return path
