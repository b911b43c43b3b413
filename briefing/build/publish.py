"""`briefing publish`: render every briefing and build a small static site in reports/site/.

The site is a symlink to a complete folder; a new site is built beside the old one and the
link is swapped atomically, so a reader never sees it half-written. Briefings whose inputs
(corpus, params, notebooks, package version) did not change are not rendered again; a
briefing that fails keeps its last good version on the site.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from briefing import __version__
from briefing.build.locking import exclusive
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
            renderer: str | None = None) -> list[Outcome]:
    """Render what changed and swap in a new site; returns one Outcome per params file."""
    from briefing.build.run import notebook_paths, project_root, run_briefing

    reports_dir.mkdir(parents=True, exist_ok=True)
    outcomes: list[Outcome] = []
    with exclusive(reports_dir / ".site.lock", what="the site"):
        current = _current_site(reports_dir)
        _clear_leftovers(reports_dir, current)
        stage = Path(tempfile.mkdtemp(prefix=".site-", dir=reports_dir))
        stage.chmod(0o755)
        try:
            entries = []
            for path in params_paths:
                slug = _previous_slug(current, path)  # until the params file loads and says otherwise
                try:
                    params = load(path)
                    slug = slug_for(params, path)
                    root = project_root(path)
                    key = inputs_key(params, path, notebook_paths(root), renderer, root)
                    old = current / slug if current else None
                    if old and old.is_dir() and _manifest(old).get("inputs_key") == key and all(
                        (old / f).is_file() for f in _outputs(params)
                    ):
                        shutil.copytree(old, stage / slug)
                        outcomes.append(Outcome(path, slug, "unchanged"))
                    else:
                        result = run_briefing(path, reports_dir=reports_dir, renderer=renderer,
                                              quiet=quiet)
                        (stage / slug).mkdir()
                        for f in FILES:
                            if (result.out_dir / f).is_file():
                                shutil.copy2(result.out_dir / f, stage / slug / f)
                        m = _manifest(stage / slug) | {"inputs_key": key, "credit": _credit(params)}
                        (stage / slug / "manifest.json").write_text(json.dumps(m, indent=2), "utf-8")
                        outcomes.append(Outcome(path, slug, "rendered"))
                except BriefingError as exc:
                    outcomes.append(Outcome(path, slug, "failed", "; ".join(exc.lines())))
                    if slug and current and (current / slug).is_dir():
                        shutil.copytree(current / slug, stage / slug)  # keep the last good one
                if slug and (stage / slug).is_dir():
                    entries.append((slug, _manifest(stage / slug)))
            (stage / "index.html").write_text(index_html(entries, outcomes), encoding="utf-8")
            _swap_site(reports_dir, stage)
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            raise
        if current and current != _current_site(reports_dir):
            shutil.rmtree(current, ignore_errors=True)
    return outcomes


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


def credit_html(credit: dict | None) -> str:
    """One escaped line crediting a briefing's articles: authors, source, licence (linked)."""
    if not credit:
        return ""
    esc = html.escape

    def linked(text: str, url: str | None) -> str:
        ok = url and url.startswith(("https://", "http://"))
        return f'<a href="{esc(url)}">{esc(text)}</a>' if ok else esc(text)

    source = f" ({linked(credit['source'], credit.get('source_url'))})" if credit.get("source") else ""
    return (f'<div class="credit">Articles by {esc(credit["authors"])}{source}, '
            f'{linked(credit["licence"], credit.get("licence_url"))}; changed where the briefing '
            "cleans them.</div>")


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


