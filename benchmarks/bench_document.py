"""The briefing's size does not grow with the corpus: HTML bytes and PDF pages of a briefing of the
realistic corpus (default 10,000 articles) next to the seed's.

Builds the seed briefing (two articles) and a briefing of the realistic corpus of the run's size
(benchmarks/realistic.py, via the harness), cold, HTML and PDF, and prints for each its articles,
sentences, HTML size, PDF pages and seconds. Targets (issue 13): at most 12 PDF pages, under 3 MB
of HTML, at any size; the line after the table says whether both briefings meet them.

    python -m benchmarks --size 10k document
    python -m benchmarks.bench_document --size 1k --jobs 2
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from benchmarks import harness as H

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "params" / "biden-amlo-2022-vs-2023.yaml"
#: Where the realistic params file is written: inside the checkout, so the run finds notebooks/.
WORK = H.CACHE_DIR
MAX_PAGES = 12
MAX_HTML = 3_000_000


@dataclass
class Built:
    """What one briefing came to."""

    name: str
    articles: int
    sentences: int
    html_bytes: int
    pdf_pages: int
    seconds: float


def pdf_pages(pdf: Path) -> int:
    """Pages of a PDF: poppler's pdfinfo when installed, else the PDF's own page count."""
    try:
        out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))
    except (OSError, subprocess.CalledProcessError, StopIteration):
        import re

        return len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))


def build(name: str, params: Path, reports: Path, jobs: int | None, n: int | None) -> Built:
    """`briefing run` on `params` into `reports`, timed (a stage of the run's closing table), and
    what it made."""
    from briefing.build.run import run_briefing
    from briefing.store.bundle import load_results

    with H.stage(f"document: {name}, briefing run", n) as st:
        result = run_briefing(params, reports_dir=reports, quiet=True, jobs=jobs)
    seconds = st.seconds
    overview = load_results(result.out_dir)["corpus"].by_period
    return Built(name, int(overview["documents"].sum()), int(overview["sentences"].sum()),
                 (result.out_dir / "briefing.html").stat().st_size,
                 pdf_pages(result.out_dir / "briefing.pdf"), seconds)


def realistic_params(n: int) -> Path:
    """The harness's params for the realistic corpus of `n` articles, as a file inside the checkout
    (so the run finds notebooks/)."""
    data = {k: v for k, v in H.bench_params(H.corpus(n)).plain().items() if k != "base_dir"}
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"params-document-{n}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def report(rows: list[Built]) -> str:
    head = ("briefing", "articles", "sentences", "HTML", "PDF pages", "seconds")
    lines = ["{:<28} {:>9} {:>10} {:>9} {:>9} {:>8}".format(*head)]
    for b in rows:
        lines.append(f"{b.name:<28} {b.articles:>9,} {b.sentences:>10,} {b.html_bytes / 1e6:>7.2f} MB "
                     f"{b.pdf_pages:>9} {b.seconds:>8.0f}")
    ok = all(b.pdf_pages <= MAX_PAGES and b.html_bytes < MAX_HTML for b in rows)
    lines.append(f"targets (at most {MAX_PAGES} pages, under {MAX_HTML / 1e6:.0f} MB of HTML): "
                 + ("met by every briefing" if ok else "NOT met"))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_document",
                                     description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--size", default=None, help="articles: 1k, 10k, 100k or a number (default: the "
                        "run's size, $BENCH_SIZE, else 10k)")
    parser.add_argument("--jobs", type=int, default=None, help="processes and kernels (default: idle cores)")
    args = parser.parse_args(argv if argv is not None else [])
    n = H.parse_size(args.size) if args.size else H.size()
    params = realistic_params(n)
    with tempfile.TemporaryDirectory() as tmp:
        cache = os.environ.get("BRIEFING_CACHE_DIR")
        os.environ["BRIEFING_CACHE_DIR"] = str(Path(tmp) / "cache")  # cold: nothing computed before
        try:
            rows = [build("seed (params/biden-amlo…)", SEED, Path(tmp) / "reports", args.jobs, None),
                    build("realistic corpus", params, Path(tmp) / "reports", args.jobs, n)]
        finally:
            if cache is None:
                os.environ.pop("BRIEFING_CACHE_DIR", None)
            else:
                os.environ["BRIEFING_CACHE_DIR"] = cache
    print(report(rows))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
