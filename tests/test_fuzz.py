"""Fuzzed input (hypothesis): params files and corpora with random structures, random Unicode
(control, right-to-left and zero-width characters), huge and empty fields, wrong types and
random bytes. For every one, `briefing check` (and, for a few, `briefing run`) either succeeds,
or exits 2 with lines of at most 300 characters, each naming the file at fault; never a
traceback, never a change to an existing briefing.

`make test` runs a few hundred examples, derandomised so that CI sees the same ones every time;
`make fuzz` (BRIEFING_FUZZ=1) runs thousands of fresh random ones, BRIEFING_FUZZ_SCALE (default
25) times as many, and prints how many it tried.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import shutil
import string
import tempfile
from collections import Counter
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import ROOT
from hypothesis import HealthCheck, Phase, assume, example, given, settings
from hypothesis import strategies as st
from hypothesis.strategies import composite

from briefing import cli

#: Examples tried per kind, printed at the end of the session (tests/conftest.py).
TRIED: Counter[str] = Counter()

#: `make fuzz`: fresh random examples, SCALE times as many as `make test` runs.
FUZZ = os.environ.get("BRIEFING_FUZZ") == "1"
SCALE = int(os.environ.get("BRIEFING_FUZZ_SCALE") or 25) if FUZZ else 1
LONGEST_LINE = 300
SEED_CORPUS = ROOT / "data" / "corpus" / "biden-amlo"
SEED_TEXTS = [p.read_text(encoding="utf-8").split("\n---\n", 1)[1] for p in sorted(SEED_CORPUS.glob("*.md"))]

# ------------------------------------------------------------------------------------------ text

#: Pieces that have broken parsers, terminals and renderers before: markup of every format the
#: briefing passes through, bidirectional and zero-width characters, controls, YAML and CSV syntax.
NASTY = [
    "\u202e", "\u202d", "\u2066", "\u2069", "\u200b", "\u200d", "\u2060", "\ufeff", "\x00", "\x07",
    "\x1b[2J", "\x1b[31m", "\r", "\n", "\r\n", "\t", "\x85", "\u2028", "\x0c", "\ud7ff", "\U0001f600",
    "עברית", "العربية", "中文", "ﷺ", "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒g̳̥o", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
    "javascript:alert(1)", "data:text/html,<b>x</b>", "[x](javascript:alert(1))",
    "{{< include /etc/passwd >}}", "`{=html}", "$\\foo$", "$$", "#panic(\"x\")", "#read(\"/etc/passwd\")",
    "= ", "- ", "+ ", "/ x: ",
    "1. ", "---", "...", "'", '"', "\\", "%", "|", ",", ":", "#", "&", "*", "!", "{", "}", "[", "]",
    "~", "@", "<<", "&a", "*a", "!!python/object:os.system", "NaN", "null", "yes", "0x1F", "1e999",
    "2023-02-30", "9999-12-31", "0000-00-00",
]
WORDS = [w for text in SEED_TEXTS for w in text.split()][:2000]

short_text = st.text(max_size=12)
unicode_text = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(NASTY) | st.sampled_from(WORDS) | st.text(max_size=3), max_size=8).map("".join),
)
huge_text = st.builds(lambda piece, n: (piece or "x") * (n // max(1, len(piece or "x"))),
                      st.sampled_from(NASTY + ["x", "word "]), st.integers(5_000, 120_000))
any_text = st.one_of(unicode_text, unicode_text, unicode_text, st.just(""), st.just("   "), huge_text)
date_text = st.one_of(
    st.dates(date(1, 1, 1), date(9999, 12, 31)).map(str),
    st.dates(date(2021, 6, 1), date(2024, 6, 30)).map(str),
    st.sampled_from(["2023-02-30", "2022-13-01", "0000-01-01", "2022-01-01T25:00", "2022-01-01T10:00+05:00",
                     "nat", "NaT", "", "2022", "Jan 5 2022", "1650000000000", "2022-W01", "20220101"]),
    unicode_text,
)
scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(-(10**40), 10**40),
                   st.floats(allow_nan=True, allow_infinity=True), any_text, date_text, st.dates())
any_value = st.recursive(scalar, lambda inner: st.lists(inner, max_size=4)
                         | st.dictionaries(short_text | st.integers(), inner, max_size=4), max_leaves=10)

# --------------------------------------------------------------------------------- params files

BASE_PARAMS = {
    "title": "Fuzz briefing", "subtitle": "2022 vs 2023", "corpus": str(SEED_CORPUS),
    "periods": [{"name": "2022", "start": "2022-01-01", "end": "2022-12-31"},
                {"name": "2023", "start": "2023-01-01", "end": "2023-12-31"}],
    "actors": [{"name": "Biden", "aliases": ["Joe Biden"]}, {"name": "Mexico", "exclude": ["New Mexico"]}],
    "outputs": ["html"], "renderer": "embedded", "paper": "a4",
    "cleaning": {"extra_line_patterns": ["^Sponsored"], "extra_block_markers": ["More stories"]},
    "sentiment": {"bootstrap_rounds": 200, "permutation_rounds": 200, "actors": ["Biden"]},
    "framing": {"extra_frames": [{"name": "Trade", "definition": "Commerce.", "cues": ["tariff", "trade"]}],
                "bootstrap_rounds": 200},
    "topics": {"n_topics": "auto", "topic_range": [2, 3], "extra_stop_words": ["said"]},
}


def _containers(value, out):
    """Every dict and list inside `value` (itself included), for picking a place to mutate."""
    if isinstance(value, dict | list):
        out.append(value)
        for v in value.values() if isinstance(value, dict) else value:
            _containers(v, out)
    return out


@composite
def mutated(draw, base: dict) -> dict:
    """`base` with a few random changes: a value replaced, a key deleted, an unknown key added."""
    data = copy.deepcopy(base)
    for _ in range(draw(st.integers(0, 4))):
        places = _containers(data, [])
        where = draw(st.sampled_from(places))
        action = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
        if isinstance(where, dict):
            keys = list(where)
            if action == "add" or not keys:
                key = draw(short_text | st.sampled_from(["titel", "peroids", "base_dir", "actor"])
                           | huge_text)
                where[key] = draw(any_value)
            elif action == "delete":
                del where[draw(st.sampled_from(keys))]
            else:
                where[draw(st.sampled_from(keys))] = draw(any_value | date_text)
        else:
            if action == "add" or not where:
                where.append(draw(any_value))
            elif action == "delete":
                where.pop(draw(st.integers(0, len(where) - 1)))
            else:
                where[draw(st.integers(0, len(where) - 1))] = draw(any_value | date_text)
    return data


def _dump(data) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


@composite
def file_bytes(draw, structured) -> bytes:
    """A file's bytes: mostly YAML of a structure; sometimes that YAML damaged; sometimes noise."""
    kind = draw(st.sampled_from(["yaml"] * 7 + ["damaged", "text", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    if kind == "text":
        return draw(any_text).encode("utf-8", "surrogatepass")
    raw = _dump(draw(structured))
    if kind == "damaged":
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.sampled_from(NASTY)).encode("utf-8", "surrogatepass") + raw[at + draw(
            st.integers(0, 5)):]
    return raw


# --------------------------------------------------------------------------------------- corpora

@composite
def article(draw, i: int) -> dict:
    """One article: real text (the seed articles, cut) with nasty pieces, fields often wrong."""
    text = draw(st.sampled_from(SEED_TEXTS))
    start = draw(st.integers(0, max(0, len(text) - 200)))
    body = text[start:start + draw(st.integers(0, 1500))]
    if draw(st.booleans()):
        at = draw(st.integers(0, len(body)))
        body = body[:at] + draw(any_text) + body[at:]
    year = 2022 + i % 2
    rec = {"id": f"a{i}", "title": f"Article {i}", "outlet": draw(st.sampled_from(["Outlet A", "Outlet B"])),
           "date": f"{year}-0{1 + i % 9}-15", "url": "https://example.org/a", "text": body}
    if draw(st.integers(0, 3)) == 0:  # one article in four has fields replaced or missing
        for key in draw(st.lists(st.sampled_from([*rec, "language", "date_note", "extra"]), max_size=3)):
            rec[key] = draw(st.one_of(any_text, date_text, any_value, st.none()))
        for key in draw(st.lists(st.sampled_from(list(rec)), max_size=1)):
            rec.pop(key, None)
    return rec


def _write_markdown(folder: Path, rows: list[dict], draw) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n, rec in enumerate(rows):
        body = rec.pop("text", "") if isinstance(rec.get("text"), str) else ""
        front = {k: v for k, v in rec.items() if k != "text"}
        kind = draw(st.sampled_from(["yaml"] * 16 + ["damaged", "bytes"]))
        if kind == "bytes":
            raw = draw(st.binary(max_size=200))
        else:
            head = _dump(front)
            if kind == "damaged":
                at = draw(st.integers(0, len(head)))
                head = head[:at] + draw(st.sampled_from(NASTY)).encode("utf-8", "surrogatepass") + head[at:]
            raw = b"---\n" + head + b"---\n" + body.encode("utf-8", "surrogatepass")
        (folder / f"{n:02d}-{draw(st.sampled_from(['a', 'b', 'c']))}.md").write_bytes(raw)


def _write_table(path: Path, rows: list[dict], draw) -> bool:
    """Write rows as CSV, JSONL or Parquet (by suffix); False when pandas cannot write them."""
    df = pd.DataFrame(rows)
    try:
        if path.suffix == ".csv":
            df.to_csv(path, index=False)
        elif path.suffix == ".jsonl":
            lines = [json.dumps(r, default=str, ensure_ascii=draw(st.booleans())) for r in rows]
            if draw(st.integers(0, 5)) == 0:
                at = draw(st.integers(0, len(lines)))
                lines.insert(at, draw(st.sampled_from(["[1, 2]", "{broken", "null", '"text"', "", "{}"])))
            path.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
        else:
            df.to_parquet(path)
    except Exception:  # noqa: BLE001 - mixed types pyarrow cannot store: not a corpus anyone has
        return False
    if draw(st.integers(0, 9)) == 0:  # a few raw bytes somewhere in the file
        raw = path.read_bytes()
        at = draw(st.integers(0, len(raw)))
        path.write_bytes(raw[:at] + draw(st.binary(min_size=1, max_size=20)) + raw[at:])
    return True


# ------------------------------------------------------------------------------------ assertions

def _check(params: Path) -> tuple[int, str, str]:
    """`briefing check` in this process, as the installed command runs it."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["check", str(params)])
    return code, out.getvalue(), err.getvalue()


#: BRIEFING_FUZZ_LOG=path: every example's outcome appended there, to read what users would see.
LOG = os.environ.get("BRIEFING_FUZZ_LOG")


def assert_clean_outcome(code: int, out: str, err: str, folder: Path, command: str = "check") -> None:
    """Exit 0 with an ok line, or exit 2 with lines of at most 300 characters naming a file in
    `folder` (where every input lives); never a traceback, never exit 70 (a bug)."""
    TRIED[f"{command}: exit {code}"] += 1
    if LOG:
        with open(LOG, "a", encoding="utf-8") as fh:
            fh.write(f"exit {code}: {(err or out).strip()}\n")
    assert "Traceback" not in err and "Traceback" not in out
    assert code in (0, 2), f"exit {code}: {err[:2000]}"
    lines = err.strip().splitlines()
    if code == 0:
        return
    assert lines, "exit 2 without a message"
    for line in lines:
        assert line.startswith(f"briefing {command}: error: "), line
        assert len(line) <= LONGEST_LINE, f"{len(line)} characters: {line}"
        assert str(folder) in line, f"names no input file: {line}"


def _folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="fz"))


def fuzz_settings(examples: int, **extra) -> settings:
    """`examples` examples (times SCALE); derandomised unless fuzzing, so `make test` is stable."""
    extra |= {} if FUZZ else {"derandomize": True, "database": None}
    extra.setdefault("max_examples", examples * SCALE)
    return settings(deadline=None, **extra,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.large_base_example, HealthCheck.filter_too_much])


@fuzz_settings(150)
@given(file_bytes(mutated(BASE_PARAMS)))
def test_fuzzed_params_files_are_accepted_or_named_in_one_line_each(raw: bytes):
    TRIED["params files (check)"] += 1
    folder = _folder()
    try:
        reports = folder / "reports" / "fuzz"
        reports.mkdir(parents=True)
        (reports / "briefing.html").write_text("previous briefing")
        (folder / "params.yaml").write_bytes(raw)
        code, out, err = _check(folder / "params.yaml")
        assert_clean_outcome(code, out, err, folder)
        assert (reports / "briefing.html").read_text() == "previous briefing"
        assert sorted(p.name for p in folder.rglob("*")) == ["briefing.html", "fuzz", "params.yaml",
                                                             "reports"]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@composite
def corpora(draw) -> tuple[str, list[dict]]:
    fmt = draw(st.sampled_from(["md", "md", "csv", "jsonl", "parquet"]))
    rows = [draw(article(i)) for i in range(draw(st.integers(0, 6)))]
    return fmt, rows


@fuzz_settings(150)
@given(corpora(), st.data())
def test_fuzzed_corpora_are_accepted_or_named_in_one_line(corpus: tuple[str, list[dict]], data):
    fmt, rows = corpus
    folder = _folder()
    try:
        if fmt == "md":
            _write_markdown(folder / "corpus", rows, data.draw)
            where = "corpus"
        else:
            where = f"corpus.{fmt}"
            assume(_write_table(folder / where, rows, data.draw))
        TRIED[f"corpora (check, {fmt})"] += 1
        (folder / "params.yaml").write_bytes(_dump(BASE_PARAMS | {"corpus": where}))
        code, out, err = _check(folder / "params.yaml")
        assert_clean_outcome(code, out, err, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# ------------------------------------------------------------------------------ full runs (slow)

#: Names that are valid yet hostile (markup, controls, right-to-left): the first examples tried.
HOSTILE_NAMES = ["<b>x</b> & $$ --", "#panic(\"x\") [y](javascript:z)", "עברית \u202e RTL \u200b",
                 "a\x00b\x1bc\x04d", "= Heading", "{{< include /etc/passwd >}}", "1. item | cell"]
name_text = st.one_of(st.sampled_from(HOSTILE_NAMES), st.sampled_from(NASTY), unicode_text).map(
    lambda s: s.strip() or "x")


@composite
def hostile_project(draw) -> tuple[dict, list[dict]]:
    """Params whose every name is fuzzed text, over a corpus of real text with fuzzed titles,
    outlets, URLs and pieces of body: valid enough to get past `check` often."""
    names = draw(st.lists(name_text, min_size=2, max_size=2, unique_by=lambda s: s.strip()))
    params = copy.deepcopy(BASE_PARAMS) | {"title": draw(name_text), "subtitle": draw(name_text),
                                           "outputs": ["html", "pdf"], "corpus": "corpus.jsonl"}
    params["periods"][0]["name"], params["periods"][1]["name"] = names
    params["actors"] = [{"name": "Biden", "aliases": [draw(name_text)]}, {"name": draw(name_text)}]
    params["sentiment"]["actors"] = None
    params["framing"]["extra_frames"] = [{"name": draw(name_text), "definition": draw(name_text),
                                          "cues": [draw(name_text), "meeting"]}]
    rows = []
    for i in range(4):
        text = SEED_TEXTS[i % 2]
        at = draw(st.integers(0, len(text)))
        rows.append({"id": f"a{i}", "title": draw(name_text), "outlet": draw(name_text),
                     "date": f"{2022 + i % 2}-0{1 + i}-15",
                     "url": draw(st.sampled_from(["javascript:alert(1)", "data:text/html,x", "https://e.org/a(b)",
                                                  "http://x.org/<script>", ""])),
                     "text": text[:at] + " " + draw(unicode_text) + " " + text[at:]})
    return params, rows


def _pinned_project() -> tuple[dict, list[dict]]:
    """The full run `make test` always makes: every name hostile, controls in figure labels."""
    params = copy.deepcopy(BASE_PARAMS) | {"title": HOSTILE_NAMES[1], "subtitle": HOSTILE_NAMES[2],
                                           "outputs": ["html", "pdf"], "corpus": "corpus.jsonl"}
    params["periods"][0]["name"], params["periods"][1]["name"] = HOSTILE_NAMES[0], HOSTILE_NAMES[3]
    params["actors"] = [{"name": "Biden", "aliases": [HOSTILE_NAMES[4]]}, {"name": HOSTILE_NAMES[5]}]
    params["sentiment"]["actors"] = None
    params["framing"]["extra_frames"] = [{"name": HOSTILE_NAMES[6], "definition": HOSTILE_NAMES[3],
                                          "cues": ["$$", "meeting"]}]
    rows = [{"id": f"a{i}", "title": HOSTILE_NAMES[i], "outlet": HOSTILE_NAMES[-i],
             "date": f"{2022 + i % 2}-0{1 + i}-15",
             "url": ["javascript:alert(1)", "data:text/html,x", "https://e.org/a(b)", ""][i],
             "text": SEED_TEXTS[i % 2].replace("Biden", f"Biden {NASTY[i]} $$ \x00", 2)} for i in range(4)]
    return params, rows


@pytest.mark.slow
@fuzz_settings(1, max_examples=max(1, SCALE // 5),
               phases=[Phase.explicit, Phase.reuse, Phase.generate] if FUZZ else [Phase.explicit])
@example(_pinned_project())
@given(hostile_project())
def test_fuzzed_full_runs_make_a_briefing_or_leave_the_previous_one_untouched(project):
    """Full `briefing run`s (notebooks and both outputs; about a minute each): under `make test`
    the pinned hostile project only, under `make fuzz` SCALE/5 random ones too (not shrunk: that
    would take hours)."""
    params, rows = project
    TRIED["projects (full run)"] += 1
    folder = _folder()
    try:
        shutil.copytree(ROOT / "notebooks", folder / "notebooks", ignore=shutil.ignore_patterns(".*"))
        pd.DataFrame(rows).to_json(folder / "corpus.jsonl", orient="records", lines=True, force_ascii=False)
        (folder / "params.yaml").write_bytes(_dump(params | {"slug": "fuzz"}))
        previous = folder / "reports" / "fuzz"
        previous.mkdir(parents=True)
        (previous / "briefing.html").write_text("previous briefing")
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(["run", str(folder / "params.yaml"), "--reports", str(folder / "reports"),
                             "--quiet", "--jobs", "2"])
        assert_clean_outcome(code, out.getvalue(), err.getvalue(), folder, "run")
        if code == 0:
            assert (previous / "briefing.html").read_text() != "previous briefing"
            assert (previous / "briefing.pdf").read_bytes()[:4] == b"%PDF"
        else:
            assert sorted(p.name for p in previous.iterdir()) == ["briefing.html"]
            assert (previous / "briefing.html").read_text() == "previous briefing"
        assert not list((folder / "reports").glob(".build-*"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_the_strategies_reach_the_nasty_pieces():
    """Not a fuzz: the alphabet holds what the docstring promises (control, RTL, zero-width)."""
    pieces = "".join(NASTY)
    assert "\u202e" in pieces and "\u200b" in pieces and "\x00" in pieces and "\x1b" in pieces
    assert set(string.ascii_letters) & set(pieces)
