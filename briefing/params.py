"""Params files: one YAML file describes one briefing; validated before anything runs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from briefing.errors import ParamsError, shown
from briefing.files import read_yaml
from briefing.periods import Period, RollingPeriods, resolve_periods
from briefing.validation import check_files, describe_error, kind_of, one_branch, problems_error


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, coerce_numbers_to_str=True)


class Actor(_Strict):
    """Someone or something the coverage talks about, with the other names it goes by."""

    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    #: Phrases that contain a name but do not mean the actor ("New Mexico" for Mexico).
    exclude: list[str] | None = None


class CleaningOptions(_Strict):
    """Boilerplate detection; rules are data (see briefing/resources/cleaning_rules.yaml)."""

    #: A YAML rules file (relative to the params file) replacing the shipped rules.
    rules: str | None = None
    #: Extra regular expressions; a body line matching one is set aside as boilerplate.
    extra_line_patterns: list[str] = Field(default_factory=list)
    #: Extra short lines that open a trailing navigation block ("More from us").
    extra_block_markers: list[str] = Field(default_factory=list)
    #: Extra regular expressions for source markup inside a line; each match is cut out.
    extra_inline_patterns: list[str] = Field(default_factory=list)

    @field_validator("extra_line_patterns", "extra_inline_patterns")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for p in patterns:
            try:
                re.compile(p)
            except re.error as exc:
                raise ValueError(f"{shown(p)} is not a valid regular expression ({exc})") from None
        return patterns


class SentimentOptions(_Strict):
    """Settings of the sentiment section."""

    #: A sentence is positive when its VADER compound is at least this (VADER's own 0.05)...
    positive_threshold: float = Field(default=0.05, gt=-1, lt=1)
    #: ...and negative when it is at most this (VADER's own −0.05).
    negative_threshold: float = Field(default=-0.05, gt=-1, lt=1)
    #: Bootstrap resamples (of documents) for every 95% interval.
    bootstrap_rounds: int = Field(default=2000, ge=100)
    #: Random relabellings (of documents) for every permutation p-value.
    permutation_rounds: int = Field(default=5000, ge=100)
    seed: int = 20221112
    #: Names of the actors (as listed under `actors`) to follow; default: all of them.
    actors: list[str] | None = None
    #: Attribute a he/she/his/her sentence to the single actor named in the sentence before it.
    attribute_pronouns: bool = False
    #: How many of the most positive and most negative sentences to quote per period.
    evidence_sentences: int = Field(default=3, ge=1, le=20)

    @model_validator(mode="after")
    def _thresholds_ordered(self) -> SentimentOptions:
        if self.negative_threshold > self.positive_threshold:
            raise ValueError(
                f"negative_threshold ({self.negative_threshold}) is above positive_threshold "
                f"({self.positive_threshold}); VADER's defaults are -0.05 and 0.05"
            )
        return self


class FramingOptions(_Strict):
    """Settings of the framing section (frames and cues: data/lexicons/policy_frames.yaml)."""

    #: A lexicon YAML file (relative to the params file) replacing the shipped Policy Frames lexicon.
    lexicon: str | None = None
    #: More lexicon YAML files whose frames are added to it.
    extra_lexicons: list[str] = Field(default_factory=list)
    #: Issue-specific frames: each {name, definition, cues, optional id}.
    extra_frames: list[dict[str, Any]] = Field(default_factory=list)
    bootstrap_rounds: int = Field(default=2000, ge=100)
    #: Confidence level of the bootstrap intervals.
    level: float = Field(default=0.95, gt=0.5, lt=1.0)
    seed: int = 20221112
    #: How many rising and falling frames to name, and how many changed frames get evidence.
    top: int = Field(default=3, ge=1, le=10)
    #: Example sentences per frame and period in the evidence.
    evidence_sentences: int = Field(default=3, ge=1, le=10)
    #: An article uses a frame when at least this share of its sentences carry it (calibrated on
    #: labelled articles: briefing/measures/article_frames.py) ...
    article_min_share: float = Field(default=0.20, ge=0.0, le=1.0)
    #: ... and at least this many sentences do.
    article_min_sentences: int = Field(default=2, ge=1)
    #: A frame classifier (`briefing frames train --out`), relative to the params file: when given,
    #: it finds the frames of each sentence instead of the lexicon (briefing/measures/frame_model.py).
    model: str | None = None

    @field_validator("extra_frames")
    @classmethod
    def _frames_ok(cls, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        from briefing.measures.lexicon import LexiconError, check_unique, parse_frame

        try:
            check_unique([parse_frame(e, "framing.extra_frames", i) for i, e in enumerate(entries)])
        except LexiconError as exc:
            raise ValueError(str(exc).removeprefix("framing.extra_frames: ")) from None
        return entries


class TopicOptions(_Strict):
    """Settings of the topics section."""

    #: Number of NMF topics, or "auto": chosen in `topic_range` by mean NPMI coherence.
    n_topics: int | Literal["auto"] = "auto"
    #: Smallest and largest number of topics tried by "auto" (inclusive).
    topic_range: tuple[int, int] = (2, 8)
    seed: int = 20221112
    #: Dirichlet prior of the log-odds: α_w = prior_scale × count of w in the pooled pair.
    prior_scale: float = Field(default=0.1, gt=0)
    #: Longest n-gram counted (1: words only; 2: words and two-word phrases).
    max_ngram: int = Field(default=2, ge=1, le=2)
    #: A term must occur this often in a pair of periods to be listed as distinctive, new or vanished.
    min_count: int = Field(default=1, ge=1)
    #: A term must occur in this many paragraphs to enter the topic model.
    min_paragraphs: int = Field(default=2, ge=1)
    #: Terms listed per side and per table.
    top_terms: int = Field(default=15, ge=1)
    #: Extra stop words (scikit-learn's English list is always used).
    extra_stop_words: list[str] = Field(default_factory=list)
    bootstrap_rounds: int = Field(default=1000, ge=100)
    #: Random splits of the pooled corpus that give the chance level of the divergence.
    split_rounds: int = Field(default=200, ge=20)

    @field_validator("topic_range")
    @classmethod
    def _range(cls, rng: tuple[int, int]) -> tuple[int, int]:
        if not 1 <= rng[0] <= rng[1]:
            raise ValueError(f"topic_range {list(rng)} must be [low, high] with 1 <= low <= high")
        return rng

    @field_validator("n_topics")
    @classmethod
    def _positive(cls, n: int | str) -> int | str:
        if isinstance(n, int) and n < 1:
            raise ValueError("n_topics must be at least 1, or \"auto\"")
        return n


_WEB = re.compile(r"^https?://[^\s<>\"'\\`]+$")


class Credit(_Strict):
    """Who wrote the articles and under which licence: shown in the briefing and on the site."""

    #: Who wrote the texts, as the licence asks to credit them ("Wikinews contributors").
    authors: str = Field(min_length=1)
    #: The licence's short name ("CC BY 2.5").
    licence: str = Field(min_length=1)
    licence_url: str | None = None
    #: Where the texts come from ("English Wikinews"), and its address.
    source: str | None = None
    source_url: str | None = None
    #: What this briefing changed in the texts (licences such as CC BY ask to say so).
    changes: str = ("The text is changed where this briefing cleans it: boilerplate lines and "
                    "markup are set aside, as the cleaning log lists.")

    @field_validator("licence_url", "source_url")
    @classmethod
    def _web_address(cls, url: str | None) -> str | None:
        if url is not None and not _WEB.match(url):
            raise ValueError(f"{url!r} is not a web address; give an http:// or https:// URL")
        return url
IngestColumn = Literal["text", "date", "title", "outlet", "id", "url", "language"]


class IngestSource(_Strict):
    """Where the corpus comes from, when it is not written by hand (see `briefing ingest`).

    `briefing run` and `briefing check` bring the source into `corpus` first when the corpus
    is missing or the source changed; `briefing ingest params/<name>.yaml` does it on demand.
    """

    #: A table (CSV, JSONL, Parquet), a Media Cloud story-list export, a list of URLs (.txt, or
    #: a table with a url column), or a folder of saved .html pages; relative to the params file.
    #: Or RSS/Atom feeds and sitemaps: one http(s) address or a list of them, read on every run,
    #: their new articles added to the corpus folder (see README, "Keeping watch").
    source: str | list[str] = Field(min_length=1)

    @field_validator("source")
    @classmethod
    def _feeds_are_urls(cls, source: str | list[str]) -> str | list[str]:
        from briefing.ingest.sources import is_http_url

        if isinstance(source, list):
            bad = [s for s in source if not is_http_url(s)]
            if bad:
                raise ValueError(f"{shown(bad[0])} is not an http(s) address; a list names feeds or "
                                 "sitemaps (one local source is given as a single path)")
        return source
    #: The source's column for each field, where it is not named so (e.g. {text: body}).
    columns: dict[IngestColumn, str] = Field(default_factory=dict)
    #: Set aside articles in another language than this ISO 639-1 code (e.g. "en").
    language: str | None = Field(default=None, pattern=r"^[a-z]{2}$")
    #: Seconds between two requests to the same host.
    delay: float = Field(default=1.0, ge=0)
    #: Seconds to wait for a server before giving up on a request.
    timeout: float = Field(default=20.0, gt=0)
    #: Further attempts after a timeout, a lost connection, HTTP 429 or 5xx.
    retries: int = Field(default=2, ge=0, le=10)
    #: Sent with every request; add a contact address so site owners can reach you.
    user_agent: str | None = None


class Params(_Strict):
    """Everything one briefing needs; see README.md, "Writing a params file"."""

    title: str = Field(min_length=1)
    subtitle: str | None = None
    slug: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9._-]*$")
    corpus: str = Field(min_length=1)
    #: The articles' authors and licence, when their licence asks for credit (CC BY...).
    credit: Credit | None = None
    #: Fixed periods (a list of name, start, end), or rolling ones relative to an anchor date
    #: (a mapping: anchor, unit, last, compare...; see briefing/periods.py), fixed at run start.
    periods: Annotated[list[Period], Field(min_length=2)] | RollingPeriods
    #: The rolling spec the periods were resolved from, with its anchor date (set by the loader).
    rolling: RollingPeriods | None = None
    actors: list[Actor] = Field(default_factory=list)
    outputs: list[Literal["html", "pdf"]] = Field(default_factory=lambda: ["html", "pdf"], min_length=1)
    renderer: Literal["auto", "quarto", "embedded"] = "auto"
    paper: Literal["a4", "us-letter"] = "a4"
    cleaning: CleaningOptions = Field(default_factory=CleaningOptions)
    sentiment: SentimentOptions = Field(default_factory=SentimentOptions)
    framing: FramingOptions = Field(default_factory=FramingOptions)
    topics: TopicOptions = Field(default_factory=TopicOptions)
    #: Processes (or Dask workers) for the per-document stages, and notebooks run at once
    #: (default: one per core; `briefing run --jobs` overrides it).
    jobs: int | None = Field(default=None, ge=1, le=1024)
    #: Where the per-document stages run: this machine ("local") or a Dask cluster ("dask").
    engine: Literal["local", "dask"] = "local"
    #: With engine: dask, the address of an existing scheduler (tcp://host:port); without it a
    #: local cluster is started for the run.
    scheduler: str | None = Field(default=None, pattern=r"^(tcp|tls|inproc|ucx)://\S+$")
    #: Wire copies and near-duplicates: drop (keep the earliest of each group), flag (keep all,
    #: list the copies) or keep (no detection). See briefing/corpus/dedup.py.
    dedup: Literal["keep", "drop", "flag"] = "drop"
    #: Jaccard similarity of word 3-shingles at which two articles count as copies.
    dedup_threshold: float = Field(default=0.5, gt=0, le=1)
    #: Where the corpus comes from, when `briefing ingest` brings it in (optional).
    ingest: IngestSource | None = None
    #: Directory of the params file; relative paths resolve against it. Set by the loader.
    base_dir: str = "."

    @model_validator(mode="after")
    def _periods_distinct(self) -> Params:
        if self.rolling is not None and (self.rolling.anchor_date is None
                                         or isinstance(self.periods, RollingPeriods)):
            raise ValueError("rolling: set when rolling periods are resolved; write the rolling spec "
                             "under periods: instead")
        if isinstance(self.periods, RollingPeriods):
            return self._others_distinct()
        names = [p.name for p in self.periods]
        for i, name in enumerate(names):
            if name in names[:i]:
                raise ValueError(f"periods[{i}].name: {shown(name)} is used twice; give each period "
                                 "its own name")
        ordered = sorted(self.periods, key=lambda p: p.start)
        for a, b in zip(ordered, ordered[1:], strict=False):
            if b.start <= a.end:
                raise ValueError(
                    f"periods: {shown(a.name)} ({a.start}..{a.end}) and {shown(b.name)} ({b.start}..{b.end}) "
                    "overlap; a document must fall in one period only"
                )
        return self._others_distinct()

    def _others_distinct(self) -> Params:
        if self.scheduler and self.engine != "dask":
            raise ValueError(f"scheduler {self.scheduler!r} is set but engine is {self.engine!r}; "
                             "set engine: dask to use a Dask scheduler")
        actor_names = [a.name for a in self.actors]
        for i, name in enumerate(actor_names):
            if name in actor_names[:i]:
                raise ValueError(f"actors[{i}].name: {shown(name)} is listed twice; merge the entries' "
                                 "aliases")
        return self

    @property
    def corpus_path(self) -> Path:
        return resolve(self.base_dir, self.corpus)

    def resolve(self, path: str) -> Path:
        """A path from this params file, relative to the file's directory."""
        return resolve(self.base_dir, path)

    def sentiment_actors(self, options: SentimentOptions | None = None) -> list[Actor]:
        """The actors the sentiment section follows: all of them, or those `sentiment.actors`
        names (raising ParamsError for a name that is not among the actors)."""
        names = (options or self.sentiment).actors
        if names is None:
            return list(self.actors)
        known = {a.name: a for a in self.actors}
        missing = [n for n in names if n not in known]
        if missing:
            raise ParamsError(f"sentiment.actors: {', '.join(map(repr, missing))} not among the actors "
                              f"({', '.join(known) or 'none'}); use their `name` as listed under actors")
        return [known[n] for n in names]

    def plain(self) -> dict[str, Any]:
        """YAML-safe values (dates as ISO strings), as papermill passes them to notebooks."""
        return self.model_dump(mode="json")


