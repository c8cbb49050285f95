"""Dedupe one file (merge templates inside each document), verify, and report what changed."""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from wfctl.argo.kinds import CRON_WORKFLOW, LIBRARY_KINDS, is_cluster_scoped
from wfctl.argo.paths import Path_
from wfctl.argo.spec import as_list, workflow_spec
from wfctl.dedupe.find import merge_plan
from wfctl.dedupe.retarget import Retarget, retarget
from wfctl.dedupe.rewrite import Edit, RewriteError, line_starts, replace_scalar, splice
from wfctl.dedupe.verify import equivalent
from wfctl.loader.documents import Document, classify
from wfctl.loader.locate import find
from wfctl.loader.nodes import ScalarNode
from wfctl.loader.yaml import Problem, YamlFile, parse


@dataclass
class FileReport:
    file: str
    before_text: str
    after_text: str = ""
    merged: dict[str, dict[str, str]] = field(default_factory=dict)  # object label -> {removed: kept}
    templates_before: int = 0
    templates_after: int = 0
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    problem: Problem | None = None  # the loader problem behind `error` (a file that cannot be read)
    more: list[Problem] = field(default_factory=list)  # the file's other such problems, in file order
    unread: bool = False  # the file could not be read (or may not be rewritten): nothing to report but `error`
    extracted: list[str] = field(default_factory=list)
    encoder: Callable[[str], bytes] = field(default=str.encode, repr=False)  # text -> the file's bytes
    _sizes: dict[str, int] = field(default_factory=dict, repr=False)

    @property
    def changed(self) -> bool:
        return self.error is None and self.after_text != self.before_text

    def json_bytes(self, text: str) -> int:
        if text in self._sizes:
            return self._sizes[text]
        docs: list[dict[str, Any]] = []
        for ydoc in parsed(text).documents:
            d, _, _ = classify(self.file, ydoc)
            docs.extend(x.data for x in d)
        size = sum(len(json.dumps(d, separators=(",", ":"), default=str)) for d in docs)
        self._sizes[text] = size
        return size

    def as_json(self) -> dict[str, Any]:
        after = self.after_text if self.error is None else self.before_text
        return {
            "file": self.file,
            "changed": self.changed,
            "templates_before": self.templates_before,
            "templates_after": self.templates_after if self.error is None else self.templates_before,
            "merged": self.merged,
            "extracted": self.extracted,
            "bytes_before": len(self.encoder(self.before_text)),
            "bytes_after": len(self.encoder(after)),
            "json_bytes_before": self.json_bytes(self.before_text),
            "json_bytes_after": self.json_bytes(after),
            "notes": self.notes,
            "error": self.error,
        }


@functools.lru_cache(maxsize=4)
def parsed(text: str) -> YamlFile:
    """A file's YAML, parsed once for the rewrite, its proof and its report (read-only: shared)."""
    return parse(text)


def self_ref(doc: Document) -> tuple[str, bool] | None:
    if doc.kind in LIBRARY_KINDS and doc.metadata.get("name"):
        return str(doc.metadata["name"]), is_cluster_scoped(doc.kind)
    return None


def _renamer(doc: Document, prefix: Path_, starts: list[int], plan: dict[str, str]) -> Retarget:
    """The edit that points one reference at the template kept instead (`template: b` -> `template: a`)."""

    def rename(path: Path_, name: str) -> Edit:
        _, node = find(doc.node, (*prefix, *path))
        if not isinstance(node, ScalarNode):
            raise RewriteError(f"reference at {'.'.join(map(str, path))} is not a plain value")
        return replace_scalar(starts, node, plan[name])

    return rename


def documents(file: str, text: str) -> list[Document]:
    result = parsed(text)
    if result.problem is not None:
        raise RewriteError(f"line {result.problem.line}: {result.problem.message}")
    docs: list[Document] = []
    for ydoc in result.documents:
        if ydoc.problems:
            p = ydoc.problems[0]
            raise RewriteError(f"line {p.line}: {p.message}")
        found, _, _ = classify(file, ydoc)
        docs.extend(d for d in found if d.item is None)
    return docs


