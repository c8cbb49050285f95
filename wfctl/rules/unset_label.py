"""WF130 unset-label: `{{workflow.labels.X}}` for a label the file does not set."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.expr import tags
from wfctl.argo.scope import LABEL_PREFIX
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext


class UnsetLabel(Rule):
    """`{{workflow.labels.X}}` reads a label of the running Workflow. When neither `metadata.labels`
    nor `spec.workflowMetadata` (`labels`, `labelsFrom`) of the file sets X, the label must come from
    somewhere else: `argo submit -l X=...`, the submitting tool, or the Workflow that runs this
    template. That is legitimate, so this is a warning in Workflows and templates alike; if nothing adds
    the label, Argo fails the workflow at run time. Labels the controller sets
    (`workflows.argoproj.io/...`) are known.
    """

    code = "WF130"
    name = "unset-label"
    severity = Severity.WARNING
    summary = "{{workflow.labels.X}} for a label this file does not set"
    stage = "argo"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for path, text, scope in ctx.scoped_strings():
            for tag in tags(text):
                if tag.expression or not tag.text.startswith(LABEL_PREFIX) or "{{" in tag.text:
                    continue
                if scope.resolve(tag.text) is None:
                    continue
                label = tag.text[len(LABEL_PREFIX) :]
                yield self.finding(
                    ctx,
                    path,
                    f"{{{{{tag.text}}}}}: label {label!r} is not set in this file; it must be added at"
                    " submission (argo submit -l) or the workflow fails when this runs",
                )
