"""The briefing's size does not grow with the corpus: HTML bytes and PDF pages at 10,000 articles
next to the seed's.

Builds the seed briefing (two articles) and a briefing of a generated corpus of BENCH_ARTICLES
articles (default 10,000), cold, HTML and PDF, and prints for each its articles, sentences, HTML
size, PDF pages and seconds. Targets (issue 13): at most 12 PDF pages, under 3 MB of HTML, at
any size; the line after the table says whether both briefings meet them.

    python -m benchmarks.bench_document                    # 10,000 articles, jobs: idle cores
    python -m benchmarks.bench_document --articles 1000 --jobs 2

The corpus comes from `corpus_file` below: real Wikinews sentences resampled
(benchmarks/resampled.py) until the realistic generator (benchmarks/realistic.py, branch
realistic-bench) lands; then the import below is the only line to change.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from benchmarks.resampled import PERIODS, corpus_file  # later: from benchmarks.realistic import ...

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "params" / "biden-amlo-2022-vs-2023.yaml"
#: Where the generated params file is written: inside the checkout, so the run finds notebooks/.
WORK = ROOT / ".benchmarks"
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


def build(name: str, params: Path, reports: Path, jobs: int | None) -> Built:
    """`briefing run` on `params` into `reports`, timed, and what it made."""
    from briefing.build.run import run_briefing
    from briefing.store.bundle import load_results

    t0 = time.perf_counter()
    result = run_briefing(params, reports_dir=reports, quiet=True, jobs=jobs)
    seconds = time.perf_counter() - t0
    overview = load_results(result.out_dir)["corpus"].by_period
    return Built(name, int(overview["documents"].sum()), int(overview["sentences"].sum()),
                 (result.out_dir / "briefing.html").stat().st_size,
                 pdf_pages(result.out_dir / "briefing.pdf"), seconds)


def generated_params(n: int) -> Path:
    """Params for the generated corpus: its two periods, the actors of its (Wikinews) sentences,
    the credit its licence asks for."""
    corpus = corpus_file(n)
    data = {
        "title": f"Benchmark: {n:,} generated articles, 2019 against 2020",
        "corpus": str(corpus),
        "credit": {"authors": "Wikinews contributors", "source": "English Wikinews",
                   "source_url": "https://en.wikinews.org/", "licence": "CC BY 2.5",
                   "licence_url": "https://creativecommons.org/licenses/by/2.5/",
                   "changes": "Sentences of real articles recombined into generated ones for a benchmark."},
        "periods": [{"name": p, "start": f"{p}-01-01", "end": f"{p}-12-31"} for p in PERIODS],
        "actors": [{"name": "Donald Trump", "aliases": ["Trump", "President Trump"]},
                   {"name": "Joe Biden", "aliases": ["Biden"]},
                   {"name": "United States", "aliases": ["U.S.", "US", "USA"]}, {"name": "China"},
                   {"name": "World Health Organization", "aliases": ["WHO"]}],
        "outputs": ["html", "pdf"],
    }
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
    parser.add_argument("--articles", type=int, default=int(os.environ.get("BENCH_ARTICLES", "10000")))
    parser.add_argument("--jobs", type=int, default=None, help="processes and kernels (default: idle cores)")
    args = parser.parse_args(argv if argv is not None else [])
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["BRIEFING_CACHE_DIR"] = str(Path(tmp) / "cache")  # cold: nothing computed before
        rows = [build("seed (params/biden-amlo…)", SEED, Path(tmp) / "reports", args.jobs)]
        params = generated_params(args.articles)
        kind = corpus_file(args.articles).name.split("-")[0]  # resampled, or realistic
        rows.append(build(f"generated ({kind})", params, Path(tmp) / "reports", args.jobs))
    print(report(rows))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