def index_html(entries: list[tuple[str, dict]], outcomes: list[Outcome]) -> str:
    """The site's index: one row per briefing (title, periods, generated, links). All escaped."""
    rows = []
    for slug, m in sorted(entries, key=lambda e: e[1].get("title", e[0]).lower()):
        esc = html.escape
        links = [f'<a href="{esc(slug)}/briefing.{fmt}">{fmt.upper()}</a>'
                 for fmt in m.get("outputs", ["html", "pdf"]) if fmt in ("html", "pdf")]
        failed = next((o for o in outcomes if o.slug == slug and o.status == "failed"), None)
        note = ' <span class="stale">(last good version: the latest run failed)</span>' if failed else ""
        rows.append(
            f"<tr><td>{esc(str(m.get('title', slug)))}{note}{credit_html(m.get('credit'))}</td>"
            f"<td>{esc(' vs '.join(str(p) for p in m.get('periods', [])))}</td>"
            f"<td>{esc(str(m.get('rendered_at', ''))[:16].replace('T', ' '))}</td>"
            f"<td>{' · '.join(links)}</td></tr>"
        )
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = "\n".join(rows) or '<tr><td colspan="4">No briefing has been published yet.</td></tr>'
    table = sanitize_table(f"""<table>
<thead><tr><th>Briefing</th><th>Periods</th><th>Generated</th><th>Read</th></tr></thead>
<tbody>
{body}
</tbody>
</table>""")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Briefings</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60em; margin: 0 auto; padding: 1em;
       line-height: 1.5; color: #1a1a1a; }}
table {{ border-collapse: collapse; width: 100%; display: block; overflow-x: auto; }}
th, td {{ text-align: left; padding: .4em .6em; border-bottom: 1px solid #ddd; vertical-align: top; }}
thead th {{ border-bottom: 2px solid #555; }}
.stale {{ color: #8a4b00; font-size: .9em; }}
.credit {{ color: #4d5561; font-size: .85em; margin-top: .2em; }}
a {{ color: #0b5cad; }}
footer {{ margin-top: 2em; font-size: .85em; color: #555; }}
</style>
</head>
<body>
<h1>Briefings</h1>
<p>How news coverage shifted between periods: sentiment, framing and topics.</p>
{table}
<footer>Site generated {generated} by briefing {html.escape(__version__)}.</footer>
</body>
</html>
"""


#: What the index's table may hold after sanitising: its own elements, relative or http(s)
#: links, and the "stale" note; nothing that runs, loads or styles.
_TABLE_TAGS = {"table", "thead", "tbody", "tr", "th", "td", "a", "span"}
_TABLE_ATTRIBUTES = {"a": {"href"}, "span": {"class"}, "td": {"colspan"}}


def sanitize_table(fragment: str) -> str:
    """The index's table through nh3 (an HTML sanitizer): a last pass over the one HTML fragment
    built from untrusted text (titles and period names from params, read back from manifests),
    so even an escaping mistake cannot put a script, event handler or javascript: link on the site."""
    import nh3

    return nh3.clean(fragment, tags=_TABLE_TAGS, attributes=_TABLE_ATTRIBUTES,
                     url_schemes={"http", "https"}, link_rel=None, strip_comments=True)


def summary(outcomes: list[Outcome]) -> str:
    lines = []
    for o in outcomes:
        name = o.slug or str(o.params_path)
        lines.append(f"{o.status:>9}: {name}" + (f" — {o.message}" if o.message else ""))
    failed = sum(o.status == "failed" for o in outcomes)
    lines.append(f"{len(outcomes) - failed} of {len(outcomes)} briefings on the site are current"
                 + (f"; {failed} failed" if failed else ""))
    return "\n".join(lines)


def cli(params: list[str], reports: str, quiet: bool, renderer: str | None) -> int:
    paths = [Path(p) for p in params] or sorted(Path("params").glob("*.yaml"))
    if not paths:
        raise BriefingError("no params files given and none found in params/; pass params/<name>.yaml")
    outcomes = publish(paths, Path(reports), quiet=quiet, renderer=renderer)
    for line in summary(outcomes).splitlines():  # messages quote titles and values: keep them inert
        print(inert(line), file=sys.stderr)
    print(_site_dir(Path(reports)) / "index.html")
    return 1 if any(o.status == "failed" for o in outcomes) else 0
