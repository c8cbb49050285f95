"""WF302 privileged: no privileged containers."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.spec import iter_containers
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext


class Privileged(Rule):
    """A privileged container has every capability and the host's devices: it is root on the node.
    Workflows almost never need it; grant the one capability required instead.
    """

    code = "WF302"
    name = "privileged"
    severity = Severity.ERROR
    summary = "Privileged container"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for path, _, c, _ in iter_containers(ctx.doc):
            sc = c.get("securityContext")
            if isinstance(sc, dict) and sc.get("privileged") is True:
                yield self.finding(
                    ctx, (*path, "securityContext", "privileged"), "privileged container: it is root on the node"
                )
