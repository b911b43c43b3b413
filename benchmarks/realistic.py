"""A realistic news corpus for benchmarks: real sentences recombined, real word frequencies, any size.

Real text the repository carries (see `data/corpus/wikinews-2019-2020/README.md` and
`tests/data/reference/README.md` for the credits):

- 295 Wikinews articles of 2019 and 2020 (CC BY 2.5, Wikinews contributors), and
- the 5,190 New York Times editorial snippets of the VADER paper (MIT licence).

How an article is made, and why (each step gives the corpus one statistic of real news):

1. The Wikinews articles of each year are grouped into topics (k-means on TF-IDF), and a
   word-level Markov chain (markovify, two words of state) is built per topic, per year and over
   the NYT snippets. An article takes one topic of its period; each sentence comes from that
   topic's chain, the period's chain or the NYT chain. So topics differ between periods as the
   real 2019 and 2020 news did (2020: COVID-19), and sentences are new combinations of real ones.
   Longer sentences are kept more often (size-biased), so sentences are about 23 words long.
2. Vocabulary grows with the corpus as in real news (Heaps' law): in each article a share of
   its distinct content words and names is replaced, consistently within the article, by words
   drawn from the English frequency list of `wordfreq` (the long tail: names, rare words). An
   article's new words recur within it, as a story's names and subjects do.
3. Numbers are redrawn with the same number of digits (years kept), so figures vary.
4. Outlets are many and unequal (a Zipf-Mandelbrot law over 300 invented names), each with its own
   boilerplate lines (newsletter prompts, copyright, bylines), some of which the cleaning removes
   and some of which stay as the repeated sentences real corpora have.
5. Lengths vary as in real news: about 44 sentences and 1,000 words per article, in paragraphs
   of one to three sentences.

Deterministic under a seed: articles are made in chunks, each chunk seeded by (seed, chunk), so
the corpus is the same whatever number of processes makes it.
"""

from __future__ import annotations

import hashlib
import math
import os
import random
import re
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

ROOT = Path(__file__).resolve().parents[1]
WIKINEWS = ROOT / "data" / "corpus" / "wikinews-2019-2020" / "articles.csv"
NYT = ROOT / "tests" / "data" / "reference" / "nytEditorialSnippets_GroundTruth.txt"
#: Where generated corpora are kept between runs (git-ignored); $BENCH_CORPUS_DIR overrides.
CACHE = ROOT / ".benchmarks"
#: The two periods of the generated corpus: the years of the Wikinews articles they come from.
PERIODS = ("2019", "2020")
#: Articles per chunk: the unit of seeding and of parallel work.
CHUNK = 250
#: Bump when the generator's output changes, so cached corpora are remade.
VERSION = 2
#: The columns of a corpus table.
COLUMNS = ["id", "title", "outlet", "date", "url", "text"]


@dataclass(frozen=True)
class Settings:
    """The knobs of the generator, calibrated against the real corpora of issue 12."""

    topics_per_period: int = 8
    #: Where each sentence comes from: the article's topic, its period, the NYT snippets.
    source_weights: tuple[float, float, float] = (0.6, 0.25, 0.15)
    #: Share of an article's distinct content words, and of its names, replaced by new words.
    new_word_share: float = 0.02
    new_name_share: float = 0.13
    #: Share of an article's distinct content words swapped for common words (ranks below
    #: `common_rank`, drawn by frequency ** common_flatness): new word pairs, as real text has.
    swap_share: float = 0.15
    common_rank: int = 20_000
    common_flatness: float = 0.7
    #: New words are drawn from these ranks of the frequency list (common words stay as written),
    #: with probability proportional to frequency ** flatness (below 1: flatter than the text).
    min_rank: int = 3000
    max_rank: int = 150_000
    flatness: float = 0.5
    number_redraw: float = 0.7
    sentences_mean: float = 44.0
    sentences_sd: float = 24.0
    #: Outlets' shares follow a Zipf-Mandelbrot law 1/(rank + offset)^exponent: about 90 outlets
    #: appear among 1,000 articles and 210 among 10,000, the largest with one article in seven.
    outlets: int = 300
    outlet_exponent: float = 2.4
    outlet_offset: float = 8.0
    boilerplate_rate: float = 0.6


