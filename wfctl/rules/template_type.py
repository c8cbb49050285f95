"""WF108 template-type: every template has exactly one type."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.spec import TEMPLATE_TYPES
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext


class TemplateType(Rule):
    """A template is exactly one of container, script, resource, dag, steps, suspend, data, http,
    plugin or containerSet. With none Argo fails with `template '<n>' type is unknown`; with several,
    `multiple template types specified`.
    """

    code = "WF108"
    name = "template-type"
    severity = Severity.ERROR
    summary = "Template with no type or with several"
    stage = "argo"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for path, tpl in ctx.templates():
            types = [t for t in TEMPLATE_TYPES if tpl.get(t) is not None]
            name = tpl.get("name", f"#{path[-1] + 1}")
            if not types:
                yield self.finding(
                    ctx, path, f"template {name!r} has no type (one of {', '.join(TEMPLATE_TYPES)})", at_key=True
                )
            elif len(types) > 1:
                yield self.finding(
                    ctx,
                    (*path, types[1]),
                    f"template {name!r} has several types ({', '.join(types)}): choose one",
                    at_key=True,
                )
