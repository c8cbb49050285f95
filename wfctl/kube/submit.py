"""`wfctl submit --from KIND/NAME`: the Workflow that runs a WorkflowTemplate, ClusterWorkflowTemplate or
CronWorkflow already on the cluster (as `argo submit --from` builds it), created through the API.

`--from` takes the kind as the argo CLI does (kind, singular, plural or Argo's short name: `wftmpl`,
`cwftmpl`, `cronwf`) and also the CRDs' other short names that kubectl knows (`cwft`, `clusterwftmpl`,
`cwf`), in any case. Every name-like flag is checked before the first request (`kube.names`).
"""

from __future__ import annotations

from typing import Any

from wfctl.argo.kinds import API_VERSION, CLUSTER_WORKFLOW_TEMPLATE, CRON_WORKFLOW, KIND_ALIASES, WORKFLOW
from wfctl.errors import ClusterError
from wfctl.kube.client import resource_name
from wfctl.kube.names import entrypoint_problem, generate_name_problem, name_problem, parameter_name_problem

# The short names in Argo's CRDs besides the argo CLI's own (`argo.kinds.KIND_ALIASES`): kubectl accepts them.
CRD_SHORT_NAMES = {"cwft": CLUSTER_WORKFLOW_TEMPLATE, "clusterwftmpl": CLUSTER_WORKFLOW_TEMPLATE, "cwf": CRON_WORKFLOW}
SUBMITTABLE = {
    **{alias: kind for alias, kind in KIND_ALIASES.items() if kind != WORKFLOW},
    **CRD_SHORT_NAMES,
}
FROM_USAGE = (
    "use KIND/NAME with KIND one of workflowtemplate (wftmpl), clusterworkflowtemplate (cwftmpl, cwft)"
    " or cronworkflow (cronwf, cwf)"
)


def parse_source(text: str) -> tuple[str, str]:
    """`--from KIND/NAME` as (kind, name); ValueError saying what is wrong."""
    kind_text, slash, name = text.partition("/")
    kind = SUBMITTABLE.get(kind_text.strip().lower())
    if not slash or kind is None:
        found = f"{kind_text!r} is not a kind a Workflow can be submitted from" if slash else "no '/' in it"
        raise ValueError(f"{text!r}: {found}; {FROM_USAGE}")
    problem = name_problem(name, "")
    if problem:
        raise ValueError(f"{text!r}: {problem}")
    return kind, name


def flag_problems(
    parameters: tuple[str, ...], entrypoint: str | None, generate_name: str | None
) -> tuple[list[dict[str, str]], list[tuple[str, str]]]:
    """The `-p NAME=VALUE` arguments as Argo parameters, and every (flag, problem) among `-p`,
    `--entrypoint` and `--generate-name` that Argo or the API server would refuse."""
    params: list[dict[str, str]] = []
    problems: list[tuple[str, str]] = []
    for p in parameters:
        key, sep, value = p.partition("=")
        problem = f"{p!r} is not NAME=VALUE" if not sep or not key else parameter_name_problem(key, "")
        if problem:
            problems.append(("-p", problem))
        params.append({"name": key, "value": value})
    if entrypoint is not None:
        problem = entrypoint_problem(entrypoint, "")
        if problem:
            problems.append(("--entrypoint", problem))
    if generate_name is not None:
        problem = generate_name_problem(generate_name, "")
        if problem:
            problems.append(("--generate-name", problem))
    return params, problems


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