def finding_counts(file: str, text: str, extra_text: str = "") -> Counter[str]:
    from wfctl.argo.index import TemplateIndex  # noqa: PLC0415
    from wfctl.engine import (  # noqa: PLC0415
        Checker,
        Settings,
        load,
    )
    from wfctl.loader.discovery import Source  # noqa: PLC0415

    settings = Settings()
    loaded = load(Source(file, content=text.encode()), settings)
    index = TemplateIndex()
    index.add(loaded.documents)
    if extra_text:
        index.add(load(Source("<extracted>", content=extra_text.encode()), settings).documents)
    result = Checker(settings, index).check(loaded)
    return Counter(f.rule for f in result.findings)


def dedupe_text(file: str, text: str, *, include_templates: bool = False) -> FileReport:
    report = FileReport(file, text, text)
    try:
        docs = documents(file, text)
    except RewriteError as exc:
        report.error = f"cannot read: {exc}"
        return report
    starts = line_starts(text)
    edits: list[Edit] = []
    plans: dict[int, dict[str, str]] = {}
    for i, doc in enumerate(docs):
        prefix, spec = workflow_spec(doc)
        count = len([t for t in as_list(spec.get("templates")) if isinstance(t, dict)])
        report.templates_before += count
        report.templates_after += count
        if doc.kind in LIBRARY_KINDS and not include_templates:
            if merge_plan(spec, self_ref(doc)):
                report.notes.append(
                    f"{doc.label()}: has duplicate templates, left alone (a WorkflowTemplate's templates may be"
                    " called from other files; --include-templates merges them)"
                )
            continue
        plan = merge_plan(spec, self_ref(doc))
        if not plan:
            continue
        plans[i] = plan
        report.merged[doc.label()] = dict(plan)
        report.templates_after -= len(plan)
        try:
            rename = _renamer(doc, prefix, starts, plan)
            edits += retarget(doc, text, starts, plan, rename, prefix=prefix, spec=spec, self_ref=self_ref(doc))
        except RewriteError as exc:
            report.error = f"{doc.label()}: {exc}"
            return report
    if not edits:
        return report
    try:
        new_text = splice(text, edits)
    except RewriteError as exc:
        report.error = str(exc)
        return report
    problem = verify(file, text, new_text, docs, plans)
    if problem:
        report.error = f"not rewritten, equivalence could not be proven: {problem}"
        return report
    report.after_text = new_text
    return report


def verify(
    file: str,
    old_text: str,
    new_text: str,
    old_docs: list[Document],
    plans: dict[int, dict[str, str]],
    external: Any = None,
    extra_text: str = "",
) -> str | None:
    try:
        new_docs = documents(file, new_text)
    except RewriteError as exc:
        return f"the rewritten file does not parse ({exc})"
    if len(new_docs) != len(old_docs):
        return "the rewritten file has a different number of documents"
    for i, (old, new) in enumerate(zip(old_docs, new_docs, strict=False)):
        if i not in plans and external is None:
            if old.data != new.data:
                return f"{old.label()} changed although nothing was merged in it"
            continue
        _old_prefix, old_spec = workflow_spec(old)
        _, new_spec = workflow_spec(new)
        strip = lambda d: {k: v for k, v in d.items() if k != "spec"}  # noqa: E731
        if strip(old.data) != strip(new.data):
            return f"{old.label()}: metadata changed"
        if old.kind == CRON_WORKFLOW and {k: v for k, v in old.spec.items() if k != "workflowSpec"} != {
            k: v for k, v in new.spec.items() if k != "workflowSpec"
        }:
            return f"{old.label()}: the cron settings changed"
        problem = equivalent(old_spec, new_spec, plans.get(i, {}), self_ref(old), external)
        if problem:
            return f"{old.label()}: {problem}"
    before, after = finding_counts(file, old_text), finding_counts(file, new_text, extra_text)
    new_findings = {rule: n - before.get(rule, 0) for rule, n in after.items() if n > before.get(rule, 0)}
    if new_findings:
        return f"validation would report new findings: {', '.join(sorted(new_findings))}"
    return None
