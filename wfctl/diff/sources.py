"""Where the two sides of a diff come from: files or directories, a git revision, the cluster."""

from __future__ import annotations

import subprocess
from pathlib import Path

from wfctl.diff.compare import Resource
from wfctl.engine import Settings, load
from wfctl.errors import InputError
from wfctl.loader import discovery
from wfctl.loader.documents import Document


def to_resource(doc: Document) -> Resource:
    meta = doc.metadata
    name = meta.get("name")
    generated = not name and bool(meta.get("generateName"))
    return Resource(doc.kind, str(name or meta.get("generateName") or ""), doc.namespace, doc.data, doc.file, generated)


def load_sources(sources: list[discovery.Source], side: str) -> list[Resource]:
    resources: list[Resource] = []
    settings = Settings()
    for source in sources:
        loaded = load(source, settings)
        if loaded.error:
            raise InputError(f"{side}: {loaded.error}")
        fatal = [p for p in loaded.problems if p.rule in ("WF010", "WF012", "WF013", "WF014", "WF015")]
        fatal += [p for d in loaded.documents for p in d.problems if p.rule == "WF015"]
        if fatal:
            p = fatal[0]
            raise InputError(f"{side}: {source.display}:{p.line}:{p.column}: {p.message}")
        resources.extend(to_resource(d) for d in loaded.documents)
    return resources


def load_paths(paths: tuple[str, ...], side: str) -> list[Resource]:
    sources, errors = discovery.discover(paths)
    if errors:
        raise InputError(f"{side}: {errors[0]}")
    return load_sources(sources, side)


def _git(*args: str, cwd: Path | None = None) -> bytes:
    try:
        proc = subprocess.run(["git", *args], capture_output=True, cwd=cwd, check=False)
    except FileNotFoundError:
        raise InputError("git is not installed") from None
    if proc.returncode != 0:
        raise InputError(f"git {' '.join(args)}: {proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout


def verify_revision(rev: str) -> str:
    try:
        return _git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").decode().strip()
    except InputError:
        raise InputError(f"git revision {rev!r} does not exist") from None


def load_git(rev: str, paths: tuple[str, ...], side: str) -> list[Resource]:
    """Argo documents of the files under `paths` as they were at `rev` (`git show REV:path`)."""
    commit = verify_revision(rev)
    top = Path(_git("rev-parse", "--show-toplevel").decode().strip())
    prefix = _git("rev-parse", "--show-prefix").decode().strip()
    listed = _git("ls-tree", "-r", "--name-only", "--full-tree", commit).decode().splitlines()
    wanted: list[str] = []
    for entry in listed:
        if not entry.endswith(discovery.EXTENSIONS) or any(p.startswith(".") for p in entry.split("/")):
            continue
        rel = entry[len(prefix) :] if entry.startswith(prefix) else None
        if rel is None:
            continue
        for p in paths:
            p = str(Path(p)).replace("\\", "/").lstrip("./") if p not in (".", "./") else ""
            if not p or rel == p or rel.startswith(p.rstrip("/") + "/"):
                wanted.append(entry)
                break
    sources = []
    for entry in wanted:
        content = _git("show", f"{commit}:{entry}", cwd=top)
        display = entry[len(prefix) :] if entry.startswith(prefix) else entry
        sources.append(discovery.Source(f"{display}@{rev}", content=content))
    return load_sources(sources, side)
