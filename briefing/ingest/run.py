"""The whole ingest: read the source, fetch and extract what needs it, check every article, write
the corpus folder, find the copies, and report.

Bad inputs never stop the good ones: each is set aside with its reason in the report. The
articles are written once everything is read, in the source's order, so file names are the same
on every run; pages are cached as they arrive, so an interrupted ingest loses no fetch.
"""

from __future__ import annotations

import hashlib
import json
import sys
import threading
from pathlib import Path
from typing import Any

from briefing.corpus.dedup import find_copies
from briefing.errors import CorpusError, ParamsError
from briefing.ingest.articles import IngestOptions, Reject, article_from_page, article_from_row
from briefing.ingest.extract import extract_page
from briefing.ingest.fetch import Fetcher, FetchSettings, fetch_all
from briefing.ingest.pages import Page, PageCache
from briefing.ingest.progress import Progress
from briefing.ingest.report import Entry, Report, recorded_digest
from briefing.ingest.sources import TABLE_SUFFIXES, Item, Source, read_source
from briefing.ingest.watch import ingest_feeds, is_feed_source
from briefing.ingest.write import Article, assign_ids, write_article

CACHE_NAME = ".ingest-cache"


def source_digest(path: Path, options: IngestOptions) -> str:
    """A digest of the source's bytes (every page, for a folder) and of what selects from it."""
    h = hashlib.sha256()
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    for f in files:
        h.update(str(f.relative_to(path) if path.is_dir() else f.name).encode())
        h.update(f.read_bytes())
    h.update(json.dumps({"columns": options.columns, "language": options.language}, sort_keys=True).encode())
    return h.hexdigest()


def ingest(source: str | Path, into: str | Path, options: IngestOptions | None = None) -> Report:
    """Bring `source` into the corpus folder `into`; return the report (also written there)."""
    options = options or IngestOptions()
    source, into = Path(source), Path(into)
    src = read_source(source, options.columns)
    if into.exists() and not into.is_dir():
        raise CorpusError(f"{into}: not a folder; --into names the corpus folder to write articles in")
    is_table = source.is_file() and source.suffix.lower() in TABLE_SUFFIXES
    if is_table and into.resolve() in source.resolve().parents:
        raise CorpusError(f"{source}: the source table is inside the corpus folder {into}, where the "
                          "loader would read it as articles; keep the export outside the corpus folder")
    into.mkdir(parents=True, exist_ok=True)
    report = Report(source=src.description, into=into, digest=source_digest(source, options))
    results = _articles(src, into, options, report)
    _write(src, results, into, options, report)
    report.write()
    return report


def _articles(src: Source, into: Path, options: IngestOptions, report: Report) -> list[Article | str]:
    """Per item, in order: its Article, or the reason it was set aside."""
    results: list[Article | str | None] = [None] * len(src.items)
    progress = Progress(len(src.items), "pages" if src.kind in ("mediacloud", "urls", "pages") else "rows",
                        quiet=options.quiet)
    to_fetch: dict[str, int] = {}
    first_row: dict[str, str] = {}
    for i, item in enumerate(src.items):
        try:
            if item.problem:
                raise Reject(item.problem)
            if item.has_text:
                results[i] = article_from_row(item, options)
            elif item.page is not None:
                results[i] = _from_saved_page(item, options)
            else:
                url = item.url or ""
                if url in first_row:
                    raise Reject(f"same URL as {first_row[url]}")
                first_row[url] = item.where
                given = str(item.fields.get("language") or "").strip().lower()
                if options.language and given and given != options.language:
                    raise Reject(f"language {given} in the source, not {options.language}")
                to_fetch[url] = i
                continue
        except Reject as exc:
            results[i] = str(exc)
        progress.update(set_aside=isinstance(results[i], str))
    if to_fetch:
        cache = PageCache(options.cache or into / CACHE_NAME)
        fetcher = Fetcher(options.fetch, cache)
        extracting = threading.Lock()

        def done(url: str, page: Page | None, reason: str | None) -> None:
            i = to_fetch[url]
            if page is None:
                results[i] = reason or "could not be fetched"
            else:
                with extracting:
                    results[i] = _from_fetched(src.items[i], page, options)
                    report.from_cache += page.from_cache
            progress.update(set_aside=isinstance(results[i], str))

        fetch_all(fetcher, to_fetch, done, jobs=options.jobs)
        report.fetched = sum(1 for u in fetcher.requested if not u.endswith("/robots.txt"))
    progress.close()
    return [r if r is not None else "not processed" for r in results]


