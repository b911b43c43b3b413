"""Progress: whole lines, counted stages with counts and elapsed time, nothing when quiet."""

from __future__ import annotations

import io
import re
import threading

from conftest import base_params, write_corpus

from briefing import params as params_mod
from briefing.build.progress import Progress, heartbeat
from briefing.corpus.prepare import prepare
from briefing.measures.per_sentence import vader_scores
from briefing.store.cache import DocumentCache


def test_lines_from_many_threads_never_share_a_line():
    out = io.StringIO()
    progress = Progress(stream=out)
    threads = [threading.Thread(target=lambda i=i: [progress(f"event {i}-{k}") for k in range(200)])
               for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = out.getvalue().splitlines()
    assert len(lines) == 1600
    assert all(re.fullmatch(r"\[\s*\d+\.\ds\] event \d-\d+", line) for line in lines)


def test_preparing_a_corpus_reports_each_stage_with_counts_and_time(tmp_path):
    rows = [{"id": f"a{i}", "title": f"Article {i}", "outlet": "Outlet", "date": f"202{2 + i % 2}-03-01",
             "text": f"Article number {i} says the summit went well.\n\nBiden met the president."}
            for i in range(40)]
    write_corpus(tmp_path / "corpus", rows)
    params = params_mod.validate({**base_params("corpus/corpus.jsonl"), "base_dir": str(tmp_path),
                                  "dedup": "keep"})  # the articles repeat one another on purpose
    out = io.StringIO()
    progress = Progress(stream=out, every=0.0)
    prepared = prepare(params, cache=DocumentCache(tmp_path / "cache"), progress=progress)
    vader_scores(prepared)
    text = out.getvalue()
    assert re.search(r"read 40 articles in \d+\.\ds", text), text
    for stage in ("cleaning", "splitting sentences", "scoring sentiment"):
        assert re.search(rf"{stage}: 40 articles in \d+\.\ds", text), text
    again = io.StringIO()
    prepare(params, cache=DocumentCache(tmp_path / "cache"), progress=Progress(stream=again))
    # nothing left to count: everything came from the cache
    assert re.fullmatch(r"\[ *\d+\.\ds\] read 40 articles in \d+\.\ds\n", again.getvalue())


def test_the_search_for_copies_says_when_it_starts_and_what_it_found(tmp_path):
    rows = [{"id": f"a{i}", "title": f"Article {i}", "outlet": "Outlet", "date": f"202{2 + i % 2}-03-01",
             "text": "The wire story: Biden met the president and the summit went well, officials said."}
            for i in range(6)]
    write_corpus(tmp_path / "corpus", rows)
    params = params_mod.validate({**base_params("corpus/corpus.jsonl"), "base_dir": str(tmp_path),
                                  "dedup": "flag"})
    out = io.StringIO()
    prepare(params, cache=DocumentCache(tmp_path / "cache"), progress=Progress(stream=out, every=0.0))
    lines = out.getvalue().splitlines()
    assert any(line.endswith("looking for copies among 6 articles (dedup: flag)") for line in lines), lines
    assert any(re.search(r"copies: 5 found in \d+\.\ds$", line) for line in lines), lines


def test_a_quiet_progress_prints_nothing_and_a_heartbeat_beats():
    out = io.StringIO()
    quiet = Progress(quiet=True, stream=out)
    with quiet.task("work", 10, "things") as step:
        step(10)
    quiet("an event")
    assert out.getvalue() == ""
    loud = Progress(stream=out)
    stop = threading.Event()
    with heartbeat(loud, lambda s: "still working", every=0.05):
        stop.wait(0.3)
    assert "still working" in out.getvalue()
