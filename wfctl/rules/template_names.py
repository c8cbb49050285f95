"""WF103 template-names: template names are present, valid and unique."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.names import template_name_problem
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext


class TemplateNames(Rule):
    """Each template needs a name that is unique in the workflow, at most 128 characters of
    alphanumerics and '-', starting with an alphanumeric (`^[a-zA-Z0-9][-a-zA-Z0-9]*$`).

    Argo: `spec.templates[<i>].name is required` / `... is not unique` / `... is invalid`.
    """

    code = "WF103"
    name = "template-names"
    severity = Severity.ERROR
    summary = "Template name missing, invalid or not unique"
    stage = "argo"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        seen: dict[str, int] = {}
        for path, tpl in ctx.templates():
            name = tpl.get("name")
            if not isinstance(name, str) or not name:
                yield self.finding(ctx, path, "template has no name", at_key=True)
                continue
            problem = template_name_problem(name)
            if problem:
                yield self.finding(ctx, (*path, "name"), f"template name {name!r} {problem}")
            if name in seen:
                yield self.finding(
                    ctx, (*path, "name"), f"template name {name!r} is not unique (also template #{seen[name] + 1})"
                )
            else:
                seen[name] = path[-1]
