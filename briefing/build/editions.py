"""Dated editions of a briefing with rolling periods: reports/site/<slug>/<YYYY-MM-DD>/.

An edition is named after the date its periods were anchored on (the run's day, or the newest
article's) and holds the HTML, the PDF, the data bundle and the manifest as published; those
files are never written again. What changes as editions accumulate lives beside them: the
`next.html` stub each edition's "next edition" link points to (written again once, when the next
edition appears), the briefing's page of editions and its trend chart, the site's index and feed.

Each edition's manifest carries its headline measures (mean tone, the largest frames' shares,
the vocabulary's divergence, in its latest period) and its first key finding, read from the
section results of the run that made it, so the trend across editions never needs a rerun.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pandas as pd

from briefing.files import write_atomic

EDITION = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: The files of an edition that never change once published.
FROZEN = ("briefing.html", "briefing.pdf", "briefing-data.zip", "manifest.json")
#: Frames' shares kept per edition (in its latest period): all of them in practice, so that a
#: frame large in a later edition has its share in the earlier ones too.
TOP_FRAMES = 60


def editions(folder: Path | None) -> list[str]:
    """The dates of the editions under a briefing's site folder, oldest first."""
    if folder is None or not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and EDITION.match(p.name))


def read_manifest(folder: Path) -> dict:
    try:
        return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _read(path: Path) -> pd.DataFrame | None:
    try:
        return pd.read_parquet(path)
    except Exception:  # noqa: BLE001 - a section that did not run, or an older layout: no value
        return None


def plain_finding(text: str) -> str:
    """A key finding without its Markdown: emphasis, the section link, the certainty tag kept."""
    text = re.sub(r"\s*\(\[[^\]]*\]\(#[^)]*\)\)\s*$", "", text)
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    text = re.sub(r"(?<!\w)\*(.+?)\*(?!\w)", r"\1", text)
    return text.replace("\\", "").strip()


def headline(results: Path, periods: list[str]) -> dict[str, Any]:
    """The measures the site's trend chart follows, in the briefing's latest period: the mean
    tone (VADER compound per article), the largest frames' shares of sentences, and the
    Jensen–Shannon divergence of the vocabulary from the period before; and the first key finding.
    A measure a section did not produce is None."""
    latest = periods[-1] if periods else None
    out: dict[str, Any] = {"period": latest, "tone": None, "frames": {}, "divergence": None,
                           "divergence_chance_high": None, "finding": None}
    tone = _read(results / "sentiment" / "periods.parquet")
    if tone is not None and latest is not None:
        row = tone[tone["period"].astype(str) == latest]
        if len(row) and pd.notna(row["mean"].iloc[0]):
            out["tone"] = round(float(row["mean"].iloc[0]), 4)
    shares = _read(results / "framing" / "shares.parquet")
    if shares is not None and latest is not None:
        rows = shares[shares["period"].astype(str) == latest].sort_values("share", ascending=False)
        top = rows.head(TOP_FRAMES)
        out["frames"] = {str(n): round(float(v), 4) for n, v in zip(top["name"], top["share"], strict=True)}
    div = _read(results / "topics" / "divergence.parquet")
    if div is not None and latest is not None:
        row = div[div["period_b"].astype(str) == latest]
        if len(row):
            out["divergence"] = round(float(row["js"].iloc[-1]), 4)
            out["divergence_chance_high"] = round(float(row["chance_high"].iloc[-1]), 4)
    try:
        found = json.loads((results / "summary" / "result.json").read_text(encoding="utf-8"))
        first = (found.get("key_findings") or [None])[0]
        out["finding"] = plain_finding(first) if first else None
    except (OSError, ValueError, AttributeError):
        pass
    return out


