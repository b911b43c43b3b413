"""`briefing run`: prepare the corpus, execute the notebooks, render, move the briefing into place.

Everything is built in a temporary folder beside the target and swapped in at the end, so a
failed run leaves the previous briefing untouched; a failing notebook is kept, partly
executed, under reports/_failed/<slug>/ for debugging. Per-document results are kept in the
persistent cache (reports/.cache, or $BRIEFING_CACHE_DIR) and section results beside the
briefing (reports/<slug>/results/), so a rerun computes only what changed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import yaml

from briefing import __version__
from briefing.build.combine import DocumentMeta
from briefing.build.execute import Executor, Task, declared_parameters, reads_sections, record_key, stored_key
from briefing.build.faults import checkpoint, resource_error
from briefing.build.locking import exclusive
from briefing.build.progress import Progress
from briefing.build.render import Renderer, choose, render
from briefing.compute.engine import engine_for
from briefing.corpus.prepare import Prepared, prepare
from briefing.corpus.snapshot import PREPARED_ENV, save_snapshot
from briefing.errors import RunError
from briefing.files import find_checkout, write_atomic
from briefing.params import Params, load, slug_for
from briefing.sections.topics.kept_model import REFIT_ENV
from briefing.store.cache import DocumentCache, default_root
from briefing.store.fingerprint import digest, package_digest
from briefing.store.results import PREVIOUS_ENV, RESULTS_ENV

#: Params fields that only label the document: a change to them re-renders, recomputes nothing.
LABELS = ("title", "subtitle")


@dataclass
class RunResult:
    slug: str
    out_dir: Path
    outputs: list[Path] = field(default_factory=list)
    renderer: Renderer | None = None
    seconds: float = 0.0
    executed: list[str] = field(default_factory=list)  # notebooks executed (the rest were reused)


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


def _label(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


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
        checkpoint("swapped")
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
        "period_dates": [[p.start.isoformat(), p.end.isoformat()] for p in params.periods],
        "rolling": params.rolling.model_dump(mode="json") if params.rolling else None,
        "outputs": list(params.outputs),
    }


def default_jobs() -> int:
    """Notebooks run at once: $BRIEFING_JOBS, else one per core (each is a kernel process)."""
    env = os.environ.get("BRIEFING_JOBS", "")
    return int(env) if env.isdigit() and int(env) > 0 else (os.cpu_count() or 1)


def precompute_measures(prepared: Prepared) -> None:
    """Compute the per-sentence measures every section reads (into the cache), here, over all
    cores, before the notebooks start: each notebook then only reads them. Only the documents
    the cache lacks are read and measured (a rerun after adding articles costs those)."""
    from functools import partial

    from briefing.measures.actors import mention_table
    from briefing.measures.frames import hit_table
    from briefing.measures.lexicon import lexicon_for
    from briefing.measures.per_document import ensure_measure
    from briefing.measures.per_sentence import actors_settings, frames_settings, vader_settings
    from briefing.measures.vader import score_table

    params = prepared.params
    lexicon = lexicon_for(params)
    ensure_measure(prepared, "vader", "scoring sentiment", vader_settings(), score_table)
    ensure_measure(prepared, "frames", "finding frame cues", frames_settings(lexicon),
                   partial(hit_table, lexicon=lexicon))
    chosen = params.sentiment_actors()
    for actors in ([params.actors] + ([chosen] if [a.name for a in chosen] != [a.name for a in params.actors]
                                      else [])):
        if actors:
            ensure_measure(prepared, "actors", "finding actors", actors_settings(actors),
                           partial(mention_table, actors=list(actors)))


def inputs_digest(params: Params) -> str:
    """Everything a briefing's notebooks read besides the parameters they are given: the corpus
    files, the files the params name (rules, lexicons) and the package (code, resources, shipped
    lexicons). Read without preparing the corpus, so kernels can start at once."""
    from briefing.corpus.load import files_digest

    named = [params.cleaning.rules, params.framing.lexicon, *params.framing.extra_lexicons]
    files = [params.resolve(n).read_bytes().hex() for n in named if n]
    return digest(files_digest(params.corpus_path), files, package_digest())


def notebook_key(source: Path, parameters: dict, inputs: str) -> str:
    """What an executed notebook depends on: its source, the parameters it is given (the params
    without their labels, not where the params file lies) and the briefing's other inputs."""
    shown = dict(parameters)
    shown.pop("params_file", None)
    if isinstance(shown.get("params"), dict):
        shown["params"] = {k: v for k, v in shown["params"].items() if k not in (*LABELS, "base_dir")}
    return digest(source.read_bytes(), shown, inputs)