DEFAULT = Settings()

_STOP_CAPS = {"the", "a", "an", "in", "on", "at", "it", "he", "she", "they", "we", "i", "but", "and", "or",
              "this", "that", "these", "those", "as", "for", "of", "to", "if", "when", "while", "after",
              "before", "mr", "mrs", "ms", "dr"}
_STOP = frozenset(ENGLISH_STOP_WORDS)
_TOKEN = re.compile(r"^([^\w]*)(.*?)([^\w]*)$")
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)?")
_NAME = re.compile(r"[A-Z][a-z]+")
_NUMBER = re.compile(r"\d[\d,.]*")

_PLACES = ("Northern", "Coastal", "Valley", "Capital", "Metro", "Lakeside", "Harbor", "Pacific", "Atlantic",
           "Midland", "Prairie", "Highland", "Riverside", "Eastern", "Western", "Southern", "Bay", "Summit",
           "Granite", "Cedar", "Delta", "Frontier", "Gulf", "Heartland", "Island", "Mountain", "Plains",
           "Central", "Pioneer", "Union", "County", "Border", "Lowland", "Canyon", "Desert")
_KINDS = ("Herald", "Times", "Post", "Tribune", "Gazette", "Chronicle", "Journal", "Observer", "Courier",
          "Daily News", "Express", "Record", "Sentinel", "Dispatch", "Ledger", "Star", "Independent",
          "Review", "Register", "Telegraph", "Wire", "Mirror", "Standard", "Examiner", "Bulletin")


# --- real text -----------------------------------------------------------------------------------

def nyt_sentences() -> list[str]:
    """The 5,190 NYT editorial snippets of the VADER paper (real news-opinion sentences)."""
    lines = NYT.read_text(encoding="utf-8").splitlines()
    return [p[2].strip() for p in (ln.rstrip("\r").split("\t", 2) for ln in lines) if len(p) == 3]


@lru_cache(maxsize=1)
def _wikinews_by_topic(topics: int, seed: int = 0) -> dict[str, list[list[str]]]:
    """Period -> topics -> sentences of the Wikinews articles (cleaned and split as the pipeline does)."""
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    from briefing.corpus.clean import clean_document, load_rules
    from briefing.corpus.sentences import split_paragraph

    df = pd.read_csv(WIKINEWS, dtype=str, keep_default_na=False)
    rules = load_rules(None)
    year = df["date"].str[:4].where(df["date"].str[:4] == PERIODS[0], PERIODS[1])
    out: dict[str, list[list[str]]] = {}
    for period in PERIODS:
        part = df[year == period]
        texts = ["\n".join(clean_document(t, rules, title=h)[0]) for t, h in zip(part["text"], part["title"],
                                                                                   strict=True)]
        x = TfidfVectorizer(stop_words="english", min_df=2, sublinear_tf=True).fit_transform(texts)
        labels = KMeans(n_clusters=topics, n_init=4, random_state=seed).fit_predict(x)
        groups: list[list[str]] = [[] for _ in range(topics)]
        for text, label in zip(texts, labels, strict=True):
            groups[label].extend(s for para in text.split("\n") for s in split_paragraph(para))
        out[period] = [g for g in groups if len(g) >= 20]
    return out


@lru_cache(maxsize=2)
def _new_words(min_rank: int, max_rank: int, flatness: float) -> tuple[np.ndarray, np.ndarray]:
    """Ranks min_rank..max_rank of wordfreq's large English list (letters only), cumulative probabilities."""
    from wordfreq import get_frequency_dict

    freq = get_frequency_dict("en", "large")
    pairs = sorted(((w, f) for w, f in freq.items() if _WORD.fullmatch(w) and len(w) > 2 and w not in _STOP),
                   key=lambda kv: (-kv[1], kv[0]))[min_rank:max_rank]
    words = np.array([w for w, _ in pairs], dtype=object)
    p = np.array([f for _, f in pairs]) ** flatness
    return words, np.cumsum(p / p.sum())


