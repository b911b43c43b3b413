"""Files the project reads and writes: YAML with one-line errors, the checkout's folders, and
atomic writes (a reader sees the old file or the new one, never half of one)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from briefing.errors import BriefingError, shown

#: The package folder, and the source checkout holding it (data/, tests/, notebooks/).
PACKAGE = Path(__file__).resolve().parent
CHECKOUT = PACKAGE.parent


class _Loader(yaml.SafeLoader):
    """`yaml.SafeLoader` that leaves dates as the text written (the schemas parse them, so a
    date that is not a real one is reported against its field), and turns any value a YAML
    tag cannot build (`!!float abc`, `!!bool maybe`) into a YAMLError with its line."""

    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, KeyError, OverflowError):
            tag = node.tag.rsplit(":", 1)[-1]
            raise yaml.constructor.ConstructorError(
                None, None, f"{shown(getattr(node, 'value', ''), 40)} is not a valid {tag}",
                node.start_mark) from None


#: Most values (mappings, lists, scalars, counted through aliases) a YAML document may hold.
MAX_YAML_VALUES = 200_000


def load_yaml_text(text: str) -> Any:
    """Parse YAML text as `read_yaml` does; raises yaml.YAMLError, or ValueError when the
    document is nested too deeply, refers to itself or expands (through aliases) too far."""
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except RecursionError:
        raise ValueError("nested too deeply") from None
    _check_size(data)
    return data


def _check_size(data: Any) -> None:
    """Refuse a structure that contains itself, or holds more than MAX_YAML_VALUES values once
    aliases are expanded (a few lines of anchors can stand for billions of values)."""
    count, stack = 0, [(data, ())]
    while stack:
        value, ancestors = stack.pop()
        count += 1
        if count > MAX_YAML_VALUES:
            raise ValueError(f"more than {MAX_YAML_VALUES:,} values once aliases are expanded")
        if isinstance(value, dict | list):
            if id(value) in ancestors:
                raise ValueError("a value contains itself (a YAML alias refers to its own anchor)")
            inner = (*ancestors, id(value))
            items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
            stack.extend((v, inner) for v in items)


def read_yaml(path: Path, error: type[BriefingError], what: str) -> Any:
    """YAML of `path` (safe: plain data only; dates stay text); a missing file, bad syntax,
    non-UTF-8 text or a runaway structure raises `error` with the file, the line and column
    where known, and what the file should be (`what`)."""
    if not path.is_file():
        raise error(f"{path}: {what} not found")
    try:
        return load_yaml_text(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise error(f"{path}: {problem}{where}; fix the YAML syntax") from None
    except UnicodeDecodeError:  # before ValueError, of which it is a kind
        raise error(f"{path}: not UTF-8 text; save the file as UTF-8") from None
    except ValueError as exc:
        raise error(f"{path}: the YAML is {exc}; write plain fields") from None
    except OSError as exc:
        raise error(f"{path}: cannot be read ({exc.strerror or exc})") from None


def find_checkout(*starts: Path) -> Path | None:
    """The nearest folder, walking up from each start in turn, with notebooks/NN_*.ipynb."""
    for start in starts:
        here = start.resolve()
        for d in (here, *here.parents):
            if (d / "notebooks").is_dir() and any((d / "notebooks").glob("[0-9][0-9]_*.ipynb")):
                return d
    return None


def _file_mode() -> int:
    """The mode a plain `open()` would give a new file (0o666 less the umask), read once."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


FILE_MODE = _file_mode()


def write_atomic(path: Path, data: bytes | str) -> Path:
    """Write `data` to `path` through a temporary file in the same folder and one rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp makes the file private (0600); a briefing's files are read by a web server,
        # so they get the mode any other new file would.
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
