"""Apply documents: server-side apply for templates and CronWorkflows, create for Workflows, prune."""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from typing import Any

from wfctl.errors import ClusterError, InputError
from wfctl.kube.client import Kube, resource_name
from wfctl.loader.documents import Document

ORDER = {"ClusterWorkflowTemplate": 0, "WorkflowTemplate": 1, "CronWorkflow": 2, "Workflow": 3}
PRUNABLE = ("WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow")
SERVER_META = ("resourceVersion", "uid", "creationTimestamp", "generation", "managedFields", "selfLink")


@dataclass
class Outcome:
    kind: str
    name: str
    namespace: str | None
    action: str  # created, configured, unchanged, replaced, pruned
    object: dict[str, Any] = field(default_factory=dict)

    @property
    def resource(self) -> str:
        return resource_name(self.kind, self.name)


def _comparable(obj: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy({k: v for k, v in obj.items() if k != "status"})
    meta = out.get("metadata") or {}
    for key in SERVER_META:
        meta.pop(key, None)
    return out


def plan_namespace(doc: Document, flag_namespace: str | None, default: str) -> str | None:
    if doc.kind == "ClusterWorkflowTemplate":
        return None
    own = doc.namespace
    if own and flag_namespace and own != flag_namespace:
        raise InputError(f"{doc.file}: {doc.label()} is in namespace {own!r}, but --namespace is {flag_namespace!r}")
    return own or flag_namespace or default


def apply_documents(
    kube: Kube | None,
    docs: list[Document],
    *,
    namespace_flag: str | None,
    dry_run: str,
    force_conflicts: bool,
    replace: bool,
) -> list[Outcome]:
    """Apply in dependency order (cluster templates, templates, cron, then workflows)."""
    outcomes: list[Outcome] = []
    default_ns = (kube.namespace if kube is not None else namespace_flag) or "default"
    for doc in sorted(docs, key=lambda d: ORDER[d.kind]):
        ns = plan_namespace(doc, namespace_flag, default_ns)
        obj = copy.deepcopy(doc.data)
        obj.setdefault("metadata", {})
        if ns is not None:
            obj["metadata"]["namespace"] = ns
        name = obj["metadata"].get("name") or ""
        if dry_run == "client" or kube is None:
            label = name or f"{obj['metadata'].get('generateName', '')}(generated)"
            outcomes.append(Outcome(doc.kind, label, ns, "created" if doc.kind == "Workflow" else "configured", obj))
            continue
        server_dry = dry_run == "server"
        if doc.kind == "Workflow":
            outcomes.append(_create_workflow(kube, doc, obj, ns, server_dry, replace))
            continue
        existing = kube.get(doc.kind, name, ns)
        status, result = kube.server_side_apply(obj, force=force_conflicts, dry_run=server_dry)
        if existing is None or status == 201:
            action = "created"
        elif server_dry:
            action = "unchanged" if _comparable(existing) == _comparable(result) else "configured"
        else:
            same = existing["metadata"].get("resourceVersion") == result.get("metadata", {}).get("resourceVersion")
            action = "unchanged" if same else "configured"
        outcomes.append(Outcome(doc.kind, name, ns, action, result))
    return outcomes


def _create_workflow(
    kube: Kube, doc: Document, obj: dict[str, Any], ns: str | None, dry: bool, replace: bool
) -> Outcome:
    name = obj["metadata"].get("name")
    action = "created"
    if name:
        existing = kube.get("Workflow", name, ns)
        if existing is not None:
            if not replace:
                raise ClusterError(
                    f"{resource_name('Workflow', name)} already exists in namespace {ns!r}: a Workflow is a"
                    " run, so it is not updated; use --replace to delete and re-create it, or"
                    " metadata.generateName for a new run each time"
                )
            if not dry:
                kube.delete("Workflow", name, ns)
                deadline = time.monotonic() + 60
                while kube.get("Workflow", name, ns) is not None:
                    if time.monotonic() > deadline:
                        raise ClusterError(f"{resource_name('Workflow', name)}: still being deleted after 60 s")
                    time.sleep(0.5)
            action = "replaced"
    result = kube.create(obj, dry_run=dry)
    return Outcome("Workflow", result.get("metadata", {}).get("name") or name or "", ns, action, result)


def prune(kube: Kube, applied: list[Outcome], selector: str, namespaces: set[str], *, dry_run: str) -> list[Outcome]:
    """Delete templates and CronWorkflows with the selector's labels and wfctl's field manager that
    are no longer in the files. Never Workflows; never objects without the labels."""
    keep = {(o.kind, o.namespace, o.name) for o in applied}
    pruned: list[Outcome] = []
    for kind in PRUNABLE:
        scopes: list[str | None] = [None]
        if kind != "ClusterWorkflowTemplate":
            scopes = [*sorted(namespaces)]
        for ns in scopes:
            items, _ = kube.list_objects(kind, ns, label_selector=selector)
            for item in items:
                meta = item.get("metadata", {})
                key = (kind, meta.get("namespace") if kind != "ClusterWorkflowTemplate" else None, meta.get("name"))
                managers = {m.get("manager") for m in meta.get("managedFields") or []}
                if key in keep or "wfctl" not in managers:
                    continue
                if dry_run != "client":
                    kube.delete(kind, meta["name"], key[1], dry_run=dry_run == "server")
                pruned.append(Outcome(kind, meta["name"], key[1], "pruned", item))
    return pruned
