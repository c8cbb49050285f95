"""WF110 workflow-template-ref: a workflowTemplateRef resolves and is not mixed with templates."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.kinds import RUNNABLE_KINDS, template_kind
from wfctl.argo.spec import as_dict, workflow_spec
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext


class WorkflowTemplateRef(Rule):
    """A Workflow that runs a `workflowTemplateRef` takes its templates from it: it may not define
    `spec.templates` as well (`Templates is invalid field in spec if workflow referred WorkflowTemplate
    reference`). The reference is looked up among the files given and `--templates`; one that is not
    found is a warning (it may be on the cluster), an error with `--strict-refs`.
    """

    code = "WF110"
    name = "workflow-template-ref"
    severity = Severity.ERROR
    summary = "workflowTemplateRef not found, incomplete, or mixed with templates"
    stage = "argo"
    kinds = RUNNABLE_KINDS

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        prefix, spec = workflow_spec(ctx.doc)
        ref = spec.get("workflowTemplateRef")
        if not isinstance(ref, dict):
            return
        path = (*prefix, "workflowTemplateRef")
        if spec.get("templates"):
            yield self.finding(
                ctx, (*prefix, "templates"), "a workflow with workflowTemplateRef may not define templates", at_key=True
            )
        name = ref.get("name")
        if not name:
            yield self.finding(ctx, path, "workflowTemplateRef.name is required", at_key=True)
            return
        if "{{" in str(name):
            return
        cluster = bool(as_dict(ref).get("clusterScope"))
        if ctx.index.lookup(str(name), cluster_scope=cluster, namespace=ctx.doc.namespace) is None:
            kind = template_kind(cluster)
            finding = self.finding(
                ctx, (*path, "name"), f"{kind} {name!r} is not among the files given (nor --templates)"
            )
            if not ctx.strict_refs:
                finding.severity = Severity.WARNING
                finding.message += " (cannot check it offline; --strict-refs makes this an error)"
            yield finding
