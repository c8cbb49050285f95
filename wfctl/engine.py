"""The pipeline: settings → sources → YAML documents → Argo documents → findings, one FileResult per file.

`settings_from` turns the configuration file and a command's flags into Settings (every command uses
it). `run` first scans every file cheaply for the templates that `templateRef`s may resolve against
(wfctl.scan), then checks one file at a time, in process or in worker processes, replaying cached
results where nothing they depend on changed, and yields results in input order as they are done.
Parsed files are dropped as soon as they are checked. Positions are looked up only for findings that
survive selection and suppression.
"""

from __future__ import annotations

import fnmatch
import functools
import gc
from collections.abc import Iterable, Iterator
from typing import Any

from wfctl import config as config_mod
from wfctl import rules as rule_registry
from wfctl import suppress
from wfctl.argo.index import TemplateIndex
from wfctl.fix import FIXERS
from wfctl.loader import discovery
from wfctl.loader.documents import Document, Skipped, classify, not_argo_manifest
from wfctl.loader.locate import locate
from wfctl.loader.yaml import Problem, decode, parse
from wfctl.model import FileResult, Finding, Severity
from wfctl.records import dataclass, field
from wfctl.rules.base import Rule, RuleContext
from wfctl.scan import LazyIndex, quick_templates
from wfctl.schema.errors import validate as schema_validate


@dataclass
class Settings:
    """What a run checks and how; filled from flags and the config file."""

    argo_version: str = "4"
    max_bytes: int = discovery.DEFAULT_MAX_BYTES
    stages: tuple[str, ...] = ("input", "argo")
    select: set[str] | None = None  # None: every rule of the selected stages
    ignore: set[str] = field(default_factory=set)
    severity: dict[str, Severity] = field(default_factory=dict)
    per_file_ignores: list[tuple[str, set[str]]] = field(default_factory=list)
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    strict_refs: bool = False


@dataclass
class LoadedFile:
    """One input after reading and parsing."""

    source: discovery.Source
    text: str = ""
    documents: list[Document] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    error: str | None = None  # unreadable: reported as an input error (exit 2)
    size: int = 0


def load(source: discovery.Source, settings: Settings) -> LoadedFile:
    loaded = LoadedFile(source)
    read = discovery.read(source, settings.max_bytes)
    if read.error is not None:
        loaded.error = read.error
        return loaded
    if read.too_large is not None:
        loaded.problems.append(
            Problem(
                "WF014",
                f"file is {read.size_text}, over the {settings.max_bytes:,}-byte limit (--max-file-size); not read",
            )
        )
        return loaded
    assert read.raw is not None
    loaded.size = len(read.raw)
    text, problem = decode(read.raw)
    if problem is not None:
        loaded.problems.append(problem)
        return loaded
    assert text is not None
    loaded.text = text
    yaml_file = parse(text)
    for ydoc in yaml_file.documents:
        docs, skipped, problems = classify(source.display, ydoc)
        loaded.documents.extend(docs)
        loaded.skipped.extend(skipped)
        loaded.problems.extend(problems)
    if yaml_file.problem is not None:
        loaded.problems.append(yaml_file.problem)
    if (not_argo := not_argo_manifest(text, loaded.problems, loaded.documents)) is not None:
        loaded.problems, loaded.skipped = [], [not_argo]
    if not yaml_file.documents and yaml_file.problem is None:
        loaded.skipped.append(Skipped(0, "empty file"))
    return loaded


