"""The seed briefing cold (HTML + PDF), against the floor any notebook briefing pays: one kernel.

Prints the seconds of `briefing run` on the default params (fresh reports folder, no cache),
the seconds papermill needs to execute one trivial notebook in the same process, and their
ratio (how many kernel starts the whole briefing costs).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import nbformat

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


if __name__ == "__main__":
    main()
