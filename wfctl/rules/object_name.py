"""WF104 object-name: metadata.name/generateName/namespace that Kubernetes and Argo accept."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.kinds import CRON_WORKFLOW, is_cluster_scoped
from wfctl.argo.names import DNS1123_LABEL, DNS1123_SUBDOMAIN, object_name_problem
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext

LIMITS = {CRON_WORKFLOW: 52}


class ObjectName(Rule):
    """Object names must be DNS subdomains (lowercase alphanumerics, '-', '.'), at most 63 characters
    for Workflows and templates and 52 for CronWorkflows (Argo appends a timestamp). Every kind may use
    `generateName` instead of `name` (`argo template create` and `argo cron create --generate-name`
    accept it; with both, `name` wins); a `generateName` is lowercase alphanumerics, '-' and '.'.
    Namespaces are DNS labels.
    """

    code = "WF104"
    name = "object-name"
    severity = Severity.ERROR
    summary = "metadata.name/generateName/namespace not accepted by Kubernetes or Argo"
    stage = "argo"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        meta = ctx.doc.metadata
        name, generate = meta.get("name"), meta.get("generateName")
        limit = LIMITS.get(ctx.doc.kind, 63)
        if not name and not generate:
            yield self.finding(
                ctx, ("metadata",), f"{ctx.doc.kind} needs metadata.name or metadata.generateName", at_key=True
            )
        if isinstance(name, str) and name and "{{" not in name:
            problem = object_name_problem(name, limit)
            if problem:
                yield self.finding(ctx, ("metadata", "name"), f"name {name!r} {problem}")
        if isinstance(generate, str) and generate and "{{" not in generate:
            stem = generate.rstrip("-")
            if not DNS1123_SUBDOMAIN.match(stem or "x") or generate != generate.lower():
                yield self.finding(
                    ctx,
                    ("metadata", "generateName"),
                    f"generateName {generate!r} must be lowercase alphanumerics, '-' or '.'",
                )
        namespace = meta.get("namespace")
        if isinstance(namespace, str) and namespace and not DNS1123_LABEL.match(namespace):
            yield self.finding(ctx, ("metadata", "namespace"), f"namespace {namespace!r} is not a valid DNS label")
        if is_cluster_scoped(ctx.doc.kind) and namespace:
            yield self.finding(
                ctx, ("metadata", "namespace"), "a ClusterWorkflowTemplate is cluster-scoped: remove metadata.namespace"
            )
