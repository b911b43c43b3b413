"""`briefing publish`: render every briefing and build a small static site in reports/site/.

The site is a symlink to a complete folder; a new site is built beside the old one and the
link is swapped atomically, so a reader never sees it half-written. Briefings whose inputs
(corpus, params, notebooks, package version) did not change are not rendered again; a
briefing that fails keeps its last good version on the site.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from briefing import __version__
from briefing.build import editions as ed
from briefing.build.locking import exclusive
from briefing.build.site import FEED_NAME, TREND_NAME, atom_feed, editions_html, index_html, trend_svg
from briefing.build.site import credit_html as credit_html  # noqa: F401 - re-exported
from briefing.build.site import sanitize as sanitize_table  # noqa: F401 - re-exported
from briefing.corpus.load import corpus_hash, load_corpus
from briefing.corpus.prepare import assign_periods
from briefing.errors import BriefingError, inert
from briefing.files import PACKAGE
from briefing.params import Params, load, slug_for

FILES = ("briefing.html", "briefing.pdf", "briefing-data.zip", "manifest.json")


@dataclass
class Outcome:
    """What happened to one params file."""

    params_path: Path
    slug: str | None
    status: str  # "rendered", "unchanged" or "failed"
    message: str = ""


def _referenced_files(params: Params, root: Path) -> list[Path]:
    """Files other than the corpus that shape a briefing: the package's own code and resources,
    the shipped lexicons, and any rules or lexicon file the params name."""
    package = PACKAGE
    files = sorted(p for p in package.rglob("*") if p.is_file() and p.suffix in {".py", ".yaml", ".txt",
                                                                                  ".css"}
                   and "_nltk_data" not in p.parts and "__pycache__" not in p.parts)
    files += sorted((root / "data" / "lexicons").glob("*.yaml"))
    named = [params.cleaning.rules, params.framing.lexicon, *getattr(params.framing, "extra_lexicons", [])]
    files += [params.resolve(n) for n in named if n]
    return files


def inputs_key(params: Params, params_path: Path, notebooks: list[Path], renderer: str | None = None,
               root: Path | None = None) -> str:
    """A digest of everything a briefing is made from: corpus, params file, notebooks, the
    package (code, resources, version), lexicon and rules files, and the renderer asked for."""
    docs = load_corpus(params.corpus_path)
    docs = docs[assign_periods(docs, params).notna()]
    h = hashlib.sha256()
    h.update(corpus_hash(docs).encode())
    h.update(params_path.read_bytes())
    h.update(json.dumps(params.plain()["periods"]).encode())  # rolling periods, as resolved
    h.update(f"{__version__}|renderer={renderer or params.renderer}".encode())
    for path in [*notebooks, *_referenced_files(params, root or params_path.resolve().parent.parent)]:
        h.update(str(path.name).encode())
        h.update(path.read_bytes() if path.is_file() else b"<missing>")
    return h.hexdigest()


def _site_dir(reports: Path) -> Path:
    return reports / "site"


def _current_site(reports: Path) -> Path | None:
    link = _site_dir(reports)
    return link.resolve() if link.exists() else None


def _manifest(folder: Path) -> dict:
    try:
        return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def publish(params_paths: list[Path], reports_dir: Path = Path("reports"), quiet: bool = False,
            renderer: str | None = None, site_url: str | None = None,
            keep_from: Path | None = None, ingest_failed: dict[Path, str] | None = None) -> list[Outcome]:
    """Render what changed and swap in a new site; returns one Outcome per params file.

    A briefing with rolling periods gets a dated edition per anchor date (briefing/build/
    editions.py); the editions already published are carried over unchanged, from the current
    site or, when there is none yet, from `keep_from` (a copy of the published site, such as a
    checkout of its gh-pages branch). `site_url` makes the Atom feed's links absolute.
    `ingest_failed`: params files whose ingest failed (why): they publish nothing new."""
    from briefing.build.run import notebook_paths, project_root, run_briefing

    reports_dir.mkdir(parents=True, exist_ok=True)
    outcomes: list[Outcome] = []
    with exclusive(reports_dir / ".site.lock", what="the site"):
        current = _current_site(reports_dir)
        _clear_leftovers(reports_dir, current)
        previous = current or (keep_from if keep_from is not None and keep_from.is_dir() else None)
        stage = Path(tempfile.mkdtemp(prefix=".site-", dir=reports_dir))
        stage.chmod(0o755)
        try:
            entries = []
            for path in params_paths:
                slug = _previous_slug(previous, path)  # until the params file loads and says otherwise
                try:
                    why = (ingest_failed or {}).get(Path(path))
                    if why is not None:
                        slug = slug_for(load(path, resolve_rolling=False), path)
                        raise BriefingError(f"the ingest failed, so nothing new is published: {why}")
                    params = load(path)
                    slug = slug_for(params, path)
                    root = project_root(path)
                    key = inputs_key(params, path, notebook_paths(root), renderer, root)
                    old = previous / slug if previous else None
                    if params.rolling is not None:
                        outcomes.append(_publish_edition(path, params, slug, key, old, stage, reports_dir,
                                                         renderer, quiet))
                    elif old and old.is_dir() and _manifest(old).get("inputs_key") == key and all(
                        (old / f).is_file() for f in _outputs(params)
                    ):
                        ed.carry_over(old, stage / slug)
                        outcomes.append(Outcome(path, slug, "unchanged"))
                    else:
                        result = run_briefing(path, reports_dir=reports_dir, renderer=renderer,
                                              quiet=quiet)
                        (stage / slug).mkdir()
                        for f in FILES:
                            if (result.out_dir / f).is_file():
                                shutil.copy2(result.out_dir / f, stage / slug / f)
                        m = _manifest(stage / slug) | {"inputs_key": key, "credit": _credit(params),
                                                       "headline": _headline(result.out_dir)}
                        (stage / slug / "manifest.json").write_text(json.dumps(m, indent=2), "utf-8")
                        outcomes.append(Outcome(path, slug, "rendered"))
                except BriefingError as exc:
                    outcomes.append(Outcome(path, slug, "failed", "; ".join(exc.lines())))
                    shutil.rmtree(stage / slug, ignore_errors=True)  # a half-added edition
                    if slug and previous and (previous / slug).is_dir():
                        ed.carry_over(previous / slug, stage / slug)  # keep the last good one
                if slug and (stage / slug).is_dir():
                    entries.append((slug, _manifest(stage / slug)))
            _site_pages(stage, entries, outcomes, site_url)
            _swap_site(reports_dir, stage)
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            raise
        if current and current != _current_site(reports_dir):
            shutil.rmtree(current, ignore_errors=True)
    return outcomes


def _headline(out_dir: Path) -> dict:
    return ed.headline(out_dir / "results", _manifest(out_dir).get("periods", []))


def _publish_edition(path: Path, params: Params, slug: str, key: str, old: Path | None, stage: Path,
                     reports_dir: Path, renderer: str | None, quiet: bool) -> Outcome:
    """A rolling briefing: carry its editions over and add today's, unless one of that date is
    published already (editions never change: a rerun the same day keeps what was published)."""
    from briefing.build.run import run_briefing

    date = params.rolling.anchor_date.isoformat()
    ed.carry_over(old, stage / slug)
    if date in ed.editions(old):
        same = ed.read_manifest(old / date).get("inputs_key") == key
        return Outcome(path, slug, "unchanged", "" if same else
                       f"edition {date} is published already and editions never change; the next "
                       "anchor date makes the next edition")
    result = run_briefing(path, reports_dir=reports_dir, renderer=renderer, quiet=quiet)
    made = _manifest(result.out_dir) | {"inputs_key": key, "credit": _credit(params),
                                        "headline": _headline(result.out_dir)}
    (stage / slug).mkdir(exist_ok=True)
    ed.add_edition(stage / slug, result.out_dir, made, list(params.outputs))
    return Outcome(path, slug, "rendered", f"edition {date}")


def _site_pages(stage: Path, entries: list[tuple[str, dict]], outcomes: list[Outcome],
                site_url: str | None) -> None:
    """The index, each rolling briefing's page of editions and trend chart, and the Atom feed."""
    from briefing.files import write_atomic

    rows = {slug: ed.edition_rows(stage / slug) for slug, _ in entries}
    rows = {slug: r for slug, r in rows.items() if r}
    for slug, r in rows.items():
        write_atomic(stage / slug / "index.html", editions_html(slug, r))
        if len(r) >= 2:
            trend_svg(r, stage / slug / TREND_NAME)
    write_atomic(stage / "index.html", index_html(entries, outcomes, rows))
    if rows:
        write_atomic(stage / FEED_NAME, atom_feed(rows, site_url))