class Checker:
    """Runs the selected rules over loaded files, applying configuration and suppressions."""

    def __init__(self, settings: Settings, index: TemplateIndex) -> None:
        self.settings = settings
        self.index = index
        registry = rule_registry.load(settings.stages)  # only the modules of these stages
        self.registry = registry
        selected = [
            cls
            for code, cls in registry.items()
            if cls.stage in settings.stages
            and (settings.select is None or code in settings.select or (cls.stage == "input" and code != "WF018"))
            and code not in settings.ignore
        ]
        self.input_codes = {cls.code for cls in selected if cls.stage == "input"}
        self.reported = {cls.code for cls in selected} | {"WF000"}  # codes a finding may carry
        self.rules: list[Rule] = [cls(settings.rule_options.get(cls.code)) for cls in selected if cls.stage != "input"]
        self._rules_for: dict[str, list[Rule]] = {}  # the rules that look at each kind, in order
        self.fixable = set(FIXERS) & self.reported  # findings of these rules carry their fix (wfctl.fix)

    def check(self, loaded: LoadedFile) -> FileResult:
        display = loaded.source.display
        result = FileResult(display, documents=len(loaded.documents))
        result.skipped = [f"document {s.index + 1}: {s.description}" for s in loaded.skipped]
        ignored_here = set().union(
            *(codes for pattern, codes in self.settings.per_file_ignores if fnmatch.fnmatch(display, pattern))
        )
        supp = suppress.parse(loaded.text, rule_registry.resolve) if loaded.text else suppress.Suppressions()
        findings: list[Finding] = []
        findings.extend(self._problem(p) for p in loaded.problems if p.rule in self.input_codes)
        for line, ident in supp.unknown if "WF018" in self.input_codes else ():  # selectable, unlike other input rules
            findings.append(
                self._problem(Problem("WF018", f"unknown rule {ident!r} in a wfctl suppression comment", line, 1))
            )
        for doc in loaded.documents:
            findings.extend(self._check_document(doc, loaded))
        kept = []
        severity = self.settings.severity
        covers = supp.covers if supp.whole_file or supp.ranges else None  # most files suppress nothing
        for f in findings:  # once per finding: written out
            f.file = display
            if severity:
                f.severity = severity.get(f.rule, f.severity)
            if (ignored_here and f.rule in ignored_here) or (covers is not None and covers(f.rule, f.line)):
                continue
            kept.append(f)
        kept.sort(key=Finding.sort_key)
        result.findings = kept
        return result

    def _problem(self, problem: Problem) -> Finding:
        """A loader problem (syntax, duplicate key, encoding...) as a finding at its own position."""
        return Finding(
            problem.rule,
            self.registry[problem.rule].severity,
            problem.message,
            line=problem.line,
            column=problem.column,
            end_line=problem.line,
            end_column=problem.column,
        )

    def _check_document(self, doc: Document, loaded: LoadedFile) -> list[Finding]:
        raw: list[Finding] = [self._problem(p) for p in doc.problems]
        schema_findings = schema_validate(doc.data, self.settings.argo_version, doc.kind)
        raw.extend(schema_findings)
        ctx = RuleContext(doc, self.index, self.settings.argo_version, self.settings.strict_refs, loaded.size)
        rules = self._rules_for.get(doc.kind)
        if rules is None:
            rules = self._rules_for[doc.kind] = [rule for rule in self.rules if doc.kind in rule.kinds]
        for rule in rules:
            try:
                raw.extend(rule.check(ctx))
            except Exception as exc:  # noqa: BLE001 - a rule must never take the run down
                if not schema_findings:
                    raw.append(Finding("WF000", Severity.ERROR, f"rule {rule.code} failed on this document: {exc!r}"))
        muted = suppress.annotation_codes(doc.metadata, rule_registry.resolve)
        superseded = ctx.cache.get("superseded")  # (rule, path[, message]) a rule's own finding replaces
        out = []
        kind, name, reported = doc.kind, doc.name, self.reported
        if "ALL" in muted:
            raw = []
        positions: dict[tuple[Any, bool], tuple[int, int, int, int]] = {}  # several findings, one place
        for f in raw:
            if f.rule not in reported:
                continue
            if superseded and ((f.rule, f.path) in superseded or (f.rule, f.path, f.message) in superseded):
                continue
            if f.rule in muted:
                continue
            f.kind, f.name = kind, name
            if f.line == 0:
                where = (f.path, f.at_key)
                position = positions.get(where)
                if position is None:
                    position = positions[where] = locate(doc.node, f.path, at_key=f.at_key)
                f.line, f.column, f.end_line, f.end_column = position
            out.append(f)
        if self.fixable and any(f.rule in self.fixable for f in out):
            from wfctl.fix.attach import attach  # noqa: PLC0415

            attach(out, doc, loaded.text, self.settings.argo_version)
        # The per-document memos refer back to the document (a resolved call names the document holding
        # its template): dropped here, the file's objects are freed as soon as it is checked instead
        # of waiting for the garbage collector, which would otherwise walk them again and again.
        doc.cache.clear()
        return out