def run_briefing(params_path: str | Path, reports_dir: str | Path = "reports",
                 renderer: str | None = None, quiet: bool = False, jobs: int | None = None,
                 refit: bool = False) -> RunResult:
    """Validate, execute the notebooks (those whose inputs changed), render, and move
    reports/<slug>/ into place. A disk that fills, a folder that cannot be written or memory
    that runs out ends the run with one line saying so (RunError), the previous briefing intact."""
    try:
        return _run_briefing(params_path, Path(reports_dir), renderer, quiet, jobs, refit)
    except OSError as exc:
        error = resource_error(exc, Path(reports_dir))
        if error is None:
            raise
        raise error from None


def _run_briefing(params_path: str | Path, reports_dir: Path, renderer: str | None, quiet: bool,
                  jobs: int | None, refit: bool = False) -> RunResult:
    t0 = time.perf_counter()
    params_path = Path(params_path)
    progress = Progress(quiet)
    params = load(params_path)
    root = project_root(params_path)
    notebooks = notebook_paths(root)
    backend = choose(renderer or params.renderer)
    slug = slug_for(params, params_path)
    reports = Path(reports_dir)
    reports.mkdir(parents=True, exist_ok=True)
    dest = reports / slug
    chosen_jobs = jobs or params.jobs  # None: the engine uses the idle cores
    jobs = chosen_jobs or default_jobs()
    with exclusive(reports / f".{slug}.lock", what=f"briefing {slug}"):
        shutil.rmtree(reports / "_failed" / slug, ignore_errors=True)  # failures of earlier runs
        _clear_leftovers(reports, slug, progress)
        build = Path(tempfile.mkdtemp(prefix=f".build-{slug}-", dir=reports))
        build.chmod(0o755)
        cache_root = default_root(reports)
        env = {"BRIEFING_CACHE_DIR": str(cache_root.resolve()),
               RESULTS_ENV: str((build / "results").resolve()),
               PREVIOUS_ENV: str((dest / "results").resolve()), REFIT_ENV: "1" if refit else "",
               PREPARED_ENV: str((build / ".prepared").resolve())}  # kernels load it, not prepare again
        executor = engine = None
        try:
            when = datetime.now(UTC)
            values = {"params_file": str(params_path.resolve()), "params": params.plain(),
                      "params_label": _label(params_path)}
            inputs = inputs_digest(params) + (":refit" if refit else "")  # --refit: run them again
            tasks, reused = _plan(notebooks, values, inputs, build / "notebooks",
                                  dest / "notebooks")
            for name in reused:
                progress(f"reusing {name}: its inputs are unchanged")
            if tasks:  # kernels start (and import) while the corpus is prepared
                executor = Executor(root, min(jobs, len(tasks)), progress, env)
            engine = engine_for(params.engine, chosen_jobs, params.scheduler)
            progress(f"preparing the corpus ({engine.describe()})")
            prepared = prepare(params, source=str(params_path), cache=DocumentCache(cache_root),
                               engine=engine, progress=progress)
            precompute_measures(prepared)
            save_snapshot(prepared, build / ".prepared")
            if prepared.cache is not None:
                prepared.release_sentences()  # kept in the cache; the kernels read what they need
            progress(_prepared_line(prepared))
            checkpoint("prepared")
            if executor is not None:
                for phase in (False, True):  # sections first, then what reads their results
                    executor.run([t for t, _ in tasks if reads_sections(t.source) == phase],
                                 reports / "_failed" / slug)
                for task, key in tasks:
                    record_key(task.target, key)
            _keep_results(dest / "results", build / "results")
            executed = [build / "notebooks" / nb.name for nb in notebooks]
            progress(f"rendering {', '.join(params.outputs)} with the {backend.describe()}")
            meta = DocumentMeta(title=params.title, subtitle=params.subtitle or _periods_line(params),
                                date=when.date().isoformat(), paper=params.paper)
            outputs = render(executed, build, list(params.outputs), meta, backend, _label(params_path), when,
                             logs=reports / "_failed" / slug)
            from briefing.store.bundle import write_bundle

            bundle = write_bundle(build / "results", build / "briefing-data.zip", dest / "briefing-data.zip")
            write_atomic(build / "params.yaml", yaml.safe_dump(params.plain() | {"base_dir": None},
                                                               sort_keys=False, allow_unicode=True))
            made = manifest(params, params_path, prepared.corpus_hash, backend, when)
            write_atomic(build / "manifest.json", json.dumps(made, indent=2))
            shutil.rmtree(build / ".prepared", ignore_errors=True)  # for the kernels only, not published
            checkpoint("swap")
            swap_into_place(build, dest)
        finally:
            if executor is not None:
                executor.close()
            if engine is not None:
                engine.close()
            if build.exists():
                shutil.rmtree(build, ignore_errors=True)
    result = RunResult(slug, dest, [dest / p.name for p in [*outputs, bundle]], backend,
                       time.perf_counter() - t0, [t.source.name for t, _ in tasks])
    progress(f"done in {result.seconds:.1f}s: {', '.join(str(p) for p in result.outputs)}")
    return result


