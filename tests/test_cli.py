"""The command never shows a traceback: input problems are named lines (exit 2); anything else
is one line saying it is a bug and where its traceback was saved (exit 70)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import base_params, write_corpus

from briefing import cli
from briefing.errors import ParamsError, inert


def test_an_unexpected_error_is_one_line_exit_70_with_the_traceback_in_a_file(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)

    def broken(args):
        raise KeyError("a bug deep inside")

    monkeypatch.setattr(cli, "_cmd_check", broken)
    assert cli.main(["check", "params/x.yaml"]) == cli.EXIT_BUG == 70
    err = capsys.readouterr().err
    assert "Traceback" not in err
    (line,) = err.strip().splitlines()
    assert line.startswith("briefing check: internal error (KeyError): this is a bug in briefing")
    saved = Path(re.search(r"the full traceback is in (\S+);", line).group(1))
    assert saved.parent == tmp_path
    text = saved.read_text()
    assert "Traceback (most recent call last)" in text and "a bug deep inside" in text
    assert "argv: ['check', 'params/x.yaml']" in text


def test_a_real_process_shows_no_traceback_for_a_bad_corpus(tmp_path):
    """The issue's first case, through the installed command: an impossible date in front matter."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("---\ntitle: A\noutlet: X\ndate: 2023-02-30\n---\nBiden spoke.\n")
    (corpus / "b.md").write_text("---\ntitle: B\noutlet: Y\ndate: 2022-05-01\n---\nMexico spoke.\n")
    (tmp_path / "p.yaml").write_text(yaml.safe_dump(base_params()))
    proc = subprocess.run([sys.executable, "-m", "briefing", "check", "p.yaml"], cwd=tmp_path,
                          capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == (f"briefing check: error: {corpus / 'a.md'}: date '2023-02-30' is not a real "
                           "date (day is out of range for month); write it as YYYY-MM-DD\n")


def test_error_lines_cannot_drive_the_terminal(tmp_path, capsys, monkeypatch):
    def hostile(args):
        raise ParamsError("p.yaml: title \x1b[2J\x1b[31mred\u202eesrever\u200b\x07 is bad")

    monkeypatch.setattr(cli, "_cmd_check", hostile)
    assert cli.main(["check", "p.yaml"]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\u202e" not in err and "\u200b" not in err and "\x07" not in err
    assert "\\x1b[2J\\x1b[31mred\\u202eesrever\\u200b\\x07" in err


def test_inert_keeps_letters_of_every_script():
    text = "López Obrador, 習近平, عبد الله, שלום, Ελλάδα"
    assert inert(text) == text


def test_check_ok_line_is_inert(tmp_path, capsys):
    write_corpus(tmp_path / "corpus", [
        {"text": "Biden spoke.", "date": "2022-05-01", "title": "A", "outlet": "X"},
        {"text": "Mexico replied.", "date": "2023-05-01", "title": "B", "outlet": "Y"},
    ])
    data = base_params()
    data["periods"][0]["name"] = "2022\x1b[2J"
    (tmp_path / "p.yaml").write_text(yaml.safe_dump(data))
    assert cli.main(["check", str(tmp_path / "p.yaml")]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "2022\\x1b[2J: 1" in out
