"""A growing archive, end to end: `briefing run` on the realistic corpus, each run in a child
process with a memory and a time limit, next to the VADER baseline of the same run.

At the reference size (10,000 articles, or the run's size when smaller): cold, then a rerun
after adding 100 articles, then a rerun after adding one article with nothing else changed;
at a larger run size (`--size 100k`) also cold. Memory is the peak PSS of the child's process
tree (kernels and workers included), sampled. A run that passes the memory limit
($BENCH_MEMORY_LIMIT GiB, default 60% of the machine) or the time limit ($BENCH_TIME_LIMIT
seconds, default 4 hours) is stopped and reported as such, and the benchmark goes on. The
VADER baseline of a size is NLTK's analyzer over the sentences that size's cold run kept in
its per-document cache, read in batches (bounded memory at any size). Closes with the targets of issue 21.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import yaml

from benchmarks import harness as H

REFERENCE = 10_000
GIB = 2**30
#: The streamed VADER baselines of this benchmark, by size (the closing table keeps an in-process
#: baseline of the same size, timed earlier in the run, when there is one).
STREAMED: dict[int, H.Baseline] = {}


def memory_limit() -> int:
    value = os.environ.get("BENCH_MEMORY_LIMIT")
    return int(float(value) * GIB) if value else int(0.6 * psutil.virtual_memory().total)


def time_limit() -> float:
    return float(os.environ.get("BENCH_TIME_LIMIT", 4 * 3600))


def _kill_tree(pid: int) -> None:
    """Stop the process this benchmark started and every process under it (kernels start
    sessions of their own, so the tree is walked, not only the process group)."""
    try:
        procs = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    except psutil.Error:
        return
    for p in procs:
        try:
            p.send_signal(signal.SIGKILL)
        except psutil.Error:
            pass


def run_limited(name: str, n: int, params: Path, folder: Path) -> H.Stage:
    """`briefing run params` in a child process, timed, its tree's PSS sampled, within limits."""
    cmd = [sys.executable, "-m", "briefing", "run", str(params), "--reports", str(folder / "reports")]
    env = {**os.environ, "BRIEFING_CACHE_DIR": str(folder / "cache")}
    record, stopped = H.Stage(f"{name} ({H.label(n)})", n), []
    limit, seconds = memory_limit(), time_limit()
    log = (folder / "run.log").open("ab")
    proc = subprocess.Popen(cmd, env=env, cwd=H.ROOT, stdout=log, stderr=subprocess.STDOUT)

    def check(pss: int) -> None:
        if pss > limit and not stopped:
            stopped.append(f"stopped: over the memory limit ({limit / GIB:.1f} GiB PSS)")
            _kill_tree(proc.pid)

    cpu0 = os.times()
    with H.PeakSampler(interval=0.25, root=proc.pid, on_sample=check) as sampler:
        start = time.perf_counter()
        try:
            rc = proc.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            stopped.append(f"stopped: over the time limit ({seconds:,.0f} s)")
            _kill_tree(proc.pid)
            rc = proc.wait()
        record.seconds = time.perf_counter() - start
    log.close()
    cpu1 = os.times()
    record.cpu = cpu1.children_user + cpu1.children_system - cpu0.children_user - cpu0.children_system
    record.peak = sampler.peak
    if stopped:
        record.status = stopped[0]
    elif rc != 0:
        last = (folder / "run.log").read_text(errors="replace").strip().splitlines()[-1:] or [""]
        record.status = f"failed (exit {rc}{': killed, out of memory?' if rc == -9 else ''}): {last[0][:80]}"
    H.STAGES.append(record)
    return record


def streamed_baseline(n: int, cache: Path) -> H.Baseline | None:
    """NLTK VADER over the sentences the cold run kept in its per-document cache (every
    article's, once per content key), read 50,000 sentences at a time. (The sentiment result
    lists only the quoted sentences above 50,000, so it is no longer the corpus.)"""
    import pyarrow.parquet as pq

    from briefing.measures import vader

    segments = sorted((cache / "docs" / "sentences").glob("*/seg-*.parquet"))
    if not segments:
        print(f"  no VADER baseline at {H.label(n)}: the run kept no sentences in {cache}")
        return None
    sia, count, seconds = vader.analyzer(), 0, 0.0
    for segment in segments:
        for batch in pq.ParquetFile(segment).iter_batches(batch_size=50_000, columns=["text"]):
            texts = batch.column(0).to_pylist()
            start = time.perf_counter()
            for t in texts:
                sia.polarity_scores(t)
            seconds += time.perf_counter() - start
            count += len(texts)
    STREAMED[n] = H.Baseline(count, seconds)
    H.BASELINES.setdefault(n, STREAMED[n])
    H.STAGES.append(H.Stage(f"baseline: plain NLTK VADER, streamed ({H.label(n)})", n, seconds, seconds,
                            H.tree_pss()))
    return STREAMED[n]


