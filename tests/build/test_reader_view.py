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
        first = re.search(r"<h2[^>]*>(.*?)</h2>", proc.stdout, re.S)
        assert first and "Summary" in first.group(1)  # the summary is the first section


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
