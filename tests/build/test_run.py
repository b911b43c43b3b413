"""End to end: `briefing run` on the seed corpus, failures, and notebooks run on their own."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from conftest import DEFAULT_PARAMS, ROOT

from briefing.build.run import run_briefing
from briefing.errors import RunError

pytestmark = pytest.mark.slow


class _Text(HTMLParser):
    """Visible text, headings and tag names of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.headings: dict[str, list[str]] = {}
        self.tags: set[str] = set()
        self._in: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self._in.append(tag)
        if tag in ("style", "script"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1
        while self._in and self._in.pop() != tag:
            pass

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        for h in ("h1", "h2", "h3"):
            if h in self._in:
                self.headings.setdefault(h, []).append(data.strip())


def parse_html(path: Path) -> _Text:
    p = _Text()
    p.feed(path.read_text(encoding="utf-8"))
    p.plain = " ".join(" ".join(p.text).split())
    return p


def pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed: `make test` installs it as root")
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    return " ".join(out.split())


@pytest.fixture(scope="module")
def briefing_dir(tmp_path_factory) -> Path:
    reports = tmp_path_factory.mktemp("reports")
    result = run_briefing(DEFAULT_PARAMS, reports_dir=reports, quiet=True)
    assert result.out_dir == reports / "biden-amlo-2022-vs-2023"
    return result.out_dir


def test_run_writes_html_pdf_and_executed_notebooks(briefing_dir):
    names = {p.name for p in briefing_dir.iterdir()}
    assert {"briefing.html", "briefing.pdf", "notebooks", "params.yaml", "manifest.json"} <= names
    executed = sorted(p.name for p in (briefing_dir / "notebooks").glob("*.ipynb"))
    assert executed == sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert not list(briefing_dir.parent.glob(".build-*"))


def test_executed_notebooks_have_no_html_outputs_warnings_or_errors(briefing_dir):
    """text/html would make Quarto pull require.js and jQuery from a CDN; stderr means a warning."""
    for path in sorted((briefing_dir / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            for out in cell.get("outputs", []):
                assert "text/html" not in out.get("data", {}), (path.name, cell.source[:60])
                assert out.get("output_type") != "error", (path.name, cell.source[:60])
                assert out.get("name") != "stderr", (path.name, out.get("text", "")[:200])


def test_html_shows_the_corpus_overview_with_the_seed_counts(briefing_dir):
    page = parse_html(briefing_dir / "briefing.html")
    assert "The corpus" in page.headings["h2"]
    assert "1 article in 2022 (14 sentences, 363 words)" in page.plain
    assert "1 article in 2023 (16 sentences, 416 words)" in page.plain
    assert "The periods share no outlet" in page.plain
    assert "Washington Examiner" in page.plain and "Political IQ" in page.plain
    assert "CLICK HERE TO READ MORE FROM THE WASHINGTON EXAMINER" in page.plain  # in the cleaning log
    assert "table" in page.tags and "figure" not in page.tags or "img" in page.tags


def test_html_has_no_code_no_parameters_and_no_display_reprs(briefing_dir):
    html = (briefing_dir / "briefing.html").read_text(encoding="utf-8")
    page = parse_html(briefing_dir / "briefing.html")
    for needle in ("injected-parameters", "params_file", "IPython.core.display", "open_briefing",
                   "present.show", "from briefing", "import briefing"):
        assert needle not in page.plain, needle
    # the only code block is the params YAML in the appendix; no notebook code is shown (Quarto
    # adds classes of its own, such as code-with-copy, so only ours are asked for)
    blocks = re.findall(r"<pre\b([^>]*)>", html)
    assert len(blocks) == 1 and {"sourceCode", "yaml"} <= set(
        re.search(r'class="([^"]*)"', blocks[0]).group(1).split())
    # self-contained: nothing loaded from elsewhere (Quarto 1.10 inlines its scripts as data: URLs)
    assert not re.search(r"""<script[^>]+src=(?!["']?data:)""", html)
    assert "Rendered by the" in page.plain and "biden-amlo-2022-vs-2023.yaml" in page.plain


def test_pdf_text_has_title_sections_and_counts(briefing_dir):
    text = pdf_text(briefing_dir / "briefing.pdf")
    assert "Biden and López Obrador" in text
    assert "The corpus" in text and "The corpus in full" in text  # the cleaning log: pointed to
    assert "What cleaning set aside" not in text
    assert "1 article in 2022 (14 sentences, 363 words)" in text
    assert "share no outlet" in text
    assert "params_file" not in text and "IPython" not in text


def _project_with(tmp_path: Path, extra: dict[str, str]) -> Path:
    """A copy of the checkout's notebooks, params and corpus, plus extra notebooks (name: code)."""
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks", ignore=shutil.ignore_patterns(".*"))
    shutil.copytree(ROOT / "params", tmp_path / "params")
    shutil.copytree(ROOT / "data", tmp_path / "data")
    for name, code in extra.items():
        nb = nbformat.v4.new_notebook()
        p = nbformat.v4.new_code_cell('params_file = ""\nparams = None')
        p.metadata["tags"] = ["parameters"]
        nb.cells = [p, nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell(code)]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, tmp_path / "notebooks" / name)
    return tmp_path


def test_failing_notebook_names_notebook_and_cell_and_keeps_previous_briefing(tmp_path):
    project = _project_with(tmp_path, {"02_broken.ipynb": "raise ValueError('broken on purpose')"})
    reports = project / "reports"
    old = reports / "biden-amlo-2022-vs-2023"
    old.mkdir(parents=True)
    (old / "briefing.html").write_text("the previous briefing")
    with pytest.raises(RunError) as info:
        run_briefing(project / "params" / DEFAULT_PARAMS.name, reports_dir=reports, quiet=True)
    message = str(info.value)
    assert "02_broken.ipynb" in message and "cell 3" in message and "broken on purpose" in message
    kept = reports / "_failed" / "biden-amlo-2022-vs-2023" / "02_broken.ipynb"
    assert kept.is_file() and f"kept at {kept}" in message
    executed = nbformat.read(kept, as_version=4)
    assert any(o.get("ename") == "ValueError" for c in executed.cells for o in c.get("outputs", []))
    assert (old / "briefing.html").read_text() == "the previous briefing"
    assert sorted(p.name for p in old.iterdir()) == ["briefing.html"]
    assert not list(reports.glob(".build-*"))


def test_cli_failure_exits_1_with_one_line(tmp_path):
    project = _project_with(tmp_path, {"02_broken.ipynb": "1/0"})
    proc = subprocess.run([sys.executable, "-m", "briefing", "run", "params/" + DEFAULT_PARAMS.name,
                           "--quiet"], cwd=project, capture_output=True, text=True)
    assert proc.returncode == 1
    errors = [line for line in proc.stderr.splitlines() if line.startswith("briefing run: error")]
    assert len(errors) == 1 and "02_broken.ipynb" in errors[0] and "ZeroDivisionError" in errors[0]
    assert "Traceback" not in proc.stderr


def test_each_notebook_runs_alone_with_papermills_cli(tmp_path):
    papermill = Path(sys.executable).parent / "papermill"
    for nb in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        out = tmp_path / nb.name
        proc = subprocess.run([str(papermill), str(nb), str(out), "-p", "params_file",
                               f"params/{DEFAULT_PARAMS.name}", "--cwd", str(ROOT)],
                              capture_output=True, text=True, cwd=ROOT)
        assert proc.returncode == 0, proc.stderr[-2000:]


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")))
def test_notebook_runs_top_to_bottom_with_its_defaults_from_notebooks_folder(name):
    """As in Jupyter: no injected parameters, the notebook's own folder as working directory."""
    from nbclient import NotebookClient

    from briefing.build.kernel import kernel_name

    nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    NotebookClient(nb, kernel_name=kernel_name(), resources={"metadata": {"path": str(ROOT / "notebooks")}},
                   timeout=300).execute()
    shown = "".join(o.get("data", {}).get("text/markdown", "")
                    for c in nb.cells for o in c.get("outputs", []))
    assert "2022" in shown and "2023" in shown  # it presented results for the default periods
    assert not any(o.get("output_type") == "error" for c in nb.cells for o in c.get("outputs", []))


def test_swap_into_place_replaces_the_previous_briefing_whole(tmp_path):
    from briefing.build.run import swap_into_place

    dest, build = tmp_path / "slug", tmp_path / ".build-slug-x"
    dest.mkdir()
    (dest / "briefing.html").write_text("old")
    (dest / "stale.pdf").write_text("old")
    build.mkdir()
    (build / "briefing.html").write_text("new")
    swap_into_place(build, dest)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["slug"]
    assert sorted(p.name for p in dest.iterdir()) == ["briefing.html"]
    assert (dest / "briefing.html").read_text() == "new"


def test_bad_input_found_inside_a_notebook_is_one_named_line_exit_2_not_a_papermill_traceback(tmp_path):
    from briefing.build.execute import Executor, Task
    from briefing.build.progress import Progress

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "from briefing.errors import CorpusError\n"
        "raise CorpusError(\"data/c.jsonl: line 3: field 'title' holds a list ['a']\")")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "05_bad.ipynb")
    (tmp_path / "out").mkdir()
    executor = Executor(ROOT, 1, Progress(True))
    with pytest.raises(RunError) as info:
        try:
            executor.run([Task(tmp_path / "05_bad.ipynb", tmp_path / "out" / "05_bad.ipynb", {}, "1/1")],
                         tmp_path / "failed")
        finally:
            executor.close()
    assert info.value.code == 2
    assert str(info.value) == ("data/c.jsonl: line 3: field 'title' holds a list ['a'] (found by notebook "
                               "05_bad.ipynb; the previous briefing is unchanged)")
    # the kept notebook shows the message, not a Python traceback
    kept = nbformat.read(tmp_path / "failed" / "05_bad.ipynb", as_version=4)
    (error,) = [o for c in kept.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert error["traceback"] == ["CorpusError: data/c.jsonl: line 3: field 'title' holds a list ['a']"]
