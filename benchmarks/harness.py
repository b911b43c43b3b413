"""What every benchmark shares: the corpus size, the prepared realistic corpus, the baselines, stages.

Timings on a shared 2-core machine are noisy, so no figure stands alone: each is printed next to
a baseline timed in the same run, above all plain NLTK VADER scoring the same corpus's sentences
in one process (the yardstick of issue 12), and memory next to what the process tree held with
the prepared corpus loaded. Every stage is recorded, and `python -m benchmarks` closes with a
table of them all.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import psutil

from benchmarks.realistic import CACHE as CACHE_DIR
from benchmarks.realistic import PERIODS, corpus_file

__all__ = ["CACHE_DIR", "ROOT", "SIZES", "bench_params", "corpus", "prepared", "baseline", "stage", "summary"]

ROOT = Path(__file__).resolve().parents[1]
SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000}
MIB = 2**20


def parse_size(text: str) -> int:
    """'1k', '10k', '100k' (or a plain number of articles) as a number of articles."""
    text = text.strip().lower()
    if text in SIZES:
        return SIZES[text]
    try:
        n = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise SystemExit(f"size {text!r}: use 1k, 10k, 100k or a number of articles") from None
    if n < 100:
        raise SystemExit(f"size {n}: at least 100 articles (two periods need some of each)")
    return n


def size() -> int:
    """The number of articles of this run: `--size` (set into $BENCH_SIZE by __main__), default 10k."""
    return parse_size(os.environ.get("BENCH_SIZE", "10k"))


def label(n: int) -> str:
    return next((k for k, v in SIZES.items() if v == n), f"{n:,}")


# --- memory of the process tree ------------------------------------------------------------------

def tree_pss(root: int | None = None) -> int:
    """Proportional set size of a process and all its descendants (notebook kernels, workers),
    bytes: each shared page counted once in all, as the machine sees memory in use, unlike summed
    RSS, which counts pages a forked worker shares with its parent twice. Falls back to RSS for a
    process whose PSS cannot be read. `root`: that process's tree (default: this process's)."""
    try:
        top = psutil.Process(root)
        procs = [top, *top.children(recursive=True)]
    except psutil.Error:  # the root ended
        return 0
    total = 0
    for p in procs:
        try:
            total += p.memory_full_info().pss
        except psutil.AccessDenied:
            try:
                total += p.memory_info().rss
            except psutil.Error:
                pass
        except psutil.Error:  # a child that ended between listing and reading
            pass
    return total


#: Kept under its old name: the benchmarks' memory figure (now PSS, not summed RSS).
tree_rss = tree_pss


class PeakSampler:
    """Samples `tree_pss` of a process tree every `interval` seconds in a thread and keeps the
    peak; `on_sample(pss)`, when given, is called with each sample (to enforce a limit)."""

    def __init__(self, interval: float = 0.1, root: int | None = None, on_sample=None) -> None:  # noqa: ANN001
        self.interval, self.root, self.on_sample = interval, root, on_sample
        self.peak = tree_pss(root)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            now = tree_pss(self.root)
            self.peak = max(self.peak, now)
            if self.on_sample is not None:
                self.on_sample(now)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, tree_pss(self.root))


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


# --- stages ----------------------------------------------------------------------------------------

@dataclass
class Stage:
    """One timed stage: seconds and peak memory of the process tree, with the run's baselines."""

    name: str
    size: int | None = None
    seconds: float = 0.0
    #: CPU seconds of this process and of the children it waited for (kernels, workers): a check on
    #: `seconds` when other work shares the cores.
    cpu: float = 0.0
    peak: int = 0
    #: "ok", or what stopped it: "over the memory limit (16.0 GiB)", "over the time limit", ...
    status: str = "ok"


#: Every stage timed in this process, in order (the closing table of `python -m benchmarks`).
STAGES: list[Stage] = []
#: Targets checked in this run: (target, measured, "met" / "NOT MET" / "not measured").
TARGETS: list[tuple[str, str, str]] = []


@contextmanager
def stage(name: str, n: int | None = None) -> Iterator[Stage]:
    """Time a block and sample the process tree's memory while it runs; record it in STAGES.

    `n`: the corpus size the stage ran on, so the closing table sets it against that size's baselines.
    """
    record = Stage(f"{name} ({label(n)})" if n else name, n)
    with PeakSampler() as sampler:
        cpu0, start = _cpu(), time.perf_counter()
        yield record
        record.seconds = time.perf_counter() - start
        record.cpu = _cpu() - cpu0
    record.peak = sampler.peak
    STAGES.append(record)


# --- the corpus and the baselines ----------------------------------------------------------------

