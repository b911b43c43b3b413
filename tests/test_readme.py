"""The README and the benchmarks' README name code files that exist: a newcomer follows them to code
(params/ paths are left out: the README makes up examples such as params/my-briefing.yaml)."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

DOCS = ["README.md", "benchmarks/README.md"]
PATH = re.compile(r"`?((?:briefing|benchmarks|tests|notebooks)/[\w./-]+\.(?:py|lua|css|html|yaml|ipynb))")


@pytest.mark.parametrize("doc", DOCS)
def test_every_file_path_in_the_docs_exists(doc):
    text = (ROOT / doc).read_text(encoding="utf-8")
    named = sorted(set(PATH.findall(text)))
    assert named, f"{doc} names no file: the pattern is broken"
    missing = [p for p in named if not (ROOT / p).exists() and "<" not in p]
    assert missing == [], f"{doc} names files that do not exist: {missing}"
