"""Across files: templates repeated in several files move into one WorkflowTemplate, and the files
call them with `templateRef`. Only leaf templates that keep their meaning when moved are extracted."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from wfctl.argo.calls import references, root_refs
from wfctl.argo.canonical import fingerprint, template_body
from wfctl.argo.kinds import API_VERSION, RUNNABLE_KINDS, WORKFLOW_TEMPLATE
from wfctl.argo.paths import Path_
from wfctl.argo.spec import LEAF_TYPES, as_list, strings, template_type, workflow_spec
from wfctl.dedupe.plan import FileReport, documents, verify
from wfctl.dedupe.retarget import Retarget, retarget
from wfctl.dedupe.rewrite import Edit, RewriteError, line_starts, offset, splice
from wfctl.loader.documents import Document
from wfctl.loader.locate import find
from wfctl.loader.nodes import ScalarNode
from wfctl.yamlout import to_text


@dataclass
class Extraction:
    reports: list[FileReport] = field(default_factory=list)
    template_text: str = ""
    templates: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _why_not(tpl: dict[str, Any], spec: dict[str, Any], name: str) -> str | None:
    if template_type(tpl) not in LEAF_TYPES:
        return "calls other templates (only leaf templates are extracted)"
    if any("{{workflow." in text or ("{{=" in text and "workflow." in text) for _, text in strings(tpl)):
        return "reads {{workflow.*}} variables, which would then refer to the caller's workflow"
    if spec.get("templateDefaults"):
        return "its workflow has templateDefaults, which a referenced template might not get the same way"
    if name in {root for _, root in root_refs(spec)}:
        return "it is the entrypoint, exit handler or a workflow hook (those must be local templates)"
    return None


def _call_by_ref(doc: Document, prefix: Path_, starts: list[int], wft: str, moving: dict[str, str]) -> Retarget:
    """The edit that turns a step's or task's `template: b` into `templateRef: {name: WFT, template: b'}`
    (the workflow's own entrypoint, onExit and hooks are never extracted: see `_why_not`)."""

    def call_by_ref(path: Path_, ref_name: str) -> Edit | None:
        if path[0] != "templates":
            return None
        call_node = find(doc.node, (*prefix, *path[:-1]))[1]
        key_node, value_node = None, None
        for k, v in getattr(call_node, "value", []):
            if isinstance(k, ScalarNode) and k.value == "template":
                key_node, value_node = k, v
        if key_node is None or not isinstance(value_node, ScalarNode) or value_node.style in ("|", ">"):
            raise RewriteError(f"reference at {'.'.join(map(str, path))} is not a plain `template:` value")
        start = offset(starts, key_node.start_mark.line, key_node.start_mark.column)
        end = offset(starts, value_node.end_mark.line, value_node.end_mark.column)
        return Edit(start, end, f"templateRef: {{name: {wft}, template: {moving[ref_name]}}}")

    return call_by_ref


def extract(files: list[tuple[str, str]], name: str) -> Extraction:
    """Move the templates repeated across `files` into one WorkflowTemplate `name`, each file's copies
    replaced by templateRefs; every rewritten file proven equivalent before it is offered."""
    result = Extraction()
    parsed, shared = _read_all(files, result)
    chosen: dict[str, str] = {}  # fingerprint -> name in the WorkflowTemplate
    for file, text, docs in parsed:
        if not docs and any(r.file == file for r in result.reports):
            continue
        report = FileReport(file, text, text)
        starts = line_starts(text)
        edits: list[Edit] = []
        for doc in docs:
            prefix, spec = workflow_spec(doc)
            templates = [t for t in as_list(spec.get("templates")) if isinstance(t, dict)]
            report.templates_before += len(templates)
            report.templates_after += len(templates)
            if doc.kind not in RUNNABLE_KINDS:
                continue
            moving = _moving(doc, spec, templates, shared, chosen, result, report)
            if not moving:
                continue
            if any(path[-1] == "onExit" and n in moving for path, n in references(spec)):
                report.notes.append(f"{doc.label()}: a step's onExit calls an extracted template; left alone")
                continue
            try:
                call_ref = _call_by_ref(doc, prefix, starts, name, moving)
                edits += retarget(doc, text, starts, moving, call_ref, prefix=prefix, spec=spec)
            except RewriteError as exc:
                report.error = f"{doc.label()}: {exc}"
                break
            report.templates_after -= len(moving)
            report.merged[doc.label()] = {k: f"{name}/{v}" for k, v in moving.items()}
            report.extracted.extend(sorted(moving))
        if report.error is None and edits:
            _rewrite(report, file, text, docs, edits, name, result)
        result.reports.append(report)
    result.template_text = render_template(name, list(result.templates.values())) if result.templates else ""
    return result


def _read_all(files: list[tuple[str, str]], result: Extraction) -> tuple[list[tuple[str, str, list]], set[str]]:
    """Each file's documents (an unreadable file gets its report here), and the fingerprints of the
    templates found in more than one file."""
    parsed: list[tuple[str, str, list]] = []
    where: dict[str, set[str]] = {}
    for file, text in files:
        try:
            docs = documents(file, text)
        except RewriteError as exc:
            result.reports.append(FileReport(file, text, text, error=f"cannot read: {exc}"))
            parsed.append((file, text, []))
            continue
        parsed.append((file, text, docs))
        for doc in docs:
            if doc.kind not in RUNNABLE_KINDS:
                continue
            for tpl in as_list(workflow_spec(doc)[1].get("templates")):
                if isinstance(tpl, dict) and isinstance(tpl.get("name"), str):
                    where.setdefault(fingerprint(template_body(tpl)), set()).add(file)
    return parsed, {fp for fp, found in where.items() if len(found) > 1}


def _moving(
    doc: Any,
    spec: dict[str, Any],
    templates: list[dict[str, Any]],
    shared: set[str],
    chosen: dict[str, str],
    result: Extraction,
    report: FileReport,
) -> dict[str, str]:
    """The document's templates that move (local name -> name in the WorkflowTemplate); the first copy
    of each shared template seen becomes the WorkflowTemplate's, renamed if its name is taken."""
    moving: dict[str, str] = {}
    for tpl in templates:
        tname = tpl.get("name")
        fp = fingerprint(template_body(tpl))
        if fp not in shared or not isinstance(tname, str):
            continue
        reason = _why_not(tpl, spec, tname)
        if reason:
            report.notes.append(
                f"{doc.label()}: template {tname!r} is repeated in other files but left alone: {reason}"
            )
            continue
        if fp not in chosen:
            target, n = tname, 2
            while target in result.templates:
                target, n = f"{tname}-{n}", n + 1
            chosen[fp] = target
            result.templates[target] = {**tpl, "name": target}
        moving[tname] = chosen[fp]
    return moving


def _rewrite(
    report: FileReport, file: str, text: str, docs: list, edits: list[Edit], name: str, result: Extraction
) -> None:
    """Splice the edits and keep the new text only when it is proven equivalent, the extracted
    WorkflowTemplate included."""
    try:
        new_text = splice(text, edits)
    except RewriteError as exc:
        report.error = str(exc)
        return
    problem = verify(
        file,
        text,
        new_text,
        docs,
        {},
        external=_resolver(name, result.templates),
        extra_text=render_template(name, list(result.templates.values())),
    )
    if problem:
        report.error = f"not rewritten, equivalence could not be proven: {problem}"
    else:
        report.after_text = new_text


def _resolver(name: str, templates: dict[str, dict[str, Any]]) -> Any:
    def resolve(wft: str, template: str) -> dict[str, Any] | None:
        return templates.get(template) if wft == name else None

    return resolve


def render_template(name: str, templates: list[dict[str, Any]]) -> str:
    if not re.fullmatch(r"[a-z0-9]([-a-z0-9.]*[a-z0-9])?", name):
        raise RewriteError(f"--name {name!r} is not a valid object name (lowercase, '-', '.')")
    header = "# Generated by `wfctl dedupe --extract-to`: templates that several workflows shared.\n"
    return header + to_text(
        {
            "apiVersion": API_VERSION,
            "kind": WORKFLOW_TEMPLATE,
            "metadata": {
                "name": name,
                "annotations": {"workflows.argoproj.io/description": "Templates shared by several workflows."},
            },
            "spec": {"templates": templates},
        },
        indented_lists=True,
    )
