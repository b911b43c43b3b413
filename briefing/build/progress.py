"""Progress on stderr: one whole line per event, and counted progress for long stages.

Events (`Progress("...")`) are written as whole lines under a lock, so two notebooks starting
at once never share a line. A counted stage (`with progress.task("cleaning", total, "articles")
as step: step(n)`) draws a tqdm bar on a terminal, and elsewhere (a log, CI) prints a plain line
at most every `every` seconds with the count, the rate and the elapsed time, and one when done.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO


class Progress:
    """Progress lines on stderr; silent when quiet."""

    def __init__(self, quiet: bool = False, stream: TextIO | None = None, every: float = 10.0) -> None:
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self.every = every
        self.t0 = time.perf_counter()
        self._lock = threading.Lock()

    def elapsed(self) -> float:
        return time.perf_counter() - self.t0

    def __call__(self, message: str) -> None:
        if self.quiet:
            return
        line = f"[{self.elapsed():6.1f}s] {message}\n"
        with self._lock:
            self.stream.write(line)
            self.stream.flush()

    def _terminal(self) -> bool:
        return bool(getattr(self.stream, "isatty", lambda: False)())

    @contextmanager
    def task(self, what: str, total: int, unit: str) -> Iterator[Callable[[int], None]]:
        """Count `total` `unit`s of `what`; the callable yielded adds to the count."""
        if self.quiet or total <= 0:
            yield lambda n: None
            return
        started = time.perf_counter()
        if self._terminal():
            from tqdm import tqdm

            with self._lock:
                bar = tqdm(total=total, desc=what, unit=f" {unit}", file=self.stream, leave=False,
                           dynamic_ncols=True, mininterval=0.5)
            try:
                yield lambda n: bar.update(n)
            finally:
                bar.close()
        else:
            state = {"done": 0, "shown": started}

            def step(n: int) -> None:
                state["done"] += n
                now = time.perf_counter()
                if now - state["shown"] >= self.every and state["done"] < total:
                    state["shown"] = now
                    rate = state["done"] / max(now - started, 1e-9)
                    self(f"{what}: {state['done']:,} of {total:,} {unit} ({rate:,.0f}/s, "
                         f"{now - started:.0f}s)")

            yield step
        seconds = time.perf_counter() - started
        units = unit[:-1] if total == 1 and unit.endswith("s") else unit  # "1 article", not "1 articles"
        self(f"{what}: {total:,} {units} in {seconds:.1f}s")


@contextmanager
def heartbeat(progress: Progress, message: Callable[[float], str], every: float = 30.0) -> Iterator[None]:
    """While the block runs, a line every `every` seconds (`message(seconds so far)`): a long
    step that reports nothing itself (a notebook computing a section) still shows it is alive."""
    stop = threading.Event()
    started = time.perf_counter()

    def beat() -> None:
        while not stop.wait(every):
            progress(message(time.perf_counter() - started))

    thread = threading.Thread(target=beat, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
