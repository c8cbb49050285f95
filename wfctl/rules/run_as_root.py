"""WF301 run-as-root: pods are made to run as a non-root user."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from wfctl.argo.spec import as_dict, iter_containers, workflow_spec
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext


class RunAsRoot(Rule):
    """Most images run as root unless told otherwise, and a root process that escapes its container
    owns the node. Set `securityContext: {runAsNonRoot: true}` (or a non-zero `runAsUser`) on the
    workflow, the template or each container; `runAsUser: 0` is reported wherever it appears.
    """

    code = "WF301"
    name = "run-as-root"
    severity = Severity.WARNING
    summary = "Containers that may run as root"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        prefix, spec = workflow_spec(ctx.doc)
        wf_sc = as_dict(spec.get("securityContext"))
        if wf_sc.get("runAsUser") == 0:
            yield self.finding(ctx, (*prefix, "securityContext", "runAsUser"), "runAsUser: 0 runs every pod as root")
        defaults = as_dict(spec.get("templateDefaults"))
        workflow_ok = _non_root(wf_sc) or _non_root(as_dict(defaults.get("securityContext")))
        found = list(iter_containers(ctx.doc))  # template by template, in order
        j = 0
        for path, tpl in ctx.templates():
            tpl_sc = as_dict(tpl.get("securityContext"))
            if tpl_sc.get("runAsUser") == 0:
                yield self.finding(ctx, (*path, "securityContext", "runAsUser"), "runAsUser: 0 runs the pod as root")
            depth = len(path)
            pod_ok = None
            # this template's containers, after its own finding: findings at one place (an anchor shared
            # by a template and a container) keep that order
            while j < len(found) and found[j][0][:depth] == path:
                where, _, c, _ = found[j]
                j += 1
                if pod_ok is None:
                    pod_ok = workflow_ok or _non_root(tpl_sc)
                sc = c.get("securityContext")
                if isinstance(sc, dict) and sc.get("runAsUser") == 0:
                    yield self.finding(
                        ctx, (*where, "securityContext", "runAsUser"), "runAsUser: 0 runs this container as root"
                    )
                elif not pod_ok and not (isinstance(sc, dict) and _non_root(sc)):
                    yield self.finding(
                        ctx,
                        where,
                        "container may run as root: set securityContext.runAsNonRoot (workflow, template or container)",
                        at_key=True,
                    )


def _non_root(sc: dict[str, Any]) -> bool:
    user = sc.get("runAsUser")
    return bool(sc.get("runAsNonRoot")) or (isinstance(user, int) and user > 0)