def _add_articles(corpus: Path, count: int, first: int) -> None:
    """Append `count` new articles (ids from `first` + 1) of the same generator to `corpus`."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from benchmarks.realistic import write_corpus

    extra = write_corpus(corpus.with_name(f"extra-{first}.parquet"), count, first=first)
    old = pq.read_table(corpus)  # a corpus cached by an older generator was written by pandas:
    old = old.replace_schema_metadata(None)  # its schema carries pandas' metadata; drop it
    table = pa.concat_tables([old, pq.read_table(extra).select(old.column_names).cast(old.schema)])
    tmp = corpus.with_name(f".{corpus.name}.tmp")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, corpus)
    extra.unlink()


def _params(folder: Path, corpus: Path, n: int) -> Path:
    params = {k: v for k, v in H.bench_params(corpus).plain().items() if k != "base_dir"}
    path = folder / f"params-realistic-{n}.yaml"
    path.write_text(yaml.safe_dump(params, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _results(folder: Path) -> Path | None:
    found = sorted((folder / "reports").glob("*/results"))
    return found[0] if found else None


def _line(st: H.Stage, base: H.Baseline | None) -> str:
    if st.status != "ok":
        return f"{st.name}: {st.status} after {st.seconds:,.1f} s, peak {st.peak / GIB:.2f} GiB PSS"
    ratio = H.against(st.seconds, base) if base else f"{st.seconds:8.2f} s (no VADER baseline)"
    return f"{st.name}: {ratio}; peak {st.peak / GIB:.2f} GiB PSS of the process tree"


def realistic(n: int) -> None:
    """The archive benchmark at the run's size `n` (and at 10,000 articles when `n` is larger)."""
    ref = min(n, REFERENCE)
    sizes = [ref] + ([n] if n > ref else [])
    print(f"limits per run: {memory_limit() / GIB:.1f} GiB PSS, {time_limit():,.0f} s")
    runs: dict[str, H.Stage] = {}
    H.CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=H.CACHE_DIR) as tmp:  # inside the checkout: runs find notebooks/
        for size in sizes:
            folder = Path(tmp) / str(size)
            folder.mkdir()
            corpus = H.corpus(size)
            if size == ref:  # articles are added to it: a copy of its own
                corpus = folder / "corpus.parquet"
                corpus.write_bytes(H.corpus(size).read_bytes())
            params = _params(folder, corpus, size)
            cold = run_limited("archive: briefing run cold, HTML + PDF", size, params, folder)
            runs[f"cold {size}"] = cold
            results = _results(folder) if cold.status == "ok" else None
            base = streamed_baseline(size, folder / "cache") if results else None
            print(_line(cold, base))
            if size != ref:
                continue
            if cold.status != "ok":
                print(f"  reruns at {H.label(size)} not run: the cold run did not finish")
                continue
            for count, first, what in ((100, size, "100 articles"), (1, size + 100, "one article")):
                _add_articles(corpus, count, first)
                st = run_limited(f"archive: rerun after adding {what}", size, params, folder)
                runs[f"+{count}"] = st
                share = f" = {st.seconds / cold.seconds:.1%} of the cold run" if st.status == "ok" else ""
                print(_line(st, base) + share)
                if st.status != "ok":
                    break
            _section_seconds(results)
    _targets(runs, ref, n)


def _section_seconds(results: Path | None) -> None:
    for folder in sorted(results.iterdir()) if results else []:
        record = json.loads((folder / "inputs.json").read_text(encoding="utf-8"))
        print(f"  section {folder.name:10} computed in {float(record.get('seconds', float('nan'))):8.2f} s")


def _verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else ("met" if ok else "NOT MET")


def _targets(runs: dict[str, H.Stage], ref: int, n: int) -> None:
    """The targets of issue 21, each met or not, into the closing table."""
    cold, more, one = runs.get(f"cold {ref}"), runs.get("+100"), runs.get("+1")
    big = runs.get(f"cold {n}") if n > ref else None
    base = STREAMED.get(ref)
    at = f"at {H.label(ref)}" + ("" if ref == REFERENCE else " (the target is at 10k)")
    done = [s for s in (cold, more, one) if s and s.status == "ok"]

    def ok(st: H.Stage | None) -> bool:
        return st is not None and st.status == "ok"

    rows = []
    target = "rerun after adding 100 articles: at most 10% of cold"
    if ok(cold) and ok(more):
        r = more.seconds / cold.seconds
        rows.append((target, f"{r:.1%} {at}", _verdict(r <= 0.10)))
    else:
        rows.append((target, "did not finish", _verdict(False)))
    target = "10k cold, end to end: at most 1 x the VADER baseline"
    if ok(cold) and base:
        r = cold.seconds / base.seconds
        rows.append((target, f"{r:.2f} x {at}", _verdict(r <= 1)))
    else:
        rows.append((target, "did not finish", _verdict(False)))
    if ok(one) and ok(cold):
        rows.append(("rerun after adding one article (no target; for reference)",
                     f"{one.seconds / cold.seconds:.1%} of cold"
                     + (f", {one.seconds / base.seconds:.2f} x VADER" if base else ""), "—"))
    if big is None:
        rows.append(("100k cold: at most 12 x the 10k time, peak at most 4 GiB PSS",
                     f"not run (--size {H.label(n)})", _verdict(None)))
    else:
        measured = big.status if big.status != "ok" else (
            f"{big.seconds / cold.seconds:.1f} x the {H.label(ref)} time, peak {big.peak / GIB:.2f} GiB"
            if ok(cold) else f"{big.seconds:.0f} s, peak {big.peak / GIB:.2f} GiB")
        met = ok(big) and ok(cold) and big.seconds <= 12 * cold.seconds and big.peak <= 4 * GIB
        rows.append(("100k cold: at most 12 x the 10k time, peak at most 4 GiB PSS", measured, _verdict(met)))
    peaks = [s.peak for s in done]
    if peaks:
        rows.append((f"peak memory {at}, any run: for reference", f"{max(peaks) / GIB:.2f} GiB PSS", "—"))
    H.TARGETS.extend(rows)
