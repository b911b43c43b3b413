"""Frame lexicons: YAML data files (frames with a definition and cue list), loaded and checked.

A lexicon file holds `version`, `source` (where the frames and cues come from) and `frames`,
each frame with `id`, `name`, `definition` and `cues`. Issue-specific frames can be added in a
params file under `framing.extra_frames` (same fields) or `framing.extra_lexicons` (files).
Every problem is one line naming the file and the frame (`LexiconError`, a ParamsError).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefing.errors import ParamsError, shown
from briefing.files import CHECKOUT, read_yaml

#: The shipped lexicon: the 15 Policy Frames Codebook dimensions.
DEFAULT_LEXICON = CHECKOUT / "data" / "lexicons" / "policy_frames.yaml"

_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")


class LexiconError(ParamsError):
    """A lexicon file or frame entry that cannot be used."""


@dataclass(frozen=True)
class Frame:
    """One frame: a stable id, a display name, a one-line definition and its cues."""

    id: str
    name: str
    definition: str
    cues: tuple[str, ...]
    source: str = ""


@dataclass
class Lexicon:
    frames: list[Frame]
    version: str = ""
    source_note: str = ""
    files: list[str] = field(default_factory=list)

    @property
    def ids(self) -> list[str]:
        return [f.id for f in self.frames]

    def names(self) -> dict[str, str]:
        return {f.id: f.name for f in self.frames}

    def lookup(self, label: str) -> str | None:
        """A frame id from an id or a name, case-insensitively (None when unknown)."""
        key = " ".join(str(label).split()).casefold()
        for f in self.frames:
            if key in (f.id.casefold(), f.name.casefold()):
                return f.id
        return None


def frame_id(name: str) -> str:
    """An id from a display name: "Drug trafficking/fentanyl" -> "drug_trafficking_fentanyl"."""
    return re.sub(r"[^a-z0-9]+", "_", name.casefold()).strip("_")


def parse_frame(entry: Any, where: str, index: int) -> Frame:
    """Check one frame entry; `where` names the file (or params field) for the error message."""
    if not isinstance(entry, dict):
        raise LexiconError(f"{where}: frames[{index}]: expected a mapping with name, definition and cues")
    name = entry.get("name")
    label = f"frame {shown(name)}" if name else f"frames[{index}]"
    if not isinstance(name, str) or not name.strip():
        raise LexiconError(f"{where}: {label}: missing name; give each frame a display name")
    unknown = sorted(map(str, set(entry) - {"id", "name", "definition", "cues"}))
    if unknown:
        raise LexiconError(f"{where}: {label}: unknown field {shown(unknown[0])}; "
                           "a frame has id, name, definition and cues")
    fid = entry.get("id") or frame_id(name)
    if fid == "":
        raise LexiconError(f"{where}: {label}: the name has no letter or digit to make an id from; "
                           "give the frame an id (lowercase letters, digits and _)")
    if not isinstance(fid, str) or not _ID.match(fid):
        raise LexiconError(f"{where}: {label}: id {shown(fid)} must be lowercase letters, digits and _")
    definition = entry.get("definition")
    if not isinstance(definition, str) or not definition.strip():
        raise LexiconError(f"{where}: {label}: missing definition; add a one-line definition of the frame")
    cues = entry.get("cues")
    if cues is None or (isinstance(cues, list) and not cues):
        raise LexiconError(f"{where}: {label}: empty cue list; give at least one cue word or phrase")
    if not isinstance(cues, list) or not all(isinstance(c, str | int | float) for c in cues):
        raise LexiconError(f"{where}: {label}: cues must be a list of words or phrases")
    clean = []
    for c in cues:
        text = " ".join(str(c).split())
        if not text.lstrip("="):
            raise LexiconError(f"{where}: {label}: an empty cue; remove it")
        if text not in clean:
            clean.append(text)
    return Frame(id=fid, name=" ".join(name.split()), definition=" ".join(definition.split()),
                 cues=tuple(clean), source=where)


def parse_frames(entries: Any, where: str) -> list[Frame]:
    if not isinstance(entries, list) or not entries:
        raise LexiconError(f"{where}: frames: expected a non-empty list of frames")
    return check_unique([parse_frame(e, where, i) for i, e in enumerate(entries)])


def check_unique(frames: Sequence[Frame]) -> list[Frame]:
    """Refuse two frames with the same id or name (wherever they come from)."""
    seen: dict[tuple[str, str], Frame] = {}
    for f in frames:
        for key in (("id", f.id), ("name", f.name.casefold())):
            if key in seen:
                other = seen[key]
                raise LexiconError(f"{f.source}: frame {shown(f.name)}: duplicate frame (same {key[0]} "
                                   f"as {shown(other.name)} in {other.source}); rename it or merge the "
                                   "cue lists")
            seen[key] = f
    return list(frames)


def load_lexicon(path: str | Path | None = None) -> Lexicon:
    """Read and check one lexicon file (the shipped one by default)."""
    path = Path(path) if path else DEFAULT_LEXICON
    data = read_yaml(path, LexiconError, "lexicon file")
    if not isinstance(data, dict):
        raise LexiconError(f"{path}: expected a mapping with version, source and frames")
    for key in ("version", "source"):
        if not str(data.get(key) or "").strip():
            raise LexiconError(f"{path}: missing {key}; a lexicon states its version and where it comes from")
    frames = parse_frames(data.get("frames"), str(path))
    note = " ".join(str(data["source"]).split())
    return Lexicon(frames=frames, version=str(data["version"]), source_note=note, files=[str(path)])


def combine(base: Lexicon, extra_files: Iterable[str | Path] = (), extra_frames: Iterable[Any] = (),
            where: str = "params: framing.extra_frames") -> Lexicon:
    """The base lexicon plus frames from other files and from params entries."""
    frames, files, notes = list(base.frames), list(base.files), [base.source_note]
    versions = [base.version]
    for f in extra_files:
        lex = load_lexicon(f)
        frames += lex.frames
        files += lex.files
        notes.append(lex.source_note)
        versions.append(lex.version)
    frames += [parse_frame(e, where, i) for i, e in enumerate(extra_frames)]
    return Lexicon(frames=check_unique(frames), version="+".join(versions), source_note=" ".join(notes),
                   files=files)


def lexicon_for(params: Any) -> Lexicon:
    """The lexicon of a briefing: shipped (or `framing.lexicon`) plus its extra frames."""
    opts = params.framing
    base = load_lexicon(params.resolve(opts.lexicon) if opts.lexicon else None)
    return combine(base, [params.resolve(p) for p in opts.extra_lexicons], opts.extra_frames)
