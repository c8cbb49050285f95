"""The pipeline: sources → YAML documents → Argo documents → findings, one FileResult per file.

Every file is read and parsed first (so that `templateRef`s can resolve against templates in any of
them), then each file is checked and handed to the reporter as soon as it is done. Positions are
looked up only for findings that survive selection and suppression.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from wfctl import rules as rule_registry
from wfctl import suppress
from wfctl.argo.index import TemplateIndex
from wfctl.loader import discovery
from wfctl.loader.documents import Document, Skipped, classify
from wfctl.loader.locate import locate
from wfctl.loader.yaml import Problem, decode, parse
from wfctl.model import FileResult, Finding, Severity
from wfctl.rules.base import Rule, RuleContext
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
                f"file is {read.too_large:,} bytes, over the {settings.max_bytes:,}-byte limit"
                " (--max-file-size); not read",
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
    if not yaml_file.documents and yaml_file.problem is None:
        loaded.skipped.append(Skipped(0, "empty file"))
    return loaded


class Checker:
    """Runs the selected rules over loaded files, applying configuration and suppressions."""

    def __init__(self, settings: Settings, index: TemplateIndex) -> None:
        self.settings = settings
        self.index = index
        registry = rule_registry.load_all()
        self.registry = registry
        selected = [
            cls
            for code, cls in registry.items()
            if cls.stage in settings.stages
            and (settings.select is None or code in settings.select or cls.stage == "input")
            and code not in settings.ignore
        ]
        self.input_codes = {cls.code for cls in selected if cls.stage == "input"}
        self.reported = {cls.code for cls in selected} | {"WF000"}  # codes a finding may carry
        self.rules: list[Rule] = [cls(settings.rule_options.get(cls.code)) for cls in selected if cls.stage != "input"]

    def severity_of(self, finding: Finding) -> Severity:
        return self.settings.severity.get(finding.rule, finding.severity)

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
        for line, ident in supp.unknown:
            findings.append(
                self._problem(Problem("WF018", f"unknown rule {ident!r} in a wfctl suppression comment", line, 1))
            )
        for doc in loaded.documents:
            findings.extend(self._check_document(doc, loaded))
        kept = []
        for f in findings:
            f.file = display
            f.severity = self.severity_of(f)
            if f.rule in ignored_here or supp.covers(f.rule, f.line):
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
        for rule in self.rules:
            if doc.kind not in rule.kinds:
                continue
            try:
                raw.extend(rule.check(ctx))
            except Exception as exc:  # noqa: BLE001 - a rule must never take the run down
                if not schema_findings:
                    raw.append(Finding("WF000", Severity.ERROR, f"rule {rule.code} failed on this document: {exc!r}"))
        muted = suppress.annotation_codes(doc.metadata, rule_registry.resolve)
        out = []
        for f in raw:
            if f.rule not in self.reported:
                continue
            if f.rule in muted or "ALL" in muted:
                continue
            f.kind, f.name = doc.kind, doc.name
            if f.line == 0:
                f.line, f.column, f.end_line, f.end_column = locate(doc.node, f.path, at_key=f.at_key)
            out.append(f)
        return out


def run(
    sources: Iterable[discovery.Source],
    settings: Settings,
    *,
    template_sources: Iterable[discovery.Source] = (),
) -> Iterator[tuple[LoadedFile, FileResult | None]]:
    """Check every source; yields (loaded file, result) in input order (result None if unreadable)."""
    loaded = [load(s, settings) for s in sources]
    index = TemplateIndex()
    for lf in loaded:
        index.add(lf.documents)
    for s in template_sources:
        index.add(load(s, settings).documents)
    checker = Checker(settings, index)
    for lf in loaded:
        yield lf, (None if lf.error else checker.check(lf))
