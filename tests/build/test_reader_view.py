"""The briefing as a reader sees it: the site and a briefing in headless Chromium, the PDF as images.

These run when Debian's chromium and poppler-utils are installed (`make test` installs them as
root) and are skipped with the reason otherwise. Screenshots are kept in reports/screenshots/.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = ROOT / "reports" / "screenshots"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0"]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site built by `briefing publish` from the default params."""
    from briefing.build.publish import publish

    reports = tmp_path_factory.mktemp("reports")
    outcomes = publish([ROOT / "params" / "biden-amlo-2022-vs-2023.yaml"], reports, quiet=True)
    assert [o.status for o in outcomes] == ["rendered"]
    return (reports / "site").resolve()


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
    phone = layout(page, tmp_path, 390)
    if phone["toc"]:  # shown on a phone (the embedded renderer): above the text, not beside it
        assert phone["toc"][2] < phone["main"][2] and phone["toc"][1] <= phone["viewport"], phone


def test_pdf_text_stays_inside_the_page_and_cells_do_not_run_together(site):
    """No table wider than the page: every word of the PDF lies within its page's margins. And no
    column narrower than its text: cells too narrow for their numbers or dates printed them into
    the next cell ("283.019+2.129", "2019-01-04Wikinews"), which pdftotext reads as one word."""
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed (`make test` installs it as root)")
    pdf = site / "biden-amlo-2022-vs-2023" / "briefing.pdf"
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
