"""Write tests/ingest/site/: saved news pages the ingest tests serve from a loopback server.

The article texts are real English Wikinews articles (CC BY 2.5; see site/README.md), each set
inside one of five invented outlets' page templates with the chrome real pages carry: a cookie
banner, navigation, advertisements, a photo caption, inline "read more" links, related and
most-read blocks, a newsletter box and a footer. Each template gives the publication date in a
different way (or not at all), as real sites do. One wire story appears in all five outlets,
one copy lightly edited. A French page, a navigation-only page and a page under a robots.txt
Disallow complete the set.

Run from the checkout, with the workplace's shared corpus beside it:
    .venv/bin/python tests/ingest/make_site.py
"""

from __future__ import annotations

import html
import json
import re
import sys
from datetime import date
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
SITE = HERE / "site"
WIKINEWS = next(d / "shared" / "corpora" / "wikinews_2019_2020.csv" for d in HERE.parents
                if (d / "shared" / "corpora" / "wikinews_2019_2020.csv").is_file())

#: (row of the Wikinews table, outlet template) for the distinct stories.
STORIES = [(30, "ledger"), (59, "courier"), (106, "post"), (134, "herald"), (165, "star"),
           (189, "ledger"), (209, "courier"), (232, "herald"), (251, "star")]
#: The wire story every outlet carries.
WIRE = 178
OUTLETS = {
    "ledger": "The Harbour Ledger",
    "courier": "Northfield Courier",
    "post": "Valley Evening Post",
    "herald": "Coastline Herald",
    "star": "Metro Daily Star",
}
NAV = ["Home", "World", "Politics", "Business", "Science", "Sport", "Opinion", "Weather"]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].rstrip("-")


def paragraphs(text: str) -> list[str]:
    """Wikinews paragraphs, without the date line Wikinews puts first."""
    paras = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]
    if paras and re.fullmatch(r"\w+day, \w+ \d{1,2}, \d{4}", paras[0]):
        paras = paras[1:]
    return paras


def long_date(d: date) -> str:
    return f"{d:%B} {d.day}, {d.year}"


def _head(title: str, outlet: str, lang: str = "en", extra: str = "") -> str:
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} | {html.escape(outlet)}</title>
<meta property="og:site_name" content="{html.escape(outlet)}">
<meta property="og:title" content="{html.escape(title)}">
<meta property="og:type" content="article">
{extra}<link rel="stylesheet" href="/static/site.css">
<script async src="/static/ads.js"></script>
<script>window.dataLayer = window.dataLayer || []; dataLayer.push({{"section": "news"}});</script>
</head>
"""


def _nav(outlet: str) -> str:
    items = "".join(f'<li><a href="/{slug(n)}/">{n}</a></li>' for n in NAV)
    return f"""<div class="cookie-banner" role="dialog">We use cookies to personalise content and ads
and to analyse our traffic. <button>Accept all</button> <button>Manage settings</button></div>
<header class="masthead"><a class="logo" href="/">{html.escape(outlet)}</a>
<nav class="primary"><ul>{items}</ul></nav>
<form class="search" action="/search"><input name="q" placeholder="Search"></form></header>
<div class="ad ad-leaderboard">Advertisement</div>
"""


def _related(titles: list[str], heading: str) -> str:
    items = "".join(f'<li><a href="/news/{slug(t)}.html">{html.escape(t)}</a></li>' for t in titles)
    return f'<aside class="related"><h2>{heading}</h2><ul>{items}</ul></aside>\n'


def _footer(outlet: str, year: int) -> str:
    return f"""<section class="newsletter"><h2>Get the morning briefing</h2>
