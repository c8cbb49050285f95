"""The reporter interface: `write` each file's result as it arrives, `flush` once at the end; the one
escaping of file names and messages that every format applies (any file name, even non-UTF-8 bytes)."""

from __future__ import annotations

from typing import IO, Any

from wfctl.loader.discovery import escape_name, escape_unencodable
from wfctl.model import FileResult, Summary

__all__ = ["Reporter", "escape_name", "escape_unencodable", "summary_line"]


class Reporter:
    """Base class for output formats; streaming formats write in `write`, whole documents in `flush`."""

    def __init__(self, stream: IO[str], *, color: bool = False, verbosity: int = 0, **extra: Any) -> None:
        self.stream = stream
        self.color = color
        self.verbosity = verbosity
        self.extra = extra

    def write(self, result: FileResult) -> None:
        raise NotImplementedError

    def flush(self, summary: Summary) -> None:
        raise NotImplementedError


def summary_line(summary: Summary) -> str:
    errors, warnings, infos = (summary.by_severity.get(k, 0) for k in ("error", "warning", "info"))

    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    parts = [plural(errors, "error"), plural(warnings, "warning")]
    if infos:
        parts.append(plural(infos, "info"))
    text = (
        f"{', '.join(parts)} in {plural(summary.files, 'file')} ({plural(summary.documents, 'Argo document')} checked"
    )
    if summary.skipped:
        text += f", {summary.skipped} other skipped"
    return text + ")"