def settings_from(
    *,
    stages: tuple[str, ...] = ("input", "argo"),
    config: str | None = None,
    isolated: bool = False,
    argo_version: str | None = None,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    max_file_size: str | int | None = None,
    strict_refs: bool = False,
) -> tuple[Settings, config_mod.Config]:
    """Settings for a run, from the configuration file (found as `wfctl.config` says, unless `isolated`)
    and the command's own flags, which win. Every command that checks manifests starts here."""
    cfg = config_mod.load(config, isolated=isolated)
    settings = Settings(stages=stages)
    settings.argo_version = str(argo_version or cfg.get("argo-version") or "4")
    size = max_file_size or cfg.get("max-file-size")
    if size is not None:
        try:
            settings.max_bytes = config_mod.parse_size(size)
        except ValueError as exc:
            raise config_mod.config_error(str(exc)) from None
    chosen = list(select) or list(cfg.get("select") or [])
    if chosen:
        settings.select = _codes(chosen, "--select")
    settings.ignore = _codes(list(cfg.get("ignore") or []) + list(ignore), "--ignore")
    for ident, level in (cfg.get("severity") or {}).items():
        for code in _codes([ident], "severity"):
            settings.severity[code] = Severity.parse(level)
    for ident, options in (cfg.get("rules") or {}).items():
        options = dict(options or {})
        level = options.pop("level", None)
        for code in _codes([ident], "rules"):
            if level:
                settings.severity[code] = Severity.parse(level)
            settings.rule_options[code] = options
    for pattern, idents in (cfg.get("per-file-ignores") or {}).items():
        settings.per_file_ignores.append((pattern, _codes(list(idents), "per-file-ignores")))
    settings.strict_refs = bool(strict_refs or cfg.get("strict-refs"))
    return settings, cfg


def _codes(idents: list[str], where: str) -> set[str]:
    try:
        return rule_registry.resolve_many(idents)
    except KeyError as exc:
        raise config_mod.config_error(f"{where}: unknown rule {exc.args[0]!r} (see `wfctl rules`)") from None


def documents_of(settings: Settings, source: discovery.Source) -> list[Document]:
    """The Argo documents of one source (how the template index materialises a referenced file)."""
    return load(source, settings).documents


class FileJob:
    """Checks one source by number: what the in-process loop and every worker process run.

    Holds only what cross-file references need (the light template index), never parsed files."""

    def __init__(self, settings: Settings, sources: list[discovery.Source], index: LazyIndex, cache: Any) -> None:
        self.settings = settings
        self.sources = sources
        self.index = index
        self.cache = cache
        self._checker: Checker | None = None
        self._settled = False  # the first file checked here: what it made that lasts is frozen (see run)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_checker"] = None  # rebuilt in the worker
        return state

    def __call__(self, number: int) -> tuple[str | None, FileResult | None]:
        """(input error, result) for one source; writes the cache entry when there is a cache."""
        if self._checker is None:
            self._checker = Checker(self.settings, self.index)
        source = self.sources[number]
        digest = ""
        if self.cache is not None and source.path is not None:
            raw = discovery.read(source, self.settings.max_bytes).raw
            if raw is not None:  # hash exactly what is checked: the file may change while wfctl runs
                from wfctl.cache import content_hash  # noqa: PLC0415

                digest = content_hash(raw)
                source = discovery.Source(source.display, content=raw)
        loaded = load(source, self.settings)
        if loaded.error:
            return loaded.error, None
        self.index.deps = [] if self.cache is not None else None  # lookups are recorded for the cache only
        try:
            result = self._checker.check(loaded)
        finally:
            deps, self.index.deps = self.index.deps, None
        if digest and digest == self.index.fingerprints[number]:
            self.cache.put(source.display, digest, deps, result)
        if not self._settled:  # the schema is compiled, the rules imported, the index filled: frozen
            self._settled = True
            gc.freeze()
        return None, result