def _clear_leftovers(reports: Path, current: Path | None) -> None:
    """Remove what a publish that died left: site folders it was building, its temporary links.
    Only the holder of the site lock makes these, and we hold it, so they belong to no live run."""
    for path in [*reports.glob(".site-*")]:
        if current is not None and path.resolve() == current:
            continue
        if path.is_symlink() or path.is_file():
            path.unlink(missing_ok=True)
        elif path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
def _credit(params: Params) -> dict | None:
    """The articles' credit for the site's index (licences such as CC BY ask for it there too)."""
    return params.credit.model_dump() if params.credit else None


def _previous_slug(site: Path | None, params_path: Path) -> str:
    """The slug a params file was last published under (so a failure keeps that briefing), or
    the default slug, its file name."""
    if site is not None:
        for folder in sorted(p for p in site.iterdir() if p.is_dir()):
            label = _manifest(folder).get("params_file")
            if label and Path(label).resolve() == Path(params_path).resolve():
                return folder.name
    return Path(params_path).stem


def _outputs(params: Params) -> list[str]:
    return [f"briefing.{fmt}" for fmt in params.outputs] + ["manifest.json"]


def _swap_site(reports: Path, stage: Path) -> None:
    """Point reports/site at `stage` with one atomic rename of a symlink."""
    link = _site_dir(reports)
    if link.exists() and not link.is_symlink():
        legacy = reports / f".site-legacy-{os.getpid()}"
        os.rename(link, legacy)  # a plain folder from an older version: replace it by a link
    tmp_link = reports / f".site-link-{os.getpid()}"
    if tmp_link.is_symlink():
        tmp_link.unlink()
    os.symlink(stage.name, tmp_link)
    os.replace(tmp_link, link)


