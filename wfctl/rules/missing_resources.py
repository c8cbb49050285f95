"""WF202 missing-resources: containers declare resource requests and limits."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.spec import as_dict, iter_containers, workflow_spec
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext


class MissingResources(Rule):
    """Without `resources.requests` the scheduler packs pods blindly; without `resources.limits` one
    runaway step can starve its node. Set both on every container (or once in
    `spec.templateDefaults`).
    """

    code = "WF202"
    name = "missing-resources"
    severity = Severity.WARNING
    summary = "Container without resource requests or limits"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        _, spec = workflow_spec(ctx.doc)
        defaults = as_dict(spec.get("templateDefaults"))
        for path, field, c, _ in iter_containers(ctx.doc):
            if field == "initContainers":
                continue
            resources = as_dict(c.get("resources"))
            if resources.get("requests") and resources.get("limits"):
                continue  # most containers: no need to look at the defaults
            default = as_dict(as_dict(defaults.get(field)).get("resources"))
            missing = [k for k in ("requests", "limits") if not resources.get(k) and not default.get(k)]
            if missing:
                yield self.finding(ctx, path, f"container has no resource {' or '.join(missing)}", at_key=True)
