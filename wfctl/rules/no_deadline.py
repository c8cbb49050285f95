"""WF203 no-deadline: workflows have an activeDeadlineSeconds."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.kinds import RUNNABLE_KINDS
from wfctl.argo.spec import workflow_spec
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext


class NoDeadline(Rule):
    """A workflow without `spec.activeDeadlineSeconds` can run (and hold pods, locks and quota)
    forever when a step hangs. Give every Workflow and CronWorkflow a deadline.
    """

    code = "WF203"
    name = "no-deadline"
    severity = Severity.WARNING
    summary = "Workflow without activeDeadlineSeconds"
    kinds = RUNNABLE_KINDS

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        prefix, spec = workflow_spec(ctx.doc)
        if spec.get("workflowTemplateRef") is None and spec.get("activeDeadlineSeconds") is None:
            yield self.finding(
                ctx, prefix, "workflow has no activeDeadlineSeconds: a hung step runs forever", at_key=True
            )
