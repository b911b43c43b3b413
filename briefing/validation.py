"""Checks of a params file beyond its schema (`briefing.params`): pydantic's validation errors
as one readable line per field (the path the user wrote, `periods[0].start`, what is wrong, the
value given, and for an unknown key a did-you-mean), and the files the params name."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from briefing.errors import ParamsError, shown

#: The names pydantic gives the branches of a union (`n_topics: int | "auto"`) in an error's
#: location; they are not fields the user wrote, so the path leaves them out.
_UNION_BRANCH = re.compile(r"^(?:int|str|float|bool|none|literal\[.*\]|[a-z-]+\[.*\])$", re.S)
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _field_path(loc: tuple[Any, ...], keep_last: bool = False) -> str:
    """`periods[0].start` from ("periods", 0, "start"); a key that is not a plain name (as an
    unknown key can be) is quoted, and cut when long."""
    out = ""
    for n, part in enumerate(loc):
        last = n == len(loc) - 1
        if isinstance(part, int):
            out += f"[{part}]"
        elif _UNION_BRANCH.match(str(part)) and not (last and keep_last):
            continue
        elif _NAME.match(str(part)) and len(str(part)) <= 40:
            out += ("." if out else "") + str(part)
        else:
            out += f"[{shown(part, 40)}]"
    return out


def _model_at(root: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model under `root` that owns the mapping at `loc` (for did-you-mean)."""
    model: Any = root
    loc = tuple(p for p in loc if isinstance(p, int) or not _UNION_BRANCH.match(str(p)))
    for n, part in enumerate(loc):
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if isinstance(model, type) else None
        if field is None:
            return None
        in_list = n + 1 < len(loc) and isinstance(loc[n + 1], int)
        model = next((c for c, listed in _models_in(field.annotation) if listed == in_list), None)
        if model is None:
            return None
    return model if isinstance(model, type) else None


def _models_in(ann: Any, listed: bool = False) -> list[tuple[type, bool]]:
    """The pydantic models an annotation holds (through unions, Annotated and lists), each with
    whether it sits inside a list."""
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return [(ann, listed)]
    inside = listed or getattr(ann, "__origin__", None) in (list, tuple)
    return [m for arg in getattr(ann, "__args__", ()) or () for m in _models_in(arg, inside)]


def describe_error(err: dict[str, Any], root: type[BaseModel]) -> str:
    """One readable line for one pydantic error of a `root` model: the field first, then what is
    wrong with it."""
    loc = tuple(err.get("loc", ()))
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        owner = _model_at(root, loc[:-1])
        known = [k for k in (owner.model_fields if owner else {}) if k != "base_dir"]
        guess = difflib.get_close_matches(str(loc[-1]), known, n=1) if len(str(loc[-1])) < 100 else []
        hint = f"did you mean {guess[0]!r}?" if guess else f"known fields: {_listed(known)}"
        return f"{_field_path(loc, keep_last=True)}: unknown field; {hint}"
    msg = err.get("msg", "invalid value")
    msg = re.sub(r" or instance of \w+", "", msg.removeprefix("Value error, "))
    if kind == "missing":
        return f"{_field_path(loc)}: required field is missing"
    got = err.get("input")
    show = "" if isinstance(got, dict | list) or kind.startswith("value_error") else f" (got {shown(got)})"
    where = _field_path(loc)
    return f"{where}: {msg}{show}" if where else f"{msg}{show}"


def _listed(names: list[str], limit: int = 100) -> str:
    """Names joined by commas, cut (with "...") to about `limit` characters."""
    out = ""
    for name in names:
        if out and len(out) + len(name) > limit:
            return out + ", ..."
        out += (", " if out else "") + name
    return out


def merge_branches(lines: list[str]) -> list[str]:
    """One line per field: the errors of a union's branches (n_topics: a number, or "auto")
    become one line saying each way the value could be right."""
    merged: dict[str, str] = {}
    for line in lines:
        head, sep, rest = line.partition(": Input should be ")
        if sep and head + sep in merged:
            first, also = merged[head + sep], rest.split(" (got ")[0]
            merged[head + sep] = (first.replace(" (got ", f", or {also} (got ", 1) if " (got " in first
                                  else f"{first}, or {also}")
        else:
            merged[head + sep if sep else line] = line
    return list(merged.values())


