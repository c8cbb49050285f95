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
STORED_KINDS = (WORKFLOW_TEMPLATE, CLUSTER_WORKFLOW_TEMPLATE, CRON_WORKFLOW)  # kept by the cluster (apply, prune)


def template_kind(cluster_scope: bool) -> str:
    """The kind a `templateRef` / `workflowTemplateRef` points at: `clusterScope: true` means cluster-wide."""
    return CLUSTER_WORKFLOW_TEMPLATE if cluster_scope else WORKFLOW_TEMPLATE


def is_cluster_scoped(kind: str) -> bool:
    """True for the one Argo kind that has no namespace."""
    return kind == CLUSTER_WORKFLOW_TEMPLATE