def summary(outcomes: list[Outcome]) -> str:
    lines = []
    for o in outcomes:
        name = o.slug or str(o.params_path)
        lines.append(f"{o.status:>9}: {name}" + (f" — {o.message}" if o.message else ""))
    failed = sum(o.status == "failed" for o in outcomes)
    lines.append(f"{len(outcomes) - failed} of {len(outcomes)} briefings on the site are current"
                 + (f"; {failed} failed" if failed else ""))
    return "\n".join(lines)


def cli(params: list[str], reports: str, quiet: bool, renderer: str | None, site_url: str | None = None,
        keep_from: str | None = None, ingest_failed: dict[Path, str] | None = None) -> int:
    paths = [Path(p) for p in params] or sorted(Path("params").glob("*.yaml"))
    if not paths:
        raise BriefingError("no params files given and none found in params/; pass params/<name>.yaml")
    if site_url is not None and not site_url.startswith(("https://", "http://")):
        raise BriefingError(f"--site-url {site_url!r}: give the http(s) address the site is served at")
    if keep_from is not None and not Path(keep_from).is_dir():
        raise BriefingError(f"--keep-from {keep_from}: not a folder; give a copy of the published site")
    outcomes = publish(paths, Path(reports), quiet=quiet, renderer=renderer, site_url=site_url,
                       keep_from=Path(keep_from) if keep_from else None, ingest_failed=ingest_failed)
    for line in summary(outcomes).splitlines():  # messages quote titles and values: keep them inert
        print(inert(line), file=sys.stderr)
    print(_site_dir(Path(reports)) / "index.html")
    return 1 if any(o.status == "failed" for o in outcomes) else 0
