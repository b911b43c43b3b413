"""Whole briefings (HTML + PDF): the seed, cold and rerun, then the realistic corpus of the run's size.

Seed (issue 11): papermill executing one trivial notebook in this process (one kernel start,
the floor any notebook briefing pays), then `briefing run` on the default params with an empty
reports folder and cache (cold, target at most 3x), and again after changing only the title
(nothing to recompute: notebooks reused, the briefing re-rendered; target at most 2x).

Realistic corpus (issue 12): `briefing run` end to end, cold, next to the run's VADER baseline
(target at 10,000 articles: at most 1x), with the peak memory of the process tree (kernels
included); the compute seconds of each section, read from its stored result (each section is
computed once per run); then a rerun after adding 100 articles (target: at most 10% of cold).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

import nbformat
import pandas as pd
import yaml

from benchmarks import harness as H

ROOT = Path(__file__).resolve().parents[1]
PARAMS = ROOT / "params" / "biden-amlo-2022-vs-2023.yaml"


def trivial_notebook_seconds(folder: Path) -> float:
    import papermill as pm

    from briefing.build.kernel import kernel_manager_class, kernel_name

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("1 + 1")]
    src = folder / "trivial.ipynb"
    nbformat.write(nb, src)
    t0 = time.perf_counter()
    pm.execute_notebook(str(src), str(folder / "trivial-out.ipynb"), kernel_name=kernel_name(),
                        progress_bar=False, kernel_manager_class=kernel_manager_class())
    return time.perf_counter() - t0


def seed_params(folder: Path, title: str | None = None) -> Path:
    """The default params, corpus path made absolute, in `folder` (optionally retitled)."""
    data = yaml.safe_load(PARAMS.read_text(encoding="utf-8"))
    data["corpus"] = str((PARAMS.parent / data["corpus"]).resolve())
    if title:
        data["title"] = title
    path = folder / "params" / PARAMS.name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def seed() -> None:
    from briefing.build.run import run_briefing

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["BRIEFING_CACHE_DIR"] = str(folder / "cache")
        trivial = trivial_notebook_seconds(folder)
        t0 = time.perf_counter()
        result = run_briefing(seed_params(folder), reports_dir=folder / "reports", quiet=True)
        cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        rerun = run_briefing(seed_params(folder, title="The same briefing under another title"),
                             reports_dir=folder / "reports", quiet=True)
        retitled = time.perf_counter() - t0
    n = len(list((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")))
    print(f"papermill, one trivial notebook (one kernel start):      {trivial:8.2f} s")
    print(f"seed briefing cold, {n} notebooks, HTML + PDF ({result.renderer.describe()}):")
    print(f"  {cold:8.2f} s   ratio to the trivial notebook: {cold / trivial:6.2f} x   (target <= 3 x)")
    print(f"seed briefing rerun, title changed ({len(rerun.executed)} notebooks executed):")
    print(f"  {retitled:8.2f} s   ratio to the trivial notebook: {retitled / trivial:6.2f} x"
          "   (target <= 2 x)")


def section_seconds(briefing: Path) -> dict[str, float]:
    """Each section's compute seconds, from the record stored with its result (one per section)."""
    out = {}
    for folder in sorted((briefing / "results").iterdir()):
        record = json.loads((folder / "inputs.json").read_text(encoding="utf-8"))
        out[folder.name] = float(record.get("seconds", float("nan")))
    return out


def realistic(n: int) -> None:
    """`briefing run` on the realistic corpus of `n` articles, cold, against the VADER baseline;
    then again with 100 articles added."""
    from benchmarks.realistic import DEFAULT, _chunk
    from briefing.build.run import run_briefing

    base = H.baseline(n)
    where = H.CACHE_DIR
    where.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=where) as tmp:  # inside the checkout: the run finds notebooks/
        folder = Path(tmp)
        corpus = folder / "corpus.parquet"
        corpus.write_bytes(H.corpus(n).read_bytes())
        params = {k: v for k, v in H.bench_params(corpus).plain().items() if k != "base_dir"}
        path = folder / f"params-realistic-{n}.yaml"
        path.write_text(yaml.safe_dump(params, sort_keys=False, allow_unicode=True), encoding="utf-8")
        os.environ["BRIEFING_CACHE_DIR"] = str(folder / "cache")  # cold: an empty cache
        with H.stage("end to end: briefing run, HTML + PDF", n) as cold:
            result = run_briefing(path, reports_dir=folder / "reports", quiet=True)
        print(f"realistic briefing cold, {n:,} articles, HTML + PDF: {H.against(cold.seconds, base)} "
              "(target at 10k: at most 1 x)")
        print(f"  peak memory of the process tree (kernels included): {H.memory(cold.peak, base)}")
        html, pdf = result.out_dir / "briefing.html", result.out_dir / "briefing.pdf"
        print(f"  HTML {html.stat().st_size / 2**20:.2f} MB (target under 3 MB), PDF "
              f"{pdf.stat().st_size / 2**20:.2f} MB")
        for section, seconds in section_seconds(result.out_dir).items():
            print(f"  section {section:10} computed once, in {seconds:8.2f} s")
        extra = pd.DataFrame(_chunk(100, n, 0, DEFAULT))  # articles n+1..n+100 of the same generator
        pd.concat([pd.read_parquet(corpus), extra], ignore_index=True).to_parquet(corpus)
        with H.stage("rerun after adding 100 articles", n) as more:
            run_briefing(path, reports_dir=folder / "reports", quiet=True)
        print(f"realistic briefing rerun, {n:,} + 100 articles: {more.seconds:8.2f} s = "
              f"{more.seconds / cold.seconds:.1%} of the cold run (target at most 10%)")


def main() -> None:
    seed()
    realistic(H.size())


if __name__ == "__main__":
    main()
