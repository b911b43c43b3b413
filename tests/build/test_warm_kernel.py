"""A warm kernel lets go of each notebook's tables as soon as the notebook is done."""

from __future__ import annotations

import queue

from briefing.build import execute
from briefing.build.execute import RESET, Worker


class Recording(Worker):
    """A worker whose kernel is a list of what it was asked to do."""

    calls: list[str]

    def _start_kernel(self) -> None:
        self.calls = ["start"]

    def _alive(self) -> bool:
        return True

    def _execute(self, task) -> None:  # noqa: ANN001 - a Task
        self.calls.append(f"execute {task}")

    def _run_code(self, code: str, timeout: float) -> None:
        self.calls.append("reset" if code == RESET else code)

    def shutdown(self) -> None:
        self.calls.append("shutdown")


def test_the_namespace_is_reset_and_memory_released_after_each_notebook(tmp_path, monkeypatch):
    monkeypatch.setattr(execute, "_register_engine", lambda: None)
    tasks: queue.Queue = queue.Queue()
    for item in ("a", "b", None):
        tasks.put(item)
    done: list[tuple[str, object]] = []
    worker = Recording(tmp_path, tasks, lambda t, e: done.append((t, e)), print, {})
    worker.run()
    assert worker.calls == ["start", "execute a", "reset", "execute b", "reset", "shutdown"]
    assert done == [("a", None), ("b", None)]
    assert "release" in RESET and "reset(new_session=True)" in RESET
