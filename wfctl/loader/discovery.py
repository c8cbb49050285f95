"""Command-line paths to input files: files, recursive directories, `-` for stdin; bounded reading.

The walk follows symlinked directories (a loop, found by device and inode, is noted once and not
followed), honours `.gitignore` files (those of the enclosing repository above the walked directory
too) and `--exclude`, and skips hidden entries and `.venv`, `venv`, `node_modules`, `.tox`,
`__pycache__` unless `default_excludes` is off. Special files (FIFO, socket, device) met in a walk are
never opened: they are skipped with a note. Anything unreadable is an error for the caller (exit 2).
Paths named on the command line are always checked.
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from wfctl.loader import gitignore
from wfctl.records import dataclass

EXTENSIONS = (".yaml", ".yml", ".json")
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# Directories no walk enters unless --no-default-excludes (hidden ones, `.git` among them, neither).
DEFAULT_EXCLUDES = (".venv", "venv", "node_modules", ".tox", "__pycache__", ".git")
_CHUNK = 1 << 16


@dataclass(slots=True)
class Source:
    """One input: a display name and either a path on disk, bytes already read, or a stream (stdin)."""

    display: str
    path: Path | None = None
    content: bytes | None = None
    stream: BinaryIO | None = None  # read by `read`, never beyond the size limit
    truncated: bool = False  # content stops one byte past the limit: the stream was longer


@dataclass(slots=True)
class ReadResult:
    """The bytes of a source, or why there are none."""

    raw: bytes | None
    error: str | None = None  # unreadable: an input error (exit 2)
    too_large: int | None = None  # size in bytes when over the limit (a finding)
    size_known: bool = True  # False: reading stopped at the limit, the real size is larger

    @property
    def size_text(self) -> str:
        """`12,345 bytes`, or `more than 10,485,760 bytes` for a stream cut at the limit."""
        size = self.too_large or 0
        return f"{size:,} bytes" if self.size_known else f"more than {size - 1:,} bytes"


_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8, as os.fsdecode keeps it
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_name(name: str) -> str:
    """A file name as printable UTF-8 text, the same in every output: bytes that are not UTF-8 (os.fsdecode's
    surrogates) and control characters become `\\xNN`."""
    if name.isprintable():  # the usual name (printable has no control character and no surrogate)
        return name
    return _UNPRINTABLE.sub(_escape_char, name)


def escape_unencodable(text: str) -> str:
    """Text (a message) that any UTF-8 stream can take: only lone surrogates are escaped, newlines stay."""
    if text.isascii():  # every finding's message but a few
        return text
    return _SURROGATE.sub(_escape_char, text)


def display_path(path: Path) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return escape_name(path.as_posix())
    return escape_name(Path(rel).as_posix() if not rel.startswith("..") else path.as_posix())


def _excluded(rel: str, name: str, patterns: tuple[str, ...]) -> bool:
    return any(
        fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(name, p) or fnmatch.fnmatch(rel, p.rstrip("/") + "/*")
        for p in patterns
    )


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    return "a special file"


def _why(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, FileNotFoundError):
        return "no such file or directory"
    return str(exc.strerror or exc).lower()


def not_a_file(path: Path) -> str | None:
    """Why `path` cannot be read as one regular file (in the words every command uses), or None."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "broken symbolic link" if os.path.islink(path) else "no such file or directory"
    except OSError as exc:
        return _why(exc)
    return None if stat.S_ISREG(mode) else f"{file_kind(mode)}, not a regular file"


def _stderr_note(message: str) -> None:
    sys.stderr.write(f"wfctl: note: {message}\n")


