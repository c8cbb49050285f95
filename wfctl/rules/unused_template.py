"""WF401 unused-template: every template of a workflow is called from somewhere."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.kinds import RUNNABLE_KINDS
from wfctl.argo.reach import reachable_templates
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext


class UnusedTemplate(Rule):
    """A template of a Workflow or CronWorkflow that no entrypoint, onExit, hook, step or task can
    reach is dead code (often left behind by a rename). WorkflowTemplates are libraries called from
    other files, so their templates are not checked.
    """

    code = "WF401"
    name = "unused-template"
    severity = Severity.WARNING
    summary = "Template that nothing calls"
    kinds = RUNNABLE_KINDS

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        reached = reachable_templates(ctx.doc)
        if reached is None:
            return
        for path, tpl in ctx.templates():
            name = tpl.get("name")
            if isinstance(name, str) and name not in reached:
                yield self.finding(ctx, (*path, "name"), f"template {name!r} is never called")