def resolve(base_dir: str | Path, path: str | Path) -> Path:
    p = Path(path).expanduser()
    return p if p.is_absolute() else (Path(base_dir) / p).resolve()


def slug_for(params: Params, source: str | Path | None = None) -> str:
    """The folder name of a briefing under reports/: the `slug` field or the file's stem."""
    if params.slug:
        return params.slug
    stem = Path(source).stem if source else params.title
    return re.sub(r"[^a-z0-9._-]+", "-", stem.lower()).strip("-") or "briefing"


def validate(data: Any, source: str | Path = "<params>") -> Params:
    """Validate a mapping as a Params; raise ParamsError naming the file and the field of each
    problem (all of them, unknown fields first: a misspelt key is often why another is missing)."""
    if data is None:
        raise ParamsError(f"{source}: the file is empty; a params file needs at least title, corpus "
                          "and periods (see README.md, \"Writing a params file\")")
    if not isinstance(data, dict):
        raise ParamsError(f"{source}: expected a mapping of fields (title, corpus, periods...) at top "
                          f"level, found {kind_of(data)}")
    try:
        return Params.model_validate(data)
    except ValidationError as exc:
        errors = sorted(one_branch(exc.errors(), "periods", data.get("periods"),
                                   {dict: "RollingPeriods", list: "list["}),
                        key=lambda e: e.get("type") != "extra_forbidden")
    except RecursionError:
        raise ParamsError(f"{source}: the fields are nested too deeply; write plain fields") from None
    raise problems_error(source, [describe_error(e, Params) for e in errors])


