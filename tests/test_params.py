"""Params files are validated before anything runs: one clear line, exit code 2, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import DEFAULT_PARAMS, base_params, write_corpus, write_params

from briefing import params as params_mod
from briefing.cli import main
from briefing.errors import ParamsError
from briefing.validation import MAX_LISTED


def _corpus(tmp_path: Path) -> None:
    write_corpus(tmp_path / "corpus", [
        {"text": "Biden spoke.", "date": "2022-05-01", "title": "A", "outlet": "X"},
        {"text": "Mexico replied.", "date": "2023-05-01", "title": "B", "outlet": "Y"},
    ])


def _error_for(tmp_path: Path, data: dict, capsys) -> str:
    """Run `briefing check` on `data`; assert exit 2 and one line without a traceback."""
    path = write_params(tmp_path, data)
    reports = tmp_path / "reports"
    reports.mkdir(exist_ok=True)
    (reports / "keep.txt").write_text("previous")
    code = main(["check", str(path)])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert str(path) in lines[0]
    assert sorted(p.name for p in reports.iterdir()) == ["keep.txt"]
    assert (reports / "keep.txt").read_text() == "previous"
    return lines[0]


def test_default_params_are_valid():
    p = params_mod.load(DEFAULT_PARAMS)
    assert [x.name for x in p.periods] == ["2022", "2023"]
    assert {"Biden", "López Obrador", "United States", "Mexico"} <= {a.name for a in p.actors}
    lopez = next(a for a in p.actors if a.name == "López Obrador")
    assert {"Lopez Obrador", "AMLO", "Andrés Manuel López Obrador"} <= set(lopez.aliases)
    assert p.corpus_path.is_dir()


def test_unknown_key_suggests_the_nearest_field(tmp_path, capsys):
    _corpus(tmp_path)
    data = base_params() | {"peroids": []}
    line = _error_for(tmp_path, data, capsys)
    assert "peroids: unknown field" in line and "did you mean 'periods'" in line


def test_unknown_nested_key_names_its_path(tmp_path, capsys):
    _corpus(tmp_path)
    data = base_params()
    data["periods"][0]["stat"] = "2022-01-01"
    line = _error_for(tmp_path, data, capsys)
    assert "periods[0].stat: unknown field" in line and "'start'" in line


def test_wrong_type_names_the_field(tmp_path, capsys):
    _corpus(tmp_path)
    data = base_params() | {"outputs": "html"}
    line = _error_for(tmp_path, data, capsys)
    assert "outputs" in line and "list" in line.lower()


def test_bad_renderer_value_lists_choices(tmp_path, capsys):
    _corpus(tmp_path)
    line = _error_for(tmp_path, base_params() | {"renderer": "latex"}, capsys)
    assert "renderer" in line and "'embedded'" in line


def test_empty_date_range_is_rejected(tmp_path, capsys):
    _corpus(tmp_path)
    data = base_params()
    data["periods"][1] = {"name": "2023", "start": "2023-12-31", "end": "2023-01-01"}
    line = _error_for(tmp_path, data, capsys)
    assert "periods[1]" in line and "empty" in line


def test_overlapping_periods_are_rejected(tmp_path, capsys):
    _corpus(tmp_path)
    data = base_params()
    data["periods"][1]["start"] = "2022-06-01"
    line = _error_for(tmp_path, data, capsys)
    assert "periods" in line and "overlap" in line and "'2022'" in line and "'2023'" in line


def test_period_without_documents_is_rejected(tmp_path, capsys):
    _corpus(tmp_path)
    data = base_params()
    data["periods"].append({"name": "2024", "start": "2024-01-01", "end": "2024-12-31"})
    line = _error_for(tmp_path, data, capsys)
    assert "periods[2]" in line and "'2024'" in line and "no documents" in line


def test_missing_corpus_path_is_rejected(tmp_path, capsys):
    line = _error_for(tmp_path, base_params("nowhere/corpus"), capsys)
    assert "corpus" in line and "does not exist" in line and "nowhere" in line


def test_single_period_is_rejected(tmp_path, capsys):
    _corpus(tmp_path)
    data = base_params()
    data["periods"] = data["periods"][:1]
    line = _error_for(tmp_path, data, capsys)
    assert "periods" in line and "at least 2" in line


def test_invalid_yaml_names_line(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text("title: [unclosed\ncorpus: x\n")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "line" in err and "Traceback" not in err


def test_missing_params_file_exits_2(tmp_path, capsys):
    assert main(["run", str(tmp_path / "none.yaml"), "--reports", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert "none.yaml" in err and "not found" in err
    assert not (tmp_path / "r").exists()


def test_run_with_bad_params_leaves_reports_untouched(tmp_path, capsys):
    _corpus(tmp_path)
    data = base_params() | {"titel": "x"}
    path = write_params(tmp_path, data)
    reports = tmp_path / "reports" / "test"
    reports.mkdir(parents=True)
    (reports / "briefing.html").write_text("old briefing")
    assert main(["run", str(path), "--reports", str(tmp_path / "reports")]) == 2
    assert "titel: unknown field" in capsys.readouterr().err
    assert (reports / "briefing.html").read_text() == "old briefing"
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["test"]


def test_plain_values_round_trip_through_yaml():
    p = params_mod.load(DEFAULT_PARAMS)
    plain = p.plain()
    assert plain["periods"][0]["start"] == "2022-01-01"  # dates as ISO strings
    again = params_mod.from_plain(yaml.safe_load(yaml.safe_dump(plain)))
    assert again == p


def test_validate_rejects_non_mapping():
    with pytest.raises(ParamsError, match="expected a mapping"):
        params_mod.validate(["title"], "x.yaml")


def _all_lines(tmp_path: Path, text: str, capsys, about: str = "p.yaml") -> list[str]:
    """`briefing check` on params/p.yaml holding `text`: exit 2, no traceback; the error lines,
    each starting with the file at fault (`about`, in the same folder)."""
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert all(line.startswith(f"briefing check: error: {tmp_path / about}: ") for line in lines), err
    return lines


def test_unknown_key_and_the_missing_key_it_hides_are_both_listed_with_a_count(tmp_path, capsys):
    _corpus(tmp_path)
    data = base_params()
    data["titel"] = data.pop("title")
    lines = _all_lines(tmp_path, yaml.safe_dump(data), capsys)
    assert len(lines) == 3
    assert lines[0].endswith("titel: unknown field; did you mean 'title'?")  # the actual mistake first
    assert lines[1].endswith("title: required field is missing")
    assert lines[2].endswith("2 problems; fix them and run again")


def test_every_problem_gets_its_own_line_naming_its_field(tmp_path, capsys):
    _corpus(tmp_path)
    data = base_params() | {"renderer": "latex", "outputs": "html", "paper": "a5"}
    data["periods"][0]["start"] = "2022-02-30"
    data["sentiment"] = {"seed": "abc", "bootstrap_rounds": 3}
    lines = _all_lines(tmp_path, yaml.safe_dump(data), capsys)
    fields = ["periods[0].start", "outputs", "renderer", "paper", "sentiment.bootstrap_rounds",
              "sentiment.seed"]
    assert len(lines) == len(fields) + 1
    assert lines[-1].endswith(f"{len(fields)} problems; fix them and run again")
    for field in fields:
        assert sum(f": {field}: " in line for line in lines) == 1, field
    assert "day value is outside expected range (got '2022-02-30')" in "".join(lines)


def test_many_problems_are_cut_to_twenty_lines_and_counted(tmp_path, capsys):
    _corpus(tmp_path)
    data = base_params()
    data["actors"] = [{"name": "A", f"alias{i}": "x"} for i in range(40)]
    lines = _all_lines(tmp_path, yaml.safe_dump(data), capsys)
    assert len(lines) == MAX_LISTED + 2
    assert lines[-2].endswith("... and 20 more") and lines[-1].endswith("40 problems; fix them and run again")


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n"])
def test_empty_params_file_is_reported_as_empty(tmp_path, capsys, text):
    (line,) = _all_lines(tmp_path, text, capsys)
    assert "the file is empty" in line and "title, corpus and periods" in line


def test_top_level_list_says_what_it_found(tmp_path, capsys):
    (line,) = _all_lines(tmp_path, "- title\n- corpus\n", capsys)
    assert "expected a mapping of fields" in line and "found a list" in line


@pytest.mark.parametrize("text, found", [
    ("title: !!float abc\n", "'abc' is not a valid float at line 1, column 8"),
    ("title: !!bool maybe\n", "'maybe' is not a valid bool at line 1"),
    ("title: x\nperiods: !!timestamp 2022-13-01\n", "'2022-13-01' is not a valid timestamp at line 2"),
    ("title: &a [*a]\n", "a value contains itself"),
    ("a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
     "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
     "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n",
     "more than 200,000 values once aliases are expanded"),
    ("title: " + "[" * 5000 + "\n", "nested too deeply"),
])
def test_yaml_values_that_cannot_be_built_are_named_not_a_traceback(tmp_path, capsys, text, found):
    (line,) = _all_lines(tmp_path, text, capsys)
    assert found in line


def test_an_impossible_date_names_the_period_field(tmp_path, capsys):
    _corpus(tmp_path)
    text = yaml.safe_dump(base_params()).replace("2023-12-31", "2023-02-30")
    (line,) = _all_lines(tmp_path, text, capsys)
    assert "periods[1].end: " in line and "'2023-02-30'" in line


def test_numbers_where_text_is_expected_are_read_as_text(tmp_path):
    _corpus(tmp_path)
    text = yaml.safe_dump(base_params()).replace("name: '2022'", "name: 2022")
    assert "name: 2022\n" in text
    path = tmp_path / "p.yaml"
    path.write_text(text)
    assert [p.name for p in params_mod.load(path).periods] == ["2022", "2023"]


def test_a_huge_value_is_quoted_short(tmp_path, capsys):
    _corpus(tmp_path)
    (line,) = _all_lines(tmp_path, yaml.safe_dump(base_params() | {"renderer": "x" * 100_000}), capsys)
    assert len(line) < 300 and "(100,000 characters)" in line


def test_a_bad_lexicon_is_reported_by_check_not_by_the_framing_notebook(tmp_path, capsys):
    _corpus(tmp_path)
    (tmp_path / "lex.yaml").write_text("version: 1\nsource: me\nframes:\n  - {name: Trade, cues: [tariff]}\n")
    (line,) = _all_lines(tmp_path, yaml.safe_dump(base_params() | {"framing": {"lexicon": "lex.yaml"}}),
                         capsys, about="lex.yaml")
    assert "frame 'Trade': missing definition" in line


def test_a_missing_extra_lexicon_names_its_field(tmp_path, capsys):
    _corpus(tmp_path)
    data = base_params() | {"framing": {"extra_lexicons": ["nowhere.yaml"]}}
    (line,) = _all_lines(tmp_path, yaml.safe_dump(data), capsys)
    assert "framing.extra_lexicons[0]: 'nowhere.yaml' does not exist" in line


def test_a_corpus_path_too_long_for_the_system_is_a_missing_corpus(tmp_path, capsys):
    (line,) = _all_lines(tmp_path, yaml.safe_dump(base_params("x" * 5000)), capsys)
    assert "corpus: 'xxx" in line and "does not exist" in line and len(line) < 300


def test_every_example_params_file_is_valid():
    for path in sorted((Path(__file__).parent.parent / "params").glob("*.yaml")):
        params_mod.load(path)


def test_credit_needs_a_web_address_for_its_links(tmp_path, capsys):
    _corpus(tmp_path)
    data = base_params() | {"credit": {"authors": "Wikinews contributors", "licence": "CC BY 2.5",
                                       "licence_url": "javascript:alert(1)"}}
    line = _error_for(tmp_path, data, capsys)
    assert "credit.licence_url" in line and "http:// or https://" in line
