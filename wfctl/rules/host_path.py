"""WF303 host-path: no hostPath volumes."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.spec import as_dict, as_list, workflow_spec
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext


class HostPath(Rule):
    """A `hostPath` volume exposes the node's filesystem to the pod (container runtime sockets,
    kubelet credentials...) and ties the workflow to one node's disk. Use a PVC, emptyDir or artifacts.
    """

    code = "WF303"
    name = "host-path"
    severity = Severity.WARNING
    summary = "hostPath volume"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        prefix, spec = workflow_spec(ctx.doc)
        places = [((*prefix, "volumes"), spec.get("volumes"))]
        places += [((*p, "volumes"), t["volumes"]) for p, t in ctx.templates() if "volumes" in t]
        for path, volumes in places:
            for i, vol in enumerate(as_list(volumes)):
                if as_dict(vol).get("hostPath") is not None:
                    yield self.finding(
                        ctx,
                        (*path, i, "hostPath"),
                        f"volume {as_dict(vol).get('name')!r} mounts a host path"
                        f" ({as_dict(as_dict(vol).get('hostPath')).get('path')})",
                        at_key=True,
                    )