<p>Sign up for our newsletter and get the day's top stories in your inbox.</p>
<form><input type="email" placeholder="Email address"><button>Subscribe</button></form></section>
<footer><p>&copy; {year} {html.escape(outlet)}. All rights reserved.</p>
<ul><li><a href="/about">About us</a></li><li><a href="/contact">Contact</a></li>
<li><a href="/privacy">Privacy policy</a></li><li><a href="/terms">Terms of use</a></li></ul></footer>
</body>
</html>
"""


def _body(paras: list[str], readmore: str, every: int = 3) -> str:
    out = []
    for i, p in enumerate(paras, 1):
        out.append(f"<p>{html.escape(p)}</p>")
        if i == 2:
            out.append('<div class="ad ad-inline">Advertisement</div>')
        if i % every == 0 and i < len(paras):
            out.append('<p class="read-more"><strong>READ MORE:</strong> '
                       f'<a href="/news/{slug(readmore)}.html">{html.escape(readmore)}</a></p>')
    return "\n".join(out)


def page(template: str, title: str, paras: list[str], when: date, related: list[str],
         byline: str = "Staff reporter", lang: str = "en") -> str:
    """One article page in the outlet's template; each template states the date its own way."""
    outlet = OUTLETS.get(template, template)
    iso = f"{when.isoformat()}T08:30:00+00:00"
    caption = ('<figure><img src="/img/lead.jpg" alt=""><figcaption>The scene on Monday. '
               "Photo: agency pool</figcaption></figure>")
    if template == "ledger":  # <article>, meta published_time, JSON-LD and a <time> element
        ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
                         "datePublished": iso, "publisher": {"@type": "Organization", "name": outlet}})
        extra = (f'<meta property="article:published_time" content="{iso}">\n'
                 f'<script type="application/ld+json">{ld}</script>\n')
        main = (f'<main><article class="story"><h1>{html.escape(title)}</h1>\n'
                f'<p class="byline">By {html.escape(byline)} &middot; <time datetime="{iso}">'
                f"{long_date(when)}</time></p>\n{caption}\n{_body(paras, related[0])}\n</article>\n"
                f"{_related(related, 'Related stories')}</main>\n")
    elif template == "courier":  # no <article>; the date only in JSON-LD
        ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
                         "datePublished": iso, "author": {"@type": "Person", "name": byline}})
        extra = f'<script type="application/ld+json">{ld}</script>\n'
        main = (f'<div id="page"><div class="col-main"><h1 class="headline">{html.escape(title)}</h1>\n'
                f'<div class="story-body">\n{_body(paras, related[0], every=4)}\n</div></div>\n'
                f'<div class="col-side">{_related(related, "Most read")}</div></div>\n')
    elif template == "post":  # no date anywhere on the page
        extra = ""
        main = (f'<section id="content"><h1>{html.escape(title)}</h1>\n'
                f'<p class="byline">{html.escape(byline)}</p>\n{caption}\n'
                f"{_body(paras, related[0])}\n</section>\n{_related(related, 'More from the Post')}")
    elif template == "herald":  # the date only as text in the byline
        extra = ""
        main = (f'<main><div class="article"><h1>{html.escape(title)}</h1>\n'
                f'<div class="meta">By {html.escape(byline)}. '
                f"Published {when.day} {when:%B} {when.year}</div>\n"
                f"{_body(paras, related[0])}\n</div>\n{_related(related, 'You may also like')}</main>\n")
    else:  # star: <time datetime> in the byline, ads between paragraphs
        extra = f'<meta name="description" content="{html.escape(paras[0][:150])}">\n'
        main = (f'<main class="content"><article><header><h1>{html.escape(title)}</h1>\n'
                f'<div class="byline">{html.escape(byline)} <time datetime="{when.isoformat()}">'
                f"{long_date(when)}</time></div></header>\n{_body(paras, related[0], every=2)}\n"
                f"</article>\n{_related(related, 'Trending now')}</main>\n")
    return (_head(title, outlet, lang, extra) + "<body>\n" + _nav(outlet) + main
            + _footer(outlet, when.year))


def nav_only(outlet: str, headlines: list[str]) -> str:
    """A section front: navigation and a list of headlines, no article."""
    items = "".join(f'<li><a href="/news/{slug(t)}.html">{html.escape(t)}</a></li>' for t in headlines)
    return (_head("World", outlet) + "<body>\n" + _nav(outlet)
            + f'<main><h1>World</h1><ul class="headlines">{items}</ul></main>\n' + _footer(outlet, 2020))


#: An original French news text (written for these tests), for the language check.
FRENCH_TITLE = "Tempête Ciarán : des dizaines de milliers de foyers encore privés d'électricité"
FRENCH = [
    "Trois jours après le passage de la tempête, plusieurs dizaines de milliers de foyers restaient "
    "privés d'électricité jeudi soir dans l'ouest du pays, selon le gestionnaire du réseau. Les "
    "équipes de réparation, renforcées par des techniciens venus d'autres régions, travaillent jour "
    "et nuit pour rétablir le courant dans les communes les plus touchées.",
    "Les vents ont dépassé les 150 kilomètres par heure sur le littoral, arrachant des toitures et "
    "couchant des milliers d'arbres sur les routes et les lignes électriques. Plusieurs écoles sont "
    "restées fermées et la circulation des trains a été interrompue sur de nombreuses lignes "
    "régionales.",
    "Le préfet a demandé aux habitants de rester prudents lors des opérations de nettoyage et de ne "
    "pas s'approcher des câbles tombés au sol. Les maires des communes concernées ont ouvert des "
    "salles communales chauffées pour accueillir les personnes âgées et les familles sans chauffage.",
    "Les assureurs estiment que le coût des dégâts pourrait dépasser plusieurs centaines de millions "
    "d'euros. Le gouvernement doit annoncer la semaine prochaine si l'état de catastrophe naturelle "
    "sera reconnu pour les départements les plus touchés.",
]


def lightly_edited(paras: list[str]) -> list[str]:
    """The wire story as one outlet ran it: two sentences reworded, the last paragraph cut."""
    out = list(paras[:-1])
    out[0] = out[0].replace("the long-serving Sultan of Oman", "Oman's long-serving ruler").replace(
        "He had recently had health problems", "He had been in poor health in recent months")
    out[1] = out[1].replace("announced three days of mourning", "declared three days of official mourning")
    return out