def _nav(date: str, title: str, previous: str | None, prefix: str, here: str | None) -> str:
    """The editions bar put at the top of a briefing page (`prefix` leads to the briefing's folder)."""
    esc = html.escape
    parts = [f"<strong>Edition of {esc(date)}</strong>"]
    if previous:
        parts.append(f'<a href="{prefix}{previous}/briefing.html">← previous edition ({esc(previous)})</a>')
    else:
        parts.append("first edition")
    parts.append(f'<a href="{here or ""}next.html">next edition →</a>')
    parts.append(f'<a href="{prefix}index.html">all editions</a>')
    style = ("font: 14px/1.4 system-ui, sans-serif; background: #eef3f8; border-bottom: 1px solid #c8d4e0;"
             " padding: .5em 1em; margin: 0 0 1em 0;")
    return f'<nav class="editions" style="{style}">{" · ".join(parts)}</nav>'


def with_nav(page: str, nav: str) -> str:
    """The page with the editions bar as the first thing in its body."""
    m = re.search(r"<body[^>]*>", page, flags=re.I)
    if m is None:
        return nav + page
    return page[:m.end()] + "\n" + nav + page[m.end():]


def _next_stub(title: str, newer: str | None) -> str:
    esc = html.escape
    if newer:
        target = f"../{newer}/briefing.html"
        head = f'<meta http-equiv="refresh" content="0; url={target}">'
        body = f'<p>The next edition is <a href="{target}">{esc(newer)}</a>.</p>'
    else:
        head = ""
        body = ('<p>This is the newest edition so far. <a href="../index.html">All editions</a> · '
                '<a href="../../feed.atom">subscribe to new editions</a>.</p>')
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">{head}<title>{esc(title)}: '
            f"next edition</title></head><body>{body}</body></html>\n")


def carry_over(old: Path | None, new: Path) -> None:
    """The editions (and everything else) of a briefing's previous site folder into the new one,
    hard-linked where the file system allows, so published files keep their bytes and their cost."""
    if old is None or not old.is_dir():
        return

    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(old, new, copy_function=link, dirs_exist_ok=True)


def add_edition(folder: Path, out_dir: Path, manifest: dict, outputs: list[str]) -> str:
    """Publish the run in `out_dir` as a new edition under the briefing's site folder `folder`
    (which already holds the earlier ones); update the latest page and the previous edition's
    next.html. Returns the edition's date."""
    rolling = manifest.get("rolling") or {}
    date = str(rolling.get("anchor_date") or manifest.get("rendered_at", "")[:10])
    title = str(manifest.get("title", folder.name))
    earlier = [d for d in editions(folder) if d < date]
    previous = earlier[-1] if earlier else None
    target = folder / date
    if target.exists():
        raise FileExistsError(f"edition {date} of {folder.name} exists; editions never change")
    stage = folder / f".{date}.part"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    raw = (out_dir / "briefing.html").read_text(encoding="utf-8") if "html" in outputs else None
    if raw is not None:
        write_atomic(stage / "briefing.html", with_nav(raw, _nav(date, title, previous, "../", None)))
    for name in ("briefing.pdf", "briefing-data.zip"):
        if (out_dir / name).is_file():
            shutil.copy2(out_dir / name, stage / name)
    write_atomic(stage / "manifest.json", json.dumps(manifest | {"edition": date}, indent=2))
    later = [d for d in editions(folder) if d > date]
    write_atomic(stage / "next.html", _next_stub(title, later[0] if later else None))
    os.rename(stage, target)
    if previous:
        write_atomic(folder / previous / "next.html", _next_stub(title, date))
    newest = editions(folder)[-1]
    if newest == date:  # the briefing's own page shows the newest edition
        if raw is not None:
            write_atomic(folder / "briefing.html",
                         with_nav(raw, _nav(date, title, previous, "", f"{date}/")))
        for name in ("briefing.pdf", "briefing-data.zip", "manifest.json"):
            if (target / name).is_file():
                (folder / name).unlink(missing_ok=True)  # may be a hard link into the last site
                shutil.copy2(target / name, folder / name)
    return date


def edition_rows(folder: Path) -> list[dict]:
    """Every edition's manifest (with its date under "edition"), oldest first."""
    return [read_manifest(folder / d) | {"edition": d} for d in editions(folder)]
