"""Whole briefings cold (HTML + PDF): the seed, and the realistic corpus of the run's size.

Prints the seconds of `briefing run` on the default params (fresh reports folder, no cache)
next to the floor any notebook briefing pays: papermill executing one trivial notebook in the
same process (their ratio is how many kernel starts the whole briefing costs). Then `briefing
run` on the realistic corpus, end to end, next to the run's VADER baseline (target of issue 12
at 10,000 articles: no longer than that baseline), with the peak memory of the process tree
(the notebook kernels included).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import nbformat
import yaml

from benchmarks import harness as H

ROOT = Path(__file__).resolve().parents[1]
PARAMS = ROOT / "params" / "biden-amlo-2022-vs-2023.yaml"


def trivial_notebook_seconds(folder: Path) -> float:
    import papermill as pm

    from briefing.build.kernel import kernel_name

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("1 + 1")]
    src = folder / "trivial.ipynb"
    nbformat.write(nb, src)
    t0 = time.perf_counter()
    pm.execute_notebook(str(src), str(folder / "trivial-out.ipynb"), kernel_name=kernel_name(),
                        progress_bar=False)
    return time.perf_counter() - t0


def main() -> None:
    from briefing.build.run import run_briefing

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        trivial = trivial_notebook_seconds(folder)
        t0 = time.perf_counter()
        result = run_briefing(PARAMS, reports_dir=folder / "reports", quiet=True)
        cold = time.perf_counter() - t0
    n = len(list((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")))
    print(f"seed briefing cold, {n} notebooks, HTML + PDF ({result.renderer.describe()}): {cold:8.2f} s")
    print(f"papermill, one trivial notebook (one kernel start):        {trivial:8.2f} s")
    print(f"ratio (briefing / trivial notebook):                       {cold / trivial:8.2f} x")
    realistic(H.size())


def realistic(n: int) -> None:
    """`briefing run` on the realistic corpus of `n` articles, cold, against the VADER baseline."""
    from briefing.build.run import run_briefing

    base = H.baseline(n)
    where = H.CACHE_DIR
    where.mkdir(parents=True, exist_ok=True)
    params = {k: v for k, v in H.bench_params(H.corpus(n)).plain().items() if k != "base_dir"}
    path = where / f"params-realistic-{n}.yaml"  # inside the checkout, so the run finds notebooks/
    path.write_text(yaml.safe_dump(params, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp, H.stage("end to end: briefing run, HTML + PDF", n) as st:
        run_briefing(path, reports_dir=Path(tmp) / "reports", quiet=True)
    print(f"realistic briefing cold, {n:,} articles, HTML + PDF: {H.against(st.seconds, base)} "
          "(target at 10k: at most 1 x)")
    print(f"  peak memory of the process tree (kernels included): {H.memory(st.peak, base)}")


if __name__ == "__main__":
    main()
