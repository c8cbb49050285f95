"""WF206 no-retry: pod templates have a retryStrategy."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.spec import as_dict, template_type, workflow_spec
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext


class NoRetry(Rule):
    """Pods fail for reasons unrelated to the step (node drained, image pull hiccup, spot instance
    reclaimed). A `retryStrategy` (e.g. `limit: 2`, `retryPolicy: OnError`) on container and script
    templates, on the workflow, or in `spec.templateDefaults` (which every template inherits) absorbs
    them. Informational by default.
    """

    code = "WF206"
    name = "no-retry"
    severity = Severity.INFO
    summary = "Container or script template without retryStrategy"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        _, spec = workflow_spec(ctx.doc)
        if spec.get("retryStrategy") is not None:
            return
        if as_dict(spec.get("templateDefaults")).get("retryStrategy") is not None:
            return  # every template inherits it
        for path, tpl in ctx.templates():
            if template_type(tpl) in ("container", "script") and tpl.get("retryStrategy") is None:
                yield self.finding(ctx, (*path, "name"), f"template {tpl.get('name')!r} has no retryStrategy")