def bench_params(corpus: Path, **extra: object):  # noqa: ANN201 - briefing.params.Params
    """Params for the realistic corpus: its two periods, names that recur in it, default sections."""
    from briefing import params as P

    return P.validate({
        "title": "Realistic benchmark corpus (made-up articles)", "corpus": str(corpus),
        "periods": [{"name": p, "start": f"{p}-01-01", "end": f"{p}-12-31"} for p in PERIODS],
        "actors": [{"name": "Donald Trump", "aliases": ["Trump", "President Trump"]},
                   {"name": "China"}, {"name": "United States", "aliases": ["U.S.", "US"]},
                   {"name": "Russia"}],
        "outputs": ["html", "pdf"], **extra})


@lru_cache(maxsize=4)
def corpus(n: int) -> Path:
    """The realistic corpus of `n` articles (made once, then read from .benchmarks/)."""
    t0 = time.perf_counter()
    path = corpus_file(n)
    dt = time.perf_counter() - t0
    if dt > 1:
        print(f"  (made the realistic corpus of {n:,} articles in {dt:.0f} s: {path.relative_to(ROOT)})")
    return path


@lru_cache(maxsize=2)
def prepared(n: int):  # noqa: ANN201 - briefing.corpus.prepare.Prepared
    """The prepared corpus of `n` realistic articles, timed as the stage 'prepare'."""
    from briefing.corpus.prepare import prepare

    path = corpus(n)
    with stage("prepare", n):  # cold: nothing read from the per-document cache, nothing kept
        return prepare(bench_params(path), cache=False)


@dataclass(frozen=True)
class Baseline:
    """Plain NLTK VADER scoring every prepared sentence in one process, and the memory floor."""

    sentences: int
    seconds: float
    #: Memory of the process tree holding the prepared corpus (0: not measured, e.g. a baseline
    #: streamed from a briefing's sentence table, which never holds the corpus).
    corpus_rss: int = 0


#: The baselines measured in this process, by corpus size.
BASELINES: dict[int, Baseline] = {}


@lru_cache(maxsize=2)
def baseline(n: int) -> Baseline:
    """The yardstick of this run: NLTK's SentimentIntensityAnalyzer on the same sentences, one process."""
    from briefing.measures import vader

    prep = prepared(n)
    rss = tree_rss()
    sia = vader.analyzer()
    texts = prep.sentences["text"].tolist()
    with stage("baseline: plain NLTK VADER", n) as s:
        for t in texts:
            sia.polarity_scores(t)
    BASELINES[n] = Baseline(len(texts), s.seconds, rss)
    return BASELINES[n]


def against(seconds: float, base: Baseline) -> str:
    """'12.30 s = 0.17 × VADER baseline (72.0 s)': a figure next to the run's baseline."""
    return f"{seconds:8.2f} s = {seconds / base.seconds:5.2f} × VADER baseline ({base.seconds:.1f} s)"


def memory(peak: int, base: Baseline) -> str:
    """'1,234 MiB = 1.8 × corpus baseline (700 MiB)': a peak next to the memory of the loaded corpus."""
    if not base.corpus_rss:
        return f"{peak / MIB:8,.0f} MiB"
    return (f"{peak / MIB:8,.0f} MiB = {peak / base.corpus_rss:5.2f} × corpus baseline "
            f"({base.corpus_rss / MIB:,.0f} MiB)")


def scratch() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="briefing-bench-")


def summary() -> str:
    """The closing table: every stage of the run with its ratios to the baselines of its size;
    a stage stopped by a limit or failed says so instead of its figures."""
    lines = [f"{'stage':52} {'seconds':>8} {'x VADER':>8} {'CPU s':>8} {'peak MiB':>9} {'x corpus':>9}"]
    for st in STAGES:
        base = BASELINES.get(st.size)
        ratio = f"{st.seconds / base.seconds:8.2f}" if base and base.seconds else f"{'':8}"
        mem = f"{st.peak / base.corpus_rss:9.2f}" if base and base.corpus_rss else f"{'':9}"
        line = f"{st.name:52} {st.seconds:8.2f} {ratio} {st.cpu:8.1f} {st.peak / MIB:9,.0f} {mem}"
        lines.append(line if st.status == "ok" else f"{line}  {st.status.upper()}")
    bases = []
    for n, b in BASELINES.items():
        line = (f"VADER baseline ({label(n)}): plain NLTK VADER, {b.sentences:,} sentences in one process, "
                f"{b.seconds:.1f} s")
        if b.corpus_rss:
            line += f"; corpus baseline: {b.corpus_rss / MIB:,.0f} MiB (the tree holding the prepared corpus)"
        bases.append(line)
    lines += [*bases, "peak MiB: proportional set size (PSS) of the process tree, sampled"]
    if TARGETS:
        lines += ["", "targets of issue 21 (ratios to baselines of this run):"]
        lines += [f"  {t:62} {m:44} {v}" for t, m, v in TARGETS]
    return "\n".join(lines)