class _Walker:
    """One directory walk: sources in a stable order (files, then subdirectories, by name)."""

    def __init__(
        self,
        exclude: tuple[str, ...],
        default_excludes: bool,
        sources: list[Source],
        errors: list[str],
        note: Callable[[str], None],
        skipped: Callable[[str, str], None],
    ) -> None:
        self.exclude = exclude
        self.default_excludes = default_excludes
        self.sources = sources
        self.errors = errors
        self.note = note
        self.skipped = skipped
        self.files: set[tuple[int, int]] = set()  # (device, inode) of every file taken

    def _ignore_file(self, path: Path, base: str) -> gitignore.IgnoreFile | None:
        try:
            with path.open("rb") as fh:
                text = fh.read(DEFAULT_MAX_BYTES).decode("utf-8", "replace")
        except OSError as exc:
            self.errors.append(f"{display_path(path)}: {_why(exc)}")
            return None
        return gitignore.IgnoreFile(base, gitignore.parse(text))

    def _enclosing_ignores(self, top_abs: str) -> tuple[gitignore.IgnoreFile, ...]:
        """`.gitignore` files between the repository's top (a directory with `.git`) and `top_abs`."""
        if os.path.lexists(os.path.join(top_abs, ".git")):
            return ()  # the walk starts at a repository's top: nothing above it applies
        chain: list[str] = []
        current = os.path.dirname(top_abs)
        while True:
            chain.append(current)
            if os.path.lexists(os.path.join(current, ".git")):
                break
            parent = os.path.dirname(current)
            if parent == current:
                return ()  # not inside a repository: only the walked tree's own .gitignore files count
            current = parent
        found = []
        for directory in reversed(chain):
            candidate = Path(directory) / ".gitignore"
            if os.path.isfile(candidate):
                ignore_file = self._ignore_file(candidate, directory)
                if ignore_file is not None:
                    found.append(ignore_file)
        return tuple(found)

    def _skipped_by_patterns(
        self, shown: str, rel: str, name: str, abs_path: str, is_dir: bool, ignores: tuple[gitignore.IgnoreFile, ...]
    ) -> bool:
        if self.exclude and (_excluded(shown, name, self.exclude) or _excluded(rel, name, self.exclude)):
            return True
        return bool(ignores) and gitignore.ignored(ignores, abs_path, is_dir)

    def add_file(self, shown: str, path: Path, st: os.stat_result) -> None:
        """A regular file, once: named twice, named and walked, or reached through another link, it is
        read and reported under the first name it was found by."""
        key = (st.st_dev, st.st_ino)
        if key not in self.files:
            self.files.add(key)
            self.sources.append(Source(shown, path))

    def walk(self, root: Path) -> None:
        top_abs = os.path.abspath(root)
        ignores = self._enclosing_ignores(top_abs) if self.default_excludes else ()
        top_stat = os.stat(root)
        root_key = (top_stat.st_dev, top_stat.st_ino)
        seen: dict[tuple[int, int], str] = {root_key: display_path(root)}
        stack: list[tuple[Path, str, str, tuple[gitignore.IgnoreFile, ...], frozenset[tuple[int, int]]]] = [
            (root, top_abs, "", ignores, frozenset({root_key}))
        ]
        while stack:
            directory, dir_abs, dir_rel, ignores, ancestors = stack.pop()
            try:
                with os.scandir(directory) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError as exc:
                self.errors.append(f"{display_path(directory)}: cannot read directory: {_why(exc)}")
                continue
            if self.default_excludes and any(e.name == ".gitignore" for e in entries):
                ignore_file = self._ignore_file(directory / ".gitignore", dir_abs)
                if ignore_file is not None and ignore_file.patterns:
                    ignores = (*ignores, ignore_file)
            subdirs = []
            for entry in entries:
                name = entry.name
                if self.default_excludes and name.startswith("."):
                    continue
                try:
                    maybe_dir = entry.is_dir()  # follows symbolic links; False when dangling
                except OSError as exc:
                    self.errors.append(f"{display_path(directory / name)}: {_why(exc)}")
                    continue
                if not maybe_dir and not name.endswith(EXTENSIONS):
                    continue
                full = directory / name
                shown = display_path(full)
                rel = f"{dir_rel}{name}"
                abs_path = f"{dir_abs.rstrip(os.sep)}/{name}"
                try:
                    st = entry.stat()  # follows symbolic links
                except FileNotFoundError:
                    if entry.is_symlink() and not self._skipped_by_patterns(shown, rel, name, abs_path, False, ignores):
                        self.errors.append(f"{shown}: broken symbolic link")
                    continue
                except OSError as exc:
                    self.errors.append(f"{shown}: {_why(exc)}")
                    continue
                if stat.S_ISDIR(st.st_mode):
                    if self.default_excludes and name in DEFAULT_EXCLUDES:
                        continue
                    if self._skipped_by_patterns(shown, rel, name, abs_path, True, ignores):
                        continue
                    key = (st.st_dev, st.st_ino)
                    if key in ancestors:
                        self.note(f"{shown}: symbolic link loop back to {seen[key]}; not followed")
                        continue
                    if key in seen:  # e.g. a virtualenv's lib64 -> lib: read once, nothing missing, no note
                        continue
                    seen[key] = shown
                    subdirs.append((full, abs_path, f"{rel}/", ignores, ancestors | {key}))
                    continue
                if not name.endswith(EXTENSIONS):
                    continue
                if self._skipped_by_patterns(shown, rel, name, abs_path, False, ignores):
                    continue
                if not stat.S_ISREG(st.st_mode):
                    self.skipped(shown, file_kind(st.st_mode))
                    continue
                self.add_file(shown, full, st)
            stack.extend(reversed(subdirs))


