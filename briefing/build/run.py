"""`briefing run`: execute the notebooks with papermill, render, then move the briefing into place.

Everything is built in a temporary folder beside the target and swapped in at the end, so a
failed run leaves the previous briefing untouched; a failing notebook is kept, partly
executed, under reports/_failed/<slug>/ for debugging.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import yaml

from briefing import __version__
from briefing.build.combine import DocumentMeta
from briefing.errors import RunError
from briefing.build.locking import exclusive
from briefing.params import Params, load, slug_for
from briefing.files import find_checkout
from briefing.corpus.prepare import prepare
from briefing.build.render import Renderer, choose, render


@dataclass
class RunResult:
    slug: str
    out_dir: Path
    outputs: list[Path] = field(default_factory=list)
    renderer: Renderer | None = None
    seconds: float = 0.0


def project_root(params_path: Path) -> Path:
    """The checkout holding notebooks/: upward from the params file, then from the cwd."""
    root = find_checkout(params_path.parent, Path.cwd())
    if root is not None:
        return root
    raise RunError(f"{params_path}: no notebooks/ folder found above it or the current directory; "
                   "run from the briefing checkout", code=2)


def notebook_paths(root: Path) -> list[Path]:
    """The section notebooks in order: notebooks/NN_name.ipynb."""
    return sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))


class Progress:
    """Progress lines on stderr; silent when quiet."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.t0 = time.perf_counter()

    def __call__(self, message: str) -> None:
        if not self.quiet:
            print(f"[{time.perf_counter() - self.t0:6.1f}s] {message}", file=sys.stderr, flush=True)


