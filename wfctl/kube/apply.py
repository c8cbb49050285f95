"""Acting on a plan: server-side apply for templates and CronWorkflows, create for Workflows, and
prune, whose candidates are listed (read-only) before anything is applied."""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from typing import Any

from wfctl import interrupt
from wfctl.argo.kinds import STORED_KINDS, is_cluster_scoped
from wfctl.argo.meta import SERVER_METADATA
from wfctl.errors import ClusterError
from wfctl.kube.client import Kube, resource_name
from wfctl.kube.plan import ORDER, Planned
from wfctl.kube.selector import Selector

FIELD_MANAGER = "wfctl"


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
    for key in SERVER_METADATA:
        meta.pop(key, None)
    return out


def apply_planned(
    kube: Kube | None, plan: list[Planned], *, dry_run: str, force_conflicts: bool, replace: bool
) -> list[Outcome]:
    """Apply in dependency order (cluster templates, templates, cron, then workflows). When a request
    fails, the error names what was applied before it (kept: an apply is not a transaction)."""
    outcomes: list[Outcome] = []
    try:
        _apply_each(kube, plan, outcomes, dry_run=dry_run, force_conflicts=force_conflicts, replace=replace)
    except ClusterError as exc:
        if dry_run != "none" or not outcomes:
            raise
        done = [f"{o.resource} {o.action}" for o in outcomes]
        shown = "\n    ".join(done[:20]) + (f"\n    ... and {len(done) - 20} more" if len(done) > 20 else "")
        exc.message = f"{exc.format_message()}\n  applied before this error:\n    {shown}"  # type: ignore[misc]  # same type and status
        raise
    return outcomes


def _apply_each(
    kube: Kube | None,
    plan: list[Planned],
    outcomes: list[Outcome],
    *,
    dry_run: str,
    force_conflicts: bool,
    replace: bool,
) -> None:
    for p in sorted(plan, key=lambda p: ORDER[p.kind]):
        interrupt.check()  # a Ctrl-C that Python swallowed still stops before the next object
        obj = copy.deepcopy(p.obj)
        if dry_run == "client" or kube is None:
            label = p.name or f"{obj['metadata'].get('generateName', '')}(generated)"
            action = "created" if p.kind == "Workflow" else "configured"
            outcomes.append(Outcome(p.kind, label, p.namespace, action, obj))
            continue
        server_dry = dry_run == "server"
        if p.kind == "Workflow":
            outcomes.append(_create_workflow(kube, obj, p.namespace, server_dry, replace))
            continue
        existing = kube.get(p.kind, p.name, p.namespace)
        status, result = kube.server_side_apply(obj, force=force_conflicts, dry_run=server_dry)
        if existing is None or status == 201:
            action = "created"
        elif server_dry:
            action = "unchanged" if _comparable(existing) == _comparable(result) else "configured"
        else:
            same = existing["metadata"].get("resourceVersion") == result.get("metadata", {}).get("resourceVersion")
            action = "unchanged" if same else "configured"
        outcomes.append(Outcome(p.kind, p.name, p.namespace, action, result))


def _create_workflow(kube: Kube, obj: dict[str, Any], ns: str | None, dry: bool, replace: bool) -> Outcome:
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
                kube.delete("Workflow", name, ns, missing_ok=True)
                deadline = time.monotonic() + 60
                while kube.get("Workflow", name, ns) is not None:
                    if time.monotonic() > deadline:
                        raise ClusterError(f"{resource_name('Workflow', name)}: still being deleted after 60 s")
                    time.sleep(0.5)
            action = "replaced"
    result = kube.create(obj, dry_run=dry)
    return Outcome("Workflow", result.get("metadata", {}).get("name") or name or "", ns, action, result)


def prune_candidates(kube: Kube, plan: list[Planned], selector: Selector, namespaces: set[str]) -> list[Outcome]:
    """Templates and CronWorkflows that carry the selector's labels (checked here too, not only by the
    server), were applied by wfctl (field manager), and are not in the plan. Read-only: lists only.
    Never Workflows."""
    keep = {(p.kind, p.namespace, p.name) for p in plan}
    found: list[Outcome] = []
    for kind in STORED_KINDS:  # never Workflows
        scopes: list[str | None] = [None] if is_cluster_scoped(kind) else [*sorted(namespaces)]
        for ns in scopes:
            items, _ = kube.list_objects(kind, ns, label_selector=str(selector))
            for item in items:
                meta = item.get("metadata") or {}
                name = meta.get("name")
                item_ns = None if is_cluster_scoped(kind) else meta.get("namespace")
                if not name or (not is_cluster_scoped(kind) and item_ns != ns):
                    continue
                labels = meta.get("labels") if isinstance(meta.get("labels"), dict) else {}
                managers = {m.get("manager") for m in meta.get("managedFields") or [] if isinstance(m, dict)}
                if (kind, item_ns, name) in keep or FIELD_MANAGER not in managers or not selector.matches(labels):
                    continue
                found.append(Outcome(kind, name, item_ns, "pruned", item))
    return found


def prune(kube: Kube, candidates: list[Outcome], *, dry_run: str) -> list[Outcome]:
    """Delete the candidates listed before apply (an object already gone is not an error)."""
    done: list[Outcome] = []
    for o in candidates:
        if dry_run != "client" and not kube.delete(
            o.kind, o.name, o.namespace, dry_run=dry_run == "server", missing_ok=True
        ):
            continue
        done.append(o)
    return done
