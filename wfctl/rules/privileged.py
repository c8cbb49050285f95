"""WF302 privileged: no privileged containers."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.spec import as_dict, containers
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
        for path, tpl in ctx.templates():
            for sub, c in containers(tpl):
                if as_dict(c.get("securityContext")).get("privileged") is True:
                    yield self.finding(
                        ctx,
                        (*path, *sub, "securityContext", "privileged"),
                        "privileged container: it is root on the node",
                    )
