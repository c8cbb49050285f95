"""Where the two sides of a diff come from: files or directories, a git revision (the cluster: kube/live).

Every file is read through the one loader (`engine.load`: encodings, BOMs, size limit). A file named on
the command line that cannot be read or parsed is an input error (exit 2), each problem printed as
`wfctl validate` prints it (wfctl.loader.report). A file found by walking a
directory or a git tree that does not parse is an error only when it looks like an Argo manifest (it
mentions `argoproj.io`); otherwise (a Helm template, JSONC, a JSON array, any YAML that is not Argo's)
it is skipped and counted, so `diff --git REV` is not stopped by an unrelated file elsewhere in the repo.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from wfctl.argo.kinds import GROUP
from wfctl.argo.meta import Resource
from wfctl.engine import LoadedFile, Settings, load
from wfctl.errors import InputError
from wfctl.loader import discovery, documents
from wfctl.loader.documents import Document
from wfctl.loader.report import UnreadableInput, error_line, problem_line, unreadable
from wfctl.loader.yaml import Problem, parse

_NOT_ARGO = "not an Argo manifest"  # how the loader describes a file it skipped whole (loader/documents.py)


@dataclass
class Input:
    """A source and how it was found: `origin` pairs files across the sides, `walked` if not named."""

    source: discovery.Source
    origin: str
    walked: bool = False


@dataclass
class Side:
    """What one side of a diff holds: its Argo documents (with positions) and the files skipped."""

    documents: list[Document] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    skipped_origins: list[str] = field(default_factory=list)  # origin of each skipped file, in order

    def merge_skipped(self, other: Side) -> list[tuple[str, str]]:
        """Files skipped on either side; a file skipped on both counts once (as this side shows it)."""
        mine = set(self.skipped_origins)
        extra = [s for s, o in zip(other.skipped, other.skipped_origins, strict=True) if o not in mine]
        return self.skipped + extra


def to_resource(doc: Document, origin: str = "") -> Resource:
    meta = doc.metadata
    name = meta.get("name")
    generated = not name and bool(meta.get("generateName"))
    return Resource(
        doc.kind, str(name or meta.get("generateName") or ""), doc.namespace, doc.data, doc.file, generated, origin
    )


def looks_like_argo(raw: bytes | None) -> bool:
    """A file that mentions `argoproj.io` (or an Argo kind) is meant for Argo: failing to read it stays an error."""
    if raw is None:
        return False
    if any(GROUP.encode(enc) in raw for enc in ("utf-16-le", "utf-16-be")):
        return True
    return documents.looks_like_argo(raw.decode("utf-8", "replace"))


def _raw(item: Input) -> bytes | None:
    if item.source.content is not None:
        return item.source.content
    try:
        with item.source.path.open("rb") as fh:  # type: ignore[union-attr]
            return fh.read(discovery.DEFAULT_MAX_BYTES)
    except OSError:
        return None


def _why_skipped(loaded: LoadedFile) -> str | None:
    """Why a file with no Argo object is not one (None: it has some, or nothing to say)."""
    if loaded.documents:
        return None
    fatal = unreadable(loaded.problems)
    if fatal:
        p = fatal[0]
        return f"does not parse (line {p.line}: {p.message})" if p.line else f"does not parse ({p.message})"
    not_mapping = [p for p in loaded.problems if p.rule == "WF016"]
    if not_mapping:
        return not_mapping[0].message
    unparsed = _not_argo(loaded)
    if unparsed:
        return unparsed
    found = [s.description for s in loaded.skipped]
    return f"no Argo object ({'; '.join(found)})" if found else "no Argo object"


def _parse_problem(text: str) -> Problem | None:
    parsed = parse(text)
    if parsed.problem is not None:
        return parsed.problem
    return next((p for d in parsed.documents for p in d.problems), None)


def _not_argo(loaded: LoadedFile) -> str | None:
    """The loader's verdict on a file that does not parse and does not look like an Argo manifest."""
    return next((s.description for s in loaded.skipped if s.description.startswith(_NOT_ARGO)), None)


def load_inputs(items: list[Input], settings: Settings | None = None) -> Side:
    """Every item read through the one loader (`settings`: the size limit); a file that cannot be read
    stops the command: every such file is named, each problem as `wfctl validate` prints it (exit 2)."""
    out = Side()
    settings = settings or Settings()
    errors: list[str] = []  # every unreadable file is named (exit 2), not only the first
    for item in items:
        source = item.source
        loaded = load(source, settings)
        if loaded.error:
            errors.append(error_line(loaded.error))
            continue
        fatal = unreadable([*loaded.problems, *(p for d in loaded.documents for p in d.problems)])
        if fatal and not (item.walked and not loaded.documents and not looks_like_argo(_raw(item))):
            errors.extend(problem_line(source.display, p) for p in fatal)
            continue
        unparsed = _not_argo(loaded)
        if unparsed and not item.walked:  # named on the command line: say why it does not parse
            problem = _parse_problem(loaded.text)
            if problem is not None:
                errors.append(problem_line(source.display, problem))
            else:
                errors.append(error_line(f"{source.display}: {unparsed}"))
            continue
        why = _why_skipped(loaded)
        if why is not None:
            out.skipped.append((source.display, why))
            out.skipped_origins.append(item.origin)
            continue
        out.documents.extend(loaded.documents)
        out.resources.extend(to_resource(d, item.origin) for d in loaded.documents)
    if errors:
        raise UnreadableInput(errors)
    return out