class _Models:
    """The Markov chains an article draws its sentences from."""

    def __init__(self, settings: Settings) -> None:
        import markovify

        def chain(sentences: list[str]) -> markovify.Chain:
            text = markovify.NewlineText("\n".join(sentences), state_size=2, well_formed=False,
                                         retain_original=False)
            return text.chain.compile()

        by_topic = _wikinews_by_topic(settings.topics_per_period)
        self.topics = {p: [chain(g) for g in groups] for p, groups in by_topic.items()}
        self.topic_sizes = {p: np.array([len(g) for g in groups], float) for p, groups in by_topic.items()}
        self.periods = {p: chain([s for g in groups for s in g]) for p, groups in by_topic.items()}
        self.nyt = chain(nyt_sentences())


@lru_cache(maxsize=1)
def _models(settings: Settings) -> _Models:
    return _Models(settings)


# --- one article ---------------------------------------------------------------------------------

def _outlets(settings: Settings) -> tuple[list[str], np.ndarray]:
    rng = random.Random(12)
    names = sorted({f"The {p} {k}" for p in _PLACES for k in _KINDS})
    names = rng.sample(names, settings.outlets)
    w = 1.0 / (np.arange(1, settings.outlets + 1) + settings.outlet_offset) ** settings.outlet_exponent
    return names, w / w.sum()


def _boilerplate(outlet: str, year: str, rng: random.Random) -> list[str]:
    lines = [f"Sign up for the {outlet} newsletter to get the day's top stories.",
             f"Copyright {year} {outlet}. All rights reserved.",
             f"Follow {outlet} on Twitter and Facebook for the latest news.",
             f"This article originally appeared in {outlet}.",
             "Read more: the latest coverage from our correspondents"]
    return rng.sample(lines, rng.randint(1, 3))


class _Article:
    """Word and name replacements kept for one article, so its new words recur within it."""

    def __init__(self, rng: random.Random, settings: Settings, tail: tuple[np.ndarray, np.ndarray],
                 common: tuple[np.ndarray, np.ndarray]) -> None:
        self.rng, self.s = rng, settings
        self.tail, self.common = tail, common
        self.map: dict[str, str] = {}

    def _draw(self, words: tuple[np.ndarray, np.ndarray] | None = None) -> str:
        values, cumulative = words or self.tail
        return str(values[int(np.searchsorted(cumulative, self.rng.random()))])

    def token(self, tok: str, first: bool) -> str:
        lead, core, trail = _TOKEN.match(tok).groups()
        if not core:
            return tok
        got = self.map.get(core)
        if got is None:
            got = core
            if _WORD.fullmatch(core) and len(core) > 3:
                r = self.rng.random()
                if r < self.s.new_word_share:
                    got = self._draw()
                elif r < self.s.new_word_share + self.s.swap_share and core not in _STOP:
                    got = self._draw(self.common)
            elif _NAME.fullmatch(core) and not first and core.lower() not in _STOP_CAPS:
                if self.rng.random() < self.s.new_name_share:
                    got = self._draw().capitalize()
            elif _NUMBER.fullmatch(core) and not re.fullmatch(r"(19|20)\d\d", core):
                if self.rng.random() < self.s.number_redraw:
                    got = re.sub(r"\d", lambda _: str(self.rng.randint(0, 9)), core)
                    got = str(self.rng.randint(1, 9)) + got[1:] if len(got) > 1 else got
                self.map[core] = got  # the same figure may recur within a story
                return lead + got + trail
            self.map[core] = got
        return lead + got + trail

    def sentence(self, words: list[str]) -> str:
        return " ".join(self.token(w, i == 0) for i, w in enumerate(words))


def _walk(chain, rng: random.Random, longer: bool = True) -> list[str]:  # noqa: ANN001
    """One sentence of the chain; with `longer`, size-biased (a sentence of n words kept with n/18)."""
    for _ in range(50):
        words = chain.walk(None)
        if not words:
            continue
        if not longer or rng.random() < min(1.0, len(words) / 18):
            return words
    return words


