"""The results cache: a file whose content, settings and referenced templates are unchanged is not re-checked.

Location: `--cache-dir`, else `WFCTL_CACHE_DIR`, else `.wfctl_cache/` in the project root (the
directory of the configuration file, else the nearest directory above the current one holding
`.git`, else the current directory). The directory gets a `.gitignore` (`*`) and a `CACHEDIR.TAG`.

Layout: `<dir>/v1/<run key>/<xx>/<file key>.json`. The run key hashes wfctl's version, a fingerprint
of its installed code, and the settings (rules, severities, options, Argo version...); the file key
hashes the file's display name. An entry holds the file's content hash, the template lookups it made
(with a fingerprint of each answer) and its findings with positions, suppressions already applied.
Entries are written to a temporary file and renamed into place, so concurrent runs never see half an
entry; anything unreadable, corrupt or foreign is a miss and is rewritten.

Trimming: a run key is "used" when a run reads the cache with it (its directory's modification time is
refreshed, at most once a day). The first run that has a file to re-check, when its run key is new or
its stamp was a day old, removes the directories of the *other* run keys not used for 30 days, and keeps
at most the 10 most recently used others: old wfctl versions and old settings go away by themselves.
A run whose every file is replayed never trims. Only directories holding nothing but wfctl's entries
are removed; anything else in them keeps the whole directory.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import re
import time
from pathlib import Path
from typing import Any

import wfctl

try:
    from _blake2 import blake2b  # what hashlib would give, without loading OpenSSL (start-up time)
except ImportError:  # pragma: no cover - other Pythons
    from hashlib import blake2b
from wfctl.model import FileResult, Finding, Severity
from wfctl.records import fields

FORMAT = "v1"
_COUNTER = itertools.count()
DIR_NAME = ".wfctl_cache"
TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# A cache made by wfctl; `wfctl clean` removes it.\n"
MARKERS = {".gitignore": "# made by wfctl\n*\n", "CACHEDIR.TAG": TAG}
_RUN_KEY = re.compile(r"[0-9a-f]{24}")  # run_key(): blake2b, 12 bytes, hex
KEEP_UNUSED = 30 * 86400.0  # seconds: other run keys not used for this long are removed
KEEP_OTHERS = 10  # other run keys kept at most (the most recently used)
STAMP_EVERY = 86400.0  # seconds: how stale a run key's "used" stamp may get before it is refreshed
_SHARD = re.compile(r"[0-9a-f]{2}")  # Cache._path(): <run key>/<xx>/<30 hex>.json, temporaries .tmp-*.json
_ENTRY = re.compile(r"[0-9a-f]{30}\.json|\.tmp-[0-9]+-[0-9]+\.json")


def content_hash(raw: bytes) -> str:
    return blake2b(raw, digest_size=16).hexdigest()


def project_root(config_path: Path | None = None) -> Path:
    if config_path is not None:
        return config_path.resolve().parent
    start = Path.cwd()
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return start


def default_dir(explicit: str | None = None, config_path: Path | None = None) -> Path:
    if explicit:
        return Path(explicit)
    if os.environ.get("WFCTL_CACHE_DIR"):
        return Path(os.environ["WFCTL_CACHE_DIR"])
    return project_root(config_path) / DIR_NAME


def _code_fingerprint() -> str:
    """Sizes and modification times of wfctl's own files: an edited checkout never replays stale results."""
    package = Path(wfctl.__file__).parent
    trees = [package]
    if not (package / "schemas").is_dir() and (package.parent / "schemas").is_dir():
        trees.append(package.parent / "schemas")  # a source checkout keeps the schemas beside the package
    parts = []
    for tree in trees:
        for root, dirs, files in os.walk(tree):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith((".py", ".json", ".yaml")):
                    st = os.stat(os.path.join(root, name))
                    parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    return blake2b("\n".join(parts).encode(), digest_size=8).hexdigest()


