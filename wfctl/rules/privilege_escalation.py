"""WF307 privilege-escalation: no escalation or dangerous capabilities."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.spec import as_dict, as_list, iter_containers
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext

DANGEROUS = {"ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "SYS_MODULE", "DAC_READ_SEARCH"}


class PrivilegeEscalation(Rule):
    """`allowPrivilegeEscalation: true` lets a process gain more rights than its parent (setuid
    binaries); capabilities such as SYS_ADMIN, NET_ADMIN or ALL come close to privileged mode.
    """

    code = "WF307"
    name = "privilege-escalation"
    severity = Severity.WARNING
    summary = "allowPrivilegeEscalation or dangerous added capabilities"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for path, _, c, _ in iter_containers(ctx.doc):
            sc = c.get("securityContext")
            if not isinstance(sc, dict):
                continue  # most containers: nothing to look at
            if sc.get("allowPrivilegeEscalation") is True:
                yield self.finding(
                    ctx, (*path, "securityContext", "allowPrivilegeEscalation"), "allowPrivilegeEscalation: true"
                )
            added = [str(x) for x in as_list(as_dict(sc.get("capabilities")).get("add"))]
            bad = sorted(set(added) & DANGEROUS)
            if bad:
                yield self.finding(
                    ctx,
                    (*path, "securityContext", "capabilities", "add"),
                    f"adds dangerous capabilities: {', '.join(bad)}",
                )