def scan(sources: list[discovery.Source], settings: Settings, *, hashing: bool = True) -> LazyIndex:
    """The template index of `sources`: each source's content hash now (only the cache needs it: skipped
    when not `hashing`), and the templates each defines (cheaply) when a file first asks the index."""
    fingerprints = [""] * len(sources)
    index = LazyIndex(sources, fingerprints, functools.partial(documents_of, settings))
    if hashing:
        from wfctl.cache import content_hash  # noqa: PLC0415

        for number, source in enumerate(sources):
            raw = discovery.read(source, settings.max_bytes).raw
            if raw is not None:
                fingerprints[number] = content_hash(raw)
    index.populate = functools.partial(_index_templates, index, sources, settings)
    return index


def _index_templates(index: LazyIndex, sources: list[discovery.Source], settings: Settings) -> None:
    for number, source in enumerate(sources):
        raw = discovery.read(source, settings.max_bytes).raw
        if raw is None:
            continue
        found = quick_templates(raw)
        if found is None:
            probe = discovery.Source(source.display, content=raw)
            index.add_documents(load(probe, settings).documents, number)
        else:
            for kind, name, namespace in found:
                index.add_entry(kind, name, namespace, number)


POOL_MIN_FILES = 48  # below this, starting worker processes costs more than it saves


def run(
    sources: Iterable[discovery.Source],
    settings: Settings,
    *,
    template_sources: Iterable[discovery.Source] = (),
    jobs: int = 1,
    cache: Any = None,
) -> Iterator[tuple[LoadedFile, FileResult | None]]:
    """Check every source; yields (file, result) in input order (result None if unreadable, with
    `file.error` saying why). `jobs` > 1 checks in that many processes; `cache` (a `wfctl.cache.Cache`)
    replays the results of files whose content and referenced templates are unchanged.

    Garbage collection: what lives as long as the run (imported modules, the compiled schema, the
    rules, the template index) is frozen, once now and once after the first file, so that no
    collection walks it again; checked files are freed as they go (see Checker._check_document), and
    the collector's thresholds stay Python's own. A larger first generation (50,000, tried) made every
    collection walk the whole document being read: 0.4 s of 2 s on 2,000 files."""
    gc.freeze()  # undone in the finally below, however the run ends
    try:
        checked = list(sources)
        everything = checked + list(template_sources)
        index = scan(everything, settings, hashing=cache is not None)
        job = FileJob(settings, everything, index, cache)
        replayed: dict[int, FileResult] = {}
        pending: list[int] = []
        for number, source in enumerate(checked):
            digest = index.fingerprints[number]
            if cache is not None and digest and source.path is not None:
                hit = cache.get(source.display, digest)
                if hit is not None and index.still_valid(hit[0]):
                    replayed[number] = hit[1]
                    cache.hits += 1
                    continue
            pending.append(number)
        if jobs > 1 and len(pending) >= POOL_MIN_FILES:
            from wfctl.parallel import ordered_map  # noqa: PLC0415

            index.ready()  # filled once here: forked workers inherit it
            if job._checker is None:  # built once here: forked workers inherit it (its rule modules imported)
                job._checker = Checker(settings, index)
            outcomes: Iterator[tuple[str | None, FileResult | None]] = ordered_map(job, pending, jobs)
        else:
            outcomes = map(job, pending)
        try:
            for number, source in enumerate(checked):
                result = replayed.pop(number, None)
                if result is not None:
                    yield LoadedFile(source), result
                    continue
                error, result = next(outcomes)
                yield LoadedFile(source, error=error), result
        finally:
            close = getattr(outcomes, "close", None)
            if close is not None:
                close()
    finally:
        gc.unfreeze()  # a long-lived caller (tests, an editor) gets its objects collected again
