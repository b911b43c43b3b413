"""User-facing errors: one line naming the file, field or value and how to fix it."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

#: How much of a user's value an error line quotes: enough to recognise it, never a whole article.
SHOWN_CHARS = 60


class BriefingError(Exception):
    """An error caused by the user's input; the CLI prints it on one line and exits with `code`.

    `problems`, when given, are several independent problems found at once (one line each);
    the message is then the closing line that counts them."""

    code = 2

    def __init__(self, message: str, *, code: int | None = None, problems: Sequence[str] = ()) -> None:
        self.problems = [one_line(p) for p in problems]
        super().__init__(one_line(message))
        if code is not None:
            self.code = code

    def lines(self) -> list[str]:
        """What the CLI prints: each problem, then the message."""
        return [*self.problems, str(self)]

    def _render_traceback_(self) -> list[str]:
        """IPython (and so a notebook run by papermill) shows the message alone, not a traceback."""
        return [f"{type(self).__name__}: {line}" for line in self.lines()]


class ParamsError(BriefingError):
    """A params file that cannot describe a briefing."""


class CorpusError(BriefingError):
    """A corpus file or record that cannot be read."""


class RunError(BriefingError):
    """A notebook or renderer failed while building a briefing."""

    code = 1


def one_line(text: str) -> str:
    """`text` with every run of whitespace (line breaks included) folded to one space."""
    return " ".join(str(text).split())


def shown(value: object, limit: int = SHOWN_CHARS) -> str:
    """A user's value as an error message quotes it: its repr (so control, zero-width and
    right-to-left characters show as escapes), cut to about `limit` characters."""
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit - 1]}…({len(str(value)):,} characters)"


def inert(text: str) -> str:
    """`text` safe to print on a terminal: control, format (zero-width, bidirectional) and
    other invisible characters are written as escapes, so no input can move the cursor,
    recolour the terminal or reorder what the line says."""
    out = []
    for ch in text:
        if ch.isprintable() or ch == " ":
            out.append(ch)
        elif unicodedata.category(ch) in ("Zs",):
            out.append(" ")
        else:
            out.append(ch.encode("unicode_escape").decode("ascii"))
    return "".join(out)