def _clear_leftovers(reports: Path, slug: str, progress: Progress) -> None:
    """Remove what runs of this briefing that died left behind: their build folders and the
    previous briefing a swap had set aside. Only the holder of the briefing's lock makes these,
    and we hold it now, so whatever is there belongs to a run that is gone."""
    dead = [*reports.glob(f".build-{slug}-*"), *reports.glob(f".old-{slug}-*")]
    for folder in dead:
        shutil.rmtree(folder, ignore_errors=True)
    if dead:
        progress(f"removed {len(dead)} folder{'s' * (len(dead) != 1)} left by an interrupted run")
    from briefing.build.kernel import sweep_sockets

    sweep_sockets()  # kernels of killed runs leave their socket files in the temporary folder


def _prepared_line(prepared: Prepared) -> str:
    n = len(prepared.documents)
    done = ", ".join(f"{stage} {k:,}" for stage, k in prepared.computed.items())
    sentences = int(prepared.documents["sentences"].sum())
    return (f"corpus ready: {n:,} article{'s' * (n != 1)}, {sentences:,} sentences "
            f"(documents computed per stage, the rest from the cache: {done})")


def _plan(notebooks: list[Path], values: dict, inputs: str, out: Path, previous: Path
          ) -> tuple[list[tuple[Task, str]], list[str]]:
    """The notebooks to execute (with their inputs keys), after copying in every executed
    notebook of the previous briefing whose inputs are unchanged."""
    out.mkdir(parents=True, exist_ok=True)
    tasks, reused = [], []
    for i, nb in enumerate(notebooks, 1):
        given = {k: v for k, v in values.items() if k in declared_parameters(nb)}
        key = notebook_key(nb, given, inputs)
        old = previous / nb.name
        if old.is_file() and stored_key(old) == key:
            shutil.copy2(old, out / nb.name)
            reused.append(nb.name)
        else:
            tasks.append((Task(nb, out / nb.name, given, f"{i}/{len(notebooks)}"), key))
    return tasks, reused


def _keep_results(previous: Path, results: Path) -> None:
    """Section results the reused notebooks showed, carried over from the previous briefing
    (the notebooks that ran put theirs in `results` themselves)."""
    if not previous.is_dir():
        return
    from briefing.store.results import _link_into

    for folder in previous.iterdir():
        if folder.is_dir() and not (results / folder.name).exists():
            _link_into(folder, results / folder.name)


def _periods_line(params: Params) -> str | None:
    """The default subtitle, naming the periods; none when the title already names them all."""
    names = [p.name for p in params.periods]
    if all(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", params.title) for n in names):
        return None
    return "Coverage compared: " + " vs ".join(names)