def load(path: str | Path, resolve_rolling: bool = True) -> Params:
    """Read and validate a params file; relative paths in it resolve against its directory, and
    the files it names (corpus, cleaning rules, lexicons) must exist and be readable. Rolling
    periods are resolved to dates (unless `resolve_rolling` is false: an ingest needs none)."""
    path = Path(path)
    data = read_yaml(path, ParamsError, "params file (pass a YAML file such as params/<name>.yaml)")
    if isinstance(data, dict) and "base_dir" in data:
        data = {k: v for k, v in data.items() if k != "base_dir"}
        own = f"{path}: base_dir: unknown field; paths are relative to the params file"
        try:
            validate(data, path)
        except ParamsError as exc:
            lines = [own, *exc.problems] if exc.problems else [own, str(exc)]
            raise ParamsError(f"{path}: {len(lines)} problems; fix them and run again",
                              problems=lines) from None
        raise ParamsError(own)
    params = validate(data, path)
    params = params.model_copy(update={"base_dir": str(path.resolve().parent)})
    check_files(params, path)
    return resolve_periods(params, path) if resolve_rolling else params


def from_plain(values: dict[str, Any], source: str = "<notebook parameters>") -> Params:
    """Rebuild Params from the YAML-safe values papermill passed (see Params.plain)."""
    return validate(dict(values), source)
