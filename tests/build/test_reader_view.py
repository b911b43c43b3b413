"""The briefing as a reader sees it: the site and a briefing in headless Chromium, the PDF as images.

These run when Debian's chromium and poppler-utils are installed (`make test` installs them as
root) and are skipped with the reason otherwise. Screenshots are kept in reports/screenshots/.

Two briefings are read: the seed's (two articles) and the Wikinews example's (293 articles, built
once for this module: a few minutes here). Whatever the corpus, the main document is bounded: at
most MAX_PAGES pages of PDF with the summary on the first, the detail in a collapsed appendix
(in the PDF, a line per part pointing to the HTML and the data bundle), an HTML under MAX_HTML.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = ROOT / "reports" / "screenshots"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0"]


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    """The reports folder of `briefing publish` run on the default params: the site, and the
    briefing it was made from (with its stored results)."""
    from briefing.build.publish import publish

    reports = tmp_path_factory.mktemp("reports")
    outcomes = publish([ROOT / "params" / "biden-amlo-2022-vs-2023.yaml"], reports, quiet=True)
    assert [o.status for o in outcomes] == ["rendered"]
    return reports


@pytest.fixture(scope="module")
def site(reports) -> Path:
    """The site built by `briefing publish` from the default params."""
    return (reports / "site").resolve()


#: The main document's bound, for any corpus (issue 13): PDF pages, and bytes of HTML.
MAX_PAGES = 12
MAX_HTML = 3_000_000
WIKINEWS = ROOT / "params" / "wikinews-2019-vs-2020.yaml"


@pytest.fixture(scope="module")
def wikinews(tmp_path_factory) -> Path:
    """The Wikinews example's briefing (293 real articles), built once for the module."""
    from briefing.build.run import run_briefing

    reports = tmp_path_factory.mktemp("reports-wikinews")
    return run_briefing(WIKINEWS, reports_dir=reports, quiet=True).out_dir


@pytest.fixture(params=["seed", "wikinews"])
def briefing(request) -> Path:
    """The folder of a briefing: the seed's (from the site) or the Wikinews example's."""
    if request.param == "seed":
        return request.getfixturevalue("reports") / "biden-amlo-2022-vs-2023"
    return request.getfixturevalue("wikinews")


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page of `pdf` (pdftotext), whitespace folded."""
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed (`make test` installs it as root)")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    # a soft hyphen where typst broke a word: the word as written
    return [" ".join(page.replace("\u00ad\n", "").replace("\u00ad", "").split())
            for page in text.split("\f")[:-1]]


def plain(markdown: str) -> str:
    """A key finding's Markdown as the page prints it: no links' targets, emphasis or escapes."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    return " ".join(re.sub(r"\\(.)", r"\1", text.replace("**", "").replace("*", "")).split())


@pytest.fixture(scope="module")
def server(site):
    """The site on a loopback HTTP server (port chosen by the OS)."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def chromium(url: str, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    if CHROMIUM is None:
        pytest.skip("chromium not installed (Debian package chromium; `make test` installs it as root)")
    profile = tmp_path / "profile"
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *extra, url],
                          capture_output=True, text=True, timeout=120)


def console_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines()
            if "CONSOLE" in line and re.search(r"error|uncaught|failed", line, re.I)]


def _visible_text(dom: str) -> str:
    dom = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", dom, flags=re.S | re.I)
    return " ".join(re.sub(r"<[^>]+>", " ", dom).split())


def fold(text: str) -> str:
    """`text` with every run of whitespace folded to one space."""
    return " ".join(text.split())


def section_headings(html: str) -> list[str]:
    """The text of the document's <h2> headings, leaving out the table of contents (Quarto's
    has an <h2> "Table of contents"; the embedded renderer's a <p>): holds under either renderer."""
    body = re.sub(r"<nav\b[^>]*>.*?</nav>", " ", html, flags=re.S | re.I)
    return [_visible_text(h) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", body, flags=re.S | re.I)]


#: Injected into a copy of the page (the page itself has no script): measures where things are
#: and writes it into the DOM, which --dump-dom prints.
LAYOUT_PROBE = """<script>
window.addEventListener('load', () => {
  const box = el => el.getBoundingClientRect();
  const main = document.querySelector('main') || document.body;
  const toc = document.getElementById('TOC');
  const report = {
    viewport: document.documentElement.clientWidth,
    page: document.documentElement.scrollWidth,
    // a table may be wider than a phone inside the wrapper that scrolls it: the wrapper must fit
    tables: [...document.querySelectorAll('main table')].map(
      t => Math.ceil(box(t.closest('.table-wrap') || t).right)),
    // on a phone a figure may be wider than the screen inside the <figure> that scrolls it
    images: [...document.querySelectorAll('main img')].map(
      i => Math.ceil(box(i.closest('figure') || i).right)),
    main: [Math.floor(box(main).left), Math.ceil(box(main).right), Math.floor(box(main).top)],
    toc: toc && toc.offsetParent ? [Math.floor(box(toc).left), Math.ceil(box(toc).right),
                                    Math.floor(box(toc).top)] : null,
    // the PDF link, where a reader can see it
    pdf: [...document.querySelectorAll('a[href$=".pdf"]')].some(a => a.offsetParent && box(a).width > 0),
  };
  const pre = document.createElement('pre');
  pre.id = 'layout-report';
  pre.textContent = JSON.stringify(report);
  document.body.appendChild(pre);
});
</script>"""


def layout(page: Path, tmp_path: Path, width: int) -> dict:
    """Where the page puts its parts in Chromium at `width` CSS pixels."""
    import html as html_lib
    import json

    probe = tmp_path / f"probe-{width}.html"
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", LAYOUT_PROBE + "</body>"),
                     encoding="utf-8")
    proc = chromium(probe.as_uri(), tmp_path, "--dump-dom", f"--window-size={width},900",
                    "--virtual-time-budget=5000")
    found = re.search(r'<pre id="layout-report">(.*?)</pre>', proc.stdout, re.S)
    assert found, proc.stderr[-1000:]
    return json.loads(html_lib.unescape(found.group(1)))


