"""What `apply` decides before its first request: every input read and sound, every object named and
placed in a namespace. Any problem here means nothing is applied and nothing is pruned (exit 2).

Checked even with --no-validate: unreadable or skipped paths of the walk (the one walker,
`loader.discovery`, follows symlinked directories and reports what it cannot read), special files,
YAML problems of any kind (syntax, aliases, size, encoding, not a mapping, wrong apiVersion),
documents without a usable `metadata`, names the API would refuse, the same object twice, a manifest
namespace that disagrees with `-n`, an invalid `-n`, a Workflow (created, never updated) that carries a
`metadata.resourceVersion` (as `kubectl get -o yaml` writes it; the API refuses to create it).
A file named twice (`-f a.yaml -f a.yaml`, or a file inside a directory also named) is read once.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from wfctl.kube.names import generate_name_problem, name_problem, namespace_problem
from wfctl.loader.discovery import Source
from wfctl.loader.documents import Document
from wfctl.loader.report import error_line, problem_line

ORDER = {"ClusterWorkflowTemplate": 0, "WorkflowTemplate": 1, "CronWorkflow": 2, "Workflow": 3}


@dataclass
class Planned:
    """One object to apply: its final body, where it goes, and where it came from."""

    doc: Document
    kind: str
    name: str  # "" for a Workflow with only generateName
    namespace: str | None  # None: cluster-scoped
    obj: dict[str, Any] = field(default_factory=dict)


def walk_inputs(paths: tuple[str, ...], **options: Any) -> tuple[list[Source], list[str]]:
    """The one walker (`discovery.discover`) for apply: the sources, and every problem that makes the
    set incomplete: its errors (unreadable paths anywhere, missing paths, special files named) and the
    files it would skip (special files in a walk). Loops and files or directories reached twice lose
    nothing: each file is taken once."""
    from wfctl.loader import discovery  # noqa: PLC0415

    skipped: list[str] = []

    def refuse(shown: str, kind: str) -> None:  # apply acts on every file it is given, or on none
        skipped.append(f"{shown}: {kind}, not a regular file: remove it from the directory to apply")

    sources, errors = discovery.discover(paths, skipped=refuse, **options)
    return sources, [*errors, *skipped]


def _namespace_problem(value: str | None, what: str) -> str | None:
    return namespace_problem(value, what) if value else None


def input_problems(loaded: list[Any]) -> list[str]:
    """Every reading or YAML problem of the loaded files, as every command prints it (wfctl.loader.report)."""
    problems: list[str] = []
    for lf in loaded:
        if lf.error:
            problems.append(error_line(str(lf.error)))
            continue
        found = list(lf.problems) + [p for d in lf.documents for p in d.problems]
        # a file that does not parse is never skipped here, Argo-looking or not: its objects would be pruned
        found += [s.problem for s in lf.skipped if s.problem is not None]
        for p in found:
            problems.append(problem_line(lf.source.display, p))  # as validate prints it (wfctl.loader.report)
    return problems


def _where(doc: Document) -> str:
    line = doc.node.start_mark.line + 1 if doc.node is not None else 1
    return f"{doc.file}:{line}"


def plan_documents(docs: list[Document], namespace_flag: str | None, default_namespace: str) -> list[Planned]:
    """The objects to apply, in dependency order; raises InputError listing every problem."""
    from wfctl.errors import InputError  # noqa: PLC0415

    problems: list[str] = []
    planned: list[Planned] = []
    seen: dict[tuple[str, str | None, str], str] = {}
    flag_problem = _namespace_problem(namespace_flag, "--namespace")
    if flag_problem:
        problems.append(flag_problem)
    default_problem = None if namespace_flag else _namespace_problem(default_namespace, "the kubeconfig's namespace")
    for doc in sorted(docs, key=lambda d: ORDER[d.kind]):
        where = f"{_where(doc)}: {doc.kind}"
        meta = doc.data.get("metadata")
        if not isinstance(meta, dict):
            problems.append(f"{where}: metadata is {'missing' if meta is None else 'not a mapping'}; nothing to apply")
            continue
        name, generate = meta.get("name"), meta.get("generateName")
        if name is not None:
            problem = name_problem(name, "metadata.name")
        elif generate is not None and doc.kind == "Workflow":
            problem = generate_name_problem(generate, "metadata.generateName")
        elif generate is not None:
            problem = f"metadata.generateName is only for Workflows; a {doc.kind} needs metadata.name"
        else:
            problem = "metadata.name is missing" + (" (or generateName)" if doc.kind == "Workflow" else "")
        if problem:
            problems.append(f"{where}: {problem}")
            continue
        if doc.kind == "Workflow" and meta.get("resourceVersion") not in (None, ""):
            problems.append(
                f"{where}/{name or generate}: metadata.resourceVersion is set, but a Workflow is created, never"
                " updated, and the API refuses to create an object with one (remove it: it comes from"
                " `kubectl get -o yaml`)"
            )
            continue
        own = meta.get("namespace")
        if own is not None and (not isinstance(own, str) or _namespace_problem(own, "") or not own):
            problems.append(f"{where}/{name or generate}: metadata.namespace {own!r} is not a valid namespace")
            continue
        ns: str | None = None
        if doc.kind != "ClusterWorkflowTemplate":
            if own and namespace_flag and own != namespace_flag:
                problems.append(
                    f"{where}/{name or generate}: in namespace {own!r}, but --namespace is {namespace_flag!r}"
                )
                continue
            ns = own or namespace_flag or default_namespace
            if not own and default_problem and default_problem not in problems:
                problems.append(default_problem)
        if name:
            key = (doc.kind, ns, str(name))
            if key in seen:
                problems.append(f"{where}/{name}: the same object is also at {seen[key]}; which one to apply?")
                continue
            seen[key] = _where(doc)
        obj = copy.deepcopy(doc.data)
        if ns is not None:
            obj["metadata"]["namespace"] = ns
        planned.append(Planned(doc, doc.kind, str(name or ""), ns, obj))
    if problems:
        shown = "\n  ".join(problems[:20]) + (f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else "")
        raise InputError(f"nothing was applied:\n  {shown}")
    return planned


__all__ = ["ORDER", "Planned", "input_problems", "plan_documents", "walk_inputs"]
