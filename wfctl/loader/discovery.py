"""Command-line paths to input files: files, recursive directories, `-` for stdin."""

from __future__ import annotations

import fnmatch
import os
import sys
from dataclasses import dataclass
from pathlib import Path

EXTENSIONS = (".yaml", ".yml", ".json")
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


@dataclass(slots=True)
class Source:
    """One input: a display name and either a path on disk or bytes already read (stdin)."""

    display: str
    path: Path | None = None
    content: bytes | None = None


@dataclass(slots=True)
class ReadResult:
    """The bytes of a source, or why there are none."""

    raw: bytes | None
    error: str | None = None  # unreadable: an input error (exit 2)
    too_large: int | None = None  # size in bytes when over the limit (a finding)


def display_path(path: Path) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path.as_posix()
    return Path(rel).as_posix() if not rel.startswith("..") else path.as_posix()


def _excluded(rel: str, name: str, patterns: tuple[str, ...]) -> bool:
    return any(
        fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(name, p) or fnmatch.fnmatch(rel, p.rstrip("/") + "/*")
        for p in patterns
    )


def discover(
    paths: tuple[str, ...], *, exclude: tuple[str, ...] = (), stdin_name: str = "<stdin>"
) -> tuple[list[Source], list[str]]:
    """Sources in a stable order, and messages for paths that do not exist."""
    sources: list[Source] = []
    errors: list[str] = []
    for arg in paths:
        if arg == "-":
            sources.append(Source(stdin_name, content=sys.stdin.buffer.read()))
            continue
        path = Path(arg)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.endswith(EXTENSIONS) or name.startswith("."):
                        continue
                    full = Path(root) / name
                    shown = display_path(full)
                    rel = Path(os.path.relpath(full, path)).as_posix()
                    if _excluded(shown, name, exclude) or _excluded(rel, name, exclude):
                        continue
                    sources.append(Source(shown, full))
                dirs[:] = [
                    d
                    for d in dirs
                    if not _excluded(display_path(Path(root) / d), d, exclude)
                    and not _excluded(Path(os.path.relpath(Path(root) / d, path)).as_posix(), d, exclude)
                ]
        elif path.exists():
            sources.append(Source(display_path(path), path))
        else:
            errors.append(f"{arg}: no such file or directory")
    return sources, errors


def read(source: Source, max_bytes: int = DEFAULT_MAX_BYTES) -> ReadResult:
    if source.content is not None:
        if len(source.content) > max_bytes:
            return ReadResult(None, too_large=len(source.content))
        return ReadResult(source.content)
    assert source.path is not None
    try:
        size = source.path.stat().st_size
        if size > max_bytes:
            return ReadResult(None, too_large=size)
        with source.path.open("rb") as fh:
            raw = fh.read(max_bytes + 1)
    except PermissionError:
        return ReadResult(None, error=f"{source.display}: permission denied")
    except IsADirectoryError:
        return ReadResult(None, error=f"{source.display}: is a directory")
    except OSError as exc:
        return ReadResult(None, error=f"{source.display}: {exc.strerror or exc}")
    if len(raw) > max_bytes:
        return ReadResult(None, too_large=len(raw))
    return ReadResult(raw)
