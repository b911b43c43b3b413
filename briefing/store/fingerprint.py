"""Digests that say what a result was computed from: its inputs, its settings and its code.

A cached result is reused only when every one of these is unchanged, so a change to the
corpus, a setting or the code that computes a stage is never answered from a stale cache.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from briefing import __version__
from briefing.files import PACKAGE

#: Bump when the layout of what the stores write changes, so files of another layout are ignored.
FORMAT = 1


def canonical(value: Any) -> str:
    """JSON with sorted keys: the same value always gives the same text."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))


def digest(*parts: Any, length: int = 32) -> str:
    """A hex digest of `parts` (strings, bytes, or JSON-able values), in order."""
    h = hashlib.sha256()
    for part in parts:
        raw = part if isinstance(part, bytes) else (part if isinstance(part, str) else canonical(part))
        raw = raw if isinstance(raw, bytes) else raw.encode("utf-8")
        h.update(len(raw).to_bytes(8, "little"))
        h.update(raw)
    return h.hexdigest()[:length]


def _module_file(name: str) -> Path | None:
    """The source file of briefing module `name`, found without importing it (None: not a module)."""
    parts = name.split(".")[1:]
    if not parts:
        return PACKAGE / "__init__.py"
    for candidate in (PACKAGE.joinpath(*parts[:-1], parts[-1] + ".py"),
                      PACKAGE.joinpath(*parts, "__init__.py")):
        if candidate.is_file():
            return candidate
    return None


_FROM = re.compile(r"^[ \t]*from[ \t]+(briefing(?:\.\w+)*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#]+)", re.M)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+(briefing(?:\.\w+)*)", re.M)


def _briefing_imports(path: Path) -> set[str]:
    """The briefing modules a source file imports, anywhere in it (the package imports absolutely)."""
    text = path.read_text(encoding="utf-8")
    found = set(_IMPORT.findall(text))
    for base, names in _FROM.findall(text):
        found.add(base)
        listed = names.strip("()").replace("\n", " ").split(",")
        found.update(f"{base}.{n.split()[0]}" for n in listed if n.strip())
    return found


@cache
def code_digest(*modules: str) -> str:
    """A digest of the source of `modules` and of every briefing module they import, in turn:
    the version of the method they implement. Editing any of that code changes it."""
    seen: dict[str, Path] = {}
    todo = list(modules)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        path = _module_file(name)
        if path is None:  # a name imported from a module, not a module
            continue
        seen[name] = path
        todo.extend(_briefing_imports(path) - set(seen))
    return digest(FORMAT, __version__, *[(n, seen[n].read_bytes().hex()) for n in sorted(seen)])


def package_digest() -> str:
    """A digest of everything in the checkout that shapes a briefing besides its params and
    corpus: the package's code and resources, the shipped lexicons, the labelled data its
    quality figures come from."""
    from briefing.files import CHECKOUT

    kinds = {".py", ".yaml", ".txt", ".css"}
    files = sorted(p for p in PACKAGE.rglob("*") if p.is_file() and p.suffix in kinds
                   and "_nltk_data" not in p.parts and "__pycache__" not in p.parts)
    files += sorted((CHECKOUT / "data" / "lexicons").glob("*.yaml"))
    files += sorted((CHECKOUT / "tests" / "data").glob("frames_*"))
    return digest(FORMAT, __version__, *[(str(p.relative_to(CHECKOUT)), p.read_bytes().hex()) for p in files])
