"""Running the external tools that render a briefing (quarto, pandoc, typst): a failure becomes
one plain line naming the tool and its first real error, with the tool's full output kept in a
log file whose path the line gives."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from briefing.errors import RunError

#: Terminal control sequences (colours, cursor moves) that Quarto and typst write when they think
#: they talk to a terminal: CSI (ESC [ ... letter) and OSC (ESC ] ... BEL or ESC \).
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]")
#: Where an error is stated: typst's `error: ...` (after Quarto's progress dots, on the same
#: line), Quarto's `ERROR: ...` or `ERROR (filter.lua:1) ...`; else a line naming an error
#: (pandoc's "Error running filter x.lua:"), or pandoc's own `pandoc: ...`.
_STATED = re.compile(r"\b(?:error|fatal)\b\s*(?::|\()", re.I)
_NAMED = re.compile(r"^pandoc:|\b(?:error|exception)\b", re.I)
_WARNING = re.compile(r"^\s*\[?warn(?:ing)?\b", re.I)
_PREFIX = re.compile(r"^(?:(?:error|fatal)\s*(?::\s*|(?=\()))+", re.I)
#: Lines that only report that something failed, said after the cause: used when nothing better.
_VAGUE = re.compile(r"(compilation|render(ing)?) failed\.?$|^error: \d+ errors?", re.I)
#: How much of the error line is shown, at most.
SHOWN = 300


def plain(text: str) -> str:
    """`text` without terminal escapes and carriage-return overdraws (progress bars)."""
    text = _ESCAPES.sub("", text)
    return "\n".join(line.rsplit("\r", 1)[-1] for line in text.splitlines())


def _stated(line: str) -> str | None:
    if _WARNING.match(line):
        return None
    m = _STATED.search(line)
    if m:
        return line[m.start():]
    return line if _NAMED.search(line) else None


def first_error(output: str) -> str | None:
    """The first error `output` states (not a warning), without its "error:" prefixes, with the
    line that follows when it ends in a colon (pandoc: "Error running filter x.lua:" then the
    cause); a generic "compilation failed" only when no line says more."""
    lines = [line.strip() for line in plain(output).splitlines()]
    found = [(i, cause) for i, line in enumerate(lines) for cause in [_stated(line)] if cause]
    if not found:
        return None
    i, cause = next(((i, c) for i, c in found if not _VAGUE.search(c)), found[0])
    line = _PREFIX.sub("", cause).strip()
    if line.endswith(":"):
        following = next((nxt for nxt in lines[i + 1:] if nxt), "")
        line = f"{line} {following}".strip()
    return line[:SHOWN] + ("…" if len(line) > SHOWN else "")


def write_log(log: Path, command: str, output: str) -> Path:
    """Keep a tool's full output (escapes removed) in `log`, its command on the first line."""
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(f"$ {command}\n{plain(output)}\n", encoding="utf-8")
    return log


def failure(tool: str, output: str, log: Path, command: str, code: int | None = None) -> RunError:
    """The one-line error for `tool` having failed with `output`: its first real error and the
    log where its full output is kept."""
    write_log(log, command, output)
    cause = first_error(output) or next(
        (line.strip() for line in reversed(plain(output).splitlines()) if line.strip()),
        f"exit code {code}" if code is not None else "no output")
    return RunError(f"{tool} failed: {cause} (full output: {log})")


def run(cmd: list[str], cwd: Path, tool: str, log: Path, timeout: int = 1800,
        errors_fail: bool = False) -> str:
    """Run `cmd` in `cwd`; its output (stdout and stderr) on success, else a RunError naming
    `tool` and its first real error, the full output kept in `log`. With `errors_fail`, a line
    starting "ERROR" fails the run even when the tool exits 0 (Quarto reports a Lua filter's
    error so, and writes the document without that filter's work)."""
    try:
        proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else exc.stdout or ""
        raise failure(tool, f"{out}\nerror: timed out after {timeout}s", log, " ".join(cmd)) from None
    except OSError as exc:
        raise RunError(f"{tool} could not run ({exc})") from None
    if proc.returncode != 0 or errors_fail and re.search(r"^ERROR\b", plain(proc.stdout), re.M):
        raise failure(tool, proc.stdout, log, " ".join(cmd), proc.returncode)
    return proc.stdout