def one_branch(errors: list[dict], field: str, given: Any, branches: dict[type, str]) -> list[dict]:
    """The errors of a union field's branch the user meant (`branches`: the type of the value
    given -> a piece of that branch's name), so `periods: {unit: x}` is not also told that it
    "should be a valid list"."""
    keep = next((name for kind, name in branches.items() if isinstance(given, kind)), None)

    def other_branch(e: dict) -> bool:
        loc = e.get("loc", ())
        return len(loc) > 1 and loc[0] == field and keep not in str(loc[1])

    return errors if keep is None else [e for e in errors if not other_branch(e)]


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):  # a name too long for the system, or holding a NUL
        return False


def check_files(params: Any, source: str | Path) -> None:
    """The files a params file (a `briefing.params.Params`, not imported: it imports this module)
    names exist and read as what they should be: the corpus, the
    cleaning rules file, and the frame lexicons (read here, so that a bad lexicon is reported
    before any notebook runs)."""
    corpus = params.corpus_path
    if params.ingest is not None and not _exists(corpus):  # `briefing ingest` will write it
        feeds = isinstance(params.ingest.source, list) or params.ingest.source.startswith(("http://",
                                                                                            "https://"))
        if not feeds and not _exists(params.resolve(params.ingest.source)):  # feeds: read over HTTP
            raise ParamsError(
                f"{source}: ingest.source: {shown(params.ingest.source)} does not exist and neither does "
                "the corpus; give the export, URL list or folder of pages, relative to the params file")
    elif not _exists(corpus):
        raise ParamsError(
            f"{source}: corpus: {shown(params.corpus)} does not exist; give a folder of .md articles "
            "or a .csv/.jsonl/.parquet file, relative to the params file"
        )
    if params.cleaning.rules and not _exists(params.resolve(params.cleaning.rules)):
        raise ParamsError(f"{source}: cleaning.rules: {shown(params.cleaning.rules)} does not exist; "
                          "give a YAML rules file, relative to the params file")
    for field, name in [("framing.lexicon", params.framing.lexicon),
                        *((f"framing.extra_lexicons[{i}]", n)
                          for i, n in enumerate(params.framing.extra_lexicons))]:
        if name and not _exists(params.resolve(name)):
            raise ParamsError(f"{source}: {field}: {shown(name)} does not exist; give a lexicon YAML "
                              "file, relative to the params file")
    model = getattr(params.framing, "model", None)
    if model and not _exists(params.resolve(model)):
        raise ParamsError(f"{source}: framing.model: {shown(model)} does not exist; give a model written by "
                          "`briefing frames train --out`, relative to the params file")
    from briefing.measures.lexicon import lexicon_for

    lexicon_for(params)  # raises LexiconError naming the lexicon file and the frame


#: Problems listed one by one; beyond this many, the closing line gives the count.
MAX_LISTED = 20


def problems_error(source: object, messages: list[str]) -> ParamsError:
    """One ParamsError for a file's problems: the problem itself when there is one, else a
    count with the first MAX_LISTED listed (each line naming the file)."""
    lines = merge_branches([f"{source}: {m}" for m in messages])
    if len(lines) == 1:
        return ParamsError(lines[0])
    more = len(lines) - MAX_LISTED
    listed = lines[:MAX_LISTED] + ([f"{source}: ... and {more} more"] if more > 0 else [])
    return ParamsError(f"{source}: {len(lines)} problems; fix them and run again", problems=listed)


def kind_of(value: object) -> str:
    """What a YAML value is, in words ("a list", "a number"), for error messages."""
    names = {list: "a list", str: "a single text", int: "a number", float: "a number", bool: "true/false"}
    return names.get(type(value), f"a {type(value).__name__}")
