"""WF403 template-name-style: template names that are DNS-1123 labels."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.names import DNS1123_LABEL
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext


class TemplateNameStyle(Rule):
    """Argo accepts upper case and names up to 128 characters, but template names end up in pod names,
    node names and labels, where Kubernetes wants DNS-1123 labels: lower case alphanumerics and '-', at
    most 63 characters. Mixed-case names also make `{{steps.X}}` references easy to get wrong.
    """

    code = "WF403"
    name = "template-name-style"
    severity = Severity.INFO
    summary = "Template name that is not a DNS-1123 label (lowercase, <= 63)"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for path, tpl in ctx.templates():
            name = tpl.get("name")
            if isinstance(name, str) and name and not DNS1123_LABEL.match(name) and len(name) <= 128:
                reason = "longer than 63 characters" if len(name) > 63 else "not lowercase alphanumerics and '-'"
                yield self.finding(ctx, (*path, "name"), f"template name {name!r} is {reason}")