def run_key(settings: Any) -> str:
    """Everything besides a file's own content and references that its findings depend on."""

    def plain(value: Any) -> Any:
        if isinstance(value, (set, frozenset)):
            return sorted(value)
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        return value if isinstance(value, (str, int, float, bool, type(None))) else str(value)

    described = {f.name: plain(getattr(settings, f.name)) for f in fields(settings)}
    text = json.dumps([wfctl.__version__, _code_fingerprint(), described], sort_keys=True, default=str)
    return blake2b(text.encode(), digest_size=12).hexdigest()


def _finding_row(f: Finding) -> list[Any]:
    return [
        f.rule,
        int(f.severity),
        f.message,
        f.line,
        f.column,
        f.end_line,
        f.end_column,
        f.kind,
        f.name,
        list(f.path),
        f.at_key,
        f.fix.to_row() if f.fix is not None else None,
    ]


def _finding(row: list[Any], file: str) -> Finding:
    rule, sev, message, line, column, end_line, end_column, kind, name, path, at_key, fix = row
    if fix is not None:
        from wfctl.fix.model import Fix  # noqa: PLC0415

        fix = Fix.from_row(fix)
    return Finding(
        str(rule),
        Severity(int(sev)),
        str(message),
        file,
        int(line),
        int(column),
        int(end_line),
        int(end_column),
        str(kind),
        str(name),
        tuple(path),
        bool(at_key),
        fix,
    )


class Cache:
    """Entries for one run key under one cache directory."""

    def __init__(self, directory: Path, key: str) -> None:
        self.root = directory
        self.base = directory / FORMAT / key
        self.usable = True
        self.hits = 0
        self.writes = 0
        self._trim_due: bool | None = None  # None: not used yet in this run

    def _path(self, display: str) -> Path:
        digest = blake2b(display.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
        return self.base / digest[:2] / f"{digest[2:]}.json"

    def get(self, display: str, digest: str) -> tuple[list[list[Any]], FileResult] | None:
        """(lookups to re-check, result) for this file if its content is unchanged; None otherwise."""
        if self._trim_due is None:
            self._trim_due = self._mark_used()
        found = self._read(display, digest)
        if found is None and self._trim_due:  # this run re-checks files anyway: a good moment, once
            self._trim_due = False
            trim(self.root, keep=self.base.name)
        return found

    def _mark_used(self) -> bool:
        """Stamp this run key's directory as used (at most once a day); whether trimming is due."""
        try:
            age = time.time() - os.stat(self.base).st_mtime
        except FileNotFoundError:
            return True  # a new run key: wfctl or the settings changed, others may be stale
        except OSError:
            return False
        if age < STAMP_EVERY:
            return False
        with contextlib.suppress(OSError):
            os.utime(self.base)
        return True

    def _read(self, display: str, digest: str) -> tuple[list[list[Any]], FileResult] | None:
        try:
            data = json.loads(self._path(display).read_bytes())
            if data["file"] != display or data["hash"] != digest:
                return None
            result = FileResult(display, documents=int(data["documents"]), skipped=[str(s) for s in data["skipped"]])
            result.findings = [_finding(row, display) for row in data["findings"]]
            deps = [list(d) for d in data["deps"]]
            for d in deps:
                if len(d) != 4:
                    return None
        except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError, OverflowError):
            return None  # missing, corrupt or foreign (too deeply nested, 1e400 for a line...): check the file again
        return deps, result

    def put(self, display: str, digest: str, deps: list[list[Any]], result: FileResult) -> None:
        if not self.usable:
            return
        entry = {
            "file": display,
            "hash": digest,
            "deps": deps,
            "documents": result.documents,
            "skipped": result.skipped,
            "findings": [_finding_row(f) for f in result.findings],
        }
        path = self._path(display)
        try:
            if self.writes == 0:
                self._prepare()
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = str(path.parent / f".tmp-{os.getpid()}-{next(_COUNTER)}.json")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    json.dump(entry, fh, separators=(",", ":"))
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
            self.writes += 1
        except (OSError, TypeError, ValueError):
            self.usable = False  # read-only checkout, full disk, odd path: run without a cache

    def _prepare(self) -> None:
        """Markers (`.gitignore`, `CACHEDIR.TAG`) go only into a directory wfctl makes or finds empty:
        a directory of the user's named as the cache (`--cache-dir .`) gets only the `v1/` entries."""
        fresh = not self.root.exists() or not any(self.root.iterdir())
        self.root.mkdir(parents=True, exist_ok=True)
        if not fresh:
            return
        for name, text in MARKERS.items():
            target = self.root / name
            if not target.exists():
                target.write_text(text, encoding="utf-8")


