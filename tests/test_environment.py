"""environment.yml (conda) and pyproject.toml (pip) describe the same installation."""

from __future__ import annotations

import ast
import re
import tomllib

import yaml
from conftest import ROOT


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _conda() -> dict:
    return yaml.safe_load((ROOT / "environment.yml").read_text())


def test_conda_python_satisfies_requires_python():
    conda_python = next(d for d in _conda()["dependencies"] if isinstance(d, str) and d.startswith("python"))
    version = conda_python.split("=")[-1]
    floor = re.search(r">=\s*([\d.]+)", _pyproject()["project"]["requires-python"]).group(1)
    assert tuple(map(int, version.split("."))) >= tuple(map(int, floor.split(".")))


def test_conda_installs_the_package_itself_through_pip():
    pip_deps = next(d["pip"] for d in _conda()["dependencies"] if isinstance(d, dict))
    assert any(re.fullmatch(r"-e \.(\[[\w,]+\])?", p) for p in pip_deps), pip_deps


def test_quarto_comes_from_conda_and_from_the_pip_extra():
    conda = [d for d in _conda()["dependencies"] if isinstance(d, str)]
    assert any(d.startswith("quarto") for d in conda)
    extra = _pyproject()["project"]["optional-dependencies"]["quarto"]
    assert any(d.startswith("quarto-cli") for d in extra)


def test_conda_lists_no_package_that_pyproject_lacks():
    """Every conda package besides python, pip and quarto must also be a pip dependency."""
    names = {re.split(r"[<>=\[ ]", d)[0].lower().replace("_", "-")
             for d in _pyproject()["project"]["dependencies"]}
    for dep in _conda()["dependencies"]:
        if isinstance(dep, str):
            name = re.split(r"[<>= ]", dep)[0].lower()
            assert name in {"python", "pip", "quarto"} or name in names, name


def test_every_import_of_the_package_is_a_declared_dependency():
    """Third-party modules imported under briefing/ are in pyproject's dependencies."""
    declared = {re.split(r"[<>=\[ ]", d)[0].lower().replace("-", "_")
                for d in _pyproject()["project"]["dependencies"]}
    module_of = {"yaml": "pyyaml", "sklearn": "scikit_learn", "frontmatter": "python_frontmatter",
                 "pypandoc": "pypandoc_binary", "IPython": "ipykernel", "matplotlib_inline": "ipykernel",
                 "jupyter_client": "ipykernel", "jupyter_core": "ipykernel", "nbclient": "papermill",
                 "adjustText": "adjusttext",
                 "vaderSentiment": "vadersentiment"}
    stdlib = set(__import__("sys").stdlib_module_names)
    for path in (ROOT / "briefing").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                mods = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                mods = [node.module.split(".")[0]]
            else:
                continue
            for mod in mods:
                if mod in stdlib or mod in {"briefing", "__future__"}:
                    continue
                assert module_of.get(mod, mod).lower() in declared, f"{path.name} imports {mod}"