@pytest.mark.parametrize("page", ["index.html", "biden-amlo-2022-vs-2023/briefing.html"])
def test_page_loads_without_console_errors(server, tmp_path, page):
    proc = chromium(f"{server}/{page}", tmp_path, "--dump-dom")
    assert proc.returncode == 0, proc.stderr[-1000:]
    assert console_errors(proc.stderr) == []
    text = _visible_text(proc.stdout)
    if page == "index.html":
        assert "Biden and López Obrador" in text and "HTML" in text and "PDF" in text
    else:
        assert "Summary" in text
        assert section_headings(proc.stdout)[0] == "Summary"  # the summary is the first section


@pytest.mark.parametrize("width, name", [(1200, "desktop"), (390, "phone")])
def test_screenshot_of_the_briefing(server, tmp_path, width, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / f"briefing-{name}.png"
    proc = chromium(f"{server}/biden-amlo-2022-vs-2023/briefing.html", tmp_path,
                    f"--screenshot={shot}", f"--window-size={width},1600", "--hide-scrollbars")
    assert proc.returncode == 0 and shot.stat().st_size > 10_000
    assert console_errors(proc.stderr) == []


def test_pdf_first_pages_as_images_show_the_summary(site, tmp_path):
    if shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed (`make test` installs it as root)")
    pdf = site / "biden-amlo-2022-vs-2023" / "briefing.pdf"
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("pdf-page-*.png"):  # pdftoppm names pages -1 or -01 by the page count
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(pdf),
                    str(SHOTS / "pdf-page")], check=True)
    pages = sorted(SHOTS.glob("pdf-page-*.png"))
    assert len(pages) == 2 and all(p.stat().st_size > 5_000 for p in pages)
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "2", "-layout", str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
    text = " ".join(first.split())
    assert "Biden and López Obrador" in text and "Summary" in text
    pages_text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                check=True).stdout
    assert re.search(r"^\s*2\s*$", pages_text, re.M)  # page numbers are printed


@pytest.mark.parametrize("width", [1280, 390])
def test_nothing_runs_off_the_page_at_desktop_and_phone_width(site, tmp_path, width):
    """No horizontal scrolling of the page: wide tables scroll inside themselves, figures shrink."""
    found = layout(site / "biden-amlo-2022-vs-2023" / "briefing.html", tmp_path, width)
    view = found["viewport"]
    assert found["page"] <= view, found
    assert found["tables"] and max(found["tables"]) <= view, found
    assert found["images"] and max(found["images"]) <= view, found


def test_contents_sit_beside_the_text_on_a_wide_screen_and_above_it_on_a_phone(site, tmp_path):
    page = site / "biden-amlo-2022-vs-2023" / "briefing.html"
    wide = layout(page, tmp_path, 1280)
    assert wide["toc"] and wide["toc"][0] >= wide["main"][1], wide  # right of the text
    phone = layout(page, tmp_path, 390)  # under either renderer (quarto.css brings Quarto's back)
    assert phone["toc"] and phone["toc"][2] < phone["main"][2] and phone["toc"][1] <= phone["viewport"], phone
    assert wide["pdf"] and phone["pdf"], (wide, phone)


