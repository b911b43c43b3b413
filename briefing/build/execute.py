"""Execute the section notebooks with papermill, on kernels started once and kept warm.

Each worker thread starts one kernel when the run begins (so kernel start-up and the imports
overlap the corpus preparation) and runs its notebooks on it in turn, resetting the
namespace between them, through a papermill engine registered here (`briefing-warm`). The
notebooks that read other sections' results (metadata `briefing.reads_sections`) run after
all the others. A notebook whose inputs did not change since the previous briefing (its
source, the parameters it is given, the prepared corpus, the package) is not executed again:
the executed copy is reused.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefing.errors import BriefingError, RunError, one_line

ENGINE = "briefing-warm"
#: What each kernel imports while the corpus is prepared (kept across the notebooks it runs).
WARMUP = """
import matplotlib
matplotlib.use("module://matplotlib_inline.backend_inline")
import matplotlib.pyplot
import briefing.notebook, briefing.present
import briefing.sections.summary, briefing.sections.overview, briefing.sections.appendix
import briefing.sections.sentiment.figures, briefing.sections.framing.tables, briefing.sections.topics.tables
"""
#: Run in a kernel between notebooks: a fresh namespace, no figures, freed memory handed back.
RESET = ("get_ipython().reset(new_session=True)\nimport matplotlib.pyplot as _plt\n_plt.close('all')\n"
         "del _plt\nfrom briefing.compute.memory import release as _release\n_release()\ndel _release")


@dataclass
class Task:
    """One notebook to execute: where it comes from, where the executed copy goes."""

    source: Path
    target: Path
    parameters: dict[str, Any]
    label: str


def declared_parameters(notebook: Path) -> set[str]:
    """Names assigned in the notebook's `parameters` cell (papermill warns about any others)."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            source = "".join(cell.get("source", ""))
            return set(re.findall(r"^([A-Za-z_]\w*)\s*(?::[^=]*)?=", source, re.M))
    return set()


def reads_sections(notebook: Path) -> bool:
    """Whether the notebook reads other sections' results, so runs after them."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    return bool(nb.get("metadata", {}).get("briefing", {}).get("reads_sections"))


def stored_key(executed: Path) -> str | None:
    """The inputs key recorded in an executed notebook (None when there is none)."""
    try:
        nb = json.loads(executed.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return nb.get("metadata", {}).get("briefing", {}).get("inputs_key")


def record_key(executed: Path, key: str) -> None:
    """Write the inputs key into an executed notebook's metadata."""
    from briefing.files import write_atomic

    nb = json.loads(executed.read_text(encoding="utf-8"))
    nb.setdefault("metadata", {}).setdefault("briefing", {})["inputs_key"] = key
    write_atomic(executed, json.dumps(nb, indent=1, ensure_ascii=False) + "\n")


_REGISTERING = threading.Lock()
_registered: list[bool] = []


def _register_engine() -> None:
    """Register the warm-kernel engine with papermill (once per process, from any thread)."""
    with _REGISTERING:
        if not _registered:
            _define_engine()
            _registered.append(True)


def _quick_papermill_import() -> None:
    """papermill imports nbformat, which imports jsonschema, which builds a grammar for the IRI
    format checker of the optional rfc3987-syntax package at import: 2 s of CPU on the run's
    critical path, for a format no notebook schema uses. Marking that optional package absent
    (as on an installation without it) skips only that checker."""
    import sys

    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)


def _define_engine() -> None:
    _quick_papermill_import()
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger
    from papermill.utils import merge_kwargs, remove_args

    class WarmKernelEngine(NBClientEngine):
        """papermill's nbclient engine on a kernel that is already running (`km`), which it
        leaves running; its client's channels are closed after each notebook."""

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            final = merge_kwargs(kwargs, timeout=execution_timeout, startup_timeout=start_timeout,
                                 kernel_name=kernel_name, log=logger, log_output=log_output,
                                 stdout_file=stdout_file, stderr_file=stderr_file)
            client = PapermillNotebookClient(nb_man, **final)
            try:
                return client.execute()
            finally:
                if client.kc is not None:
                    client.kc.stop_channels()

    papermill_engines.register(ENGINE, WarmKernelEngine)


