"""Reading the project's YAML files (params, lexicons, cleaning rules) with one-line errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from briefing.errors import BriefingError


def read_yaml(path: Path, error: type[BriefingError], what: str) -> Any:
    """`yaml.safe_load` of `path`; a missing file, bad syntax or non-UTF-8 text raises `error`
    with the file, the line and column where known, and what the file should be (`what`)."""
    if not path.is_file():
        raise error(f"{path}: {what} not found")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise error(f"{path}: {problem}{where}; fix the YAML syntax") from None
    except UnicodeDecodeError:
        raise error(f"{path}: not UTF-8 text; save the file as UTF-8") from None
