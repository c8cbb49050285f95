"""`wfctl submit --from KIND/NAME`: the Workflow that runs a WorkflowTemplate, ClusterWorkflowTemplate or
CronWorkflow already on the cluster (as `argo submit --from` builds it), created through the API."""

from __future__ import annotations

from typing import Any

from wfctl.argo.kinds import API_VERSION, CLUSTER_WORKFLOW_TEMPLATE, CRON_WORKFLOW
from wfctl.errors import ClusterError
from wfctl.kube.client import resource_name


def build_workflow(
    found: dict[str, Any],
    kind: str,
    name: str,
    namespace: str,
    *,
    parameters: list[dict[str, str]],
    entrypoint: str | None,
    generate_name: str | None,
) -> dict[str, Any]:
    """The Workflow for `found` (the object named `kind`/`name`): a workflowTemplateRef to a template, a
    copy of a CronWorkflow's workflowSpec; labelled as Argo labels them; `parameters` override by name."""
    meta: dict[str, Any] = {"generateName": generate_name or f"{name}-", "namespace": namespace}
    if kind == CRON_WORKFLOW:
        spec = dict((found.get("spec") or {}).get("workflowSpec") or {})
        meta["labels"] = {"workflows.argoproj.io/cron-workflow": name}
    else:
        cluster = kind == CLUSTER_WORKFLOW_TEMPLATE
        label = "cluster-workflow-template" if cluster else "workflow-template"
        meta["labels"] = {f"workflows.argoproj.io/{label}": name}
        spec = {"workflowTemplateRef": {"name": name, **({"clusterScope": True} if cluster else {})}}
    if parameters:
        given = {p["name"] for p in parameters}
        kept = [p for p in (spec.get("arguments") or {}).get("parameters") or [] if p.get("name") not in given]
        spec["arguments"] = {**(spec.get("arguments") or {}), "parameters": kept + parameters}
    if entrypoint:
        spec["entrypoint"] = entrypoint
    return {"apiVersion": API_VERSION, "kind": "Workflow", "metadata": meta, "spec": spec}


def submit_from(
    kube: Any,
    kind: str,
    name: str,
    *,
    parameters: list[dict[str, str]],
    entrypoint: str | None,
    generate_name: str | None,
    server_dry_run: bool,
) -> dict[str, Any]:
    """Create the Workflow for `kind`/`name` (ClusterError when it is not on the cluster); the server's answer."""
    found = kube.get(kind, name)
    if found is None:
        where = "" if kind == CLUSTER_WORKFLOW_TEMPLATE else f" in namespace {kube.namespace!r}"
        raise ClusterError(f"{resource_name(kind, name)} not found{where}")
    wf = build_workflow(
        found,
        kind,
        name,
        kube.namespace,
        parameters=parameters,
        entrypoint=entrypoint,
        generate_name=generate_name,
    )
    created: dict[str, Any] = kube.create(wf, dry_run=server_dry_run)
    return created