def _chunk(n_articles: int, first: int, seed: int, settings: Settings) -> list[dict]:
    """Articles first..first+n_articles-1 (ids are global), seeded by (seed, chunk)."""
    chunk_seed = int(hashlib.sha256(f"{seed}:{first}".encode()).hexdigest()[:12], 16)
    state = random.getstate()
    random.seed(chunk_seed)  # markovify walks with the module-level generator
    try:
        return list(_articles(n_articles, first, chunk_seed, settings))
    finally:
        random.setstate(state)


def _articles(n_articles: int, first: int, chunk_seed: int, settings: Settings) -> Iterator[dict]:
    rng = random.Random(chunk_seed)
    np_rng = np.random.default_rng(chunk_seed)
    models = _models(settings)
    tail = _new_words(settings.min_rank, settings.max_rank, settings.flatness)
    common = _new_words(200, settings.common_rank, settings.common_flatness)
    outlets, outlet_p = _outlets(settings)
    mean, sd = settings.sentences_mean, settings.sentences_sd  # a lognormal with this mean and sd
    sigma = math.sqrt(math.log(1 + (sd / mean) ** 2))
    mu = math.log(mean) - sigma ** 2 / 2
    for i in range(first, first + n_articles):
        period = PERIODS[i % len(PERIODS)]
        year = int(period)
        day = date(year, 1, 1) + timedelta(days=rng.randrange(365))
        sizes = models.topic_sizes[period]
        topic = models.topics[period][int(np_rng.choice(len(sizes), p=sizes / sizes.sum()))]
        sources = (topic, models.periods[period], models.nyt)
        art = _Article(rng, settings, tail, common)
        outlet = outlets[int(np_rng.choice(len(outlets), p=outlet_p))]
        n = max(4, min(250, round(rng.lognormvariate(mu, sigma))))
        sentences = [art.sentence(_walk(rng.choices(sources, weights=settings.source_weights)[0], rng))
                     for _ in range(n)]
        paragraphs, k = [], 0
        while k < len(sentences):
            size = rng.choices((1, 2, 3), weights=(0.35, 0.4, 0.25))[0]
            paragraphs.append(" ".join(sentences[k:k + size]))
            k += size
        if rng.random() < settings.boilerplate_rate:
            paragraphs += _boilerplate(outlet, period, rng)
        title = art.sentence(_walk(topic, rng, longer=False)[:14]).rstrip(".")
        yield {"id": f"realistic-{i + 1:07d}", "title": title, "outlet": outlet, "date": day.isoformat(),
               "url": f"https://example.org/realistic/{i + 1}", "text": "\n\n".join(paragraphs)}


# --- the corpus ----------------------------------------------------------------------------------

def realistic_corpus(n_articles: int, seed: int = 0, settings: Settings = DEFAULT, processes: int = 1
                     ) -> pd.DataFrame:
    """A corpus table (id, title, outlet, date, url, text) of `n_articles` realistic articles.

    Periods alternate between 2019 and 2020. The same (n_articles, seed, settings) give the same
    table whatever `processes` is.
    """
    parts = list(_chunks(n_articles, seed, settings, processes))
    return pd.DataFrame([row for part in parts for row in part], columns=COLUMNS)


def _chunks(n_articles: int, seed: int, settings: Settings, processes: int) -> Iterator[list[dict]]:
    """The corpus's chunks in order, made over `processes` (a few chunks in flight at a time)."""
    starts = list(range(0, n_articles, CHUNK))
    sizes = [min(CHUNK, n_articles - s) for s in starts]
    if processes > 1 and len(starts) > 1:
        _models(settings)  # built once, inherited by the forked workers
        with ProcessPoolExecutor(processes) as pool:
            yield from pool.map(_chunk, sizes, starts, [seed] * len(starts), [settings] * len(starts),
                                chunksize=1)
    else:
        for n, s in zip(sizes, starts, strict=True):
            yield _chunk(n, s, seed, settings)