def _owned_marker(path: Path) -> bool:
    """Whether `path` is one of the marker files wfctl writes, with wfctl's own content."""
    try:
        return path.is_file() and not path.is_symlink() and path.read_text(encoding="utf-8") == MARKERS[path.name]
    except (OSError, UnicodeDecodeError):
        return False


def _owned_entries(data: Path) -> bool:
    """Whether `data` (the `v1/` directory) holds only run-key directories of cache entries."""
    try:
        return data.is_dir() and not data.is_symlink() and all(_RUN_KEY.fullmatch(e.name) for e in data.iterdir())
    except OSError:
        return False


def trim(directory: Path, keep: str) -> list[str]:
    """Remove the run-key directories under `directory` other than `keep` that were not used for
    KEEP_UNUSED seconds or are beyond the KEEP_OTHERS most recently used; the names removed."""
    others: list[tuple[float, Path]] = []
    try:
        with os.scandir(directory / FORMAT) as entries:
            for entry in entries:
                if entry.name != keep and _RUN_KEY.fullmatch(entry.name) and entry.is_dir(follow_symlinks=False):
                    others.append((entry.stat(follow_symlinks=False).st_mtime, Path(entry.path)))
    except OSError:
        return []
    others.sort(reverse=True)
    now = time.time()
    removed = []
    for rank, (mtime, path) in enumerate(others):
        if (now - mtime > KEEP_UNUSED or rank >= KEEP_OTHERS) and _remove_entries(path):
            removed.append(path.name)
    return removed


def _remove_entries(run_dir: Path) -> bool:
    """Delete a run key's directory if it holds only wfctl's entries (else leave all of it); whether it went."""
    try:
        shards = list(os.scandir(run_dir))
        files = []
        for shard in shards:
            if not (_SHARD.fullmatch(shard.name) and shard.is_dir(follow_symlinks=False)):
                return False
            for entry in os.scandir(shard.path):
                if not (_ENTRY.fullmatch(entry.name) and entry.is_file(follow_symlinks=False)):
                    return False
                files.append(entry.path)
        for path in files:
            with contextlib.suppress(FileNotFoundError):  # another run trimming at the same time
                os.unlink(path)
        for shard in shards:
            os.rmdir(shard.path)
        os.rmdir(run_dir)
    except OSError:  # in use by a concurrent run, or permissions: kept, tried again another day
        return False
    return True


def clean(directory: Path) -> bool:
    """Remove what wfctl put in a cache directory; False when there was none.

    Only wfctl's own things go: the `v1/` entries (run-key directories holding nothing but entries), and
    the `.gitignore` and `CACHEDIR.TAG` with the content wfctl writes; then the directory itself if
    nothing else is left.
    Anything else in it is kept, and a directory with nothing of wfctl's in it is refused."""
    if not directory.exists():
        return False
    data = directory / FORMAT
    markers = [directory / name for name in MARKERS if _owned_marker(directory / name)]
    if not directory.is_dir() or not (_owned_entries(data) or any(m.name == "CACHEDIR.TAG" for m in markers)):
        raise ValueError(f"{directory} does not look like a wfctl cache; not removed")
    if data.exists() and not _owned_entries(data):
        raise ValueError(f"{data} holds files wfctl did not write; not removed")
    if data.exists():
        kept = [run_dir for run_dir in sorted(data.iterdir()) if not _remove_entries(run_dir)]
        if kept:  # something else inside a run key's directory (or it cannot be written): all of it stays
            raise ValueError(f"{kept[0]} holds files wfctl did not write (or cannot be removed); not removed")
        data.rmdir()
    for marker in markers:
        marker.unlink()
    with contextlib.suppress(OSError):  # kept when anything else is in it (or it is the current directory)
        directory.rmdir()
    return True