class Worker(threading.Thread):
    """A thread with one warm kernel, executing the notebooks it takes from a queue."""

    def __init__(self, root: Path, tasks: queue.Queue, done: Callable[[Task, Exception | None], None],
                 progress: Callable[[str], None], env: dict[str, str]) -> None:
        super().__init__(daemon=True)
        self.root, self.tasks, self.done, self.progress, self.env = root, tasks, done, progress, env
        self.km = None
        self.ready = threading.Event()
        self.start_error: Exception | None = None

    def _start_kernel(self) -> None:
        from jupyter_core.utils import run_sync

        from briefing.build.kernel import kernel_manager_class, kernel_name

        # the async manager, as papermill itself uses: nbclient polls an async client, and only
        # then notices a kernel that dies mid-cell
        self.km = kernel_manager_class()(kernel_name=kernel_name())
        run_sync(self.km.start_kernel)(cwd=str(self.root), env={**os.environ, **self.env})
        self._run_code(WARMUP, 300)

    def _alive(self) -> bool:
        from jupyter_core.utils import run_sync

        return bool(run_sync(self.km.is_alive)())

    def _run_code(self, code: str, timeout: float) -> None:
        """Run `code` in the kernel, outside any notebook. The client is closed before papermill's
        connects: clients of one manager share an identity, and the kernel routes replies to
        the newest connection."""
        from jupyter_client.blocking import BlockingKernelClient

        # the manager as parent: the client then asks it whether the kernel process lives, where
        # a client of its own would judge by the heartbeat, which a busy machine delays past its 1 s
        # and which then reads as "Kernel died before replying to kernel_info"
        kc = BlockingKernelClient(parent=self.km)
        kc.load_connection_info(self.km.get_connection_info())
        # no heartbeat: on a loaded machine a kernel still starting misses beats and would be taken
        # for dead; whether the process lives is the manager's to say (see `_alive`)
        kc.start_channels(hb=False)
        try:
            kc.wait_for_ready(timeout=120)
            reply = kc.execute_interactive(code, store_history=False, timeout=timeout,
                                           output_hook=lambda msg: None)
        finally:
            kc.stop_channels()
        if reply["content"].get("status") != "ok":
            raise RuntimeError(f"{reply['content'].get('ename')}: {reply['content'].get('evalue')}")

    def run(self) -> None:
        try:
            self._start_kernel()
            _register_engine()  # imports papermill here, not on the thread preparing the corpus
        except Exception as exc:  # noqa: BLE001 - reported when a notebook needs the kernel
            self.start_error = exc
        self.ready.set()
        first = True
        while True:
            task = self.tasks.get()
            if task is None:
                break
            try:
                if self.start_error is not None:
                    raise self.start_error
                if not first or not self._alive():
                    self._reset()
                first = False
                self._execute(task)
                self.done(task, None)
            except Exception as exc:  # noqa: BLE001 - handed to the run, which reports it
                self.done(task, exc)
                continue
            try:  # let go of the notebook's tables now, not when the next one starts: a kernel
                self._run_code(RESET, 120)  # waiting for its next notebook would hold them
                first = True
            except Exception:  # noqa: BLE001, S110 - the next notebook resets (or replaces) it
                pass
        self.shutdown()

    def _reset(self) -> None:
        if not self._alive():  # a kernel that died in an earlier notebook is replaced
            self.shutdown()
            self._start_kernel()
            return
        self._run_code(RESET, 120)

    def _execute(self, task: Task) -> None:
        import papermill as pm

        from briefing.build.kernel import kernel_name
        from briefing.build.progress import heartbeat

        self.progress(f"executing {task.label}: {task.source.name}")
        t0 = time.perf_counter()
        with heartbeat(self.progress, lambda s: f"still executing {task.source.name} ({s:.0f}s)"):
            pm.execute_notebook(str(task.source), str(task.target), parameters=task.parameters,
                                engine_name=ENGINE, kernel_name=kernel_name(), km=self.km,
                                progress_bar=False, log_output=False)
        self.progress(f"finished {task.source.name} in {time.perf_counter() - t0:.1f}s")

    def shutdown(self) -> None:
        if self.km is not None:
            from jupyter_core.utils import run_sync

            try:
                run_sync(self.km.shutdown_kernel)(now=True)
            except Exception:  # noqa: BLE001 - a kernel that is already gone
                pass
            self.km = None