def _from_saved_page(item: Item, options: IngestOptions) -> Article:
    try:
        raw = item.page.read_bytes()
    except OSError as exc:
        raise Reject(f"cannot be read ({exc.strerror})") from None
    page = extract_page(raw)
    if page is None:
        raise Reject("no article text on the page")
    if page.url:
        item.fields.setdefault("url", page.url)
    return article_from_page(item, page, options, what="the saved page's")


def _from_fetched(item: Item, page: Page, options: IngestOptions) -> Article | str:
    try:
        extracted = extract_page(page.body, page.final_url)
        if extracted is None:
            raise Reject("no article text on the page")
        return article_from_page(item, extracted, options)
    except Reject as exc:
        return str(exc)
    except Exception as exc:  # noqa: BLE001 - a page trafilatura chokes on is one bad input
        return f"extraction failed ({type(exc).__name__})"


def _write(src: Source, results: list[Article | str], into: Path, options: IngestOptions,
           report: Report) -> None:
    articles = [r for r in results if isinstance(r, Article)]
    ids = iter(assign_ids(articles))
    for item, result in zip(src.items, results, strict=True):
        entry = Entry(where=item.where, url=item.url or "")
        if isinstance(result, Article):
            doc_id = next(ids)
            written = write_article(into, result, doc_id, force=options.force)
            entry.status, entry.file = written.status, written.path.name
            if written.status == "conflict":
                entry.reason = (f"{written.path.name} exists with different content; pass --force "
                                "to replace it")
            entry.url = entry.url or result.url or ""
        else:
            entry.reason = result
        report.entries.append(entry)
    _mark_copies(into, options, report)


def _mark_copies(into: Path, options: IngestOptions, report: Report) -> None:
    """Load the corpus folder as a briefing will, and note which articles copy which."""
    from briefing.corpus.load import load_corpus

    try:
        corpus = load_corpus(into)
    except CorpusError as exc:
        if not report.came_in:
            return
        report.write()
        raise CorpusError(f"the articles were written, but the corpus folder does not load: {exc}") from None
    report.corpus_articles = len(corpus)
    copies = find_copies(corpus, options.threshold)
    by_file = {Path(s).name: doc_id for doc_id, s in zip(corpus["id"], corpus["source"], strict=True)}
    found = copies.set_index("id")
    for e in report.entries:
        doc_id = by_file.get(e.file)
        if e.status in ("new", "unchanged", "replaced") and doc_id in found.index:
            row = found.loc[doc_id]
            e.copy_of, e.similarity = str(row["copy_of"]), float(row["similarity"])


# -- params files -------------------------------------------------------------------------------
def options_from_params(params: Any, **overrides: Any) -> IngestOptions:
    """IngestOptions from a params file's `ingest:` block."""
    spec = params.ingest
    fetch = FetchSettings(delay=spec.delay, timeout=spec.timeout, retries=spec.retries)
    if spec.user_agent:
        fetch.user_agent = spec.user_agent
    if "max_bytes" in overrides:
        fetch.max_bytes = overrides.pop("max_bytes")
    return IngestOptions(columns=dict(spec.columns), language=spec.language, fetch=fetch,
                         threshold=params.dedup_threshold, **overrides)


def ingest_params(params_path: str | Path, **overrides: Any) -> Report:
    """`briefing ingest params/<name>.yaml`: the params' ingest.source into its corpus folder."""
    from briefing.params import load

    params = load(params_path, resolve_rolling=False)
    if params.ingest is None:
        raise ParamsError(f"{params_path}: no ingest: block; add ingest: {{source: ...}} naming the "
                          "export, URL list or folder of pages, or run briefing ingest SOURCE --into DIR")
    if params.corpus_path.suffix.lower() in TABLE_SUFFIXES | {".md"}:
        raise ParamsError(f"{params_path}: corpus: {params.corpus!r} is a file; with ingest: the corpus "
                          "is the folder the articles are written to")
    if is_feed_source(params.ingest.source):
        feeds = [params.ingest.source] if isinstance(params.ingest.source, str) else params.ingest.source
        return ingest_feeds(list(feeds), params.corpus_path, options_from_params(params, **overrides))
    source = params.resolve(params.ingest.source)
    if not source.exists():
        raise ParamsError(f"{params_path}: ingest.source: {params.ingest.source!r} not found "
                          f"(looked for {source})")
    return ingest(source, params.corpus_path, options_from_params(params, **overrides))


