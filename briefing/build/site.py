"""The site's pages besides the briefings: the index, each briefing's page of editions with its
trend chart (a static SVG drawn by matplotlib: no script, nothing from a CDN), and an Atom feed
of editions (written with ElementTree) that readers subscribe to.

Everything built from params or manifests (titles, period names, findings) is escaped, and the
index's body goes through nh3 (an HTML sanitizer) as a last pass.
"""

from __future__ import annotations

import html
import textwrap
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from briefing import __version__

ATOM = "http://www.w3.org/2005/Atom"
FEED_NAME = "feed.atom"
TREND_NAME = "trend.svg"
FEED_ENTRIES = 50

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 62em; margin: 0 auto; padding: 1em;
       line-height: 1.5; color: #1a1a1a; }
.briefing { border-top: 1px solid #ccd; padding: .8em 0 1em; }
.briefing h2 { font-size: 1.2em; margin: 0 0 .2em; }
.dates { color: #333; }
.finding { margin: .4em 0; }
.stale { color: #8a4b00; font-size: .9em; }
.credit { color: #4d5561; font-size: .85em; margin-top: .2em; }
.trend { max-width: 100%; height: auto; display: block; margin: .4em 0; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .3em .5em; border-bottom: 1px solid #ddd; vertical-align: top; }
a { color: #0b5cad; }
footer { margin-top: 2em; font-size: .85em; color: #555; }
"""

#: What the sanitised body may hold: its own elements, relative or http(s) links and images.
_TAGS = {"div", "p", "h2", "span", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "strong", "em"}
_ATTRIBUTES = {"a": {"href"}, "span": {"class"}, "div": {"class"}, "p": {"class"}, "td": {"colspan"},
               "img": {"src", "alt", "class", "width", "height"}}


def sanitize(fragment: str) -> str:
    """`fragment` through nh3: even an escaping mistake cannot put a script, event handler or
    javascript: link on the site."""
    import nh3

    return nh3.clean(fragment, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes={"http", "https"},
                     link_rel=None, strip_comments=True)


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


def date_range(m: dict) -> str:
    """"2019-01-01 to 2019-03-29" from a manifest's period dates ("" when it has none)."""
    dates = m.get("period_dates") or []
    return f"{dates[0][0]} to {dates[-1][1]}" if dates else ""


def _page(title: str, body: str, head: str = "") -> str:
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
{head}<style>{_STYLE}</style>
</head>
<body>
{body}
<footer>Site generated {generated} by briefing {html.escape(__version__)}.</footer>
</body>
</html>
"""


def _briefing_block(slug: str, m: dict, failed: bool, editions: list[dict]) -> str:
    esc = html.escape
    links = [f'<a href="{esc(slug)}/briefing.{fmt}">{fmt.upper()}</a>'
             for fmt in m.get("outputs", ["html", "pdf"]) if fmt in ("html", "pdf")]
    if editions:
        links.append(f'<a href="{esc(slug)}/index.html">all {len(editions)} edition'
                     f'{"s" * (len(editions) != 1)}</a>')
    note = ' <span class="stale">(last good version: the latest run failed)</span>' if failed else ""
    periods = " vs ".join(str(p) for p in m.get("periods", []))
    span = date_range(m)
    when = f"Edition of {esc(m['edition'])} · " if m.get("edition") else ""
    dates = f"{when}{esc(span)}: {esc(periods)}" if span else esc(periods)
    finding = (m.get("headline") or {}).get("finding")
    parts = [f'<div class="briefing"><h2>{esc(str(m.get("title", slug)))}{note}</h2>',
             f'<p class="dates">{dates}</p>']
    if finding:
        parts.append(f'<p class="finding"><strong>First key finding:</strong> {esc(finding)}</p>')
    if len(editions) >= 2:
        parts.append(f'<img class="trend" src="{esc(slug)}/{TREND_NAME}" width="900" height="240" '
                     f'alt="Headline measures of {esc(str(m.get("title", slug)))} across its '
                     f'{len(editions)} editions">')
    parts.append(f"<p>Read: {' · '.join(links)}</p>{credit_html(m.get('credit'))}</div>")
    return "\n".join(parts)


def index_html(entries: list[tuple[str, dict]], outcomes: list[Any],
               editions: dict[str, list[dict]] | None = None) -> str:
    """The site's index: per briefing its title, date range, periods, first key finding, the
    trend of its headline measures across editions, and links. All escaped, then sanitised."""
    editions = editions or {}
    blocks = []
    for slug, m in sorted(entries, key=lambda e: str(e[1].get("title", e[0])).lower()):
        failed = any(o.slug == slug and o.status == "failed" for o in outcomes)
        blocks.append(_briefing_block(slug, m, failed, editions.get(slug, [])))
    body = "\n".join(blocks) or "<p>No briefing has been published yet.</p>"
    head = intro = ""
    if any(editions.values()):
        head = f'<link rel="alternate" type="application/atom+xml" title="New editions" href="{FEED_NAME}">\n'
        intro = (f' Briefings with rolling periods keep dated editions: <a href="{FEED_NAME}">subscribe '
                 "to new editions (Atom)</a>.")
    return _page("Briefings", f"""<h1>Briefings</h1>
<p>How news coverage shifted between periods: sentiment, framing and topics.{intro}</p>
{sanitize(body)}""", head)


def editions_html(slug: str, rows: list[dict]) -> str:
    """A briefing's page of editions, newest first, with the trend chart."""
    esc = html.escape
    title = str(rows[-1].get("title", slug)) if rows else slug
    lines = []
    for m in reversed(rows):
        d = m["edition"]
        h = m.get("headline") or {}
        tone = "" if h.get("tone") is None else f"{h['tone']:+.3f}"
        div = "" if h.get("divergence") is None else f"{h['divergence']:.3f}"
        periods = esc(" vs ".join(map(str, m.get("periods", []))))
        lines.append(f'<tr><td><a href="{esc(d)}/briefing.html">{esc(d)}</a></td>'
                     f"<td>{esc(date_range(m))}</td><td>{periods}</td><td>{tone}</td><td>{div}</td>"
                     f"<td>{esc(h.get('finding') or '')}</td></tr>")
    chart = (f'<img class="trend" src="{TREND_NAME}" width="900" height="240" alt="Headline measures '
             "across editions\">" if len(rows) >= 2 else "")
    body = f"""<p><a href="../index.html">All briefings</a> · <a href="../{FEED_NAME}">Atom feed</a></p>
<h1>{esc(title)}</h1>
{chart}
<table><thead><tr><th>Edition</th><th>Dates</th><th>Periods</th><th>Mean tone (latest period)</th>
<th>Vocabulary divergence (JS bits)</th><th>First key finding</th></tr></thead>
<tbody>
{chr(10).join(lines)}
</tbody></table>"""
    return _page(f"{title}: editions", sanitize(body))


def trend_svg(rows: list[dict], path: Path) -> Path:
    """A small chart of the headline measures across editions (one point per edition): the mean
    tone, the shares of the largest frames of the newest edition, and the vocabulary's divergence
    from the period before (with the chance level's upper bound, dashed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from briefing.files import write_atomic

    plt.rcParams["svg.hashsalt"] = "briefing-trend"
    heads = [r.get("headline") or {} for r in rows]
    x = list(range(len(rows)))
    labels = [_short_date(r["edition"]) for r in rows]
    step = max(1, -(-len(rows) // 4))  # at most four labels a panel
    fig, axes = plt.subplots(1, 3, figsize=(9.0, 2.4), dpi=100, layout="constrained")

    def panel(ax, title: str) -> None:
        ax.set_title(title, fontsize=8, loc="left")
        ax.tick_params(labelsize=7)
        ax.set_xticks(x[::step], labels[::step])
        ax.set_xlim(-0.3, len(rows) - 0.7)
        ax.spines[["top", "right"]].set_visible(False)

    def series(key: str) -> list[float]:
        return [float("nan") if h.get(key) is None else h[key] for h in heads]

    ax = axes[0]
    ax.plot(x, series("tone"), marker="o", ms=3, color="#1f5fa8")
    ax.axhline(0, color="#999", lw=0.6)
    panel(ax, "Mean tone (VADER compound)")
    ax = axes[1]
    newest = [n for n in (heads[-1].get("frames") or {}) if n.lower() != "other"][:3]
    for name, colour in zip(newest, ("#b04a1c", "#2e7d32", "#6a3d9a"), strict=False):
        ax.plot(x, [100 * (h.get("frames") or {}).get(name, float("nan")) for h in heads],
                marker="o", ms=3, color=colour, label="\n".join(textwrap.wrap(name, 24)))
    if newest:
        ax.legend(fontsize=6, frameon=False, loc="best")
    panel(ax, "Largest frames (% of sentences)")
    ax = axes[2]
    ax.plot(x, series("divergence"), marker="o", ms=3, color="#333", label="JS divergence")
    ax.plot(x, series("divergence_chance_high"), ls="--", lw=0.8, color="#999", label="chance (95% high)")
    ax.legend(fontsize=6, frameon=False, loc="best")
    panel(ax, "Vocabulary vs period before (bits)")
    import io

    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    plt.close(fig)
    return write_atomic(path, buf.getvalue())


def atom_feed(editions: dict[str, list[dict]], site_url: str | None = None) -> str:
    """An Atom 1.0 feed (RFC 4287) of the editions of every briefing, newest first. Links are
    relative to the site unless `site_url` (where the site is served) is given. The feed's
    `updated` is its newest edition's time, so an unchanged site gives the same bytes."""
    ET.register_namespace("", ATOM)
    base = (site_url.rstrip("/") + "/") if site_url else ""

    def el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        e = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            e.text = text
        return e

    entries = [(slug, m) for slug, rows in editions.items() for m in rows]
    entries.sort(key=lambda e: (str(e[1].get("rendered_at", "")), e[1]["edition"], e[0]), reverse=True)
    entries = entries[:FEED_ENTRIES]
    feed = ET.Element(f"{{{ATOM}}}feed")
    el(feed, "title", "Briefings: new editions")
    el(feed, "id", f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, base or 'briefing-site')}")
    newest = max((str(m.get("rendered_at", "")) for _, m in entries), default="")
    el(feed, "updated", _stamp(newest))
    el(feed, "link", href=f"{base}index.html", rel="alternate")
    if base:
        el(feed, "link", href=f"{base}{FEED_NAME}", rel="self")
    el(feed, "generator", "briefing", version=__version__)
    author = el(feed, "author")
    el(author, "name", "briefing")
    for slug, m in entries:
        entry = el(feed, "entry")
        title = str(m.get("title", slug))
        el(entry, "title", f"{title} (edition of {m['edition']})")
        where = f"{base}{slug}/{m['edition']}"
        el(entry, "id", f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, where)}")
        el(entry, "updated", _stamp(str(m.get("rendered_at", ""))))
        el(entry, "link", href=f"{base}{slug}/{m['edition']}/briefing.html", rel="alternate",
           type="text/html")
        finding = (m.get("headline") or {}).get("finding")
        periods = " vs ".join(map(str, m.get("periods", [])))
        summary = f"{date_range(m)}: {periods}." + (f" First key finding: {finding}" if finding else "")
        el(entry, "summary", summary)
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def _short_date(iso: str) -> str:
    """"31 Mar" from 2019-03-31 (the year on a second line)."""
    d = datetime.fromisoformat(iso)
    return f"{d.day} {d.strftime('%b')}\n{d.year}"


def _stamp(iso: str) -> str:
    """An RFC 3339 time (Atom's) from a manifest's ISO time; the epoch when there is none."""
    try:
        t = datetime.fromisoformat(iso)
    except ValueError:
        t = datetime(1970, 1, 1, tzinfo=UTC)
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return t.isoformat(timespec="seconds")