def main() -> int:
    df = pd.read_csv(WIKINEWS)
    SITE.mkdir(exist_ok=True)
    credits = []
    manifest = []
    others = list(df["title"][200:230])
    for n, (row, template) in enumerate(STORIES):
        rec = df.iloc[row]
        when = date.fromisoformat(rec["date"])
        path = Path("news") / template / str(when.year) / f"{slug(rec['title'])}.html"
        text = page(template, rec["title"], paragraphs(rec["text"]), when, others[n * 3:n * 3 + 3])
        (SITE / path).parent.mkdir(parents=True, exist_ok=True)
        (SITE / path).write_text(text, encoding="utf-8")
        credits.append((path, rec["url"], "set in an invented outlet's page template"))
        manifest.append({"path": str(path), "outlet": OUTLETS[template], "title": rec["title"],
                         "date": rec["date"], "kind": "story", "wikinews": rec["url"]})
    rec = df.iloc[WIRE]
    when = date.fromisoformat(rec["date"])
    paras = paragraphs(rec["text"])
    for n, template in enumerate(OUTLETS):
        edited = template == "herald"
        title = ("Oman's Sultan Qaboos, Arab world's longest-serving ruler, dies at 79" if edited
                 else rec["title"])
        body = lightly_edited(paras) if edited else paras
        body = [f"MUSCAT (Wire) — {body[0]}", *body[1:]]
        path = Path("wire") / template / f"{slug(rec['title'])}.html"
        (SITE / path).parent.mkdir(parents=True, exist_ok=True)
        text = page(template, title, body, when, others[20 + n:23 + n], byline="Wire staff")
        (SITE / path).write_text(text, encoding="utf-8")
        credits.append((path, rec["url"], "as a wire story in an invented outlet's page template"
                        + ("; two sentences reworded and the last paragraph cut" if edited else "")))
        manifest.append({"path": str(path), "outlet": OUTLETS[template], "title": title,
                         "date": rec["date"], "kind": "wire-edited" if edited else "wire",
                         "wikinews": rec["url"]})
    (SITE / "fr").mkdir(exist_ok=True)
    (SITE / "fr" / "tempete.html").write_text(
        page("ledger", FRENCH_TITLE, FRENCH, date(2020, 11, 5), others[25:28], lang="fr").replace(
            OUTLETS["ledger"], "Le Courrier du Port"), encoding="utf-8")
    manifest.append({"path": "fr/tempete.html", "outlet": "Le Courrier du Port", "title": FRENCH_TITLE,
                     "date": "2020-11-05", "kind": "french", "wikinews": ""})
    (SITE / "world").mkdir(exist_ok=True)
    (SITE / "world" / "index.html").write_text(nav_only(OUTLETS["star"], others[:12]), encoding="utf-8")
    manifest.append({"path": "world/index.html", "outlet": OUTLETS["star"], "title": "World",
                     "date": "2020-06-01", "kind": "nav-only", "wikinews": ""})
    rec = df.iloc[STORIES[0][0]]
    (SITE / "private").mkdir(exist_ok=True)
    (SITE / "private" / "draft.html").write_text(
        page("ledger", rec["title"], paragraphs(rec["text"]), date.fromisoformat(rec["date"]), others[:3]),
        encoding="utf-8")
    manifest.append({"path": "private/draft.html", "outlet": OUTLETS["ledger"], "title": rec["title"],
                     "date": rec["date"], "kind": "robots-disallowed", "wikinews": rec["url"]})
    (SITE / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n", encoding="utf-8")
    (SITE / "pages.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n",
                                     encoding="utf-8")
    lines = [f"- `{p}`: {u} ({how})" for p, u, how in credits]
    (SITE / "README.md").write_text(README.format(credits="\n".join(lines)), encoding="utf-8")
    return 0


README = """# Saved news pages for the ingest tests

Served by a loopback HTTP server in `tests/ingest/` (nothing is fetched from the internet).
Written by `tests/ingest/make_site.py`; `pages.json` lists every page with its outlet, title,
date and what it tests.

The outlets (The Harbour Ledger, Northfield Courier, Valley Evening Post, Coastline Herald,
Metro Daily Star, Le Courrier du Port) are invented, and so are the page templates around the
articles: navigation, advertisements, captions, "read more" links, related-story lists,
newsletter boxes and footers. The French article in `fr/tempete.html` was written for these
tests and reports no real event.

## Credit

The English article texts are from English Wikinews, by Wikinews contributors, under the
Creative Commons Attribution 2.5 licence (https://creativecommons.org/licenses/by/2.5/). They
were changed: the date line Wikinews puts first was removed, and each text was set in an
invented page template; the wire copies add a "MUSCAT (Wire) —" dateline, and one of them is
edited as noted. Page and original article:

{credits}
- `private/draft.html`: the first article above again, under a path robots.txt disallows
"""

if __name__ == "__main__":
    sys.exit(main())
