"""The four Argo kinds wfctl reads, and the groups of them that commands and rules ask about.

This is the one definition: the loader, the rules, `scan`, `dedupe`, `kube` and `graph` import it
instead of spelling the names out.
"""

from __future__ import annotations

GROUP = "argoproj.io"
VERSION = "v1alpha1"
API_VERSION = f"{GROUP}/{VERSION}"  # the apiVersion of every Argo kind

WORKFLOW = "Workflow"
WORKFLOW_TEMPLATE = "WorkflowTemplate"
CLUSTER_WORKFLOW_TEMPLATE = "ClusterWorkflowTemplate"
CRON_WORKFLOW = "CronWorkflow"

ARGO_KINDS = (WORKFLOW, WORKFLOW_TEMPLATE, CLUSTER_WORKFLOW_TEMPLATE, CRON_WORKFLOW)
RUNNABLE_KINDS = (WORKFLOW, CRON_WORKFLOW)  # start runs: their own entrypoint, arguments, exit handler
LIBRARY_KINDS = (WORKFLOW_TEMPLATE, CLUSTER_WORKFLOW_TEMPLATE)  # hold templates that others call by templateRef
# Definitions that `apply` keeps in step with the files and `--prune` may delete; a Workflow is a run, never pruned.
STORED_KINDS = (WORKFLOW_TEMPLATE, CLUSTER_WORKFLOW_TEMPLATE, CRON_WORKFLOW)

# The API's resource names, and the names `submit --from KIND/NAME` accepts for each kind.
PLURALS = {
    WORKFLOW: "workflows",
    WORKFLOW_TEMPLATE: "workflowtemplates",
    CLUSTER_WORKFLOW_TEMPLATE: "clusterworkflowtemplates",
    CRON_WORKFLOW: "cronworkflows",
}
KIND_ALIASES = {
    "workflow": WORKFLOW,
    "wf": WORKFLOW,
    "workflows": WORKFLOW,
    "workflowtemplate": WORKFLOW_TEMPLATE,
    "wftmpl": WORKFLOW_TEMPLATE,
    "workflowtemplates": WORKFLOW_TEMPLATE,
    "clusterworkflowtemplate": CLUSTER_WORKFLOW_TEMPLATE,
    "cwftmpl": CLUSTER_WORKFLOW_TEMPLATE,
    "clusterworkflowtemplates": CLUSTER_WORKFLOW_TEMPLATE,
    "cronworkflow": CRON_WORKFLOW,
    "cronwf": CRON_WORKFLOW,
    "cronworkflows": CRON_WORKFLOW,
}


def template_kind(cluster_scope: bool) -> str:
    """The kind a `templateRef` / `workflowTemplateRef` points at: `clusterScope: true` means cluster-wide."""
    return CLUSTER_WORKFLOW_TEMPLATE if cluster_scope else WORKFLOW_TEMPLATE


def is_cluster_scoped(kind: str) -> bool:
    """True for the one Argo kind that has no namespace."""
    return kind == CLUSTER_WORKFLOW_TEMPLATE