def test_pdf_text_stays_inside_the_page_and_cells_do_not_run_together(briefing):
    """No table wider than the page: every word of the PDF lies within its page's margins. And no
    column narrower than its text: cells too narrow for their numbers or dates printed them into
    the next cell ("283.019+2.129", "2019-01-04Wikinews"), which pdftotext reads as one word."""
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed (`make test` installs it as root)")
    pdf = briefing / "briefing.pdf"
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    pages = re.split(r"<page ", out)[1:]
    assert pages
    for n, page in enumerate(pages, 1):
        width = float(re.match(r'width="([\d.]+)"', page).group(1))
        for x_min, x_max, word in re.findall(
                r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', page):
            assert float(x_min) >= 20 and float(x_max) <= width - 20, (n, word, x_min, x_max, width)
    words = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split()
    glued = [w for w in words if re.search(r"\d{4}-\d{2}-\d{2}[A-SU-Za-z]|\d\.\d+[−+]\d", w)]
    assert glued == []


def test_the_pdf_is_at_most_twelve_pages_with_the_summary_on_the_first(briefing):
    """The main document is bounded whatever the corpus, and the first page holds the whole
    summary: what was read, its caveats and every key finding."""
    from briefing.store.bundle import load_results

    pages = pdf_pages(briefing / "briefing.pdf")
    assert len(pages) <= MAX_PAGES, len(pages)
    first = pages[0].replace("\u2060", "")
    summary = load_results(briefing)["summary"]
    assert "Summary" in first and "Key findings" in first
    for finding in summary.key_findings:
        words = plain(finding).split()
        assert " ".join(words[:6]) in first and " ".join(words[-4:]) in first, words


def test_the_html_appendix_is_collapsed_in_details_elements(briefing):
    """Everything but the main text (every sentence, every cue and term, article list, cleaning
    log, provenance, params) sits in <details> elements that start closed; no script needed."""
    page = (briefing / "briefing.html").read_text(encoding="utf-8")
    assert len(page.encode()) < MAX_HTML
    # the embedded renderer puts the id on the heading, Quarto on the <section> around it
    main, _, appendix = re.split(r'(<(?:h2|section) id="appendix")', page, maxsplit=1)
    appendix = appendix.split("</h2>", 1)[1]  # the appendix's own heading is not one of its parts
    assert appendix and "<details" not in main
    opened = re.findall(r"<details\b[^>]*>", appendix)
    assert len(opened) == 5 and not [d for d in opened if re.search(r"\bopen\b", d)], opened
    inside = " ".join(part.split("</details>")[0] for part in appendix.split("<details")[1:])
    outside = re.sub(r"<details\b.*?</details>", " ", appendix, flags=re.S)
    for caption in ("Cleaning log: boilerplate lines set aside.", "Every article read, by date.",
                    "Software versions.", "with its VADER scores" if "Every cleaned" in inside
                    else "The sentences quoted as evidence", "Found in one period only.",
                    "Names leaning most to each period"):
        # Quarto wraps long lines of its HTML, inside a caption too
        assert caption in fold(inside) and caption not in fold(outside) and caption not in fold(main), caption
    assert section_headings(outside) == []  # no section of the appendix is outside a <details>
    shown = [_visible_text(h) for h in re.findall(r"<h3[^>]*>(.*?)</h3>", outside, re.S)]
    assert shown == ["Data", "Methods"]
    if 'content="quarto-' in page:  # Quarto's page carries its own scripts, inline; none fetched
        tags = re.findall(r"<script\b[^>]*>", page)
        assert not [t for t in tags if re.search(r'\bsrc="(?!data:)', t)], tags
    else:
        assert "<script" not in page


def test_the_pdf_points_to_the_appendix_instead_of_printing_it(briefing):
    """In the PDF each part of the appendix is one line naming what it holds and where it is (the
    HTML and the data bundle); none of its tables or quotations is printed."""
    text = " ".join(pdf_pages(briefing / "briefing.pdf"))
    assert text.count("in the HTML briefing, and as tables in the data bundle") == 5
    for absent in ("Cleaning log: boilerplate lines set aside", "Every article read", "Software versions",
                   "Params used", "with its VADER scores", "The sentences quoted as evidence",
                   "Found in one period only", "Names leaning most", "Evidence, every sentence quoted"):
        assert absent not in text, absent
    removed = pd.read_parquet(briefing / "results" / "corpus" / "removed.parquet")
    assert not [line for line in removed["text"] if len(line) > 30 and line in text]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_opened_appendix_stays_inside_the_page(briefing, tmp_path, width):
    """With every <details> opened, no table or figure of the appendix makes the page scroll
    sideways: a wide table scrolls inside its own wrapper."""
    page = briefing / "briefing.html"
    opened = tmp_path / "opened.html"
    opened.write_text(page.read_text(encoding="utf-8").replace('<details class="appendix"',
                                                               '<details open class="appendix"'),
                      encoding="utf-8")
    found = layout(opened, tmp_path, width)
    view = found["viewport"]
    assert found["page"] <= view, found
    assert found["tables"] and max(found["tables"]) <= view, found


def test_every_internal_link_points_to_an_explicit_heading_id_or_label(briefing, tmp_path):
    """The guard that runs without Quarto: in the combined document handed to the renderers, every
    `](#id)` (the key findings' links to their sections, the sections' links to the appendix)
    targets an id written in the document, which both renderers' Typst make a label."""
    from briefing.build.combine import DocumentMeta, combine, to_markdown
    from briefing.build.links import ids_and_links, unlabelled_links

    notebooks = sorted((briefing / "notebooks").glob("*.ipynb"))
    nb = combine(notebooks, DocumentMeta("T", None, "2026-01-01"), "footer")
    md = to_markdown(nb, tmp_path / "figures", "svg")
    _, links = ids_and_links(md)
    assert {"sentiment", "appendix-corpus", "appendix-sentiment"} <= set(links), links
    assert unlabelled_links(md) == []
    page = (briefing / "briefing.html").read_text(encoding="utf-8")
    assert all(f'id="{target}"' in page for target in links)  # and the HTML has each target