def ingest_if_stale(params_path: str | Path, quiet: bool = False) -> Report | None:
    """Before a run or check: ingest the params' source when the corpus is missing or the source
    (or its column mapping or language) changed since the last ingest; None when up to date."""
    from briefing.params import load

    params = load(params_path, resolve_rolling=False)
    spec = params.ingest
    if spec is None:
        return None
    if is_feed_source(spec.source):  # feeds change: read them on every run
        return _ingest_feeds_before_run(params_path, quiet)
    source = params.resolve(spec.source)
    if not source.exists():
        return None  # the corpus is there (load checked); nothing to ingest it from
    if params.corpus_path.exists():
        if recorded_digest(params.corpus_path) == source_digest(source, options_from_params(params)):
            return None
    return _ingest_or_fail(params_path, quiet, f"ingest.source {spec.source!r}: no article came in", "")


def _ingest_feeds_before_run(params_path: str | Path, quiet: bool) -> Report:
    """Feeds before a run: the new articles in; the run fails (and publishes nothing) when no
    feed could be read at all."""
    return _ingest_or_fail(params_path, quiet, "ingest.source: no feed or sitemap could be read",
                           "; nothing is published")


def _ingest_or_fail(params_path: str | Path, quiet: bool, problem: str, after: str) -> Report:
    """Ingest before a run and print its summary; a failed ingest is one CorpusError line
    (`problem`, where the report is, `after`) with exit code 1."""
    report = ingest_params(params_path, quiet=quiet)
    if not quiet:
        print(report.summary(), file=sys.stderr)
    if report.exit_code() != 0:
        where = report.into / "ingest-report.tsv"
        raise CorpusError(f"{params_path}: {problem} (see {where}){after}", code=1)
    return report


def cli_ingest(args: Any) -> int:
    """`briefing ingest`: run, print the one-screen summary, exit 0 (articles came in) or 1."""
    mapping = {f: getattr(args, f) for f in ("text", "date", "title", "outlet", "id", "url")
               if getattr(args, f, None)}
    if getattr(args, "language_column", None):
        mapping["language"] = args.language_column
    overrides: dict[str, Any] = {"force": args.force, "quiet": args.quiet, "jobs": max(1, args.jobs)}
    if args.cache:
        overrides["cache"] = Path(args.cache)
    if Path(args.source).suffix.lower() in (".yaml", ".yml"):
        given = [f"--{f}" for f in mapping] + [f"--{n.replace('_', '-')}" for n in
                                               ("into", "language", "delay", "timeout", "retries",
                                                "user_agent") if getattr(args, n, None) is not None]
        if given:
            raise ParamsError(f"{args.source}: {', '.join(given)} cannot be combined with a params file; "
                              "set them in its ingest: block (the corpus: field is the folder written)")
        if args.max_mb is not None:
            overrides["max_bytes"] = int(args.max_mb * 2**20)
        report = ingest_params(args.source, **overrides)
    else:
        if not args.into:
            raise CorpusError(f"{args.source}: say where the corpus goes with --into data/corpus/<name>/")
        if is_feed_source(args.source) and mapping:
            raise CorpusError(f"{args.source}: a feed has no columns to map; drop the column options")
        fetch = FetchSettings()
        for name in ("delay", "timeout", "retries", "user_agent"):
            if getattr(args, name, None) is not None:
                setattr(fetch, name, getattr(args, name))
        if args.max_mb is not None:
            fetch.max_bytes = int(args.max_mb * 2**20)
        options = IngestOptions(columns=mapping, language=args.language, fetch=fetch, **overrides)
        if is_feed_source(args.source):
            report = ingest_feeds([args.source], args.into, options)
        else:
            report = ingest(args.source, args.into, options)
    if not args.quiet:
        print(report.summary(), file=sys.stderr)
    return report.exit_code()
