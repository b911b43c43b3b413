"""Files the project reads and writes: YAML with one-line errors, the checkout's folders, and
atomic writes (a reader sees the old file or the new one, never half of one)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from briefing.errors import BriefingError

#: The package folder, and the source checkout holding it (data/, tests/, notebooks/).
PACKAGE = Path(__file__).resolve().parent
CHECKOUT = PACKAGE.parent


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


def find_checkout(*starts: Path) -> Path | None:
    """The nearest folder, walking up from each start in turn, with notebooks/NN_*.ipynb."""
    for start in starts:
        here = start.resolve()
        for d in (here, *here.parents):
            if (d / "notebooks").is_dir() and any((d / "notebooks").glob("[0-9][0-9]_*.ipynb")):
                return d
    return None


def write_atomic(path: Path, data: bytes | str) -> Path:
    """Write `data` to `path` through a temporary file in the same folder and one rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
