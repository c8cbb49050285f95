"""WF129 resource-quantity: resource requests, limits and size limits that Kubernetes can parse."""

from __future__ import annotations

from collections.abc import Iterator

from wfctl.argo.quantity import quantity_problem
from wfctl.argo.walk import spec_walk
from wfctl.model import Finding, Severity
from wfctl.rules.base import Rule, RuleContext


class ResourceQuantity(Rule):
    """Resource requests and limits (`cpu`, `memory`, `ephemeral-storage`, GPUs...), pod-level
    resources, volume claim sizes and `emptyDir.sizeLimit` are Kubernetes quantities: a number and an
    optional unit, no spaces. `memory: 4GB` (write `4Gi` or `4G`) and `cpu: "1 core"` (write `1`) are
    rejected when the workflow is decoded or its pod is created. Units: Ki, Mi, Gi, Ti, Pi, Ei (powers
    of 1024), n, u, m, k, M, G, T, P, E (powers of 1000), or an exponent (`1e3`). Values with `{{...}}`
    are not checked.
    """

    code = "WF129"
    name = "resource-quantity"
    severity = Severity.ERROR
    summary = "Resource quantity that Kubernetes cannot parse (memory: 4GB, cpu: 1 core)"
    stage = "argo"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        # the places: `resources.requests/limits` and `podResources.requests/limits` anywhere in the spec
        # (containers, volumeClaimTemplates...), `sizeLimit`; not inside plugin, manifest or metadata
        for path, value in spec_walk(ctx.doc).quantities:
            if isinstance(value, bool) or not isinstance(value, str) or "{{" in value:
                continue  # numbers are quantities; booleans and the like are the schema's
            problem = quantity_problem(value)
            if problem:
                yield self.finding(ctx, path, f"{path[-1]} {value!r} is not a Kubernetes quantity: {problem}")