def both_sides(old: Callable[[], Side], new: Callable[[], Side]) -> tuple[Side, Side]:
    """Load both sides; when files cannot be read, name those of both sides at once (exit 2)."""
    sides: list[Side] = []
    lines: list[str] = []
    for load_side in (old, new):
        try:
            sides.append(load_side())
        except UnreadableInput as exc:
            lines += exc.lines
    if lines:
        raise UnreadableInput(lines)
    return sides[0], sides[1]


def load_sources(sources: list[discovery.Source], *, settings: Settings | None = None) -> Side:
    """Sources named by the user (or generated from Python): every one must read."""
    return load_inputs([Input(s, s.display) for s in sources], settings)


def load_paths(
    paths: tuple[str, ...],
    *,
    settings: Settings | None = None,
    exclude: tuple[str, ...] = (),
    pair: bool = False,
    default_excludes: bool = True,
) -> Side:
    """Files and directories. `pair`: OLD and NEW are compared as two roots, so a file's origin is its
    path under the directory given (a lone file: the file itself); otherwise its path as shown.
    `default_excludes=False` also walks hidden and default-excluded directories (see loader.discovery)."""
    items: list[Input] = []
    walk_errors: list[str] = []
    for arg in paths:
        found, errors = discovery.discover((arg,), exclude=exclude, default_excludes=default_excludes)
        walk_errors += errors
        is_dir = arg != "-" and Path(arg).is_dir()
        for s in found:
            if not pair:  # the file's path from the current directory, as `load_git` names it (`../x` too)
                origin = discovery.escape_name(Path(os.path.relpath(s.path)).as_posix()) if s.path else s.display
            elif is_dir and s.path is not None:
                origin = Path(os.path.relpath(s.path, arg)).as_posix()
            else:
                origin = ""
            items.append(Input(s, origin, walked=is_dir))
    if walk_errors:
        raise UnreadableInput([error_line(e) for e in walk_errors])
    return load_inputs(items, settings)


def excluded(path: str, patterns: tuple[str, ...]) -> bool:
    """`--exclude` on a path relative to the current directory: the path, a parent, or any name in it."""
    parts = path.split("/")
    for i in range(len(parts)):
        prefix = "/".join(parts[: i + 1])
        for p in patterns:
            if (
                fnmatch.fnmatch(prefix, p)
                or fnmatch.fnmatch(parts[i], p)
                or fnmatch.fnmatch(prefix, p.rstrip("/") + "/*")
            ):
                return True
    return False


