"""Whole briefings (HTML + PDF): the seed, cold and rerun, then the realistic corpus of the run's size.

Seed (issue 11): papermill executing one trivial notebook in this process (one kernel start,
the floor any notebook briefing pays), then `briefing run` on the default params with an empty
reports folder and cache (cold, target at most 3x), and again after changing only the title
(nothing to recompute: notebooks reused, the briefing re-rendered; target at most 2x).

Realistic corpus (issues 12 and 21, `benchmarks/archive.py`): `briefing run` end to end in a
child process with memory and time limits, cold, next to the run's VADER baseline (target at
10,000 articles: at most 1x), with the peak PSS of its process tree (kernels included); the
compute seconds of each section; a rerun after adding 100 articles (target: at most 10% of
cold) and one after adding one article; at `--size 100k`, also 100,000 articles cold.
"""

from __future__ import annotations

import os
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


def main() -> None:
    from benchmarks import archive

    seed()
    archive.realistic(H.size())


if __name__ == "__main__":
    main()