@contextmanager
def _env(**values: str):
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _label(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def declared_parameters(notebook: Path) -> set[str]:
    """Names assigned in the notebook's `parameters` cell (papermill warns about any others)."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            return set(re.findall(r"^([A-Za-z_]\w*)\s*(?::[^=]*)?=", cell.source, re.M))
    return set()


def execute(notebooks: list[Path], out_dir: Path, values: dict, root: Path,
            failed_dir: Path, progress: Progress, jobs: int = 1) -> list[Path]:
    """Run the notebooks with papermill, `jobs` at a time (they are independent: each starts
    from the params); on failure keep the notebook in `failed_dir` and raise RunError naming it.

    `values` are the parameters offered; each notebook gets those its parameters cell declares.
    """
    from concurrent.futures import ThreadPoolExecutor

    out_dir.mkdir(parents=True, exist_ok=True)
    jobs = max(1, min(jobs, len(notebooks)))
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(_execute_one, nb, out_dir / nb.name, values, root, failed_dir, progress,
                               f"{i}/{len(notebooks)}") for i, nb in enumerate(notebooks, 1)]
        executed = []
        for future in futures:  # in notebook order, so the first failing notebook is reported
            try:
                executed.append(future.result())
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    return executed


def _execute_one(nb: Path, target: Path, values: dict, root: Path, failed_dir: Path,
                 progress: Progress, label: str) -> Path:
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from briefing.build.kernel import kernel_manager_class, kernel_name

    wanted = declared_parameters(nb)
    given = {k: v for k, v in values.items() if k in wanted}
    t0 = time.perf_counter()
    progress(f"executing {label}: {nb.name}")
    try:
        pm.execute_notebook(str(nb), str(target), parameters=given, kernel_name=kernel_name(),
                            cwd=str(root), progress_bar=False, log_output=False,
                            kernel_manager_class=kernel_manager_class())
    except PapermillExecutionError as exc:
        kept = _keep_failed(target, failed_dir)
        raise RunError(
            f"notebook {nb.name} failed at cell {exc.cell_index} (execution count "
            f"{exc.exec_count}): {exc.ename}: {str(exc.evalue).splitlines()[0] if exc.evalue else ''}"
            f"; partly executed notebook kept at {kept}; the previous briefing is unchanged"
        ) from None
    except Exception as exc:  # noqa: BLE001 - kernel start-up and I/O failures
        kept = _keep_failed(target, failed_dir) if target.exists() else None
        where = f"; partly executed notebook kept at {kept}" if kept else ""
        raise RunError(f"notebook {nb.name} could not be executed ({type(exc).__name__}: "
                       f"{str(exc).splitlines()[0] if str(exc) else ''}){where}") from None
    progress(f"finished {nb.name} in {time.perf_counter() - t0:.1f}s")
    return target


def _keep_failed(notebook: Path, failed_dir: Path) -> Path:
    failed_dir.mkdir(parents=True, exist_ok=True)
    dest = failed_dir / notebook.name
    shutil.copy2(notebook, dest)
    return dest


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths with Linux's renameat2(RENAME_EXCHANGE); False where unsupported."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    rc = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return rc == 0


def swap_into_place(build: Path, dest: Path) -> None:
    """Replace `dest` by `build`. Where the system allows, one atomic exchange, so `dest` is
    never missing; elsewhere two renames, restoring `dest` if the second fails."""
    if dest.exists() and _exchange(build, dest):
        shutil.rmtree(build, ignore_errors=True)  # `build` now holds the previous briefing
        return
    old = None
    if dest.exists():
        old = dest.with_name(f".old-{dest.name}-{os.getpid()}")
        os.rename(dest, old)
    try:
        os.rename(build, dest)
    except OSError:
        if old is not None:
            os.rename(old, dest)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def manifest(params: Params, params_path: Path, corpus_hash: str, renderer: Renderer,
             when: datetime) -> dict:
    """What made this briefing: inputs' hashes, versions, renderer and time."""
    import hashlib

    return {
        "briefing_version": __version__,
        "params_file": _label(params_path),
        "params_sha256": hashlib.sha256(params_path.read_bytes()).hexdigest(),
        "corpus_sha256": corpus_hash,
        "renderer": renderer.describe(),
        "rendered_at": when.isoformat(timespec="seconds"),
        "title": params.title,
        "periods": [p.name for p in params.periods],
        "outputs": list(params.outputs),
    }


def default_jobs() -> int:
    """Notebooks run at once: $BRIEFING_JOBS, else one per core (each is a kernel process)."""
    env = os.environ.get("BRIEFING_JOBS", "")
    return int(env) if env.isdigit() and int(env) > 0 else (os.cpu_count() or 1)


def run_briefing(params_path: str | Path, reports_dir: str | Path = "reports",
                 renderer: str | None = None, quiet: bool = False, jobs: int | None = None) -> RunResult:
    """Validate, execute every notebook, render, and move reports/<slug>/ into place."""
    t0 = time.perf_counter()
    params_path = Path(params_path)
    progress = Progress(quiet)
    params = load(params_path)
    with tempfile.TemporaryDirectory(prefix="briefing-cache-") as cache:
        # the validation pass (periods, corpus) also fills the sentence cache every notebook reads
        with _env(BRIEFING_CACHE_DIR=cache):
            prepared = prepare(params, source=str(params_path))
        return _build(params, params_path, prepared, Path(reports_dir), renderer, progress, t0,
                      jobs or default_jobs(), cache)


def _build(params: Params, params_path: Path, prepared, reports: Path, renderer: str | None,
           progress: Progress, t0: float, jobs: int, cache: str) -> RunResult:
    root = project_root(params_path)
    notebooks = notebook_paths(root)
    backend = choose(renderer or params.renderer)
    slug = slug_for(params, params_path)
    reports.mkdir(parents=True, exist_ok=True)
    dest = reports / slug
    with exclusive(reports / f".{slug}.lock", what=f"briefing {slug}"):
        shutil.rmtree(reports / "_failed" / slug, ignore_errors=True)  # failures of earlier runs
        build = Path(tempfile.mkdtemp(prefix=f".build-{slug}-", dir=reports))
        build.chmod(0o755)
        try:
            when = datetime.now(UTC)
            values = {"params_file": str(params_path.resolve()), "params": params.plain(),
                      "run_info": {"renderer": backend.describe(), "params_file": _label(params_path),
                                   "run_date": when.isoformat(timespec="seconds")}}
            with _env(BRIEFING_CACHE_DIR=cache):
                executed = execute(notebooks, build / "notebooks", values, root,
                                   reports / "_failed" / slug, progress, jobs)
            progress(f"rendering {', '.join(params.outputs)} with the {backend.describe()}")
            meta = DocumentMeta(title=params.title, subtitle=params.subtitle or _periods_line(params),
                                date=when.date().isoformat(), paper=params.paper)
            outputs = render(executed, build, list(params.outputs), meta, backend,
                             _label(params_path), when)
            (build / "params.yaml").write_text(
                yaml.safe_dump(params.plain() | {"base_dir": None}, sort_keys=False, allow_unicode=True),
                encoding="utf-8")
            (build / "manifest.json").write_text(
                json.dumps(manifest(params, params_path, prepared.corpus_hash, backend, when), indent=2),
                encoding="utf-8")
            swap_into_place(build, dest)
        finally:
            if build.exists():
                shutil.rmtree(build, ignore_errors=True)
    result = RunResult(slug, dest, [dest / p.name for p in outputs], backend, time.perf_counter() - t0)
    progress(f"done in {result.seconds:.1f}s: {', '.join(str(p) for p in result.outputs)}")
    return result


def _periods_line(params: Params) -> str | None:
    """The default subtitle, naming the periods; none when the title already names them all."""
    names = [p.name for p in params.periods]
    if all(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", params.title) for n in names):
        return None
    return "Coverage compared: " + " vs ".join(names)