class Executor:
    """Warm kernels for one run: started at once, given notebooks in phases, shut down at the end."""

    def __init__(self, root: Path, jobs: int, progress: Callable[[str], None],
                 env: dict[str, str] | None = None) -> None:
        import logging

        logging.getLogger("papermill").setLevel(logging.CRITICAL)  # failures are reported as RunError
        self.tasks: queue.Queue = queue.Queue()
        self.lock = threading.Lock()
        self.results: dict[Path, Exception | None] = {}
        self.finished = threading.Condition(self.lock)
        self.workers = [Worker(root, self.tasks, self._done, progress, env or {})
                        for _ in range(max(1, jobs))]
        for w in self.workers:
            w.start()

    def _done(self, task: Task, error: Exception | None) -> None:
        with self.finished:
            self.results[task.source] = error
            self.finished.notify_all()

    def run(self, tasks: list[Task], failed_dir: Path) -> None:
        """Execute `tasks` (at once, over the workers); raise RunError for the first that failed,
        in notebook order, keeping its partly executed copy in `failed_dir`."""
        for t in tasks:
            self.tasks.put(t)
        with self.finished:
            self.finished.wait_for(lambda: all(t.source in self.results for t in tasks))
        for t in tasks:
            error = self.results[t.source]
            if error is not None:
                raise _run_error(t, error, failed_dir)

    def close(self) -> None:
        for _ in self.workers:
            self.tasks.put(None)
        for w in self.workers:
            w.join(timeout=60)


def _run_error(task: Task, exc: Exception, failed_dir: Path) -> RunError:
    from nbclient.exceptions import DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, OSError):
        from briefing.build.faults import resource_error

        error = resource_error(exc, failed_dir.parent.parent)
        if error is not None:
            return error
    kept = _keep_failed(task.target, failed_dir) if task.target.exists() else None
    where = f"; partly executed notebook kept at {kept}" if kept else ""
    if isinstance(exc, DeadKernelError):
        return RunError(f"the kernel running notebook {task.source.name} died (most often for lack of "
                        f"memory: run with --jobs 1, or on a machine with more memory){where}; the previous "
                        "briefing is unchanged")
    if isinstance(exc, PapermillExecutionError) and exc.ename in _user_error_names():
        # bad input found inside the notebook: say it as such, on one line
        return RunError(f"{one_line(exc.evalue)} (found by notebook {task.source.name}; the previous "
                        "briefing is unchanged)", code=2)
    if isinstance(exc, PapermillExecutionError):
        first = str(exc.evalue).splitlines()[0] if exc.evalue else ""
        if "[Errno 28]" in first or "[Errno 122]" in first:  # ENOSPC, EDQUOT inside the kernel
            return RunError(f"no space left on the device while notebook {task.source.name} wrote its "
                            f"results ({first}); free some space and run again{where}; the previous "
                            "briefing is unchanged", code=74)
        return RunError(f"notebook {task.source.name} failed at cell {exc.cell_index} (execution count "
                        f"{exc.exec_count}): {exc.ename}: {first}{where}; the previous briefing is unchanged")
    text = str(exc).splitlines()[0] if str(exc) else ""
    return RunError(f"notebook {task.source.name} could not be executed ({type(exc).__name__}: {text})"
                    f"{where}; the previous briefing is unchanged")


def _user_error_names() -> set[str]:
    """Class names of every BriefingError (ParamsError, CorpusError, LexiconError...): the errors
    that mean the input is wrong, not the code."""
    import briefing.measures.lexicon  # noqa: F401 - defines LexiconError

    names, todo = set(), [BriefingError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return names - {"RunError"}


def _keep_failed(notebook: Path, failed_dir: Path) -> Path | None:
    """A copy of the partly executed notebook for debugging (None when it cannot be written)."""
    try:
        failed_dir.mkdir(parents=True, exist_ok=True)
        dest = failed_dir / notebook.name
        shutil.copy2(notebook, dest)
    except OSError:
        return None
    return dest