def discover(
    paths: tuple[str, ...],
    *,
    exclude: tuple[str, ...] = (),
    stdin_name: str = "<stdin>",
    default_excludes: bool = True,
    note: Callable[[str], None] | None = None,
    skipped: Callable[[str, str], None] | None = None,
) -> tuple[list[Source], list[str]]:
    """Sources in a stable order, and errors: paths that do not exist or cannot be read, anywhere in a walk.

    Any error means the input is incomplete (exit 2; `apply` must not act on a partial set). `note`
    receives what was noticed on the way (a symbolic link loop, not followed: nothing is missing; a
    directory reached twice is walked once, silently); `skipped` receives the name and the kind of each
    file left out (special files in a walk, never opened), by default as a note; `note` by default goes to
    stderr. A regular file reached twice is taken once, under the first name. `default_excludes=False`
    also walks hidden and default-excluded directories and ignores
    `.gitignore` files.
    """
    sources: list[Source] = []
    errors: list[str] = []
    note = note or _stderr_note
    if skipped is None:

        def skipped(shown: str, kind: str) -> None:
            note(f"{shown}: skipped, {kind} is not a regular file (never opened)")

    walker = _Walker(tuple(exclude), default_excludes, sources, errors, note, skipped)
    stdin_seen = False
    for arg in paths:
        if arg == "-":
            if sys.stdin is None:  # started with stdin closed (`<&-`)
                errors.append("-: standard input is closed")
            elif stdin_seen:  # a second read would find it empty
                errors.append("-: standard input given more than once")
            else:
                stdin_seen = True
                sources.append(Source(stdin_name, stream=sys.stdin.buffer))
            continue
        path = Path(arg)
        try:
            st = os.stat(path)
        except OSError as exc:
            errors.append(f"{escape_name(arg)}: {_why(exc)}")
            continue
        mode = st.st_mode
        if stat.S_ISDIR(mode):
            walker.walk(path)
        elif stat.S_ISREG(mode):
            walker.add_file(display_path(path), path, st)
        else:
            errors.append(f"{escape_name(arg)}: {file_kind(mode)}, not a regular file (use - for standard input)")
    return sources, errors


def _read_bounded(stream: BinaryIO, max_bytes: int) -> bytes:
    """At most max_bytes + 1 bytes: enough to tell that a stream is over the limit."""
    chunks: list[bytes] = []
    left = max_bytes + 1
    while left > 0:
        chunk = stream.read(min(_CHUNK, left))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read(source: Source, max_bytes: int = DEFAULT_MAX_BYTES) -> ReadResult:
    """The bytes of a source, reading at most one byte past `max_bytes` whatever the source is."""
    if source.stream is not None:
        try:
            source.content = _read_bounded(source.stream, max_bytes)
        except OSError as exc:
            return ReadResult(None, error=f"{source.display}: {_why(exc)}")
        source.stream = None
        source.truncated = len(source.content) > max_bytes
    if source.content is not None:
        if len(source.content) > max_bytes:
            return ReadResult(None, too_large=len(source.content), size_known=not source.truncated)
        return ReadResult(source.content)
    assert source.path is not None
    try:
        mode = source.path.stat().st_mode
        if not stat.S_ISREG(mode):  # never opened: a FIFO would wait for a writer
            return ReadResult(None, error=f"{source.display}: {file_kind(mode)}, not a regular file")
        with source.path.open("rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                return ReadResult(None, error=f"{source.display}: {file_kind(st.st_mode)}, not a regular file")
            size = st.st_size
            if size > max_bytes:
                return ReadResult(None, too_large=size)
            raw = _read_bounded(fh, max_bytes)  # the file may grow while it is read
    except IsADirectoryError:
        return ReadResult(None, error=f"{source.display}: is a directory")
    except OSError as exc:
        return ReadResult(None, error=f"{source.display}: {_why(exc)}")
    if len(raw) > max_bytes:
        return ReadResult(None, too_large=len(raw), size_known=False)
    return ReadResult(raw)