def write_corpus(path: Path, n_articles: int, seed: int = 0, settings: Settings = DEFAULT,
                 processes: int = 1, first: int = 0) -> Path:
    """Write the corpus of `n_articles` (ids from `first` + 1) to the Parquet file `path`, chunk
    by chunk as row groups, atomically: memory holds a few chunks, not the corpus (100,000
    articles are about 600 MB of text). The same rows as `realistic_corpus`."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(c, pa.string()) for c in COLUMNS])
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
            if first:
                chunks = (_chunk(min(CHUNK, n_articles - s), first + s, seed, settings)
                          for s in range(0, n_articles, CHUNK))
            else:
                chunks = _chunks(n_articles, seed, settings, processes)
            for rows in chunks:
                writer.write_table(pa.Table.from_pylist(rows, schema=schema))
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def corpus_file(n_articles: int, seed: int = 0, processes: int | None = None) -> Path:
    """A Parquet file of the corpus, made once (streamed to disk) and kept in .benchmarks/ (or
    $BENCH_CORPUS_DIR)."""
    where = Path(os.environ.get("BENCH_CORPUS_DIR", CACHE))
    path = where / f"realistic-{n_articles}-seed{seed}-v{VERSION}.parquet"
    if not path.is_file():
        where.mkdir(parents=True, exist_ok=True)
        write_corpus(path, n_articles, seed, processes=processes or os.cpu_count() or 1)
    return path


# --- how real it is ------------------------------------------------------------------------------

#: The real corpora of issue 12 (news of 2016-2019 from many outlets), to set the figures against.
REAL = {
    1_000: {"articles": 968, "outlets": 77, "sentences_per_article": 57_000 / 968, "word_types": 35_000},
    10_000: {"articles": 10_000, "outlets": 210, "sentences_per_article": 449_567 / 10_000,
             "words_per_article": 9_800_000 / 10_000, "word_types": 95_000, "distinct_sentences": 0.95},
}


def statistics(documents: pd.DataFrame, sentences: pd.DataFrame, top: int = 8) -> dict[str, object]:
    """The figures a realistic corpus must match, measured on prepared (cleaned, split) tables.

    Word types are distinct lower-cased words as the pipeline counts words (numbers included);
    names are distinct capitalised names as the topics section finds them; `distinctive` holds the
    words most characteristic of each period (log-odds with an informative prior).
    """
    from sklearn.feature_extraction.text import CountVectorizer

    from briefing.corpus.sentences import WORD
    from briefing.measures import terms as T
    from briefing.measures.fightin_words import distinctive_terms

    text = sentences["text"]
    types: set[str] = set()
    for s in text:
        types.update(w.lower() for w in WORD.findall(s))
    names: set[str] = set()
    for s in text.iloc[:: max(1, len(text) // 50_000)]:  # a sample: names are slow to find
        names.update(T.name_key(n) for n in T.names(s, proper=True))
    periods = [str(p) for p in documents["period"].cat.categories]
    vec = CountVectorizer(stop_words="english", token_pattern=r"(?u)\b[^\W\d_]{3,}\b", min_df=5)
    x = vec.fit_transform(text)
    per = [np.asarray(x[(sentences["period"] == p).to_numpy()].sum(axis=0)).ravel() for p in periods[:2]]
    dist = distinctive_terms(vec.get_feature_names_out(), per[0], per[1], prior_scale=0.1, min_count=20)
    return {
        "articles": len(documents),
        "outlets": int(documents["outlet"].nunique()),
        "sentences": len(sentences),
        "sentences_per_article": len(sentences) / max(1, len(documents)),
        "words_per_article": float(documents["words"].mean()),
        "words_per_sentence": float(sentences["words"].mean()),
        "word_types": len(types),
        "distinct_sentences": text.nunique() / max(1, len(text)),
        "names_in_sample": len(names),
        "sentences_with_numbers": float(text.str.contains(r"\d", regex=True).mean()),
        "distinctive": {periods[0]: dist["term"].tail(top)[::-1].tolist(),
                        periods[1]: dist["term"].head(top).tolist()},
    }
