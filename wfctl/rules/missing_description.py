"""WF404 missing-description: shared templates say what they are for."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.kinds import LIBRARY_KINDS
from wfctl.argo.spec import as_dict
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext

ANNOTATION = "workflows.argoproj.io/description"


class MissingDescription(Rule):
    """WorkflowTemplates and ClusterWorkflowTemplates are shared: the Argo UI shows the
    `workflows.argoproj.io/description` annotation to the people choosing one. Say what it does and
    what it needs.
    """

    code = "WF404"
    name = "missing-description"
    severity = Severity.INFO
    summary = "WorkflowTemplate without a description annotation"
    kinds = LIBRARY_KINDS

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if not as_dict(ctx.doc.metadata.get("annotations")).get(ANNOTATION):
            yield self.finding(ctx, ("metadata",), f"no {ANNOTATION} annotation", at_key=True)
