"""WF304 default-service-account: workflows name their service account."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.kinds import RUNNABLE_KINDS
from wfctl.argo.spec import workflow_spec
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext


class DefaultServiceAccount(Rule):
    """Without `serviceAccountName` the pods run as the namespace's `default` service account, which
    tends to collect permissions over time and is shared by everything in the namespace. Give workflows a
    dedicated account with only the rights they need.
    """

    code = "WF304"
    name = "default-service-account"
    severity = Severity.WARNING
    summary = "Workflow runs as the namespace's default service account"
    kinds = RUNNABLE_KINDS

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        prefix, spec = workflow_spec(ctx.doc)
        if spec.get("serviceAccountName") or spec.get("workflowTemplateRef") is not None:
            return
        if all(t.get("serviceAccountName") for _, t in ctx.templates()) and list(ctx.templates()):
            return
        yield self.finding(
            ctx, prefix, "no serviceAccountName: pods run as the namespace's default account", at_key=True
        )
