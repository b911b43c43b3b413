"""The archive benchmark's runner: a briefing run past its memory or time limit is stopped and
reported as such (the closing table says so), never a crash of the benchmark."""

from __future__ import annotations

import psutil
import pytest
from conftest import DEFAULT_PARAMS

from benchmarks import archive
from benchmarks import harness as H


@pytest.mark.parametrize(("variable", "value", "reason"), [
    ("BENCH_MEMORY_LIMIT", "0.01", "over the memory limit (0.0 GiB PSS)"),
    ("BENCH_TIME_LIMIT", "0.5", "over the time limit (0 s)"),
])
def test_a_run_past_its_limit_is_stopped_and_reported(variable, value, reason, tmp_path, monkeypatch):
    monkeypatch.setenv(variable, value)
    before = len(H.STAGES)
    stage = archive.run_limited("cold", 200, DEFAULT_PARAMS, tmp_path)
    assert stage.status == f"stopped: {reason}"
    assert H.STAGES[before:] == [stage]
    assert stage.seconds < 60
    assert not [p for p in psutil.Process().children(recursive=True) if "briefing" in " ".join(p.cmdline())]
    assert stage.status.upper() in H.summary()


def test_the_pss_of_a_process_tree_is_at_most_its_summed_rss():
    me = psutil.Process()
    assert 0 < H.tree_pss() <= sum(p.memory_info().rss for p in [me, *me.children(recursive=True)])
