"""User-facing errors: one line naming the file, field or value and how to fix it."""

from __future__ import annotations


class BriefingError(Exception):
    """An error caused by the user's input; the CLI prints it on one line and exits with `code`."""

    code = 2

    def __init__(self, message: str, *, code: int | None = None) -> None:
        super().__init__(" ".join(message.split()))
        if code is not None:
            self.code = code


class ParamsError(BriefingError):
    """A params file that cannot describe a briefing."""


class CorpusError(BriefingError):
    """A corpus file or record that cannot be read."""


class RunError(BriefingError):
    """A notebook or renderer failed while building a briefing."""

    code = 1