def _git(*args: str, cwd: Path | None = None) -> bytes:
    try:
        proc = subprocess.run(["git", *args], capture_output=True, cwd=cwd, check=False)
    except FileNotFoundError:
        raise InputError("git is not installed") from None
    if proc.returncode != 0:
        raise InputError(f"git {' '.join(args)}: {proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout


def _repository() -> tuple[str, str]:
    """The top of the git repository around the current directory and the current directory's path in it
    (`sub/dir/`, '' at the top), as file names (bytes that are not UTF-8 kept, see os.fsdecode)."""
    try:
        top = os.fsdecode(_git("rev-parse", "--show-toplevel")).strip("\n")
    except InputError:
        raise InputError(f"{discovery.escape_name(os.getcwd())} is not in a git repository (--git needs one)") from None
    return top, os.fsdecode(_git("rev-parse", "--show-prefix")).strip("\n")


def verify_revision(rev: str) -> str:
    try:
        return _git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").decode().strip()
    except InputError:
        raise InputError(f"git revision {rev!r} does not exist") from None


def _in_repository(paths: tuple[str, ...], prefix: str) -> list[str]:
    """PATH arguments as paths from the repository's top ('' for the top itself); `prefix` is the current
    directory's (`sub/`). A path outside the repository is an input error (it has no revision: every file
    under it would look added)."""
    if "-" in paths:
        raise InputError("standard input (-) has no git revision; give files or directories")
    wanted = []
    for p in paths:
        from_top = posixpath.normpath(prefix + (git_relative(p) or "."))
        if _above(from_top):
            raise InputError(f"{discovery.escape_name(p)}: outside the git repository; --git compares its files")
        wanted.append("" if from_top == "." else from_top)
    return wanted


def _above(rel: str) -> bool:
    return rel == ".." or rel.startswith("../")


def _below(entry: str, wanted: str) -> str | None:
    """The rest of `entry` under `wanted` (both from the repository's top; '' is the top), else None."""
    if not wanted:
        return entry
    return entry[len(wanted) + 1 :] if entry.startswith(wanted + "/") else None


_SYMLINK = "120000"  # a tree entry's mode for a symbolic link (its blob is the link's target)


def _tree(commit: str) -> dict[str, tuple[str, str]]:
    """Every file of the commit's tree (`ls-tree -r -z`, git's own bytes): path -> (mode, blob id)."""
    tree: dict[str, tuple[str, str]] = {}
    for record in os.fsdecode(_git("ls-tree", "-r", "-z", "--full-tree", commit)).split("\0"):
        meta, _, path = record.partition("\t")
        fields = meta.split()
        if len(fields) == 3 and fields[1] == "blob":
            tree[path] = (fields[0], fields[2])
    return tree


def _link_target(tree: dict[str, tuple[str, str]], entry: str, top: Path) -> str | None:
    """The file a symbolic link of the tree leads to, as the working tree would follow it (links to links
    too); None when it leads outside the tree, nowhere, or round in a loop."""
    current = entry
    for _ in range(40):
        mode, blob = tree[current]
        if mode != _SYMLINK:
            return current
        target = os.fsdecode(_git("cat-file", "blob", blob, cwd=top))
        if target.startswith("/"):
            return None
        current = posixpath.normpath(posixpath.join(posixpath.dirname(current), target))
        if current not in tree:
            return None
    return None


def load_git(
    rev: str,
    paths: tuple[str, ...],
    *,
    settings: Settings | None = None,
    exclude: tuple[str, ...] = (),
    default_excludes: bool = True,
) -> Side:
    """Argo documents of the files under `paths` as they were at `rev` (`git show REV:path`).

    A path that names a file is read as named (an error if it does not parse); files under a directory
    are walked (skipped when they are not Argo manifests) and, as in the working tree, hidden entries and
    the default-excluded directories (.venv, node_modules...) below it are left out unless
    `default_excludes` is off. Paths are relative to the current directory, anywhere in the repository
    (`..` too); file names are git's own bytes (`ls-tree -z`), not its quoted form. A symbolic link to a
    file is read through, as the working tree reads it; one that leads nowhere in the tree is skipped."""
    top, prefix = _repository()
    commit = verify_revision(rev)
    wanted = _in_repository(paths, prefix)
    tree = _tree(commit)
    found: list[tuple[tuple[int, tuple[tuple[int, str], ...]], str, Input]] = []  # (walk order, target, input)
    dangling: list[tuple[str, str]] = []  # (shown, origin) of links that lead nowhere at REV
    for entry in tree:
        if not entry.endswith(discovery.EXTENSIONS):
            continue
        parts = entry.split("/")
        rel = posixpath.relpath("/" + entry, "/" + prefix) if prefix else entry  # as the working tree names it
        if excluded(rel, exclude):
            continue
        for number, p in enumerate(wanted):
            below = _below(entry, p)
            if entry != p and (below is None or (default_excludes and walk_skips(below))):
                continue
            shown = discovery.escape_name(rel)
            target = _link_target(tree, entry, Path(top))
            if target is None:
                dangling.append((shown, shown))
                break
            content = _git("cat-file", "blob", tree[target][1], cwd=Path(top))
            # the order the working tree's walk meets files in: named paths in turn; in a directory, its
            # files by name, then its subdirectories by name
            order = (number, tuple((int(i < len(parts) - 1), part) for i, part in enumerate(parts)))
            found.append(
                (order, target, Input(discovery.Source(f"{shown}@{rev}", content=content), shown, walked=entry != p))
            )
            break
    # each file once, as in the working tree: a link and the file it leads to are read under the name met first
    first: dict[str, tuple[int, tuple[tuple[int, str], ...]]] = {}
    for order, target, _ in found:
        if target not in first or order < first[target]:
            first[target] = order
    items = [item for order, target, item in found if first[target] == order]
    side = load_inputs(items, settings)
    for shown, origin in dangling:
        side.skipped.append((f"{shown}@{rev}", "a symbolic link that leads to no file of the tree at this revision"))
        side.skipped_origins.append(origin)
    return side


def git_relative(path: str) -> str:
    """A PATH argument as a '/'-separated path relative to the current directory ('' for the directory
    itself): `./wf/` and `$PWD/wf` are `wf`, while a leading dot of a name (`.argo/wf.yaml`) is kept."""
    try:
        norm = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        norm = os.path.normpath(path)
    norm = norm.replace("\\", "/")
    return "" if norm == "." else norm


def walk_skips(below: str) -> bool:
    """True when a walk leaves out the file at `below` (relative to the walked directory) by default:
    a hidden name, or a default-excluded directory (.venv, node_modules...) on the way."""
    parts = below.split("/")
    return any(part.startswith(".") for part in parts) or any(part in discovery.DEFAULT_EXCLUDES for part in parts[:-1])
