"""WF204 no-cleanup: workflows set a ttlStrategy or podGC."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.kinds import RUNNABLE_KINDS
from wfctl.argo.spec import workflow_spec
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext


class NoCleanup(Rule):
    """Finished workflows and their pods stay in the cluster until deleted. Without `ttlStrategy`
    (delete the Workflow) or `podGC` (delete its pods) they pile up in etcd and the API server slows
    down. Set at least one (or configure them in the controller's workflowDefaults).
    """

    code = "WF204"
    name = "no-cleanup"
    severity = Severity.WARNING
    summary = "Workflow without ttlStrategy or podGC"
    kinds = RUNNABLE_KINDS

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        prefix, spec = workflow_spec(ctx.doc)
        if spec.get("workflowTemplateRef") is None and spec.get("ttlStrategy") is None and spec.get("podGC") is None:
            yield self.finding(
                ctx,
                prefix,
                "workflow sets neither ttlStrategy nor podGC: finished workflows and pods accumulate",
                at_key=True,
            )
