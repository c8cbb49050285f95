"""WF306 host-namespaces: pods do not share the host's network."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.spec import workflow_spec
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext


class HostNamespaces(Rule):
    """`hostNetwork: true` puts the workflow's pods on the node's network: they can reach services
    bound to localhost on the node and bypass network policies.
    """

    code = "WF306"
    name = "host-namespaces"
    severity = Severity.WARNING
    summary = "Pods on the host network"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        prefix, spec = workflow_spec(ctx.doc)
        if spec.get("hostNetwork") is True:
            yield self.finding(ctx, (*prefix, "hostNetwork"), "hostNetwork: true shares the node's network")
