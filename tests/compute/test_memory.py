"""Freed memory goes back to the system between the stages of a large run."""

from __future__ import annotations

import sys

import psutil
import pytest

from briefing.compute import memory


@pytest.mark.skipif(not sys.platform.startswith("linux") or memory._trim() is None,
                    reason="malloc_trim is glibc's; elsewhere release() only collects garbage")
def test_release_returns_freed_article_texts_to_the_system():
    me = psutil.Process()
    texts = [f"article {i} " * 600 for i in range(40_000)]  # ~250 MB of article-sized strings
    keep = texts[::1000]  # a few survivors scattered through the heap, as after reading a corpus
    del texts
    before = me.memory_full_info().uss
    memory.release()
    after = me.memory_full_info().uss
    assert before - after > 100 * 2**20, (before >> 20, after >> 20)
    assert len(keep) == 40
