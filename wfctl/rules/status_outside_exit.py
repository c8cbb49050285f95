"""WF131 status-outside-exit: `{{workflow.status}}` read where the workflow is still running."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.expr import tags
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext


class StatusOutsideExit(Rule):
    """`{{workflow.status}}` is the workflow's final phase (Succeeded, Failed, Error) only in an exit
    handler: the `onExit` template, a lifecycle hook, and the templates they call. Anywhere else the
    workflow is still running, so the tag is always `Running` and a condition on it never changes.
    Argo accepts it everywhere, so this is a warning.
    """

    code = "WF131"
    name = "status-outside-exit"
    severity = Severity.WARNING
    summary = "{{workflow.status}} outside an exit handler (always Running there)"
    stage = "argo"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for path, text, scope in ctx.scoped_strings():
            if "workflow.status" not in text:
                continue  # most strings: decided without working out where the template runs
            for tag in tags(text):
                if not tag.expression and tag.text == "workflow.status" and scope.exit_handler is False:
                    yield self.finding(
                        ctx,
                        path,
                        "{{workflow.status}} outside an exit handler is always 'Running': read it in the"
                        " onExit template or a lifecycle hook",
                    )
